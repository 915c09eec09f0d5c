"""The whole analysis: edge cases, the JSON document, the CLI, and a real stored study."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bakeoff.analysis import Scores, analyze
from bakeoff.exceptions import SpecError
from tests.conftest import run_cli


def long_table(n_datasets=6, n_seeds=8, effects=None, seed=0, budgets=("full",)):
    """Scores with a dataset effect, a seed effect shared by models, and model effects."""
    effects = effects or {"alpha": 0.0, "beta": 0.0, "gamma": 0.0}
    rng = np.random.default_rng(seed)
    rows = []
    for d in range(n_datasets):
        base = rng.normal(0.8, 0.05)
        for budget in budgets:
            for s in range(n_seeds):
                shared = rng.normal(0, 0.02)
                for model, effect in effects.items():
                    score = base + shared + effect + rng.normal(0, 0.01)
                    rows.append(
                        {
                            "dataset": f"d{d}",
                            "model": model,
                            "budget": budget,
                            "seed": s,
                            "score": score,
                        }
                    )
    return pd.DataFrame(rows)


def test_a_clear_winner_is_found_and_named_in_the_insights() -> None:
    table = long_table(effects={"alpha": 0.05, "beta": 0.0, "gamma": 0.0}, n_datasets=8)
    result = analyze(Scores.from_frame(table), n_resamples=500)
    assert next(iter(result.across.average_ranks)) == "alpha"
    assert result.across.iman_davenport["p"] < 0.05
    verdicts = result.pairs.set_index(["model_a", "model_b"])["verdict"]
    assert set(verdicts.loc[("alpha", "beta")]) == {"a better"}
    assert any("alpha beats beta across datasets" in line for line in result.insights)


def test_no_difference_is_never_claimed_under_the_null() -> None:
    result = analyze(Scores.from_frame(long_table(seed=3)), n_resamples=500)
    assert not any(" beats " in line for line in result.insights)


def test_lower_is_better_flips_the_ranking() -> None:
    table = long_table(effects={"alpha": 0.05, "beta": 0.0})
    high = analyze(Scores.from_frame(table), n_resamples=200)
    low = analyze(Scores.from_frame(table, higher_is_better=False), n_resamples=200)
    assert next(iter(high.across.average_ranks)) == "alpha"
    assert next(iter(low.across.average_ranks)) == "beta"


def test_one_score_per_dataset_says_once_that_seeds_are_needed() -> None:
    # A paper's table: 14 datasets x 4 models, one score each. No table of 84
    # "undecided" rows: one sentence, and the analysis across datasets.
    table = long_table(n_datasets=14, n_seeds=1, effects={"a": 0.0, "b": 0.01, "c": 0.0, "d": 0.02})
    result = analyze(Scores.from_frame(table), n_resamples=200)
    assert result.pairs.empty
    notes = [line for line in result.insights if "need repeated seeds" in line]
    assert len(notes) == 1
    assert not any("undecided" in line for line in result.insights)
    assert result.across.iman_davenport is not None and len(result.across.pairwise) == 6
    document = result.to_dict()
    assert "repeated seeds" in document["pairwise_within_dataset"]["note"]
    assert document["pairwise_within_dataset"]["comparisons"] == []


def test_some_pairs_with_a_single_common_seed_are_listed_as_untestable() -> None:
    table = long_table(n_seeds=3)
    table = table[~((table["model"] == "gamma") & (table["seed"] > 0))]
    result = analyze(Scores.from_frame(table), n_resamples=200)
    untested = result.pairs[result.pairs["test"].isna()]
    assert len(untested) == 12 and set(untested["verdict"]) == {"undecided"}
    assert untested["note"].str.contains("not enough data").all()
    assert any("could not be tested" in line for line in result.insights)


def test_a_model_missing_on_a_dataset_drops_that_dataset_from_friedman() -> None:
    table = long_table()
    table = table[~((table["model"] == "gamma") & (table["dataset"] == "d0"))]
    result = analyze(Scores.from_frame(table), n_resamples=200)
    assert result.across.dropped == ["d0"] and "d0" not in result.across.datasets
    document = json.dumps(result.to_dict())  # no NaN sneaks into the JSON
    assert "NaN" not in document


def test_constant_scores_give_p_1_not_nan() -> None:
    table = long_table(n_datasets=3)
    table["score"] = 0.5
    result = analyze(Scores.from_frame(table), n_resamples=200)
    assert (result.pairs["p"] == 1.0).all()
    assert result.across.friedman["p"] == pytest.approx(1.0)


def test_learning_curves_come_from_numeric_budgets() -> None:
    rows = []
    for seed in range(5):
        for n in (50, 100, 200, 400, 800):
            for model, (a, c) in {"fast": (1.0, 0.10), "slow": (3.0, 0.02)}.items():
                rows.append(
                    {
                        "dataset": "d",
                        "model": model,
                        "budget": str(n),
                        "seed": seed,
                        "score": 1 - (a * n**-0.5 + c) + 0.001 * seed,
                    }
                )
    result = analyze(Scores.from_frame(pd.DataFrame(rows)), target=0.85, n_resamples=200)
    assert {c.model for c in result.curves} == {"fast", "slow"}
    crossing = result.crossings.iloc[0]["crossing_rows"]
    # 1.0 n^-0.5 + 0.10 = 3.0 n^-0.5 + 0.02 -> n^-0.5 = 0.04 -> n = 625.
    assert crossing == pytest.approx(625, rel=0.1)
    assert any("cross at about" in line for line in result.insights)


def test_bad_options_and_tables_are_clear_errors() -> None:
    scores = Scores.from_frame(long_table())
    with pytest.raises(SpecError, match="--correction must be one of"):
        analyze(scores, correction="holmes")
    with pytest.raises(SpecError, match="Did you mean 'alpha'"):
        analyze(scores, baseline="alpah")
    with pytest.raises(SpecError, match="missing column"):
        Scores.from_frame(pd.DataFrame({"dataset": ["a"], "score": [1.0]}))
    with pytest.raises(SpecError, match="repeat"):
        Scores.from_frame(
            pd.DataFrame({"dataset": ["a", "a"], "model": ["m", "m"], "score": [1.0, 2.0]})
        )


def test_cli_analyses_a_scores_file(tmp_path: Path) -> None:
    path = tmp_path / "scores.csv"
    long_table(effects={"alpha": 0.05, "beta": 0.0}).to_csv(path, index=False)
    completed = run_cli(
        "analyze", "--scores", str(path), "--out", str(tmp_path / "out"), "--resamples", "500"
    )
    assert completed.returncode == 0, completed.stderr
    document = json.loads((tmp_path / "out" / "statistical_analysis.json").read_text())
    across = document["across_datasets"]
    assert set(across["average_ranks"]) == {"alpha", "beta"}
    assert {"statistic", "p", "df"} <= set(across["friedman_test"])
    assert {"0.05", "0.10"} <= set(across["nemenyi_critical_difference"])
    assert across["pairwise_wilcoxon"]["correction"] == "Holm"
    first = document["pairwise_within_dataset"]["comparisons"][0]
    assert {"p", "p_adjusted", "wilcoxon_p", "cohen_dz", "hedges_g", "ci95_bca"} <= set(first)
    assert "Findings" in completed.stdout
    bad = run_cli("analyze", "--scores", str(tmp_path / "missing.csv"))
    assert bad.returncode == 2 and "does not exist" in bad.stderr and "Traceback" not in bad.stderr


def test_cli_analyses_a_stored_study(tmp_path: Path, store_url: str) -> None:
    import bakeoff
    from tests.conftest import tiny_study

    spec = tiny_study(tuning={"method": "random", "n_trials": 2, "cv": 2}, seeds=3)
    assert bakeoff.Study(**spec).run(storage=store_url).exit_code == 0
    completed = run_cli(
        "analyze",
        "tiny",
        "--storage",
        store_url,
        "--baseline",
        "logistic_regression",
        "--out",
        str(tmp_path),
        "--resamples",
        "200",
    )
    assert completed.returncode == 0, completed.stderr
    document = json.loads((tmp_path / "statistical_analysis.json").read_text())
    tests = {c["test"] for c in document["pairwise_within_dataset"]["comparisons"]}
    # Seeds re-split one dataset: their training sets overlap, so the corrected test.
    assert tests == {"Nadeau–Bengio corrected resampled t-test"}
    assert document["metric"] == "accuracy"


def test_tuned_and_untuned_copies_of_a_model_are_compared(store_url: str) -> None:
    import bakeoff

    spec = {
        "study": "tuning",
        "datasets": ["iris", "wine"],
        "models": [
            {"name": "random_forest", "params": {"n_estimators": 10}},
            {
                "name": "random_forest",
                "label": "rf_default",
                "params": {"n_estimators": 10},
                "tune": False,
            },
        ],
        "tuning": {"method": "random", "n_trials": 3, "cv": 2},
        "seeds": 3,
    }
    assert bakeoff.Study(**spec).run(storage=store_url).exit_code == 0
    trials = bakeoff.results("tuning", storage=store_url).set_index("model")["n_trials"]
    assert set(trials.loc["rf_default"]) == {1} and set(trials.loc["random_forest"]) == {3}
    result = analyze(Scores.from_store("tuning", storage=store_url), n_resamples=200)
    gain = result.tuning_gain.iloc[0]
    assert (gain["tuned"], gain["default"], gain["n_datasets"]) == (
        "random_forest",
        "rf_default",
        2,
    )
    assert gain["test"] == "Wilcoxon signed-rank over datasets"
    assert any(line.startswith("Tuning: ") for line in result.insights)


def test_tuning_gain_by_hand() -> None:
    # Dataset means, tuned vs untuned: 0.9/0.8, 0.8/0.8, 0.6/0.5 -> relative changes
    # 0.125, 0 and 0.2, mean 0.108333...; improved on 2 of 3.
    rows = []
    for dataset, (tuned, default) in {"x": (0.9, 0.8), "y": (0.8, 0.8), "z": (0.6, 0.5)}.items():
        for seed, noise in enumerate((-0.01, 0.01)):
            rows.append((dataset, "rf", "random_forest", True, seed, tuned + noise))
            rows.append((dataset, "rf0", "random_forest", False, seed, default + noise))
    table = pd.DataFrame(rows, columns=["dataset", "model", "model_name", "tuned", "seed", "score"])
    gain = analyze(Scores.from_frame(table), n_resamples=200).tuning_gain.iloc[0]
    assert gain["mean_relative_improvement"] == pytest.approx(0.325 / 3)
    assert gain["datasets_improved"] == 2
    # Two non-zero differences of one sign: the exact Wilcoxon p is 2 / 2^2 = 0.5.
    assert gain["p"] == pytest.approx(0.5) and gain["better"] is None


def test_a_study_still_running_compares_only_what_has_scores_at_the_budget() -> None:
    # Mid-run: the untuned copy and the baseline have finished their largest-budget
    # cells, the tuned model only its smaller ones. There is nothing to compare at the
    # largest budget (it raised KeyError); at the smaller one the pair is compared.
    rows = []
    for dataset in ("x", "y", "z"):
        for seed in (0, 1):
            noise = 0.01 * seed
            rows.append((dataset, 100, "rf", "random_forest", True, seed, 0.7 + noise))
            rows.append((dataset, 100, "rf0", "random_forest", False, seed, 0.6 + noise))
            rows.append((dataset, 100, "base", "dummy", False, seed, 0.5 + noise))
            rows.append((dataset, 1000, "rf0", "random_forest", False, seed, 0.8 + noise))
            rows.append((dataset, 1000, "base", "dummy", False, seed, 0.5 + noise))
    columns = ["dataset", "budget", "model", "model_name", "tuned", "seed", "score"]
    table = pd.DataFrame(rows, columns=columns)
    at_largest = analyze(Scores.from_frame(table), baseline="rf", n_resamples=100)
    gain = at_largest.tuning_gain.iloc[0]
    assert (gain["tuned"], gain["default"], gain["n_datasets"]) == ("rf", "rf0", 0)
    assert set(at_largest.baseline["n_datasets"]) == {0}
    small = Scores.from_frame(table[table["budget"] == 100])
    at_small = analyze(small, n_resamples=100).tuning_gain.iloc[0]
    # Seed means per dataset: tuned 0.705, untuned 0.605, the same on every dataset.
    assert at_small["n_datasets"] == 3
    assert at_small["mean_relative_improvement"] == pytest.approx(0.1 / 0.605)


def test_untuned_model_with_a_search_space_is_refused() -> None:
    import bakeoff

    with pytest.raises(SpecError, match="tune: false"):
        bakeoff.Study(
            study="x",
            datasets=["iris"],
            models=[
                {
                    "name": "random_forest",
                    "tune": False,
                    "search_space": {"max_depth": {"type": "int", "low": 1, "high": 3}},
                }
            ],
        )


def test_datasets_needed_follow_g_power_and_the_wilcoxon_efficiency() -> None:
    two = {"alpha": 0.0, "beta": 0.0}
    result = analyze(Scores.from_frame(long_table(n_datasets=6, effects=two)), n_resamples=200)
    row = result.across.pairwise[0]
    # One pair, seeds and datasets: two families, so each is held at 0.025, and one
    # comparison per family. statsmodels' TTestPower: 40.6 -> 41 pairs for d_z = 0.5 at
    # 80% power and alpha 0.025 (two-sided); Wilcoxon's efficiency 3/pi -> 43.
    assert result.settings["claim_level"] == 0.025
    assert row["datasets_for_power_80"] == 43
    assert row["power_at_effect"] < 0.8
    assert any("about 43 datasets would be needed" in line for line in result.insights)


def test_dataset_properties_are_rank_correlated_with_each_model() -> None:
    from scipy import stats

    table = long_table(n_datasets=8, effects={"alpha": 0.0, "beta": 0.0, "gamma": 0.0})
    properties = pd.DataFrame(
        {"rows": [100, 200, 300, 400, 500, 600, 700, 800]},
        index=[f"d{i}" for i in range(8)],
    )
    result = analyze(Scores.from_frame(table), dataset_properties=properties, n_resamples=200)
    row = result.meta_correlations.set_index("model").loc["alpha"]
    ranks = result.across.rank_table["alpha"]
    expected = stats.spearmanr(properties["rows"].reindex(ranks.index), ranks)
    assert row["spearman_rho"] == pytest.approx(expected.statistic)
    # 8 datasets: the exact p-value, by enumerating all 8! orderings here.
    assert row["p"] == pytest.approx(
        exact_spearman_p(properties["rows"].reindex(ranks.index).to_numpy(), ranks.to_numpy())
    )


def exact_spearman_p(x: np.ndarray, y: np.ndarray) -> float:
    """Two-sided permutation p-value of Spearman's ρ, every ordering of x enumerated."""
    import itertools

    from scipy import stats

    observed = abs(stats.spearmanr(x, y).statistic)
    as_extreme = total = 0
    for order in itertools.permutations(x):
        total += 1
        rho = stats.spearmanr(order, y).statistic
        as_extreme += bool(np.isfinite(rho) and abs(rho) >= observed - 1e-12)
    return as_extreme / total


