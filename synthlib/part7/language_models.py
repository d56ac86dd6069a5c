"""Part 7, section 7.3: language models as data generators.

A small GPT-style decoder (``transformers``' :class:`GPT2LMHeadModel` with a tiny config, no weights downloaded)
trained on movie reviews, conditioned on a sentiment control token, and the data-generation loop the field runs
around such a generator: generate → filter → deduplicate → use.

* :func:`train_review_tokenizer`: a word-level tokenizer (``tokenizers``) trained on the training reviews, with the
  control tokens; :func:`encode_reviews` turns labelled or unlabelled reviews into padded id matrices.
* :func:`make_review_lm`, :func:`train_lm` (the training loop) and :func:`generate_reviews` (the sampling loop with
  temperature and nucleus / top-p sampling, :func:`top_p_filter`).
* :func:`rouge_l`, :func:`deduplicate` (Self-Instruct's rule: drop a text whose ROUGE-L with an earlier kept one or
  with a reference text reaches a threshold), :func:`quality_mask` (length and garbage filters).
* Measurements: :func:`distinct_n`, :func:`self_similarity`, :func:`longest_overlap` (memorisation).

torch, tokenizers and transformers are imported inside the functions, so that ``import synthlib`` stays light.
"""
from __future__ import annotations

import inspect
import numbers

import numpy as np

from ..common.arguments import (MAX_EPOCHS, MAX_LAYER_WIDTH, as_rng, check_count, check_memory, check_positive,
                                check_real, check_seed, check_work)

__all__ = [
    "CONTROL_TOKENS", "train_review_tokenizer", "decode", "encode_reviews", "make_review_lm", "train_lm", "top_p_filter",
    "generate_reviews", "rouge_l", "deduplicate", "quality_mask", "distinct_n", "self_similarity",
    "longest_overlap",
]

#: The special tokens: padding, end of review, one control token per label (0 = rotten, 1 = fresh, as
#: :func:`synthlib.load_rotten_tomatoes` codes them) and one for a review whose label is not used.
CONTROL_TOKENS: dict = {0: "<rotten>", 1: "<fresh>", None: "<review>"}
PAD, END, UNK = "<pad>", "<end>", "<unk>"
_SPECIALS = (PAD, END, UNK, *CONTROL_TOKENS.values())


def _texts(texts, name: str = "texts") -> list[str]:
    if isinstance(texts, str):
        raise TypeError(f"{name} must be a list of strings, not one string")
    try:
        texts = list(texts)
    except TypeError:
        raise TypeError(f"{name} must be a list of strings, got {type(texts).__name__}") from None
    if not texts:
        raise ValueError(f"{name} is empty: there is nothing to learn from or measure")
    bad = [t for t in texts if not isinstance(t, str)]
    if bad:
        raise TypeError(f"{name} must hold strings, got {type(bad[0]).__name__}")
    return texts


def _check_tokenizer(tokenizer):
    if not all(hasattr(tokenizer, method) for method in ("token_to_id", "decode", "encode_batch")):
        raise TypeError(f"tokenizer must be a tokenizers.Tokenizer (from train_review_tokenizer), got "
                        f"{type(tokenizer).__name__}")
    return tokenizer


def _check_model(model):
    if not (callable(model) and hasattr(model, "parameters") and hasattr(model, "config")):
        raise TypeError(f"model must be a transformers language model (from make_review_lm), got "
                        f"{type(model).__name__}")
    return model


def _control(label) -> str:
    key = None if label is None else (int(label) if isinstance(label, numbers.Integral) else label)
    if key not in CONTROL_TOKENS:
        raise ValueError(f"unknown label {label!r}: the control tokens are for labels 0 (rotten), 1 (fresh) "
                         "and None (unlabelled)")
    return CONTROL_TOKENS[key]


