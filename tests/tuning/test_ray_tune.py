"""tuning.method: ray_tune: Ray Tune's schedulers over a cell's trials, with a real Ray
runtime; the trials land in the store like any other's and `bakeoff trials` reads them."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

import bakeoff
from tests.conftest import cli_env, run_cli, tiny_study
from tests.executors.test_ray import WITHOUT_RAY

# With pytest -n, every test that starts a Ray runtime runs on the same worker, one after
# another, as without -n: runtimes of two workers would fight over the two cores and ports.
pytestmark = pytest.mark.xdist_group("ray")

#: Iris with a small forest: 2 inner folds × 5 checkpoints (trees) = 10 steps a trial.
FOREST_SPACE = {
    "max_depth": {"type": "int", "low": 1, "high": 8},
    "n_estimators": {"type": "int", "low": 4, "high": 30},
}


def ray_tune_study(tuning: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    spec = tiny_study(
        study="rt",
        models=[
            {
                "name": "random_forest",
                "params": {"min_samples_split": 2, "max_features": "sqrt"},
                "search_space": FOREST_SPACE,
            }
        ],
        budgets=["full"],
        seeds=1,
        tuning={"method": "ray_tune", "n_trials": 10, "cv": 2, **tuning},
        metrics=["accuracy"],
    )
    spec.update(overrides)
    return spec


def run_study(tmp_path: Path, spec: dict[str, Any]) -> tuple[str, pd.DataFrame]:
    """Run through `bakeoff run` and read the trials back through `bakeoff trials`."""
    db = tmp_path / "rt.db"
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    completed = run_cli("run", str(path), "--storage", f"sqlite:///{db}", timeout=600)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "1 cells: 1 complete" in completed.stdout, completed.stdout
    listed = run_cli("trials", "rt", "--storage", f"sqlite:///{db}", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    return f"sqlite:///{db}", pd.DataFrame(json.loads(listed.stdout))


def asha_decisions(trials: pd.DataFrame, *, rungs: list[int], eta: float) -> dict[int, bool]:
    """Which trials ASHA should have stopped, from their stored values, by the rung rule
    of Li et al. (2020): a trial reaching a rung goes on only if its score is not below
    the top-1/η cut (the (1 - 1/η) quantile) of the scores recorded at that rung before
    it. Trials run one at a time here, so "before" is number order."""
    recorded: dict[int, list[float]] = {r: [] for r in rungs}
    stopped = {}
    for row in trials.sort_values("number").itertuples():
        values = {int(k): v for k, v in json.loads(row.intermediate).items()}
        stopped[row.number] = False
        for rung in rungs:
            step = rung - 1  # resource r is reached at step r - 1
            if step not in values:
                break
            earlier = recorded[rung]
            cut = np.percentile(earlier, (1 - 1 / eta) * 100) if earlier else None
            recorded[rung].append(values[step])
            if cut is not None and values[step] < cut:
                stopped[row.number] = True
                break
    return stopped


@pytest.mark.slow
def test_asha_stops_trials_at_its_rungs_and_the_best_is_refitted(tmp_path: Path) -> None:
    url, listed = run_study(tmp_path, ray_tune_study({"scheduler": "asha"}))
    assert len(listed) == 10
    assert set(listed["state"]) <= {"COMPLETE", "PRUNED"}
    # Grace period 1, η = 4, 10 steps: rungs at resources 1 and 4 (16 is past the end).
    stored = bakeoff.trials("rt", storage=url)
    pruned = listed[listed["state"] == "PRUNED"]
    assert len(pruned) >= 1, listed[["number", "state", "steps", "value"]]
    assert set(pruned["steps"]) <= {1, 4}
    assert (listed.loc[listed["state"] == "COMPLETE", "steps"] == 10).all()
    # Every stop, and only those, as the rung rule says from the stored values.
    from bakeoff.store import Store

    with Store(url) as store:
        raw = store.trials_frame("rt")
    expected = asha_decisions(
        raw.rename(columns={"intermediate_json": "intermediate"}), rungs=[1, 4], eta=4
    )
    states = dict(zip(stored["number"], stored["state"], strict=True))
    assert {n: s == "PRUNED" for n, s in states.items()} == expected
    # The cell refits its best complete trial, as with the other methods.
    result = bakeoff.results("rt", storage=url).iloc[0]
    complete = listed[listed["state"] == "COMPLETE"]
    best = complete.sort_values(["value", "number"], ascending=[False, True]).iloc[0]
    assert json.loads(result["best_params"]) == json.loads(best["params"])
    assert result["cv_accuracy"] == pytest.approx(best["value"])


@pytest.mark.slow
def test_pbt_records_which_trial_each_cloned_and_the_parameters_it_moved_to(
    tmp_path: Path,
) -> None:
    spec = ray_tune_study(
        {
            "scheduler": "pbt",
            "n_trials": 6,
            "parallel_trials": 2,
            # Half the population is below the cut: perturbations are certain.
            "scheduler_options": {"quantile_fraction": 0.5},
        }
    )
    # Numbers only (the forest's max_depth is categorical): fixed, or ranges.
    spec["models"][0]["params"] = {"max_depth": 3, "n_estimators": 20}
    spec["models"][0]["search_space"] = {
        "max_features": {"type": "float", "low": 0.1, "high": 1.0},
        "min_samples_leaf": {"type": "int", "low": 1, "high": 20},
    }
    _, listed = run_study(tmp_path, spec)
    assert (listed["state"] == "COMPLETE").all()
    perturbed = listed[listed["perturbations"].notna()]
    assert len(perturbed) >= 1
    numbers = set(listed["number"])
    for row in perturbed.itertuples():
        moves = json.loads(row.perturbations)
        for move in moves:
            assert move["source"] in numbers and move["source"] != row.number
            # Exploit then explore: the clone's parameters, perturbed (×1.2, ×0.8 or
            # resampled), so they differ from the source's.
            assert move["new_params"] != move["source_params"]
            assert 0.1 <= move["new_params"]["max_features"] <= 1.0
            assert 1 <= move["new_params"]["min_samples_leaf"] <= 20
            assert 0 <= move["step"] < 10
        # Once per perturbation point at most (asynchronous PBT cloned one trial back to
        # the same step again and again).
        steps = [move["step"] for move in moves]
        assert len(steps) == len(set(steps)), steps
        # The trial ends with the parameters of its last perturbation, which are those
        # its value was computed with (bakeoff refits from scratch at a perturbation).
        assert json.loads(row.params) == moves[-1]["new_params"]


def run_refused(tmp_path: Path, spec: dict[str, Any], *prefix: str) -> str:
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    db = tmp_path / "refused.db"
    completed = subprocess.run(
        [*prefix, "run", str(path), "--storage", f"sqlite:///{db}"]
        if prefix
        else [sys.executable, "-m", "bakeoff", "run", str(path), "--storage", f"sqlite:///{db}"],
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 2, completed.stdout + completed.stderr
    assert "Traceback" not in completed.stderr
    assert not db.exists()
    return " ".join(completed.stderr.split())


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"models": ["logistic_regression"]},
            "models[0] (logistic_regression): tuning.method: ray_tune needs a model that "
            "reports its training as it goes",
        ),
        (
            {"tuning": {"method": "ray_tune", "scheduler": "pbt"}, "search_space": True},
            "scheduler: pbt perturbs numbers (×1.2, ×0.8) in running trials, but "
            "'max_depth' is categorical",
        ),
        ({"tuning": {"method": "ray_tune", "scheduler": "median"}}, "tuning.scheduler"),
        (
            {"tuning": {"method": "tpe", "scheduler": "asha"}},
            "scheduler is a setting of Ray Tune, but method is 'tpe'",
        ),
        (
            {"tuning": {"method": "ray_tune", "pruner": "median"}},
            "method: ray_tune stops trials with its scheduler",
        ),
        (
            {"tuning": {"method": "ray_tune", "warm_start": "seeds"}},
            "warm_start: seeds is not supported with method: ray_tune",
        ),
        (
            {"tuning": {"method": "ray_tune", "scheduler_options": {"grace": 2}}},
            "tuning.scheduler_options: Ray Tune's 'asha' scheduler refuses them (grace)",
        ),
    ],
)
def test_bad_ray_tune_settings_exit_2_with_nothing_written(
    tmp_path: Path, change: dict[str, Any], expected: str
) -> None:
    spec = ray_tune_study({})
    if change.pop("search_space", False):
        # The forest's own space: max_depth is categorical (None, 10, 20, 30).
        del spec["models"][0]["search_space"]
        spec["models"][0]["params"] = {}
    if "tuning" in change:
        spec["tuning"] = {"n_trials": 4, "cv": 2, **change.pop("tuning")}
    spec.update(change)
    text = run_refused(tmp_path, spec)
    assert expected in text, text
    if "median" in expected or expected == "tuning.scheduler":
        assert "asha" in text and "pbt" in text  # the choices


def test_without_ray_ray_tune_names_the_extra(tmp_path: Path) -> None:
    text = run_refused(tmp_path, ray_tune_study({}), sys.executable, "-c", WITHOUT_RAY)
    assert "tuning.method: ray_tune needs the Python package 'ray" in text, text
    assert 'pip install "bakeoff[ray]"' in text


@pytest.mark.slow
def test_one_trial_at_a_time_gives_the_same_trials_twice(tmp_path: Path) -> None:
    # One trial at a time, ASHA's rungs and TPE see the same history on every run, so
    # the same spec gives the same trials (docs/tuning.md: not so with several at once).
    spec = ray_tune_study({"scheduler": "asha", "n_trials": 6})
    runs = []
    for name in ("first", "second"):
        folder = tmp_path / name
        folder.mkdir()
        url, listed = run_study(folder, spec)
        scores = bakeoff.results("rt", storage=url)[["cv_accuracy", "test_accuracy"]]
        runs.append((listed[["number", "state", "steps", "value", "params"]], scores))
    pd.testing.assert_frame_equal(runs[0][0], runs[1][0])
    pd.testing.assert_frame_equal(runs[0][1], runs[1][1])


@pytest.fixture(scope="module")
def ray_runtime() -> Iterator[None]:
    """A private Ray runtime in this process for the module (stopped after it: the
    executor tests start their own)."""
    import os

    import ray

    path = os.pathsep.join(p for p in sys.path if p and os.path.isdir(p))
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        runtime_env={"env_vars": {"PYTHONPATH": path}},
    )
    yield
    ray.shutdown()


@pytest.mark.slow
def test_a_resumed_search_keeps_its_stored_trials_and_runs_the_rest(ray_runtime) -> None:
    from bakeoff.protocol._ray_tune import RayTuneSettings, tune_with_ray
    from bakeoff.tuning import SearchSpace

    space = SearchSpace({"x": {"type": "float", "low": 0.0, "high": 1.0}})

    def objective(params: dict[str, Any], trial: Any) -> list[float]:
        for step in range(4):
            trial.report(params["x"] * (step + 1) / 4, step)
        trial.set_user_attr("fold_scores", [params["x"]])
        return [params["x"]]

    def settings(n_trials: int) -> RayTuneSettings:
        return RayTuneSettings(
            direction="maximize",
            n_trials=n_trials,
            cell_seed=7,
            scheduler="fifo",
            n_steps=4,
            steps_per_fit=2,
        )

    stored: list[Any] = []
    first = tune_with_ray(
        space=space, objective=objective, settings=settings(3), replayed=[], on_trials=stored.extend
    )
    assert [r.number for r in first.records] == [0, 1, 2] == sorted(r.number for r in stored)
    # Each trial's value is what its objective returned, its steps what it reported.
    for record in first.records:
        assert record.state == "COMPLETE"
        assert record.values == [record.params["x"]]
        assert record.intermediate == {s: record.params["x"] * (s + 1) / 4 for s in range(4)}
    # An interrupted cell's next run: the stored trials are kept, the rest numbered after.
    more: list[Any] = []
    resumed = tune_with_ray(
        space=space,
        objective=objective,
        settings=settings(5),
        replayed=list(first.records),
        on_trials=more.extend,
    )
    assert sorted(r.number for r in more) == [3, 4]
    assert [r.number for r in resumed.records[:3]] == [0, 1, 2]
    assert sorted(r.number for r in resumed.records) == [0, 1, 2, 3, 4]
    assert resumed.records[:3] == first.records
