"""What a search may optimise: the registered metrics, plus the cost of fitting."""

from __future__ import annotations

from bakeoff import metrics as metric_registry

__all__ = ["FIT_SECONDS", "objective_direction"]

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
