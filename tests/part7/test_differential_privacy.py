"""Unit tests of synthlib.part7.differential_privacy (section 7.1)."""
import math
import subprocess
import sys

import numpy as np
import pytest

import synthlib
from synthlib.part7 import differential_privacy as privacy


def test_import_synthlib_does_not_import_torch():
    code = "import sys, synthlib; sys.exit('torch' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_laplace_noise_scale():
    rng = np.random.default_rng(0)
    assert synthlib.laplace_scale(2.0, 0.5) == 4.0
    draws = synthlib.laplace_mechanism(10.0, 1.0, 0.5, rng, size=200_000) - 10.0
    # A Laplace(b) variable has mean absolute deviation b.
    assert abs(np.abs(draws).mean() - 2.0) < 0.02


def test_gaussian_noise_scale_is_the_classical_formula():
    sigma = synthlib.gaussian_sigma(1.0, 0.5, 1e-5)
    assert sigma == pytest.approx(math.sqrt(2 * math.log(1.25e5)) / 0.5)
    draws = synthlib.gaussian_mechanism(0.0, 1.0, 0.5, 1e-5, np.random.default_rng(1), size=200_000)
    assert draws.std() == pytest.approx(sigma, rel=0.01)
    with pytest.raises(ValueError, match="ε < 1"):
        synthlib.gaussian_sigma(1.0, 2.0, 1e-5)


@pytest.mark.parametrize("call", [
    lambda: synthlib.laplace_scale(1, 0),
    lambda: synthlib.laplace_scale(1, -1),
    lambda: synthlib.laplace_scale(0, 1),
    lambda: synthlib.laplace_scale(-2, 1),
    lambda: synthlib.gaussian_sigma(1, 0.5, 1.0),
    lambda: synthlib.gaussian_sigma(1, 0.5, -0.1),
    lambda: synthlib.gaussian_sigma(0, 0.5, 1e-5),
])
def test_bad_input_gets_clear_errors(call):
    with pytest.raises(ValueError, match="epsilon|delta|sensitivity|δ"):
        call()


def _count(epsilon_used):
    return lambda data, rng, size: synthlib.laplace_mechanism(np.sum(data), 1, epsilon_used, rng, size=size)


def test_empirical_check_accepts_an_honest_mechanism():
    check = synthlib.empirical_privacy_check(_count(1.0), np.ones(10), np.ones(9), 1.0, n_samples=100_000,
                                             rng=np.random.default_rng(2))
    assert check.passed


def test_empirical_check_rejects_too_little_noise():
    check = synthlib.empirical_privacy_check(_count(3.0), np.ones(10), np.ones(9), 1.0, n_samples=100_000,
                                             rng=np.random.default_rng(3))
    assert not check.passed and check.worst_lower_bound > 1


def _randomised_response(keep):
    """Answer the true bit with probability `keep`, else a fair coin."""
    def mechanism(bit, rng, size):
        return np.where(rng.random(size) < keep, bit, rng.integers(0, 2, size))
    return mechanism


def test_empirical_check_bins_a_discrete_mechanism_by_its_outputs():
    # With quantile bins, two output values would collapse into one bin and every claim would pass.
    honest = (math.e - 1) / (math.e + 1)  # exactly ε = 1: P[1 | 1] / P[1 | 0] = e
    leaky = math.e / (1 + math.e)  # the usual mix-up: ratio 1 + 2e
    passed = synthlib.empirical_privacy_check(_randomised_response(honest), 1, 0, 1.0, n_samples=100_000,
                                              rng=np.random.default_rng(4))
    failed = synthlib.empirical_privacy_check(_randomised_response(leaky), 1, 0, 1.0, n_samples=100_000,
                                              rng=np.random.default_rng(5))
    assert passed.passed and passed.n_bins == 2 and abs(passed.worst_log_ratio - 1) < 0.05
    assert not failed.passed and failed.worst_lower_bound > 1.5


def test_empirical_check_validates_its_arguments():
    with pytest.raises(ValueError, match="epsilon"):
        synthlib.empirical_privacy_check(_count(1.0), np.ones(2), np.ones(1), 0.0)
    with pytest.raises(TypeError):
        synthlib.empirical_privacy_check("not a function", np.ones(2), np.ones(1), 1.0)


def test_pate_aggregate_without_noise_is_the_majority():
    votes = np.array([[0, 1, 1], [0, 1, 0], [1, 1, 0]])
    labels, counts = synthlib.pate_aggregate(votes, 0.0, np.random.default_rng(0))
    assert labels.tolist() == [0, 1, 0]
    assert counts.tolist() == [[2, 1], [0, 3], [2, 1]]


def test_pate_aggregate_noise_flips_close_votes_sometimes():
    votes = np.array([[0] * 2000, [0] * 2000, [1] * 2000])
    labels, _ = synthlib.pate_aggregate(votes, 10.0, np.random.default_rng(0))
    assert 0.3 < labels.mean() < 0.5  # P[noisy count of 1 beats the count of 0] with a gap of 1 and scale 10
    with pytest.raises(ValueError, match="lap_scale"):
        synthlib.pate_aggregate(votes, -1.0, np.random.default_rng(0))
    with pytest.raises(ValueError, match="class indices"):
        synthlib.pate_aggregate(votes + 5, 1.0, np.random.default_rng(0))


