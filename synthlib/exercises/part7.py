"""The self-checks of part 7's exercises (sections 7.1 to 7.5), registered with :func:`synthlib.exercises.exercise`.
"""
from __future__ import annotations

from . import call_answer, exercise
import numpy as np


def _keep_probability(epsilon):
    return (np.exp(epsilon) - 1) / (np.exp(epsilon) + 1)


def _reference_coin_response(bit, epsilon, rng, size):
    """Answer the true bit with probability q = (e^ε − 1)/(e^ε + 1), else a fair coin: exactly ε-DP."""
    keep = rng.random(size) < _keep_probability(epsilon)
    return np.where(keep, bit, rng.integers(0, 2, size))


def _leaky_coin_response(bit, epsilon, rng, size):  # the usual mix-up with the other randomised response
    keep = rng.random(size) < np.exp(epsilon) / (1 + np.exp(epsilon))
    return np.where(keep, bit, rng.integers(0, 2, size))


@exercise("7.1.1", summary="randomised response, written and audited",
          solution=lambda: _reference_coin_response, mistake=lambda: _leaky_coin_response, function="coin_response")
def _check_coin_response(answer):
    n = 200_000
    for epsilon in (0.5, 1.0, 2.0):
        rng = np.random.default_rng(int(10 * epsilon))
        yes_if_yes = np.asarray(call_answer(answer, 1, epsilon, rng, n), dtype=float)
        yes_if_no = np.asarray(call_answer(answer, 0, epsilon, rng, n), dtype=float)
        if yes_if_yes.shape != (n,) or yes_if_no.shape != (n,):
            return f"return `size` answers: shape ({n},), got {yes_if_yes.shape} and {yes_if_no.shape}"
        if not (np.isin(yes_if_yes, (0, 1)).all() and np.isin(yes_if_no, (0, 1)).all()):
            return "every answer must be a bit, 0 or 1"
        p1, p0 = yes_if_yes.mean(), yes_if_no.mean()
        if not 0 < p0 < p1 < 1:
            return (f"at ε = {epsilon:g}, P[answer 1] is {p1:.3f} for a 1 and {p0:.3f} for a 0: the true bit must "
                    "make answering 1 more likely, but never certain")
        measured = np.log(p1 / p0)
        if abs(p1 + p0 - 1) > 0.01:
            return "the coin must be fair: an untruthful answer is 0 or 1 with probability 1/2 each"
        if measured > epsilon + 0.05:
            return (f"at ε = {epsilon:g} your answers leak log(P[1|1]/P[1|0]) = {measured:.2f} > ε. With truthful "
                    "probability q the ratio is (1 + q)/(1 − q): solve (1 + q)/(1 − q) = e^ε for q")
        if measured < epsilon - 0.05:
            return (f"at ε = {epsilon:g} your answers leak only {measured:.2f}: more noise than ε needs, so the "
                    "survey learns less than it could. Solve (1 + q)/(1 − q) = e^ε for q")
    return None


def _reference_privacy_loss(k, epsilon0, n, rng):
    answers = 1 + rng.laplace(0.0, 1 / epsilon0, size=(n, k))  # the count is 1 with you, 0 without
    return epsilon0 * (np.abs(answers) - np.abs(answers - 1)).sum(axis=1)


def _privacy_loss_wrong_scale(k, epsilon0, n, rng):  # noise scale ε₀ instead of Δ/ε₀
    answers = 1 + rng.laplace(0.0, epsilon0, size=(n, k))
    return epsilon0 * (np.abs(answers) - np.abs(answers - 1)).sum(axis=1)


@exercise("7.1.2", summary="composition measured by simulating the privacy loss",
          solution=lambda: _reference_privacy_loss, mistake=lambda: _privacy_loss_wrong_scale, function="privacy_loss")
