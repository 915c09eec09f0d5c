"""The scikit-learn estimators bakeoff's own models build (imported when one is built).

Kept apart from the model registrations (``_sklearn.py``, ``_xgboost.py``) because
defining a scikit-learn estimator class imports scikit-learn.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.linear_model import LogisticRegression

__all__ = ["ContiguousLabelClassifier", "PenaltyLogisticRegression"]


class ContiguousLabelClassifier(ClassifierMixin, BaseEstimator):
    """Fit a classifier on labels re-coded to ``0..k-1`` and decode its predictions.

    XGBoost insists that training labels be exactly ``0..k-1``; a small budget or an
    inner fold may miss a class, which this wrapper makes harmless. ``classes_`` holds
    the labels seen in ``fit``.
    """

    def __init__(self, estimator: BaseEstimator) -> None:
        self.estimator = estimator

    def fit(self, X: Any, y: Any, **fit_params: Any) -> ContiguousLabelClassifier:
        self.classes_, codes = np.unique(np.asarray(y), return_inverse=True)
        self.estimator_ = clone(self.estimator).fit(X, codes, **fit_params)
        return self

    def predict(self, X: Any) -> Any:
        if len(self.classes_) == 1:
            return np.full(len(X), self.classes_[0])
        return self.classes_[np.asarray(self.estimator_.predict(X), dtype=int)]

    def predict_proba(self, X: Any) -> Any:
        if len(self.classes_) == 1:
            return np.ones((len(X), 1))
        return self.estimator_.predict_proba(X)


class PenaltyLogisticRegression(ClassifierMixin, BaseEstimator):
    """LogisticRegression that takes ``penalty`` and picks a compatible solver in ``fit``."""

    def __init__(
        self,
        penalty: str = "l2",
        *,
        C: float = 1.0,
        l1_ratio: float | None = None,
        solver: str = "auto",
        max_iter: int = 100,
        tol: float = 1e-4,
        class_weight: Any = None,
        random_state: Any = None,
    ) -> None:
        self.penalty = penalty
        self.C = C
        self.l1_ratio = l1_ratio
        self.solver = solver
        self.max_iter = max_iter
        self.tol = tol
        self.class_weight = class_weight
        self.random_state = random_state

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> PenaltyLogisticRegression:
        if self.penalty not in ("l1", "l2", "elasticnet"):
            raise ValueError(f"penalty must be 'l1', 'l2' or 'elasticnet', got {self.penalty!r}")
        ratio = self.l1_ratio if self.penalty == "elasticnet" else self._L1_RATIO[self.penalty]
        if ratio is None:
            raise ValueError("penalty='elasticnet' needs l1_ratio between 0 and 1")
        binary = len(np.unique(y)) <= 2
        solver = self.solver
        if solver == "auto":
            # lbfgs solves the multinomial L2 problem saga does, 5-15x faster on
            # scaled tabular data (saga needs hundreds of epochs at large C).
            if binary and self.penalty != "elasticnet":
                solver = "liblinear"
            elif self.penalty == "l2":
                solver = "lbfgs"
            else:
                solver = "saga"
        inner = LogisticRegression(
            C=self.C,
            l1_ratio=ratio,
            solver=solver,
            max_iter=self.max_iter,
            tol=self.tol,
            class_weight=self.class_weight,
            random_state=self.random_state,
        )
        inner.fit(X, y, sample_weight=sample_weight)
        self.estimator_ = inner
        self.classes_ = inner.classes_
        self.coef_ = inner.coef_
        self.solver_ = solver
        return self

    def predict(self, X: Any) -> Any:
        return self.estimator_.predict(X)

    def predict_proba(self, X: Any) -> Any:
        return self.estimator_.predict_proba(X)

    def decision_function(self, X: Any) -> Any:
        return self.estimator_.decision_function(X)

    _L1_RATIO = {"l1": 1.0, "l2": 0.0}
