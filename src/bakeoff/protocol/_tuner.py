"""The trial loop of one cell: replay stored trials, then ask, evaluate, tell, store."""

from __future__ import annotations

import json
import math
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import numpy as np
import optuna
from optuna.distributions import distribution_to_json, json_to_distribution
from optuna.trial import TrialState

from bakeoff._seeding import derive_seed
from bakeoff.store import TrialRecord
from bakeoff.tuning import SearchSpace, make_sampler_factory
from bakeoff.tuning._optuna_seams import tell

__all__ = ["TuningOutcome", "tune"]

Objective = Callable[[dict[str, Any], optuna.Trial], float]


@dataclass
class TuningOutcome:
    """The trials of a cell after tuning."""

    records: list[TrialRecord]
    interrupted: bool = False

    @property
    def completed(self) -> list[TrialRecord]:
        return [r for r in self.records if r.state == "COMPLETE"]

    @property
    def n_failed(self) -> int:
        return sum(r.state == "FAIL" for r in self.records)

    def best(self, direction: str) -> TrialRecord | None:
        """Best complete trial; the lowest number wins a tie (as Optuna's best_trial)."""
        completed = self.completed
        if not completed:
            return None
        sign = -1.0 if direction == "maximize" else 1.0
        return min(completed, key=lambda r: (sign * (r.values or [math.nan])[0], r.number))


def _replay(
    study: optuna.Study, storage: optuna.storages.BaseStorage, records: list[TrialRecord]
) -> None:
    study_attrs = next(
        (r.study_attrs for r in reversed(records) if r.study_attrs is not None), None
    )
    study_id = storage.get_study_id_from_name(study.study_name)
    for key, value in (study_attrs or {}).items():
        storage.set_study_system_attr(study_id, key, value)
    for record in records:
        study.add_trial(
            optuna.trial.create_trial(
                state=TrialState[record.state],
                values=record.values if record.state == "COMPLETE" else None,
                params=record.params,
                distributions={k: json_to_distribution(v) for k, v in record.distributions.items()},
                user_attrs=record.user_attrs,
                system_attrs=record.system_attrs,
                intermediate_values=record.intermediate,
            )
        )


