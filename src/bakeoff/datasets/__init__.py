"""Dataset registry, loaders and fingerprints."""

from bakeoff.datasets import _sklearn  # noqa: F401  (registers the shipped datasets)
from bakeoff.datasets._base import TASKS, Dataset, TaskKind, fingerprint_frame, infer_task
from bakeoff.datasets._registry import (
    DatasetInfo,
    get_info,
    list_datasets,
    load,
    load_file,
    register_dataset,
)

__all__ = [
    "TASKS",
    "Dataset",
    "DatasetInfo",
    "TaskKind",
    "fingerprint_frame",
    "get_info",
    "infer_task",
    "list_datasets",
    "load",
    "load_file",
    "register_dataset",
]
