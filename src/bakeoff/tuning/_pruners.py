"""Optuna pruners for ``tuning.pruner``, built from the spec's name and options."""

from __future__ import annotations

from typing import Any

import optuna

__all__ = ["PRUNERS", "make_pruner"]

#: Pruners and what each does.
PRUNERS: dict[str, str] = {
    "none": "no pruning: every trial runs all its steps",
    "median": "stop a trial whose running score is worse than the median of earlier "
    "trials at the same step (optuna MedianPruner)",
    "percentile": "like median, at another percentile (optuna PercentilePruner; option "
    "percentile, default 25)",
    "asha": "asynchronous successive halving (optuna SuccessiveHalvingPruner)",
    "hyperband": "Hyperband over successive-halving brackets (optuna HyperbandPruner)",
}


def make_pruner(
    name: str, options: dict[str, Any] | None = None, *, n_steps: int = 1
) -> optuna.pruners.BasePruner:
    """The Optuna pruner ``name`` with ``options`` as keyword arguments.

    Every pruner here is deterministic given the trials it sees: none draws random
    numbers (Hyperband assigns brackets by a hash of the study name and trial number).
    Optuna's ``"auto"`` resources are replaced by fixed ones (``min_resource=1`` for
    successive halving, ``max_resource=n_steps`` for Hyperband): "auto" is estimated
    from the trials finished when a pruner first runs, which differ between a resumed
    cell and an uninterrupted one.

    Args:
        name: One of :data:`PRUNERS`.
        options: Keyword arguments for the Optuna pruner.
        n_steps: Steps a full trial reports (inner folds, or the model's finer resource).

    Raises:
        ValueError: If ``name`` is unknown.
        TypeError: If the pruner refuses ``options``.
    """
    options = dict(options or {})
    pruners = optuna.pruners
    for resource in ("min_resource", "max_resource"):
        if options.get(resource) == "auto":
            raise TypeError(
                f"{resource}: 'auto' is estimated from whichever trials have finished, so a "
                f"resumed cell would prune differently; give a number of steps"
            )
    if name == "none":
        if options:
            raise TypeError(f"pruner 'none' takes no options, but got {sorted(options)}")
        return pruners.NopPruner()
    if name == "median":
        return pruners.MedianPruner(**options)
    if name == "percentile":
        options.setdefault("percentile", 25.0)
        return pruners.PercentilePruner(**options)
    if name == "asha":
        options.setdefault("min_resource", 1)
        return pruners.SuccessiveHalvingPruner(**options)
    if name == "hyperband":
        options.setdefault("max_resource", max(n_steps, 1))
        return pruners.HyperbandPruner(**options)
    raise ValueError(f"unknown pruner {name!r}; choose one of {sorted(PRUNERS)}")