def _check_privacy_loss(answer):
    n = 50_000
    for k, epsilon0 in ((1, 1.0), (10, 0.1), (100, 0.1)):
        losses = np.asarray(call_answer(answer, k, epsilon0, n, np.random.default_rng(k)), dtype=float)
        if losses.shape != (n,):
            return f"return one privacy loss per transcript: shape ({n},), got {losses.shape}"
        if losses.max() > k * epsilon0 + 1e-9 or losses.min() < -k * epsilon0 - 1e-9:
            return (f"with k = {k} answers at ε₀ = {epsilon0:g} no loss can exceed k·ε₀ = {k * epsilon0:g} in size: "
                    "each answer's loss is ε₀(|a − 0| − |a − 1|)")
        truth = _reference_privacy_loss(k, epsilon0, n, np.random.default_rng(1_000 + k))
        if losses.mean() < 0 < truth.mean():
            return "your losses are negative on average: draw the answers from the dataset WITH you (count 1)"
        if abs(losses.mean() - truth.mean()) > 0.03 * max(1, k * epsilon0) or \
                abs(losses.std() - truth.std()) > 0.05 * truth.std():
            return (f"for k = {k}, ε₀ = {epsilon0:g} your losses have mean {losses.mean():.3f} and sd "
                    f"{losses.std():.3f}; they should be near {truth.mean():.3f} and {truth.std():.3f}. The Laplace "
                    "mechanism's noise scale is Δ/ε₀ = 1/ε₀, and a transcript's loss is the sum over its k answers")
    return None


_IMAGES = np.arange(2 * 3 * 3).reshape(2, 3, 3)


def _reference_rotate(images):
    return np.concatenate([np.rot90(images, k, axes=(1, 2)) for k in range(4)]), np.repeat(np.arange(4), len(images))


def _quadrant_model():
    """A stand-in for the pretext network: its logits are the ink in the four quadrants, in the order in which
    np.rot90 moves them (top-left, bottom-left, bottom-right, top-right), so that its confusion matrix is known
    and not symmetric."""
    import torch

    class QuadrantModel(torch.nn.Module):
        def forward(self, x):
            half = x.shape[-1] // 2
            quadrants = [x[..., :half, :half], x[..., half:, :half], x[..., half:, half:], x[..., :half, half:]]
            return torch.stack([q.sum(dim=(1, 2, 3)) for q in quadrants], dim=1)

    return QuadrantModel()


def _quadrant_images():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 40, size=(20, 12, 12)).astype(np.uint8)
    corners = [(0, 0)] * 12 + [(6, 0)] * 6 + [(0, 6)] * 2  # ink mostly top-left, then bottom-left, top-right
    for image, (row, col) in zip(images, corners):
        image[row:row + 6, col:col + 6] += 200
    return images


def _reference_confusion(model, images):
    import torch

    from ..part7.self_supervised import rotation_dataset

    rotated, angle = rotation_dataset(images)
    with torch.no_grad():
        predicted = model(torch.from_numpy(rotated)[:, None]).argmax(1).numpy()
    matrix = np.zeros((4, 4))
    np.add.at(matrix, (angle, predicted), 1)
    return matrix / matrix.sum(axis=1, keepdims=True)


@exercise("7.2.1", summary="the pretext network's confusion matrix over the four rotations",
          solution=lambda: _reference_confusion,
          mistake=lambda: (lambda model, images: _reference_confusion(model, images).T), function="rotation_confusion")
def _check_confusion(answer):
    model, images = _quadrant_model(), _quadrant_images()
    matrix = np.asarray(call_answer(answer, model, images.copy()), dtype=float)
    truth = _reference_confusion(model, images)
    if matrix.shape != (4, 4):
        return f"return a 4×4 matrix (true angle × predicted angle), got shape {matrix.shape}"
    if np.allclose(matrix, truth, atol=1e-9):
        return None
    if np.allclose(matrix, truth.T, atol=1e-9):
        return "rows and columns are swapped: row = the true rotation, column = the network's answer"
    if not np.allclose(matrix.sum(axis=1), 1):
        return "each row (one true rotation) must sum to 1: divide the counts by the number of images per rotation"
    return ("rotate every image four times (synthlib.rotation_dataset), let the model predict each rotation's "
            "label (argmax of its logits), and count true × predicted")


_AMBIGUOUS = {0, 1, 6, 8, 9}


@exercise("7.2.2", summary="digits whose upside-down image is an upright digit",
          solution=lambda: set(_AMBIGUOUS), mistake=lambda: {0, 1, 8})
