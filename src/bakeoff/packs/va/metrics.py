"""Verbal-autopsy metrics: CSMF accuracy and cause-of-death concordance.

Written by hand: no maintained library computes them (they are a few lines each). The
formulas are Murray et al. (2011), "Robust metrics for assessing the performance of
different verbal autopsy cause assignment methods in validation studies", Population
Health Metrics 9:28, with the chance correction of Flaxman et al. (2015), "Measuring
causes of death in populations: a new metric that corrects cause-specific mortality
fractions for chance", Population Health Metrics 13:28.

The cause list is the dataset's classes (bakeoff passes them as ``labels``): a cause
absent from the test rows still counts, with a true fraction of 0.

- ``csmf_accuracy``: 1 − Σ_j |CSMF_true_j − CSMF_pred_j| / (2 (1 − min_j CSMF_true_j)),
  predicted fractions from the top-1 causes (the share of deaths assigned to each).
- ``csmf_accuracy_proba``: the same, predicted fractions as the mean of the class
  probabilities (each death spreads over its causes).
- ``cccsmf_accuracy``: (CSMF accuracy − 0.632) / (1 − 0.632); 0.632 is the expected
  CSMF accuracy of random allocation (Flaxman et al.); ``cccsmf_accuracy_proba`` from the
  mean class probabilities.

A study selects the fractions' method either by name or with the option ``csmf_method``
(``top1``, the default, or ``probabilities``): ``metrics: [{name: csmf_accuracy,
csmf_method: probabilities}]`` is ``csmf_accuracy_proba``.
- ``cod_accuracy``: share of deaths whose top-1 cause is right.
- ``ccc``: chance-corrected concordance, (TP_j / (TP_j + FN_j) − 1/N) / (1 − 1/N) per
  cause j with N causes, averaged over the causes present in the test rows.
- ``top2_cod_accuracy``, ``top3_cod_accuracy``: the true cause is among the 2 (3) most
  probable.

Edge cases: with a single cause every metric is 1 (a perfect, if trivial, assignment).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from bakeoff.metrics import register_metric

if TYPE_CHECKING:
    import numpy as np

__all__ = ["CHANCE_CSMF_ACCURACY", "ccc", "csmf", "csmf_accuracy"]

#: Expected CSMF accuracy of random allocation over many causes (Flaxman et al. 2015).
CHANCE_CSMF_ACCURACY = 0.632


def _causes(y_true: np.ndarray, y_pred: np.ndarray, labels: Sequence[Any] | None) -> list[Any]:
    import numpy as np

    if labels is not None:
        return list(labels)
    return sorted(set(np.asarray(y_true).tolist()) | set(np.asarray(y_pred).tolist()))


def csmf(
    assigned: np.ndarray, causes: Sequence[Any], proba: np.ndarray | None = None
) -> np.ndarray:
    """Cause-specific mortality fractions over ``causes``, in their order.

    From top-1 assignments (the share of deaths assigned to each cause), or, when
    ``proba`` is given (one column per cause, in ``causes`` order), from the mean
    probability of each cause.
    """
    import numpy as np

    if proba is not None:
        fractions = np.asarray(proba, dtype=float).mean(axis=0)
        return np.asarray(fractions / fractions.sum(), dtype=float)
    assigned = np.asarray(assigned)
    counts = np.array([np.sum(assigned == cause) for cause in causes], dtype=float)
    return counts / max(len(assigned), 1)


def csmf_accuracy(true_fractions: np.ndarray, predicted_fractions: np.ndarray) -> float:
    """Murray et al.'s CSMF accuracy of predicted against true fractions (same order)."""
    import numpy as np

    true_fractions = np.asarray(true_fractions, dtype=float)
    error = np.abs(true_fractions - np.asarray(predicted_fractions, dtype=float)).sum()
    worst = 2.0 * (1.0 - true_fractions.min())
    if worst <= 0:  # a single cause: the assignment cannot be wrong
        return 1.0
    return float(1.0 - error / worst)


def ccc(y_true: np.ndarray, y_pred: np.ndarray, causes: Sequence[Any]) -> float:
    """Mean chance-corrected concordance over the causes present in ``y_true``."""
    import numpy as np

    n = len(causes)
    if n <= 1:
        return 1.0
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    values = []
    for cause in causes:
        deaths = y_true == cause
        if not deaths.any():
            continue
        sensitivity = float(np.mean(y_pred[deaths] == cause))
        values.append((sensitivity - 1.0 / n) / (1.0 - 1.0 / n))
    return float(np.mean(values))


_CSMF_METHOD = {"top1": "csmf_accuracy", "probabilities": "csmf_accuracy_proba"}
_CCCSMF_METHOD = {"top1": "cccsmf_accuracy", "probabilities": "cccsmf_accuracy_proba"}


@register_metric("csmf_accuracy", direction="maximize", variants={"csmf_method": _CSMF_METHOD})
def _csmf_accuracy(y_true: np.ndarray, y_pred: np.ndarray, y_proba: Any, labels: Any) -> float:
    """CSMF accuracy (Murray et al. 2011), predicted fractions from top-1 causes.

    CSMF accuracy = 1 − Σ_j |CSMF_true_j − CSMF_pred_j| / (2 (1 − min_j CSMF_true_j)),
    over the dataset's causes j (a cause absent from the test rows has CSMF_true_j = 0).
    CSMF_pred_j is the share of deaths whose top-1 predicted cause is j. 1 is perfect;
    0 is the worst possible allocation. A single cause scores 1.

    Source: Murray, Lozano, Flaxman, Vahdatpour & Lopez (2011), "Robust metrics for
    assessing the performance of different verbal autopsy cause assignment methods in
    validation studies", Population Health Metrics 9:28, eq. 2.
    """
    causes = _causes(y_true, y_pred, labels)
    return csmf_accuracy(csmf(y_true, causes), csmf(y_pred, causes))


