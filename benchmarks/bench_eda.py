"""Benchmark: synthlib's EDA against the EDA authors' own per-sentence code, with WordNet cold and warm (section 3.2).

The reference is the per-sentence loop of Wei and Zou's repository (github.com/jasonwei20/eda_nlp, `code/eda.py`
called line by line by `code/augment.py`), re-implemented here operation for operation, since the repository cannot
be downloaded on every machine that runs this: Python's `random`; the authors' character-by-character cleaning; a
fresh `wordnet.synsets` query every time a word's synonyms are needed (no cache); int(num_aug / 4) + 1 sentences
made by each of the four operations, cleaned again, shuffled and cut to num_aug, then the original appended;
insertion draws up to ten random words of the sentence (stop words included) and inserts the first synonym of the
first that has one (the tenth draw is looked up but never used, as in theirs). Their defaults: alpha = 0.1 for all
four operations, nine augmentations per sentence.

Workload: 500 Rotten Tomatoes sentences (the authors' example file, data/sst2_train_500.txt, holds 500 SST-2
sentences, which come from the same Rotten Tomatoes reviews), alpha = 0.1, nine augmentations each: 4,500 augmented
sentences, plus the 500 originals.

"Cold" means a freshly constructed NLTK WordNet reader: its index is loaded (that is not timed: every method needs
it, and a Python process pays it once), but no synset has been read yet, as in a new process. "Warm" repeats the
same call in the same process: NLTK keeps every synset it has read, and synthlib's SynonymTable keeps its synonyms.
The operating system's file cache is warm for both (the data files are read during the set-up).

Prints seconds and sentences per second for every method, cold and warm, and each method's ratio to the authors'
loop under the same condition. Times depend on the machine and its load; nothing here asserts them. Run it with
`make benchmarks` or `python benchmarks/bench_eda.py`.
"""
from __future__ import annotations

import os
import random
import re
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import synthlib  # noqa: E402
from timing import best_of  # noqa: E402 (benchmarks/timing.py, beside this script)
from synthlib.part3.text_augmentation import EDA_STOP_WORDS  # noqa: E402

N_SENTENCES, ALPHA, NUM_AUG = 500, 0.1, 9
WARM_REPEATS = 3


def make_reference_eda(wordnet, generator: random.Random):
    """The authors' eda(sentence, 0.1, 0.1, 0.1, 0.1, num_aug), re-implemented step for step (see the docstring)."""
    letters = set("abcdefghijklmnopqrstuvwxyz ")
    stop_words = EDA_STOP_WORDS | {""}  # the same list as theirs, which also holds the empty string

    def clean(line):
        line = line.replace("\u2019", "").replace("'", "").replace("-", " ").replace("\t", " ").replace("\n", " ")
        kept = ""
        for char in line.lower():  # one character at a time, as theirs
            kept += char if char in letters else " "
        kept = re.sub(" +", " ", kept)
        return kept[1:] if kept.startswith(" ") else kept

    def synonyms_of(word):  # a fresh WordNet query on every call, multi-word synonyms included
        found = set()
        for synset in wordnet.synsets(word):
            for lemma in synset.lemmas():
                name = lemma.name().replace("_", " ").replace("-", " ").lower()
                found.add("".join(char for char in name if char in letters))
        found.discard(word)
        return list(found)

    def replace(words, n):
        new_words = list(words)
        order = list({word for word in words if word not in stop_words})
        generator.shuffle(order)
        done = 0
        for word in order:
            options = synonyms_of(word)
            if options:
                chosen = generator.choice(options)
                new_words = [chosen if other == word else other for other in new_words]
                done += 1
            if done >= n:
                break
        return " ".join(new_words).split(" ")

    def insert(words, n):
        new_words = list(words)
        for _ in range(n):
            for _attempt in range(10):  # the authors give up at the tenth word, even if it has synonyms
                options = synonyms_of(new_words[generator.randint(0, len(new_words) - 1)])
                if options and _attempt < 9:
                    new_words.insert(generator.randint(0, len(new_words) - 1), options[0])
                    break
        return new_words

    def swap(words, n):
        new_words = list(words)
        for _ in range(n):
            first = generator.randint(0, len(new_words) - 1)
            for _attempt in range(4):  # the authors draw a fourth time, then give up without looking at it
                second = generator.randint(0, len(new_words) - 1)
                if second != first and _attempt < 3:
                    new_words[first], new_words[second] = new_words[second], new_words[first]
                    break
        return new_words

    def delete(words, p):
        if len(words) == 1:
            return words
        kept = [word for word in words if generator.uniform(0, 1) > p]
        return kept or [words[generator.randint(0, len(words) - 1)]]

    def eda(sentence, num_aug=NUM_AUG, alpha=ALPHA):
        sentence = clean(sentence)
        words = [word for word in sentence.split(" ") if word != ""]
        per_operation = int(num_aug / 4) + 1
        n = max(1, int(alpha * len(words)))
        made = [" ".join(replace(words, n)) for _ in range(per_operation)]
        made += [" ".join(insert(words, n)) for _ in range(per_operation)]
        made += [" ".join(swap(words, n)) for _ in range(per_operation)]
        made += [" ".join(delete(words, alpha)) for _ in range(per_operation)]
        made = [clean(text) for text in made]
        generator.shuffle(made)
        return made[:num_aug] + [sentence]

    return eda


