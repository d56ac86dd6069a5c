"""Unit tests of synthlib.part7.marginals (section 7.1): MST, its zCDP accounting, and the fidelity metric."""
import math

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import minimize_scalar
from scipy.stats import norm

import synthlib
from synthlib.part7 import marginals as mst

# A tiny table, counts of (a, b, c): a and b agree in 10 of 12 rows, b and c in 10 of 12, a and c in 8 of 12.
TINY_COUNTS = {(0, 0, 0): 4, (0, 0, 1): 1, (1, 1, 1): 4, (1, 1, 0): 1, (0, 1, 1): 1, (1, 0, 0): 1}
TINY = pd.DataFrame([row for row, k in TINY_COUNTS.items() for _ in range(k)], columns=["a", "b", "c"])
TINY_DOMAIN = {"a": 2, "b": 2, "c": 2}


def reference_delta(rho, epsilon):
    """Canonne, Kamath and Steinke's bound, minimised numerically over α (independent of the bisection)."""
    def log_delta(alpha):
        return (alpha - 1) * (alpha * rho - epsilon) + alpha * math.log1p(-1 / alpha) - math.log(alpha - 1)
    result = minimize_scalar(log_delta, bounds=(1.0001, 1e4), method="bounded", options=dict(xatol=1e-10))
    return min(math.exp(result.fun), 1.0)


@pytest.mark.parametrize("rho, epsilon", [(0.01, 0.5), (0.1, 1.0), (0.5, 3.0), (2.0, 10.0)])
def test_zcdp_delta_is_the_minimised_bound(rho, epsilon):
    assert mst.zcdp_delta(rho, epsilon) == pytest.approx(reference_delta(rho, epsilon), rel=1e-4)


@pytest.mark.parametrize("epsilon, delta", [(0.3, 1e-9), (1.0, 1e-5), (3.0, 1e-9), (10.0, 1e-6)])
def test_zcdp_rho_and_epsilon_invert_each_other_and_beat_the_simple_bound(epsilon, delta):
    rho = mst.zcdp_rho(epsilon, delta)
    assert reference_delta(rho, epsilon) == pytest.approx(delta, rel=1e-3)
    assert mst.zcdp_epsilon(rho, delta) == pytest.approx(epsilon, rel=1e-6)
    # Bun and Steinke's bound ε = ρ + 2 sqrt(ρ ln(1/δ)) is looser: the ρ it allows is smaller.
    simple_rho = (math.sqrt(math.log(1 / delta) + epsilon) - math.sqrt(math.log(1 / delta))) ** 2
    assert simple_rho < rho < 1.5 * simple_rho


@pytest.mark.parametrize("sigma", [1.0, 3.0, 10.0])
def test_zcdp_conversion_is_an_upper_bound_on_the_exact_gaussian_delta(sigma):
    # The Gaussian mechanism with sensitivity 1 is 1/(2σ²)-zCDP; its exact δ(ε) is Balle and Wang's (2018).
    rho = 1 / (2 * sigma**2)
    for epsilon in (0.5, 1.0, 2.0):
        exact = norm.cdf(0.5 / sigma - epsilon * sigma) - math.exp(epsilon) * norm.cdf(-0.5 / sigma - epsilon * sigma)
        bound = mst.zcdp_delta(rho, epsilon)
        assert exact <= bound < 10 * exact + 1e-12


def test_exponential_mechanism_frequencies():
    rng = np.random.default_rng(0)
    scores = np.array([0.0, 1.0, 3.0])
    picks = np.bincount([mst.exponential_mechanism(scores, 2.0, 1.0, rng) for _ in range(20_000)], minlength=3)
    expected = np.exp(scores) / np.exp(scores).sum()  # ε/(2Δ) = 1
    assert np.allclose(picks / picks.sum(), expected, atol=0.01)


