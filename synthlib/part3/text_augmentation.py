"""Part 3, section 3.2: text augmentation with EDA, the four "easy data augmentation" operations.

Wei and Zou (2019) make new training sentences with four label-preserving edits: synonym replacement (SR),
random insertion (RI), random swap (RS) and random deletion (RD). This module implements them twice:

* readable one-sentence functions (:func:`synonym_replacement`, :func:`random_insertion`, :func:`random_swap`,
  :func:`random_deletion` and :func:`eda`, which combines them as the paper defines), and
* :func:`eda_corpus`, the same definitions applied to a whole corpus at once with NumPy (padded token-id matrices,
  one batch of random numbers per operation), for training-set augmentation.

Both look synonyms up through a :class:`SynonymTable`, which looks every word up in WordNet once and keeps the
answer; :func:`eda_corpus` fills it for every distinct word of the corpus up front, in one pass over WordNet's data
files (:func:`wordnet_synonym_table`), instead of one WordNet query per word on first use. Every function is
deterministic given ``rng`` (a NumPy ``Generator`` or an integer seed); text is cleaned as the paper's code does
(:func:`clean_text`); stop words (:data:`EDA_STOP_WORDS`, the paper's own list) are never replaced, and never chosen
as the source of an inserted synonym. Synonyms are single words, so that every operation's effect on the sentence
length is exact: SR and RS keep it, RI adds ``n`` words, RD never grows it.

``nltk`` is imported only when WordNet is first needed, so that ``import synthlib`` stays light.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import NamedTuple

import numpy as np

from ..common.arguments import as_rng, check_count, check_probability, check_memory

__all__ = [
    "EDA_STOP_WORDS", "EDA_OPERATIONS", "EDA_PAPER_SETTINGS", "eda_parameters",
    "clean_text", "SynonymTable", "wordnet_synonyms", "wordnet_synonym_table",
    "synonym_replacement", "random_insertion", "random_swap", "random_deletion",
    "eda", "AugmentedCorpus", "eda_corpus",
]

#: The stop-word list of the EDA paper's code (``code/eda.py`` of github.com/jasonwei20/eda_nlp), written out here
#: so that no download is needed. Stop words are never replaced and never used as the source of an insertion.
EDA_STOP_WORDS: frozenset[str] = frozenset("""
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers herself
    it its itself they them their theirs themselves what which who whom this that these those am is are was were be
    been being have has had having do does did doing a an the and but if or because as until while of at by for with
    about against between into through during before after above below to from up down in out on off over under
    again further then once here there when where why how all any both each few more most other some such no nor not
    only own same so than too very s t can will just don should now
