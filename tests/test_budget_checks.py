"""A budget too small for the inner folds is refused, with the smallest one that works."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

import bakeoff
from bakeoff.exceptions import SpecError
from bakeoff.protocol import budget_rows, data_seeds, inner_folds, outer_split
from tests.conftest import run_cli


def study(dataset: str, budgets: list, cv: int, seeds: int = 3) -> bakeoff.Study:
    return bakeoff.Study(
        study="small",
        datasets=[dataset],
        models=["random_forest"] if dataset != "diabetes" else ["ridge"],
        budgets=budgets,
        seeds=seeds,
        tuning={"n_trials": 2, "cv": cv},
    )


def smallest(dataset: str, cv: int) -> int:
    with pytest.raises(SpecError) as info:
        study(dataset, [2], cv).resolve()
    return int(re.search(r"Use at least (\d+)", str(info.value)).group(1))


def every_fold_sees_every_class(dataset: bakeoff.Dataset, budget: int, cv: int) -> bool:
    # A second implementation of the rule, from the protocol's own splits: with every
    # seed, every inner validation fold holds every class of the budget.
    y = dataset.y.to_numpy()
    for seed in range(3):
        seeds = data_seeds(0, dataset.fingerprint, seed)
        train, _ = outer_split(y, test_size=0.25, seed=seeds["outer"], stratify=True)
        rows = budget_rows(train, y, budget, seed=seeds["budget"], stratify=True)
        labels = y[rows]
        if set(labels) != set(y[train]):
            return False
        for _, validation in inner_folds(labels, n_splits=cv, seed=1, stratify=True):
            if set(labels[validation]) != set(labels):
                return False
    return True


def test_the_iris_case_of_the_issue_is_refused_at_validate(tmp_path: Path) -> None:
    # iris, budgets: [5], cv: 5 gave every fold 0.0 and a "complete" cell.
    path = tmp_path / "study.yaml"
    spec = {"study": "s", "datasets": ["iris"], "models": ["random_forest"], "budgets": [5]}
    path.write_text(yaml.safe_dump(spec | {"tuning": {"cv": 5}}))
    completed = run_cli("validate", str(path))
    assert completed.returncode == 2
    message = " ".join(completed.stderr.split())
    assert "budgets[0]: 5 rows are too few for dataset 'iris' with cv=5" in message
    # Three classes of 50 rows, 5 inner folds: 5 rows of each class, 15 in all.
    assert "Use at least 15" in message
    assert "Traceback" not in completed.stderr


@pytest.mark.parametrize(("name", "cv"), [("iris", 5), ("wine", 5), ("breast_cancer", 10)])
def test_the_smallest_budget_said_is_the_smallest_that_works(name: str, cv: int) -> None:
    minimum = smallest(name, cv)
    dataset = study(name, ["full"], cv).resolve().datasets[name]
    # Stratified folds need cv rows of each class: at least cv / (share of the rarest).
    shares = dataset.y.value_counts(normalize=True)
    assert minimum >= cv / shares.min() - 1
    assert every_fold_sees_every_class(dataset, minimum, cv)
    assert not every_fold_sees_every_class(dataset, minimum - 1, cv)
    study(name, [minimum, "full"], cv).resolve()  # accepted


def test_regression_folds_need_two_rows_each() -> None:
    assert smallest("diabetes", 5) == 10
    study("diabetes", [10], 5).resolve()


def test_the_field_of_the_bad_budget_is_named() -> None:
    # cv=3 on iris: 9 rows (3 of each class) work, 8 do not.
    study("iris", [40, 9, "full"], 3).resolve()
    with pytest.raises(SpecError, match=r"budgets\[1\]: 8 rows are too few.*at least 9"):
        study("iris", [40, 8, "full"], 3).resolve()
