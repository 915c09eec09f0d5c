"""Dataset registry, loaders and fingerprints."""

from bakeoff.datasets import _shipped  # noqa: F401  (registers the shipped datasets)
from bakeoff.datasets._base import TASKS, Dataset, TaskKind, fingerprint_frame, infer_task
from bakeoff.datasets._meta import META_FEATURES, cache_dir, compute_meta_features, meta_features
from bakeoff.datasets._registry import (
    DatasetInfo,
    get_info,
    list_datasets,
    load,
    load_file,
    register_dataset,
)

__all__ = [
    "META_FEATURES",
    "TASKS",
    "Dataset",
    "DatasetInfo",
    "TaskKind",
    "cache_dir",
    "compute_meta_features",
    "fingerprint_frame",
    "get_info",
    "infer_task",
    "list_datasets",
    "load",
    "load_file",
    "meta_features",
    "register_dataset",
]