def train_review_tokenizer(texts, vocab_size: int = 6_000, *, min_frequency: int = 2):
    """A word-level tokenizer (``tokenizers``' ``WordLevel`` model) trained on ``texts`` (cleaned: lower-case words
    separated by single spaces). Section 7.3.

    Its vocabulary is the special tokens and the ``vocab_size`` most frequent words seen at least ``min_frequency``
    times; any other word becomes ``<unk>``. Every token a model can emit is then a real word of the training
    reviews (sub-word tokenizers such as BPE let a small, briefly trained model glue pieces into non-words).
    Decoding joins the words with spaces, so a text of known words round-trips exactly."""
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    texts = _texts(texts)
    vocab_size = check_count(vocab_size, "vocab_size", minimum=len(_SPECIALS) + 1)
    tokenizer = Tokenizer(models.WordLevel(unk_token=UNK))
    tokenizer.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    trainer = trainers.WordLevelTrainer(vocab_size=vocab_size, min_frequency=check_count(min_frequency,
                                        "min_frequency", minimum=1), special_tokens=list(_SPECIALS),
                                        show_progress=False)
    tokenizer.train_from_iterator(texts, trainer)
    if tokenizer.get_vocab_size() <= len(_SPECIALS):
        raise ValueError(f"no word occurs min_frequency = {min_frequency} times in texts: the vocabulary is empty")
    return tokenizer


def decode(tokenizer, ids) -> str:
    """The text of token ids, special tokens kept (an ``<unk>`` stays visible, for the filters to catch). 7.3."""
    _check_tokenizer(tokenizer)
    try:
        ids = [int(i) for i in ids]
    except (TypeError, ValueError):
        raise TypeError(f"ids must be a list of token ids, got {ids!r}") from None
    return tokenizer.decode(ids, skip_special_tokens=False)


def encode_reviews(tokenizer, texts, labels=None, *, max_length: int = 48) -> np.ndarray:
    """Token ids, one row per review: its control token, its tokens, ``<end>``, then padding to the longest row.

    ``labels`` None gives every review the unlabelled token ``<review>``. A review longer than ``max_length`` tokens
    is cut (and then has no ``<end>``)."""
    texts, tokenizer = _texts(texts), _check_tokenizer(tokenizer)
    max_length = check_count(max_length, "max_length", minimum=2)
    try:
        labels = [None] * len(texts) if labels is None else list(labels)
    except TypeError:
        raise TypeError(f"labels must be a list (one label per text), got {labels!r}") from None
    if len(labels) != len(texts):
        raise ValueError(f"{len(texts)} texts but {len(labels)} labels")
    controls = [tokenizer.token_to_id(_control(label)) for label in labels]
    end, pad = tokenizer.token_to_id(END), tokenizer.token_to_id(PAD)
    rows = [[c, *e.ids, end][:max_length] for c, e in zip(controls, tokenizer.encode_batch(texts))]
    ids = np.full((len(rows), max(map(len, rows))), pad, dtype=np.int64)
    for i, row in enumerate(rows):
        ids[i, :len(row)] = row
    return ids


def make_review_lm(vocab_size: int, *, n_positions: int = 48, n_embd: int = 128, n_layer: int = 2, n_head: int = 4,
                   seed: int = 0):
    """A small GPT-2 (the architecture of Radford et al. 2019) with random weights: nothing is downloaded."""
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    vocab_size = check_count(vocab_size, "vocab_size", minimum=2, maximum=10_000_000)
    n_positions = check_count(n_positions, "n_positions", minimum=2, maximum=MAX_LAYER_WIDTH)
    n_embd = check_count(n_embd, "n_embd", minimum=1, maximum=MAX_LAYER_WIDTH)
    n_layer, n_head = check_count(n_layer, "n_layer", minimum=1, maximum=1_000), check_count(n_head, "n_head", minimum=1)
    if n_embd % n_head:
        raise ValueError(f"n_head = {n_head} must divide n_embd = {n_embd}")
    check_memory("n_embd", n_embd, 4.0 * (vocab_size + n_positions + 12 * n_layer * n_embd) * n_embd)
    torch.manual_seed(check_seed(seed))
    config = GPT2Config(vocab_size=vocab_size, n_positions=n_positions,
                        n_embd=n_embd, n_layer=n_layer, n_head=n_head, resid_pdrop=0.1, embd_pdrop=0.1,
                        attn_pdrop=0.1, bos_token_id=None, eos_token_id=None)
    model = GPT2LMHeadModel(config)
    model.loss_type = "ForCausalLM"  # next-token cross-entropy (transformers 5 cannot infer it from the class name)
    return model


