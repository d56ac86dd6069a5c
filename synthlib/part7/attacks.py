"""Part 7, section 7.1 (used in 5.3 and 6 too): privacy measured as attackers and auditors do.

Every attack takes the same three tables, ``(train, holdout, release)``: the rows the synthesizer learned from
(members), real rows it never saw (non-members, from the same population) and the synthetic release, all with the
same columns. Each returns an :class:`AttackResult` with the ROC AUC and, as attackers and auditors report it
(Carlini et al., 2022), the true-positive rate at a low false-positive rate (1% and 0.1%), and an empirical lower
bound on the ε that a differentially private synthesizer would need to allow that attack.

- :func:`distance_attack`: guess "member" when a record has a close synthetic neighbour (the average case);
- :func:`outlier_attack`: the same, aimed at the most unusual records, the ones a synthesizer is likeliest to
  reproduce and the ones average metrics hide (Stadler et al., 2022);
- :func:`shadow_attack`: the attacker retrains the synthesizer on shadow datasets with and without a target
  record and learns what its presence does to the release (Stadler et al., 2022; TAPAS, Houssiau et al., 2022);
- :func:`attribute_inference`: SDMetrics' ``DisclosureProtection`` (the CAP attack): how well a release lets an
  attacker who knows some columns of a person guess a sensitive one, beside what independent real data allows;
- :func:`auc_chance_band`: how far from 0.5 an attack that learns nothing may land, on so many records;
- :func:`epsilon_lower_bound`: (ε, δ)-DP implies TPR ≤ e^ε·FPR + δ and 1 − FPR ≤ e^ε·(1 − TPR) + δ for every
  attack, so an attack's measured rates, with Clopper–Pearson intervals, bound ε from below.

scikit-learn, SciPy and SDMetrics are imported inside the functions.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..common.arguments import as_rng, check_count, check_probability, check_real, check_seed
from ..part5.synthesizers import check_same_columns
from ..part5.validation import column_kinds, distance_to_closest_record

__all__ = ["AttackResult", "attack_result", "tpr_at_fpr", "auc_chance_band", "epsilon_lower_bound",
           "distance_attack", "outlier_scores", "outlier_candidates", "outlier_attack", "shadow_attack",
           "attribute_inference", "AttributeInference", "cap_protection", "EpsilonAudit", "audit_epsilon"]


# ---------------------------------------------------------------------------------------------------------------
# Scores to rates


def _labels_scores(labels, scores):
    labels = np.asarray(labels)
    try:
        scores = np.asarray(scores, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"scores must be numbers, got an array of {np.asarray(scores).dtype}") from None
    if labels.ndim != 1 or scores.shape != labels.shape:
        raise ValueError(f"labels and scores must be 1-D of the same length, got shapes {labels.shape} and "
                         f"{scores.shape}")
    if not np.isin(labels, (0, 1)).all():
        raise ValueError("labels must be 0 (non-member) or 1 (member)")
    labels = labels.astype(int)
    if labels.sum() == 0 or labels.sum() == labels.size:
        raise ValueError("labels need at least one member (1) and one non-member (0)")
    if not np.isfinite(scores).all():
        raise ValueError("scores contain NaN or infinite values")
    return labels, scores


def _roc_counts(labels, scores):
    """True and false positives at every threshold "score ≥ t", t running down the distinct scores (from 0, 0)."""
    order = np.argsort(-scores, kind="mergesort")
    s, y = scores[order], labels[order]
    last = np.r_[np.flatnonzero(np.diff(s) != 0), y.size - 1]  # the last index of each distinct score
    tp, fp = np.cumsum(y)[last], np.cumsum(1 - y)[last]
    return np.r_[0, tp], np.r_[0, fp], np.r_[np.inf, s[last]]


def tpr_at_fpr(labels, scores, fpr: float) -> float:
    """The largest true-positive rate of a threshold whose false-positive rate is at most ``fpr`` (no interpolation).

    The attack says "member" when its score is at least a threshold; over every threshold, keep those that accuse
    at most a share ``fpr`` of the non-members and return the largest share of members they find. With n
    non-members, a target below 1/n allows no false positive at all.
    """
    fpr = check_probability(fpr, "fpr", closed=True)
    labels, scores = _labels_scores(labels, scores)
    tp, fp, _ = _roc_counts(labels, scores)
    n_pos, n_neg = labels.sum(), labels.size - labels.sum()
    allowed = fp <= fpr * n_neg + 1e-9
    return float(tp[allowed].max() / n_pos)


def auc_chance_band(n_members: int, n_non_members: int | None = None, *, sigmas: float = 3.0) -> float:
    """How far an attack's AUC may stray from 0.5 by chance alone when it learns nothing (5.3, 7.1): ``sigmas``
    standard deviations of the AUC of random scores on ``n_members`` members and ``n_non_members`` non-members
    (the Mann-Whitney statistic's null spread, sqrt((n₁ + n₀ + 1) / (12·n₁·n₀)); default: as many non-members)."""
    n_members = check_count(n_members, "n_members", minimum=1)
    n_non_members = n_members if n_non_members is None else check_count(n_non_members, "n_non_members", minimum=1)
    sigmas = check_real(sigmas, "sigmas", minimum=0)
    return float(sigmas * math.sqrt((n_members + n_non_members + 1) / (12 * n_members * n_non_members)))


@dataclass
class AttackResult:
    """A membership-inference attack's scores and its rates (sections 5.3, 6, 7.1). Higher score: "member"."""

    name: str
    labels: np.ndarray = field(repr=False)
    scores: np.ndarray = field(repr=False)
    auc: float = float("nan")
    tpr_1: float = float("nan")  # TPR at FPR ≤ 1%
    tpr_01: float = float("nan")  # TPR at FPR ≤ 0.1%

    @property
    def n_members(self) -> int:
        return int(self.labels.sum())

    @property
    def n_non_members(self) -> int:
        return int(self.labels.size - self.labels.sum())

    def tpr_at(self, fpr: float) -> float:
        return tpr_at_fpr(self.labels, self.scores, fpr)

    def roc_curve(self) -> tuple[np.ndarray, np.ndarray]:
        tp, fp, _ = _roc_counts(self.labels, self.scores)
        return fp / self.n_non_members, tp / self.n_members

    def epsilon_lower_bound(self, *, delta: float = 0.0, alpha: float = 0.05, seed: int = 0,
                            threshold: float | None = None) -> float:
        """A lower bound on ε valid with probability ≥ 1 − α (see :func:`epsilon_lower_bound`).

        Choosing the best threshold and measuring its rates on the same scores would overstate the bound, so the
        candidates are split at random in two halves: the threshold is picked on the first (the largest
        point-estimate bound) and the rates are counted on the second. A ``threshold`` fixed before the scores
        were seen (a classifier's 0.5, learned on other data) uses every candidate instead.
        """
        if threshold is not None:
            threshold = check_real(threshold, "threshold")
            guess = self.scores >= threshold
            return epsilon_lower_bound(int(guess[self.labels == 1].sum()), self.n_members,
                                       int(guess[self.labels == 0].sum()), self.n_non_members,
                                       delta=delta, alpha=alpha)
        rng = np.random.default_rng(seed)
        pick = np.zeros(self.labels.size, dtype=bool)
        for label in (0, 1):  # half of the members and half of the non-members to pick the threshold
            where = np.flatnonzero(self.labels == label)
            pick[rng.permutation(where)[: where.size // 2]] = True
        threshold = _best_threshold(self.labels[pick], self.scores[pick], delta)
        test_labels, test_scores = self.labels[~pick], self.scores[~pick]
        guess = test_scores >= threshold
        return epsilon_lower_bound(int(guess[test_labels == 1].sum()), int((test_labels == 1).sum()),
                                   int(guess[test_labels == 0].sum()), int((test_labels == 0).sum()),
                                   delta=delta, alpha=alpha)

    def summary(self) -> dict:
        return {"attack": self.name, "AUC": self.auc, "TPR at 1% FPR": self.tpr_1, "TPR at 0.1% FPR": self.tpr_01,
                "members": self.n_members, "non-members": self.n_non_members}


def _best_threshold(labels, scores, delta):
    """The threshold with the largest point estimate of the ε bound (rates smoothed by half a count, so that no
    threshold gets an infinite bound from a zero count)."""
    tp, fp, thresholds = _roc_counts(labels, scores)
    n_pos, n_neg = labels.sum(), labels.size - labels.sum()
    tpr, fpr = (tp + 0.5) / (n_pos + 1), (fp + 0.5) / (n_neg + 1)
    with np.errstate(divide="ignore"):
        bound = np.fmax(np.log(np.maximum(tpr - delta, 0) / fpr), np.log(np.maximum(1 - fpr - delta, 0) / (1 - tpr)))
    return thresholds[int(np.argmax(bound))]


def attack_result(name: str, labels, scores) -> AttackResult:
    """An :class:`AttackResult` from members' and non-members' scores: AUC, TPR at 1% and at 0.1% FPR."""
    from sklearn.metrics import roc_auc_score

    if not isinstance(name, str):
        raise TypeError(f"name must be the attack's name (a string), got {name!r}")
    labels, scores = _labels_scores(labels, scores)
    return AttackResult(name, labels, scores, auc=float(roc_auc_score(labels, scores)),
                        tpr_1=tpr_at_fpr(labels, scores, 0.01), tpr_01=tpr_at_fpr(labels, scores, 0.001))


# ---------------------------------------------------------------------------------------------------------------
# The ε lower bound


def epsilon_lower_bound(true_positives: int, n_members: int, false_positives: int, n_non_members: int, *,
                        delta: float = 0.0, alpha: float = 0.05) -> float:
    """The largest ε that an attack's counts prove, with confidence 1 − α (0 when they prove nothing).

    An (ε, δ)-DP mechanism keeps every attack at TPR ≤ e^ε·FPR + δ and 1 − FPR ≤ e^ε·(1 − TPR) + δ, so
    ε ≥ log((TPR − δ) / FPR) and ε ≥ log((1 − FPR − δ) / (1 − TPR)). The rates are only estimates: each ratio uses
    a one-sided Clopper–Pearson lower bound for its numerator and upper bound for its denominator (each at level
    α/4, Bonferroni over the four bounds), so with probability at least 1 − α the returned value does not exceed
    the mechanism's true ε (Jagielski et al., 2020; Nasr et al., 2021).
    """
    from scipy.stats import beta

    n_pos = check_count(n_members, "n_members", minimum=1)
    n_neg = check_count(n_non_members, "n_non_members", minimum=1)
    tp = check_count(true_positives, "true_positives", maximum=n_pos)
    fp = check_count(false_positives, "false_positives", maximum=n_neg)
    delta = check_real(delta, "delta", minimum=0.0, maximum=1.0)
    alpha = check_probability(alpha, "alpha")
    level = alpha / 4

    def lower(k, n):
        return 0.0 if k == 0 else float(beta.ppf(level, k, n - k + 1))

    def upper(k, n):
        return 1.0 if k == n else float(beta.ppf(1 - level, k + 1, n - k))

    tpr_low, tpr_high = lower(tp, n_pos), upper(tp, n_pos)
    fpr_low, fpr_high = lower(fp, n_neg), upper(fp, n_neg)
    bounds = [0.0]
    if tpr_low - delta > 0:
        bounds.append(math.log((tpr_low - delta) / fpr_high))
    if 1 - fpr_high - delta > 0:
        bounds.append(math.log((1 - fpr_high - delta) / (1 - tpr_low)))
    return max(bounds)


@dataclass
class EpsilonAudit:
    """What an attack proves about a claimed ε (section 7.1): ``lower_bound`` is valid with probability 1 − α."""

    claimed: float
    lower_bound: float
    delta: float
    alpha: float

    @property
    def violated(self) -> bool:
        """True when the attack proves more leakage than the claimed ε allows."""
        return self.lower_bound > self.claimed


def audit_epsilon(result: AttackResult, epsilon: float, *, delta: float = 0.0, alpha: float = 0.05,
                  seed: int = 0, threshold: float | None = None) -> EpsilonAudit:
    """Compare an accountant's promise ``epsilon`` (at ``delta``) with the lower bound that ``result`` proves
    (:meth:`AttackResult.epsilon_lower_bound`, with ``threshold`` when the test was fixed in advance)."""
    if not isinstance(result, AttackResult):
        raise TypeError(f"result must be an AttackResult (from an attack of synthlib), got {type(result).__name__}")
    epsilon = check_real(epsilon, "epsilon")
    if epsilon <= 0:
        raise ValueError(f"epsilon must be > 0, got {epsilon}")
    delta = check_real(delta, "delta", minimum=0.0, maximum=1.0)
    seed = check_seed(seed)
    bound = result.epsilon_lower_bound(delta=delta, alpha=alpha, seed=seed, threshold=threshold)
    return EpsilonAudit(claimed=epsilon, lower_bound=bound, delta=delta, alpha=check_probability(alpha, "alpha"))


# ---------------------------------------------------------------------------------------------------------------
# Distance attacks: average case and aimed at outliers


def _check_three(train, holdout, release):
    for table, name in ((train, "train"), (holdout, "holdout"), (release, "release")):
        if not isinstance(table, pd.DataFrame):
            raise TypeError(f"{name} must be a pandas DataFrame, got {type(table).__name__}")
        if table.empty:
            raise ValueError(f"{name} is empty; need at least one row and one column")
    check_same_columns(train, holdout, names=("train", "holdout"))
    check_same_columns(train, release, names=("train", "release"))
    return holdout[train.columns], release[train.columns]


def _candidates(train, holdout, n, seed):
    n = min(len(train), len(holdout)) if n is None else check_count(n, "n", minimum=1)
    n = min(n, len(train), len(holdout))
    return train.sample(n, random_state=seed), holdout.sample(n, random_state=seed + 1)


def distance_attack(train: pd.DataFrame, holdout: pd.DataFrame, release: pd.DataFrame, *, n: int | None = 1_000,
                    kinds: dict[str, str] | None = None, seed: int = 0) -> AttackResult:
    """The distance attack (sections 5.3, 7.1): ``n`` training rows and ``n`` holdout rows, each scored by minus
    its distance to the closest release row (SDMetrics' distance, :func:`distance_to_closest_record`)."""
    holdout, release = _check_three(train, holdout, release)
    kinds = kinds or column_kinds(train)
    members, non_members = _candidates(train, holdout, n, check_count(seed, "seed"))
    distance = np.r_[distance_to_closest_record(members, release, kinds=kinds),
                     distance_to_closest_record(non_members, release, kinds=kinds)]
    labels = np.r_[np.ones(len(members)), np.zeros(len(non_members))]
    return attack_result("distance", labels, -distance)


def outlier_scores(rows: pd.DataFrame, population: pd.DataFrame, *, k: int = 5,
                   kinds: dict[str, str] | None = None) -> np.ndarray:
    """How unusual each row is: its mean distance to its ``k`` closest rows of ``population``, not counting exact
    copies of itself (a row of the population is not its own neighbour). The distance is the one of
    :func:`distance_to_closest_record` (range-scaled numbers, 0/1 categories, averaged over the columns), computed as
    an L1 distance between rows coded as numbers / range and one-hot categories of weight ½; larger is more unusual."""
    from sklearn.neighbors import NearestNeighbors

    check_same_columns(population, rows, names=("population", "rows"))
    k = check_count(k, "k", minimum=1)
    if len(population) <= k:
        raise ValueError(f"population needs more than k = {k} rows, got {len(population)}")
    kinds = kinds or column_kinds(population)
    rows = rows[population.columns]
    numeric = [c for c in population.columns if kinds[c] == "numerical"]
    categorical = [c for c in population.columns if c not in numeric]
    low = population[numeric].min()
    span = (population[numeric].max() - low).replace(0, 1)
    median = population[numeric].median()

    def code(table):
        values = ((table[numeric].fillna(median) - low) / span).to_numpy(float)
        hot = pd.get_dummies(table[categorical].astype(str)).reindex(columns=dummies, fill_value=0)
        return np.hstack([values, 0.5 * hot.to_numpy(float)])

    dummies = pd.get_dummies(population[categorical].astype(str)).columns
    index = NearestNeighbors(n_neighbors=k + 1, metric="manhattan", algorithm="brute").fit(code(population))
    distance = index.kneighbors(code(rows))[0] / len(population.columns)
    self_match = distance[:, 0] == 0  # the row itself (or an exact copy): skip the first neighbour
    return np.where(self_match, distance[:, 1:].mean(axis=1), distance[:, :k].mean(axis=1))


def outlier_candidates(train: pd.DataFrame, holdout: pd.DataFrame, *, n: int = 100, pool: int = 2_000,
                       kinds: dict[str, str] | None = None, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``n`` most unusual of ``pool`` training rows and of ``pool`` holdout rows (:func:`outlier_scores`
    against the holdout, the attacker's picture of the population): the targets of :func:`outlier_attack`. They do
    not depend on the release, so several releases can be attacked with one call of this function."""
    for table, name in ((train, "train"), (holdout, "holdout")):
        if not isinstance(table, pd.DataFrame) or table.empty:
            raise ValueError(f"{name} must be a non-empty pandas DataFrame")
    check_same_columns(train, holdout, names=("train", "holdout"))
    holdout = holdout[train.columns]
    kinds = kinds or column_kinds(train)
    n, pool = check_count(n, "n", minimum=1), check_count(pool, "pool", minimum=1)
    picked = []
    for table in _candidates(train, holdout, pool, check_count(seed, "seed")):
        unusual = outlier_scores(table, holdout, kinds=kinds)
        picked.append(table.iloc[np.argsort(-unusual, kind="mergesort")[: min(n, len(table))]])
    return picked[0], picked[1]


def outlier_attack(train: pd.DataFrame, holdout: pd.DataFrame, release: pd.DataFrame, *, n: int = 100,
                   pool: int = 2_000, kinds: dict[str, str] | None = None, seed: int = 0,
                   candidates: tuple[pd.DataFrame, pd.DataFrame] | None = None) -> AttackResult:
    """The distance attack aimed at outliers (sections 5.3, 7.1): the candidates are the ``n`` most unusual of
    ``pool`` training rows and of ``pool`` holdout rows (:func:`outlier_candidates`, or ``candidates`` when given)."""
    holdout, release = _check_three(train, holdout, release)
    kinds = kinds or column_kinds(train)
    if candidates is None:
        candidates = outlier_candidates(train, holdout, n=n, pool=pool, kinds=kinds, seed=seed)
    members, non_members = candidates
    distance = np.r_[distance_to_closest_record(members[release.columns], release, kinds=kinds),
                     distance_to_closest_record(non_members[release.columns], release, kinds=kinds)]
    labels = np.r_[np.ones(len(members)), np.zeros(len(non_members))]
    return attack_result("outliers", labels, -distance)


# ---------------------------------------------------------------------------------------------------------------
# The shadow-model attack


class _Encoder:
    """Rows as numbers in the population's fixed scale: numerical columns divided by their range, categorical
    columns as codes (unseen values get their own code)."""

    def __init__(self, population, kinds):
        self.columns = list(population.columns)
        self.numeric = [c for c in self.columns if kinds[c] == "numerical"]
        self.categorical = [c for c in self.columns if c not in self.numeric]
        values = population[self.numeric].to_numpy(dtype=float)
        self.low = np.nanmin(values, axis=0) if self.numeric else np.empty(0)
        span = np.nanmax(values, axis=0) - self.low if self.numeric else np.empty(0)
        self.span = np.where(span > 0, span, 1.0)
        self.codes = {c: pd.Index(pd.unique(population[c].astype(str))) for c in self.categorical}

    def __call__(self, table):
        numeric = (table[self.numeric].to_numpy(dtype=float) - self.low) / self.span
        categorical = np.column_stack([self.codes[c].get_indexer(table[c].astype(str)) for c in self.categorical]) \
            if self.categorical else np.zeros((len(table), 0), int)
        return np.nan_to_num(numeric, nan=-1.0), categorical


def _shadow_features(target, release, encoder, radii=(0.02, 0.05, 0.1)):
    """What a release says about one target record: its distances to the closest release rows, how many release
    rows lie near it, and the share of release rows that agree with it on each column (marginal queries)."""
    t_num, t_cat = encoder(target)
    r_num, r_cat = encoder(release)
    numeric_diff = np.minimum(np.abs(r_num - t_num), 1.0)
    categorical_diff = (r_cat != t_cat).astype(float)
    distance = (numeric_diff.sum(axis=1) + categorical_diff.sum(axis=1)) / (numeric_diff.shape[1] + categorical_diff.shape[1])
    closest = np.sort(distance)[:5]
    near = [(distance <= r).mean() for r in radii]
    agree = np.r_[(numeric_diff <= 0.02).mean(axis=0), (categorical_diff == 0).mean(axis=0)]
    return np.r_[closest, np.log1p(len(release) * np.array(near)), agree]


def shadow_attack(synthesizer, population: pd.DataFrame, target: pd.DataFrame, *, n_train: int = 500,
                  n_shadow: int = 40, n_test: int = 20, kinds: dict[str, str] | None = None,
                  seed: int = 0) -> AttackResult:
    """A shadow-model membership attack on one target record (Stadler et al., 2022; TAPAS).

    ``synthesizer(train, rng)`` trains a synthesizer on a table and returns its release (a DataFrame with the same
    columns). ``population`` is the attacker's auxiliary data, without the target. The attacker draws ``n_shadow``
    shadow training sets of ``n_train`` rows from it, half with the target in place of one row, trains the
    synthesizer on each, describes each release by :func:`_shadow_features` and fits a classifier (a random forest)
    to tell "target in" from "target out". It is then tested on ``n_test`` fresh releases (half with the target)
    from training sets it never saw: the result's labels are those releases' truth, its scores the classifier's
    probability of "in" (so ``epsilon_lower_bound(threshold=0.5)`` may use every test release).
    """
    from sklearn.ensemble import RandomForestClassifier

    if not callable(synthesizer):
        raise TypeError("synthesizer must be a function synthesizer(train, rng) returning a release DataFrame")
    if not isinstance(target, pd.DataFrame) or len(target) != 1:
        raise ValueError("target must be a DataFrame with exactly one row (the record under attack)")
    check_same_columns(population, target, names=("population", "target"))
    target = target[population.columns]
    n_train = check_count(n_train, "n_train", minimum=2)
    # each shadow or test release trains the synthesizer once: more than 100,000 trainings would run for days
    n_shadow = check_count(n_shadow, "n_shadow", minimum=4, maximum=100_000)
    n_test = check_count(n_test, "n_test", minimum=2, maximum=100_000)
    if len(population) < n_train:
        raise ValueError(f"population has {len(population)} rows, fewer than n_train = {n_train}")
    kinds = kinds or column_kinds(population)
    encoder = _Encoder(pd.concat([population, target]), kinds)
    rng = np.random.default_rng(check_count(seed, "seed"))

    def releases(count):
        features, labels = [], []
        for i in range(count):
            rows = population.sample(n_train, random_state=int(rng.integers(2 ** 31)))
            member = i % 2
            if member:
                rows = pd.concat([rows.iloc[1:], target], ignore_index=True)
            release = synthesizer(rows.reset_index(drop=True), rng)
            check_same_columns(population, release, names=("population", "release"))
            features.append(_shadow_features(target, release[population.columns], encoder))
            labels.append(member)
        return np.array(features), np.array(labels)

    x_shadow, y_shadow = releases(n_shadow)
    classifier = RandomForestClassifier(n_estimators=100, min_samples_leaf=2, random_state=seed, n_jobs=1)
    classifier.fit(x_shadow, y_shadow)
    x_test, y_test = releases(n_test)
    return attack_result("shadow", y_test, classifier.predict_proba(x_test)[:, 1])


# ---------------------------------------------------------------------------------------------------------------
# Attribute inference


@dataclass
class AttributeInference:
    """SDMetrics' CAP attack on a release, for members, for non-members and on independent real data (5.3, 7.1).

    Each value is a CAP protection: 1 − the attacker's mean belief in the true sensitive value (higher protects
    more). ``protection``: training rows (members) looked up in the release; ``non_members``: holdout rows looked
    up in the same release; ``reference``: the same members looked up in independent real rows (the holdout), what
    the population alone reveals; ``baseline``: SDMetrics' guess-at-random protection, 1 − 1/(number of values).
    """

    known: list
    sensitive: str
    protection: float
    non_members: float
    reference: float
    baseline: float

    @property
    def excess_disclosure(self) -> float:
        """How much more the release discloses about its members than about people it never saw (0: no more).

        A release that states the common value confidently for everyone lowers both protections alike; only what it
        learned about its own training rows makes them differ."""
        return self.non_members - self.protection


def _column_list(columns, name: str) -> list:
    """A column name or a list of them; anything else (a number) is refused naming ``name``."""
    if isinstance(columns, str):
        return [columns]
    try:
        return list(columns)
    except TypeError:
        raise TypeError(f"{name} must be a column name or a list of them, got {columns!r}") from None


def cap_protection(targets: pd.DataFrame, rows: pd.DataFrame, *, known, sensitive: str, continuous=(),
                   bins: int = 10) -> float:
    """SDMetrics' CAP protection (``DisclosureProtection``'s ``cap_protection``, 0.32), vectorised.

    For each target, the attacker looks up the ``rows`` whose ``known`` columns equal the target's (``continuous``
    ones cut into ``bins`` equal-width bins over the targets' range, as SDMetrics does) and believes the sensitive
    value in the share of them that have it. The protection is 1 − the mean belief in the target's true value, over
    the targets that have a match (NaN when none has).
    """
    for table, name in ((targets, "targets"), (rows, "rows")):
        if not isinstance(table, pd.DataFrame):
            raise TypeError(f"{name} must be a pandas DataFrame, got {type(table).__name__}")
        if table.empty:
            raise ValueError(f"{name} is empty; need at least one row")
    known, continuous = _column_list(known, "known"), _column_list(continuous, "continuous")
    if not known:
        raise ValueError("known must name at least one column")
    if not isinstance(sensitive, str):
        raise TypeError(f"sensitive must be a column name, got {sensitive!r}")
    for column, name in [(c, "known") for c in known] + [(sensitive, "sensitive")]:
        for table, table_name in ((targets, "targets"), (rows, "rows")):
            if column not in table.columns:
                raise KeyError(f"{name} column {column!r} is not in {table_name}; its columns are "
                               f"{list(table.columns)}")
    outside = [c for c in continuous if c not in known]
    if outside:
        raise ValueError(f"continuous names columns that are not in known: {outside}")
    bins = check_count(bins, "bins", minimum=1, maximum=10_000)
    targets, rows = targets[list(known) + [sensitive]].copy(), rows[list(known) + [sensitive]].copy()
    for column in continuous:
        labels = [str(i) for i in range(bins)]
        targets[column], edges = pd.cut(pd.to_numeric(targets[column].to_numpy()), bins, labels=labels, retbins=True)
        edges[0], edges[-1] = -np.inf, np.inf
        rows[column] = pd.cut(pd.to_numeric(rows[column].to_numpy()), edges, labels=labels)

    def text(table):
        return table.astype(object).where(table.notna(), "<missing>").astype(str)

    targets, rows = text(targets), text(rows)
    key_t, key_r = targets[list(known)].agg("\x1f".join, axis=1), rows[list(known)].agg("\x1f".join, axis=1)
    totals = key_r.value_counts()
    same = pd.Series(1, index=pd.MultiIndex.from_arrays([key_r, rows[sensitive]])).groupby(level=[0, 1]).size()
    matched = totals.reindex(key_t).to_numpy(dtype=float)
    hits = same.reindex(pd.MultiIndex.from_arrays([key_t, targets[sensitive]])).fillna(0).to_numpy(dtype=float)
    found = matched > 0
    return float(1 - np.mean(hits[found] / matched[found])) if found.any() else float("nan")


def attribute_inference(train: pd.DataFrame, holdout: pd.DataFrame, release: pd.DataFrame, *, known, sensitive: str,
                        n: int = 1_000, n_release: int = 8_000, kinds: dict[str, str] | None = None,
                        seed: int = 0) -> AttributeInference:
    """How well a release lets an attacker who knows the ``known`` columns of a training row guess its
    ``sensitive`` column: SDMetrics' ``DisclosureProtection`` CAP attack (:func:`cap_protection`) on ``n``
    training rows against ``n_release`` release rows; the same for ``n`` holdout rows (non-members) against the
    release, and for the training rows against as many holdout rows (independent real data) for reference.
    Numerical known columns are cut into SDMetrics' 10 bins (over the range of the people looked up)."""
    holdout, release = _check_three(train, holdout, release)
    known = _column_list(known, "known")
    if not known:
        raise ValueError("known must name at least one column")
    for column in known + [sensitive]:
        if column not in train.columns:
            raise ValueError(f"unknown column {column!r} (in known or sensitive); the tables have "
                             f"{list(train.columns)}")
    if sensitive in known:
        raise ValueError(f"sensitive column {sensitive!r} is also in known")
    kinds = kinds or column_kinds(train)
    if kinds[sensitive] != "categorical":
        raise ValueError(f"sensitive column {sensitive!r} must be categorical (CAP guesses a category)")
    n, n_release = check_count(n, "n", minimum=10), check_count(n_release, "n_release", minimum=10)
    seed = check_count(seed, "seed")
    continuous = [c for c in known if kinds[c] == "numerical"]
    targets = train.sample(min(n, len(train)), random_state=seed)

    others = holdout.sample(min(n, len(holdout)), random_state=seed + 2)

    def protection(table, people=targets):
        rows = table.sample(min(n_release, len(table)), random_state=seed + 1)
        return cap_protection(people, rows, known=known, sensitive=sensitive, continuous=continuous)

    baseline = 1 - 1 / targets[sensitive].nunique(dropna=False)
    return AttributeInference(known, sensitive, protection=protection(release), non_members=protection(release, others),
                              reference=protection(holdout), baseline=float(baseline))
