"""Unit and property tests for section 3.2's EDA operations (synthlib.part3.text_augmentation).

Most tests use a small synonym dictionary, so that they are fast and need no WordNet; a few use the real WordNet
from the dataset registry.
"""
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import synthlib
from synthlib.part3.text_augmentation import EDA_STOP_WORDS

ROOT = Path(__file__).resolve().parents[2]

SYNONYMS = {
    "film": ["movie", "picture", "flick"], "slow": ["dull", "boring"], "story": ["tale", "plot"],
    "funny": ["amusing", "comic", "motion picture"], "actors": ["cast"], "great": ["fine", "superb", "great"],
    # stop words with synonyms in the dictionary must still never be replaced or used as sources
    "the": ["thee"], "not": ["non"],
}
VOCABULARY = ["film", "slow", "story", "funny", "actors", "great", "the", "a", "not", "and", "plot", "xyzzy", "drags"]


def synonyms_of(word):
    return tuple(sorted({s for s in SYNONYMS.get(word, ()) if s != word and " " not in s}))


def is_candidate(word):
    return word not in EDA_STOP_WORDS and bool(synonyms_of(word))


def is_subsequence(short, long):
    remaining = iter(long)
    return all(word in remaining for word in short)


sentences = st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=25).map(" ".join)
seeds = st.integers(0, 2**32 - 1)
counts = st.integers(0, 6)


# --- cleaning and inputs ------------------------------------------------------------------------------------------

def test_clean_text_follows_the_papers_code():
    assert synthlib.clean_text("It's a well-made, 2-hour FILM!") == "its a well made hour film"
    assert synthlib.clean_text("  Don\u2019t\tgo\n") == "dont go"
    assert synthlib.clean_text("!!!") == ""


@pytest.mark.parametrize("function, argument", [
    (synthlib.synonym_replacement, 1), (synthlib.random_insertion, 1), (synthlib.random_swap, 1),
    (synthlib.random_deletion, 0.1), (synthlib.eda, 0.1)])
def test_every_operation_rejects_empty_text_and_non_strings(function, argument):
    for empty in ["", "   ", "!!! 123 ..."]:
        with pytest.raises(ValueError, match="sentence is empty"):
            function(empty, argument, 0)
    with pytest.raises(TypeError, match="sentence must be a string"):
        function(["a", "list"], argument, 0)


def test_bad_counts_and_rates_get_clear_errors():
    with pytest.raises(ValueError, match="n must be non-negative, got -1"):
        synthlib.synonym_replacement("a good film", -1, 0, synonyms=SYNONYMS)
    with pytest.raises(ValueError, match="n must be non-negative"):
        synthlib.random_insertion("a good film", -2, 0, synonyms=SYNONYMS)
    with pytest.raises(ValueError, match="n must be non-negative"):
        synthlib.random_swap("a good film", -1, 0)
    with pytest.raises(TypeError, match="n must be an integer"):
        synthlib.random_swap("a good film", 1.5, 0)
    for p in (-0.1, 1.5):
        with pytest.raises(ValueError, match=r"p must lie in \[0, 1\]"):
            synthlib.random_deletion("a good film", p, 0)
        with pytest.raises(ValueError, match=r"alpha must lie in \[0, 1\]"):
            synthlib.eda("a good film", p, 4, 0, synonyms=SYNONYMS)
        with pytest.raises(ValueError, match=r"alpha must lie in \[0, 1\]"):
            synthlib.eda_corpus(["a good film"], [1], p, 4, 0, synonyms=SYNONYMS)
    with pytest.raises(ValueError, match="n_aug must be non-negative"):
        synthlib.eda("a good film", 0.1, -1, 0, synonyms=SYNONYMS)
    with pytest.raises(ValueError, match="n_aug must be non-negative"):
        synthlib.eda_corpus(["a good film"], [1], 0.1, -1, 0, synonyms=SYNONYMS)
    with pytest.raises(TypeError, match="rng must be a numpy Generator"):
        synthlib.random_swap("a good film", 1, "seed")
    with pytest.raises(TypeError, match="synonyms must be"):
        synthlib.synonym_replacement("a good film", 1, 0, synonyms=42)