def train_lm(model, ids, *, pad_id: int, epochs: int = 1, batch_size: int = 64, lr: float = 3e-3, seed: int = 0,
             device: str = "cpu") -> list[float]:
    """Next-token training (cross-entropy; padding is not predicted) with AdamW and a linear decay; returns the
    mean loss of every epoch."""
    import torch

    model, ids = _check_model(model), np.asarray(ids)
    if ids.ndim != 2 or len(ids) == 0:
        raise ValueError(f"ids must be a non-empty matrix of token ids, got shape {ids.shape}")
    if not np.issubdtype(ids.dtype, np.integer):
        raise TypeError(f"ids must be integer token ids, got an array of {ids.dtype}")
    pad_id = check_count(pad_id, "pad_id", maximum=model.config.vocab_size - 1)
    epochs = check_count(epochs, "epochs", minimum=1, maximum=MAX_EPOCHS)
    check_work("epochs", epochs, float(epochs) * ids.size, 10**11, "tokens trained on")
    batch_size = check_count(batch_size, "batch_size", minimum=1)
    check_positive(lr, "lr")
    if not isinstance(device, str):
        raise TypeError(f"device must be a string such as 'cpu' or 'cuda', got {device!r}")
    generator = torch.Generator().manual_seed(check_seed(seed))
    return _next_token_training(model, torch.as_tensor(ids), pad_id, epochs, batch_size, lr, generator, device)


def _length_batches(lengths, batch_size: int, generator) -> list:
    """Batches of similar lengths (a random order, then sorted by length within chunks of 50 batches), in a random
    order: cut to its longest review, each batch computes on far less padding than a random batch would."""
    import torch

    shuffled = torch.randperm(len(lengths), generator=generator)
    chunks = [c[torch.argsort(lengths[c], stable=True)] for c in shuffled.split(50 * batch_size)]
    batches = list(torch.cat(chunks).split(batch_size))
    return [batches[k] for k in torch.randperm(len(batches), generator=generator).tolist()]


def _next_token_training(model, data, pad_id: int, epochs: int, batch_size: int, lr: float, generator, device):
    """:func:`train_lm`'s loop, its arguments checked: the part section 7.3 shows."""
    import torch

    n_steps = epochs * -(-len(data) // batch_size)
    optimiser = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimiser, lambda step: 1 - step / n_steps)
    model.to(device).train()
    losses, lengths = [], (data != pad_id).sum(dim=1)
    for _ in range(epochs):
        total = 0.0
        for batch in _length_batches(lengths, batch_size, generator):
            x = data[batch][:, :int(lengths[batch].max())].to(device)
            targets = x.masked_fill(x == pad_id, -100)  # -100: ignored by the loss
            loss = model(input_ids=x, labels=targets).loss
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            total += loss.item() * len(batch)
        losses.append(total / len(data))
    model.eval()
    return losses


def _check_sampling(temperature, top_p) -> tuple[float, float]:
    if isinstance(temperature, bool) or not isinstance(temperature, numbers.Real) or not 0 < temperature < np.inf:
        raise ValueError(f"temperature must be a positive number (it divides the logits), got {temperature!r}")
    if isinstance(top_p, bool) or not isinstance(top_p, numbers.Real) or not 0 < top_p <= 1:
        raise ValueError(f"top_p must lie in (0, 1] (the probability mass kept), got {top_p!r}")
    return float(temperature), float(top_p)


def _check_probabilities(probabilities):
    is_array = isinstance(probabilities, np.ndarray)
    if not is_array and not (type(probabilities).__module__.startswith("torch") and hasattr(probabilities, "numel")):
        raise TypeError(f"probabilities must be a torch tensor or a NumPy array, got {type(probabilities).__name__}")
    floating = np.issubdtype(probabilities.dtype, np.floating) if is_array else probabilities.is_floating_point()
    if not floating:
        raise TypeError(f"probabilities must be floats, got {probabilities.dtype}")
    if probabilities.ndim == 0 or (probabilities.size if is_array else probabilities.numel()) == 0:
        raise ValueError(f"probabilities is empty (shape {tuple(probabilities.shape)})")
    if not bool((probabilities >= 0).all()) or not bool((probabilities < np.inf).all()):  # NaN fails both
        raise ValueError("probabilities must be finite and non-negative")


