"""The study specification: fields, YAML loading and readable validation errors."""

from bakeoff.spec._fields import (
    ArtifactsSpec,
    DatasetSpec,
    ExecutionSpec,
    ModelSpec,
    SplitSpec,
    StudySpec,
    TuningSpec,
)
from bakeoff.spec._loading import format_validation_error, parse_spec, read_yaml

__all__ = [
    "ArtifactsSpec",
    "DatasetSpec",
    "ExecutionSpec",
    "ModelSpec",
    "SplitSpec",
    "StudySpec",
    "TuningSpec",
    "format_validation_error",
    "parse_spec",
    "read_yaml",
]