def _check_ambiguous_digits(answer):
    try:
        digits = {int(d) for d in answer}
    except (TypeError, ValueError):
        return "give a set of digits, e.g. {0, 1}"
    if not digits <= set(range(10)):
        return "digits are 0 to 9"
    if digits == _AMBIGUOUS:
        return None
    if digits | {6, 9} == _AMBIGUOUS:
        return ("the network does not know the class: an upside-down 6 is an upright-looking 9 (and the other "
                "way round), so for 6s and 9s it cannot tell 0° from 180° either")
    if digits & {6, 9} == {6, 9} and not {0, 1, 8} <= digits:
        return "some digits look like themselves when turned over: they are ambiguous too"
    extra = sorted(digits - _AMBIGUOUS)
    if extra:
        return (f"turned by 180°, {', '.join(map(str, extra))} look(s) like no upright digit, so the angle can be "
                "read from the shape")
    return "turn each digit over in your head: is the result a digit someone could have written upright?"


def _reference_distinct_n(texts, n):
    grams = [tuple(words[i:i + n]) for words in (t.split() for t in texts) for i in range(len(words) - n + 1)]
    return len(set(grams)) / len(grams)


def _joined_distinct_n(texts, n):  # the usual slip: one long text, so n-grams run across review boundaries
    return _reference_distinct_n([" ".join(texts)], n)


@exercise("7.3.1", summary="distinct-n, the share of n-grams that are new",
          solution=lambda: _reference_distinct_n, mistake=lambda: _joined_distinct_n, function="distinct_n")
def _check_distinct_n(answer):
    cases = [(["a b c", "a b d"], 1, 4 / 6), (["a b c", "a b d"], 2, 3 / 4), (["a b", "a b"], 2, 1 / 2),
             (["the film is good", "the film is bad", "good"], 2, 4 / 6), (["x y z"], 3, 1.0)]
    for texts, n, expected in cases:
        value = float(call_answer(answer, list(texts), n))
        if not np.isclose(value, expected):
            if np.isclose(value, _joined_distinct_n(texts, n)):
                return (f"for {texts} and n = {n} you return {value:.3f}, expected {expected:.3f}: an n-gram must lie "
                        "inside one text; joining the texts makes n-grams that run from one review into the next")
            return (f"for {texts} and n = {n} you return {value:.3f}, expected {expected:.3f}: count every n-gram of "
                    "every text (repeats included) and divide the number of distinct ones by that count")
    return None


def _reference_top_p(probabilities, top_p):
    probabilities = np.asarray(probabilities, dtype=float)
    order = np.argsort(-probabilities, kind="stable")
    before = np.cumsum(probabilities[order]) - probabilities[order]
    kept = np.zeros_like(probabilities)
    kept[order] = np.where(before < top_p, probabilities[order], 0.0)
    return kept / kept.sum()


def _strict_top_p(probabilities, top_p):  # the usual slip: drops the token that crosses top_p
    probabilities = np.asarray(probabilities, dtype=float)
    order = np.argsort(-probabilities, kind="stable")
    kept = np.zeros_like(probabilities)
    kept[order] = np.where(np.cumsum(probabilities[order]) <= top_p, probabilities[order], 0.0)
    return kept / kept.sum() if kept.sum() > 0 else kept


@exercise("7.3.2", summary="nucleus (top-p) filtering of a next-token distribution",
          solution=lambda: _reference_top_p, mistake=lambda: _strict_top_p, function="nucleus")
def _check_top_p(answer):
    cases = [([0.1, 0.6, 0.3], 0.5, [0.0, 1.0, 0.0]), ([0.1, 0.6, 0.3], 0.7, [0.0, 2 / 3, 1 / 3]),
             ([0.1, 0.6, 0.3], 1.0, [0.1, 0.6, 0.3]), ([0.25, 0.15, 0.6], 0.7, [0.25 / 0.85, 0.0, 0.6 / 0.85]),
             ([0.05, 0.05, 0.4, 0.5], 0.85, [0.0, 0.0, 4 / 9, 5 / 9])]
    for probabilities, top_p, expected in cases:
        value = np.asarray(call_answer(answer, np.array(probabilities), top_p), dtype=float)
        if value.shape != (len(probabilities),):
            return f"return one probability per token: shape ({len(probabilities)},), got {value.shape}"
        if not np.allclose(value, expected):
            if not np.isclose(np.nansum(value), 1):
                return (f"for {probabilities} and top_p = {top_p} your probabilities sum to {np.nansum(value):.3f}: "
                        "keep the token that crosses top_p (the nucleus is never empty) and renormalise")
            return (f"for {probabilities} and top_p = {top_p} you return {np.round(value, 3).tolist()}, expected "
                    f"{np.round(expected, 3).tolist()}: sort the tokens by probability, keep them while the mass "
                    "of the tokens before them is below top_p, zero the rest and renormalise")


