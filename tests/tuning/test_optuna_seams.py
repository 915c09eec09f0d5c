"""bakeoff's two private uses of Optuna still hold on the installed Optuna.

If one of these fails after an Optuna upgrade, fix ``bakeoff/tuning/_optuna_seams.py``
(or fall back to the public API there) before anything else.
"""

from __future__ import annotations

import inspect

import optuna
import pytest
from optuna.trial import TrialState

from bakeoff.tuning._optuna_seams import random_states, tell

MODULE = "bakeoff/tuning/_optuna_seams.py"


def _qmc() -> optuna.samplers.BaseSampler:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        return optuna.samplers.QMCSampler(
            seed=1, independent_sampler=optuna.samplers.RandomSampler()
        )


@pytest.mark.parametrize(
    "sampler",
    [
        optuna.samplers.RandomSampler(seed=1),
        optuna.samplers.TPESampler(seed=1),
        _qmc(),
    ],
    ids=lambda s: type(s).__name__,
)
def test_samplers_still_keep_a_seedable_numpy_rng(sampler) -> None:
    states = random_states(sampler)
    assert states, f"Optuna {optuna.__version__} changed where samplers keep their RNG: {MODULE}"
    for state in states:
        state.seed(5)
    first = [state.random_sample() for state in states]
    for state in states:
        state.seed(5)
    assert [state.random_sample() for state in states] == first


def test_private_tell_still_finishes_a_trial_like_study_tell() -> None:
    from optuna.study import _tell

    assert "suppress_warning" in inspect.signature(_tell._tell_with_warning).parameters, MODULE
    storage = optuna.storages.InMemoryStorage()
    study = optuna.create_study(storage=storage, sampler=optuna.samplers.RandomSampler(0))
    study_id = storage.get_study_id_from_name(study.study_name)
    trial = study.ask()
    trial.suggest_float("x", 0, 1)
    frozen = tell(study, storage, study_id, trial, TrialState.COMPLETE, 0.25)
    assert (frozen.state, frozen.values, frozen.number) == (TrialState.COMPLETE, [0.25], 0)
    assert study.trials[0].values == [0.25] and study.best_value == 0.25
    pruned = study.ask()
    assert tell(study, storage, study_id, pruned, TrialState.PRUNED).state == TrialState.PRUNED


def test_the_tuner_uses_no_other_private_optuna_api() -> None:
    import bakeoff.protocol._tuner as tuner
    import bakeoff.tuning._samplers as samplers

    for module in (tuner, samplers):
        source = inspect.getsource(module)
        for private in ("._storage", "._trial_id", "._study_id", "optuna.study._", "LazyRandom"):
            assert private not in source, (module.__name__, private)
