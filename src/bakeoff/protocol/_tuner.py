"""The trial loop of one cell: replay stored trials, then ask, evaluate, tell, store.

Up to ``k = parallel`` trials run at once (1 unless ``tuning.parallel_trials`` says
otherwise), each in a child forked when the trial is asked, over a sliding window of
``w = 2k`` trials: trial ``n`` is asked right after trial ``n - w`` is told, trials are
told and stored in number order, and the children run in number order as cores free
up. What the sampler and the pruner see when trial ``n`` is asked (and its child
forks) is therefore fixed: trials ``0 .. n-w`` finished, the ``w - 1`` before ``n``
running, whatever the order in which the children finish. Asking ``w = 2k`` ahead
rather than ``k`` lets the other cores go on while one trial is slower than its
neighbours (``bench/parallel_trials.py``).

A resumed cell stages its replay the same way: the stored trials that were still running
when the first missing trial was asked are put back as running and told from the store
in their turn, so it asks exactly what an uninterrupted run would have.
"""

from __future__ import annotations

import json
import math
import multiprocessing.connection
import time
import traceback
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import numpy as np
import optuna
from optuna.distributions import distribution_to_json, json_to_distribution
from optuna.trial import TrialState

from bakeoff._seeding import derive_seed
from bakeoff.protocol._isolation import IsolatedTrial, TrialLimitError, TrialLimits
from bakeoff.store import TrialRecord
from bakeoff.tuning import SearchSpace, make_sampler_factory
from bakeoff.tuning._optuna_seams import tell

__all__ = ["STOP_REASONS", "SearchSettings", "TuningOutcome", "cpu_seconds", "tune"]

#: ``(params, trial) -> objective values`` (one per objective, in order).
Objective = Callable[[dict[str, Any], Any], Sequence[float]]

#: Why a cell's search stopped.
STOP_REASONS: dict[str, str] = {
    "n_trials": "ran every trial of tuning.n_trials",
    "patience": "no improvement for tuning.patience trials",
    "timeout": "tuning.timeout seconds were spent",
    "cpu_budget": "execution.max_cpu_seconds was spent",
    "grid_exhausted": "every configuration of the grid was tried",
}


@dataclass(frozen=True)
class SearchSettings:
    """How a cell's search runs, beyond its space and objective.

    Attributes:
        directions: ``"maximize"``/``"minimize"`` per objective.
        method: Tuning method, ``auto`` already resolved.
        n_trials: Total trials of the cell, replayed ones included.
        cell_seed: Seed of the cell.
        timeout: Stop starting trials after this many seconds of tuning in all.
        sampler_options: Keyword arguments for the sampler.
        pruner: The Optuna pruner (``NopPruner`` for none).
        patience: Stop after this many trials without an improvement.
        min_delta: What counts as an improvement (one objective).
        parallel: Trials evaluated at once (each in a child process).
        limits: Per-trial limits; trials run in a child process when any is set.
        warm_configs: Configurations enqueued as the first trials (warm start).
        cpu_seconds_left: Stop when the process tree has used this much CPU time more.
        grid_exhausted: Whether ``n_trials`` is the whole grid (the stop reason).
    """

    directions: tuple[str, ...]
    method: str
    n_trials: int
    cell_seed: int
    timeout: float | None = None
    sampler_options: dict[str, Any] = field(default_factory=dict)
    pruner: optuna.pruners.BasePruner | None = None
    patience: int | None = None
    min_delta: float = 0.0
    parallel: int = 1
    limits: TrialLimits = field(default_factory=TrialLimits)
    warm_configs: tuple[dict[str, Any], ...] = ()
    cpu_seconds_left: float | None = None
    grid_exhausted: bool = False


@dataclass
class TuningOutcome:
    """The trials of a cell after tuning, and why the search stopped."""

    records: list[TrialRecord]
    interrupted: bool = False
    stop_reason: str = "n_trials"

    @property
    def completed(self) -> list[TrialRecord]:
        return [r for r in self.records if r.state == "COMPLETE"]

    @property
    def n_failed(self) -> int:
        return sum(r.state == "FAIL" for r in self.records)

    @property
    def n_pruned(self) -> int:
        return sum(r.state == "PRUNED" for r in self.records)

    def best(self, direction: str) -> TrialRecord | None:
        """Best complete trial on the first objective; the lowest number wins a tie."""
        completed = self.completed
        if not completed:
            return None
        sign = -1.0 if direction == "maximize" else 1.0
        return min(completed, key=lambda r: (sign * (r.values or [math.nan])[0], r.number))


