"""Dataset registry, loaders, suites, collections, fingerprints and meta-features."""

from bakeoff.datasets import _shipped  # noqa: F401  (registers the shipped datasets)
from bakeoff.datasets._base import TASKS, Dataset, TaskKind, infer_task
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
from bakeoff.datasets._readers import FileReader, get_reader, list_readers, register_reader
from bakeoff.datasets._registry import (
    DatasetInfo,
    get_info,
    list_datasets,
    load,
    load_file,
    register_dataset,
    register_frame,
)
from bakeoff.datasets._report import ColumnReport, DatasetReport, report
from bakeoff.datasets._suites import (
    Suite,
    get_suite,
    list_suites,
    register_suite,
    suite_members,
)
from bakeoff.datasets._types import FEATURE_KINDS, FeatureKind, infer_feature_kind
from bakeoff.datasets._warnings import dataset_warnings

__all__ = [
    "COLLECTION_FILE",
    "FEATURE_KINDS",
    "META_FEATURES",
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