def test_eda_corpus_names_the_bad_sentence_and_checks_labels():
    with pytest.raises(ValueError, match=r"sentences\[1\] is empty"):
        synthlib.eda_corpus(["a good film", "?!"], [1, 0], 0.1, 2, 0, synonyms=SYNONYMS)
    with pytest.raises(ValueError, match="sentences is empty"):
        synthlib.eda_corpus([], [], 0.1, 2, 0, synonyms=SYNONYMS)
    with pytest.raises(ValueError, match="one label per sentence"):
        synthlib.eda_corpus(["a good film", "a bad film"], [1], 0.1, 2, 0, synonyms=SYNONYMS)
    with pytest.raises(TypeError, match="not a single string"):
        synthlib.eda_corpus("a good film", [1], 0.1, 2, 0, synonyms=SYNONYMS)
    with pytest.raises(TypeError, match=r"sentences\[0\] must be a string"):
        synthlib.eda_corpus([3], [1], 0.1, 2, 0, synonyms=SYNONYMS)


def test_eda_parameters_follow_the_papers_table_3():
    assert synthlib.eda_parameters(50) == (0.05, 16)
    assert synthlib.eda_parameters(500) == (0.05, 16)
    assert synthlib.eda_parameters(501) == (0.05, 8)
    assert synthlib.eda_parameters(2_000) == (0.05, 8)
    assert synthlib.eda_parameters(5_000) == (0.1, 4)
    assert synthlib.eda_parameters(100_000) == (0.1, 4)
    with pytest.raises(ValueError, match="n_train must be at least 1"):
        synthlib.eda_parameters(0)


# --- the four operations: lengths and label-free invariants -------------------------------------------------------

@given(sentence=sentences, n=counts, seed=seeds)
@settings(max_examples=150, deadline=None)
def test_synonym_replacement_keeps_length_and_stop_words(sentence, n, seed):
    words = sentence.split()
    out = synthlib.synonym_replacement(sentence, n, seed, synonyms=SYNONYMS).split()
    assert len(out) == len(words)
    changed = {}
    for before, after in zip(words, out):
        if before != after:
            assert is_candidate(before), before  # stop words and words without synonyms are never replaced
            assert after in synonyms_of(before)
            assert changed.setdefault(before, after) == after  # one synonym per word type
    n_types = len({w for w in words if is_candidate(w)})
    assert len(changed) == min(n, n_types)
    assert out == synthlib.synonym_replacement(sentence, n, seed, synonyms=SYNONYMS).split()


@given(sentence=sentences, n=counts, seed=seeds)
@settings(max_examples=150, deadline=None)
def test_random_insertion_adds_n_synonyms_and_keeps_the_original_in_order(sentence, n, seed):
    words = sentence.split()
    out = synthlib.random_insertion(sentence, n, seed, synonyms=SYNONYMS).split()
    sources = [w for w in words if is_candidate(w)]
    assert len(out) == len(words) + (n if sources else 0)
    assert is_subsequence(words, out)
    extra = Counter(out) - Counter(words)
    allowed = {s for w in sources for s in synonyms_of(w)}
    assert set(extra) <= allowed
    assert out == synthlib.random_insertion(sentence, n, seed, synonyms=SYNONYMS).split()


@given(sentence=sentences, n=counts, seed=seeds)
@settings(max_examples=150, deadline=None)
def test_random_swap_permutes_the_words(sentence, n, seed):
    words = sentence.split()
    out = synthlib.random_swap(sentence, n, seed).split()
    assert sorted(out) == sorted(words)
    if n == 0 or len(words) == 1:
        assert out == words
    assert out == synthlib.random_swap(sentence, n, seed).split()


@given(sentence=sentences, p=st.floats(0, 1), seed=seeds)
@settings(max_examples=150, deadline=None)
def test_random_deletion_keeps_an_ordered_non_empty_subsequence(sentence, p, seed):
    words = sentence.split()
    out = synthlib.random_deletion(sentence, p, seed).split()
    assert 1 <= len(out) <= len(words)
    assert is_subsequence(out, words)
    if len(words) == 1 or p == 0:
        assert out == words
    if p == 1:
        assert len(out) == 1
    assert out == synthlib.random_deletion(sentence, p, seed).split()


