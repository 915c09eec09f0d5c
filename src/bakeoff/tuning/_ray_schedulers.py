"""Ray Tune's trial schedulers for ``tuning.method: ray_tune``, built from the spec.

Ray is imported inside the functions: a study that does not use Ray Tune never loads it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bakeoff._optional import import_optional
from bakeoff.tuning._space import CategoricalParam, FloatParam, IntParam, SearchSpace

__all__ = [
    "RESOURCE",
    "SCHEDULERS",
    "clip_to_space",
    "make_scheduler",
    "pbt_space",
    "pbt_space_problem",
]

#: Schedulers and what each does.
SCHEDULERS: dict[str, str] = {
    "asha": "asynchronous successive halving (ray.tune.schedulers.ASHAScheduler)",
    "hyperband": "asynchronous HyperBand: successive halving over several brackets "
    "(ray.tune.schedulers.AsyncHyperBandScheduler, brackets=3 unless given)",
    "pbt": "population-based training (ray.tune.schedulers.PopulationBasedTraining)",
    "fifo": "no early stopping: every trial runs to its end (ray.tune.schedulers."
    "FIFOScheduler), its trials still spread over the cluster",
}

#: The result key the schedulers count the model's resource in: the number of steps
#: reported so far (1 at the first checkpoint of the first fold).
RESOURCE = "resource"


def make_scheduler(
    name: str,
    options: Mapping[str, Any],
    *,
    n_steps: int,
    mode: str,
    space: SearchSpace,
    steps_per_fit: int,
    explore: Any = None,
) -> Any:
    """Build Ray Tune's scheduler ``name`` for trials of ``n_steps`` steps.

    Args:
        name: One of :data:`SCHEDULERS`.
        options: The spec's ``scheduler_options`` (override the defaults below).
        n_steps: Steps of a whole trial: inner folds × the model's checkpoints per fit.
        mode: ``"max"`` or ``"min"``: the direction of the metric ``value``.
        space: The cell's search space (PBT perturbs its parameters).
        steps_per_fit: Checkpoints per fit: PBT's default perturbation interval (once a
            fold).
        explore: PBT's ``custom_explore_fn`` (``None``: clip to the space only).

    Raises:
        MissingExtraError: If Ray (with Tune) is not installed.
        TypeError, ValueError: If Ray refuses the options.
    """
    import_optional("ray.tune", extra="ray", purpose="tuning.method: ray_tune")
    from ray.tune import schedulers

    common: dict[str, Any] = {"time_attr": RESOURCE, "metric": "value", "mode": mode}
    if name in ("asha", "hyperband"):
        # stop_last_trials=False: a trial that reached max_t still sends its final
        # result (its inner-CV score and fold scores) instead of being cut before it.
        defaults: dict[str, Any] = {
            "max_t": n_steps,
            "grace_period": 1,
            "reduction_factor": 4 if name == "asha" else 3,
            "stop_last_trials": False,
        }
        if name == "hyperband":
            defaults["brackets"] = 3
        return schedulers.AsyncHyperBandScheduler(**(common | defaults | dict(options)))
    if name == "pbt":

        def clip(config: dict[str, Any]) -> dict[str, Any]:
            clipped = clip_to_space(space, config)
            return explore(clipped) if explore is not None else clipped

        defaults = {
            "perturbation_interval": steps_per_fit,
            # Synchronous: every trial is compared at the same step. Asynchronously, a
            # trial that reaches its end below a better trial paused at an earlier
            # step (trials pause while others wait for a slot) is cloned back to that
            # step, and again each time it gets there: one trial was reset 46 times.
            "synch": True,
            "hyperparam_mutations": pbt_space(space),
            "custom_explore_fn": clip,
            "log_config": False,
        }
        return schedulers.PopulationBasedTraining(**(common | defaults | dict(options)))
    if name == "fifo":
        return schedulers.FIFOScheduler(**dict(options))  # type: ignore[no-untyped-call]
    raise ValueError(f"unknown Ray Tune scheduler {name!r}; choose one of {sorted(SCHEDULERS)}")


def pbt_space_problem(space: SearchSpace) -> str | None:
    """Why PBT cannot perturb ``space``, or ``None`` if it can.

    PBT perturbs a running trial's parameters by factors (×1.2, ×0.8) or resamples them:
    that needs numbers, each always present (a conditional parameter would appear or
    vanish in the middle of a trial).
    """
    for name in space:
        param = space[name]
        if isinstance(param, CategoricalParam):
            return f"'{name}' is categorical ({param.choices})"
        if param.when:
            return f"'{name}' is conditional (when: {param.when})"
    return None


def pbt_space(space: SearchSpace) -> dict[str, Any]:
    """The space as Ray Tune sampling domains (PBT's ``hyperparam_mutations``)."""
    from ray import tune

    domains: dict[str, Any] = {}
    for name in space:
        param = space[name]
        if isinstance(param, IntParam):
            if param.log:
                domains[name] = tune.lograndint(param.low, param.high + 1)
            else:
                domains[name] = tune.qrandint(param.low, param.high, param.step)
        elif isinstance(param, FloatParam):
            if param.log:
                domains[name] = tune.loguniform(param.low, param.high)
            elif param.step is not None:
                domains[name] = tune.quniform(param.low, param.high, param.step)
            else:
                domains[name] = tune.uniform(param.low, param.high)
        else:  # pragma: no cover - refused by pbt_space_problem
            raise ValueError(f"PBT cannot perturb parameter {name!r}")
    return domains


def clip_to_space(space: SearchSpace, config: Mapping[str, Any]) -> dict[str, Any]:
    """``config`` with each number brought back inside its parameter's range.

    PBT multiplies a value by 1.2 or 0.8 without looking at the range: a perturbed
    ``max_depth`` of 12 from a range 1..10 is stored (and refitted) as 10.
    """
    clipped = dict(config)
    for name, value in config.items():
        param = space.get(name)
        if isinstance(param, IntParam):
            clipped[name] = int(min(max(round(value), param.low), param.high))
        elif isinstance(param, FloatParam):
            clipped[name] = float(min(max(value, param.low), param.high))
    return clipped
