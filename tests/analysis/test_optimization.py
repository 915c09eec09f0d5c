"""The optimisation account, on real Optuna studies whose answers are known by design."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import optuna
import pandas as pd
import pytest

import bakeoff
from bakeoff.analysis import TRIAL_COLUMNS, optimization
from bakeoff.analysis._search import convergence, history, sensitivity
from tests.conftest import run_cli

optuna.logging.set_verbosity(optuna.logging.WARNING)


def rows_of(study: optuna.Study, *, model: str = "m", dataset: str = "d") -> list[dict[str, Any]]:
    """An Optuna study's trials as rows of the table ``optimization`` accepts."""
    direction = (
        "maximize" if study.direction == optuna.study.StudyDirection.MAXIMIZE else "minimize"
    )
    return [
        {
            "model": model,
            "dataset": dataset,
            "budget": "full",
            "seed": 0,
            "number": t.number,
            "state": t.state.name,
            "values": t.values,
            "params": t.params,
            "distributions": t.distributions,
            "objective": "score",
            "direction": direction,
        }
        for t in study.trials
    ]


def searched(objective: Any, n: int, direction: str = "minimize", seed: int = 0) -> optuna.Study:
    study = optuna.create_study(direction=direction, sampler=optuna.samplers.RandomSampler(seed))
    study.optimize(objective, n_trials=n)
    return study


def only_x(trial: optuna.Trial) -> float:
    x = trial.suggest_float("x", 0.0, 1.0)
    trial.suggest_float("y", 0.0, 1.0)  # sampled, never used
    return (x - 0.3) ** 2


def test_a_parameter_the_objective_ignores_has_no_importance() -> None:
    table = pd.DataFrame(rows_of(searched(only_x, 60)))
    cell = optimization(table, seed=1).cells[0]
    # The objective is a function of x alone: all of its variance is x's.
    assert cell["importance"]["fanova"]["x"] > 0.9
    assert cell["importance"]["fanova"]["y"] < 0.05
    assert cell["importance"]["ped_anova"]["x"] > cell["importance"]["ped_anova"]["y"]
    assert math.isclose(sum(cell["importance"]["fanova"].values()), 1.0)


def test_the_same_seed_gives_the_same_importances() -> None:
    table = pd.DataFrame(rows_of(searched(only_x, 40)))
    first = optimization(table, seed=7).cells[0]["importance"]
    assert optimization(table, seed=7).cells[0]["importance"] == first


def test_history_keeps_the_running_best() -> None:
    steps = history([0, 1, 2, 3, 4, 5], [0.5, 0.7, 0.6, 0.9, 0.95, 0.94], "maximize")
    assert [s["best"] for s in steps] == [0.5, 0.7, 0.7, 0.9, 0.95, 0.95]
    steps = history([0, 1, 2], [3.0, 4.0, 1.0], "minimize")
    assert [s["best"] for s in steps] == [3.0, 3.0, 1.0]


@pytest.mark.parametrize(
    ("values", "direction", "within", "improvement"),
    [
        # Maximised, positive: within 1 % of 0.95 means >= 0.9405 (0.941 at trial 1);
        # 99 % of the improvement from 0.90 means >= 0.9495 (trial 2).
        ([0.90, 0.941, 0.95], "maximize", 1, 2),
        # Minimised, positive (an rmse): within 1 % of 4.0 means <= 4.04 (trial 2).
        # 99 % of the way from 10 to 4 means <= 4.06 (trial 2 too).
        ([10.0, 5.0, 4.03, 4.0], "minimize", 2, 2),
        # Minimised, negative: "best >= 0.99 * final" would hold at trial 0 (-1 >= -2.475);
        # within 1 % of |-2.5| means within 0.025: -2.48 at trial 2. 99 % of the way
        # from -1 to -2.5 means <= -2.485: trial 3.
        ([-1.0, -2.0, -2.48, -2.5], "minimize", 2, 3),
        # Maximised, negative (a negated loss): within 0.005 of -0.5: -0.504 at trial 2;
        # 99 % of the way from -0.7 to -0.5 means >= -0.502: trial 3.
        ([-0.7, -0.6, -0.504, -0.5], "maximize", 2, 3),
    ],
)
def test_convergence_is_defined_for_any_sign_and_direction(
    values: list[float], direction: str, within: int, improvement: int
) -> None:
    found = convergence(list(range(len(values))), values, direction)
    assert found["trial"] == within
    assert found["improvement_trial"] == improvement
    assert found["final_best"] == (max(values) if direction == "maximize" else min(values))


def test_sensitivity_of_the_top_and_of_all() -> None:
    values = [float(v) for v in range(1, 21)]
    spread = sensitivity(values, "maximize", 0.1)
    # ceil(0.1 * 20) = 2 best: 19 and 20.
    assert spread["top"]["n"] == 2 and spread["top"]["range"] == 1.0
    assert spread["all"]["range"] == 19.0
    assert math.isclose(spread["all"]["sd"], math.sqrt(35.0))  # var of 1..n is n(n+1)/12
    assert math.isclose(spread["top_to_all"], 1 / 19)
    # Ties with the last of the top are in the top, whatever their order.
    assert sensitivity([1.0, 1.0, 1.0, 0.0], "maximize", 0.1)["top"]["n"] == 3


