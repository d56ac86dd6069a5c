"""Unit tests of synthlib.part7.attacks (sections 5.3, 6, 7.1): every attack has power on a release that leaks and
none on independent data; the ε lower bound is right on a mechanism of known ε; bad input gets a clear error."""
import math

import numpy as np
import pandas as pd
import pytest

import synthlib
from synthlib.part7 import attacks


def population(n, seed):
    """A small mixed table: two numbers and three categories, with dependence between them."""
    rng = np.random.default_rng(seed)
    group = rng.choice(["a", "b", "c", "d", "e"], size=n, p=[0.4, 0.3, 0.15, 0.1, 0.05])
    age = np.round(rng.normal(40, 12, n) + (group == "a") * 5).clip(17, 90)
    income = np.round(rng.lognormal(10, 0.8, n) * np.where(rng.random(n) < 0.05, 5, 1))
    colour = np.where(rng.random(n) < 0.7, np.where(age > 40, "red", "blue"), rng.choice(["red", "blue", "green"], n))
    label = np.where(rng.random(n) < 0.8, np.where(income > 30_000, "high", "low"), rng.choice(["high", "low"], n))
    return pd.DataFrame({"age": age, "income": income, "group": group, "colour": colour, "label": label})


def chance_band(n):
    """Three standard deviations of an AUC on n members and n non-members when the attack learns nothing."""
    return 3 * math.sqrt((2 * n + 1) / (12 * n ** 2))


@pytest.fixture(scope="module")
def tables():
    everyone = population(12_000, 0)
    train, holdout, independent = everyone.iloc[:4_000], everyone.iloc[4_000:8_000], everyone.iloc[8_000:]
    rng = np.random.default_rng(1)
    return dict(train=train.reset_index(drop=True), holdout=holdout.reset_index(drop=True),
                independent=independent.reset_index(drop=True), copy=train.sample(frac=1, random_state=2),
                overfitted=synthlib.smoothed_bootstrap(train, 4_000, 0.002, rng))


def test_tpr_at_fpr_is_the_largest_tpr_at_or_below_the_fpr_without_interpolation():
    labels = np.array([1, 1, 0, 1, 0, 0, 1, 0, 0, 0])
    scores = np.array([10, 9, 8, 7, 6, 5, 4, 3, 2, 1.0])
    # thresholds: after 9 → TPR 2/4, FPR 0; after 8 → FPR 1/6; after 7 → TPR 3/4, FPR 1/6
    assert synthlib.tpr_at_fpr(labels, scores, 0.0) == 0.5
    assert synthlib.tpr_at_fpr(labels, scores, 0.1) == 0.5  # 1/6 > 0.1: no interpolation towards 3/4
    assert synthlib.tpr_at_fpr(labels, scores, 1 / 6) == 0.75
    assert synthlib.tpr_at_fpr(labels, scores, 1.0) == 1.0
    tied = synthlib.tpr_at_fpr(np.array([1, 0, 1, 0]), np.array([1.0, 1.0, 0.0, 0.0]), 0.4)
    assert tied == 0.0  # a tie with a non-member cannot be split: that threshold has FPR 1/2


def test_attack_result_rates():
    result = synthlib.attack_result("perfect", np.r_[np.ones(500), np.zeros(500)], np.r_[np.ones(500), np.zeros(500)])
    assert result.auc == 1 and result.tpr_1 == 1 and result.tpr_01 == 1
    fpr, tpr = result.roc_curve()
    assert fpr[0] == tpr[0] == 0 and fpr[-1] == tpr[-1] == 1


@pytest.mark.parametrize("attack", [synthlib.distance_attack, synthlib.outlier_attack])
def test_distance_attacks_find_copies_and_nothing_in_independent_data(tables, attack):
    train, holdout = tables["train"], tables["holdout"]
    copy = attack(train, holdout, tables["copy"])
    assert copy.auc > 0.99 and copy.tpr_1 > 0.95, copy.summary()
    overfitted = attack(train, holdout, tables["overfitted"])
    # a bootstrap holds ~63% of the training rows, barely blurred: many of them are found at a low FPR
    assert overfitted.auc > 0.7 and overfitted.tpr_1 > 0.15, overfitted.summary()
    independent = attack(train, holdout, tables["independent"])
    assert abs(independent.auc - 0.5) < chance_band(independent.n_members), independent.summary()
    assert independent.tpr_1 < 0.1, independent.summary()