def _smallest_sample_size(generations: int = 20, kept: float = 0.9) -> int:
    """The smallest n with ((n − 1)/n)^generations ≥ kept: the expected variance kept after refitting (7.4)."""
    return int(np.ceil(1 / (1 - kept ** (1 / generations))))


@exercise("7.4.1", summary="the sample size that keeps 90% of the variance for 20 generations",
          solution=_smallest_sample_size, mistake=lambda: _smallest_sample_size() - 1)
def _check_smallest_sample_size(answer):
    try:
        n = int(answer)
    except (TypeError, ValueError, OverflowError):
        return "give one whole number n"
    if n != answer:
        return "n is a number of points: a whole number (round up, not to the nearest)"
    right = _smallest_sample_size()
    if n == right:
        return None
    if n < 2:
        return "with fewer than 2 points per generation there is no variance to fit"
    kept = (1 - 1 / n) ** 20
    if n < right:
        return (f"with n = {n} the expected variance after 20 generations is {kept:.4f} of the truth, under 0.9: "
                "solve ((n − 1)/n)^20 ≥ 0.9 for n and round up")
    return (f"n = {n} keeps {kept:.4f} of the variance, but a smaller n also keeps 90%: the question asks for the "
            "smallest")


def _reference_mixed_generations(real, generations, rng):
    """A fixed 50/50 mix: each generation fits the real points plus the previous generation's samples (7.4.2)."""
    data, variances = real, []
    for _ in range(generations + 1):
        mean, variance = data.mean(axis=1), data.var(axis=1)
        variances.append(variance)
        samples = rng.normal(mean[:, None], np.sqrt(variance)[:, None], size=real.shape)
        data = np.concatenate([real, samples], axis=1)
    return np.array(variances)


def _replacing_generations(real, generations, rng):  # the mix forgotten: each fit sees only the last samples
    from ..part7.model_collapse import gaussian_generations

    return gaussian_generations(real, generations, rng=rng, mode="replace")


@exercise("7.4.2", summary="refitting on a fixed 50/50 mix of real and synthetic points",
          solution=lambda: _reference_mixed_generations, mistake=lambda: _replacing_generations,
          function="mixed_generations")
def _check_mixed_generations(answer):
    chains, n, generations = 2_000, 20, 30
    real = np.random.default_rng(7401).normal(size=(chains, n))
    variances = np.asarray(call_answer(answer, real.copy(), generations, np.random.default_rng(7402)), dtype=float)
    if variances.shape != (generations + 1, chains):
        return f"return shape (generations + 1, chains) = ({generations + 1}, {chains}); got {variances.shape}"
    if not np.allclose(variances[0], real.var(axis=1)):
        return ("generation 0 is the maximum-likelihood fit to the real points alone: real.var(axis=1), which "
                "divides by n")
    ratio = variances[-1] / variances[0]
    if not np.isfinite(ratio).all() or (ratio <= 0).any():
        return "every fitted variance must be a positive number"
    median, spread = np.median(ratio), np.log(ratio).std()
    if median < 0.5:
        return (f"the median chain kept only {median:.2f} of its variance: that is collapse. Does every fit see the "
                "real points as well as the last generation's samples?")
    # The 50/50 mix keeps the variance (median ratio about 0.95) with a stationary spread of log-ratios near 0.18;
    # accumulating everything keeps early errors for ever (spread near 0.24).
    if not 0.92 < median < 0.98:
        return f"the median chain kept {median:.3f} of its variance; a 50/50 mix of 2n points keeps about 0.95"
    if spread > 0.21:
        return (f"the chains' log-variances spread by {spread:.2f}, as if every earlier generation's samples were "
                "kept: keep the real points and only the LAST generation's samples")
    if spread < 0.15:
        return f"the chains' log-variances spread by only {spread:.2f}: draw fresh samples every generation"
    return None


