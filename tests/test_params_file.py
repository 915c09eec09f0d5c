"""The tuned-parameter cache: ``bakeoff params export``, then ``tuning.params_from``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import joblib
import pytest
import yaml

import bakeoff
from bakeoff.exceptions import SpecError
from bakeoff.store import Store
from tests.conftest import run_cli


def regression_study(name: str, **overrides: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "study": name,
        "seed": 3,
        "datasets": ["diabetes"],
        "models": [
            "ridge",
            {
                "name": "random_forest",
                "params": {"n_estimators": 10},
                "search_space": {"max_depth": {"type": "int", "low": 1, "high": 6}},
            },
        ],
        "budgets": [60, "full"],
        "seeds": [0],
        "metrics": ["rmse", "r2"],
        "tuning": {"method": "tpe", "n_trials": 4, "cv": 2},
        "artifacts": {"models": True},
    }
    spec.update(overrides)
    return spec


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A real tuned study and its parameters file, written by the CLI."""
    folder = tmp_path_factory.mktemp("params")
    url = f"sqlite:///{folder / 'b.db'}"
    summary = bakeoff.Study(**regression_study("source"), base_dir=folder).run(
        storage=url, progress=False
    )
    assert summary.exit_code == 0
    done = run_cli("params", "export", "source", "-o", "params.yaml", "--storage", url, cwd=folder)
    assert done.returncode == 0, done.stderr
    return folder, url


def by_combination(table: Any) -> dict[tuple[str, float], Any]:
    return {(row.model, row.budget): row for row in table.itertuples()}


def test_the_file_names_each_combination_with_where_it_came_from(exported) -> None:
    folder, url = exported
    document = yaml.safe_load((folder / "params.yaml").read_text())
    source = by_combination(bakeoff.results("source", storage=url))
    assert document["format"] == "bakeoff-params/1" and document["study"] == "source"
    # 2 models × 1 dataset × 2 budgets, one seed each.
    assert len(document["params"]) == 4
    for entry in document["params"]:
        budget = float("inf") if entry["budget"] == "full" else float(entry["budget"])
        cell = source[(entry["model"], budget)]
        assert entry["params"] == json.loads(cell.best_params)
        assert entry["cell_key"] == cell.cell_key
        assert entry["cv_score"] == cell.cv_rmse
        assert entry["test_scores"]["rmse"] == cell.test_rmse
        assert entry["objective"] == "rmse" and entry["direction"] == "minimize"


def test_a_study_runs_every_cell_with_the_exported_params(exported) -> None:
    folder, url = exported
    spec = regression_study("reuse", tuning={"params_from": "params.yaml", "cv": 2})
    study = bakeoff.Study(**spec, base_dir=folder)
    assert study.spec.tuning.method == "none"  # implied by params_from
    assert study.run(storage=url, progress=False).exit_code == 0
    source = by_combination(bakeoff.results("source", storage=url))
    reused = by_combination(bakeoff.results("reuse", storage=url))
    assert reused.keys() == source.keys()
    for combination, cell in reused.items():
        tuned = json.loads(source[combination].best_params)
        assert tuned, "the source study searched something"
        assert cell.n_trials == 1
        # The refitted model itself carries the source study's best parameters.
        estimator = joblib.load(cell.artifact_path)[-1]
        assert {k: estimator.get_params()[k] for k in tuned} == tuned
        if combination[0] == "ridge":
            # Ridge is deterministic and the outer split and budget rows depend on the
            # study seed, the data and the seed only: the same test rows, the same score.
            assert cell.test_rmse == source[combination].test_rmse
            assert cell.test_r2 == source[combination].test_r2


def test_the_params_enter_the_cell_keys(exported, tmp_path: Path) -> None:
    folder, _ = exported
    spec = regression_study("reuse", tuning={"params_from": str(folder / "params.yaml")})
    keys = {c.key for c in bakeoff.Study(**spec).cells()}
    document = yaml.safe_load((folder / "params.yaml").read_text())
    document["params"][0]["params"] = {
        k: (v * 2 if isinstance(v, (int, float)) else v)
        for k, v in document["params"][0]["params"].items()
    }
    changed = tmp_path / "changed.yaml"
    changed.write_text(yaml.safe_dump(document, sort_keys=False))
    spec = regression_study("reuse", tuning={"params_from": str(changed)})
    other = {c.key for c in bakeoff.Study(**spec).cells()}
    assert len(keys - other) == 1  # exactly the edited entry's cell