#: How many of the likeliest tokens top_p_filter looks at before it sorts a whole row.
_NUCLEUS_CANDIDATES = 128


def top_p_filter(probabilities, top_p: float):
    """Nucleus filtering: keep the most probable tokens until their total reaches ``top_p`` (the token that crosses
    it included), zero the rest and renormalise. Works on a torch tensor or NumPy array, one row per sequence."""
    _check_sampling(1.0, top_p)
    _check_probabilities(probabilities)
    backend = np if isinstance(probabilities, np.ndarray) else None
    if backend is None:
        import torch

        def nucleus(ordered, order, rows):
            before = torch.cumsum(ordered, dim=-1) - ordered  # mass of the more probable tokens
            ordered = ordered.masked_fill(before >= top_p, 0.0)
            return torch.zeros_like(rows).scatter(-1, order, ordered)

        # Sorting the whole vocabulary is the costly part. The nucleus lies within the k likeliest tokens whenever
        # these hold top_p of the mass; only the rows where they do not are sorted in full. Same result, faster.
        k = min(probabilities.shape[-1], _NUCLEUS_CANDIDATES)
        ordered, order = torch.topk(probabilities, k, dim=-1, sorted=True)
        kept = nucleus(ordered, order, probabilities)
        short = ordered.sum(dim=-1) < top_p
        if k < probabilities.shape[-1] and bool(short.any()):
            rows = probabilities[short]
            kept[short] = nucleus(*torch.sort(rows, dim=-1, descending=True), rows)
        return kept / kept.sum(dim=-1, keepdim=True)
    order = np.argsort(-probabilities, axis=-1, kind="stable")
    ordered = np.take_along_axis(probabilities, order, axis=-1)
    before = np.cumsum(ordered, axis=-1) - ordered
    ordered = np.where(before >= top_p, 0.0, ordered)
    kept = np.zeros_like(probabilities)
    np.put_along_axis(kept, order, ordered, axis=-1)
    return kept / kept.sum(axis=-1, keepdims=True)


def generate_reviews(model, tokenizer, label, n: int, *, temperature: float = 1.0, top_p: float = 1.0,
                     max_new_tokens: int = 40, seed: int = 0, batch_size: int = 500, device: str = "cpu") -> list[str]:
    """Sample ``n`` reviews after the control token of ``label`` (0, 1, or None for unlabelled), token by token:
    logits / temperature (``<unk>`` excluded) → softmax → nucleus (top-p) → one draw, until ``<end>`` or
    ``max_new_tokens``.
    The same seed gives the same reviews."""
    import torch

    model, tokenizer = _check_model(model), _check_tokenizer(tokenizer)
    control = tokenizer.token_to_id(_control(label))
    n = check_count(n, "n", minimum=1)
    temperature, top_p = _check_sampling(temperature, top_p)
    max_new_tokens = check_count(max_new_tokens, "max_new_tokens", minimum=1,
                                 maximum=getattr(model.config, "n_positions", 1_000_000) - 1)
    check_work("n", n, float(n) * max_new_tokens, 10**10, "generated tokens")
    batch_size, seed = check_count(batch_size, "batch_size", minimum=1), check_seed(seed)
    end, unknown = tokenizer.token_to_id(END), tokenizer.token_to_id(UNK)
    generator = torch.Generator(device=device).manual_seed(seed)
    model.to(device).eval()
    # transformers 5 renamed the cache argument; older releases (Colab's) call it past_key_values
    cache_argument = "cache" if "cache" in inspect.signature(model.forward).parameters else "past_key_values"
    texts = []
    with torch.no_grad():
        for start in range(0, n, batch_size):
            m = min(batch_size, n - start)
            tokens = torch.full((m, 1), control, device=device)
            finished = torch.zeros(m, dtype=torch.bool, device=device)
            past, step_input = None, tokens
            for _ in range(max_new_tokens):
                out = model(input_ids=step_input, use_cache=True, **{cache_argument: past})
                past = getattr(out, cache_argument)  # the keys and values so far: only new tokens are computed
                scores = out.logits[:, -1] / temperature
                scores[:, unknown] = -float("inf")  # never write <unk>: every word written is a known word
                probabilities = torch.softmax(scores, dim=-1)
                if top_p < 1:
                    probabilities = top_p_filter(probabilities, top_p)
                step_input = torch.multinomial(probabilities, 1, generator=generator)
                step_input[finished] = end
                tokens = torch.cat([tokens, step_input], dim=1)
                finished |= step_input[:, 0] == end
                if finished.all():
                    break
            for row in tokens[:, 1:].tolist():
                row = row[:row.index(end)] if end in row else row
                texts.append(decode(tokenizer, row).strip())
    return texts


