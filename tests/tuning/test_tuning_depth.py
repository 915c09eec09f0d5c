"""Pruning, several objectives, patience, parallel trials, warm start and CPU budgets,
each on real Optuna searches stored in a real SQLite file."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path
from typing import Any

import numpy as np
import optuna
import pandas as pd
import pytest
import yaml

import bakeoff
from bakeoff.store import Store
from tests.conftest import run_cli, tiny_study
from tests.helpers import assert_same_numbers, stored_numbers

# Logistic regression's C over nine decades: tiny C predicts one class on iris (about
# a third right), large C nearly all right, so a median pruner has trials to stop.
WIDE_C = {"C": {"type": "float", "low": 1e-6, "high": 1e3, "log": True}}
CV = 5


def lr_study(url: str, **tuning: Any) -> dict[str, Any]:
    spec = tiny_study(
        study="depth",
        storage=url,
        seeds=1,
        budgets=["full"],
        models=[{"name": "logistic_regression", "search_space": WIDE_C}],
        metrics=["accuracy", "f1_macro"],
    )
    spec["tuning"] = {"method": "random", "n_trials": 16, "cv": CV, **tuning}
    return spec


def run(spec: dict[str, Any], **kwargs: Any) -> bakeoff.RunSummary:
    summary = bakeoff.Study(**spec).run(storage=spec["storage"], progress=False, **kwargs)
    return summary


def search_of(url: str, name: str = "depth") -> list[dict[str, Any]]:
    from bakeoff.store import Store

    with Store(url) as store:
        cells = store.cells_frame(name)
    return [json.loads(text) for text in cells["search_json"]]


# -- pruning -------------------------------------------------------------------------


def median_rule_stops(trials: pd.DataFrame, n_startup: int) -> dict[int, int | None]:
    """A second implementation of Optuna's MedianPruner on running CV means (maximised):
    trial number -> the step the rule stops it at (None: it runs to the end).

    A trial is stopped at the first step where its best running mean so far is below
    the median of the running means that earlier *completed* trials reached at that
    step, once ``n_startup`` trials have completed. A stopped trial's fold scores end at
    the step it was stopped at, which is all the rule needs.
    """
    stops: dict[int, int | None] = {}
    completed: list[list[float]] = []
    for row in trials.sort_values("number").itertuples():
        folds = json.loads(row.fold_scores)
        running = list(np.cumsum(folds) / np.arange(1, len(folds) + 1))
        stop = None
        if len(completed) >= n_startup:
            for step in range(len(running)):
                others = [c[step] for c in completed if len(c) > step]
                if others and max(running[: step + 1]) < np.median(others):
                    stop = step
                    break
        if stop is None:
            completed.append(running)
        stops[row.number] = stop
    return stops


def test_a_median_pruner_stops_the_trials_its_rule_says_and_keeps_the_metric(
    tmp_path: Path,
) -> None:
    plain_url = f"sqlite:///{tmp_path / 'plain.db'}"
    pruned_url = f"sqlite:///{tmp_path / 'pruned.db'}"
    assert run(lr_study(plain_url)).exit_code == 0
    options = {"n_startup_trials": 3}
    assert run(lr_study(pruned_url, pruner="median", pruner_options=options)).exit_code == 0
    plain = bakeoff.trials("depth", storage=plain_url)
    pruned = bakeoff.trials("depth", storage=pruned_url).set_index("number")

    stops = median_rule_stops(pruned.reset_index(), n_startup=3)
    stopped = {n for n, step in stops.items() if step is not None}
    assert stopped, "the fixture must give the pruner something to stop"
    assert set(pruned.index[pruned["state"] == "PRUNED"]) == stopped
    for number in stopped:
        assert pruned.loc[number, "steps"] == stops[number] + 1 < CV  # type: ignore[operator]
    complete = pruned["state"] == "COMPLETE"
    assert (pruned.loc[complete, "steps"] == CV).all() and (plain["steps"] == CV).all()
    # The pruned study evaluated fewer folds than the unpruned one.
    assert pruned["steps"].sum() < plain["steps"].sum() == 16 * CV
    # Pruning never changes what is optimised: a completed trial's value is its mean
    # inner-CV accuracy, and the refitted configuration is the best completed one.
    means = pruned.loc[complete, "fold_scores"].map(lambda f: float(np.mean(json.loads(f))))
    assert np.allclose(means, pruned.loc[complete, "value"], rtol=0, atol=1e-12)
    best = pruned.loc[complete, "value"].idxmax()
    result = bakeoff.results("depth", storage=pruned_url).iloc[0]
    assert result["best_params"] == pruned.loc[best, "params"]
    assert search_of(pruned_url)[0]["n_pruned"] == len(stopped)


def test_the_trials_command_exports_state_and_steps(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    spec = lr_study(url, pruner="median", pruner_options={"n_startup_trials": 3})
    assert run(spec).exit_code == 0
    out = tmp_path / "trials.csv"
    done = run_cli("trials", "depth", "--storage", url, "-o", str(out))
    assert done.returncode == 0, done.stderr
    frame = pd.read_csv(out)
    assert {"state", "steps"} <= set(frame.columns)
    assert set(frame["state"]) == {"COMPLETE", "PRUNED"}
    assert (frame.loc[frame["state"] == "PRUNED", "steps"] < CV).all()


def test_hyperband_and_asha_run_with_fixed_resources(tmp_path: Path) -> None:
    for pruner in ("asha", "hyperband", "percentile"):
        url = f"sqlite:///{tmp_path / f'{pruner}.db'}"
        assert run(lr_study(url, pruner=pruner)).exit_code == 0
        trials = bakeoff.trials("depth", storage=url)
        assert set(trials["state"]) <= {"COMPLETE", "PRUNED"}
        assert (trials.loc[trials["state"] == "COMPLETE", "steps"] == CV).all()


# -- several objectives --------------------------------------------------------------


def test_pareto_front_keeps_exactly_the_non_dominated_points() -> None:
    from bakeoff.tuning._selection import pareto_front

    points = np.array([[1, 0], [0.8, 0.7], [0.5, 0.9], [0, 1], [0.4, 0.4], [0.8, 0.6]])
    # (0.4, 0.4) is dominated by (0.8, 0.7); so is (0.8, 0.6).
    assert pareto_front(points) == [0, 1, 2, 3]


def test_each_selection_rule_picks_the_documented_member_of_a_hand_made_front() -> None:
    from bakeoff.tuning._selection import select

    # Two maximised objectives, already spanning [0, 1]: the knee is the member nearest
    # the ideal (1, 1): distances 1, 0.36, 0.51, 1 -> trial 11.
    numbers = [10, 11, 12, 13]
    values = np.array([[1.0, 0.0], [0.8, 0.7], [0.5, 0.9], [0.0, 1.0]])
    directions = ["maximize", "maximize"]
    names = ["a", "b"]
    assert select(numbers, values, directions, names, "knee").number == 11
    # 0.1 * a + 0.9 * b: 0.1, 0.71, 0.86, 0.9 -> trial 13.
    weights = {"a": 0.1, "b": 0.9}
    assert select(numbers, values, directions, names, "weighted", weights).number == 13
    assert select(numbers, values, directions, names, "lexicographic").number == 10
    assert select(numbers, values, directions, names, "first").number == 10
    # A minimised second objective (a cost): the same front, its column negated and
    # shifted, must give the same knee.
    cost = np.column_stack([values[:, 0], 5.0 - values[:, 1]])
    assert select(numbers, cost, ["maximize", "minimize"], names, "knee").number == 11
    # Ties go to the lowest number.
    tied = np.array([[1.0, 1.0], [1.0, 1.0]])
    assert select([7, 3], tied, directions, names, "knee").number == 3


def test_nsga2_stores_a_non_dominated_front_and_refits_the_selected_member(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'moo.db'}"
    spec = lr_study(
        url,
        method="nsga2",
        objectives=["accuracy", "f1_macro"],
        n_trials=12,
        sampler_options={"population_size": 4},
    )
    spec["datasets"] = ["wine"]
    assert run(spec).exit_code == 0
    trials = bakeoff.trials("depth", storage=url)
    front = bakeoff.pareto("depth", storage=url)
    assert {"value_accuracy", "value_f1_macro"} <= set(trials.columns)
    complete = trials[trials["state"] == "COMPLETE"]
    points = complete[["value_accuracy", "value_f1_macro"]].to_numpy()
    on_front = front[["value_accuracy", "value_f1_macro"]].to_numpy()
    # Members dominate none of each other, and every other trial is dominated by one.
    for p in on_front:
        assert not any(np.all(q >= p) and np.any(q > p) for q in on_front)
    off = complete[~complete["number"].isin(front["number"])]
    for p in off[["value_accuracy", "value_f1_macro"]].to_numpy():
        assert any(np.all(q >= p) and np.any(q > p) for q in points)
    chosen = front[front["chosen"]]
    assert len(chosen) == 1 and chosen["reason"].iloc[0].startswith("knee")
    result = bakeoff.results("depth", storage=url).iloc[0]
    assert result["best_params"] == chosen["params"].iloc[0]
    done = run_cli("trials", "depth", "--storage", url, "--pareto", "-f", "csv")
    assert done.returncode == 0 and "chosen" in done.stdout


def test_pruning_several_objectives_is_refused_before_anything_is_written(
    tmp_path: Path, write_study: Any
) -> None:
    db = tmp_path / "refused.db"
    spec = lr_study(f"sqlite:///{db}", objectives=["accuracy", "f1_macro"], pruner="median")
    done = run_cli("run", str(write_study(spec)))
    assert done.returncode == 2
    assert "Optuna prunes single-objective studies only" in " ".join(done.stderr.split())
    assert "Traceback" not in done.stderr and not db.exists()


def test_an_objective_that_is_not_a_metric_is_named(tmp_path: Path, write_study: Any) -> None:
    spec = lr_study(f"sqlite:///{tmp_path / 'x.db'}", objectives=["accurcy", "fit_seconds"])
    done = run_cli("validate", str(write_study(spec)))
    assert done.returncode == 2
    message = " ".join(done.stderr.split())
    assert "tuning.objectives[0]" in message and "'accuracy'" in message


# -- patience, budgets, stop reasons -------------------------------------------------


def patience_stop(values: list[float], patience: int, min_delta: float) -> int | None:
    """The trial after which a maximised search stops: the first time ``patience``
    trials in a row did not beat the best by more than 0 and at least ``min_delta`` (a
    plain re-statement of the documented rule); None if it never does."""
    best = -np.inf
    since = 0
    for i, value in enumerate(values):
        gain = value - best
        if gain > 0 and gain >= min_delta:
            best, since = value, 0
        else:
            since += 1
        if since >= patience:
            return i + 1
    return None


@pytest.mark.parametrize(("patience", "min_delta"), [(3, 0.0), (2, 0.02)])
def test_patience_stops_the_search_at_the_documented_trial(
    tmp_path: Path, patience: int, min_delta: float
) -> None:
    url = f"sqlite:///{tmp_path / 'stopped.db'}"
    spec = lr_study(url, n_trials=30, patience=patience, min_delta=min_delta)
    assert run(spec).exit_code == 0
    values = bakeoff.trials("depth", storage=url)["value"].tolist()
    # The rule, run over the stored values, stops exactly at the last stored trial.
    assert len(values) < 30
    assert patience_stop(values, patience, min_delta) == len(values)
    result = bakeoff.results("depth", storage=url).iloc[0]
    assert result["stop_reason"] == "patience" and result["n_trials"] == len(values)


def test_a_huge_min_delta_stops_after_the_first_trial_and_patience_more(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'huge.db'}"
    assert run(lr_study(url, n_trials=30, patience=4, min_delta=2.0)).exit_code == 0
    # Accuracy cannot gain 2: only the first trial improves.
    assert len(bakeoff.trials("depth", storage=url)) == 1 + 4


def test_stop_reasons_for_a_full_search_and_an_exhausted_grid(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'reasons.db'}"
    assert run(lr_study(url, n_trials=3)).exit_code == 0
    assert bakeoff.results("depth", storage=url)["stop_reason"].tolist() == ["n_trials"]
    grid_url = f"sqlite:///{tmp_path / 'grid.db'}"
    spec = lr_study(grid_url, method="grid", n_trials=50)
    spec["models"][0]["search_space"] = {"C": {"type": "categorical", "choices": [0.1, 1, 10]}}
    assert run(spec).exit_code == 0
    result = bakeoff.results("depth", storage=grid_url).iloc[0]
    # C's 3 values × penalty l1, l2 or elasticnet with 3 l1_ratios (the model's own
    # space): 3 × 5 = 15 configurations, all tried.
    assert result["stop_reason"] == "grid_exhausted" and result["n_trials"] == 15


def test_a_spent_cpu_budget_leaves_the_cells_not_started_pending(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cpu.db'}"
    spec = lr_study(url, n_trials=5)
    spec["seeds"] = 3
    spec["execution"] = {"max_cpu_seconds": 1e-6}
    summary = run(spec)
    # The first cell starts with the whole (tiny) budget; its search stops after its
    # first trial, and no further cell is claimed.
    assert summary.states["complete"] == 1 and summary.states["pending"] == 2
    assert any("max_cpu_seconds" in note and "2 cells" in note for note in summary.notes)
    # Not done, not failed: its own exit status, and the study is not called complete.
    assert summary.exit_code == 3
    assert Store(url).study("depth")["status"] == "stopped"
    done = bakeoff.results("depth", storage=url).query("status == 'complete'").iloc[0]
    assert done["stop_reason"] == "cpu_budget" and done["n_trials"] == 1


def test_auto_resolves_per_model_and_records_why(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'auto.db'}"
    spec = lr_study(url, method="auto", n_trials=4)
    spec["models"].append(
        {
            "name": "random_forest",
            "label": "forest",
            "params": {
                "n_estimators": 5,
                "min_samples_split": 2,
                "min_samples_leaf": 1,
                "max_features": "sqrt",
            },
            "search_space": {"max_depth": {"type": "categorical", "choices": [2, 4]}},
        }
    )
    path = tmp_path / "auto.yaml"
    path.write_text(yaml.safe_dump(spec))
    done = run_cli("run", str(path), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    searches = {s["method"]: s["method_reason"] for s in search_of(url)}
    assert searches.keys() == {"tpe", "grid"}
    assert "whole grid (2) fits" in searches["grid"]
    # The run says up front what auto chose for each model.
    header = " ".join(done.stdout.split())
    assert "tuning auto chose: logistic_regression: tpe" in header, done.stdout
    assert "forest: grid (the whole grid (2) fits in n_trials (4))" in header, done.stdout


# -- parallel trials -----------------------------------------------------------------


def test_parallel_trials_give_the_same_numbers_on_every_run(tmp_path: Path) -> None:
    urls = [f"sqlite:///{tmp_path / f'p{i}.db'}" for i in range(2)]
    for url in urls:
        spec = lr_study(url, method="tpe", n_trials=14, parallel_trials=2)
        spec["tuning"]["sampler_options"] = {"n_startup_trials": 4}
        assert run(spec).exit_code == 0
    assert_same_numbers(stored_numbers("depth", urls[0]), stored_numbers("depth", urls[1]))


@pytest.mark.parametrize("method", ["random", "grid"])
def test_parallel_batches_of_a_history_free_sampler_equal_one_at_a_time(method: str) -> None:
    # Random and grid ask the same configurations whatever the history, so batching may
    # not change a single number: the children compute what the parent would have,
    # reports and attributes included, and are told in trial order.
    from bakeoff.protocol import SearchSettings, tune
    from bakeoff.tuning import SearchSpace

    space = SearchSpace(
        {
            "x": {"type": "float", "low": -2.0, "high": 2.0, "grid": [-2, -1, 0, 1, 2]},
            "y": {"type": "int", "low": 0, "high": 2},
        }
    )

    def objective(params: dict[str, Any], trial: Any) -> list[float]:
        trial.report(params["x"] * 2, 0)
        trial.set_user_attr("fold_scores", [params["x"], params["y"]])
        return [(params["x"] - 0.3) ** 2 + params["y"]]

    def records(parallel: int) -> list[tuple[Any, ...]]:
        batches: list[list[Any]] = []
        settings = SearchSettings(
            directions=("minimize",), method=method, n_trials=7, cell_seed=5, parallel=parallel
        )
        outcome = tune(
            space=space,
            objective=objective,
            settings=settings,
            replayed=[],
            on_trials=batches.append,
        )
        # Each trial is stored as it is told, in number order.
        assert [[r.number for r in b] for b in batches] == [[n] for n in range(7)]
        return [
            (r.number, r.state, r.params, r.values, r.intermediate, r.user_attrs)
            for r in outcome.records
        ]

    assert records(3) == records(1)


def test_trial_n_is_asked_when_trial_n_minus_k_is_told() -> None:
    # The sliding window's rule (docs/tuning.md): with k cores the window is w = 2k;
    # when trial n is asked, trials 0..n-w are finished and the w-1 before n are
    # running, whatever the children's speeds.
    from bakeoff.protocol import SearchSettings, tune
    from bakeoff.tuning import SearchSpace

    space = SearchSpace({"x": {"type": "float", "low": 0.0, "high": 1.0}})

    def objective(params: dict[str, Any], trial: Any) -> list[float]:
        # The child holds the study as it was when it forked, right after its ask.
        seen = trial._trial.study.get_trials(deepcopy=False)
        states = [t.state.name for t in seen if t.number < trial._trial.number]
        trial.set_user_attr("finished", states.count("COMPLETE"))
        trial.set_user_attr("running", states.count("RUNNING"))
        time.sleep(0.05 * (trial._trial.number % 3 == 0))  # uneven speeds
        return [params["x"]]

    k, w = 2, 4
    settings = SearchSettings(
        directions=("minimize",), method="tpe", n_trials=9, cell_seed=1, parallel=k
    )
    outcome = tune(
        space=space, objective=objective, settings=settings, replayed=[], on_trials=lambda _: None
    )
    seen = [(r.user_attrs["finished"], r.user_attrs["running"]) for r in outcome.records]
    assert seen == [(max(0, n - w + 1), min(n, w - 1)) for n in range(9)]


@pytest.mark.parametrize(
    ("method", "pruning"), [("tpe", "median"), ("tpe", "asha"), ("qmc", None), ("nsga2", None)]
)
@pytest.mark.parametrize("parallel", [1, 3])
def test_a_cell_resumed_after_any_trial_asks_what_an_uninterrupted_one_did(
    method: str, pruning: str | None, parallel: int
) -> None:
    # Staged replay: resuming from every stored prefix (the trials still running at the
    # kill are lost) must give the very trials of the run that was never stopped,
    # including samplers that keep state in the study (QMC's counter, NSGA-II).
    from bakeoff.protocol import SearchSettings, tune
    from bakeoff.tuning import SearchSpace

    space = SearchSpace(
        {
            "x": {"type": "float", "low": -2.0, "high": 2.0},
            "y": {"type": "int", "low": 0, "high": 4},
        }
    )
    pruner = {
        "median": optuna.pruners.MedianPruner(n_startup_trials=2),
        "asha": optuna.pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=2),
    }.get(pruning or "")

    def objective(params: dict[str, Any], trial: Any) -> list[float]:
        for step in range(3):
            trial.report((params["x"] - 0.3) ** 2 + step * params["y"], step)
            if trial.should_prune():
                raise optuna.TrialPruned()
        trial.set_user_attr("y", params["y"])
        values = [(params["x"] - 0.3) ** 2 + params["y"]]
        return [*values, abs(params["x"])] if method == "nsga2" else values

    directions = ("minimize", "minimize") if method == "nsga2" else ("minimize",)
    options = {"population_size": 4} if method == "nsga2" else {}
    if method == "tpe":
        options = {"n_startup_trials": 3}
    settings = SearchSettings(
        directions=directions,
        method=method,
        n_trials=16,
        cell_seed=3,
        parallel=parallel,
        sampler_options=options,
        pruner=pruner,
    )

    def run_from(replayed: list[Any]) -> list[tuple[Any, ...]]:
        outcome = tune(
            space=space,
            objective=objective,
            settings=settings,
            replayed=replayed,
            on_trials=lambda _: None,
        )
        return [
            (r.number, r.state, r.params, r.values, r.intermediate, r.user_attrs)
            for r in outcome.records
        ]

    whole = tune(
        space=space, objective=objective, settings=settings, replayed=[], on_trials=lambda _: None
    ).records
    expected = run_from([])
    assert len({json.dumps(p[2], sort_keys=True) for p in expected}) > 5
    if pruner is not None:  # pruning happens, in the children too (ASHA's rungs)
        assert any(p[1] == "PRUNED" for p in expected)
    for cut in (1, 2, 4, 7, 11):
        assert run_from(whole[:cut]) == expected, f"resumed after {cut} trials"


def test_pruning_with_parallel_trials_is_deterministic(tmp_path: Path) -> None:
    urls = [f"sqlite:///{tmp_path / f'pp{i}.db'}" for i in range(2)]
    for url in urls:
        spec = lr_study(
            url, pruner="median", pruner_options={"n_startup_trials": 2}, parallel_trials=2
        )
        assert run(spec).exit_code == 0
    a, b = (bakeoff.trials("depth", storage=url) for url in urls)
    assert "PRUNED" in set(a["state"])
    columns = ["state", "steps", "value", "params", "fold_scores"]
    pd.testing.assert_frame_equal(a[columns], b[columns], check_exact=True)


# -- warm start ----------------------------------------------------------------------


def test_warm_start_begins_with_the_smaller_budgets_best_and_ignores_timing(
    tmp_path: Path,
) -> None:
    urls = {jobs: f"sqlite:///{tmp_path / f'warm{jobs}.db'}" for jobs in (1, 2)}
    for jobs, url in urls.items():
        spec = lr_study(url, method="tpe", n_trials=4, warm_start="budgets")
        spec["budgets"] = [40, 80, "full"]
        spec["execution"] = {"n_jobs": jobs}
        assert run(spec).exit_code == 0
    assert_same_numbers(stored_numbers("depth", urls[1]), stored_numbers("depth", urls[2]))
    results = bakeoff.results("depth", storage=urls[1]).set_index("budget")
    trials = bakeoff.trials("depth", storage=urls[1])
    first = trials[trials["number"] < 2].set_index(["budget", "number"])["params"]
    # Budget 80 starts from budget 40's best; full from 40's, then 80's (if different).
    assert json.loads(first[(80.0, 0)]) == json.loads(results.loc[40.0, "best_params"])
    assert json.loads(first[(np.inf, 0)]) == json.loads(results.loc[40.0, "best_params"])
    if results.loc[80.0, "best_params"] != results.loc[40.0, "best_params"]:
        assert json.loads(first[(np.inf, 1)]) == json.loads(results.loc[80.0, "best_params"])
    from bakeoff.store import Store

    with Store(urls[1]) as store:
        cells = store.cells_frame("depth")
    warm = {
        budget: json.loads(text)["n_warm_start"]
        for budget, text in zip(cells["budget"], cells["search_json"], strict=True)
    }
    distinct = len({results.loc[40.0, "best_params"], results.loc[80.0, "best_params"]})
    assert warm == {"40": 0, "80": 1, "full": distinct}
    # `bakeoff trials` marks the enqueued configurations, and only those.
    budgets = {"40": 40.0, "80": 80.0, "full": np.inf}
    for budget, n_warm in warm.items():
        cell = trials[trials["budget"] == budgets[budget]]
        assert cell["warm_start"].tolist() == [number < n_warm for number in cell["number"]]


# -- a finer resource ----------------------------------------------------------------


def test_xgboost_reports_boosting_rounds_and_is_pruned_inside_a_fold(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'rounds.db'}"
    spec = lr_study(url, method="random", n_trials=16, cv=3, pruner="median")
    spec["tuning"]["pruner_options"] = {"n_startup_trials": 3}
    spec["datasets"] = ["breast_cancer"]
    spec["models"] = [
        {
            "name": "xgboost",
            "params": {"n_estimators": 20},
            "search_space": {
                "learning_rate": {"type": "float", "low": 1e-4, "high": 0.5, "log": True}
            },
        }
    ]
    assert run(spec).exit_code == 0
    trials = bakeoff.trials("depth", storage=url)
    per_fit = bakeoff.models.get("xgboost").steps_per_fit
    complete = trials[trials["state"] == "COMPLETE"]
    pruned = trials[trials["state"] == "PRUNED"]
    # Every complete trial reported each checkpoint of each fold.
    assert (complete["steps"] == 3 * per_fit).all()
    assert len(pruned), "tiny learning rates must be pruned"
    # Some trial was stopped between two fold boundaries: inside a fit.
    assert (pruned["steps"] % per_fit != 0).any() or (pruned["steps"] < per_fit).any()
    # The objective is still the mean inner-fold accuracy of the finished fits.
    means = complete["fold_scores"].map(lambda f: float(np.mean(json.loads(f))))
    assert np.allclose(means, complete["value"], rtol=0, atol=1e-12)


@pytest.mark.parametrize("task", ["classification", "regression"])
def test_a_forest_grown_in_checkpoints_equals_one_grown_at_once(task: str) -> None:
    # The hook's contract: after fit_steps the pipeline is what pipeline.fit leaves
    # (scikit-learn seeds warm-started trees as one fit would).
    from sklearn.datasets import load_breast_cancer, load_diabetes
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import FunctionTransformer

    X, y = (load_breast_cancer if task == "classification" else load_diabetes)(
        return_X_y=True, as_frame=True
    )
    model = bakeoff.models.get("random_forest")
    assert model.resource == "trees"

    def pipeline() -> Pipeline:
        forest = model.build({"n_estimators": 23, "n_jobs": 1}, task=task, random_state=4)
        return Pipeline([("pass", FunctionTransformer()), ("model", forest)])

    seen: list[Any] = []
    stepped = pipeline()
    model.fit_steps(
        stepped, X[:300], y[:300], X_val=X[300:], on_step=lambda p, q: seen.append((p, q))
    )
    whole = pipeline().fit(X[:300], y[:300])
    assert len(seen) == model.steps_per_fit
    assert len(stepped[-1].estimators_) == 23 and not stepped[-1].warm_start
    np.testing.assert_array_equal(stepped.predict(X[300:]), whole.predict(X[300:]))
    np.testing.assert_array_equal(seen[-1][0], whole.predict(X[300:]))
    if task == "classification":
        np.testing.assert_array_equal(stepped.predict_proba(X[300:]), whole.predict_proba(X[300:]))
    # Each checkpoint predicts what a forest of that many trees predicts (scikit-learn's
    # own predict / predict_proba on a forest grown at once to that size), exactly.
    sizes = [math.ceil(23 * (i + 1) / model.steps_per_fit) for i in range(model.steps_per_fit)]
    for size, (y_pred, proba) in zip(sizes, seen, strict=True):
        forest = model.build({"n_estimators": size, "n_jobs": 1}, task=task, random_state=4)
        alone = Pipeline([("pass", FunctionTransformer()), ("model", forest)]).fit(X[:300], y[:300])
        np.testing.assert_array_equal(y_pred, alone.predict(X[300:]))
        if task == "classification":
            np.testing.assert_array_equal(proba, alone.predict_proba(X[300:]))


def test_a_random_forest_is_pruned_while_its_trees_grow(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'trees.db'}"
    spec = lr_study(url, method="random", n_trials=10, cv=3, pruner="median")
    spec["tuning"]["pruner_options"] = {"n_startup_trials": 3}
    spec["datasets"] = ["breast_cancer"]
    spec["models"] = [
        {
            "name": "random_forest",
            "params": {"n_estimators": 10},
            "search_space": {"max_depth": {"type": "int", "low": 1, "high": 8}},
        }
    ]
    assert run(spec).exit_code == 0
    trials = bakeoff.trials("depth", storage=url)
    per_fit = bakeoff.models.get("random_forest").steps_per_fit
    complete = trials[trials["state"] == "COMPLETE"]
    pruned = trials[trials["state"] == "PRUNED"]
    assert (complete["steps"] == 3 * per_fit).all()
    assert len(pruned), "stumps must be pruned beside deeper trees"
    assert (pruned["steps"] % per_fit != 0).any() or (pruned["steps"] < per_fit).any()


def test_warm_start_from_earlier_seeds(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'seeds.db'}"
    spec = lr_study(url, method="tpe", n_trials=3, warm_start="seeds")
    spec["seeds"] = [7, 3]
    assert run(spec).exit_code == 0
    results = bakeoff.results("depth", storage=url).set_index("seed")
    trials = bakeoff.trials("depth", storage=url).set_index(["seed", "number"])
    # Seeds count in the spec's order: 3 starts from 7's best, 7 from nothing.
    assert json.loads(trials.loc[(3, 0), "params"]) == json.loads(results.loc[7, "best_params"])


@pytest.mark.parametrize(
    ("tuning", "expected"),
    [
        ({"pruner": "median", "pruner_options": {"n_startup": 3}}, "tuning.pruner_options"),
        ({"pruner": "asha", "pruner_options": {"min_resource": "auto"}}, "resumed cell"),
        (
            {"objectives": ["accuracy", "f1_macro"], "selection": "weighted"},
            "needs a weight for each objective",
        ),
        ({"selection": "knee"}, "objectives has one"),
        ({"objectives": ["fit_seconds"]}, "fit_seconds alone"),
        ({"method": "auto", "sampler_options": {"seed": 1}}, "method auto picks the sampler"),
        ({"parallel_trials": 0}, "parallel_trials"),
        (
            {"method": "cmaes", "objectives": ["accuracy", "f1_macro"]},
            "cmaes cannot search several objectives",
        ),
    ],
)
def test_bad_tuning_settings_are_one_clear_message(
    tmp_path: Path, write_study: Any, tuning: dict[str, Any], expected: str
) -> None:
    spec = lr_study(f"sqlite:///{tmp_path / 'x.db'}", **tuning)
    done = run_cli("validate", str(write_study(spec)))
    assert done.returncode == 2, done.stdout
    message = " ".join(done.stderr.split())
    assert expected in message and "Traceback" not in message


@pytest.mark.parametrize(
    ("n_jobs", "parallel", "cores", "expected"),
    [(4, 1, 2, 4), (2, 2, 8, 2), (4, 2, 4, 2), (3, 4, 2, 1), (1, 8, 2, 1)],
)
def test_cell_workers_never_oversubscribe_the_cores_through_parallel_trials(
    n_jobs: int, parallel: int, cores: int, expected: int
) -> None:
    from bakeoff._study import cell_workers

    notes: list[str] = []
    assert cell_workers(n_jobs, parallel, cores, notes) == expected
    # n_jobs alone is the user's choice (it never changes results), and so is one
    # worker running more trial processes than cores: only the product is reduced.
    assert bool(notes) == (expected < n_jobs)


def test_fit_seconds_as_an_objective_is_the_cost_beside_the_primary_metric(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'cost.db'}"
    spec = lr_study(url, n_trials=4, objectives=["fit_seconds", "accuracy"])
    assert run(spec).exit_code == 0
    trials = bakeoff.trials("depth", storage=url)
    assert (trials["value_fit_seconds"] > 0).all()
    # value is the first objective; the fold scores are the primary metric's.
    assert trials["value"].equals(trials["value_fit_seconds"])
    means = trials["fold_scores"].map(lambda f: float(np.mean(json.loads(f))))
    assert np.allclose(means, trials["value_accuracy"], rtol=0, atol=1e-12)
    results = bakeoff.results("depth", storage=url)
    # accuracy leads the metrics (fit_seconds is not scored on the test rows).
    assert "test_accuracy" in results and "test_fit_seconds" not in results


def test_xgboost_trials_in_forked_children_do_not_hang_on_openmp(
    tmp_path: Path, write_study: Any
) -> None:
    # A forked child inherits OpenMP's runtime but not its threads; XGBoost's first
    # parallel region then waited forever for them (every trial "ran past" its limit).
    url = f"sqlite:///{tmp_path / 'omp.db'}"
    spec = lr_study(url, n_trials=4, cv=2, trial_timeout=60, parallel_trials=2)
    spec["datasets"] = ["breast_cancer"]
    spec["models"] = [{"name": "xgboost", "params": {"n_estimators": 20}}]
    done = run_cli("run", str(write_study(spec)), timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    trials = bakeoff.trials("depth", storage=url)
    assert (trials["state"] == "COMPLETE").all() and len(trials) == 4