""".split())

#: The four operations, in the order the paper lists them: synonym replacement, random insertion, random swap,
#: random deletion.
EDA_OPERATIONS: tuple[str, ...] = ("sr", "ri", "rs", "rd")

#: Table 3 of Wei and Zou (2019): recommended (alpha, n_aug) by training-set size N ("more" for larger sets).
EDA_PAPER_SETTINGS: dict[str, tuple[float, int]] = {
    "500": (0.05, 16), "2,000": (0.05, 8), "5,000": (0.1, 4), "more": (0.1, 4),
}

_WORD = re.compile(r"[a-z]+")
_NOT_LETTERS = re.compile(r"[^a-z]+")

# ---------------------------------------------------------------------------------------------------------------
# Text and synonyms


def eda_parameters(n_train: int) -> tuple[float, int]:
    """The paper's recommended ``(alpha, n_aug)`` for a training set of ``n_train`` sentences (its Table 3).

    Sizes up to 500 get the N = 500 row, up to 2,000 the N = 2,000 row, and so on. Section 3.2.
    """
    n_train = check_count(n_train, "n_train", minimum=1)
    if n_train <= 500:
        return EDA_PAPER_SETTINGS["500"]
    if n_train <= 2_000:
        return EDA_PAPER_SETTINGS["2,000"]
    if n_train <= 5_000:
        return EDA_PAPER_SETTINGS["5,000"]
    return EDA_PAPER_SETTINGS["more"]


def clean_text(sentence: str) -> str:
    """Clean a sentence as the EDA paper's code does: lower-case letters a-z and single spaces only.

    Apostrophes are dropped (``"it's"`` becomes ``"its"``), hyphens and every other character become spaces.
    Section 3.2.
    """
    if not isinstance(sentence, str):
        raise TypeError(f"sentence must be a string, got {type(sentence).__name__}")
    text = sentence.replace("\u2019", "").replace("'", "").lower()
    return _NOT_LETTERS.sub(" ", text).strip()


def _words(sentence: str, name: str = "sentence") -> list[str]:
    if not isinstance(sentence, str):
        raise TypeError(f"{name} must be a string, got {type(sentence).__name__}")
    words = clean_text(sentence).split()
    if not words:
        raise ValueError(f"{name} is empty: {sentence!r} has no words (letters a-z) left after cleaning")
    return words


class SynonymTable:
    """WordNet synonyms of single words, looked up once per distinct word and cached. Section 3.2.

    ``table("movie")`` returns the sorted tuple of one-word synonyms of "movie" from every synset of every part
    of speech (lower-cased, letters only, the word itself excluded), e.g. ``('film', 'flick', ...)``. The first
    call for a word queries WordNet; later calls are dictionary look-ups. ``table.fill(words)`` looks up all the
    words not yet known at once, in one pass over WordNet's data files (:func:`wordnet_synonym_table`), with the
    same result as one query per word; :func:`eda_corpus` fills the table this way for the whole corpus.
    ``queries`` counts the words looked up in WordNet, each once, by either route.

    ``wordnet`` is NLTK's WordNet corpus reader, e.g. ``synthlib.load_wordnet().data``; when omitted it is loaded
    through the dataset registry on first use.
    """

    def __init__(self, wordnet=None):
        if wordnet is not None and not hasattr(wordnet, "synsets"):
            raise TypeError("wordnet must be NLTK's WordNet corpus reader (synthlib.load_wordnet().data)")
        self._wordnet = wordnet
        self._cache: dict[str, tuple[str, ...]] = {}
        self._index: _SynonymIndex | None = None  # the same synonyms as word ids, for eda_corpus
        self.queries = 0

    @property
    def wordnet(self):
        if self._wordnet is None:
            from ..book.datasets import load_wordnet

            self._wordnet = load_wordnet().data
        return self._wordnet

    def __call__(self, word: str) -> tuple[str, ...]:
        cached = self._cache.get(word)
        if cached is None:
            if not isinstance(word, str):
                raise TypeError(f"word must be a string, got {type(word).__name__}")
            cached = self._cache[word] = wordnet_synonyms(self.wordnet, word)
            self.queries += 1
        return cached

    def fill(self, words) -> int:
        """Look up every word of ``words`` not yet in the table, all in one pass over WordNet; returns how many."""
        new = []
        for word in words:
            if not isinstance(word, str):
                raise TypeError(f"words must be strings, got {type(word).__name__}")
            if word not in self._cache:
                new.append(word)
        new = list(dict.fromkeys(new))
        if new:
            self._cache.update(wordnet_synonym_table(self.wordnet, new))
            self.queries += len(new)
        return len(new)

    def __len__(self) -> int:
        return len(self._cache)

    def _synonym_index(self) -> _SynonymIndex:
        if self._index is None:
            self._index = _SynonymIndex(self)
        return self._index

    def __repr__(self) -> str:
        return f"SynonymTable({len(self)} words cached, {self.queries} WordNet queries)"


def _check_wordnet(wordnet):
    if not hasattr(wordnet, "synsets"):
        raise TypeError(f"wordnet must be NLTK's WordNet corpus reader (synthlib.load_wordnet().data), got "
                        f"{type(wordnet).__name__}")


def wordnet_synonyms(wordnet, word: str) -> tuple[str, ...]:
    """One fresh WordNet query: the sorted one-word synonyms of ``word``, the rule :class:`SynonymTable` caches.

    Section 3.2."""
    _check_wordnet(wordnet)
    if not isinstance(word, str):
        raise TypeError(f"word must be a string, got {word!r}")
    names = {lemma.name().lower() for synset in wordnet.synsets(word) for lemma in synset.lemmas()}
    return tuple(sorted(name for name in names if name != word and _WORD.fullmatch(name)))


# WordNet's four data files, one line per synset: "offset lex_filenum ss_type w_cnt word lex_id word lex_id ...".
_DATA_FILES = {"n": "data.noun", "v": "data.verb", "a": "data.adj", "r": "data.adv"}
_SYNTACTIC_MARKER = re.compile(r"(.*?)(\([^()]*\))?$")  # "good(a)" -> "good", as NLTK strips it


def wordnet_synonym_table(wordnet, words) -> dict[str, tuple[str, ...]]:
    """:func:`wordnet_synonyms` of every word in ``words`` at once: ``{word: synonyms}``. Section 3.2.

    NLTK answers ``wordnet.synsets(word)`` by building a full ``Synset`` object (definition, examples, pointers)
    for each meaning, one seek into a data file each; on first use that dominates the cost of EDA. Here every
    word is first mapped to its synsets' (part of speech, byte offset) pairs with NLTK's own index and
    morphology (``morphy``, as ``synsets`` uses them), and then each data file is read once and only the lemma
    names of the needed lines are parsed. The result is the same as one :func:`wordnet_synonyms` call per word.
    A reader without NLTK's WordNet internals falls back to exactly those calls.
    """
    _check_wordnet(wordnet)
    if isinstance(words, str) or not hasattr(words, "__iter__"):
        raise TypeError(f"words must be a list of words, got {words!r}")
    words = list(dict.fromkeys(words))
    if not all(isinstance(word, str) for word in words):
        raise TypeError("words must all be strings")
    index = getattr(wordnet, "_lemma_pos_offset_map", None)
    morphy = getattr(wordnet, "_morphy", None)
    if index is None or morphy is None or not hasattr(wordnet, "abspath"):
        return {word: wordnet_synonyms(wordnet, word) for word in words}
    meanings = {}
    needed: dict[str, set[int]] = {pos: set() for pos in _DATA_FILES}
    for word in words:
        lemma = word.lower()  # as wordnet.synsets does
        keys = [(pos, offset) for pos in _DATA_FILES for form in morphy(lemma, pos)
                for offset in index[form].get(pos, [])]
        meanings[word] = keys
        for pos, offset in keys:
            needed[pos].add(offset)
    lemma_names: dict[tuple[str, int], list[str]] = {}
    for pos, offsets in needed.items():
        if not offsets:
            continue
        with wordnet.abspath(_DATA_FILES[pos]).open() as file:  # bytes: the offsets are byte offsets
            data = file.read()
        for offset in offsets:
            fields = data[offset:data.index(b"\n", offset)].split(b" ")
            n_lemmas = int(fields[3], 16)
            lemma_names[pos, offset] = [_SYNTACTIC_MARKER.match(name.decode()).group(1).lower()
                                        for name in fields[4:4 + 2 * n_lemmas:2]]
    table = {}
    for word, keys in meanings.items():
        names = {name for key in keys for name in lemma_names[key]}
        table[word] = tuple(sorted(name for name in names if name != word and _WORD.fullmatch(name)))
    return table


_DEFAULT_TABLE: SynonymTable | None = None


def _check_options(options, word, name: str):
    """The synonyms of one word must be a list (or tuple, set) of strings: a single string would be read letter by
    letter, and EDA would insert single letters."""
    if not isinstance(word, str):
        raise TypeError(f"{name}: words must be strings, got {word!r}")
    if isinstance(options, (str, bytes)) or not isinstance(options, Iterable):
        raise TypeError(f"{name}: the synonyms of {word!r} must be a list of words such as ['film'], "
                        f"got {options!r}")
    options = options if isinstance(options, tuple) else tuple(options)
    if not all(isinstance(option, str) for option in options):
        raise TypeError(f"{name}: the synonyms of {word!r} must be strings, got {options!r}")
    return options


def _lookup(synonyms) -> Callable[[str], Sequence[str]]:
    """``synonyms`` may be None (a shared WordNet table), a SynonymTable, a dict word -> synonyms (one-word ones
    are kept), or any function word -> sorted sequence of one-word synonyms."""
    global _DEFAULT_TABLE
    if synonyms is None:
        if _DEFAULT_TABLE is None:
            _DEFAULT_TABLE = SynonymTable()
        return _DEFAULT_TABLE
    if isinstance(synonyms, Mapping):
        checked = {word: _check_options(options, word, "synonyms") for word, options in synonyms.items()}
        table = {word: tuple(sorted({option for option in options if option != word and _WORD.fullmatch(option)}))
                 for word, options in checked.items()}
        return lambda word: table.get(word, ())
    if isinstance(synonyms, SynonymTable):
        return synonyms
    if callable(synonyms):
        return lambda word: _check_options(synonyms(word), word, "synonyms(word)")
    raise TypeError("synonyms must be None (WordNet), a SynonymTable, a function word -> synonyms, or a dict")


# ---------------------------------------------------------------------------------------------------------------
# The four operations on one sentence (lists of words in, lists of words out)


def _candidates(words: Sequence[str], lookup) -> list[str]:
    """The words that may be replaced or used as insertion sources: not stop words, with at least one synonym."""
    return [word for word in words if word not in EDA_STOP_WORDS and lookup(word)]


def _replace(words: list[str], n: int, rng: np.random.Generator, lookup) -> list[str]:
    types = sorted(set(_candidates(words, lookup)))  # sorted: set order must not depend on the hash seed
    chosen = [types[i] for i in rng.permutation(len(types))[:n]]
    new = {}
    for word in chosen:
        options = lookup(word)
        new[word] = options[rng.integers(len(options))]
    return [new.get(word, word) for word in words]


def _insert(words: list[str], n: int, rng: np.random.Generator, lookup) -> list[str]:
    sources = _candidates(words, lookup)
    result = list(words)
    if not sources:
        return result
    for _ in range(n):
        options = lookup(sources[rng.integers(len(sources))])
        result.insert(int(rng.integers(len(result) + 1)), options[rng.integers(len(options))])
    return result


def _swap(words: list[str], n: int, rng: np.random.Generator) -> list[str]:
    result = list(words)
    length = len(result)
    if length < 2:
        return result
    for _ in range(n):
        i = int(rng.integers(length))
        j = int(rng.integers(length - 1))
        j += j >= i  # a second position, distinct from the first
        result[i], result[j] = result[j], result[i]
    return result


def _delete(words: list[str], p: float, rng: np.random.Generator) -> list[str]:
    if len(words) == 1:
        return list(words)
    keep = rng.random(len(words)) >= p  # each word is deleted with probability p
    if not keep.any():  # never return an empty sentence: keep one word at random
        return [words[rng.integers(len(words))]]
    return [word for word, kept in zip(words, keep) if kept]


def synonym_replacement(sentence: str, n: int, rng=None, *, synonyms=None) -> str:
    """Replace ``n`` distinct non-stop words of ``sentence`` by a random synonym each (EDA's SR). Section 3.2.

    The words are chosen at random among those with at least one synonym; every occurrence of a chosen word gets
    the same synonym. If fewer than ``n`` words qualify, all of them are replaced. The result is the cleaned
    sentence (see :func:`clean_text`) with the same number of words.
    """
    words, n = _words(sentence), check_count(n, "n", maximum=MAX_OPERATIONS)
    return " ".join(_replace(words, n, as_rng(rng), _lookup(synonyms)))


def random_insertion(sentence: str, n: int, rng=None, *, synonyms=None) -> str:
    """Insert ``n`` synonyms at random positions (EDA's RI). Section 3.2.

    ``n`` times: pick a random word of the original sentence that is not a stop word and has a synonym, and
    insert one of its synonyms at a random position (any of the gaps, ends included). The result has exactly
    ``n`` more words than the cleaned sentence, or is unchanged when no word has a synonym.
    """
    words, n = _words(sentence), check_count(n, "n", maximum=MAX_OPERATIONS)
    return " ".join(_insert(words, n, as_rng(rng), _lookup(synonyms)))


def random_swap(sentence: str, n: int, rng=None) -> str:
    """Swap two distinct random positions, ``n`` times (EDA's RS). Section 3.2.

    The result is a permutation of the cleaned sentence's words (a one-word sentence comes back unchanged).
    """
    words, n = _words(sentence), check_count(n, "n", maximum=MAX_OPERATIONS)
    return " ".join(_swap(words, n, as_rng(rng)))


def random_deletion(sentence: str, p: float, rng=None) -> str:
    """Delete each word independently with probability ``p`` (EDA's RD). Section 3.2.

    The result keeps the surviving words in order; it is never empty (if every word was deleted, one random word
    is kept), and a one-word sentence comes back unchanged, as in the paper's code.
    """
    words, p = _words(sentence), check_probability(p, "p", closed=True)
    return " ".join(_delete(words, p, as_rng(rng)))


def _n_changed(alpha: float, length):
    """The paper's n = alpha * l (rounded down, at least 1 when alpha > 0) for SR, RI and RS."""
    if alpha == 0:
        return np.zeros_like(length) if isinstance(length, np.ndarray) else 0
    if isinstance(length, np.ndarray):
        return np.maximum(1, (alpha * length).astype(np.int64))
    return max(1, int(alpha * length))


def _operation_plan(n_sentences: int, n_aug: int, rng: np.random.Generator) -> np.ndarray:
    """Which operation makes each augmented copy: as the paper's code, n_aug // 4 + 1 per operation, shuffled and
    cut to n_aug, so the four operations are (almost) equally frequent. Shape (n_sentences, n_aug)."""
    per_operation = n_aug // 4 + 1
    pool = np.tile(np.repeat(np.arange(4, dtype=np.int8), per_operation), (n_sentences, 1))
    return rng.permuted(pool, axis=1)[:, :n_aug]


#: The most insertions or swaps in one sentence, or augmented copies of it: each is a Python step.
MAX_OPERATIONS = 100_000


def _check_alpha_n_aug(alpha, n_aug) -> tuple[float, int]:
    return check_probability(alpha, "alpha", closed=True), check_count(n_aug, "n_aug")


def eda(sentence: str, alpha: float = 0.1, n_aug: int = 4, rng=None, *, synonyms=None) -> list[str]:
    """Wei and Zou's EDA on one sentence: ``n_aug`` augmented versions, each made by one random operation.

    With ``l`` words, SR, RI and RS change ``n = max(1, int(alpha * l))`` words and RD deletes each word with
    probability ``alpha`` (``alpha = 0`` changes nothing). The four operations are used equally often, as in the
    paper's code. Returns the augmented sentences only; the paper trains on them together with the (cleaned)
    original, which :func:`eda_corpus` adds. Section 3.2.
    """
    words = _words(sentence)
    alpha, n_aug = _check_alpha_n_aug(alpha, n_aug)
    check_memory("n_aug", n_aug, 100 * n_aug * (len(words) + 2))  # one Python string per augmented sentence
    rng, lookup = as_rng(rng), _lookup(synonyms)
    n = _n_changed(alpha, len(words))
    made = []
    for operation in _operation_plan(1, n_aug, rng)[0]:
        if operation == 0:
            new = _replace(words, n, rng, lookup)
        elif operation == 1:
            new = _insert(words, n, rng, lookup)
        elif operation == 2:
            new = _swap(words, n, rng)
        else:
            new = _delete(words, alpha, rng)
        made.append(" ".join(new))
    return made


# ---------------------------------------------------------------------------------------------------------------
# The whole corpus at once


class AugmentedCorpus(NamedTuple):
    """What :func:`eda_corpus` returns: one row per sentence, originals and augmented copies together. Section 3.2."""

    texts: list[str]
    labels: np.ndarray  # each copy inherits its original's label
    source: np.ndarray  # index of the original sentence each row comes from
    operation: np.ndarray  # "original", "sr", "ri", "rs" or "rd"


def _smallest(keys: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Mask of the ``n[i]`` smallest keys of every row i: with uniform random keys, a random subset of size n."""
    ordered = np.sort(keys, axis=1)
    threshold = np.take_along_axis(ordered, np.clip(n - 1, 0, keys.shape[1] - 1)[:, None], axis=1)
    return (keys <= threshold) & (n[:, None] > 0)


def _first_positions(tokens: np.ndarray) -> np.ndarray:
    """For every position, the first position in its row holding the same token (padding included)."""
    rows, width = tokens.shape
    order = np.argsort(tokens, axis=1, kind="stable")
    ordered = np.take_along_axis(tokens, order, axis=1)
    starts = np.ones_like(ordered, dtype=bool)
    starts[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    leader = np.maximum.accumulate(np.where(starts, np.arange(width), 0), axis=1)
    first = np.empty_like(order)
    np.put_along_axis(first, order, np.take_along_axis(order, leader, axis=1), axis=1)
    return first


class _SynonymIndex:
    """Interned words (id = position in ``words``) and the synonyms of each as ids, in flat NumPy-ready lists.

    A :class:`SynonymTable` keeps one for its whole life, so that repeated calls of :func:`eda_corpus` only look
    up (and intern) the words they have not met before; any other ``synonyms`` argument gets a fresh one per call.
    """

    def __init__(self, lookup):
        self.lookup = lookup
        self.ids: dict[str, int] = {}
        self.words: list[str] = []
        self.start: list[int] = []
        self.count: list[int] = []  # -1: not looked up yet (a word met only as somebody's synonym)
        self.flat: list[int] = []
        self._arrays = None

    def intern(self, word: str) -> int:
        index = self.ids.get(word)
        if index is None:
            index = self.ids[word] = len(self.words)
            self.words.append(word)
            self.start.append(0)
            self.count.append(-1)
            self._arrays = None
        return index

    def encode(self, sentences: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Clean and tokenise, then a padded matrix of word ids (-1 = padding) and the sentence lengths."""
        cleaned = []
        for index, sentence in enumerate(sentences):
            if not isinstance(sentence, str):
                raise TypeError(f"sentences[{index}] must be a string, got {type(sentence).__name__}")
            text = clean_text(sentence)
            if not text:
                raise ValueError(f"sentences[{index}] is empty: {sentence!r} has no words (letters a-z) left "
                                 "after cleaning")
            cleaned.append(text)
        lengths = np.fromiter((text.count(" ") + 1 for text in cleaned), dtype=np.int64, count=len(cleaned))
        words = " ".join(cleaned).split(" ")
        ids, intern = self.ids, self.intern
        flat = np.fromiter((ids[word] if word in ids else intern(word) for word in words), dtype=np.int64,
                           count=len(words))
        count = np.array(self.count, dtype=np.int64)
        new = np.unique(flat[count[flat] < 0]).tolist()
        if isinstance(self.lookup, SynonymTable):  # the whole corpus's new words in one pass over WordNet
            self.lookup.fill([self.words[token] for token in new if self.words[token] not in EDA_STOP_WORDS])
        for token in new:
            self._look_up(token)
        tokens = np.full((len(cleaned), int(lengths.max())), -1, dtype=np.int64)
        tokens[np.arange(tokens.shape[1]) < lengths[:, None]] = flat
        return tokens, lengths

    def _look_up(self, token: int) -> None:
        word = self.words[token]
        options = () if word in EDA_STOP_WORDS else self.lookup(word)
        self.start[token] = len(self.flat)
        self.count[token] = len(options)
        self.flat.extend(self.intern(option) for option in options)
        self._arrays = None

    def arrays(self):
        """(start, count, flat, words) as arrays; index -1 (padding) reads a sentinel with no synonyms and ""."""
        if self._arrays is None:
            self._arrays = (np.array(self.start + [0], dtype=np.int64),
                            np.maximum(np.array(self.count + [0], dtype=np.int64), 0),
                            np.array(self.flat + [0], dtype=np.int64),
                            np.array(self.words + [""], dtype=object))
        return self._arrays

    def pick_synonyms(self, tokens: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """A random synonym for every token (meaningful only where the token has synonyms)."""
        start, count, flat, _ = self.arrays()
        offset = (rng.random(tokens.shape) * count[tokens]).astype(np.int64)
        return flat[np.minimum(start[tokens] + offset, flat.size - 1)]

    def has_synonyms(self, tokens: np.ndarray) -> np.ndarray:
        return self.arrays()[1][tokens] > 0


def _left_align(tokens: np.ndarray) -> np.ndarray:
    order = np.argsort(tokens < 0, axis=1, kind="stable")
    return np.take_along_axis(tokens, order, axis=1)


def _corpus_replace(corpus: _SynonymIndex, tokens, lengths, n, rng, first=None):
    candidate = corpus.has_synonyms(tokens)
    first = _first_positions(tokens) if first is None else first
    leader = candidate & (first == np.arange(tokens.shape[1]))  # one position per candidate word type
    keys = np.where(leader, rng.random(tokens.shape), 2.0)
    chosen = leader & _smallest(keys, n)
    synonym = corpus.pick_synonyms(tokens, rng)
    replace = np.take_along_axis(chosen, first, axis=1)
    return np.where(replace, np.take_along_axis(synonym, first, axis=1), tokens), lengths


def _corpus_insert(corpus: _SynonymIndex, tokens, lengths, n, rng):
    rows, width = tokens.shape
    candidate = corpus.has_synonyms(tokens)
    n_sources = candidate.sum(axis=1)
    n = np.where(n_sources > 0, n, 0)
    most = int(n.max(initial=0))
    if most == 0:
        return tokens, lengths
    # Sources: the k-th candidate position of the row, k uniform; then one of its synonyms each.
    k = (rng.random((rows, most)) * n_sources[:, None]).astype(np.int64)
    candidates = tokens[candidate]  # row by row, so row i's candidates start at offset[i]
    offset = np.cumsum(n_sources) - n_sources
    inserted = corpus.pick_synonyms(candidates[np.minimum(offset[:, None] + k, candidates.size - 1)], rng)
    # n insertions at uniform random gaps, one after another, leave the original words in order and the
    # inserted ones in a uniformly random set of n of the l + n slots: draw that set directly.
    new_lengths = lengths + n
    slots = np.arange(width + most)
    keys = np.where(slots < new_lengths[:, None], rng.random((rows, width + most)), 2.0)
    is_inserted = _smallest(keys, n)
    inserted_index = np.cumsum(is_inserted, axis=1) - 1  # the j-th inserted slot gets the j-th synonym
    original_index = np.cumsum(~is_inserted, axis=1) - 1
    out = np.where(is_inserted,
                   np.take_along_axis(inserted, np.clip(inserted_index, 0, most - 1), axis=1),
                   np.take_along_axis(tokens, np.clip(original_index, 0, width - 1), axis=1))
    return np.where(slots < new_lengths[:, None], out, -1), new_lengths


def _corpus_swap(tokens, lengths, n, rng):
    tokens = tokens.copy()
    rows = np.arange(len(tokens))
    for round_ in range(int(n.max(initial=0))):
        active = (n > round_) & (lengths >= 2)
        i = (rng.random(len(tokens)) * lengths).astype(np.int64)
        j = (rng.random(len(tokens)) * np.maximum(lengths - 1, 1)).astype(np.int64)
        j += j >= i
        r, i, j = rows[active], i[active], j[active]
        tokens[r, i], tokens[r, j] = tokens[r, j], tokens[r, i]
    return tokens, lengths


def _corpus_delete(tokens, lengths, p, rng):
    valid = tokens >= 0
    keep = valid & (rng.random(tokens.shape) >= p)
    keep[lengths == 1] = valid[lengths == 1]
    fallback = (rng.random(len(tokens)) * lengths).astype(np.int64)
    empty = ~keep.any(axis=1)
    keep[np.flatnonzero(empty), fallback[empty]] = True
    return _left_align(np.where(keep, tokens, -1)), keep.sum(axis=1)


def eda_corpus(sentences: Sequence[str], labels, alpha: float = 0.1, n_aug: int = 4, rng=None, *,
               synonyms=None, include_original: bool = True) -> AugmentedCorpus:
    """EDA on a whole labelled corpus, vectorised: ``n_aug`` augmented copies of every sentence. Section 3.2.

    The same definitions as :func:`eda` (and the same operation plan: the four operations equally often), but
    each operation runs once over all the copies that use it, on a padded matrix of token ids, and every distinct
    word of the corpus is looked up in WordNet up front, in one pass (:meth:`SynonymTable.fill`). Copies keep their
    sentence's label. With ``include_original`` (the paper's practice) each cleaned original comes first,
    followed by its copies. Deterministic given ``rng``; the random streams differ from :func:`eda`'s.
    """
    if isinstance(sentences, (str, bytes)) or not hasattr(sentences, "__iter__"):
        raise TypeError("sentences must be a list (or array, or Series) of strings, not a single string")
    sentences = list(sentences)
    if not sentences:
        raise ValueError("sentences is empty; need at least one sentence")
    labels = np.asarray(labels)
    if labels.shape != (len(sentences),):
        raise ValueError(f"labels must hold one label per sentence: {len(sentences)} sentences, "
                         f"labels of shape {labels.shape}")
    alpha, n_aug = _check_alpha_n_aug(alpha, n_aug)
    rng = as_rng(rng)
    lookup = _lookup(synonyms)
    corpus = lookup._synonym_index() if isinstance(lookup, SynonymTable) else _SynonymIndex(lookup)
    longest_words = max(len(sentence.split()) for sentence in sentences if isinstance(sentence, str)) \
        if any(isinstance(sentence, str) for sentence in sentences) else 0
    check_memory("n_aug", n_aug, 3 * 8 * len(sentences) * (n_aug + 1) * (2 * longest_words + 2))  # padded token rows
    tokens, lengths = corpus.encode(sentences)
    n_sentences = len(sentences)

    # Rows of the result: sentence i has its original (if kept) and then its n_aug copies.
    per_sentence = n_aug + include_original
    n_rows = n_sentences * per_sentence
    operation = np.full((n_sentences, per_sentence), -1, dtype=np.int64)  # -1: the original
    operation[:, int(include_original):] = _operation_plan(n_sentences, n_aug, rng)
    operation = operation.ravel()
    source = np.repeat(np.arange(n_sentences), per_sentence)
    longest = int(lengths.max()) + (int(_n_changed(alpha, lengths).max()) if n_aug else 0)
    out = np.full((n_rows, longest + 1), -1, dtype=np.int64)  # one spare column: an end-of-row marker
    out_lengths = np.empty(n_rows, dtype=np.int64)
    for code in range(-1, 4):
        rows = np.flatnonzero(operation == code)
        if rows.size == 0:
            continue
        made, made_lengths = tokens[source[rows]], lengths[source[rows]]
        n = _n_changed(alpha, made_lengths)
        if code == 0:
            first = _first_positions(tokens)[source[rows]]  # computed per sentence, shared by its copies
            made, made_lengths = _corpus_replace(corpus, made, made_lengths, n, rng, first)
        elif code == 1:
            made, made_lengths = _corpus_insert(corpus, made, made_lengths, n, rng)
        elif code == 2:
            made, made_lengths = _corpus_swap(made, made_lengths, n, rng)
        elif code == 3:
            made, made_lengths = _corpus_delete(made, made_lengths, alpha, rng)
        out[rows, :made.shape[1]] = made
        out_lengths[rows] = made_lengths

    # One join for the whole corpus: every row's words, then an end-of-row marker, then split at the markers.
    words = np.append(corpus.arrays()[3], "\n")
    out[np.arange(n_rows), out_lengths] = words.size - 1
    joined = " ".join(words[out[out >= 0]].tolist())
    texts = joined[:-2].split(" \n ") if n_rows else []
    names = np.array(("original",) + EDA_OPERATIONS)[operation + 1]
    return AugmentedCorpus(texts, labels[source], source, names)
