"""Dataset registry, loaders, suites, collections, fingerprints and meta-features.

Registering and listing datasets imports neither pandas nor scikit-learn (each shipped
dataset is a name, its metadata and a loader); the rest of this package is imported on
first use (``bakeoff._lazy``).
"""

from typing import TYPE_CHECKING

from bakeoff._lazy import lazy_attributes
from bakeoff.datasets import _shipped  # noqa: F401  (registers the shipped datasets)
from bakeoff.datasets._readers import FileReader, get_reader, list_readers, register_reader
from bakeoff.datasets._registry import (
    DatasetInfo,
    get_info,
    list_datasets,
    load,
    register_dataset,
    register_frame,
)
from bakeoff.datasets._suites import (
    Suite,
    get_suite,
    list_suites,
    register_suite,
    suite_members,
)

if TYPE_CHECKING:
    from bakeoff.datasets._base import SYNTHESIS, TASKS, Dataset, TaskKind, infer_task
    from bakeoff.datasets._cache import cache_dir
    from bakeoff.datasets._collections import (
        COLLECTION_FILE,
        Collection,
        CollectionEntry,
        find_collection,
        list_collections,
        read_collection,
        register_collection,
    )
    from bakeoff.datasets._fingerprint import fingerprint_frame
    from bakeoff.datasets._meta import META_FEATURES, compute_meta_features, meta_features
    from bakeoff.datasets._registry import load_file
    from bakeoff.datasets._report import ColumnReport, DatasetReport, report
    from bakeoff.datasets._types import FEATURE_KINDS, FeatureKind, infer_feature_kind
    from bakeoff.datasets._warnings import dataset_warnings

__all__ = [
    "COLLECTION_FILE",
    "FEATURE_KINDS",
    "META_FEATURES",
    "SYNTHESIS",
    "TASKS",
    "Collection",
    "CollectionEntry",
    "ColumnReport",
    "Dataset",
    "DatasetInfo",
    "DatasetReport",
    "FeatureKind",
    "FileReader",
    "Suite",
    "TaskKind",
    "cache_dir",
    "compute_meta_features",
    "dataset_warnings",
    "find_collection",
    "fingerprint_frame",
    "get_info",
    "get_reader",
    "get_suite",
    "infer_feature_kind",
    "infer_task",
    "list_collections",
    "list_datasets",
    "list_readers",
    "list_suites",
    "load",
    "load_file",
    "meta_features",
    "read_collection",
    "register_collection",
    "register_dataset",
    "register_frame",
    "register_reader",
    "register_suite",
    "report",
    "suite_members",
]

__getattr__, __dir__ = lazy_attributes(
    __name__,
    {
        "SYNTHESIS": "bakeoff.datasets._base:SYNTHESIS",
        "TASKS": "bakeoff.datasets._base:TASKS",
        "Dataset": "bakeoff.datasets._base:Dataset",
        "TaskKind": "bakeoff.datasets._base:TaskKind",
        "infer_task": "bakeoff.datasets._base:infer_task",
        "cache_dir": "bakeoff.datasets._cache:cache_dir",
        "COLLECTION_FILE": "bakeoff.datasets._collections:COLLECTION_FILE",
        "Collection": "bakeoff.datasets._collections:Collection",
        "CollectionEntry": "bakeoff.datasets._collections:CollectionEntry",
        "find_collection": "bakeoff.datasets._collections:find_collection",
        "list_collections": "bakeoff.datasets._collections:list_collections",
        "read_collection": "bakeoff.datasets._collections:read_collection",
        "register_collection": "bakeoff.datasets._collections:register_collection",
        "fingerprint_frame": "bakeoff.datasets._fingerprint:fingerprint_frame",
        "META_FEATURES": "bakeoff.datasets._meta:META_FEATURES",
        "compute_meta_features": "bakeoff.datasets._meta:compute_meta_features",
        "meta_features": "bakeoff.datasets._meta:meta_features",
        "load_file": "bakeoff.datasets._registry:load_file",
        "ColumnReport": "bakeoff.datasets._report:ColumnReport",
        "DatasetReport": "bakeoff.datasets._report:DatasetReport",
        "report": "bakeoff.datasets._report:report",
        "FEATURE_KINDS": "bakeoff.datasets._types:FEATURE_KINDS",
        "FeatureKind": "bakeoff.datasets._types:FeatureKind",
        "infer_feature_kind": "bakeoff.datasets._types:infer_feature_kind",
        "dataset_warnings": "bakeoff.datasets._warnings:dataset_warnings",
    },
)