def tune(
    *,
    space: SearchSpace,
    objective: Objective,
    direction: str,
    method: str,
    n_trials: int,
    cell_seed: int,
    replayed: list[TrialRecord],
    on_trial: Callable[[TrialRecord], None],
    timeout: float | None = None,
    sampler_options: dict[str, Any] | None = None,
    on_start: Callable[[int, dict[str, Any], dict[str, str]], None] | None = None,
) -> TuningOutcome:
    """Run trials ``len(replayed) .. n_trials-1`` of a cell, after replaying the others.

    Each trial's sampler is seeded from the cell seed and the trial number, so a cell
    resumed after any interruption asks for exactly the configurations an uninterrupted
    run would have.

    Args:
        space: The search space.
        objective: ``(params, trial) -> score``; may raise ``optuna.TrialPruned``.
        direction: ``"maximize"`` or ``"minimize"``.
        method: Tuning method (see :data:`bakeoff.tuning.METHODS`).
        n_trials: Total trials of the cell, replayed ones included.
        cell_seed: Seed of the cell.
        replayed: Trials stored by earlier runs, in order.
        on_trial: Called with each new trial's record once it ends (the store commits
            it there).
        timeout: Stop starting new trials after this many seconds of tuning in all.
        sampler_options: Keyword arguments for the sampler.
        on_start: Called with (number, params, encoded distributions) once a trial's
            configuration is sampled, before it is evaluated.
    """
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    factory = make_sampler_factory(method, cell_seed=cell_seed, options=sampler_options)
    storage = optuna.storages.InMemoryStorage()
    study = optuna.create_study(
        direction="maximize" if direction == "maximize" else "minimize",
        storage=storage,
        sampler=factory(0),
    )
    study_id = storage.get_study_id_from_name(study.study_name)
    _replay(study, storage, replayed)
    grid = _grid_order(space, cell_seed) if method == "grid" else None
    records = list(replayed)
    spent = sum(r.duration for r in replayed)
    last_study_attrs: dict[str, Any] = dict(storage.get_study_system_attrs(study_id))
    encode = _DistributionEncoder(space)
    for number in range(len(replayed), n_trials):
        if timeout is not None and spent >= timeout:
            break
        study.sampler = factory(number)
        if grid is not None:
            study.enqueue_trial(grid[number])
        started = datetime.now(timezone.utc)
        clock = time.perf_counter()
        trial = study.ask()
        params: dict[str, Any] = {}
        error = None
        try:
            params = space.suggest(trial)
            if on_start is not None:
                on_start(number, params, encode.encode(trial.distributions))
            value = float(objective(params, trial))
            if not math.isfinite(value):
                raise ValueError(f"the objective returned {value}")
            frozen = tell(study, storage, study_id, trial, TrialState.COMPLETE, value)
            state = "COMPLETE"
        except optuna.TrialPruned:
            frozen = tell(study, storage, study_id, trial, TrialState.PRUNED)
            state = "PRUNED"
        except KeyboardInterrupt:
            trial_id = storage.get_trial_id_from_study_id_trial_number(study_id, trial.number)
            frozen = storage.get_trial(trial_id)
            on_trial(_record(frozen, "INTERRUPTED", started, clock, None, encode))
            return TuningOutcome(records, interrupted=True)
        except Exception:
            error = traceback.format_exc()
            frozen = tell(study, storage, study_id, trial, TrialState.FAIL)
            state = "FAIL"
        study_attrs = dict(storage.get_study_system_attrs(study_id))
        changed = study_attrs if study_attrs != last_study_attrs else None
        last_study_attrs = study_attrs
        record = _record(frozen, state, started, clock, error, encode, changed)
        spent += record.duration
        records.append(record)
        on_trial(record)
    return TuningOutcome(records)


class _DistributionEncoder:
    """``distribution_to_json`` for a cell's trials, from the search space when it can.

    The space's parameters are encoded once; hashing Optuna's distributions to cache
    them would cost more than the rest of the record.
    """

    def __init__(self, space: SearchSpace) -> None:
        self._known = space.distributions_json()

    def encode(self, params: dict[str, Any]) -> dict[str, str]:
        known = self._known
        return {
            name: known[name] if name in known else distribution_to_json(distribution)
            for name, distribution in params.items()
        }


def _record(
    frozen: optuna.trial.FrozenTrial,
    state: str,
    started: datetime,
    clock: float,
    error: str | None,
    encode: _DistributionEncoder,
    study_attrs: dict[str, Any] | None = None,
) -> TrialRecord:
    return TrialRecord(
        number=frozen.number,
        state=state,
        params=dict(frozen.params),
        distributions=encode.encode(frozen.distributions),
        values=list(frozen.values) if frozen.values is not None and state == "COMPLETE" else None,
        started_at=started,
        finished_at=datetime.now(timezone.utc),
        duration=time.perf_counter() - clock,
        intermediate=dict(frozen.intermediate_values),
        user_attrs=_jsonable(frozen.user_attrs),
        system_attrs=_jsonable(frozen.system_attrs),
        study_attrs=_jsonable(study_attrs) if study_attrs is not None else None,
        error=error,
    )


def _jsonable(attrs: dict[str, Any]) -> dict[str, Any]:
    if not attrs:
        return {}
    text = json.dumps(attrs, default=lambda v: v.tolist() if hasattr(v, "tolist") else str(v))
    return dict(json.loads(text))


def _grid_order(space: SearchSpace, cell_seed: int) -> list[dict[str, Any]]:
    configs = space.grid()
    order = np.random.default_rng(derive_seed(cell_seed, "grid")).permutation(len(configs))
    return [configs[i] for i in order]
