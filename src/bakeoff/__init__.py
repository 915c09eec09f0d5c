"""bakeoff: reproducible, statistically sound model bake-offs.

Declare a study (models × datasets × budgets × seeds, plus how to tune), run it, and
read the results back::

    import bakeoff

    study = bakeoff.Study.from_yaml("examples/quickstart.yaml")
    summary = study.run(n_jobs=2)
    table = bakeoff.results("quickstart")
"""

from bakeoff import analysis, datasets, metrics, models
from bakeoff._params_file import export_params
from bakeoff._results import pareto, predictions, results, trials
from bakeoff._study import RunSummary, Study
from bakeoff._table_files import read_table
from bakeoff._version import __version__
from bakeoff.datasets import Dataset, register_dataset
from bakeoff.exceptions import BakeoffError, SpecError, StoreError
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