def test_mst_on_a_tiny_table_matches_the_hand_computation():
    # At a huge ε the noise is negligible and the tree is a - b - c (L1 scores: a-b 8, b-c 8, a-c 4), so
    # P(a, b, c) = P(a, b) P(b, c) / P(b): e.g. P(0, 0, 0) = (5/12)(5/12)/(6/12) = 25/72.
    model = mst.fit_mst(TINY, TINY_DOMAIN, epsilon=1e5, delta=1e-6, rng=0)
    assert {frozenset(e) for e in model.selected} == {frozenset("ab"), frozenset("bc")}
    joint = model.probability()
    hand = {(0, 0, 0): 25 / 72, (0, 0, 1): 5 / 72, (0, 1, 0): 1 / 72, (0, 1, 1): 5 / 72,
            (1, 0, 0): 5 / 72, (1, 0, 1): 1 / 72, (1, 1, 0): 5 / 72, (1, 1, 1): 25 / 72}
    for cell, p in hand.items():
        assert joint[cell] == pytest.approx(p, abs=1e-3)
    rows = model.sample(72_000, rng=1)
    frequencies = rows.value_counts(normalize=True)
    for cell, p in hand.items():
        assert frequencies[cell] == pytest.approx(p, abs=0.005)


def test_mst_noise_matches_its_accounting():
    # ρ/3 for the d 1-way marginals: each count gets N(0, 3/(2ρ) · d); ρ/3 for the tree's d-1 2-way marginals.
    table = pd.DataFrame({"x": np.arange(400) % 4, "y": np.arange(400) % 3, "z": np.arange(400) % 2})
    domain = {"x": 4, "y": 3, "z": 2}
    true_x = np.bincount(table["x"], minlength=4)
    errors, two_way_errors = [], []
    for seed in range(300):
        model = mst.fit_mst(table, domain, epsilon=1.0, delta=1e-5, rng=seed)
        errors.append(model.one_way["x"] - true_x)
        (a, b), counts = next(iter(model.two_way.items()))
        two_way_errors.append((counts - mst._counts(table, domain, (a, b))).ravel())
    rho = mst.zcdp_rho(1.0, 1e-5)
    assert np.std(errors) == pytest.approx(math.sqrt(3 / (2 * rho) * 3), rel=0.05)
    assert np.std(np.concatenate(two_way_errors)) == pytest.approx(math.sqrt(3 / (2 * rho) * 2), rel=0.05)


def test_tree_model_agrees_with_mbi_on_the_same_marginals():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    mbi = pytest.importorskip("mbi")
    rng = np.random.default_rng(3)
    n = 2_000
    a = rng.integers(0, 3, n)
    b = (a + rng.integers(0, 2, n)) % 4
    c = (b + (rng.random(n) < 0.3)) % 2
    table = pd.DataFrame({"a": a, "b": b, "c": c})
    domain = {"a": 3, "b": 4, "c": 2}
    model = mst.fit_mst(table, domain, epsilon=1e5, delta=1e-6, rng=0)
    # mbi fits a graphical model to the same measurements (the 1-way and the tree's 2-way noisy counts).
    measurements = [mbi.LinearMeasurement(model.one_way[col], (col,), stddev=1.0) for col in domain]
    measurements += [mbi.LinearMeasurement(counts.ravel(), edge, stddev=1.0) for edge, counts in model.two_way.items()]
    fitted = mbi.estimation.MirrorDescent().estimate(mbi.Domain.fromdict(domain), measurements, known_total=n,
                                                     iters=3_000)
    reference = np.asarray(fitted.project(list(domain)).datavector(flatten=False)) / n
    assert np.abs(model.probability() - reference).sum() < 0.01


def test_mst_on_noisy_marginals_stays_close_to_mbi():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    mbi = pytest.importorskip("mbi")
    rng = np.random.default_rng(4)
    n = 20_000
    a = rng.integers(0, 3, n)
    b = (a + rng.integers(0, 2, n)) % 4
    table = pd.DataFrame({"a": a, "b": b})
    domain = {"a": 3, "b": 4}
    model = mst.fit_mst(table, domain, epsilon=1.0, delta=1e-5, rng=0)
    one_sigma, two_sigma = model.sigma * math.sqrt(len(domain)), model.sigma * math.sqrt(len(domain) - 1)
    measurements = [mbi.LinearMeasurement(model.one_way[col], (col,), stddev=one_sigma) for col in domain]
    measurements += [mbi.LinearMeasurement(counts.ravel(), edge, stddev=two_sigma)
                     for edge, counts in model.two_way.items()]
    fitted = mbi.estimation.MirrorDescent().estimate(mbi.Domain.fromdict(domain), measurements, iters=3_000)
    reference = np.asarray(fitted.project(list(domain)).datavector(flatten=False))
    reference = reference / reference.sum()
    # Inconsistent noisy counts: mbi's least-squares fit and the tree read from the 2-way counts differ by noise.
    distance = 0.5 * np.abs(model.probability() - reference).sum()
    assert distance < 0.005  # measured 0.0005; the noise on 12 cells of 20,000 rows is about 10 counts each