def test_moments_accountant_known_answers():
    lam = 0.1
    # A tied vote: q = 1/2, the data-dependent bound is invalid, the increment is 2 λ² l (l + 1).
    alpha = synthlib.pate_moments([[5, 5]], lam, orders=[1, 2, 3])
    assert alpha == pytest.approx([2 * lam**2 * l * (l + 1) for l in (1, 2, 3)])
    accountant = synthlib.MomentsAccountant(lam, orders=(1, 2, 3))
    accountant.add([[5, 5], [5, 5]])
    delta = 1e-5
    expected = min((2 * 2 * lam**2 * l * (l + 1) + math.log(1 / delta)) / l for l in (1, 2, 3))
    assert accountant.epsilon(delta) == pytest.approx(expected)
    assert accountant.n_queries == 2
    # A unanimous vote is cheaper than a tied one.
    assert (synthlib.pate_moments([[100, 0]], 0.5) < synthlib.pate_moments([[50, 50]], 0.5)).all()
    with pytest.raises(ValueError, match="δ|delta"):
        accountant.epsilon(0)


def test_pate_gan_runs_and_respects_the_budget():
    pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    data = rng.uniform(size=(400, 4)).astype(np.float32)
    result = synthlib.train_pate_gan(data, epsilon=1.0, n_teachers=20, lam=0.5, max_iterations=30,
                                     warmup_steps=5, batch_size=16)
    assert result.epsilon <= 1.0
    assert result.sample(10, binary_columns=()).shape == (10, 4)
    assert result.n_queries == 0 and math.isnan(result.mean_vote_gap)  # at λ = 0.5, ε = 1 buys no batch of votes
    paid = synthlib.train_pate_gan(data, epsilon=50.0, n_teachers=20, lam=0.5, max_iterations=5, warmup_steps=5,
                                   batch_size=16)
    assert paid.n_queries > 0 and 0 <= paid.mean_vote_gap <= 20  # the votes it paid for, 20 teachers each
    with pytest.raises(ValueError, match="epsilon"):
        synthlib.train_pate_gan(data, epsilon=0)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        synthlib.train_pate_gan(data * 3, epsilon=1.0)


def test_distance_attack_finds_released_members():
    rng = np.random.default_rng(0)
    members, others = rng.normal(size=(200, 3)), rng.normal(size=(200, 3))
    assert synthlib.distance_membership_attack(members, others, members) == 1.0
    assert abs(synthlib.distance_membership_attack(members, others, rng.normal(size=(200, 3))) - 0.5) < 0.1


def test_every_export_has_a_docstring_naming_the_section():
    for name in privacy.__all__:
        assert "7.1" in (getattr(privacy, name).__doc__ or ""), name


def test_pate_gan_draws_binary_columns_and_counts_queries():
    pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    data = np.c_[rng.uniform(size=400), rng.integers(0, 2, size=(400, 2))].astype(np.float32)
    result = synthlib.train_pate_gan(data, epsilon=5.0, n_teachers=20, lam=0.05, max_iterations=5, warmup_steps=2,
                                     batch_size=8)
    assert result.binary == (1, 2)
    rows = result.sample(50)
    assert set(np.unique(rows[:, 1:])) <= {0.0, 1.0} and 0 <= rows[:, 0].min() <= rows[:, 0].max() <= 1
    assert result.n_queries % 8 == 0 and result.n_queries >= 8 * result.iterations  # one batch of votes per step
    with pytest.raises(ValueError, match="batch_size"):
        synthlib.train_pate_gan(data, epsilon=1.0, n_teachers=20, batch_size=0)


def test_pate_moments_data_dependent_bound_known_answer():
    lam, gap = 0.5, 20
    q = (2 + lam * gap) / (4 * math.exp(lam * gap))
    expected = math.log((1 - q) * ((1 - q) / (1 - math.exp(2 * lam) * q)) ** 2 + q * math.exp(2 * lam * 2))
    assert synthlib.pate_moments([[gap, 0]], lam, orders=[2])[0] == pytest.approx(min(expected, 2 * lam**2 * 6))


def test_pca_features_and_training_loop_validate_their_input():
    rng = np.random.default_rng(0)
    train, test = rng.integers(0, 256, size=(50, 4, 4)), rng.integers(0, 256, size=(10, 4, 4))
    features, test_features = synthlib.pca_features(train, test, n_components=5)
    assert features.shape == (50, 5) and test_features.shape == (10, 5) and features.dtype == np.float32
    assert features[:, 0].std() == pytest.approx(1.0, rel=0.05)
    with pytest.raises(ValueError, match="n_components"):
        synthlib.pca_features(train, test, n_components=0)
    with pytest.raises(ValueError, match="same size"):
        synthlib.pca_features(train, rng.integers(0, 256, size=(10, 3, 3)))
    with pytest.raises(ValueError, match="epochs"):
        synthlib.fit_classifier_epochs(None, None, [], 0)


