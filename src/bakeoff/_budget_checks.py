"""Budgets against the data and the inner folds, checked before anything runs.

A budget too small for its inner folds does not fail: it gives folds that miss a class
(iris, ``budgets: [5]``, ``cv: 5``: every fold scores 0.0) and a "complete" cell whose
numbers mean nothing. :func:`budget_problems` finds such budgets from the very rows the
protocol will draw (same seeds, same nested order), and says the smallest budget that
works.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from bakeoff.datasets import Dataset
from bakeoff.protocol import budget_order, data_seeds, train_test_rows
from bakeoff.spec import StudySpec

__all__ = ["MIN_ROWS_PER_REGRESSION_FOLD", "budget_problems"]

#: Rows each inner validation fold needs for regression (r2 is undefined on one row).
MIN_ROWS_PER_REGRESSION_FOLD = 2


def budget_problems(
    spec: StudySpec,
    datasets: dict[str, Dataset],
    test_rows: dict[str, Any] | None = None,
    groups: dict[str, Any] | None = None,
) -> list[str]:
    """Every budget that does not fit a dataset's training split or its inner folds.

    Returns one message per (budget, dataset), naming the field, the value and the fix:
    a budget larger than the training split, or one whose rows cannot give every inner
    fold every class (classification: each class needs ``cv`` rows) or two rows
    (regression). Empty when every budget works.
    """
    problems: list[str] = []
    for dataset in datasets.values():
        problems += _dataset_problems(
            spec,
            dataset,
            (test_rows or {}).get(dataset.name),
            (groups or {}).get(dataset.name),
        )
    return problems


def _split_words(spec: StudySpec) -> str:
    if spec.split.kind == "leave_one_group_out":
        return f"outside its held-out {spec.split.group}"
    if spec.split.kind == "kfold":
        return f"outside its test fold ({spec.split.folds} folds)"
    return f"with test_size {spec.split.test_size}"


def _dataset_problems(
    spec: StudySpec, dataset: Dataset, test_rows: Any = None, groups: Any = None
) -> list[str]:
    cv = spec.tuning.cv
    y = dataset.y.to_numpy()
    classification = dataset.target_task == "classification"
    orders = []
    n_train = 0
    for seed in spec.seeds:
        seeds = data_seeds(spec.seed, dataset.fingerprint, seed)
        try:
            train, _ = train_test_rows(
                y,
                test_size=spec.split.test_size,
                seed=seeds["outer"],
                stratify=classification,
                test_rows=test_rows,
                groups=groups,
            )
        except ValueError as exc:
            # The split every cell of this dataset would make: refuse it now, not in a cell.
            return [_unsplittable(spec, dataset, exc)]
        n_train = len(train)
        if classification:
            order = budget_order(train, y, seed=seeds["budget"], stratify=True)
            orders.append(y[order])
    if classification:
        minimum, short_of = _smallest_stratified_budget(orders, cv)
    else:
        minimum, short_of = MIN_ROWS_PER_REGRESSION_FOLD * cv, None
    problems = []
    for i, budget in enumerate(spec.budgets):
        rows = n_train if budget == "full" else int(budget)
        if rows > n_train:
            problems.append(
                f"budgets[{i}]: {rows} is larger than the training split of dataset "
                f"'{dataset.name}' ({n_train} of {dataset.n_rows} rows {_split_words(spec)})."
                f' Use at most {n_train}, or "full".'
            )
        elif rows < minimum:
            problems.append(_too_few(i, rows, dataset, cv, minimum, orders, short_of))
    return problems


def _unsplittable(spec: StudySpec, dataset: Dataset, exc: ValueError) -> str:
    n_classes = len(dataset.classes) if dataset.target_task == "classification" else 0
    n_test = math.ceil(spec.split.test_size * dataset.n_rows)
    classes = f" and {n_classes} classes" if n_classes else ""
    need = (
        f" a stratified test split needs at least one row per class ({n_classes}), and the "
        f"training split as many;"
        if n_classes
        else ""
    )
    return (
        f"split.test_size: dataset '{dataset.name}' ({dataset.n_rows} rows{classes}) cannot be "
        f"split with test_size {spec.split.test_size:g} (a test split of {n_test} "
        f"row{'s' if n_test != 1 else ''}):{need} {str(exc)[:160]}. Use a test_size that "
        f"leaves enough rows on each side, or more data."
    )


def _smallest_stratified_budget(orders: list[np.ndarray], cv: int) -> tuple[int, dict[object, int]]:
    """The smallest budget with ``cv`` rows of each class in every seed's order.

    A class with fewer than ``cv`` rows in the whole training split can never fill every
    fold; it is not asked for (the folds then fall back to unstratified ones, as for the
    full budget). Also returns, per class, the training rows it has.
    """
    minimum = max(cv, 2)
    rows_of: dict[object, int] = {}
    for labels in orders:
        for label in np.unique(labels.astype(object)).tolist():
            where = np.flatnonzero(labels == label)
            rows_of[label] = len(where)
            if len(where) >= cv:
                minimum = max(minimum, int(where[cv - 1]) + 1)
    return minimum, rows_of


def _too_few(
    index: int,
    rows: int,
    dataset: Dataset,
    cv: int,
    minimum: int,
    orders: list[np.ndarray],
    short_of: dict[object, int] | None,
) -> str:
    head = f"budgets[{index}]: {rows} rows are too few for dataset '{dataset.name}' with cv={cv}"
    if short_of is None:
        return (
            f"{head}: each inner validation fold needs at least "
            f"{MIN_ROWS_PER_REGRESSION_FOLD} rows. Use at least {minimum}, or lower tuning.cv."
        )
    # The class the budget is shortest of, in the seed where it is shortest.
    counts = [
        (int(np.count_nonzero(labels[:rows] == label)), str(label))
        for labels in orders
        for label in short_of
        if short_of[label] >= cv
    ]
    if not counts:
        # No class has cv rows even in the whole training split.
        return (
            f"{head}: the training split holds {rows} row{'s' if rows != 1 else ''} and no "
            f"class has {cv} of them, so the inner folds cannot be scored. Use more data, a "
            f"smaller split.test_size, or lower tuning.cv."
        )
    count, label = min(counts)
    return (
        f"{head}: they hold {count} row{'s' if count != 1 else ''} of class '{label}', so "
        f"the inner folds cannot all see every class and their scores would mean nothing. "
        f"Use at least {minimum} (the smallest budget with {cv} rows of every class), or "
        f"lower tuning.cv."
    )