def _replay(study: optuna.Study, records: list[TrialRecord]) -> None:
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


class _Patience:
    """Trials since the last improvement (one objective) or front change (several).

    With one objective a trial improves when it beats the best so far by more than
    nothing and by at least ``min_delta`` (the best moves only then, as in Keras's
    ``EarlyStopping``); the first complete trial always improves. With several, a trial
    improves when it enters the Pareto front of the trials so far. Pruned and failed
    trials never improve.
    """

    def __init__(self, directions: tuple[str, ...], min_delta: float) -> None:
        self.signs = np.array([1.0 if d == "maximize" else -1.0 for d in directions])
        self.min_delta = min_delta
        self.best: float | None = None
        self.front: list[np.ndarray] = []
        self.since = 0

    def see(self, record: TrialRecord) -> None:
        improved = False
        if record.state == "COMPLETE" and record.values:
            values = np.asarray(record.values, dtype=float) * self.signs
            if len(values) == 1:
                value = float(values[0])
                gain = math.inf if self.best is None else value - self.best
                improved = gain > 0 and gain >= self.min_delta
                if improved:
                    self.best = value
            else:
                improved = not any(np.all(f >= values) for f in self.front)
                if improved:
                    self.front = [f for f in self.front if not np.all(values >= f)]
                    self.front.append(values)
        self.since = 0 if improved else self.since + 1


