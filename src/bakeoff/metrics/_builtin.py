"""The metrics shipped with the core: thin wrappers around scikit-learn's.

scikit-learn is imported when a metric is first computed, not when it is registered, so
that listing the metrics (and the command line's start) does not pay for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

from bakeoff.metrics._base import register_metric

REGRESSION = ("regression",)


@register_metric("accuracy", direction="maximize")
def accuracy(y_true: np.ndarray, y_pred: np.ndarray, y_proba: Any, labels: Any) -> float:
    """Share of correct predictions."""
    from sklearn import metrics as skm

    return float(skm.accuracy_score(y_true, y_pred))


@register_metric("balanced_accuracy", direction="maximize")
def balanced_accuracy(y_true: np.ndarray, y_pred: np.ndarray, y_proba: Any, labels: Any) -> float:
    """Mean recall over classes (robust to imbalance)."""
    from sklearn import metrics as skm

    return float(skm.balanced_accuracy_score(y_true, y_pred))


@register_metric("f1_macro", direction="maximize")
def f1_macro(y_true: np.ndarray, y_pred: np.ndarray, y_proba: Any, labels: Any) -> float:
    """Unweighted mean of per-class F1 scores."""
    from sklearn import metrics as skm

    return float(skm.f1_score(y_true, y_pred, average="macro", labels=labels, zero_division=0))


@register_metric("roc_auc_ovr", direction="maximize", needs_proba=True)
def roc_auc_ovr(
    y_true: np.ndarray, y_pred: np.ndarray, y_proba: np.ndarray, labels: Sequence[Any] | None
) -> float:
    """Area under the ROC curve; one-vs-rest macro average for several classes."""
    import numpy as np
    from sklearn import metrics as skm

    labels = list(labels) if labels is not None else sorted(set(y_true.tolist()))
    if len(labels) == 2:
        return float(skm.roc_auc_score(y_true == labels[1], y_proba[:, 1]))
    present = np.isin(labels, np.unique(y_true))
    if not present.all():
        # One-vs-rest AUC is undefined for a class absent from y_true; average the others.
        kept = [i for i, p in enumerate(present) if p]
        proba = y_proba[:, kept]
        proba = proba / np.clip(proba.sum(axis=1, keepdims=True), 1e-15, None)
        return float(
            skm.roc_auc_score(y_true, proba, multi_class="ovr", labels=[labels[i] for i in kept])
        )
    return float(skm.roc_auc_score(y_true, y_proba, multi_class="ovr", labels=labels))


@register_metric("log_loss", direction="minimize", needs_proba=True)
def log_loss(
    y_true: np.ndarray, y_pred: np.ndarray, y_proba: np.ndarray, labels: Sequence[Any] | None
) -> float:
    """Cross-entropy of the predicted class probabilities."""
    from sklearn import metrics as skm

    return float(skm.log_loss(y_true, y_proba, labels=labels))


@register_metric("r2", direction="maximize", tasks=REGRESSION)
def r2(y_true: np.ndarray, y_pred: np.ndarray, y_proba: Any, labels: Any) -> float:
    """Coefficient of determination."""
    from sklearn import metrics as skm

    return float(skm.r2_score(y_true, y_pred))


@register_metric("rmse", direction="minimize", tasks=REGRESSION)
def rmse(y_true: np.ndarray, y_pred: np.ndarray, y_proba: Any, labels: Any) -> float:
    """Root mean squared error."""
    import numpy as np
    from sklearn import metrics as skm

    return float(np.sqrt(skm.mean_squared_error(y_true, y_pred)))


@register_metric("mae", direction="minimize", tasks=REGRESSION)
def mae(y_true: np.ndarray, y_pred: np.ndarray, y_proba: Any, labels: Any) -> float:
    """Mean absolute error."""
    from sklearn import metrics as skm

    return float(skm.mean_absolute_error(y_true, y_pred))
