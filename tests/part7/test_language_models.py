"""Unit tests of synthlib.part7.language_models (section 7.3)."""
import numpy as np
import pytest

import synthlib
from synthlib.part7 import language_models as lm

REVIEWS = ["a gripping and funny film", "the plot is dull and the acting is worse", "a warm funny story",
           "dull dull and long", "one of the best films of the year", "the worst film of the year"] * 5


@pytest.fixture(scope="module")
def tokenizer():
    pytest.importorskip("tokenizers")
    return synthlib.train_review_tokenizer(REVIEWS, vocab_size=80)


def test_tokenizer_round_trips(tokenizer):
    for text in REVIEWS + ["a funny year", "worse story of the film"]:  # unseen combinations too
        assert synthlib.decode(tokenizer, tokenizer.encode(text).ids) == text
    assert synthlib.decode(tokenizer, tokenizer.encode("a filmic story").ids) == "a <unk> story"  # unseen word
    ids = synthlib.encode_reviews(tokenizer, ["a warm funny story", "dull"], [1, None])
    assert ids[0, 0] == tokenizer.token_to_id("<fresh>") and ids[1, 0] == tokenizer.token_to_id("<review>")
    assert tokenizer.token_to_id("<end>") in ids[1] and ids[1, -1] == tokenizer.token_to_id("<pad>")


def test_bad_input_gets_clear_errors(tokenizer):
    with pytest.raises(ValueError, match="empty"):
        synthlib.train_review_tokenizer([])
    with pytest.raises(TypeError, match="not one string"):
        synthlib.train_review_tokenizer("a film")
    with pytest.raises(ValueError, match="unknown label 2"):
        synthlib.encode_reviews(tokenizer, ["a film"], [2])
    with pytest.raises(ValueError, match="2 texts but 1 labels"):
        synthlib.encode_reviews(tokenizer, ["a film", "a story"], [1])
    with pytest.raises(ValueError, match="empty"):
        synthlib.distinct_n([], 2)
    with pytest.raises(ValueError, match="empty"):
        synthlib.deduplicate([])
    with pytest.raises(ValueError, match="vocabulary is empty"):
        synthlib.quality_mask(["a film"], set())
    with pytest.raises(ValueError, match="top_p must lie in"):
        synthlib.top_p_filter(np.array([0.5, 0.5]), 0.0)


def test_generation_is_reproducible_with_a_seed_and_checks_its_arguments(tokenizer):
    pytest.importorskip("transformers")
    model = synthlib.make_review_lm(tokenizer.get_vocab_size(), n_positions=24, n_embd=16, n_layer=1, n_head=2)
    ids = synthlib.encode_reviews(tokenizer, REVIEWS, [i % 2 for i in range(len(REVIEWS))], max_length=24)
    losses = synthlib.train_lm(model, ids, pad_id=tokenizer.token_to_id("<pad>"), epochs=3, batch_size=8, lr=1e-2)
    assert len(losses) == 3 and losses[-1] < losses[0]
    first = synthlib.generate_reviews(model, tokenizer, 1, 6, temperature=0.8, top_p=0.9, max_new_tokens=10, seed=3)
    again = synthlib.generate_reviews(model, tokenizer, 1, 6, temperature=0.8, top_p=0.9, max_new_tokens=10, seed=3)
    other = synthlib.generate_reviews(model, tokenizer, 1, 6, temperature=0.8, top_p=0.9, max_new_tokens=10, seed=4)
    assert first == again and first != other and len(first) == 6
    assert all("<end>" not in text for text in first)  # a review stops at its end token
    with pytest.raises(ValueError, match="temperature must be a positive"):
        synthlib.generate_reviews(model, tokenizer, 1, 2, temperature=0)
    with pytest.raises(ValueError, match="temperature must be a positive"):
        synthlib.generate_reviews(model, tokenizer, 1, 2, temperature=-1.0)
    with pytest.raises(ValueError, match=r"top_p must lie in \(0, 1\]"):
        synthlib.generate_reviews(model, tokenizer, 1, 2, top_p=1.5)
    with pytest.raises(ValueError, match="unknown label 'good'"):
        synthlib.generate_reviews(model, tokenizer, "good", 2)


def test_top_p_keeps_the_crossing_token_in_numpy_and_torch():
    p = np.array([[0.1, 0.6, 0.3], [0.25, 0.5, 0.25]])
    expected = np.array([[0, 2 / 3, 1 / 3], [1 / 3, 2 / 3, 0]])
    assert np.allclose(synthlib.top_p_filter(p, 0.7), expected)
    torch = pytest.importorskip("torch")
    assert np.allclose(synthlib.top_p_filter(torch.tensor(p), 0.7).numpy(), expected)
    assert np.allclose(synthlib.top_p_filter(p, 1.0), p)


def test_rouge_l_and_deduplicate_on_known_cases():
    assert synthlib.rouge_l("a b c d", "a b c d") == 1.0
    assert synthlib.rouge_l("a b c d", "a x c y") == pytest.approx(2 * 2 / 8)
    assert synthlib.rouge_l("a b c d", "d c b a") == pytest.approx(2 * 1 / 8)  # order matters, unlike word overlap
    assert synthlib.rouge_l("", "a") == 0.0
    texts = ["the film is funny and warm", "the film is funny and so warm", "a dull plot", "a truly dull plot",
             "the acting is great"]
    keep = synthlib.deduplicate(texts, threshold=0.7)
    assert keep.tolist() == [True, False, True, False, True]  # near copies of an earlier text go
    keep = synthlib.deduplicate(texts, reference=["the acting is great here"], threshold=0.7)
    assert keep.tolist() == [True, False, True, False, False]  # and so do near copies of a training review
    # a bag-of-words twin in another order is no near-duplicate for ROUGE-L
    assert synthlib.deduplicate(["a b c d e f", "f e d c b a"]).tolist() == [True, True]


def test_quality_mask_on_known_cases():
    vocabulary = {w for t in REVIEWS for w in t.split()}
    texts = ["a funny film", "a warm funny story", "a zzxq qqfilm funny story", "dull dull dull dull dull",
             "the plot is dull and the acting is worse"]
    assert synthlib.quality_mask(texts, vocabulary, min_words=4).tolist() == [False, True, False, False, True]


def test_diversity_and_memorisation_measures():
    assert synthlib.distinct_n(["a b", "a b"], 2) == 0.5
    assert synthlib.distinct_n(["a b c", "a b d"], 1) == pytest.approx(4 / 6)
    with pytest.raises(ValueError, match="no text has 3 words"):
        synthlib.distinct_n(["a b"], 3)
    assert synthlib.self_similarity(["a b c", "a b c", "x y z"], seed=0) == pytest.approx((1 + 1 + 0) / 3)
    overlap = synthlib.longest_overlap(["the plot is dull and long", "a new film", "zz"], REVIEWS)
    assert overlap.tolist() == [5, 1, 0]  # "the plot is dull and", one shared word, nothing
