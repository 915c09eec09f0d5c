"""The few places where bakeoff reaches into Optuna's private API, and why.

Everything else uses Optuna's public API. These two stay private because the public
route costs far more than bakeoff's whole per-trial bookkeeping (measured on Optuna 5.0,
see docs/performance.md):

- **Reseeding a sampler's RNG.** ``BaseSampler.reseed_rng()`` takes no seed, and a new
  sampler per trial costs 75 µs (random) to 180 µs (TPE), because NumPy's
  ``RandomState`` draws OS entropy before it is seeded. Reseeding the sampler's own
  ``LazyRandomState`` in place takes microseconds and gives the same numbers as a fresh
  sampler (``tests/tuning/test_samplers.py``).
- **Telling a trial.** ``Study.tell`` deep-copies the finished trial for its caller
  (+25 µs a trial); ``_tell_with_warning`` is what ``Study.tell`` and
  ``Study.optimize`` call inside, and the storage's own frozen trial (public storage
  API) is all a record needs.

``tests/tuning/test_optuna_seams.py`` fails loudly, naming this module, on an Optuna
that changed either.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import optuna
from optuna.samplers._lazy_random_state import LazyRandomState
from optuna.study._tell import _tell_with_warning
from optuna.trial import TrialState

__all__ = ["random_states", "tell"]


def random_states(sampler: optuna.samplers.BaseSampler) -> list[Any]:
    """The NumPy RNGs of ``sampler`` and of the samplers it delegates to.

    Optuna's samplers keep their RNG as a private ``LazyRandomState``; seeding each with
    a trial's seed is what building the sampler with ``seed=`` does.
    """
    found = []
    for value in vars(sampler).values():
        if isinstance(value, LazyRandomState):
            found.append(value.rng)
        elif isinstance(value, optuna.samplers.BaseSampler):
            found.extend(random_states(value))
    return found


def tell(
    study: optuna.Study,
    storage: optuna.storages.BaseStorage,
    study_id: int,
    trial: optuna.Trial,
    state: TrialState,
    value: float | Sequence[float] | None = None,
) -> optuna.trial.FrozenTrial:
    """Finish ``trial`` of ``study`` and return it as stored.

    The study is kept in ``storage`` as ``study_id``.
    """
    _tell_with_warning(study, trial, value, state, suppress_warning=True)
    trial_id = storage.get_trial_id_from_study_id_trial_number(study_id, trial.number)
    return storage.get_trial(trial_id)
