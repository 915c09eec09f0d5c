"""XGBoost models (optional extra ``bakeoff[xgboost]``).

Nothing heavy is imported here: XGBoost, scikit-learn and NumPy load when a model is built.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from bakeoff._optional import import_optional
from bakeoff.models._base import Model, register_model

if TYPE_CHECKING:
    from sklearn.base import BaseEstimator

    from bakeoff.tuning import SearchSpace


_XGBOOST_SPACE: dict[str, dict[str, Any]] = {
    "max_depth": {"type": "int", "low": 2, "high": 12, "grid": [3, 6, 9, 12]},
    "learning_rate": {
        "type": "float",
        "low": 0.01,
        "high": 0.3,
        "log": True,
        "grid": [0.01, 0.05, 0.1, 0.3],
    },
    "n_estimators": {
        "type": "int",
        "low": 50,
        "high": 500,
        "grid": [100, 200, 300, 500],
    },
    "subsample": {"type": "float", "low": 0.5, "high": 1.0, "grid": [0.6, 0.8, 1.0]},
    "colsample_bytree": {
        "type": "float",
        "low": 0.5,
        "high": 1.0,
        "grid": [0.6, 0.8, 1.0],
    },
    "reg_alpha": {
        "type": "float",
        "low": 0.0,
        "high": 1.0,
        "grid": [0, 0.01, 0.1, 1.0],
    },
    "reg_lambda": {"type": "float", "low": 1.0, "high": 10.0, "grid": [1, 2, 5, 10]},
}


class XGBoostModel(Model):
    """Gradient-boosted trees from XGBoost (histogram method, one thread per cell)."""

    name = "xgboost"
    tasks = ("classification", "regression")
    description = "XGBoost gradient-boosted trees (needs bakeoff[xgboost])"
    resource = "boosting rounds"

    def fit_steps(
        self,
        pipeline: Any,
        X: Any,
        y: Any,
        *,
        X_val: Any,
        on_step: Callable[[Any, Any], None],
    ) -> None:
        """Fit through XGBoost's training callback.

        Predicts ``X_val`` at each of :attr:`steps_per_fit` checkpoints spread over
        ``n_estimators`` rounds.

        ``on_step`` raising (a pruned trial) stops the boosting at that round.
        """
        import numpy as np

        from bakeoff.models._estimators import ContiguousLabelClassifier

        xgboost = import_optional("xgboost", extra="xgboost", purpose="the 'xgboost' model")
        preprocess, estimator = pipeline[:-1], pipeline[-1]
        X_fit = preprocess.fit_transform(X, y)
        X_check = preprocess.transform(X_val)
        wrapper = estimator if isinstance(estimator, ContiguousLabelClassifier) else None
        booster_model = wrapper.estimator if wrapper is not None else estimator
        rounds = int(booster_model.get_params().get("n_estimators") or 100)
        checkpoints = [
            max(1, math.ceil(rounds * (i + 1) / self.steps_per_fit))
            for i in range(self.steps_per_fit)
        ]
        classes = np.unique(np.asarray(y)) if wrapper is not None else None
        base = xgboost.callback.TrainingCallback

        class Checkpoints(base):  # type: ignore[misc, valid-type]
            def after_iteration(self, model: Any, epoch: int, evals_log: Any) -> bool:
                done = epoch + 1
                for _ in range(checkpoints.count(done)):
                    raw = model.inplace_predict(X_check, iteration_range=(0, done))
                    on_step(*_decode(raw, classes))
                return False

        booster_model.set_params(callbacks=[Checkpoints()])
        try:
            estimator.fit(X_fit, y)
        finally:
            booster_model.set_params(callbacks=None)
            if wrapper is not None and hasattr(wrapper, "estimator_"):
                wrapper.estimator_.set_params(callbacks=None)

    def param_names(self, task: str) -> set[str] | None:
        """The scikit-learn wrapper's parameters and every booster's own.

        XGBoost forwards any keyword to its booster and ignores one it does not know
        (``n_estimator`` for ``n_estimators``), so names are checked against what the
        wrapper lists and what XGBoost's boosters (gbtree, dart, gblinear) report in
        their configuration.
        """
        wrapper = super().param_names(task)
        if wrapper is None:
            return None
        return wrapper | _booster_param_names()

    def default_params(self) -> dict[str, Any]:
        return {"tree_method": "hist", "n_jobs": 1, "verbosity": 0}

    def search_space(self) -> SearchSpace:
        from bakeoff.tuning import SearchSpace

        return SearchSpace(_XGBOOST_SPACE)

    def parameter_names(self) -> list[str]:
        return list(_XGBOOST_SPACE)

    def build(self, params: Mapping[str, Any], *, task: str, random_state: int) -> BaseEstimator:
        from bakeoff.models._estimators import ContiguousLabelClassifier

        xgboost = import_optional("xgboost", extra="xgboost", purpose="the 'xgboost' model")
        params = {"random_state": random_state, **params}
        if task == "classification":
            return ContiguousLabelClassifier(xgboost.XGBClassifier(**params))
        return xgboost.XGBRegressor(**params)


def _decode(raw: Any, classes: Any) -> tuple[Any, Any]:
    """(y_pred, proba) from a booster's raw output, in the wrapper's class order."""
    import numpy as np

    raw = np.asarray(raw, dtype=float)
    if classes is None:
        return raw, None
    if len(classes) == 1:
        return np.full(len(raw), classes[0]), np.ones((len(raw), 1))
    proba = np.column_stack([1.0 - raw, raw]) if raw.ndim == 1 else raw
    return classes[np.argmax(proba, axis=1)], proba


@functools.cache
def _booster_param_names() -> frozenset[str]:
    import numpy as np

    xgboost = import_optional("xgboost", extra="xgboost", purpose="the 'xgboost' model")
    rows = xgboost.DMatrix(np.array([[0.0], [1.0]]), label=np.array([0.0, 1.0]))
    names: set[str] = set()
    for booster in ("gbtree", "dart", "gblinear"):
        trained = xgboost.train(
            {"booster": booster, "verbosity": 0, "nthread": 1}, rows, num_boost_round=1
        )
        _collect_keys(json.loads(trained.save_config()), names)
    return frozenset(names - {"name"})  # "name" labels a component, it sets nothing


def _collect_keys(config: Any, names: set[str]) -> None:
    """Keys whose values are settings (text) anywhere in a booster's JSON configuration."""
    if isinstance(config, dict):
        for key, value in config.items():
            if isinstance(value, str):
                names.add(key)
            else:
                _collect_keys(value, names)
    elif isinstance(config, list):
        for value in config:
            _collect_keys(value, names)


register_model(XGBoostModel())
