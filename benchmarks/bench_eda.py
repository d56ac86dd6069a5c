"""Benchmark: synthlib's cached, vectorised EDA against the straightforward per-call implementation (section 3.2).

The straightforward version is written the way the seed tutorial and the EDA paper's code write it: one sentence at
a time, with Python's `random`, and WordNet queried afresh every time a word's synonyms are needed. It follows the
same definitions as synthlib (stop words, one-word synonyms, n = max(1, int(alpha * l)), the four operations used
equally often), so both make the same amount of the same kind of augmentation.

Workload: 2,000 Rotten Tomatoes sentences, alpha = 0.05, n_aug = 8 (the paper's setting for N = 2,000): 16,000
augmented sentences. Prints each method's sentences per second (best of a few repeats, WordNet already warm for
all of them) and the ratio to the straightforward version, measured in one run. Run it with `make benchmarks` or
`python benchmarks/bench_eda.py`.
"""
from __future__ import annotations

import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import synthlib  # noqa: E402
from timing import best_of  # noqa: E402 (benchmarks/timing.py, beside this script)
from synthlib.part3.text_augmentation import EDA_STOP_WORDS, clean_text  # noqa: E402

N_SENTENCES, ALPHA, N_AUG = 2_000, 0.05, 8


def make_straightforward_eda(wordnet):
    """EDA as the seed tutorial writes it: no cache, WordNet queried on every call of get_synonyms."""

    def get_synonyms(word):
        synonyms = set()
        for synset in wordnet.synsets(word):
            for lemma in synset.lemmas():
                name = lemma.name().lower()
                if name != word and name.isascii() and name.isalpha():
                    synonyms.add(name)
        return sorted(synonyms)

    def synonym_replacement(words, n, generator):
        new_words = words.copy()
        candidates = sorted({w for w in words if w not in EDA_STOP_WORDS})
        generator.shuffle(candidates)
        replaced = 0
        for word in candidates:
            if replaced >= n:
                break
            synonyms = get_synonyms(word)
            if synonyms:
                synonym = generator.choice(synonyms)
                new_words = [synonym if w == word else w for w in new_words]
                replaced += 1
        return new_words

    def random_insertion(words, n, generator):
        sources = [w for w in words if w not in EDA_STOP_WORDS and get_synonyms(w)]
        new_words = words.copy()
        if sources:
            for _ in range(n):
                synonym = generator.choice(get_synonyms(generator.choice(sources)))
                new_words.insert(generator.randint(0, len(new_words)), synonym)
        return new_words

    def random_swap(words, n, generator):
        new_words = words.copy()
        if len(new_words) >= 2:
            for _ in range(n):
                i, j = generator.sample(range(len(new_words)), 2)
                new_words[i], new_words[j] = new_words[j], new_words[i]
        return new_words

    def random_deletion(words, p, generator):
        if len(words) == 1:
            return words
        new_words = [w for w in words if generator.random() >= p]
        return new_words or [generator.choice(words)]

    def eda(sentence, alpha, n_aug, generator):
        words = clean_text(sentence).split()
        n = max(1, int(alpha * len(words))) if alpha > 0 else 0
        plan = [op for op in range(4) for _ in range(n_aug // 4 + 1)]
        generator.shuffle(plan)
        augmented = []
        for op in plan[:n_aug]:
            if op == 0:
                augmented.append(synonym_replacement(words, n, generator))
            elif op == 1:
                augmented.append(random_insertion(words, n, generator))
            elif op == 2:
                augmented.append(random_swap(words, n, generator))
            else:
                augmented.append(random_deletion(words, alpha, generator))
        return [" ".join(a) for a in augmented]

    return eda


def main() -> None:
    wordnet = synthlib.load_wordnet().data
    reviews = synthlib.load_rotten_tomatoes().data.iloc[:N_SENTENCES]
    sentences, labels = reviews["text"].tolist(), reviews["label"].to_numpy()
    straightforward = make_straightforward_eda(wordnet)
    table = synthlib.SynonymTable(wordnet)

    def run_straightforward():
        generator = random.Random(0)
        return [straightforward(s, ALPHA, N_AUG, generator) for s in sentences]

    def run_eda_loop():
        return [synthlib.eda(s, ALPHA, N_AUG, 0, synonyms=table) for s in sentences]

    def run_eda_corpus():
        return synthlib.eda_corpus(sentences, labels, ALPHA, N_AUG, 0, synonyms=table, include_original=False)

    # Warm-up: every WordNet synset the workload touches is read once (NLTK keeps them), and the table filled,
    # so that the timings compare the algorithms, not the first reads from disk.
    run_straightforward()
    run_eda_corpus()
    n_made = len(run_eda_corpus().texts)
    timings = {
        "straightforward (WordNet queried on every call)": best_of(run_straightforward, 2),
        "synthlib.eda, sentence by sentence (cached)": best_of(run_eda_loop, 3),
        "synthlib.eda_corpus (cached, vectorised)": best_of(run_eda_corpus, 5),
    }
    slowest = timings["straightforward (WordNet queried on every call)"]
    print(f"EDA on {N_SENTENCES:,} Rotten Tomatoes sentences, alpha = {ALPHA}, n_aug = {N_AUG} "
          f"({n_made:,} augmented sentences), {os.cpu_count()} CPU cores")
    for name, seconds in timings.items():
        print(f"  {name:<50} {n_made / seconds:10,.0f} sentences/s   {slowest / seconds:6.1f}x")
    ratio = slowest / timings["synthlib.eda_corpus (cached, vectorised)"]
    print(f"Speed-up of synthlib.eda_corpus over the straightforward implementation: {ratio:.1f}x")


if __name__ == "__main__":
    main()
