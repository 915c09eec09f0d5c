"""Seeded splits: the outer hold-out, nested training budgets and inner CV folds."""

from __future__ import annotations

import numpy as np
from sklearn.model_selection import (
    GroupKFold,
    GroupShuffleSplit,
    KFold,
    StratifiedKFold,
    train_test_split,
)

from bakeoff._seeding import derive_seed

__all__ = [
    "budget_order",
    "budget_rows",
    "data_seeds",
    "dirichlet_resamples",
    "inner_folds",
    "outer_folds",
    "outer_split",
    "train_test_rows",
]


def outer_split(
    y: np.ndarray, *, test_size: float, seed: int, stratify: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Split row positions into (train, test), stratified for classification.

    The seed depends on the dataset and the study seed only, so every model and budget
    of one seed is scored on the same test rows.
    """
    positions = np.arange(len(y))
    stratify_by = y if stratify and _stratifiable(y, 2) else None
    train, test = train_test_split(
        positions, test_size=test_size, random_state=seed, stratify=stratify_by
    )
    return np.sort(train), np.sort(test)


def train_test_rows(
    y: np.ndarray,
    *,
    test_size: float,
    seed: int,
    stratify: bool,
    test_rows: np.ndarray | None = None,
    groups: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(train, test) positions: the given test rows and all others, or a seeded hold-out.

    With ``groups`` (one label per row), the hold-out keeps whole groups together: a
    ``test_size`` share of the groups (scikit-learn's ``GroupShuffleSplit``) is tested.
    """
    if test_rows is None and groups is not None:
        splitter = GroupShuffleSplit(n_splits=1, test_size=test_size, random_state=seed)
        train, test = next(splitter.split(np.zeros(len(y)), y, groups))
        return np.sort(train), np.sort(test)
    if test_rows is None:
        return outer_split(y, test_size=test_size, seed=seed, stratify=stratify)
    test = np.sort(np.asarray(test_rows, dtype=int))
    return np.setdiff1d(np.arange(len(y)), test), test


def outer_folds(y: np.ndarray, *, n_splits: int, seed: int, stratify: bool) -> list[np.ndarray]:
    """The test positions of each outer fold (``split.kind: kfold``), in fold order.

    Stratified when every class has ``n_splits`` rows, shuffled with ``seed``; every
    position is in exactly one fold.
    """
    return [
        np.sort(test) for _, test in inner_folds(y, n_splits=n_splits, seed=seed, stratify=stratify)
    ]


def dirichlet_resamples(
    y_test: np.ndarray, *, draws: int, alpha: float, seed: int
) -> list[np.ndarray]:
    """Positions into ``y_test`` for ``draws`` re-sampled test sets (PHMRC's protocol).

    Each draw takes a class composition from a Dirichlet(``alpha``, …) over the classes
    present in ``y_test``, then ``len(y_test)`` rows: the class counts from a
    multinomial with that composition, the rows of each class drawn with replacement
    (Murray et al., 2011, Population Health Metrics 9:27). A score over many draws no
    longer rewards a model for echoing the test split's own composition. Written by
    hand: scikit-learn's ``resample`` keeps the composition it is given.
    """
    rng = np.random.default_rng(seed)
    classes = _unique(y_test)
    members = [np.flatnonzero(y_test == c) for c in classes]
    samples = []
    for _ in range(draws):
        composition = rng.dirichlet(np.full(len(classes), alpha))
        counts = rng.multinomial(len(y_test), composition)
        parts = [
            rng.choice(rows, size=n, replace=True)
            for rows, n in zip(members, counts, strict=True)
            if n
        ]
        samples.append(np.concatenate(parts))
    return samples


def budget_rows(
    train: np.ndarray, y: np.ndarray, budget: int | str, *, seed: int, stratify: bool
) -> np.ndarray:
    """The first ``budget`` rows of a seeded, stratified ordering of ``train``.

    One ordering per (dataset, seed) serves every budget, so budgets are nested: the rows
    of budget 100 are among those of budget 200. scikit-learn has no nested stratified
    subsample, hence this: within each class, rows are shuffled and given evenly spaced
    positions in [0, 1); sorting all rows by position interleaves the classes, so any
    prefix holds each class in close to its share of ``train``.
    """
    if budget == "full":
        return train
    return np.sort(budget_order(train, y, seed=seed, stratify=stratify)[: int(budget)])


def budget_order(train: np.ndarray, y: np.ndarray, *, seed: int, stratify: bool) -> np.ndarray:
    """``train`` in the seeded order whose prefixes are the budgets (see :func:`budget_rows`).

    Validation reads it too, to know how many rows of each class a budget will hold.
    """
    rng = np.random.default_rng(seed)
    if not stratify:
        return np.asarray(rng.permutation(train))
    labels = y[train]
    position = np.empty(len(train))
    for label in _unique(labels):
        members = np.flatnonzero(labels == label)
        order = rng.permutation(len(members))
        # Rank within the class, offset by a random phase, scaled to [0, 1).
        position[members[order]] = (np.arange(len(members)) + rng.random()) / len(members)
    tie_break = rng.random(len(train))
    return np.asarray(train[np.lexsort((tie_break, position))])


def data_seeds(study_seed: int, fingerprint: str, seed: int) -> dict[str, int]:
    """Seeds of the outer split and the budget order of one (dataset, seed).

    They depend on the data and the repetition only (not on the model or budget), so
    all models of a seed meet the same rows.
    """
    data = (study_seed, fingerprint, seed)
    return {
        "outer": derive_seed(*data, "outer-split"),
        "budget": derive_seed(*data, "budget-order"),
    }


def inner_folds(
    y: np.ndarray, *, n_splits: int, seed: int, stratify: bool, groups: np.ndarray | None = None
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Inner CV folds over positions ``0..len(y)-1``; stratified when each class allows.

    With ``groups``, whole groups stay in one fold (a shuffled ``GroupKFold``), so the
    validation rows never share a group with the rows fitted.
    """
    splitter: KFold | StratifiedKFold | GroupKFold
    if groups is not None:
        splitter = GroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
        return list(splitter.split(np.zeros(len(y)), y, groups))
    if stratify and _stratifiable(y, n_splits):
        splitter = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    else:
        splitter = KFold(n_splits=n_splits, shuffle=True, random_state=seed)
    return list(splitter.split(np.zeros(len(y)), y))


def _unique(values: np.ndarray) -> list[object]:
    return sorted(set(values.tolist()), key=lambda v: (str(type(v)), v))


def _stratifiable(y: np.ndarray, n_splits: int) -> bool:
    _, counts = np.unique(y.astype(str), return_counts=True)
    return bool(counts.min() >= n_splits)
