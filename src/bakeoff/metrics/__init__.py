"""Metric registry: ``bakeoff.metrics.get(name)`` and ``@register_metric``."""

from bakeoff.metrics import _builtin  # noqa: F401  (registers the shipped metrics)
from bakeoff.metrics._base import (
    SYNTHESIS,
    Metric,
    SynthesisTables,
    get,
    list_metrics,
    register_metric,
)

__all__ = ["SYNTHESIS", "Metric", "SynthesisTables", "get", "list_metrics", "register_metric"]
