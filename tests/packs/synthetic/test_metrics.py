"""The synthetic-table metrics on hand-made tables whose answers are known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import bakeoff.packs.synthetic  # noqa: F401  (registers the metrics)
from bakeoff import metrics
from bakeoff.metrics import SynthesisTables
from bakeoff.packs.synthetic import _similarity

KINDS = {"a": "numeric", "b": "numeric", "c": "categorical", "y": "categorical"}


def tables(
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    holdout: pd.DataFrame | None = None,
    *,
    kinds: dict[str, str] | None = None,
    target: str = "y",
    target_task: str = "classification",
) -> SynthesisTables:
    return SynthesisTables(
        real=real,
        synthetic=synthetic,
        holdout=real if holdout is None else holdout,
        target=target,
        target_task=target_task,
        kinds=kinds or KINDS,
        seed=0,
    )


def score(name: str, t: SynthesisTables) -> float:
    return metrics.get(name).score_tables(t)


def correlated(n: int = 400, seed: int = 0) -> pd.DataFrame:
    """b follows a closely; the class c and the target y follow a's sign."""
    rng = np.random.default_rng(seed)
    a = rng.normal(size=n)
    return pd.DataFrame(
        {
            "a": a,
            "b": a + rng.normal(scale=0.1, size=n),
            "c": np.where(a > 0, "high", "low"),
            "y": np.where(a + rng.normal(scale=0.3, size=n) > 0, "yes", "no"),
        }
    )


def test_ks_complement_on_a_hand_computed_case() -> None:
    # Empirical CDFs of {1,2,3,4} and {3,4,5,6} differ most at 2: 0.5 − 0 = 0.5.
    assert _similarity.ks_complement(pd.Series([1, 2, 3, 4]), pd.Series([3, 4, 5, 6])) == 0.5


def test_tv_complement_on_a_hand_computed_case() -> None:
    # Frequencies (a .5, b .5) against (a .75, b .25): ½(.25 + .25) = .25 -> 0.75.
    real, synthetic = pd.Series(list("aabb")), pd.Series(list("aaab"))
    assert _similarity.tv_complement(real, synthetic) == 0.75
    # A category the synthetic table invents counts too: (a 1) vs (a .5, z .5) -> .5.
    assert _similarity.tv_complement(pd.Series(list("aa")), pd.Series(list("az"))) == 0.5


def test_correlation_similarity_of_opposite_trends_is_zero() -> None:
    x = pd.Series([1.0, 2.0, 3.0, 4.0])
    real = pd.DataFrame({"a": x, "b": x})  # ρ = 1
    synthetic = pd.DataFrame({"a": x, "b": -x})  # ρ = −1
    assert _similarity.correlation_similarity(real, synthetic) == 0.0
    assert _similarity.correlation_similarity(real, real) == 1.0


def test_contingency_similarity_on_a_hand_computed_case() -> None:
    # Joint frequencies real: (p,q) .5, (r,s) .5; synthetic: (p,q) .5, (p,s) .5.
    real = pd.DataFrame({"a": ["p", "r"], "b": ["q", "s"]})
    synthetic = pd.DataFrame({"a": ["p", "p"], "b": ["q", "s"]})
    assert _similarity.contingency_similarity(real, synthetic) == 0.5


def test_identical_tables_score_perfect_similarity() -> None:
    real = correlated()
    t = tables(real, real.copy())
    assert score("column_shapes", t) == 1.0
    assert score("column_pair_trends", t) == 1.0
    assert score("quality_score", t) == 1.0


def test_a_column_shuffled_table_keeps_its_shapes_and_loses_its_pair_trends() -> None:
    real = correlated()
    rng = np.random.default_rng(1)
    # Each column permuted on its own: the same values (shapes), no relation left.
    shuffled = pd.DataFrame({c: rng.permutation(real[c].to_numpy()) for c in real.columns})
    t = tables(real, shuffled)
    assert score("column_shapes", t) == 1.0
    pairs = _similarity.column_pair_trends(real, shuffled, KINDS)
    # a and b correlate at ρ ≈ 0.995; shuffled, at ≈ 0: the similarity falls to ≈ 0.5.
    assert pairs[("a", "b")] == pytest.approx(0.5, abs=0.06)
    assert score("column_pair_trends", t) < 0.8
    assert score("quality_score", t) == pytest.approx((1.0 + score("column_pair_trends", t)) / 2)


def test_a_copy_of_the_training_rows_is_flagged_by_dcr_and_exact_copies() -> None:
    data = correlated(300)
    real, holdout = data.iloc[:200].reset_index(drop=True), data.iloc[200:].reset_index(drop=True)
    copy = tables(real, real.copy(), holdout)
    assert score("exact_copies", copy) == 1.0
    assert score("dcr_ratio", copy) == 0.0
    fresh = correlated(200, seed=7)  # new rows from the same distribution
    other = tables(real, fresh, holdout)
    assert score("exact_copies", other) == 0.0
    # New rows lie as far from the training rows as the holdout's real rows do.
    assert score("dcr_ratio", other) == pytest.approx(1.0, abs=0.35)


def test_dcr_ratio_on_a_hand_computed_case() -> None:
    kinds = {"a": "numeric", "y": "categorical"}
    real = pd.DataFrame({"a": [0.0, 10.0], "y": ["u", "u"]})
    holdout = pd.DataFrame({"a": [5.0], "y": ["u"]})  # 5 from 0 or 10, range 10: ½·0.5
    synthetic = pd.DataFrame({"a": [1.0], "y": ["u"]})  # 1 from 0: ½·0.1
    # Gower distances average over the 2 columns; the ratio is 0.05 / 0.25.
    assert score("dcr_ratio", tables(real, synthetic, holdout, kinds=kinds)) == pytest.approx(0.2)