def test_missing_entries_are_one_error_naming_them_and_nothing_is_written(exported) -> None:
    folder, url = exported
    spec = regression_study("incomplete", budgets=[30, 60, "full"])
    spec["tuning"] = {"method": "none", "params_from": "params.yaml"}
    (folder / "incomplete.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    done = run_cli("run", "incomplete.yaml", "--storage", url, cwd=folder)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    message = " ".join(done.stderr.split())
    assert "tuning.params_from" in message
    assert "ridge × diabetes × 30" in message and "random_forest × diabetes × 30" in message
    assert "× 60" not in message
    with Store(url) as store:
        assert "incomplete" not in store.study_names()


def test_params_from_with_a_search_method_is_refused(tmp_path: Path) -> None:
    spec = regression_study("x", tuning={"method": "tpe", "params_from": "p.yaml"})
    with pytest.raises(SpecError, match=r"method: none"):
        bakeoff.Study(**spec)


def test_a_file_that_is_not_a_parameters_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text("study: x\n")
    spec = regression_study("x", tuning={"params_from": "p.yaml"})
    with pytest.raises(SpecError, match=r"tuning.params_from: .* not a parameters file"):
        bakeoff.Study(**spec, base_dir=tmp_path).resolve()
    spec = regression_study("x", tuning={"params_from": "absent.yaml"})
    with pytest.raises(SpecError, match=r"absent.yaml' does not exist"):
        bakeoff.Study(**spec, base_dir=tmp_path).resolve()


def test_method_none_runs_the_defaults_even_with_a_search_space(store_url: str) -> None:
    # `none` means one trial with the model's defaults, never one random configuration.
    spec = regression_study("defaults", budgets=["full"], tuning={"method": "none", "cv": 2})
    assert bakeoff.Study(**spec).run(storage=store_url, progress=False).exit_code == 0
    table = bakeoff.results("defaults", storage=store_url)
    assert (table["best_params"] == "{}").all()
    assert (table["n_trials"] == 1).all()
    forest = joblib.load(table.loc[table["model"] == "random_forest", "artifact_path"].iloc[0])
    assert forest[-1].get_params()["max_depth"] is None  # scikit-learn's default


def test_with_several_seeds_the_best_inner_cv_score_gives_the_params(store_url: str) -> None:
    spec = regression_study("seeds", models=["ridge"], budgets=["full"], seeds=[0, 1, 2])
    spec["artifacts"] = {"models": False}
    assert bakeoff.Study(**spec).run(storage=store_url, progress=False).exit_code == 0
    table = bakeoff.results("seeds", storage=store_url)
    best = table.loc[table["cv_rmse"].idxmin()]  # rmse: lower is better
    (entry,) = bakeoff.export_params("seeds", storage=store_url)["params"]
    assert entry["seed"] == best["seed"] and entry["cell_key"] == best["cell_key"]
    assert entry["params"] == json.loads(best["best_params"])
    assert [s["seed"] for s in entry["seeds"]] == [0, 1, 2]
    assert {s["cv_score"] for s in entry["seeds"]} == set(table["cv_rmse"])


def test_exporting_a_study_that_ran_a_params_file_gives_that_file_back(exported) -> None:
    # A chain: tune, export, run with the file, export again. The second study searched
    # nothing (its cells' best parameters are empty); its file must still carry the
    # parameters its cells ran with, or a third study would run the defaults silently.
    folder, url = exported
    spec = regression_study("chained", tuning={"params_from": "params.yaml", "cv": 2})
    assert bakeoff.Study(**spec, base_dir=folder).run(storage=url, progress=False).exit_code == 0
    first = yaml.safe_load((folder / "params.yaml").read_text())
    again = bakeoff.export_params("chained", storage=url)
    key = lambda e: (e["model"], e["dataset"], str(e["budget"]))  # noqa: E731
    source = {key(e): e["params"] for e in first["params"]}
    chained = {key(e): e["params"] for e in again["params"]}
    assert chained == source
    assert all(source.values()), "the source study searched something"
    # random_forest's fixed n_estimators: 10 comes from the study, not from the file, so
    # it stays out; ridge and random_forest have no other fixed parameters.
    assert all("n_estimators" not in p for p in chained.values())
