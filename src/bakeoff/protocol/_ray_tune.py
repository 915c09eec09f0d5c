"""A cell's search through Ray Tune (``tuning.method: ray_tune``).

The trials evaluate the cell's own objective (the inner CV of :mod:`bakeoff.protocol.
_cell`, with the model's finer resource reported at each checkpoint) as Ray Tune trials,
spread over the Ray cluster; a scheduler stops hopeless ones (ASHA, asynchronous
HyperBand) or perturbs them (PBT), and Optuna's TPE, through Ray Tune's
``OptunaSearch``, chooses the configurations (ASHA and HyperBand). The trials come back
as the same :class:`~bakeoff.store.TrialRecord` the other methods store, each committed
when Ray Tune says it ended, and the cell refits and tests its best trial like any
other.

What this gives up (docs/tuning.md): Ray Tune's schedulers decide on the results that
have arrived when they decide, so which trials stop, which configurations are asked and
which trial a PBT trial clones depend on timing. Numbers are given to trials as they
start. A resumed cell keeps its stored trials (OptunaSearch is told the complete ones)
and runs the rest; trials that were running are run again from their start.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bakeoff._seeding import derive_seed
from bakeoff.protocol._tuner import Objective, TuningOutcome
from bakeoff.store import TrialRecord
from bakeoff.tuning import SearchSpace, make_sampler_factory
from bakeoff.tuning._ray_schedulers import RESOURCE, make_scheduler

__all__ = ["RayTuneSettings", "tune_with_ray"]

_CHECKPOINT_FILE = "bakeoff_trial.json"


@dataclass(frozen=True)
class RayTuneSettings:
    """How a cell's Ray Tune search runs.

    Attributes:
        direction: ``"maximize"`` or ``"minimize"`` (one objective).
        n_trials: Total trials of the cell, stored ones included.
        cell_seed: Seed of the cell (the TPE sampler's and PBT's first population).
        scheduler: ``asha``, ``hyperband`` or ``pbt``.
        scheduler_options: Keyword arguments for the scheduler.
        n_steps: Steps one whole trial reports (inner folds × checkpoints per fit).
        steps_per_fit: Checkpoints per fit.
        sampler_options: Keyword arguments for the TPE sampler.
        max_concurrent: Trials at once (``tuning.parallel_trials``), if the cluster has
            the CPUs (one a trial).
        timeout: Seconds of tuning in all, or ``None``.
    """

    direction: str
    n_trials: int
    cell_seed: int
    scheduler: str
    n_steps: int
    steps_per_fit: int
    scheduler_options: dict[str, Any] = field(default_factory=dict)
    sampler_options: dict[str, Any] = field(default_factory=dict)
    max_concurrent: int = 1
    timeout: float | None = None


class _TuneTrial:
    """What the cell's objective calls on its trial, answered through Ray Tune.

    ``report`` sends the running inner-CV score at each step to Ray Tune (with a
    checkpoint under PBT); it never prunes by itself: the scheduler stops the trial.
    """

    def __init__(self, *, skip_through: int, checkpoint: bool, params: dict[str, Any]) -> None:
        self.user_attrs: dict[str, Any] = {}
        self.skip_through = skip_through
        self.checkpoint = checkpoint
        self.params = params
        self.first_extra: dict[str, Any] = {}
        self.resource = skip_through + 1

    def report(self, value: float, step: int) -> None:
        if step <= self.skip_through:
            return  # reported before this trial was restored from a checkpoint
        from ray import tune

        self.resource = int(step) + 1
        metrics = {"value": float(value), "step": int(step), RESOURCE: self.resource}
        metrics.update(self.first_extra)
        self.first_extra = {}
        if not self.checkpoint:
            tune.report(metrics)
            return
        trial_id = tune.get_context().get_trial_id()
        with tempfile.TemporaryDirectory() as folder:
            saved = {"step": int(step), "trial_id": trial_id, "params": self.params}
            Path(folder, _CHECKPOINT_FILE).write_text(json.dumps(saved), encoding="utf-8")
            tune.report(metrics, checkpoint=tune.Checkpoint.from_directory(folder))

    def should_prune(self) -> bool:
        return False

    def set_user_attr(self, key: str, value: Any) -> None:
        self.user_attrs[key] = value


def _trainable(config: dict[str, Any], objective: Objective, checkpoints: bool) -> None:
    """One Ray Tune trial: the cell's objective on ``config``, its last report final."""
    from ray import tune

    params = dict(config)
    skip_through, extra = -1, {}
    restored = tune.get_checkpoint() if checkpoints else None
    if restored is not None:
        with restored.as_directory() as folder:
            saved = json.loads(Path(folder, _CHECKPOINT_FILE).read_text(encoding="utf-8"))
        skip_through = int(saved["step"])
        if saved["trial_id"] != tune.get_context().get_trial_id():
            # PBT cloned another trial's state: say so with the first new result.
            extra = {
                "cloned_from": saved["trial_id"],
                "cloned_at": skip_through,
                "source_params": saved["params"],
            }
    trial = _TuneTrial(skip_through=skip_through, checkpoint=checkpoints, params=params)
    trial.first_extra = extra
    try:
        values = objective(params, trial)
    except Exception:
        final = {"value": math.nan, "error": traceback.format_exc()}
    else:
        final = {
            "value": float(values[0]),
            "values": [float(v) for v in values],
            "user_attrs": trial.user_attrs,
        }
    # At the resource the trial reached: the final result adds no step.
    tune.report({"final": True, RESOURCE: trial.resource, **final, **trial.first_extra})


