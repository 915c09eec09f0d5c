"""scikit-learn models shipped with the core.

Registering them imports nothing from scikit-learn: the estimator classes are named by
import path and loaded when a cell builds one, so ``bakeoff models list`` starts at once.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from bakeoff.models._base import EstimatorModel, Model, register_model

if TYPE_CHECKING:
    from sklearn.base import BaseEstimator

    from bakeoff.tuning import SearchSpace


_LOGISTIC_SPACE: dict[str, dict[str, Any]] = {
    "C": {
        "type": "float",
        "low": 1e-3,
        "high": 100.0,
        "log": True,
        "grid": [0.001, 0.01, 0.1, 1.0, 10.0, 100.0],
    },
    "penalty": {"type": "categorical", "choices": ["l1", "l2", "elasticnet"]},
    "l1_ratio": {
        "type": "float",
        "low": 0.1,
        "high": 0.9,
        "grid": [0.1, 0.5, 0.9],
        "when": {"penalty": ["elasticnet"]},
    },
}


class LogisticRegressionModel(Model):
    """L1, L2 or elastic-net logistic regression.

    ``penalty`` and ``l1_ratio`` are searched as a conditional space (``l1_ratio`` only
    with ``elasticnet``). The solver follows from them: liblinear for an L1 or L2
    penalty on two classes, lbfgs for an L2 penalty on more, saga otherwise, so no sampled
    combination is invalid.
    scikit-learn 1.8 expresses the penalty through ``l1_ratio`` alone; this model
    translates, so study files keep the familiar names.
    """

    name = "logistic_regression"
    tasks = ("classification",)
    needs_scaling = True
    description = "Logistic regression (L1 / L2 / elastic net, C on a log scale)"

    def default_params(self) -> dict[str, Any]:
        return {"max_iter": 2000}

    def search_space(self) -> SearchSpace:
        from bakeoff.tuning import SearchSpace

        return SearchSpace(_LOGISTIC_SPACE)

    def parameter_names(self) -> list[str]:
        return list(_LOGISTIC_SPACE)

    def build(self, params: Mapping[str, Any], *, task: str, random_state: int) -> BaseEstimator:
        from bakeoff.models._estimators import PenaltyLogisticRegression

        return PenaltyLogisticRegression(**params, random_state=random_state)


register_model(LogisticRegressionModel())


def _grow_forest(
    model: Model,
    pipeline: Any,
    X: Any,
    y: Any,
    *,
    X_val: Any,
    on_step: Callable[[Any, Any], None],
) -> None:
    """Grow a random forest in ``model.steps_per_fit`` parts.

    It uses scikit-learn's ``warm_start``, predicting ``X_val`` after each part.

    scikit-learn draws the seeds of the trees added by a warm start as a single fit
    would have, so the grown forest equals ``pipeline.fit(X, y)``'s.
    """
    preprocess, forest = pipeline[:-1], pipeline[-1]
    X_fit = preprocess.fit_transform(X, y)
    X_check = preprocess.transform(X_val)
    trees = int(forest.get_params()["n_estimators"])
    parts = model.steps_per_fit
    checkpoints = sorted({max(1, math.ceil(trees * (i + 1) / parts)) for i in range(parts)})
    # Fewer trees than checkpoints: the last size is reported for the steps left.
    repeats = [1] * (len(checkpoints) - 1) + [parts - len(checkpoints) + 1]
    forest.set_params(warm_start=True)
    running = _RunningForestPrediction(forest, X_check)
    try:
        for size, repeat in zip(checkpoints, repeats, strict=True):
            forest.set_params(n_estimators=size)
            forest.fit(X_fit, y)
            y_pred, proba = running.predict()
            for _ in range(repeat):
                on_step(y_pred, proba)
    finally:
        forest.set_params(warm_start=False, n_estimators=trees)


class _RunningForestPrediction:
    """A growing forest's predictions for fixed rows, adding only the trees grown since.

    ``forest.predict_proba`` at every checkpoint would predict with all the trees so far
    each time: three full forests' worth over five checkpoints, about a seventh of a
    forest trial at the VA study's sizes (docs/performance.md). scikit-learn offers no running
    prediction, so this keeps the sum of the trees' predictions and adds the new ones in
    the forest's order, as ``predict_proba`` / ``predict`` do with ``n_jobs=1``; the
    numbers are the same (tests/tuning/test_tuning_depth.py). Forests with several
    outputs, or that predict in parallel threads, are predicted whole instead.
    """

    def __init__(self, forest: Any, X: Any) -> None:
        self.forest = forest
        self.X = X
        self.rows: Any = None
        self.total: Any = None
        self.trees = 0

    def predict(self) -> tuple[Any, Any]:
        forest = self.forest
        classifier = hasattr(forest, "classes_")
        if getattr(forest, "n_outputs_", 1) != 1 or forest.n_jobs not in (None, 1):
            proba = forest.predict_proba(self.X) if classifier else None
            y_pred = forest.predict(self.X) if proba is None else _top(forest, proba)
            return y_pred, proba
        if self.rows is None:
            self.rows = forest._validate_X_predict(self.X)
        for tree in forest.estimators_[self.trees :]:
            # What scikit-learn's _accumulate_prediction adds for each tree.
            value = (
                tree.predict_proba(self.rows, check_input=False)
                if classifier
                else tree.predict(self.rows, check_input=False)
            )
            self.total = value.copy() if self.total is None else self.total + value
        self.trees = len(forest.estimators_)
        mean = self.total / self.trees
        return (_top(forest, mean), mean) if classifier else (mean, None)


def _top(forest: Any, proba: Any) -> Any:
    return forest.classes_.take(proba.argmax(axis=1))


register_model(
    EstimatorModel(
        "random_forest",
        {
            "classification": "sklearn.ensemble:RandomForestClassifier",
            "regression": "sklearn.ensemble:RandomForestRegressor",
        },
        fixed_params={"n_jobs": 1},
        description="Random forest (scikit-learn), classification and regression",
        # Five checkpoints: each predicts the validation rows with the trees so far,
        # which costs little beside growing a fifth of the forest.
        resource="trees",
        steps_per_fit=5,
        fit_steps=_grow_forest,
        search_space={
            "n_estimators": {
                "type": "int",
                "low": 50,
                "high": 500,
                "grid": [100, 200, 300, 500],
            },
            "max_depth": {"type": "categorical", "choices": [None, 10, 20, 30]},
            "min_samples_split": {"type": "int", "low": 2, "high": 20, "grid": [2, 5, 10]},
            "min_samples_leaf": {"type": "int", "low": 1, "high": 10, "grid": [1, 2, 4]},
            "max_features": {"type": "categorical", "choices": ["sqrt", "log2", 0.5, 0.8]},
        },
    )
)

register_model(
    EstimatorModel(
        "ridge",
        {"regression": "sklearn.linear_model:Ridge"},
        needs_scaling=True,
        description="Ridge regression (L2-penalised least squares)",
        search_space={
            "alpha": {
                "type": "float",
                "low": 1e-3,
                "high": 1e3,
                "log": True,
                "grid": [0.001, 0.01, 0.1, 1.0, 10.0, 100.0, 1000.0],
            }
        },
    )
)


def __getattr__(name: str) -> Any:
    # Model files pickled before the estimator moved to _estimators still load.
    if name == "_PenaltyLogisticRegression":
        from bakeoff.models._estimators import PenaltyLogisticRegression

        return PenaltyLogisticRegression
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