def cpu_seconds() -> float:
    """CPU seconds (user + system) of this process and its finished children."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def tune(
    *,
    space: SearchSpace,
    objective: Objective,
    settings: SearchSettings,
    replayed: list[TrialRecord],
    on_trials: Callable[[list[TrialRecord]], None],
    on_start: Callable[[int, dict[str, Any], dict[str, str]], None] | None = None,
) -> TuningOutcome:
    """Run trials ``len(replayed) .. n_trials-1`` of a cell, after replaying the others.

    Each trial's sampler is seeded from the cell seed and the trial number, and trial
    ``n`` is asked right after trial ``n - w`` is told (a sliding window of
    ``w = 2 * parallel`` trials, see the module's docstring), so a cell resumed after
    any interruption asks for exactly the configurations an uninterrupted run would have.

    Args:
        space: The search space.
        objective: ``(params, trial) -> values``; may raise ``optuna.TrialPruned``.
        settings: Method, budget, pruning, stopping and parallelism.
        replayed: Trials stored by earlier runs, in order.
        on_trials: Called with each trial's record once it is told, in number order (the
            store commits it there).
        on_start: Called with (number, params, encoded distributions) once a trial's
            configuration is sampled, before it is evaluated (one trial at a time only).
    """
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    factory = make_sampler_factory(
        settings.method, cell_seed=settings.cell_seed, options=settings.sampler_options
    )
    storage = optuna.storages.InMemoryStorage()
    study = optuna.create_study(
        # A fixed name: Hyperband assigns brackets by hashing it with the trial number.
        study_name=f"bakeoff-cell-{settings.cell_seed}",
        directions=[optuna.study.StudyDirection[d.upper()] for d in settings.directions],
        storage=storage,
        sampler=factory(0),
        pruner=settings.pruner or optuna.pruners.NopPruner(),
    )
    study_id = storage.get_study_id_from_name(study.study_name)
    cores = max(1, settings.parallel)
    # Trials asked ahead of the oldest one not yet told: twice the cores, so that a
    # trial slower than its neighbours holds up no core (the others run the next ones,
    # forked and waiting); docs/tuning.md states what the sampler sees.
    window = 2 * cores if cores > 1 else 1
    # Staged replay: trials that were still running when trial len(replayed) was asked
    # are put back as running, and told (from the store) in their turn.
    n_told = max(0, len(replayed) - window + 1)
    _replay(study, replayed[:n_told])
    pending: deque[_Asked] = deque(
        _restage(study, storage, study_id, record) for record in replayed[n_told:]
    )
    _restore_study_attrs(storage, study_id, replayed)
    grid = _grid_order(space, settings.cell_seed) if settings.method == "grid" else None
    records = list(replayed)
    patience = _Patience(settings.directions, settings.min_delta)
    for record in replayed[:n_told]:
        patience.see(record)
    spent_before = sum(r.duration for r in replayed)
    clock_start = time.perf_counter()
    cpu_start = cpu_seconds()
    last_study_attrs: dict[str, Any] = dict(storage.get_study_system_attrs(study_id))
    encode = _DistributionEncoder(space)
    isolate = cores > 1 or settings.limits.active
    number = len(replayed)
    stop_reason = "grid_exhausted" if settings.grid_exhausted else "n_trials"
    stopping = False

    def why_stop() -> str | None:
        if settings.patience is not None and patience.since >= settings.patience:
            return "patience"
        spent = spent_before + time.perf_counter() - clock_start
        if settings.timeout is not None and spent >= settings.timeout:
            return "timeout"
        if (
            settings.cpu_seconds_left is not None
            and records  # a cell that started runs at least one trial
            and cpu_seconds() - cpu_start >= settings.cpu_seconds_left
        ):
            return "cpu_budget"
        return None

    def ask(n: int) -> _Asked:
        nonlocal last_study_attrs
        study.sampler = factory(n)
        if n < len(settings.warm_configs):
            study.enqueue_trial(settings.warm_configs[n], skip_if_exists=False)
        elif grid is not None:
            study.enqueue_trial(grid[n])
        item = _Asked(study.ask(), datetime.now(timezone.utc), time.perf_counter())
        if n < len(settings.warm_configs):
            # Marked, so that `bakeoff trials` tells the configurations a warm start
            # gave from those the sampler chose.
            item.trial.set_user_attr("warm_start", True)
        try:
            # Now, with this trial's sampler: parameters are drawn as they are
            # suggested, not when the trial is asked.
            item.params = space.suggest(item.trial)
        except Exception:
            item.error = traceback.format_exc()
        # What the sampler wrote into the study while asking (QMC's sample counter,
        # NSGA-II's population) is recorded with the trial, for the staged replay.
        study_attrs = dict(storage.get_study_system_attrs(study_id))
        if study_attrs != last_study_attrs:
            item.study_attrs = study_attrs
        last_study_attrs = study_attrs
        if item.error is None and isolate:
            try:
                item.child = IsolatedTrial(
                    objective, item.params, item.trial, settings.limits, start=cores == 1
                )
            except Exception:
                item.error = traceback.format_exc()
        return item

    try:
        while True:
            while not stopping and len(pending) < window and number < settings.n_trials:
                reason = why_stop()
                if reason is not None:
                    stop_reason, stopping = reason, True
                    break
                pending.append(ask(number))
                number += 1
            if not pending:
                break
            if isolate and cores > 1:
                _run_until_ended(pending, cores)
            item = pending.popleft()
            if item.stored is not None:
                _tell_stored(study, storage, study_id, item)
                patience.see(item.stored)
                continue
            if item.error is None and not isolate and on_start is not None:
                distributions = encode.encode(item.trial.distributions)
                on_start(item.trial.number, item.params, distributions)
            state, values, error = _evaluate(item, objective)
            if item.child is not None:
                _set_system_attrs(storage, study_id, item.trial.number, item.child.system_attrs)
            frozen = tell(study, storage, study_id, item.trial, state, values)
            record = _record(
                frozen,
                state.name,
                item.started,
                item.clock,
                error or item.error,
                encode,
                item.study_attrs,
            )
            records.append(record)
            patience.see(record)
            on_trials([record])
    except KeyboardInterrupt:
        for item in pending:
            if item.child is not None:
                item.child.cancel()
        return TuningOutcome(records, interrupted=True)
    return TuningOutcome(records, stop_reason=stop_reason)


def _run_until_ended(pending: deque[_Asked], cores: int) -> None:
    """Keep ``cores`` children running, in trial order, until the oldest has ended."""
    head = pending[0]
    while True:
        running = 0
        for item in pending:
            child = item.child
            if child is None or child.done:
                continue
            if not child.started and running < cores:
                child.start()
            running += child.started
        if head.child is None or head.child.done:
            return
        children = [i.child for i in pending if i.child and i.child.started and not i.child.done]
        limits = [c.seconds_left() for c in children]
        known = [left for left in limits if left is not None]
        multiprocessing.connection.wait(
            [c.connection for c in children], timeout=min(known) if known else None
        )
        for child in children:
            child.collect(0)


def _set_system_attrs(
    storage: optuna.storages.BaseStorage, study_id: int, number: int, attrs: dict[str, Any]
) -> None:
    trial_id = storage.get_trial_id_from_study_id_trial_number(study_id, number)
    for key, value in attrs.items():
        storage.set_trial_system_attr(trial_id, key, value)


#: Trial system attributes that pruners write while a trial runs (Successive Halving's
#: rung values, which ASHA and Hyperband compare across trials): a trial put back as
#: running must not show them before it is told, as it did not in the first run.
_PRUNER_ATTR_PREFIXES = ("completed_rung_",)


def _restage(
    study: optuna.Study,
    storage: optuna.storages.BaseStorage,
    study_id: int,
    record: TrialRecord,
) -> _Asked:
    """Put a stored trial back as running, as it was when later trials were asked.

    Its parameters and the sampler's marks are there; what the objective reported
    arrives only when it is told, as it did from its child process.
    """
    study.add_trial(
        optuna.trial.create_trial(
            state=TrialState.RUNNING,
            params=record.params,
            distributions={k: json_to_distribution(v) for k, v in record.distributions.items()},
            system_attrs={
                key: value
                for key, value in record.system_attrs.items()
                if not key.startswith(_PRUNER_ATTR_PREFIXES)
            },
        )
    )
    trial_id = storage.get_trial_id_from_study_id_trial_number(study_id, record.number)
    item = _Asked(optuna.Trial(study, trial_id), record.started_at, 0.0, dict(record.params))
    item.stored = record
    return item


def _tell_stored(
    study: optuna.Study, storage: optuna.storages.BaseStorage, study_id: int, item: _Asked
) -> None:
    record = item.stored
    assert record is not None
    for step, value in sorted(record.intermediate.items()):
        item.trial.report(value, step)
    for key, attr in record.user_attrs.items():
        item.trial.set_user_attr(key, attr)
    _set_system_attrs(storage, study_id, record.number, record.system_attrs)
    values = record.values if record.state == "COMPLETE" else None
    tell(study, storage, study_id, item.trial, TrialState[record.state], values)


def _restore_study_attrs(
    storage: optuna.storages.BaseStorage, study_id: int, records: list[TrialRecord]
) -> None:
    """The study's attributes as they were after the last stored trial was asked."""
    study_attrs = next(
        (r.study_attrs for r in reversed(records) if r.study_attrs is not None), None
    )
    for key, value in (study_attrs or {}).items():
        storage.set_study_system_attr(study_id, key, value)


