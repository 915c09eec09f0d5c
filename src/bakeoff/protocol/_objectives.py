"""What a search may optimise: the registered metrics, plus the cost of fitting."""

from __future__ import annotations

from collections.abc import Sequence

from bakeoff import metrics as metric_registry

__all__ = ["FIT_SECONDS", "default_objectives", "objective_direction"]

#: The cost objective: seconds spent fitting the model on the inner folds of a trial
#: (minimised). Wall time varies between runs, so a search that uses it is not
#: reproducible to the digit: the same spec can pick other trials on another day.
FIT_SECONDS = "fit_seconds"


def objective_direction(name: str) -> str:
    """``"maximize"`` or ``"minimize"``: the metric's registry direction.

    Raises:
        UnknownNameError: If ``name`` is neither ``fit_seconds`` nor a metric.
    """
    if name == FIT_SECONDS:
        return "minimize"
    return metric_registry.get(name).direction


def default_objectives(task: str, metrics: Sequence[str]) -> tuple[str, ...]:
    """What a cell searches when the study names no ``tuning.objectives``.

    A synthesis cell searches its first two metrics together (by default utility,
    ``tstr``, and similarity, ``quality_score``), and refits the knee of their Pareto
    front; other cells (and a synthesis study with a single metric) search the first
    metric alone (the empty tuple).
    """
    if task == "synthesis" and len(metrics) > 1:
        return (metrics[0], metrics[1])
    return ()
