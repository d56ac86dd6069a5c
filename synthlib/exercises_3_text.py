"""The self-checks of the exercises of section 3.2 (text augmentation with EDA).

Each check recomputes what it needs (the properties a random deletion must have, measured on fresh draws; which
operations keep a bag of words, measured on augmented copies); none trusts the answer's own claims. Neither check
needs WordNet: they use a small synonym dictionary.
"""
from __future__ import annotations

from collections import Counter

import numpy as np

from .exercises import exercise

# ---------------------------------------------------------------------------------------------------------------
# 3.2.1 Random deletion, written by hand

_SENTENCE = ("a slow quiet film that never finds its story but the actors keep it watchable and the final "
             "scene almost saves the whole thing").split()


def _reference_delete_words(words, p, rng):
    if len(words) == 1:
        return list(words)
    kept = [word for word in words if rng.random() >= p]
    return kept or [words[rng.integers(len(words))]]


def _mistake_delete_words(words, p, rng):
    return [word for word in words if rng.random() >= p]  # can delete every word


def _is_subsequence(short, long) -> bool:
    remaining = iter(long)
    return all(word in remaining for word in short)


@exercise("3.2.1", summary="random deletion: each word deleted with probability p, never an empty sentence",
          solution=lambda: _reference_delete_words, mistake=lambda: _mistake_delete_words)
def _check_delete_words(answer):
    if not callable(answer):
        return "pass your function itself: synthlib.check('3.2.1', delete_words)"
    words = list(_SENTENCE)
    first = list(answer(list(words), 0.3, np.random.default_rng(7)))
    if first != list(answer(list(words), 0.3, np.random.default_rng(7))):
        return "the same generator seed must give the same result: draw every random number from `rng`"
    if not all(isinstance(word, str) for word in first):
        return "return a list of words (strings), e.g. ['a', 'slow', 'film']"
    if list(answer(list(words), 0.0, np.random.default_rng(1))) != words:
        return "with p = 0 no word may be deleted"
    if list(answer(["film"], 1.0, np.random.default_rng(1))) != ["film"]:
        return "a one-word sentence must come back unchanged (the paper's code never deletes its only word)"
    rng = np.random.default_rng(2)
    for _ in range(50):
        result = list(answer(list(words), 1.0, rng))
        if len(result) != 1 or result[0] not in words:
            return ("with p = 1 every word is deleted, and then EDA keeps one random word: the result must never "
                    "be empty")
    deleted, trials = 0, 400
    rng = np.random.default_rng(3)
    for _ in range(trials):
        result = list(answer(list(words), 0.3, rng))
        if not result or not _is_subsequence(result, words):
            return "the result must keep the surviving words in their original order, and never be empty"
        deleted += len(words) - len(result)
    rate = deleted / (trials * len(words))
    standard_error = np.sqrt(0.3 * 0.7 / (trials * len(words)))
    if abs(rate - 0.3) > 5 * standard_error:
        return (f"with p = 0.3 you deleted {rate:.1%} of the words; each word must be deleted independently with "
                "probability p")
    return None


# ---------------------------------------------------------------------------------------------------------------
# 3.2.2 Which operations leave a bag of words unchanged?

_TOY_SYNONYMS = {
    "film": ["movie", "picture"], "slow": ["dull", "boring"], "story": ["tale", "plot"],
    "funny": ["amusing", "comic"], "actors": ["cast", "players"], "great": ["fine", "superb"],
}
_TOY_SENTENCES = [
    "a slow film with a funny story", "the actors are great but the story is slow",
    "funny actors cannot save a slow film", "a great film", "the story drags and the film is slow",
    "great actors and a funny story make a fine film",
]
_NAMES = {"sr": "sr", "synonym replacement": "sr", "ri": "ri", "random insertion": "ri", "insertion": "ri",
          "rs": "rs", "random swap": "rs", "swap": "rs", "rd": "rd", "random deletion": "rd", "deletion": "rd"}


def _bag_preserving_operations() -> set[str]:
    """Recompute the truth: augment toy sentences and see which operations kept every copy's word counts."""
    from .augment_text import eda_corpus

    corpus = eda_corpus(_TOY_SENTENCES, np.zeros(len(_TOY_SENTENCES)), alpha=0.3, n_aug=40,
                        rng=np.random.default_rng(0), synonyms=_TOY_SYNONYMS, include_original=False)
    changed = {name: False for name in ("sr", "ri", "rs", "rd")}
    for text, source, operation in zip(corpus.texts, corpus.source, corpus.operation):
        if Counter(text.split()) != Counter(_TOY_SENTENCES[source].split()):
            changed[str(operation)] = True
    return {name for name, did_change in changed.items() if not did_change}


@exercise("3.2.2", summary="the EDA operations that leave a sentence's bag of words (unigram counts) unchanged",
          solution=lambda: {"rs"}, mistake=lambda: {"rs", "sr"})
def _check_bag_preserving(answer):
    if isinstance(answer, str):
        answer = [answer]
    try:
        given = {_NAMES[str(name).strip().lower()] for name in answer}
    except KeyError as error:
        return f"name the operations 'sr', 'ri', 'rs' or 'rd' (unknown name {error.args[0]!r})"
    truth = _bag_preserving_operations()
    if given == truth:
        return None
    if "sr" in given:
        return "synonym replacement keeps the length but swaps one word type for another: the counts change"
    if "rd" in given or "ri" in given:
        return "insertion and deletion change how many words the sentence has, so they change the counts"
    return "one operation only moves words around; which one? A unigram TF-IDF model cannot see word order"