def test_random_deletion_deletes_at_rate_p():
    sentence = " ".join(["film"] * 40)
    rng = np.random.default_rng(0)
    kept = np.mean([len(synthlib.random_deletion(sentence, 0.25, rng).split()) for _ in range(500)])
    assert abs(kept / 40 - 0.75) < 0.01


@given(sentence=sentences, alpha=st.floats(0, 1), n_aug=st.integers(0, 12), seed=seeds)
@settings(max_examples=100, deadline=None)
def test_eda_makes_n_aug_sentences_whose_lengths_follow_the_operations(sentence, alpha, n_aug, seed):
    words = sentence.split()
    out = synthlib.eda(sentence, alpha, n_aug, seed, synonyms=SYNONYMS)
    assert len(out) == n_aug
    n = max(1, int(alpha * len(words))) if alpha > 0 else 0
    has_source = any(is_candidate(w) for w in words)
    for text in out:
        length = len(text.split())
        assert length <= len(words) or (has_source and length == len(words) + n)
        assert set(text.split()) <= set(words) | {s for w in words for s in synonyms_of(w)}
    if alpha == 0:
        assert out == [" ".join(words)] * n_aug
    assert out == synthlib.eda(sentence, alpha, n_aug, seed, synonyms=SYNONYMS)


# --- eda_corpus -------------------------------------------------------------------------------------------------

@given(corpus=st.lists(sentences, min_size=1, max_size=12), alpha=st.floats(0, 1), n_aug=st.integers(0, 9),
       seed=seeds, include_original=st.booleans())
@settings(max_examples=100, deadline=None)
def test_eda_corpus_rows_follow_each_operations_definition(corpus, alpha, n_aug, seed, include_original):
    labels = np.arange(len(corpus)) % 3
    result = synthlib.eda_corpus(corpus, labels, alpha, n_aug, seed, synonyms=SYNONYMS,
                                 include_original=include_original)
    per_sentence = n_aug + include_original
    assert len(result.texts) == len(result.labels) == len(result.source) == len(corpus) * per_sentence
    np.testing.assert_array_equal(result.source, np.repeat(np.arange(len(corpus)), per_sentence))
    np.testing.assert_array_equal(result.labels, labels[result.source])
    for index in range(len(corpus)):
        operations = Counter(result.operation[result.source == index].tolist())
        assert operations.pop("original", 0) == include_original
        assert sum(operations.values()) == n_aug
        assert all(n_aug // 4 - 1 <= c <= n_aug // 4 + 1 for c in operations.values())  # used equally often
    for text, source, operation in zip(result.texts, result.source, result.operation):
        words, out = corpus[source].split(), text.split()
        n = max(1, int(alpha * len(words))) if alpha > 0 else 0
        if operation == "original":
            assert out == words
        elif operation == "sr":
            assert len(out) == len(words)
            changed = {b: a for b, a in zip(words, out) if b != a}
            assert all(is_candidate(b) and a in synonyms_of(b) for b, a in changed.items())
            assert len(changed) == min(n, len({w for w in words if is_candidate(w)}))
        elif operation == "ri":
            has_source = any(is_candidate(w) for w in words)
            assert len(out) == len(words) + (n if has_source else 0)
            assert is_subsequence(words, out)
        elif operation == "rs":
            assert sorted(out) == sorted(words)
        else:
            assert 1 <= len(out) <= len(words) and is_subsequence(out, words)
            if alpha == 0 or len(words) == 1:
                assert out == words
    again = synthlib.eda_corpus(corpus, labels, alpha, n_aug, seed, synonyms=SYNONYMS,
                                include_original=include_original)
    assert again.texts == result.texts


def test_eda_corpus_and_eda_agree_in_distribution():
    """Same definitions, different random streams: their statistics must agree."""
    sentence = "the slow film and the slow story and funny actors drag a great film not once but twice"
    words = sentence.split()
    corpus = synthlib.eda_corpus([sentence] * 600, np.zeros(600), 0.2, 8, 0, synonyms=SYNONYMS,
                                 include_original=False)
    rng = np.random.default_rng(1)
    single = [t for _ in range(600) for t in synthlib.eda(sentence, 0.2, 8, rng, synonyms=SYNONYMS)]

    def statistics(texts):
        lengths = np.array([len(t.split()) for t in texts])
        replaced = Counter(b for t in texts for b, a in zip(words, t.split()) if len(t.split()) == len(words)
                           and b != a and a in synonyms_of(b))
        inserted = Counter(w for t in texts if len(t.split()) > len(words) for w in (Counter(t.split())
                                                                                      - Counter(words)))
        return (np.mean(lengths == len(words) + 3), np.mean(lengths < len(words)), np.mean(lengths),
                {w: c / len(texts) for w, c in replaced.items()}, {w: c / len(texts) for w, c in inserted.items()})

    a, b = statistics(corpus.texts), statistics(single)
    for x, y in zip(a[:3], b[:3]):
        assert abs(x - y) < 0.03 * max(1, abs(x)), (x, y)
    for word in set(a[3]) | set(b[3]) | set(a[4]) | set(b[4]):
        assert abs(a[3].get(word, 0) - b[3].get(word, 0)) < 0.03
        assert abs(a[4].get(word, 0) - b[4].get(word, 0)) < 0.03


def test_eda_corpus_accepts_a_pandas_series_and_zero_copies():
    import pandas as pd

    result = synthlib.eda_corpus(pd.Series(["A slow film.", "Great actors!"]), pd.Series([0, 1]), 0.1, 0, 0,
                                 synonyms=SYNONYMS)
    assert result.texts == ["a slow film", "great actors"]
    assert result.operation.tolist() == ["original", "original"]
    empty = synthlib.eda_corpus(["a film"], [1], 0.1, 0, 0, synonyms=SYNONYMS, include_original=False)
    assert empty.texts == [] and empty.labels.shape == (0,)


def test_results_do_not_depend_on_the_hash_seed():
    script = (f"import synthlib; SYNONYMS = {SYNONYMS!r}; "
              "r = synthlib.eda_corpus(['the slow film and the funny story', 'great actors, slow plot'], [0, 1], "
              "0.3, 12, 5, synonyms=SYNONYMS); "
              "print(r.texts, synthlib.eda('a funny slow film with great actors', 0.3, 8, 1, synonyms=SYNONYMS))")
    outputs = set()
    for hash_seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        outputs.add(subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True,
                                   text=True, check=True).stdout)
    assert len(outputs) == 1


