"""Search spaces and Optuna samplers."""

from bakeoff.tuning._samplers import METHODS, SamplerFactory, make_sampler_factory
from bakeoff.tuning._space import CategoricalParam, FloatParam, IntParam, Param, SearchSpace

__all__ = [
    "METHODS",
    "CategoricalParam",
    "FloatParam",
    "IntParam",
    "Param",
    "SamplerFactory",
    "SearchSpace",
    "make_sampler_factory",
]