def test_pate_accountant_refuses_nan_lambda_epsilon_and_counts():
    for lam in (math.nan, math.inf, -1.0, "0.1"):
        with pytest.raises((ValueError, TypeError), match="lam|λ"):
            synthlib.MomentsAccountant(lam)
    accountant = synthlib.MomentsAccountant(0.5)
    for counts in ([[math.nan, 3]], [[math.inf, 0]], [[-1, 3]]):
        with pytest.raises(ValueError, match="counts"):
            accountant.add(counts)
    assert accountant.n_queries == 0
    with pytest.raises(ValueError, match="delta"):
        accountant.epsilon(math.nan)
    with pytest.raises(ValueError, match="orders"):
        synthlib.pate_moments([[3, 0]], 0.5, orders=[0, 1])
    with pytest.raises(ValueError, match="epsilon"):
        synthlib.laplace_scale(1, math.nan)
    with pytest.raises(TypeError, match="epsilon"):
        synthlib.laplace_scale(1, "one")


def test_huge_sizes_are_refused_before_allocating():
    import time

    rng = np.random.default_rng(0)
    start = time.perf_counter()
    with pytest.raises(ValueError, match=r"n_classes=1,000,000,000,000 would need"):
        synthlib.pate_aggregate(np.zeros((3, 5), int), 1.0, rng, n_classes=10**12)
    with pytest.raises(ValueError, match=r"size=1,000,000,000,000 would need"):
        synthlib.laplace_mechanism(1.0, 1, 1.0, rng, size=10**12)
    with pytest.raises(ValueError, match=r"n_samples=1,000,000,000,000 would need"):
        synthlib.empirical_privacy_check(lambda d, g, n: g.normal(size=n), 0, 1, 1.0, n_samples=10**12)
    assert time.perf_counter() - start < 2


def test_mechanisms_refuse_nan_values_and_bad_sizes():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="value contains"):
        synthlib.laplace_mechanism(math.nan, 1, 1.0, rng)
    with pytest.raises(ValueError, match="size must be at least 1"):
        synthlib.gaussian_mechanism(1.0, 1, 0.5, 1e-5, rng, size=-3)
    with pytest.raises(TypeError, match="n_samples must be an integer"):
        synthlib.empirical_privacy_check(lambda d, g, n: g.normal(size=n), 0, 1, 1.0, n_samples=1e5)
    with pytest.raises(ValueError, match="NaN or infinite releases"):
        synthlib.empirical_privacy_check(lambda d, g, n: np.full(n, np.nan), 0, 1, 1.0, n_samples=100)


def test_gans_refuse_nan_tables_and_non_positive_sizes():
    pytest.importorskip("torch")
    data = np.random.default_rng(0).uniform(size=(40, 3))
    with pytest.raises(ValueError, match="data contains 1 NaN"):
        synthlib.train_plain_gan(np.where(np.arange(120).reshape(40, 3) == 5, np.nan, data), iterations=2)
    for kwargs, name in [(dict(iterations=-5), "iterations"), (dict(iterations=0), "iterations"),
                         (dict(batch_size=-1), "batch_size"), (dict(lr=math.nan), "lr"),
                         (dict(noise_dim=0), "noise_dim")]:
        with pytest.raises((ValueError, TypeError), match=name):
            synthlib.train_plain_gan(data, **kwargs)
    for kwargs, name in [(dict(teacher_steps=-1), "teacher_steps"), (dict(student_steps=0), "student_steps"),
                         (dict(lam=math.inf), "lam"), (dict(max_iterations=-1), "max_iterations"),
                         (dict(n_teachers=2.5), "n_teachers")]:
        with pytest.raises((ValueError, TypeError), match=name):
            synthlib.train_pate_gan(data, epsilon=1.0, **{"n_teachers": 4, **kwargs})


def test_distance_attack_refuses_infinite_rows():
    rows = np.zeros((5, 2))
    with pytest.raises(ValueError, match="released contains infinite"):
        synthlib.distance_membership_attack(rows, rows + 1, np.r_[rows, [[np.inf, 0]]])


def test_pate_gan_binary_columns_declared_or_read_from_the_data():
    """Reading the 0/1 columns from the data lets one person change the generator (section 7.1's canary audit);
    declared columns do not depend on the data."""
    rng = np.random.default_rng(0)
    data = np.column_stack([rng.random(200), rng.integers(0, 2, 200)]).astype(float)
    canary = np.vstack([data[1:], [[0.5, 0.5]]])
    settings = dict(epsilon=1.0, n_teachers=10, max_iterations=2, seed=0)
    assert synthlib.train_pate_gan(data, **settings).binary == (1,)
    assert synthlib.train_pate_gan(canary, **settings).binary == ()  # one record changed the model's structure
    assert synthlib.train_pate_gan(canary, binary_columns=(1,), **settings).binary == (1,)
    with pytest.raises(ValueError, match="binary_columns"):
        synthlib.train_pate_gan(data, binary_columns=(2,), **settings)
