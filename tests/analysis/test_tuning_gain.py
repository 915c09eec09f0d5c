"""bakeoff.analysis.tuning_gain on hand-made results."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import bakeoff


def frame(metric: str, tuned: list[float], default: list[float]) -> pd.DataFrame:
    rows = []
    for model, scores in (("m", tuned), ("m_default", default)):
        for seed, score in enumerate(scores):
            rows.append(
                {"model": model, "dataset": "d", "budget": np.inf, "seed": seed,
                 "status": "complete", f"test_{metric}": score}
            )  # fmt: skip
    return pd.DataFrame(rows)


def test_a_negative_default_keeps_the_gains_sign() -> None:
    # Found by a new-user review: tuned -0.07 against default -0.01 read "+427 %".
    tuned, default = [-0.08, -0.06, -0.07, -0.075], [-0.01, -0.015, -0.012, -0.016]
    (row,) = (
        bakeoff.analysis.tuning_gain(frame("cccsmf_accuracy", tuned, default))
        .query("budget == 'all'")
        .itertuples()
    )
    d = np.subtract(tuned, default)
    assert row.relative_gain == pytest.approx(d.mean() / abs(np.mean(default)))
    assert row.relative_gain < 0 and row.decision == "default better"
    assert row.t_p_value == pytest.approx(stats.ttest_rel(tuned, default).pvalue)


def test_a_lower_is_better_metric_counts_a_drop_as_a_gain() -> None:
    tuned, default = [50.0, 52.0, 49.0, 51.0], [60.0, 61.0, 58.0, 62.0]
    gain = bakeoff.analysis.tuning_gain(frame("rmse", tuned, default))
    row = gain[gain["budget"] == "all"].iloc[0]
    assert row["relative_gain"] == pytest.approx((60.25 - 50.5) / 60.25)
    assert row["mean_difference"] == pytest.approx(60.25 - 50.5)
    assert row["decision"] == "tuned better"


def test_a_difference_the_test_did_not_find_is_undecided_not_no_difference() -> None:
    # Tuned ahead on average but noisy: the paired t-test does not reject at 0.05, which
    # says nothing about equality (docs/guide/statistics.md, "undecided").
    tuned, default = [0.70, 0.62, 0.75, 0.66], [0.65, 0.66, 0.68, 0.64]
    assert stats.ttest_rel(tuned, default).pvalue > 0.05
    gain = bakeoff.analysis.tuning_gain(frame("accuracy", tuned, default))
    assert set(gain["decision"]) == {"undecided"}
    one_pair = bakeoff.analysis.tuning_gain(frame("accuracy", [0.9], [0.5]))
    assert set(one_pair["decision"]) == {"undecided"}


def test_the_overfitting_table_tests_whether_tuning_narrowed_the_gap() -> None:
    # Hand-made cells: the tuned copy's train - test gap is smaller on every pair but one.
    rng = np.random.default_rng(3)
    rows = []
    for dataset in ("a", "b"):
        for seed in range(5):
            test = 0.6 + 0.02 * seed
            for model, train in (("m", 0.90 + rng.normal(0, 0.01)), ("m_default", 0.99)):
                rows.append(
                    {"model": model, "dataset": dataset, "budget": 100.0, "seed": seed,
                     "status": "complete", "train_accuracy": train, "cv_accuracy": 0.7,
                     "test_accuracy": test}
                )  # fmt: skip
    results = pd.DataFrame(rows)
    gaps = bakeoff.analysis.overfitting(results)
    row = gaps[gaps["model"] == "m"].iloc[0]
    tuned = results[results["model"] == "m"].set_index(["dataset", "seed"])
    default = results[results["model"] == "m_default"].set_index(["dataset", "seed"])
    change = (tuned["train_accuracy"] - tuned["test_accuracy"]) - (
        default["train_accuracy"] - default["test_accuracy"]
    )
    assert row["default"] == "m_default" and row["n_pairs"] == 10
    assert row["gap_change"] == pytest.approx(change.mean())
    low, high = stats.t.interval(0.95, 9, change.mean(), stats.sem(change))
    assert (row["gap_change_low"], row["gap_change_high"]) == pytest.approx((low, high))
    expected_p = stats.ttest_rel(
        tuned["train_accuracy"] - tuned["test_accuracy"],
        default["train_accuracy"] - default["test_accuracy"],
    ).pvalue
    assert row["gap_change_p_value"] == pytest.approx(expected_p)
    assert row["gap_change_decision"] == "narrower when tuned"
    # The default copy's own row has no comparison of its own.
    assert pd.isna(gaps[gaps["model"] == "m_default"].iloc[0]["gap_change"])
    # Two pairs that differ by noise only: the test does not decide.
    noisy = results.copy()
    noisy.loc[noisy["model"] == "m", "train_accuracy"] = 0.99 + rng.normal(0, 0.01, 10)
    decided = bakeoff.analysis.overfitting(noisy).query("model == 'm'")["gap_change_decision"]
    p_noisy = bakeoff.analysis.overfitting(noisy).query("model == 'm'")["gap_change_p_value"]
    assert (decided == "undecided").all() == bool((p_noisy >= 0.05).all())
