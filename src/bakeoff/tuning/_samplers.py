"""Optuna samplers for each tuning method, seeded per trial.

Optuna's samplers keep an RNG that a replay of stored trials cannot restore. To make a
resumed cell identical to an uninterrupted one, bakeoff builds a fresh sampler for every
trial, seeded from the cell seed and the trial number; everything else a sampler needs
(history, CMA-ES state, grid positions) lives in the trials and the study's system
attributes, which the store records and the replay restores.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import optuna

from bakeoff._optional import import_optional
from bakeoff._seeding import derive_seed

__all__ = ["METHODS", "SamplerFactory", "make_sampler_factory"]

#: Tuning methods and what each means.
METHODS: dict[str, str] = {
    "grid": "every configuration of the model's grid, in a seeded order, up to n_trials",
    "random": "independent uniform sampling (optuna RandomSampler)",
    "tpe": "tree-structured Parzen estimator (optuna TPESampler)",
    "gp": "Gaussian-process Bayesian optimisation (optuna GPSampler; needs bakeoff[gp])",
    "cmaes": "CMA-ES (optuna CmaEsSampler); categorical parameters are sampled at random",
    "qmc": "scrambled Sobol quasi-random sequence (optuna QMCSampler)",
    "none": "no tuning: one trial with the model's default parameters",
}

SamplerFactory = Callable[[int], optuna.samplers.BaseSampler]


def make_sampler_factory(
    method: str, *, cell_seed: int, options: dict[str, Any] | None = None
) -> SamplerFactory:
    """Return ``trial_number -> sampler`` for ``method``.

    Args:
        method: One of :data:`METHODS`.
        cell_seed: The cell's seed; per-trial seeds derive from it.
        options: Extra keyword arguments for the Optuna sampler.

    Raises:
        ValueError: If ``method`` is unknown.
        MissingExtraError: If the method's optional dependency is missing.
    """
    options = dict(options or {})
    optuna_samplers = optuna.samplers

    def seed_of(number: int) -> int:
        return derive_seed(cell_seed, "sampler", number)

    if method in ("random", "grid", "none"):
        return lambda n: optuna_samplers.RandomSampler(seed=seed_of(n))
    if method == "tpe":
        return lambda n: optuna_samplers.TPESampler(seed=seed_of(n), **options)
    if method == "gp":
        import_optional("torch", extra="gp", purpose="tuning method 'gp'")
        return lambda n: _quiet(optuna_samplers.GPSampler, seed=seed_of(n), **options)
    if method == "cmaes":
        import_optional("cmaes", extra="all", purpose="tuning method 'cmaes'")
        options.setdefault("warn_independent_sampling", False)
        return lambda n: _quiet(optuna_samplers.CmaEsSampler, seed=seed_of(n), **options)
    if method == "qmc":
        # The QMC sequence position lives in the study's system attributes; its scramble
        # seed must stay the same for the whole cell.
        options.setdefault("warn_independent_sampling", False)
        return lambda n: _quiet(optuna_samplers.QMCSampler, seed=cell_seed, **options)
    raise ValueError(f"unknown tuning method {method!r}; choose one of {sorted(METHODS)}")


def _quiet(factory: Callable[..., optuna.samplers.BaseSampler], **kwargs: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        return factory(**kwargs)