def test_marginal_tvd():
    assert mst.marginal_tvd(TINY, TINY, TINY_DOMAIN) == 0
    flipped = 1 - TINY
    assert mst.marginal_tvd(TINY, flipped, TINY_DOMAIN, way=1) == 0  # every column is balanced
    assert mst.marginal_tvd(TINY, flipped, TINY_DOMAIN, way=2) == pytest.approx(0.0)
    constant = TINY * 0
    assert mst.marginal_tvd(TINY, constant, TINY_DOMAIN, way=1) == pytest.approx(0.5)


def test_discretise_round_trip():
    frame = pd.DataFrame({"x": [0.0, 0.24, 0.26, 1.0], "flag": [0.0, 1.0, 1.0, 0.0]})
    codes, domain = mst.discretise(frame, {"x": 4})
    assert domain == {"x": 4, "flag": 2}
    assert codes["x"].tolist() == [0, 0, 1, 3] and codes["flag"].tolist() == [0, 1, 1, 0]
    back = mst.undiscretise(codes, domain)
    assert back["x"].tolist() == [0.125, 0.125, 0.375, 0.875] and back["flag"].tolist() == [0, 1, 1, 0]


@pytest.mark.parametrize("epsilon", [0.0, -1.0, float("nan"), float("inf")])
def test_bad_epsilon_is_refused(epsilon):
    with pytest.raises((ValueError, TypeError), match="epsilon"):
        mst.fit_mst(TINY, TINY_DOMAIN, epsilon=epsilon, delta=1e-5)


def test_bad_tables_are_refused():
    with pytest.raises(KeyError, match="differ"):
        mst.fit_mst(TINY, {"a": 2, "b": 2, "d": 2}, 1.0, 1e-5)
    with pytest.raises(ValueError, match="empty"):
        mst.fit_mst(TINY.iloc[:0], TINY_DOMAIN, 1.0, 1e-5)
    with pytest.raises(ValueError, match="codes 0 … 1"):
        mst.fit_mst(TINY + 1, TINY_DOMAIN, 1.0, 1e-5)
    with pytest.raises(ValueError, match="delta"):
        mst.fit_mst(TINY, TINY_DOMAIN, 1.0, 0.0)
    with pytest.raises(KeyError, match="not in the table"):
        mst.discretise(pd.DataFrame({"x": [0.5]}), {"age": 4})
    with pytest.raises(ValueError, match="empty"):
        mst.discretise(pd.DataFrame({"x": []}), {})
    with pytest.raises(KeyError, match="differ"):
        mst.marginal_tvd(TINY, TINY[["b", "a", "c"]], TINY_DOMAIN)


def test_flat_api():
    assert synthlib.fit_mst is mst.fit_mst and synthlib.marginal_tvd is mst.marginal_tvd


def test_dp_vae_spends_its_budget_and_learns_a_strong_dependence():
    pytest.importorskip("opacus")
    rng = np.random.default_rng(5)
    a = rng.integers(0, 4, 4_000)
    table = pd.DataFrame({"a": a, "b": a % 2})  # b is a function of a
    domain = {"a": 4, "b": 2}
    model = mst.train_dp_vae(table, domain, epsilon=8.0, delta=1e-6, epochs=8, batch_size=256, seed=0)
    assert model.epsilon == pytest.approx(8.0, rel=0.05) and model.noise_multiplier > 0
    rows = model.sample(5_000, rng=1)
    assert list(rows.columns) == ["a", "b"] and rows["a"].between(0, 3).all()
    assert (rows["a"] % 2 == rows["b"]).mean() > 0.8  # independent columns would agree half the time
    with pytest.raises(ValueError, match="epsilon"):
        mst.train_dp_vae(table, domain, epsilon=0.0, delta=1e-6)
    with pytest.raises(KeyError, match="differ"):
        mst.train_dp_vae(table, {"a": 4, "c": 2}, epsilon=1.0, delta=1e-6)