@dataclass
class _Asked:
    trial: optuna.Trial
    started: datetime
    clock: float
    params: dict[str, Any] = field(default_factory=dict)
    child: IsolatedTrial | None = None
    error: str | None = None
    study_attrs: dict[str, Any] | None = None
    stored: TrialRecord | None = None


def _evaluate(
    item: _Asked, objective: Objective
) -> tuple[TrialState, list[float] | None, str | None]:
    if item.error is not None:
        return TrialState.FAIL, None, item.error
    try:
        raw = item.child.result() if item.child is not None else objective(item.params, item.trial)
        values = [float(v) for v in raw]
        bad = [v for v in values if not math.isfinite(v)]
        if bad:
            raise ValueError(f"the objective returned {bad[0]}")
        return TrialState.COMPLETE, values, None
    except optuna.TrialPruned:
        return TrialState.PRUNED, None, None
    except KeyboardInterrupt:
        raise
    except TrialLimitError as exc:
        # A limit the study set, not a bug: its reason and what to change, no traceback.
        return TrialState.FAIL, None, f"{exc}. {_LIMIT_HINT}"
    except Exception:
        return TrialState.FAIL, None, traceback.format_exc()


_LIMIT_HINT = (
    "Raise tuning.trial_timeout / tuning.trial_memory (or leave them out) if the "
    "configuration should be allowed to finish"
)


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
