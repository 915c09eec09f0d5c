"""See how your own file is read, and every problem of a study at once."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from bakeoff import datasets
from tests.conftest import run_cli


@pytest.fixture
def own_file(tmp_path: Path) -> Path:
    rng = np.random.default_rng(0)
    n = 300
    x = rng.normal(size=n)
    frame = pd.DataFrame(
        {
            "patient": [f"p{i}" for i in range(n)],
            "age": rng.integers(20, 80, n),
            "city": rng.choice(["Lyon", "Oslo", "Pune"], n),
            "smoker": rng.choice(["yes", "no"], n),
            "visit": pd.date_range("2020-01-01", periods=n).astype(str),
            "x": x,
            "y": np.where(x + rng.normal(scale=0.8, size=n) > 0, "sick", "well"),
        }
    )
    frame["decision"] = frame["y"].map({"sick": "treated", "well": "sent home"})
    path = tmp_path / "own.csv"
    frame.to_csv(path, index=False)
    return path


def flat(text: str) -> str:
    return " ".join(text.split())


def test_datasets_show_reads_a_file_with_no_collection(own_file: Path) -> None:
    completed = run_cli("datasets", "show", str(own_file), "--target", "y")
    assert completed.returncode == 0, completed.stderr
    out = flat(completed.stdout)
    frame = pd.read_csv(own_file)
    counts = frame["y"].value_counts()
    assert "task: classification (a text target with 2 classes); target: y; rows: 300" in out
    # Most common class first, as value_counts lists them.
    assert "classes: " + ", ".join(f"{k} {v}" for k, v in counts.items()) in out
    # Each column's kind, with why.
    for column, kind, why in [
        ("age", "numeric", "numbers"),
        ("city", "categorical", "3 distinct text values"),
        ("smoker", "boolean", "two distinct values"),
    ]:
        assert f"│ {column} │ {kind} │ {why} │" in out, column
    # Left out, with why; the dates come with the line that keeps them.
    assert "patient (an identifier: every one of its 300 values is distinct)" in out
    assert "declare `types: {visit: datetime}` to use them" in out
    # The warnings validate would give.
    assert "column 'decision' alone predicts the target 'y' almost perfectly" in out


def test_datasets_show_takes_the_study_file_settings(own_file: Path) -> None:
    completed = run_cli(
        "datasets", "show", str(own_file), "-t", "y", "--drop", "decision",
        "--types", "visit=datetime",
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    out = flat(completed.stdout)
    assert "decision (listed in drop)" in out
    assert "│ visit │ datetime │ declared in types │" in out
    assert "alone predicts" not in out


def test_a_file_without_target_gets_the_fix(own_file: Path) -> None:
    completed = run_cli("datasets", "show", str(own_file))
    assert completed.returncode == 2
    assert "add --target COLUMN" in flat(completed.stderr)
    assert "Traceback" not in completed.stderr


def test_a_regression_target_is_summarised() -> None:
    dataset = datasets.load("diabetes")
    found = dict(datasets.report(dataset).target_summary)
    y = dataset.y
    assert found["min"] == f"{y.min():.4g}" and found["max"] == f"{y.max():.4g}"
    assert found["median"] == f"{y.median():.4g}"
    assert datasets.report(dataset).task_why == "declared"  # the shipped metadata says so
    inferred = datasets.Dataset("d", dataset.frame, target=dataset.target)
    assert (
        datasets.report(inferred).task_why == f"a numeric target with {y.nunique()} distinct values"
    )


def test_validate_verbose_reports_each_dataset(tmp_path: Path, own_file: Path) -> None:
    spec = {
        "study": "mine",
        "datasets": ["iris", {"name": "own", "path": own_file.name, "target": "y"}],
        "models": ["logistic_regression"],
        "budgets": ["full"],
    }
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(spec))
    completed = run_cli("validate", "s.yaml", "--verbose", cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr
    out = flat(completed.stdout)
    assert "classes: setosa 50, versicolor 50, virginica 50" in out
    assert "Columns of own" in out and "Columns of iris" in out
    assert "Study 'mine' is valid: 2 cells." in out


def test_validate_reports_every_problem_at_once(tmp_path: Path, own_file: Path) -> None:
    spec = {
        "study": "bad",
        "datasets": ["iris", {"name": "own", "path": own_file.name, "target": "yy"}],
        "models": [
            "random_forest",
            {"name": "random_forest", "label": "rf2", "params": {"n_estimator": 3}},
            "logistic_regresion",
        ],
        "budgets": [5, "full"],
        "tuning": {"cv": 5},
    }
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(spec))
    completed = run_cli("validate", "s.yaml", cwd=tmp_path)
    assert completed.returncode == 2
    err = flat(completed.stderr)
    assert "SpecError: 4 problems; fix each of them:" in err
    assert "- datasets[1]: dataset 'own'" in err and "no target column 'yy'" in err
    assert "- models[1].params.n_estimator:" in err
    assert "- models[2].name: Model 'logistic_regresion' is not registered." in err
    assert "- budgets[0]: 5 rows are too few for dataset 'iris'" in err
    assert "Traceback" not in completed.stderr