def test_three_datasets_can_never_make_a_rank_correlation_claim() -> None:
    # ρ = ±1 over 3 datasets: 2 of the 3! = 6 orderings are as extreme, p = 1/3 exactly
    # (SciPy's t approximation says 0). No finding may call it significant.
    table = long_table(n_datasets=3, effects={"alpha": 0.0, "beta": 0.0, "gamma": 0.0})
    properties = pd.DataFrame({"rows": [100, 200, 300]}, index=["d0", "d1", "d2"])
    result = analyze(Scores.from_frame(table), dataset_properties=properties, n_resamples=200)
    meta = result.meta_correlations
    assert not meta.empty
    perfect = meta[meta["spearman_rho"].abs() > 0.999]
    assert not perfect.empty  # the case this test is about
    assert list(perfect["p"]) == pytest.approx([1 / 3] * len(perfect))
    assert (meta["p"] >= 1 / 3 - 1e-12).all()
    assert not any("correlates with the dataset property" in line for line in result.insights)


def test_a_study_with_two_tasks_is_analysed_one_metric_at_a_time(store_url: str) -> None:
    import bakeoff

    spec = {
        "study": "mix",
        "datasets": ["iris", "diabetes"],
        "models": ["random_forest"],
        "tuning": {"method": "random", "n_trials": 1, "cv": 2},
        "seeds": 2,
    }
    assert bakeoff.Study(**spec).run(storage=store_url).exit_code == 0
    accuracy = Scores.from_store("mix", storage=store_url)
    assert accuracy.metric == "accuracy" and accuracy.datasets == ["iris"]
    assert "diabetes" in accuracy.notes[0] and "--metric" in accuracy.notes[0]
    rmse = Scores.from_store("mix", storage=store_url, metric="rmse")
    assert rmse.datasets == ["diabetes"] and not rmse.higher_is_better
    with pytest.raises(SpecError, match="Did you mean 'rmse'"):
        Scores.from_store("mix", storage=store_url, metric="rmsee")