def fresh_wordnet(wordnet):
    """A new NLTK reader over the same files: index loaded, no synset read yet (the state of a new process)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "the multilingual functions are not available": not needed here
        return type(wordnet)(wordnet.root, None)


def main() -> None:
    wordnet = synthlib.load_wordnet(verbose=False).data
    reviews = synthlib.load_rotten_tomatoes(verbose=False).data.iloc[:N_SENTENCES]
    sentences, labels = reviews["text"].tolist(), reviews["label"].to_numpy()
    for name in ("data.noun", "data.verb", "data.adj", "data.adv"):  # the file cache warm for every method
        with wordnet.abspath(name).open() as file:
            file.read()

    def authors_loop(reader):
        eda = make_reference_eda(reader, random.Random(1))
        return [text for sentence in sentences for text in eda(sentence)]

    def eda_loop(table):
        return [text for i, sentence in enumerate(sentences)  # the original too, as the others return it
                for text in [synthlib.clean_text(sentence), *synthlib.eda(sentence, ALPHA, NUM_AUG, i, synonyms=table)]]

    def corpus_up_front(table):
        return synthlib.eda_corpus(sentences, labels, ALPHA, NUM_AUG, 0, synonyms=table).texts

    def corpus_word_by_word(table):  # a plain function: eda_corpus then looks words up one at a time, on first use
        return synthlib.eda_corpus(sentences, labels, ALPHA, NUM_AUG, 0, synonyms=lambda word: table(word)).texts

    methods = {
        "authors' code, sentence by sentence (no cache)": lambda reader: (authors_loop, reader),
        "synthlib.eda, sentence by sentence (SynonymTable)": lambda reader: (eda_loop, synthlib.SynonymTable(reader)),
        "synthlib.eda_corpus, table filled word by word": lambda reader: (corpus_word_by_word,
                                                                          synthlib.SynonymTable(reader)),
        "synthlib.eda_corpus, table built up front": lambda reader: (corpus_up_front, synthlib.SynonymTable(reader)),
    }
    timings, n_made = {}, {}
    for name, prepare in methods.items():
        function, state = prepare(fresh_wordnet(wordnet))
        started = time.perf_counter()
        made = function(state)
        cold = time.perf_counter() - started
        warm = best_of(lambda: function(state), WARM_REPEATS)
        timings[name], n_made[name] = (cold, warm), len(made)

    n_augmented = N_SENTENCES * NUM_AUG
    print(f"EDA on {N_SENTENCES:,} Rotten Tomatoes sentences, alpha = {ALPHA}, {NUM_AUG} augmentations each "
          f"({n_augmented:,} augmented sentences), {os.cpu_count()} CPU cores. Cold: a fresh WordNet reader; "
          f"warm: best of {WARM_REPEATS} repeats.")
    reference = timings["authors' code, sentence by sentence (no cache)"]
    print(f"  {'':<52} {'cold (s)':>9} {'warm (s)':>9} {'cold sent/s':>12} {'warm sent/s':>12} "
          f"{'vs authors cold':>16} {'warm':>7}")
    for name, (cold, warm) in timings.items():
        print(f"  {name:<52} {cold:9.2f} {warm:9.3f} {n_augmented / cold:12,.0f} {n_augmented / warm:12,.0f} "
              f"{reference[0] / cold:15.1f}x {reference[1] / warm:6.1f}x")
    corpus = timings["synthlib.eda_corpus, table built up front"]
    print(f"synthlib.eda_corpus against the authors' code: {reference[0] / corpus[0]:.1f}x with WordNet cold, "
          f"{reference[1] / corpus[1]:.1f}x warm.")
    if len(set(n_made.values())) != 1:
        print(f"note: the methods made different numbers of sentences: {n_made}")


if __name__ == "__main__":
    main()