def test_only_complete_trials_are_scored_on_their_first_objective() -> None:
    study = searched(only_x, 10)
    rows = rows_of(study)
    for row in rows:
        row["values"] = [row["values"][0], 1000.0]  # a second objective, ignored
    rows.append({**rows[0], "number": 10, "state": "PRUNED", "values": None})
    rows.append({**rows[0], "number": 11, "state": "FAIL", "values": None})
    cell = optimization(pd.DataFrame(rows)).cells[0]
    assert (cell["n_trials"], cell["n_complete"], cell["n_pruned"], cell["n_failed"]) == (
        12,
        10,
        1,
        1,
    )
    assert [s["value"] for s in cell["history"]] == [t.values[0] for t in study.trials]
    assert cell["convergence"]["final_best"] == study.best_value


def lr_objective(trial: optuna.Trial) -> float:
    lr = trial.suggest_float("learning_rate", 0.001, 0.5)
    trial.suggest_categorical("booster", ["gbtree", "dart"])
    return -((lr - 0.05) ** 2)


def test_a_range_never_in_the_top_is_recommended_against_with_its_numbers() -> None:
    rows = []
    top_values = []
    for i, dataset in enumerate(["a", "b", "c"]):
        study = searched(lr_objective, 40, direction="maximize", seed=i)
        rows += rows_of(study, model="xgb", dataset=dataset)
        # This cell's top 10 %: the ceil(4) trials with the largest values.
        best = sorted(study.trials, key=lambda t: -t.value)[:4]
        top_values += [t.params["learning_rate"] for t in best]
    account = optimization(pd.DataFrame(rows))
    advice = [
        r
        for r in account.recommendations
        if r["kind"] == "range"
        and r["parameter"] == "learning_rate"
        and r["evidence"]["side"] == "above"
    ]
    assert len(advice) == 1
    bound = max(top_values)
    tried = [row["params"]["learning_rate"] for row in rows]
    assert advice[0]["evidence"]["bound"] == bound
    assert advice[0]["evidence"]["n_outside"] == sum(v > bound for v in tried)
    assert f"learning_rate above {bound:.3g} was never in the top 10%" in advice[0]["text"]
    assert "3 cells (3 datasets)" in advice[0]["text"]
    model = account.models[0]
    assert model["n_cells"] == 3 and model["n_complete"] == 120
    # The objective ignores booster: learning_rate dominates on average.
    fanova = model["importance"]["fanova"]
    assert next(iter(fanova)) == "learning_rate" and fanova["booster"]["mean"] < 0.1


def test_the_table_must_have_the_columns() -> None:
    with pytest.raises(ValueError, match="lacks the columns"):
        optimization(pd.DataFrame({"model": ["m"]}))
    assert set(TRIAL_COLUMNS) >= {"values", "params", "distributions"}


def test_a_stored_study_is_accounted_for_by_the_command(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'b.db'}"
    spec = {
        "study": "searched",
        "datasets": ["iris"],
        "models": [
            {
                "name": "random_forest",
                "params": {"n_estimators": 5},
                "search_space": {
                    "max_depth": {"type": "int", "low": 1, "high": 6},
                    "min_samples_leaf": {"type": "int", "low": 1, "high": 20},
                },
            },
            {"name": "logistic_regression", "tune": False},
        ],
        "seeds": 2,
        "tuning": {"method": "random", "n_trials": 12, "cv": 2},
    }
    study = bakeoff.Study(**spec)
    assert study.run(storage=url, progress=False).exit_code == 0
    # What was searched: the resolved space (defaults with the overrides, minus fixed).
    cell = next(c for c in study.cells() if c.model == "random_forest")
    space = {name for name, _ in cell.definition["model"]["search_space"]}
    done = run_cli("optimization", "searched", "-s", url, "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    assert "random_forest" in done.stdout
    document = json.loads((tmp_path / "out" / "optimization.json").read_text())
    assert document["settings"]["n_cells_without_search"] == 2  # the untuned model's
    results = bakeoff.results("searched", storage=url).set_index("seed")
    for cell in document["cells"]:
        best = [s["best"] for s in cell["history"]]
        assert len(best) == 12 and best == list(np.maximum.accumulate(best))
        # The final running best is the inner-CV score the cell refitted with.
        stored = results[results["model"] == "random_forest"].loc[cell["seed"], "cv_accuracy"]
        assert best[-1] == stored
        assert set(cell["importance"]["fanova"]) == space
    assert run_cli("optimization", "nosuch", "-s", url).returncode == 2


def test_importance_waits_for_enough_complete_trials() -> None:
    few = rows_of(searched(only_x, 6), dataset="few")
    many = rows_of(searched(only_x, 30, seed=1), dataset="many")
    account = optimization(pd.DataFrame(few + many), min_trials=10)
    by_dataset = {c["dataset"]: c for c in account.cells}
    assert "fewer than the 10" in by_dataset["few"]["importance"]["fanova"]["error"]
    assert by_dataset["many"]["importance"]["fanova"]["x"] > 0.9
    # The model's mean is over the one cell that had enough trials.
    assert account.models[0]["importance"]["fanova"]["x"]["n_cells"] == 1