def tune_with_ray(
    *,
    space: SearchSpace,
    objective: Objective,
    settings: RayTuneSettings,
    replayed: list[TrialRecord],
    on_trials: Callable[[list[TrialRecord]], None],
) -> TuningOutcome:
    """Run the cell's trials ``len(replayed) .. n_trials-1`` as Ray Tune trials.

    Joins the Ray runtime this process is connected to (a Ray task's), or starts a
    private one on this machine. Each trial is stored (``on_trials``) when Ray Tune
    reports it ended: COMPLETE with its values, PRUNED when the scheduler stopped it,
    FAIL with the traceback of the model's error.
    """
    from bakeoff._optional import import_optional

    import_optional("ray.tune", extra="ray", purpose="tuning.method: ray_tune")
    # Ray Tune's result files (CSV, JSON, TensorBoard) and its Ctrl-C handler: the store
    # is the record, and a Ctrl-C interrupts the cell as in the other methods.
    os.environ.setdefault("TUNE_DISABLE_AUTO_CALLBACK_LOGGERS", "1")
    os.environ.setdefault("TUNE_DISABLE_SIGINT_HANDLER", "1")
    os.environ.setdefault("RAY_AIR_NEW_OUTPUT", "0")
    import logging

    import optuna
    import ray
    from ray import tune

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    # Without its result files, Ray Tune's analysis at the end warns that it found none.
    logging.getLogger("ray.tune.analysis.experiment_analysis").setLevel(logging.ERROR)
    # Nor where it wrote its (temporary) experiment state.
    logging.getLogger("ray.tune.tune").setLevel(logging.WARNING)
    _ensure_runtime(ray)
    records = list(replayed)
    left = settings.n_trials - len(replayed)
    if left <= 0:
        return TuningOutcome(records)
    mode = "max" if settings.direction == "maximize" else "min"
    pbt = settings.scheduler == "pbt"
    scheduler = make_scheduler(
        settings.scheduler,
        settings.scheduler_options,
        n_steps=settings.n_steps,
        mode=mode,
        space=space,
        steps_per_fit=settings.steps_per_fit,
    )

    def store(new: list[TrialRecord]) -> None:
        records.extend(new)
        on_trials(new)

    first = max((r.number for r in replayed), default=-1) + 1
    collector = _collector(space, first, store)
    # The metric and its mode go to the scheduler and the searcher (Ray Tune refuses
    # them given twice).
    tune_config: dict[str, Any] = {
        "scheduler": scheduler,
        "num_samples": left,
        "max_concurrent_trials": settings.max_concurrent,
        "time_budget_s": settings.timeout,
        # One Ray actor runs trial after trial: starting one per trial costs seconds.
        "reuse_actors": True,
    }
    param_space: dict[str, Any] = {}
    if pbt:
        from ray.tune.search.basic_variant import BasicVariantGenerator

        from bakeoff.tuning._ray_schedulers import pbt_space

        param_space = pbt_space(space)
        tune_config["search_alg"] = BasicVariantGenerator(
            random_state=derive_seed(settings.cell_seed, "pbt") % 2**32
        )
    else:
        tune_config["search_alg"] = _optuna_search(space, settings, replayed, mode)
    trainable = tune.with_parameters(_trainable, objective=objective, checkpoints=pbt)
    with tempfile.TemporaryDirectory(prefix="bakeoff-tune-") as storage:
        tuner = tune.Tuner(
            trainable,
            param_space=param_space,
            tune_config=tune.TuneConfig(**tune_config),
            run_config=tune.RunConfig(
                name=f"cell-{settings.cell_seed}",
                storage_path=storage,
                verbose=0,
                callbacks=[collector],
            ),
        )
        try:
            tuner.fit()
        except KeyboardInterrupt:
            return TuningOutcome(records, interrupted=True)
    stop_reason = "timeout" if len(records) < settings.n_trials else "n_trials"
    return TuningOutcome(records, stop_reason=stop_reason)


