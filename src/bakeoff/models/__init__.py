"""Model registry: the shipped models and ``register_estimator`` for your own.

Registering the shipped models imports neither scikit-learn nor XGBoost (they load when
a cell builds an estimator), so listing the registry is fast.
"""

from typing import TYPE_CHECKING

from bakeoff._lazy import lazy_attributes
from bakeoff.models import _sklearn, _xgboost  # noqa: F401  (registers the shipped models)
from bakeoff.models._base import (
    EstimatorModel,
    Generator,
    Model,
    checked_search_space,
    get,
    list_models,
    register_estimator,
    register_model,
)

if TYPE_CHECKING:
    from bakeoff.models._estimators import ContiguousLabelClassifier

__all__ = [
    "ContiguousLabelClassifier",
    "EstimatorModel",
    "Generator",
    "Model",
    "checked_search_space",
    "get",
    "list_models",
    "register_estimator",
    "register_model",
]

__getattr__, __dir__ = lazy_attributes(
    __name__, {"ContiguousLabelClassifier": "bakeoff.models._estimators:ContiguousLabelClassifier"}
)
