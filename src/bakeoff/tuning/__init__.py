"""Search spaces and Optuna samplers.

Names are imported on first use (``bakeoff._lazy``): a search space is read (``bakeoff
models list``) without importing Optuna.
"""

from typing import TYPE_CHECKING

from bakeoff._lazy import lazy_attributes

if TYPE_CHECKING:
    from bakeoff.tuning._pruners import PRUNERS, make_pruner
    from bakeoff.tuning._samplers import (
        METHODS,
        SamplerFactory,
        make_sampler_factory,
        resolve_method,
    )
    from bakeoff.tuning._space import CategoricalParam, FloatParam, IntParam, Param, SearchSpace

__all__ = [
    "METHODS",
    "PRUNERS",
    "CategoricalParam",
    "FloatParam",
    "IntParam",
    "Param",
    "SamplerFactory",
    "SearchSpace",
    "make_pruner",
    "make_sampler_factory",
    "resolve_method",
]

__getattr__, __dir__ = lazy_attributes(
    __name__,
    {
        "PRUNERS": "bakeoff.tuning._pruners:PRUNERS",
        "make_pruner": "bakeoff.tuning._pruners:make_pruner",
        "METHODS": "bakeoff.tuning._samplers:METHODS",
        "SamplerFactory": "bakeoff.tuning._samplers:SamplerFactory",
        "make_sampler_factory": "bakeoff.tuning._samplers:make_sampler_factory",
        "resolve_method": "bakeoff.tuning._samplers:resolve_method",
        "CategoricalParam": "bakeoff.tuning._space:CategoricalParam",
        "FloatParam": "bakeoff.tuning._space:FloatParam",
        "IntParam": "bakeoff.tuning._space:IntParam",
        "Param": "bakeoff.tuning._space:Param",
        "SearchSpace": "bakeoff.tuning._space:SearchSpace",
    },
)