def _ensure_runtime(ray: Any) -> None:
    """A private Ray runtime on this machine, unless this process is connected to one."""
    if ray.is_initialized():
        return
    import logging
    import sys

    path = os.pathsep.join(p for p in sys.path if p and os.path.isdir(p))
    # Its note on the token of a one-machine runtime says nothing to act on.
    logging.getLogger("ray._private.authentication").setLevel(logging.ERROR)
    ray.init(
        include_dashboard=False,
        log_to_driver=False,
        logging_level="warning",
        # Trials import what this process can, as the executors' workers do.
        runtime_env={"env_vars": {"PYTHONPATH": path}},
    )


def _optuna_search(
    space: SearchSpace, settings: RayTuneSettings, replayed: list[TrialRecord], mode: str
) -> Any:
    """Ray Tune's OptunaSearch with the cell's seeded TPE.

    Its study holds the stored trials (OptunaSearch loads a study that exists).
    """
    import optuna
    from optuna.distributions import json_to_distribution
    from optuna.trial import TrialState
    from ray.tune.search.optuna import OptunaSearch

    sampler = make_sampler_factory(
        "ray_tune", cell_seed=settings.cell_seed, options=settings.sampler_options
    )(0)
    storage = optuna.storages.InMemoryStorage()
    name = f"bakeoff-cell-{settings.cell_seed}"
    study = optuna.create_study(
        study_name=name,
        storage=storage,
        direction=optuna.study.StudyDirection[settings.direction.upper()],
        sampler=sampler,
    )
    for record in replayed:
        study.add_trial(
            optuna.trial.create_trial(
                state=TrialState[record.state],
                values=record.values if record.state == "COMPLETE" else None,
                params=record.params,
                distributions={k: json_to_distribution(v) for k, v in record.distributions.items()},
                intermediate_values=record.intermediate,
            )
        )
    return OptunaSearch(
        space=space.suggest,
        metric="value",
        mode=mode,
        sampler=sampler,
        storage=storage,
        study_name=name,
    )


def _collector(
    space: SearchSpace, first_number: int, on_records: Callable[[list[TrialRecord]], Any]
) -> Any:
    """A Ray Tune callback that turns Ray Tune's trials into records, in the driver."""
    from ray.tune import Callback

    # Ray Tune takes subclasses of its Callback, which cannot be named at import time
    # without importing Ray: the class is put together here.
    collector = type("BakeoffTrialCollector", (_Collector, Callback), {})
    return collector(space, first_number=first_number, on_records=on_records)


