"""Which member of a Pareto front a cell refits: the documented selection rules.

Written by hand because neither Optuna nor SciPy picks one member of a front: Optuna
returns the whole front (``Study.best_trials``), and the choice is the study's.

Every rule works on the front's objective values turned so that larger is better (a
minimised objective is negated) and, for knee and weighted, rescaled per objective to
[0, 1] over the front (its worst member 0, its best 1; an objective on which all members
tie counts 1 for each). Ties go to the lowest trial number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["SELECTIONS", "Selection", "pareto_front", "select"]

#: Selection rules and what each picks.
SELECTIONS: dict[str, str] = {
    "knee": "the member closest (Euclidean, on objectives rescaled to [0, 1] over the "
    "front) to the ideal point where every objective is at its best",
    "weighted": "the member with the largest weighted sum of the rescaled objectives",
    "lexicographic": "the best on the first objective, ties broken by the second, ...",
    "first": "the best on the first objective alone",
}


@dataclass(frozen=True)
class Selection:
    """The member chosen, and why, as stored with the cell."""

    number: int
    rule: str
    reason: str


def pareto_front(values: np.ndarray) -> list[int]:
    """Row indices of the non-dominated rows of ``values`` (larger is better).

    A row is dominated when another is at least as good on every column and better on
    one. Duplicate rows are all kept.
    """
    values = np.asarray(values, dtype=float)
    front = []
    for i, row in enumerate(values):
        dominated = np.any(np.all(values >= row, axis=1) & np.any(values > row, axis=1))
        if not dominated:
            front.append(i)
    return front


def _rescaled(values: np.ndarray) -> np.ndarray:
    low, high = values.min(axis=0), values.max(axis=0)
    span = np.where(high > low, high - low, 1.0)
    return np.where(high > low, (values - low) / span, 1.0)


def select(
    numbers: Sequence[int],
    values: np.ndarray,
    directions: Sequence[str],
    names: Sequence[str],
    rule: str,
    weights: dict[str, float] | None = None,
) -> Selection:
    """Choose one member of a front.

    Args:
        numbers: Trial numbers of the front's members.
        values: Their objective values, one row per member, as the objectives report
            them (not yet turned).
        directions: ``"maximize"``/``"minimize"`` per objective.
        names: The objectives' names (for the reason).
        rule: One of :data:`SELECTIONS`.
        weights: Objective name to weight, for ``weighted``.

    Raises:
        ValueError: For an unknown rule or an empty front.
    """
    if len(numbers) == 0:
        raise ValueError("the Pareto front is empty")
    signs = np.array([1.0 if d == "maximize" else -1.0 for d in directions])
    turned = np.asarray(values, dtype=float) * signs
    order = np.asarray(numbers)
    if rule == "knee":
        distance = np.sqrt(((1.0 - _rescaled(turned)) ** 2).sum(axis=1))
        i = int(np.lexsort((order, distance))[0])
        reason = (
            f"knee: closest to the ideal point of the {len(numbers)}-member front "
            f"(distance {distance[i]:.4f} on objectives rescaled to [0, 1])"
        )
    elif rule == "weighted":
        w = np.array([float((weights or {})[name]) for name in names])
        score = _rescaled(turned) @ w
        i = int(np.lexsort((order, -score))[0])
        shown = ", ".join(f"{n}={(weights or {})[n]:g}" for n in names)
        reason = f"weighted: largest weighted sum {score[i]:.4f} ({shown}) of rescaled objectives"
    elif rule == "lexicographic":
        keys = [order] + [-turned[:, j] for j in reversed(range(turned.shape[1]))]
        i = int(np.lexsort(keys)[0])
        reason = f"lexicographic: best on {', then '.join(names)}"
    elif rule == "first":
        i = int(np.lexsort((order, -turned[:, 0]))[0])
        reason = f"first: best on {names[0]} alone"
    else:
        raise ValueError(f"unknown selection rule {rule!r}; choose one of {sorted(SELECTIONS)}")
    return Selection(int(order[i]), rule, reason)