def _reference_tpr_at(labels, scores, fpr):
    """Every threshold "score ≥ t" over the distinct scores; keep those accusing at most fpr of the non-members."""
    labels, scores = np.asarray(labels), np.asarray(scores, dtype=float)
    best = 0.0
    for threshold in np.unique(scores):
        guess = scores >= threshold
        if guess[labels == 0].mean() <= fpr:
            best = max(best, guess[labels == 1].mean())
    return best


def _quantile_tpr_at(labels, scores, fpr):  # the threshold read off the non-members' quantile: ties overshoot
    labels, scores = np.asarray(labels), np.asarray(scores, dtype=float)
    threshold = np.quantile(scores[labels == 0], 1 - fpr)
    return float((scores[labels == 1] >= threshold).mean())


@exercise("7.5.1", summary="the true-positive rate at a low false-positive rate, from an attack's scores",
          solution=lambda: _reference_tpr_at, mistake=lambda: _quantile_tpr_at, function="tpr_at")
def _check_tpr_at(answer):
    from ..part7.attacks import tpr_at_fpr

    rng = np.random.default_rng(7501)
    for trial in range(6):
        n = 400
        labels = np.r_[np.ones(n), np.zeros(n)].astype(int)
        # Rounded scores: ties, as distances to the closest record have (many rows sit at distance 0).
        scores = np.round(np.r_[rng.normal(0.5 * (trial % 3), 1, n), rng.normal(0, 1, n)], 1)
        for fpr in (0.01, 0.05, 0.2):
            got = float(call_answer(answer, labels.copy(), scores.copy(), fpr))
            right = tpr_at_fpr(labels, scores, fpr)
            if not np.isclose(got, right):
                guess_rate = "more" if got > right else "less"
                return (f"at FPR ≤ {fpr:g} on a test with tied scores you found TPR {got:.4f}, {guess_rate} than "
                        f"the {right:.4f} of the best threshold whose false-positive rate stays within {fpr:g}: "
                        "count the non-members a threshold accuses (ties included) instead of reading a quantile")
    return None


def _reference_pareto(utility, risk):
    """A generator is kept unless another is at least as good on both and strictly better on one."""
    utility, risk = np.asarray(utility, dtype=float), np.asarray(risk, dtype=float)
    dominated = [bool(np.any((utility >= u) & (risk <= r) & ((utility > u) | (risk < r))))
                 for u, r in zip(utility, risk)]
    return ~np.array(dominated)


def _weak_pareto(utility, risk):  # "at least as good on both" without "strictly better on one": ties drop out
    utility, risk = np.asarray(utility, dtype=float), np.asarray(risk, dtype=float)
    index = np.arange(utility.size)
    return np.array([not np.any((utility >= u) & (risk <= r) & (index != i))
                     for i, (u, r) in enumerate(zip(utility, risk))])


@exercise("7.5.2", summary="the Pareto front of utility against membership risk",
          solution=lambda: _reference_pareto, mistake=lambda: _weak_pareto, function="pareto_front")
def _check_pareto(answer):
    rng = np.random.default_rng(7502)
    for _ in range(20):
        # Rounded values, so that equal utilities and equal risks occur (TPR at 1% FPR is often exactly 0).
        utility, risk = np.round(rng.uniform(0.5, 0.9, 12), 2), np.round(rng.choice([0, 0, 0.01, 0.05, 0.3], 12), 2)
        got = np.asarray(call_answer(answer, utility.copy(), risk.copy()))
        if got.shape != utility.shape or got.dtype != bool:
            return f"return a boolean mask of shape {utility.shape}, got {got.dtype} of shape {got.shape}"
        right = _reference_pareto(utility, risk)
        if not np.array_equal(got, right):
            wrong = np.flatnonzero(got != right)[0]
            kept = "kept" if got[wrong] else "dropped"
            return (f"the generator with utility {utility[wrong]} and risk {risk[wrong]} is {kept} by your mask but "
                    "should not be: a generator is dominated only by one at least as good on both and strictly "
                    "better on one (two identical generators do not remove each other)")
    return None