class _Collector:
    """Records Ray Tune's trials as they start, report and end (numbers by start)."""

    def __init__(
        self,
        space: SearchSpace,
        *,
        first_number: int,
        on_records: Callable[[list[TrialRecord]], Any],
    ) -> None:
        self.on_records = on_records
        self.known = space.distributions_json()
        self.next_number = first_number
        self.numbers: dict[str, int] = {}
        self.started: dict[str, datetime] = {}
        self.intermediate: dict[str, dict[int, float]] = {}
        self.params: dict[str, dict[str, Any]] = {}
        self.perturbations: dict[str, list[dict[str, Any]]] = {}
        self.final: dict[str, dict[str, Any]] = {}

    def __getstate__(self) -> dict[str, Any]:
        # Ray Tune pickles its callbacks into the experiment's state file; the store's
        # connection behind on_records stays here (the state is never restored).
        return {k: v for k, v in self.__dict__.items() if k != "on_records"}

    def on_trial_start(self, iteration: int, trials: list[Any], trial: Any, **info: Any) -> None:
        trial_id = trial.trial_id
        if trial_id not in self.numbers:  # PBT restarts a trial it perturbed
            self.numbers[trial_id] = self.next_number
            self.next_number += 1
            self.started[trial_id] = datetime.now(timezone.utc)
            self.intermediate[trial_id] = {}
            self.perturbations[trial_id] = []
        self.params.setdefault(trial_id, dict(trial.config))

    def on_trial_result(
        self, iteration: int, trials: list[Any], trial: Any, result: dict[str, Any], **info: Any
    ) -> None:
        trial_id = trial.trial_id
        if "cloned_from" in result:
            source = str(result["cloned_from"])
            new = dict(trial.config)
            self.perturbations[trial_id].append(
                {
                    "step": int(result["cloned_at"]),
                    "source": self.numbers.get(source),
                    "source_params": result["source_params"],
                    "old_params": self.params.get(trial_id, {}),
                    "new_params": new,
                }
            )
            self.params[trial_id] = new
        if result.get("final"):
            self.final[trial_id] = result
        elif "step" in result:
            self.intermediate[trial_id][int(result["step"])] = float(result["value"])

    def on_trial_complete(self, iteration: int, trials: list[Any], trial: Any, **info: Any) -> None:
        self._end(trial, None)

    def on_trial_error(self, iteration: int, trials: list[Any], trial: Any, **info: Any) -> None:
        self._end(trial, f"the Ray Tune trial failed: {getattr(trial, 'error_msg', '') or ''}")

    def _end(self, trial: Any, error: str | None) -> None:
        trial_id = trial.trial_id
        if trial_id not in self.numbers:
            return
        final = self.final.get(trial_id, {})
        params = dict(trial.config)
        user_attrs: dict[str, Any] = dict(final.get("user_attrs") or {})
        user_attrs["ray_trial_id"] = trial_id
        if self.perturbations[trial_id]:
            user_attrs["perturbations"] = self.perturbations[trial_id]
        error = final.get("error") or error
        if error:
            state, values = "FAIL", None
        elif "values" in final:
            state, values = "COMPLETE", list(final["values"])
        else:
            state, values = "PRUNED", None  # the scheduler stopped it before its end
        started = self.started[trial_id]
        finished = datetime.now(timezone.utc)
        record = TrialRecord(
            number=self.numbers[trial_id],
            state=state,
            params=params,
            distributions={k: self.known[k] for k in params if k in self.known},
            values=values,
            started_at=started,
            finished_at=finished,
            duration=(finished - started).total_seconds(),
            intermediate=dict(sorted(self.intermediate[trial_id].items())),
            user_attrs=json.loads(json.dumps(user_attrs, default=str)),
            error=error,
        )
        self.on_records([record])
