"""Detection: can a classifier tell synthetic rows from the real training rows?"""

from __future__ import annotations

import numpy as np

from bakeoff.metrics import SynthesisTables
from bakeoff.packs.synthetic._privacy import gower_encoding

__all__ = ["detection"]

#: Folds of the cross-validated predictions the AUC is computed from.
FOLDS = 3


def detection(tables: SynthesisTables) -> float:
    """1 − 2·|AUC − 0.5| of a logistic regression separating real from synthetic rows.

    The rows are encoded as for the distances (numbers scaled to the real range,
    categories one-hot), the AUC is that of out-of-fold probabilities over
    :data:`FOLDS` stratified folds. 1: the classifier does no better than chance; 0:
    it separates the tables perfectly (or perfectly wrongly).
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):  # as the evaluator (see _utility.py)
        return _detection(tables)


def _detection(tables: SynthesisTables) -> float:
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    real, synthetic = tables.real, tables.synthetic
    encoded = gower_encoding(real, [real, synthetic], tables.kinds)
    X = np.vstack(encoded) * len(real.columns)  # back to unit scale per column
    y = np.r_[np.zeros(len(real)), np.ones(len(synthetic))]
    if min(len(real), len(synthetic)) < FOLDS:
        return float("nan")
    folds = StratifiedKFold(FOLDS, shuffle=True, random_state=tables.seed % 2**32)
    proba = cross_val_predict(
        LogisticRegression(max_iter=1000), X, y, cv=folds, method="predict_proba"
    )[:, 1]
    auc = float(roc_auc_score(y, proba))
    return float(1.0 - 2.0 * abs(auc - 0.5))