def test_import_synthlib_does_not_import_nltk():
    code = "import sys, synthlib; print('nltk' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


# --- with the real WordNet ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def table():
    return synthlib.SynonymTable(synthlib.load_wordnet().data)


def test_synonym_table_caches_one_word_synonyms(table):
    synonyms = table("movie")
    assert "film" in synonyms and "movie" not in synonyms
    assert list(synonyms) == sorted(synonyms)
    assert all(s.isascii() and s.isalpha() and s.islower() for s in synonyms)
    queries = table.queries
    assert table("movie") is synonyms and table.queries == queries
    assert table("xyzzyq") == ()


def test_eda_on_real_reviews_never_replaces_stop_words(table):
    reviews = synthlib.load_rotten_tomatoes().data["text"].iloc[:300].tolist()
    result = synthlib.eda_corpus(reviews, np.zeros(300), 0.2, 8, 0, synonyms=table)
    cleaned = [synthlib.clean_text(r).split() for r in reviews]
    for text, source, operation in zip(result.texts, result.source, result.operation):
        if operation == "sr":
            for before, after in zip(cleaned[source], text.split()):
                assert before == after or (before not in EDA_STOP_WORDS and after in table(before))
    queries = table.queries
    synthlib.eda_corpus(reviews, np.zeros(300), 0.2, 8, 1, synonyms=table)
    assert table.queries == queries  # every word already cached: no new WordNet query
    assert synthlib.synonym_replacement(reviews[0], 2, 3, synonyms=table) == \
        synthlib.synonym_replacement(reviews[0], 2, 3, synonyms=table)


