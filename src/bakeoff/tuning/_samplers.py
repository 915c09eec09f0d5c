"""Optuna samplers for each tuning method, seeded per trial.

Optuna's samplers keep an RNG that a replay of stored trials cannot restore. To make a
resumed cell identical to an uninterrupted one, every trial's sampler is seeded from the
cell seed and the trial number; everything else a sampler needs (history, CMA-ES state,
grid positions) lives in the trials and the study's system attributes, which the store
records and the replay restores.

Samplers whose only hidden state is their RNG (random, TPE) are built once per cell and
reseeded before each trial, which gives the same numbers as a fresh sampler (a test
checks it) at a fraction of the cost: a fresh NumPy ``RandomState`` draws OS entropy
first (about 0.1 ms), reseeding takes microseconds. Samplers that cache more between
trials (GP kernel parameters, CMA-ES) are built fresh for every trial.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import optuna

from bakeoff._optional import import_optional
from bakeoff._seeding import derive_seed
from bakeoff.tuning._optuna_seams import random_states

__all__ = ["METHODS", "SamplerFactory", "make_sampler_factory", "resolve_method"]

#: Tuning methods and what each means.
METHODS: dict[str, str] = {
    "grid": "every configuration of the model's grid, in a seeded order, up to n_trials",
    "random": "independent uniform sampling (optuna RandomSampler)",
    "tpe": "tree-structured Parzen estimator (optuna TPESampler)",
    "gp": "Gaussian-process Bayesian optimisation (optuna GPSampler; needs bakeoff[gp])",
    "cmaes": "CMA-ES (optuna CmaEsSampler); categorical parameters are sampled at random",
    "qmc": "scrambled Sobol quasi-random sequence (optuna QMCSampler)",
    "nsga2": "NSGA-II genetic algorithm (optuna NSGAIISampler), for several objectives",
    "auto": "Optuna's recommendation for the space and the objectives (see resolve_method)",
    "none": "no tuning: one trial with the model's default parameters",
    "ray_tune": "Ray Tune's trial schedulers (asha, hyperband, pbt) with Optuna's TPE as "
    "its searcher, trials spread over the Ray cluster (needs bakeoff[ray])",
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
        return _Reseeded(optuna_samplers.RandomSampler(seed=seed_of(0)), seed_of)
    if method in ("tpe", "ray_tune"):
        # ray_tune: the TPE sampler that Ray Tune's OptunaSearch asks.
        return _Reseeded(optuna_samplers.TPESampler(seed=seed_of(0), **options), seed_of)
    if method == "gp":
        import_optional("torch", extra="gp", purpose="tuning method 'gp'")
        return lambda n: _quiet(optuna_samplers.GPSampler, seed=seed_of(n), **options)
    if method == "cmaes":
        import_optional("cmaes", extra="all", purpose="tuning method 'cmaes'")
        options.setdefault("warn_independent_sampling", False)
        return lambda n: _quiet(optuna_samplers.CmaEsSampler, seed=seed_of(n), **options)
    if method == "nsga2":
        # Built fresh per trial like CMA-ES: its generations live in the trials' system
        # attributes (replayed on resume), and a fresh sampler has no cache a resumed
        # cell could lack.
        return lambda n: _quiet(optuna_samplers.NSGAIISampler, seed=seed_of(n), **options)
    if method == "qmc":
        # The Sobol sequence is scrambled with a seed of the cell, so cells and seeds get
        # different points; its position lives in the study's system attributes (replayed
        # on resume). Conditional parameters, which QMC leaves to its independent
        # sampler, get a random sampler seeded per trial, so they vary between trials.
        options.setdefault("warn_independent_sampling", False)
        options.setdefault("scramble", True)
        qmc_seed = derive_seed(cell_seed, "qmc")
        return lambda n: _quiet(
            optuna_samplers.QMCSampler,
            seed=qmc_seed,
            independent_sampler=optuna_samplers.RandomSampler(seed=seed_of(n)),
            **options,
        )
    raise ValueError(f"unknown tuning method {method!r}; choose one of {sorted(METHODS)}")


def resolve_method(
    method: str, *, n_objectives: int, n_trials: int, grid_size: int | None
) -> tuple[str, str]:
    """The method ``auto`` stands for, and why; other methods are returned as they are.

    ``auto`` follows Optuna's own guidance, without depending on what is installed (so
    that a study means the same on every machine):

    - TPE is Optuna's default sampler for one objective and for several;
    - for several objectives Optuna's documentation recommends the Bayesian samplers
      (TPE) below about 1,000 trials and NSGA-II beyond (``NSGAIIISampler``'s note);
    - a finite space whose whole grid fits in the trial budget is searched
      exhaustively (grid), which no sampler can beat.

    Args:
        method: The spec's method.
        n_objectives: How many objectives the cell optimises.
        n_trials: The cell's trial budget.
        grid_size: Size of the space's grid, or ``None`` if it is not finite.
    """
    if method != "auto":
        return method, "given in the spec"
    if grid_size is not None and grid_size <= n_trials:
        return "grid", f"auto: the whole grid ({grid_size}) fits in n_trials ({n_trials})"
    if n_objectives > 1 and n_trials >= 1000:
        return "nsga2", f"auto: {n_objectives} objectives and {n_trials} trials (≥ 1000)"
    what = f"{n_objectives} objectives" if n_objectives > 1 else "one objective"
    return "tpe", f"auto: Optuna's default sampler for {what} and {n_trials} trials"


class _Reseeded:
    """One sampler for the whole cell, its RNGs reseeded for each trial number."""

    def __init__(self, sampler: optuna.samplers.BaseSampler, seed_of: Callable[[int], int]):
        self.sampler = sampler
        self.seed_of = seed_of
        self._states = random_states(sampler)
        if not self._states:  # pragma: no cover - guards against an Optuna refactor
            raise RuntimeError(f"{type(sampler).__name__} holds no RNG that bakeoff can seed")

    def __call__(self, number: int) -> optuna.samplers.BaseSampler:
        seed = self.seed_of(number)
        for state in self._states:
            state.seed(seed)
        return self.sampler


def _quiet(factory: Callable[..., optuna.samplers.BaseSampler], **kwargs: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        return factory(**kwargs)
