"""Every claim follows its test: direction, level, power and degenerate data."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import TTestPower

from bakeoff.analysis import Scores, analyze
from tests.analysis.test_analyze import long_table

#: Words with which a sentence states that models differ. A claim sentence that the code
#: forgot to mark as a claim is still caught by these.
CLAIM_WORDS = re.compile(r" beats | is better than |ranks differ|correlates with")


def hair_thin_wins_against_wide_losses() -> pd.DataFrame:
    """60 datasets: A wins 31 by 0.001-0.002, B wins 29 by 0.05-0.08."""
    rng = np.random.default_rng(7)
    rows = []
    for i in range(60):
        base = rng.uniform(0.6, 0.9)
        gap = rng.uniform(0.001, 0.002) if i < 31 else -rng.uniform(0.05, 0.08)
        rows += [(f"d{i}", "A", base + gap), (f"d{i}", "B", base)]
    return pd.DataFrame(rows, columns=["dataset", "model", "score"])


def test_direction_across_datasets_comes_from_the_signed_ranks_not_the_wins() -> None:
    table = hair_thin_wins_against_wide_losses()
    result = analyze(Scores.from_frame(table), n_resamples=200)
    row = result.across.pairwise[0]
    assert (row["model_a"], row["wins_a"], row["wins_b"]) == ("A", 31, 29)
    # An independent computation: SciPy's Wilcoxon on B - A, and the rank sums by hand.
    d = (
        table.pivot(index="dataset", columns="model", values="score")
        .pipe(lambda w: w["A"] - w["B"])
        .to_numpy()
    )
    assert row["p"] == pytest.approx(stats.wilcoxon(d).pvalue)
    assert row["p"] < 0.01
    ranks = stats.rankdata(np.abs(d))
    assert (row["rank_sum_a"], row["rank_sum_b"]) == (ranks[d > 0].sum(), ranks[d < 0].sum())
    assert row["rank_sum_b"] > row["rank_sum_a"]
    assert row["better"] == "B" and row["favoured"] == "B"
    assert any(line.startswith("B beats A across datasets") for line in result.insights)
    assert not any("A beats B" in line for line in result.insights)
    document = result.to_dict()
    assert document["across_datasets"]["pairwise_wilcoxon"]["comparisons"][0]["better"] == "B"


def test_baseline_and_tuning_summaries_take_the_tests_direction() -> None:
    table = hair_thin_wins_against_wide_losses()
    baseline = analyze(Scores.from_frame(table), baseline="A", n_resamples=200).baseline
    assert baseline.iloc[0]["better"] == "B"
    tuned = table.assign(
        model_name="forest", tuned=table["model"] == "A", model=table["model"] + "_copy"
    )
    result = analyze(Scores.from_frame(tuned), n_resamples=200)
    gain = result.tuning_gain.iloc[0]
    assert (gain["tuned"], gain["default"], gain["better"]) == ("A_copy", "B_copy", "B_copy")
    assert gain["datasets_improved"] == 31  # the counts favour tuning; the test does not
    sentence = next(line for line in result.insights if line.startswith("Tuning"))
    assert "B_copy (untuned) is better than A_copy (tuned)" in sentence


def test_an_undecided_baseline_comparison_is_not_called_no_difference() -> None:
    # Two models with the same scores up to noise on 3 datasets: the Wilcoxon test
    # cannot decide (its smallest p with 3 pairs is 0.25), and the finding must say so,
    # not that "no difference was found".
    table = long_table(effects={"alpha": 0.0, "beta": 0.0, "gamma": 0.0}, n_datasets=3)
    result = analyze(Scores.from_frame(table), baseline="alpha", n_resamples=200)
    lines = [line for line in result.insights if line.startswith("Against the baseline")]
    assert lines
    for line in lines:
        assert "undecided between" in line and "not evidence that they perform the same" in line
        assert "no difference" not in line


def test_within_dataset_better_is_set_only_when_the_test_found_it() -> None:
    table = long_table(effects={"alpha": 0.05, "beta": 0.0, "gamma": 0.0}, n_datasets=3)
    result = analyze(Scores.from_frame(table), n_resamples=200)
    pairs = result.pairs
    found = pairs[pairs["verdict"].isin(["a better", "b better"])]
    assert len(found) and (found["better"] == "alpha").all()
    assert pairs.loc[~pairs.index.isin(found.index), "better"].isna().all()


def test_every_claim_sentence_uses_the_claim_level() -> None:
    # A null table (found by a seeded search) whose Iman-Davenport p lies between the
    # claim level (alpha / 2 with two families) and alpha: the old code said "ranks
    # differ" there.
    effects = {"a": 0.0, "b": 0.0, "c": 0.0, "d": 0.0}
    table = long_table(seed=58, n_datasets=10, n_seeds=3, effects=effects)
    result = analyze(Scores.from_frame(table), n_resamples=100)
    assert result.settings["claim_level"] == 0.025
    assert 0.025 < result.across.iman_davenport["p"] < 0.05
    assert not result.across.ranks_differ
    assert not any("ranks differ" in line for line in result.insights)
    assert not result.claims


def test_no_difference_found_only_with_power_at_the_corrected_level() -> None:
    # 40 seeds: at the unadjusted 5% the paired t-test has 87% power for d_z = 0.5, so
    # the old code said "no difference found (>= 80% power)". The study-wide Holm
    # family has 3 pairs x 6 datasets = 18 comparisons at the claim level 0.025.
    table = long_table(n_seeds=40, seed=11)
    result = analyze(Scores.from_frame(table), n_resamples=200)
    level = result.settings["claim_level"] / 18
    power = TTestPower().power(effect_size=0.5, nobs=40, alpha=level)
    assert TTestPower().power(effect_size=0.5, nobs=40, alpha=0.05) > 0.8 > power
    assert result.pairs["power_level"].iloc[0] == pytest.approx(level)
    assert result.pairs["power_at_effect"].to_numpy() == pytest.approx(power, rel=1e-6)
    assert "no difference found" not in set(result.pairs["verdict"])
    assert "power_observed" not in result.pairs.columns
    assert "power_observed" not in str(result.to_dict())


def test_a_constant_difference_is_decided_by_the_sign_test_without_absurd_numbers() -> None:
    k = np.arange(10, 20)
    rows = []
    for seed, value in enumerate(k):
        rows.append(("d", "low", seed, value / 30))
        rows.append(("d", "high", seed, (value + 2) / 30))
    table = pd.DataFrame(rows, columns=["dataset", "model", "seed", "score"])
    result = analyze(Scores.from_frame(table), n_resamples=200)
    row = result.pairs.iloc[0]
    assert row["test"].startswith("sign test")
    assert row["p"] == pytest.approx(2 / 1024)
    assert row["t"] is None or np.isnan(row["t"])
    assert row["cohen_dz"] is None or np.isnan(row["cohen_dz"])
    assert row["better"] == "high"
    text = " ".join(result.insights)
    assert "e+" not in text and "d_z = " not in text
    assert "constant difference" in text


def test_dataset_property_correlations_are_corrected_and_hand_checked() -> None:
    # alpha's rank on the 5 datasets is 1, 1, 2, 3, 3 as "size" grows 1..5. By hand:
    # Spearman = Pearson of (1..5) and (1.5, 1.5, 3, 4.5, 4.5) = 9 / sqrt(10 * 9).
    means = {
        "alpha": [0.9, 0.9, 0.5, 0.1, 0.1],
        "beta": [0.5, 0.5, 0.6, 0.5, 0.5],
        "gamma": [0.1, 0.1, 0.1, 0.6, 0.6],
    }
    rows = [
        (f"d{i}", model, seed, values[i] + 0.001 * seed)
        for model, values in means.items()
        for i in range(5)
        for seed in range(2)
    ]
    table = pd.DataFrame(rows, columns=["dataset", "model", "seed", "score"])
    properties = pd.DataFrame(
        {"size": [1, 2, 3, 4, 5], "noise": [3, 1, 4, 1, 5]}, index=[f"d{i}" for i in range(5)]
    )
    result = analyze(Scores.from_frame(table), dataset_properties=properties, n_resamples=200)
    meta = result.meta_correlations.set_index(["property", "model"])
    rho = 9 / np.sqrt(90)
    assert meta.loc[("size", "alpha"), "spearman_rho"] == pytest.approx(rho)
    # 5 datasets: the exact permutation p-value (SciPy's t approximation would be far off
    # with so few), enumerated over the 5! orderings of size by a second implementation.
    from tests.analysis.test_analyze import exact_spearman_p

    alpha_ranks = np.array([1.5, 1.5, 3, 4.5, 4.5])
    assert meta.loc[("size", "alpha"), "p"] == pytest.approx(
        exact_spearman_p(np.arange(1.0, 6.0), alpha_ranks)
    )
    expected = multipletests(result.meta_correlations["p"], method="holm")[1]
    assert result.meta_correlations["p_adjusted"].to_numpy() == pytest.approx(expected)
    assert "dataset properties" in result.settings["claim_families"]
    document = result.to_dict()["dataset_characteristics"]
    assert document["correction"] == "Holm"
    sentence = next(line for line in result.insights if "dataset propert" in line)
    assert "Holm" in sentence


def test_claims_are_marked_and_counted_on_null_studies() -> None:
    # A handful of null studies in the fast suite (the slow calibration test runs 300):
    # every sentence with a claim word is a marked claim, and marked claims are rare.
    claimed = 0
    for study in range(30):
        table = long_table(n_datasets=8, n_seeds=6, seed=500 + study)
        result = analyze(Scores.from_frame(table), n_resamples=100)
        worded = [line for line in result.insights if CLAIM_WORDS.search(line)]
        assert worded == [line for line in result.claims if CLAIM_WORDS.search(line)]
        claimed += bool(result.claims)
    assert claimed <= 5


def test_perfect_agreement_on_few_datasets_is_not_certain() -> None:
    # 2 models, 3 datasets, A ahead on all three: Iman-Davenport's F is infinite and its
    # F-distribution p is 0 ("ranks differ, p < 0.001"). Exactly, three coin flips all
    # landing one way (either way) has p = 2 / 2^3 = 0.25.
    rows = [(f"d{i}", m, s) for i in range(3) for m, s in (("A", 0.9), ("B", 0.8))]
    table = pd.DataFrame(rows, columns=["dataset", "model", "score"])
    result = analyze(Scores.from_frame(table), n_resamples=100)
    assert result.across.iman_davenport["p"] == pytest.approx(0.25)
    assert not result.claims
    # 3 models ranked identically on 4 datasets: (3!)^-(4-1) = 1/216.
    from bakeoff.analysis import iman_davenport

    assert iman_davenport(8.0, 4, 3)[1] == pytest.approx(1 / 216)