def test_outlier_attack_picks_the_unusual_rows(tables):
    train = tables["train"]
    scores = synthlib.outlier_scores(train, tables["holdout"])
    unusual = train.iloc[np.argsort(-scores)[:50]]
    usual = train.iloc[np.argsort(scores)[:50]]
    # the rare group "e" and the large incomes are over-represented among the unusual rows
    assert (unusual["group"] == "e").mean() > 2 * (train["group"] == "e").mean()
    assert unusual["income"].median() > usual["income"].median()
    assert (synthlib.outlier_scores(train.iloc[:20], train) > 0).all()  # a row is not its own neighbour


def test_shadow_attack_learns_a_memoriser_and_nothing_from_independent_releases(tables):
    pool = tables["holdout"]
    target = pool.iloc[[int(np.argmax(synthlib.outlier_scores(pool.iloc[:500], pool.iloc[500:])))]]
    rest = pool.drop(target.index)

    def memoriser(train, rng):
        return train.sample(len(train), replace=True, random_state=int(rng.integers(2 ** 31)))

    def independent(train, rng):
        return rest.sample(len(train), random_state=int(rng.integers(2 ** 31)))

    leaky = synthlib.shadow_attack(memoriser, rest, target, n_train=200, n_shadow=40, n_test=100, seed=0)
    # the target is in a bootstrap with probability 1 − (1 − 1/200)^200 ≈ 63%: a perfect attack reaches ~0.82
    assert leaky.auc > 0.5 + chance_band(50), leaky.summary()
    blind = synthlib.shadow_attack(independent, rest, target, n_train=200, n_shadow=40, n_test=100, seed=0)
    assert abs(blind.auc - 0.5) < chance_band(50), blind.summary()


def test_cap_protection_is_sdmetrics_disclosure_protection(tables):
    from sdmetrics.single_table import DisclosureProtection

    targets, rows = tables["train"].iloc[:150], tables["overfitted"].iloc[:600]
    known = ["age", "group", "colour"]
    expected = DisclosureProtection.compute_breakdown(targets, rows, known_column_names=known,
                                                      sensitive_column_names=["label"],
                                                      continuous_column_names=["age"])["cap_protection"]
    ours = synthlib.cap_protection(targets, rows, known=known, sensitive="label", continuous=["age"])
    assert ours == pytest.approx(expected, abs=1e-12)


def test_attribute_inference_sees_copies_not_independent_data(tables):
    # a quasi-identifier (a postcode among 100) makes most known combinations rare, as in real tables
    rng = np.random.default_rng(3)
    with_zip = {name: tables[name].assign(zip=rng.integers(0, 100, len(tables[name])).astype(str))
                for name in ("train", "holdout", "independent")}
    copy_table = with_zip["train"].sample(frac=1, random_state=2)
    known = ["age", "group", "colour", "zip"]
    args = dict(known=known, sensitive="label", n=4_000)  # every training row a target
    copy = synthlib.attribute_inference(with_zip["train"], with_zip["holdout"], copy_table, **args)
    independent = synthlib.attribute_inference(with_zip["train"], with_zip["holdout"], with_zip["independent"], **args)
    assert copy.protection < 0.25 and copy.excess_disclosure > 0.2, copy  # a copy tells most people their own label
    # independent rows protect members and non-members alike, and as well as the holdout (all fresh samples of the
    # population); with rare keys about a quarter of the targets find a match, so allow 0.1 (about five standard errors)
    assert abs(independent.excess_disclosure) < 0.1, independent
    assert abs(independent.protection - independent.reference) < 0.1, independent
    assert independent.baseline == 0.5