def _lcs(a: list, b: list) -> int:
    """Length of the longest common subsequence of two word lists (dynamic programming, one row at a time)."""
    if len(a) < len(b):
        a, b = b, a
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b):
            current.append(previous[j] + 1 if x == y else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


def rouge_l(a: str, b: str) -> float:
    """ROUGE-L F-measure of two texts, on words: 2·LCS / (words in a + words in b) (precision and recall weighted
    equally, as Self-Instruct's filter uses it). 0 when either text is empty."""
    wa, wb = a.split(), b.split()
    return 2 * _lcs(wa, wb) / (len(wa) + len(wb)) if wa and wb else 0.0


def _word_counts(texts, vocabulary=None):
    from sklearn.feature_extraction.text import CountVectorizer

    vectoriser = CountVectorizer(token_pattern=r"\S+", lowercase=False, vocabulary=vocabulary)
    return (vectoriser.fit_transform(texts) if vocabulary is None else vectoriser.transform(texts)), vectoriser


def _sized(values):
    try:
        return list(values)
    except TypeError:
        raise TypeError(f"reference must be a list of strings, got {type(values).__name__}") from None


def deduplicate(texts, reference=(), *, threshold: float = 0.7) -> np.ndarray:
    """Self-Instruct's near-duplicate filter: walk through ``texts`` in order and keep a text only when its ROUGE-L
    with every kept text before it, and with every ``reference`` text (e.g. the training set), is below
    ``threshold``. Returns the boolean mask of kept texts.

    Exact ROUGE-L is computed only for pairs that could reach the threshold: the words two texts share, counted
    with multiplicity (a dot product of word counts is an upper bound), bound their LCS."""
    texts = _texts(texts)
    reference = _texts(reference, "reference") if isinstance(reference, str) or len(_sized(reference)) else []
    threshold = check_real(threshold, "threshold")
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must lie in (0, 1], got {threshold}")
    words = [t.split() for t in texts]
    lengths = np.array([len(w) for w in words])
    counts, vectoriser = _word_counts(texts + reference)
    vocabulary = vectoriser.vocabulary_
    ours, theirs = counts[:len(texts)], counts[len(texts):]
    keep = lengths > 0
    if reference:
        ref_words = [t.split() for t in reference]
        ref_lengths = np.array([len(w) for w in ref_words])
        shared = (ours @ theirs.T).tocsr()
        for i in np.flatnonzero(keep):
            row = shared.getrow(i)
            bound = 2 * row.data / (lengths[i] + ref_lengths[row.indices])
            for j in row.indices[bound >= threshold]:
                if 2 * _lcs(words[i], ref_words[j]) / (lengths[i] + ref_lengths[j]) >= threshold:
                    keep[i] = False
                    break
    shared = (ours @ ours.T).tocsr()
    del vocabulary
    for i in range(len(texts)):
        if not keep[i]:
            continue
        row = shared.getrow(i)
        earlier = (row.indices < i) & keep[row.indices]
        candidates = row.indices[earlier]
        bound = 2 * row.data[earlier] / (lengths[i] + lengths[candidates])
        for j in candidates[bound >= threshold]:
            if 2 * _lcs(words[i], words[j]) / (lengths[i] + lengths[j]) >= threshold:
                keep[i] = False
                break
    return keep


def quality_mask(texts, vocabulary, *, min_words: int = 4, max_words: int = 40, min_known: float = 0.9,
                 min_distinct: float = 0.6) -> np.ndarray:
    """The cheap filters before a classifier looks: a length in [``min_words``, ``max_words``], at least a share
    ``min_known`` of words that occur in ``vocabulary`` (English as the training reviews write it, not sub-word
    garbage), and at least a share ``min_distinct`` of distinct words (no loops like "the the the")."""
    texts = _texts(texts)
    if isinstance(vocabulary, str):
        raise TypeError("vocabulary must be a collection of words (e.g. a set), not one string")
    try:
        vocabulary = set(vocabulary)
    except TypeError:
        raise TypeError(f"vocabulary must be a collection of words, got {type(vocabulary).__name__}") from None
    min_words = check_count(min_words, "min_words", minimum=1)
    max_words = check_count(max_words, "max_words", minimum=1)
    if min_words > max_words:
        raise ValueError(f"min_words = {min_words} exceeds max_words = {max_words}: no text could pass")
    min_known = check_real(min_known, "min_known", minimum=0, maximum=1)
    min_distinct = check_real(min_distinct, "min_distinct", minimum=0, maximum=1)
    if not vocabulary:
        raise ValueError("vocabulary is empty: pass the words of the training reviews")
    keep = np.zeros(len(texts), dtype=bool)
    for i, text in enumerate(texts):
        words = text.split()
        if min_words <= len(words) <= max_words:
            known = sum(w in vocabulary for w in words) / len(words)
            keep[i] = known >= min_known and len(set(words)) / len(words) >= min_distinct
    return keep


def _ngrams(words: list, n: int) -> list:
    return [tuple(words[i:i + n]) for i in range(len(words) - n + 1)]


def distinct_n(texts, n: int = 2) -> float:
    """Distinct-n (Li et al. 2016): distinct word n-grams over all n-grams of ``texts``, each text counted on its
    own (no n-gram spans two texts). 1 means no n-gram repeats."""
    texts = _texts(texts)
    n = check_count(n, "n", minimum=1)
    grams = [g for t in texts for g in _ngrams(t.split(), n)]
    if not grams:
        raise ValueError(f"no text has {n} words: distinct-{n} is undefined")
    return len(set(grams)) / len(grams)


def self_similarity(texts, *, sample: int = 200, seed: int = 0) -> float:
    """Mean ROUGE-L of a text with its most similar other text, over a random ``sample`` of ``texts`` (compared
    with all the others): high when the generator repeats itself."""
    texts = _texts(texts)
    if len(texts) < 2:
        raise ValueError("self-similarity needs at least two texts")
    rng, sample = as_rng(seed, "seed"), check_count(sample, "sample", minimum=1)
    chosen = rng.choice(len(texts), size=min(sample, len(texts)), replace=False)
    counts, _ = _word_counts(texts)
    shared = (counts[chosen] @ counts.T).tocsr()
    best = []
    for row_index, i in enumerate(chosen):
        row = shared.getrow(row_index)
        others = row.indices[row.indices != i]
        best.append(max((rouge_l(texts[i], texts[j]) for j in others), default=0.0))
    return float(np.mean(best))


def longest_overlap(texts, reference) -> np.ndarray:
    """For every text, the length in words of its longest run of consecutive words that also occurs in some
    ``reference`` text (memorisation: equal to the text's length when the whole text is copied)."""
    texts, reference = _texts(texts), _texts(reference, "reference")
    words = [t.split() for t in texts]
    ref_words = [t.split() for t in reference]
    longest = np.zeros(len(texts), dtype=int)
    active = [i for i, w in enumerate(words) if w]
    n = 1
    while active:
        seen = {g for w in ref_words for g in _ngrams(w, n)}
        active = [i for i in active if any(g in seen for g in _ngrams(words[i], n))]
        longest[active] = n
        n += 1
    return longest
