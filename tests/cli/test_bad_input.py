"""Bad input on the command line: one clear line, exit status 2, nothing in the store."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import yaml

import bakeoff
from tests.conftest import run_cli, tiny_study

BAD_STUDIES = {
    "unknown key": (tiny_study(tuning={"n_trial": 3}), "Did you mean 'n_trials'?"),
    "unknown model": (tiny_study(models=["xgbost"]), "Did you mean 'xgboost'?"),
    "unknown dataset": (tiny_study(datasets=["wines"]), "Did you mean 'wine'?"),
    "low above high": (
        tiny_study(
            models=[
                {
                    "name": "random_forest",
                    "search_space": {"max_depth": {"type": "int", "low": 9, "high": 2}},
                }
            ]
        ),
        "low must be <= high",
    ),
    "empty design": (tiny_study(models=[]), "models: is empty"),
    "missing file": (
        tiny_study(datasets=[{"name": "mine", "path": "missing.csv", "target": "y"}]),
        "missing.csv' does not exist",
    ),
    "missing target": (
        tiny_study(
            datasets=[{"name": "mine", "path": "data.csv", "target": "nope"}], budgets=["full"]
        ),
        "no target column 'nope'",
    ),
    "text regression target": (
        tiny_study(
            datasets=[
                {"name": "mine", "path": "data.csv", "target": "label", "task": "regression"}
            ],
            models=["random_forest"],
            metrics=None,
            budgets=["full"],
        ),
        "is not numeric",
    ),
    "budget too large": (tiny_study(budgets=[40, 1000]), "1000 is larger than the training split"),
    "unknown suite": (
        tiny_study(datasets=[{"suite": "classification-smal"}]),
        "Did you mean 'classification-small'?",
    ),
    "unknown collection": (
        tiny_study(datasets=[{"collection": "no_such_folder"}]),
        "neither a registered collection",
    ),
    "suite with a target": (
        tiny_study(datasets=[{"suite": "mixed-types", "target": "y"}]),
        "applies to one dataset",
    ),
    "excluded non-member": (
        tiny_study(datasets=[{"suite": "regression-small", "exclude": ["iris"]}]),
        "'iris' is not in this group",
    ),
    "dataset twice": (
        tiny_study(datasets=[{"suite": "classification-small"}, "iris"]),
        "dataset 'iris' is already in the study",
    ),
    "licence on a registered dataset": (
        tiny_study(datasets=[{"name": "iris", "license": "MIT"}]),
        "`license` applies to files only",
    ),
    "citation on a suite": (
        tiny_study(datasets=[{"suite": "mixed-types", "citation": "me"}]),
        "applies to one dataset",
    ),
    "bad feature kind": (
        tiny_study(datasets=[{"name": "iris", "types": {"petal length (cm)": "ordinal"}}]),
        "types.petal length (cm)",
    ),
}


@pytest.fixture
def existing_store(tmp_path: Path) -> str:
    """A store that already holds a study, to show bad input leaves it untouched."""
    url = f"sqlite:///{tmp_path / 'bakeoff.db'}"
    small = tiny_study(
        study="kept",
        seeds=1,
        budgets=["full"],
        models=["logistic_regression"],
        tuning={"method": "random", "n_trials": 1, "cv": 2},
    )
    assert bakeoff.Study(**small).run(storage=url).exit_code == 0
    return url


def snapshot(url: str) -> dict[str, int]:
    with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
        return {
            table: connection.execute(f"select count(*) from {table}").fetchone()[0]
            for table in (
                "bakeoff_studies",
                "bakeoff_cells",
                "bakeoff_trials",
                "bakeoff_cell_predictions",
                "bakeoff_study_datasets",
            )
        }


@pytest.mark.parametrize("case", sorted(BAD_STUDIES))
def test_bad_study_exits_2_with_one_message_and_writes_nothing(
    tmp_path: Path, existing_store: str, case: str
) -> None:
    spec, expected = BAD_STUDIES[case]
    (tmp_path / "data.csv").write_text("x,label\n1,a\n2,b\n3,a\n4,b\n5,a\n6,b\n7,a\n8,b\n")
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(spec | {"storage": existing_store}))
    before = snapshot(existing_store)
    completed = run_cli("run", str(path))
    assert completed.returncode == 2
    assert expected in completed.stderr
    assert "Traceback" not in completed.stderr
    assert completed.stderr.count("Error:") == 1
    assert snapshot(existing_store) == before


def test_bad_study_does_not_create_a_store(tmp_path: Path) -> None:
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(tiny_study(models=["nope"])))
    completed = run_cli("run", str(path), cwd=tmp_path)
    assert completed.returncode == 2
    assert not (tmp_path / "bakeoff.db").exists()


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(tiny_study(models=["nope"])))
    completed = run_cli("--debug", "run", str(path), cwd=tmp_path)
    assert completed.returncode != 0 and "Traceback" in completed.stderr


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "study.yaml"
    path.write_text("study: x\ndatasets: [iris\nmodels: [a]\n")
    completed = run_cli("run", str(path))
    assert completed.returncode == 2
    assert "invalid YAML at line" in completed.stderr and "Traceback" not in completed.stderr


def test_missing_study_file(tmp_path: Path) -> None:
    completed = run_cli("run", str(tmp_path / "nope.yaml"))
    assert completed.returncode == 2 and "does not exist" in completed.stderr


def test_unknown_study_name_suggests(existing_store: str) -> None:
    completed = run_cli("results", "kep", "--storage", existing_store)
    assert completed.returncode == 2
    assert "Did you mean 'kept'?" in completed.stderr


def test_unknown_command_option_exits_2() -> None:
    completed = run_cli("run", "--nope")
    assert completed.returncode == 2


def test_validate_reports_the_cell_count(tmp_path: Path) -> None:
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(tiny_study()))
    completed = run_cli("validate", str(path))
    assert completed.returncode == 0 and "8 cells" in completed.stdout
