"""Model registry: the shipped models and ``register_estimator`` for your own."""

from bakeoff.models import _sklearn, _xgboost  # noqa: F401  (registers the shipped models)
from bakeoff.models._base import (
    EstimatorModel,
    Model,
    get,
    list_models,
    register_estimator,
    register_model,
)
from bakeoff.models._xgboost import ContiguousLabelClassifier

__all__ = [
    "ContiguousLabelClassifier",
    "EstimatorModel",
    "Model",
    "get",
    "list_models",
    "register_estimator",
    "register_model",
]
