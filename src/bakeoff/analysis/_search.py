"""One search, measured: its history, spread, convergence and parameter importance.

Everything here works on the COMPLETE trials of one cell and on the first objective
only (a trial's ``values[0]``); PRUNED and FAIL trials are counted, not scored.

Convergence, defined for any metric. "The trial that reached 99 % of the final best"
read literally (``best_k >= 0.99 * final``) holds only for a positive metric that is
maximised: for a minimised one (rmse) it is met from the first trial, and for a negative
one (a negated loss) never. bakeoff uses two sign-free readings:

* ``trial`` (within 1 % of the final best): the first trial whose running best is
  within ``(1 - reach) * |final|`` of the final best. For a positive maximised metric
  this is exactly ``best_k >= 0.99 * final``; for a minimised one, ``best_k <= 1.01 *
  final``; for a negative one the same distance, measured on the magnitude. A final
  best of 0 needs the exact value.
* ``improvement_trial`` (99 % of the improvement): the first trial whose running best
  covers 99 % of the way from the first complete trial's value to the final best. It
  does not depend on the metric's units or sign, but on where the search started.

Both are trial numbers (Optuna's, counting every state) with ``position``, the 1-based
count of complete trials up to it.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

__all__ = [
    "IMPORTANCE_EVALUATORS",
    "convergence",
    "history",
    "importance",
    "sensitivity",
    "top_count",
    "top_mask",
]

#: The Optuna importance evaluators computed for every cell.
IMPORTANCE_EVALUATORS = ("fanova", "ped_anova")


def _better(a: float, b: float, direction: str) -> bool:
    return a > b if direction == "maximize" else a < b


def history(numbers: list[int], values: list[float], direction: str) -> list[dict[str, Any]]:
    """Each complete trial's value and the running best up to it, in trial order."""
    out: list[dict[str, Any]] = []
    best = math.nan
    for number, value in zip(numbers, values, strict=True):
        if math.isnan(best) or _better(value, best, direction):
            best = value
        out.append({"number": number, "value": value, "best": best})
    return out


def _spread(values: np.ndarray) -> dict[str, Any]:
    return {
        "n": int(values.size),
        "min": float(values.min()),
        "max": float(values.max()),
        "range": float(values.max() - values.min()),
        "sd": float(values.std(ddof=1)) if values.size > 1 else 0.0,
        "iqr": float(np.subtract(*np.percentile(values, [75, 25]))),
    }


def top_count(n: int, top_fraction: float) -> int:
    """How many trials form the top fraction: ``ceil(fraction * n)``, at least 1."""
    return max(1, math.ceil(top_fraction * n - 1e-9))


def top_mask(values: list[float], direction: str, top_fraction: float) -> np.ndarray:
    """Which trials are in the top: as good as the ``ceil(fraction * n)``-th best, or better."""
    array = np.asarray(values, dtype=float)
    ordered = np.sort(array)
    k = top_count(array.size, top_fraction)
    if direction == "maximize":
        return np.asarray(array >= ordered[-k])
    return np.asarray(array <= ordered[k - 1])


def sensitivity(values: list[float], direction: str, top_fraction: float) -> dict[str, Any]:
    """How much the objective varies across all complete trials and across the best ones.

    ``top`` holds the trials at least as good as the ``ceil(top_fraction * n)``-th best
    (ties with it included, so that the top never depends on trial order). A small
    ``top.range`` beside a large ``all.range`` means the good configurations agree on
    the score: the search found a plateau; ``top_to_all`` is their ratio (0 when all
    trials tie).
    """
    array = np.asarray(values, dtype=float)
    top = array[top_mask(values, direction, top_fraction)]
    every, best = _spread(array), _spread(top)
    return {
        "all": every,
        "top": best,
        "top_fraction": top_fraction,
        "top_to_all": best["range"] / every["range"] if every["range"] > 0 else 0.0,
    }


def convergence(
    numbers: list[int], values: list[float], direction: str, reach: float = 0.99
) -> dict[str, Any]:
    """When the search came close to its final best (see the module's docstring)."""
    steps = history(numbers, values, direction)
    final = steps[-1]["best"]
    first = steps[0]["value"]
    tolerance = (1.0 - reach) * abs(final)
    improvement = abs(final - first)
    within = next(s for s in steps if abs(s["best"] - final) <= tolerance)
    covered = next(s for s in steps if abs(s["best"] - first) >= reach * improvement - 1e-12)
    return {
        "final_best": final,
        "first_value": first,
        "reach": reach,
        "trial": within["number"],
        "position": steps.index(within) + 1,
        "improvement_trial": covered["number"],
        "improvement_position": steps.index(covered) + 1,
        "n_complete": len(steps),
    }


def importance(
    trials: list[dict[str, Any]], direction: str, *, seed: int, top_fraction: float
) -> dict[str, Any]:
    """Optuna's fANOVA (seeded) and PED-ANOVA importances of one cell's parameters.

    Computed on an in-memory Optuna study rebuilt from the complete trials, with the
    first objective as its value. Parameters present in every complete trial are
    assessed (Optuna's rule); importances are normalised to sum to 1. An evaluator that
    cannot run (too few trials, a single configuration) gives ``{"error": reason}``.

    Args:
        trials: ``{"params", "distributions", "value"}`` per complete trial, where
            distributions are Optuna distribution objects.
        direction: ``"maximize"`` or ``"minimize"``.
        seed: fANOVA's random-forest seed (PED-ANOVA draws nothing at random).
        top_fraction: PED-ANOVA's ``target_quantile``, the share of trials it calls good.
    """
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(direction="maximize" if direction == "maximize" else "minimize")
    try:
        study.add_trials(
            [
                optuna.trial.create_trial(
                    params=t["params"], distributions=t["distributions"], value=t["value"]
                )
                for t in trials
            ]
        )
    except ValueError as exc:  # parameters stored without their distributions
        reason = {"error": f"the trials cannot be rebuilt as an Optuna study: {exc}"[:300]}
        return {name: dict(reason) for name in IMPORTANCE_EVALUATORS}
    out: dict[str, Any] = {}
    for name in IMPORTANCE_EVALUATORS:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # PED-ANOVA is experimental in Optuna
                evaluator: optuna.importance.BaseImportanceEvaluator = (
                    optuna.importance.FanovaImportanceEvaluator(seed=seed)
                    if name == "fanova"
                    else optuna.importance.PedAnovaImportanceEvaluator(target_quantile=top_fraction)
                )
                result = optuna.importance.get_param_importances(study, evaluator=evaluator)
            out[name] = {k: float(v) for k, v in sorted(result.items())}
        except Exception as exc:  # Optuna refuses degenerate studies in several ways
            out[name] = {"error": f"{type(exc).__name__}: {exc}"[:300]}
    return out
