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
    """Share of correct predictions.

    accuracy = (1/n) Σ_i 1[ŷ_i = y_i] over the n scored rows; 1 is perfect.

    Source: scikit-learn's ``accuracy_score``.
    """
    from sklearn import metrics as skm

    return float(skm.accuracy_score(y_true, y_pred))


@register_metric("balanced_accuracy", direction="maximize")
def balanced_accuracy(y_true: np.ndarray, y_pred: np.ndarray, y_proba: Any, labels: Any) -> float:
    """Mean recall over classes (robust to imbalance).

    balanced accuracy = (1/K) Σ_k TP_k / (TP_k + FN_k) over the K classes present in the
    true labels: a constant prediction scores 1/K however skewed the classes are.

    Source: Brodersen, Ong, Stephan & Buhmann (2010), "The balanced accuracy and its
    posterior distribution", ICPR; scikit-learn's ``balanced_accuracy_score``.
    """
    from sklearn import metrics as skm

    return float(skm.balanced_accuracy_score(y_true, y_pred))


@register_metric("f1_macro", direction="maximize")
def f1_macro(y_true: np.ndarray, y_pred: np.ndarray, y_proba: Any, labels: Any) -> float:
    """Unweighted mean of per-class F1 scores.

    F1_k = 2 P_k R_k / (P_k + R_k), with precision P_k = TP_k / (TP_k + FP_k) and recall
    R_k = TP_k / (TP_k + FN_k); f1_macro = (1/K) Σ_k F1_k over the dataset's K classes
    (a class neither present nor predicted in the test rows scores 0).

    Source: scikit-learn's ``f1_score(average="macro")``.
    """
    from sklearn import metrics as skm

    return float(skm.f1_score(y_true, y_pred, average="macro", labels=labels, zero_division=0))


@register_metric("roc_auc_ovr", direction="maximize", needs_proba=True)
def roc_auc_ovr(
    y_true: np.ndarray, y_pred: np.ndarray, y_proba: np.ndarray, labels: Sequence[Any] | None
) -> float:
    """Area under the ROC curve; one-vs-rest macro average for several classes.

    Two classes: AUC = P(p(x⁺) > p(x⁻)) + ½ P(p(x⁺) = p(x⁻)) for a random positive x⁺
    and negative x⁻, with p the probability of the second class in ``labels``. Several:
    the mean over classes k of the AUC of class k against the rest, on its probability
    column; a class absent from the test rows is left out and the other columns
    renormalised. 1 is perfect, 0.5 is chance.

    Source: Fawcett (2006), "An introduction to ROC analysis", Pattern Recognition
    Letters 27(8), for the AUC and one-vs-rest; averaged unweighted (macro), as
    scikit-learn's ``roc_auc_score(multi_class="ovr")``.
    """
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
    """Cross-entropy of the predicted class probabilities.

    log loss = −(1/n) Σ_i ln p_i(y_i), the mean negative log probability given to each
    row's true class (scikit-learn clips probabilities away from 0 and 1); 0 is perfect.

    Source: scikit-learn's ``log_loss``.
    """
    from sklearn import metrics as skm

    return float(skm.log_loss(y_true, y_proba, labels=labels))


@register_metric("r2", direction="maximize", tasks=REGRESSION)
def r2(y_true: np.ndarray, y_pred: np.ndarray, y_proba: Any, labels: Any) -> float:
    """Coefficient of determination.

    R² = 1 − Σ_i (y_i − ŷ_i)² / Σ_i (y_i − ȳ)², with ȳ the mean of the test rows' targets:
    1 is perfect, 0 is predicting that mean, and it is negative for worse.

    Source: scikit-learn's ``r2_score``.
    """
    from sklearn import metrics as skm

    return float(skm.r2_score(y_true, y_pred))


@register_metric("rmse", direction="minimize", tasks=REGRESSION)
def rmse(y_true: np.ndarray, y_pred: np.ndarray, y_proba: Any, labels: Any) -> float:
    """Root mean squared error.

    RMSE = √((1/n) Σ_i (y_i − ŷ_i)²), in the target's units; 0 is perfect.

    Source: the square root of scikit-learn's ``mean_squared_error``.
    """
    import numpy as np
    from sklearn import metrics as skm

    return float(np.sqrt(skm.mean_squared_error(y_true, y_pred)))


@register_metric("mae", direction="minimize", tasks=REGRESSION)
def mae(y_true: np.ndarray, y_pred: np.ndarray, y_proba: Any, labels: Any) -> float:
    """Mean absolute error.

    MAE = (1/n) Σ_i |y_i − ŷ_i|, in the target's units; 0 is perfect.

    Source: scikit-learn's ``mean_absolute_error``.
    """
    from sklearn import metrics as skm

    return float(skm.mean_absolute_error(y_true, y_pred))