def test_the_up_front_table_gives_the_same_synonyms_as_one_query_per_word(table):
    """eda_corpus fills its SynonymTable in one pass over WordNet's data files; that must change nothing."""
    from synthlib.part3.text_augmentation import wordnet_synonym_table, wordnet_synonyms

    reviews = synthlib.load_rotten_tomatoes().data["text"].iloc[:1_500]
    words = sorted({word for review in reviews for word in synthlib.clean_text(review).split()})
    # inflections (morphy), exceptions, adjective markers, stop words and words WordNet lacks
    words += ["geese", "better", "ran", "saw", "films", "acting", "good", "best", "happier", "xyzzyq", "the"]
    up_front = wordnet_synonym_table(table.wordnet, words)
    assert set(up_front) == set(words)
    different = [w for w in words if up_front[w] != wordnet_synonyms(table.wordnet, w)]
    assert not different, different[:10]
    assert sum(bool(synonyms) for synonyms in up_front.values()) > len(words) / 2


def test_eda_corpus_fills_the_table_once_with_every_distinct_word(table):
    reviews = synthlib.load_rotten_tomatoes().data["text"].iloc[2_000:2_200].tolist()
    fresh = synthlib.SynonymTable(table.wordnet)
    result = synthlib.eda_corpus(reviews, np.zeros(len(reviews)), 0.1, 9, 0, synonyms=fresh)
    distinct = {w for r in reviews for w in synthlib.clean_text(r).split()} - EDA_STOP_WORDS
    assert fresh.queries == len(fresh) == len(distinct)
    assert fresh.fill(sorted(distinct)) == 0 and fresh.queries == len(distinct)  # nothing is looked up twice
    # the same seed gives the same corpus whether the table was filled up front or word by word
    word_by_word = synthlib.SynonymTable(table.wordnet)
    for word in sorted(distinct):
        word_by_word(word)
    again = synthlib.eda_corpus(reviews, np.zeros(len(reviews)), 0.1, 9, 0, synonyms=word_by_word)
    assert again.texts == result.texts
    with pytest.raises(TypeError, match="words must be strings"):
        fresh.fill(["film", 3])


def test_the_up_front_table_falls_back_to_synsets_for_other_readers():
    from synthlib.part3.text_augmentation import wordnet_synonym_table

    class Lemma:
        def __init__(self, name):
            self._name = name

        def name(self):
            return self._name

    class Synset:
        def __init__(self, *names):
            self._lemmas = [Lemma(n) for n in names]

        def lemmas(self):
            return self._lemmas

    class TinyWordNet:
        def synsets(self, word):
            return {"film": [Synset("film", "movie", "motion_picture")], "slow": [Synset("slow", "Dull")]}.get(word, [])

    assert wordnet_synonym_table(TinyWordNet(), ["film", "slow", "xyzzy", "film"]) == {
        "film": ("movie",), "slow": ("dull",), "xyzzy": ()}


@pytest.mark.parametrize("synonyms", [{"movie": "film"}, {"movie": ["film", 3]}, {"movie": None},
                                      lambda word: "film"])
def test_synonyms_given_as_a_string_are_refused_not_spelled_out(synonyms):
    with pytest.raises(TypeError, match="the synonyms of '"):
        synthlib.eda("a great movie indeed", n_aug=4, rng=0, synonyms=synonyms)
    with pytest.raises(TypeError, match="the synonyms of '"):
        synthlib.random_insertion("a great movie indeed", 2, rng=0, synonyms=synonyms)


def test_synonyms_as_lists_tuples_or_functions_are_used_as_before():
    as_list = synthlib.eda("a great movie indeed", rng=0, synonyms={"movie": ["film", "flick"]})
    as_tuple = synthlib.eda("a great movie indeed", rng=0, synonyms={"movie": ("film", "flick")})
    assert as_list == as_tuple and any("film" in s or "flick" in s for s in as_list)
    assert all(len(word) > 1 for sentence in as_list for word in sentence.split() if word != "a")


def test_a_huge_n_aug_is_refused_before_allocating():
    with pytest.raises(ValueError, match=r"n_aug=1,000,000,000,000 would need about"):
        synthlib.eda_corpus(["a great movie"], [0], n_aug=10**12, synonyms={})