@register_metric(
    "csmf_accuracy_proba",
    direction="maximize",
    needs_proba=True,
    variants={"csmf_method": _CSMF_METHOD},
)
def _csmf_accuracy_proba(
    y_true: np.ndarray, y_pred: np.ndarray, y_proba: np.ndarray, labels: Any
) -> float:
    """CSMF accuracy with predicted fractions from the mean class probabilities.

    As csmf_accuracy, with CSMF_pred_j = the mean over deaths of P(cause j) (each death
    spreads over its causes) instead of the share of top-1 assignments.

    Source: Murray et al. (2011), Population Health Metrics 9:28.
    """
    causes = _causes(y_true, y_pred, labels)
    return csmf_accuracy(csmf(y_true, causes), csmf(y_pred, causes, proba=y_proba))


@register_metric("cccsmf_accuracy", direction="maximize", variants={"csmf_method": _CCCSMF_METHOD})
def _cccsmf_accuracy(y_true: np.ndarray, y_pred: np.ndarray, y_proba: Any, labels: Any) -> float:
    """Chance-corrected CSMF accuracy (Flaxman et al. 2015): (CSMF acc − 0.632) / 0.368.

    CCCSMF accuracy = (CSMF accuracy − 0.632) / (1 − 0.632); 0.632 ≈ 1 − 1/e is the
    expected CSMF accuracy of random allocation over many causes. 0 is chance level;
    negative is worse than chance.

    Source: Flaxman, Serina, Hernandez, Murray, Riley & Lopez (2015), "Measuring causes
    of death in populations: a new metric that corrects cause-specific mortality
    fractions for chance", Population Health Metrics 13:28.
    """
    accuracy = _csmf_accuracy(y_true, y_pred, y_proba, labels)
    return (accuracy - CHANCE_CSMF_ACCURACY) / (1.0 - CHANCE_CSMF_ACCURACY)


@register_metric(
    "cccsmf_accuracy_proba",
    direction="maximize",
    needs_proba=True,
    variants={"csmf_method": _CCCSMF_METHOD},
)
def _cccsmf_accuracy_proba(
    y_true: np.ndarray, y_pred: np.ndarray, y_proba: np.ndarray, labels: Any
) -> float:
    """Chance-corrected CSMF accuracy with fractions from the mean class probabilities.

    (csmf_accuracy_proba − 0.632) / (1 − 0.632).

    Source: Flaxman et al. (2015), Population Health Metrics 13:28.
    """
    accuracy = _csmf_accuracy_proba(y_true, y_pred, y_proba, labels)
    return (accuracy - CHANCE_CSMF_ACCURACY) / (1.0 - CHANCE_CSMF_ACCURACY)


@register_metric("cod_accuracy", direction="maximize")
def _cod_accuracy(y_true: np.ndarray, y_pred: np.ndarray, y_proba: Any, labels: Any) -> float:
    """Individual cause-of-death accuracy: share of deaths with the right top-1 cause.

    COD accuracy = (1/n) Σ_i 1[predicted_i = true_i] over the n test deaths.

    Source: Murray et al. (2011), Population Health Metrics 9:28.
    """
    import numpy as np

    return float(np.mean(np.asarray(y_true) == np.asarray(y_pred)))


@register_metric("ccc", direction="maximize")
def _ccc(y_true: np.ndarray, y_pred: np.ndarray, y_proba: Any, labels: Any) -> float:
    """Chance-corrected concordance per cause, averaged (Murray et al. 2011).

    CCC_j = (TP_j / (TP_j + FN_j) − 1/N) / (1 − 1/N) for each cause j with deaths in the
    test rows, N the number of causes; the metric is the mean over those causes.

    Source: Murray et al. (2011), Population Health Metrics 9:28, eq. 1.
    """
    return ccc(y_true, y_pred, _causes(y_true, y_pred, labels))


def _top_k(k: int) -> Any:
    def top_k(y_true: np.ndarray, y_pred: np.ndarray, y_proba: np.ndarray, labels: Any) -> float:
        import numpy as np

        causes = np.asarray(_causes(y_true, y_pred, labels), dtype=object)
        # Highest probabilities first; a stable sort breaks ties by the cause list.
        order = np.argsort(-np.asarray(y_proba, dtype=float), axis=1, kind="stable")[:, :k]
        hits = [
            t in set(causes[row].tolist()) for t, row in zip(y_true.tolist(), order, strict=True)
        ]
        return float(np.mean(hits))

    top_k.__doc__ = (
        f"Share of deaths whose true cause is among the {k} most probable.\n\n"
        f"Top-{k} COD accuracy = (1/n) Σ_i 1[true_i among the {k} causes of highest "
        f"predicted probability for death i]; ties broken by the cause list's order.\n\n"
        f"Source: Murray et al. (2011), Population Health Metrics 9:28 (partial COD "
        f"concordance)."
    )
    top_k.__name__ = top_k.__qualname__ = f"top{k}_cod_accuracy"  # not <locals>
    return top_k


for _k in (2, 3):
    register_metric(f"top{_k}_cod_accuracy", direction="maximize", needs_proba=True)(_top_k(_k))