def test_epsilon_lower_bound_approaches_but_never_exceeds_randomised_response_epsilon():
    epsilon, n, trials = 1.0, 20_000, 200
    p = math.exp(epsilon) / (1 + math.exp(epsilon))  # randomised response: says the truth with probability p
    rng = np.random.default_rng(0)
    bounds = [synthlib.epsilon_lower_bound(int(rng.binomial(n, p)), n, int(rng.binomial(n, 1 - p)), n)
              for _ in range(trials)]
    # valid: with probability ≥ 1 − α each bound is at most ε, so at most a share α = 0.05 of the trials may exceed
    # it (Clopper–Pearson is conservative: far fewer do), and those only by the sampling error
    exceed = np.array(bounds) > epsilon
    assert exceed.mean() <= 0.05 and max(bounds) < epsilon + 0.05, (exceed.mean(), max(bounds))
    assert np.mean(bounds) > 0.9 * epsilon  # and tight with 20,000 draws per side
    # few draws prove little, and guessing proves nothing
    assert synthlib.epsilon_lower_bound(int(p * 100), 100, int((1 - p) * 100), 100) < 0.7
    assert synthlib.epsilon_lower_bound(500, 1_000, 500, 1_000) == 0.0


def test_epsilon_lower_bound_from_attack_scores_and_audit():
    epsilon, n = 2.0, 20_000
    p = math.exp(epsilon) / (1 + math.exp(epsilon))
    rng = np.random.default_rng(1)
    labels = np.r_[np.ones(n), np.zeros(n)]
    released = np.where(rng.random(2 * n) < p, labels, 1 - labels)  # randomised response of membership
    result = synthlib.attack_result("randomised response", labels, released)
    bound = result.epsilon_lower_bound()
    assert 0.85 * epsilon < bound <= epsilon
    assert synthlib.audit_epsilon(result, 1.0).violated  # claims ε = 1: the attack proves more
    assert not synthlib.audit_epsilon(result, 2.0).violated


def test_bad_input_gets_clear_errors(tables):
    train, holdout = tables["train"], tables["holdout"]
    result = synthlib.distance_attack(train, holdout, tables["copy"], n=100)
    with pytest.raises(ValueError, match="epsilon"):
        synthlib.audit_epsilon(result, 0.0)
    with pytest.raises(ValueError, match="epsilon"):
        synthlib.audit_epsilon(result, -1.0)
    with pytest.raises(ValueError, match="epsilon"):
        synthlib.audit_epsilon(result, float("nan"))
    with pytest.raises(ValueError, match="delta"):
        synthlib.epsilon_lower_bound(10, 20, 1, 20, delta=float("nan"))
    with pytest.raises(ValueError, match="true_positives"):
        synthlib.epsilon_lower_bound(30, 20, 1, 20)
    with pytest.raises(ValueError, match="unknown column 'salary'"):
        synthlib.attribute_inference(train, holdout, tables["copy"], known=["age"], sensitive="salary")
    with pytest.raises(ValueError, match="unknown column 'height'"):
        synthlib.attribute_inference(train, holdout, tables["copy"], known=["height"], sensitive="label")
    with pytest.raises(ValueError, match="release is empty"):
        synthlib.distance_attack(train, holdout, train.iloc[:0])
    with pytest.raises(ValueError, match="columns differ.*release"):
        synthlib.outlier_attack(train, holdout, tables["copy"].drop(columns="colour"))
    with pytest.raises(ValueError, match="columns differ"):
        synthlib.distance_attack(train, holdout.rename(columns={"age": "years"}), tables["copy"])
    with pytest.raises(ValueError, match="exactly one row"):
        synthlib.shadow_attack(lambda t, rng: t, holdout, holdout.iloc[:2])
    with pytest.raises(ValueError, match="fpr"):
        synthlib.tpr_at_fpr([0, 1], [0.1, 0.2], 1.5)
    with pytest.raises(ValueError, match="one member"):
        synthlib.attack_result("x", [0, 0], [0.1, 0.2])


def test_a_fixed_threshold_uses_every_candidate():
    labels = np.r_[np.ones(30), np.zeros(30)]
    result = synthlib.attack_result("perfect", labels, labels)
    # 30 of 30 found, 0 of 30 accused: log(lower(30/30) / upper(0/30)) at level α/4 = 0.0125
    expected = math.log(0.0125 ** (1 / 30) / (1 - 0.0125 ** (1 / 30)))
    assert result.epsilon_lower_bound(threshold=0.5) == pytest.approx(expected)
    assert result.epsilon_lower_bound() < expected  # the split spends half the candidates on picking a threshold
