"""Search spaces and Optuna samplers."""

from bakeoff.tuning._pruners import PRUNERS, make_pruner
from bakeoff.tuning._samplers import METHODS, SamplerFactory, make_sampler_factory, resolve_method
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
