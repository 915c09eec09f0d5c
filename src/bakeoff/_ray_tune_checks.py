"""The checks of ``tuning.method: ray_tune`` that need more than the spec.

They check the model's resource, PBT's space and the scheduler's options (built once, as Ray
would).
"""

from __future__ import annotations

from typing import Any

from bakeoff.exceptions import SpecError
from bakeoff.tuning import SearchSpace

__all__ = ["check_scheduler", "ray_tune_model_problem"]


def ray_tune_model_problem(
    index: int, label: str, model: Any, space: SearchSpace, scheduler: str
) -> None:
    """Refuse a model Ray Tune's schedulers cannot act on.

    Raises:
        SpecError: If the model reports no resource, or PBT cannot perturb its space.
    """
    if model.resource is None:
        raise SpecError(
            f"models[{index}] ({label}): tuning.method: ray_tune needs a model that "
            f"reports its training as it goes (boosting rounds, trees, epochs) for the "
            f"scheduler to act on, and '{model.name}' reports none. Use a model with a "
            f"resource (bakeoff models list: xgboost, random_forest, ...), or another "
            f"tuning.method such as tpe"
        )
    if scheduler == "pbt":
        check_pbt_space(index, label, space)


def check_pbt_space(index: int, label: str, space: SearchSpace) -> None:
    """Refuse a space PBT cannot perturb (see ``pbt_space_problem``)."""
    from bakeoff.tuning._ray_schedulers import pbt_space_problem

    problem = pbt_space_problem(space)
    if problem is not None:
        raise SpecError(
            f"models[{index}] ({label}).search_space: scheduler: pbt perturbs numbers "
            f"(×1.2, ×0.8) in running trials, but {problem}. Fix it in the model's params, "
            f"or give it an int or float range in search_space, or use scheduler: asha"
        )


def check_scheduler(name: str, options: dict[str, Any]) -> None:
    """Build the scheduler once, so that bad ``scheduler_options`` fail here.

    Raises:
        MissingExtraError: If Ray (with Tune) is not installed.
        SpecError: If Ray refuses the options.
    """
    from bakeoff.tuning._ray_schedulers import make_scheduler

    try:
        make_scheduler(name, options, n_steps=10, mode="max", space=SearchSpace(), steps_per_fit=5)
    except (TypeError, ValueError, AssertionError) as exc:
        given = ", ".join(sorted(map(str, options))) or "none"
        raise SpecError(
            f"tuning.scheduler_options: Ray Tune's '{name}' scheduler refuses them "
            f"({given}): {str(exc)[:200]}. Fix or remove them (see Ray Tune's "
            f"documentation of the scheduler)"
        ) from None
