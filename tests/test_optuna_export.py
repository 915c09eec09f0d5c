"""`bakeoff export optuna`: each cell's search opens in Optuna as any study does."""

from __future__ import annotations

import json

import optuna
import pytest

import bakeoff
from bakeoff._optuna_export import cell_study_name
from tests.conftest import run_cli, tiny_study


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str, list[str]]:
    folder = tmp_path_factory.mktemp("optuna")
    url = f"sqlite:///{folder / 'b.db'}"
    spec = tiny_study(
        study="opt",
        datasets=["iris", "diabetes"],
        models=["random_forest"],
        budgets=[60, "full"],
        seeds=1,
        metrics={"classification": ["accuracy"], "regression": ["rmse", "r2"]},
        tuning={"method": "random", "n_trials": 4, "cv": 2},
        storage=url,
    )
    assert bakeoff.Study(**spec).run(progress=False).exit_code == 0
    to = f"sqlite:///{folder / 'optuna.db'}"
    completed = run_cli("export", "optuna", "opt", "--storage", url, "--to", to)
    assert completed.returncode == 0, completed.stderr
    return url, to, completed.stdout


def test_every_cell_is_an_optuna_study_with_its_trials(exported) -> None:
    url, to, _ = exported
    results = bakeoff.results("opt", storage=url)
    trials = bakeoff.trials("opt", storage=url)
    names = set(optuna.get_all_study_names(storage=to))
    assert len(names) == len(results) == 4
    for cell in results.itertuples():
        name = cell_study_name("opt", cell.model, cell.dataset, cell.budget, cell.seed)
        assert name in names
        study = optuna.load_study(study_name=name, storage=to)
        mine = trials[trials["cell_key"] == cell.cell_key]
        assert len(study.trials) == len(mine) == 4
        # Optuna's own best trial is bakeoff's: same value (the cell's cv score), params.
        objective = "accuracy" if cell.dataset == "iris" else "rmse"
        assert study.direction.name == ("MAXIMIZE" if objective == "accuracy" else "MINIMIZE")
        assert study.best_value == getattr(cell, f"cv_{objective}")
        assert study.best_params == json.loads(cell.best_params)
        assert study.user_attrs["cell_key"] == cell.cell_key
        # Fold scores are its intermediate values, as they were reported for pruning.
        first = study.trials[0]
        assert list(first.intermediate_values) == [0, 1]
        assert first.datetime_start is not None and first.datetime_complete is not None


def test_optuna_visualization_draws_it(exported) -> None:
    pytest.importorskip("plotly")
    _, to, _ = exported
    name = sorted(optuna.get_all_study_names(storage=to))[0]
    study = optuna.load_study(study_name=name, storage=to)
    figure = optuna.visualization.plot_optimization_history(study)
    assert len(figure.data[0].x) == 4


def test_exporting_again_replaces_the_studies(exported) -> None:
    url, to, _ = exported
    again = run_cli("export", "optuna", "opt", "--storage", url, "--to", to)
    assert again.returncode == 0, again.stderr
    for name in optuna.get_all_study_names(storage=to):
        assert len(optuna.load_study(study_name=name, storage=to).trials) == 4


def test_a_study_with_several_objectives_exports_as_multi_objective_studies(
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    # Found by a new-user review: the export made single-objective studies and crashed
    # on trials with two values.
    url = f"sqlite:///{tmp_path / 'mo.db'}"
    spec = tiny_study(
        study="mo",
        models=["logistic_regression"],
        budgets=["full"],
        seeds=1,
        metrics=["accuracy", "f1_macro"],
        tuning={
            "method": "random",
            "n_trials": 3,
            "cv": 2,
            "objectives": ["accuracy", "fit_seconds"],
        },
        storage=url,
    )
    assert bakeoff.Study(**spec).run(progress=False).exit_code == 0
    to = f"sqlite:///{tmp_path / 'optuna.db'}"
    completed = run_cli("export", "optuna", "mo", "--storage", url, "--to", to)
    assert completed.returncode == 0, completed.stderr
    (summary,) = optuna.get_all_study_summaries(to)
    loaded = optuna.load_study(study_name=summary.study_name, storage=to)
    assert [d.name for d in loaded.directions] == ["MAXIMIZE", "MINIMIZE"]
    trials = bakeoff.trials("mo", storage=url)
    stored = [json.loads(v) for v in trials.sort_values("number")["params"]]
    assert [t.params for t in loaded.trials] == stored
    assert all(len(t.values) == 2 for t in loaded.trials)
    assert loaded.user_attrs["objectives"] == ["accuracy", "fit_seconds"]