def test_each_step_up_in_budget_states_its_gain_per_row_and_per_cpu_second() -> None:
    rows = []
    for seed in range(3):
        for n, error, seconds in ((50, 4.0, 1.0), (100, 3.0, 3.0), (200, 2.5, 7.0)):
            rows.append(
                {
                    "dataset": "d",
                    "model": "m",
                    "budget": str(n),
                    "seed": seed,
                    "score": error,
                    "n_train": n,
                    "seconds": seconds,
                }
            )
    frame = pd.DataFrame(rows)
    result = analyze(Scores.from_frame(frame, higher_is_better=False), n_resamples=50)
    table = result.efficiency.set_index("budget")
    # An error metric: going from 50 to 100 rows lowered it by 1.0, i.e. +1.0 better,
    # 1.0 / 50 rows = 0.02 per row and 1.0 / 2 s = 0.5 per CPU second; 100 -> 200:
    # 0.5 / 100 = 0.005 per row, 0.5 / 4 s = 0.125 per second.
    assert np.isnan(table.loc["50", "gain_per_extra_row"])
    assert table.loc["100", "gain_per_extra_row"] == pytest.approx(0.02)
    assert table.loc["100", "gain_per_extra_cpu_second"] == pytest.approx(0.5)
    assert table.loc["200", "gain_per_extra_row"] == pytest.approx(0.005)
    assert table.loc["200", "gain_per_extra_cpu_second"] == pytest.approx(0.125)
    # In budget order (by rows), not in the labels' text order ("100" < "200" < "50").
    assert list(result.efficiency["budget"]) == ["50", "100", "200"]
