"""bakeoff: reproducible, statistically sound model bake-offs.

Declare a study (models × datasets × budgets × seeds, plus how to tune), run it, and
read the results back::

    import bakeoff

    study = bakeoff.Study.from_yaml("examples/quickstart.yaml")
    summary = study.run(n_jobs=2)
    table = bakeoff.results("quickstart")

Every name below is imported on first use (``bakeoff._lazy``), so that ``import bakeoff``
and the command line start without loading SciPy, scikit-learn, Optuna or pandas.
"""

from typing import TYPE_CHECKING

from bakeoff._lazy import lazy_attributes
from bakeoff.exceptions import BakeoffError, SpecError, StoreError

if TYPE_CHECKING:
    from bakeoff import analysis, datasets, metrics, models
    from bakeoff._params_file import export_params
    from bakeoff._results import pareto, predictions, results, trials
    from bakeoff._study import RunSummary, Study
    from bakeoff._table_files import read_table
    from bakeoff._version import __version__
    from bakeoff.datasets import Dataset, register_dataset
    from bakeoff.metrics import Metric, register_metric
    from bakeoff.models import Model, register_estimator, register_model
    from bakeoff.store import Store
    from bakeoff.tuning import SearchSpace

__all__ = [
    "BakeoffError",
    "Dataset",
    "Metric",
    "Model",
    "RunSummary",
    "SearchSpace",
    "SpecError",
    "Store",
    "StoreError",
    "Study",
    "__version__",
    "analysis",
    "datasets",
    "export_params",
    "metrics",
    "models",
    "pareto",
    "predictions",
    "read_table",
    "register_dataset",
    "register_estimator",
    "register_metric",
    "register_model",
    "results",
    "trials",
]

__getattr__, __dir__ = lazy_attributes(
    __name__,
    {
        "analysis": "bakeoff.analysis",
        "datasets": "bakeoff.datasets",
        "metrics": "bakeoff.metrics",
        "models": "bakeoff.models",
        "export_params": "bakeoff._params_file:export_params",
        "pareto": "bakeoff._results:pareto",
        "predictions": "bakeoff._results:predictions",
        "results": "bakeoff._results:results",
        "trials": "bakeoff._results:trials",
        "RunSummary": "bakeoff._study:RunSummary",
        "Study": "bakeoff._study:Study",
        "read_table": "bakeoff._table_files:read_table",
        "Dataset": "bakeoff.datasets:Dataset",
        "register_dataset": "bakeoff.datasets:register_dataset",
        "Metric": "bakeoff.metrics:Metric",
        "register_metric": "bakeoff.metrics:register_metric",
        "Model": "bakeoff.models:Model",
        "register_estimator": "bakeoff.models:register_estimator",
        "register_model": "bakeoff.models:register_model",
        "Store": "bakeoff.store:Store",
        "__version__": "bakeoff._version:__version__",
        "SearchSpace": "bakeoff.tuning:SearchSpace",
    },
)