def test_exact_copies_counts_rows_equal_in_every_column() -> None:
    kinds = {"a": "numeric", "y": "categorical"}
    real = pd.DataFrame({"a": [1, 2], "y": ["u", "v"]})
    # (1.0, u) equals a training row (as 1 == 1.0); (2, u) and (3, v) do not.
    synthetic = pd.DataFrame({"a": [1.0, 2.0, 3.0], "y": ["u", "u", "v"]})
    assert score("exact_copies", tables(real, synthetic, kinds=kinds)) == pytest.approx(1 / 3)


def test_tstr_equals_trtr_when_the_synthetic_table_is_the_real_one() -> None:
    data = correlated(400)
    real, holdout = data.iloc[:300].reset_index(drop=True), data.iloc[300:].reset_index(drop=True)
    t = tables(real, real.copy(), holdout)
    assert score("tstr", t) == score("trtr", t) > 0.8
    assert score("tstr_ratio", t) == 1.0


def test_tstr_falls_to_chance_when_the_target_is_shuffled() -> None:
    data = correlated(600)
    real, holdout = data.iloc[:400].reset_index(drop=True), data.iloc[400:].reset_index(drop=True)
    noise = real.copy()
    noise["y"] = np.random.default_rng(3).permutation(noise["y"].to_numpy())
    t = tables(real, noise, holdout)
    # The real relation predicts ≈ 90 %; a target unrelated to the features, ≈ 50 %.
    assert score("trtr", t) > 0.85
    assert score("tstr", t) == pytest.approx(0.5, abs=0.12)
    assert score("tstr_ratio", t) == pytest.approx(score("tstr", t) / score("trtr", t))
    # Trained on the real rows and tested on the shuffled ones: chance too.
    assert score("trts", t) == pytest.approx(0.5, abs=0.12)


def test_tstr_is_r2_for_a_regression_target() -> None:
    rng = np.random.default_rng(0)
    a = rng.normal(size=500)
    data = pd.DataFrame({"a": a, "y": 3 * a + rng.normal(scale=0.1, size=500)})
    kinds = {"a": "numeric", "y": "numeric"}
    real, holdout = data.iloc[:400].reset_index(drop=True), data.iloc[400:].reset_index(drop=True)
    t = tables(real, real.copy(), holdout, kinds=kinds, target_task="regression")
    # y is 3a plus noise of variance 0.01 against 9: R² close to 1 (the trees' steps
    # cost a little of it), and exactly trtr's.
    assert score("tstr", t) == score("trtr", t) > 0.9
    constant = real.assign(y=real["y"].mean())
    # A constant target teaches the mean of the training rows: R² ≈ 0 on new rows.
    assert score(
        "tstr", tables(real, constant, holdout, kinds=kinds, target_task="regression")
    ) == pytest.approx(0.0, abs=0.05)


def test_detection_separates_a_shifted_table_and_not_a_resample() -> None:
    real = correlated(400)
    shifted = real.assign(a=real["a"] + 5.0)
    assert score("detection_score", tables(real, shifted)) == pytest.approx(0.0, abs=0.02)
    resample = correlated(400, seed=11)
    assert score("detection_score", tables(real, resample)) > 0.8


def test_datetimes_count_as_numbers_in_shapes_and_distances() -> None:
    kinds = {"when": "datetime", "y": "categorical"}
    days = pd.Series(pd.to_datetime(["2020-01-01", "2020-01-02", "2020-01-03", "2020-01-04"]))
    later = days + pd.Timedelta(days=2)
    real = pd.DataFrame({"when": days, "y": list("uuvv")})
    synthetic = pd.DataFrame({"when": later, "y": list("uuvv")})
    # As for {1,2,3,4} against {3,4,5,6}: the KS statistic is 0.5.
    assert _similarity.column_shapes(real, synthetic, kinds)["when"] == 0.5
    assert score("exact_copies", tables(real, synthetic, kinds=kinds)) == 0.0


def test_the_evaluator_takes_tables_of_many_categories() -> None:
    # Found by the ready study (Wooldridge's males_union): categorical columns with many
    # levels make the one-hot encoding mostly zeros, scikit-learn then hands it on as a
    # sparse matrix, and the gradient-boosting evaluator refused it, failing every cell.
    rng = np.random.default_rng(0)
    n = 600
    # 24 levels: the encoder keeps 19 (max_categories=20, one for the rest), 40 columns
    # of which each row sets 2: about 5 % non-zero, well below scikit-learn's 30 %.
    first = rng.integers(0, 24, size=n)
    second = rng.integers(0, 24, size=n)
    data = pd.DataFrame(
        {
            "a": rng.normal(size=n),
            "c1": [f"level{v}" for v in first],
            "c2": [f"level{v}" for v in second],
            "y": np.where(first % 2 == 0, "even", "odd"),
        }
    )
    kinds = {"a": "numeric", "c1": "categorical", "c2": "categorical", "y": "categorical"}
    real, holdout = data.iloc[:450].reset_index(drop=True), data.iloc[450:].reset_index(drop=True)
    t = tables(real, real.copy(), holdout, kinds=kinds)
    # The target is c1's parity: known from each of its 19 kept levels (about 79 % of
    # rows), a coin for the rest: about 0.9, far above chance.
    assert score("tstr", t) == score("trtr", t) > 0.75
