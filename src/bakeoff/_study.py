"""The Study: a validated spec that can run, resume and report where it stands."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console

from bakeoff._progress import RunDisplay
from bakeoff._provenance import changed_versions, collect_provenance
from bakeoff._resolve import Resolution, resolve
from bakeoff._version import __version__
from bakeoff.datasets import meta_features
from bakeoff.design import Cell
from bakeoff.exceptions import BakeoffWarning
from bakeoff.executors import Executor, LocalExecutor, RayExecutor
from bakeoff.protocol import CellOutcome, CellTask, Event, default_objectives
from bakeoff.spec import StudySpec, parse_spec, read_yaml
from bakeoff.store import (
    DEFAULT_STORAGE,
    CellDefinition,
    CellStatus,
    Store,
    count_cell_states,
    new_owner,
)

__all__ = ["RunSummary", "Study"]


@dataclass
class RunSummary:
    """How a run of a study went.

    Attributes:
        study: The study's name.
        storage: The store's URL.
        n_cells: Cells in the design.
        n_skipped: Cells already complete before this run (not run again).
        outcomes: Outcomes of the cells this run worked on.
        interrupted: Whether the run was stopped early (Ctrl-C).
        seconds: Wall time of the run.
        failed_before: Failed cells from earlier runs, or from other runners, that this
            run did not run.
        notes: Things the user should know (cells set aside, pairs left out).
        states: How many of the design's cells are in each state when the run ended
            (every word of :attr:`~bakeoff.store.CellStatus.ALL`, read back from the
            store); they sum to ``n_cells``, and ``bakeoff status`` shows the same.
        n_elsewhere: Cells other runners of the same study completed during this run.
    """

    study: str
    storage: str
    n_cells: int
    n_skipped: int
    outcomes: list[CellOutcome] = field(default_factory=list)
    interrupted: bool = False
    seconds: float = 0.0
    failed_before: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    states: dict[str, int] = field(default_factory=dict)
    n_elsewhere: int = 0
    budget_spent: bool = False

    def count(self, status: str) -> int:
        """Cells this run worked on that ended in ``status``."""
        return sum(o.status == status for o in self.outcomes)

    def describe(self) -> str:
        """One line whose counts add up to the design: ``8 cells: 2 complete, ...``."""
        states = self.states or count_cell_states([])
        parts = [
            f"{states[CellStatus.COMPLETE]} complete ({self.n_skipped} from earlier runs"
            + (f", {self.n_elsewhere} by other runners)" if self.n_elsewhere else ")"),
            f"{states[CellStatus.FAILED]} failed",
            f"{states[CellStatus.INTERRUPTED]} interrupted",
            f"{states[CellStatus.PENDING]} pending",
        ]
        if states[CellStatus.RUNNING]:
            parts.append(f"{states[CellStatus.RUNNING]} running in another process")
        return f"{self.n_cells} cells: {', '.join(parts)}; {self.seconds:.1f} s."

    @property
    def failed(self) -> list[CellOutcome]:
        return [o for o in self.outcomes if o.status == CellStatus.FAILED]

    @property
    def ok(self) -> bool:
        return not self.interrupted and not self.failed and not self.failed_before

    @property
    def exit_code(self) -> int:
        """0 when every cell is complete, 130 when interrupted, 1 when cells failed.

        3 when ``execution.max_cpu_seconds`` stopped the run with cells left pending (and
        none failed): not an error, but not done either, so a script that loops until
        its study is done (``until bakeoff run ...``) goes on.
        """
        if self.interrupted:
            return 130
        if not self.ok:
            return 1
        return 3 if self.budget_spent else 0


class Study:
    """A study: models × datasets × budgets × seeds, plus how to tune, run and store it.

    Args:
        spec: A validated :class:`~bakeoff.spec.StudySpec`, or ``None`` to build one
            from ``fields``.
        base_dir: Folder that relative dataset paths start from (the study file's).
        **fields: The study's fields, as in ``study.yaml``.

    Raises:
        SpecError: If the fields are invalid.

    Examples:
        >>> study = Study(study="demo", datasets=["iris"], models=["random_forest"],
        ...               tuning={"n_trials": 2, "cv": 2})
        >>> study.name
        'demo'
    """

    def __init__(
        self, spec: StudySpec | None = None, *, base_dir: str | Path | None = None, **fields: Any
    ) -> None:
        self.spec = spec if spec is not None else parse_spec(fields)
        self.base_dir = Path(base_dir) if base_dir is not None else Path.cwd()
        self._resolution: Resolution | None = None

    @classmethod
    def from_yaml(cls, path: str | Path) -> Study:
        """Read and validate a study file; relative paths in it start from its folder."""
        path = Path(path)
        spec = parse_spec(read_yaml(path), source=str(path))
        return cls(spec, base_dir=path.resolve().parent)

    @property
    def name(self) -> str:
        return self.spec.study

    def resolve(self) -> Resolution:
        """Load the datasets, look up every name and build the cells (cached).

        Raises:
            SpecError: If anything the spec names is missing or does not fit.
        """
        if self._resolution is None:
            self._resolution = resolve(self.spec, base_dir=self.base_dir)
        return self._resolution

    def cells(self) -> list[Cell]:
        """The design's cells, in the order they are scheduled."""
        return self.resolve().cells

    def storage_url(self, storage: str | None = None) -> str:
        """The store URL: the argument, else the spec's ``storage``, else the default.

        A relative SQLite path in the spec starts from the study file's folder, like its
        dataset paths; one given as ``storage`` (a command-line option) from the
        current folder, as a shell user expects.
        """
        if storage:
            return storage
        if self.spec.storage:
            return _from_folder(self.spec.storage, self.base_dir)
        return DEFAULT_STORAGE

    def spec_json(self) -> str:
        return json.dumps(self.spec.model_dump(mode="json"), sort_keys=True)

    def run(
        self,
        *,
        storage: str | None = None,
        n_jobs: int | None = None,
        retry_failed: bool = False,
        on_event: Callable[[Event], None] | None = None,
        executor: Executor | None = None,
        progress: bool = True,
        supervised: bool = False,
    ) -> RunSummary:
        """Run the cells not yet complete; resume interrupted ones from their trials.

        Args:
            storage: Store URL; overrides the spec's ``storage``.
            n_jobs: Worker processes; overrides ``execution.n_jobs``.
            retry_failed: Run failed cells again from scratch (their trials are dropped).
            on_event: Called in this process for every progress event.
            progress: Show the CLI's progress display (cells done with an ETA, each
                running cell's trial and best score): redrawn in place in a terminal or
                a notebook, one line per finished cell elsewhere. ``False`` for none.
            executor: Where cells run; a :class:`LocalExecutor` by default.
            supervised: With one job, run the cells in a worker process this one
                watches (as ``bakeoff run`` does), so that a model that segfaults or
                calls ``os._exit`` fails its trial instead of ending the run. Models
                and metrics must then come from bakeoff or the study's ``imports``.
                With n_jobs ≥ 2 cells always run in watched workers.

        Returns:
            A :class:`RunSummary`; its ``exit_code`` is what the CLI exits with.

        Raises:
            SpecError: Before anything is written, if the study is invalid.
            StoreError: If the store cannot be opened.
        """
        resolution = self.resolve()
        url = self.storage_url(storage)
        _check_shareable(url)
        started = time.perf_counter()
        provenance = collect_provenance(self.base_dir)
        notes: list[str] = []
        workers = cell_workers(
            n_jobs or self.spec.execution.n_jobs,
            self.spec.tuning.parallel_trials,
            os.cpu_count() or 1,
            notes,
        )
        runner = executor or self._executor(workers, supervised)
        # Before the store is touched: a cluster that cannot reach it is refused here.
        runner.prepare(url)
        try:
            return self._run(
                resolution,
                url,
                started,
                provenance,
                notes,
                runner,
                retry_failed,
                on_event,
                progress,
            )
        finally:
            runner.close()

    def _executor(self, workers: int, supervised: bool) -> Executor:
        """The executor ``execution.backend`` names."""
        execution = self.spec.execution
        if execution.backend == "ray":
            return RayExecutor(
                address=execution.address,
                n_jobs=workers,
                num_cpus_per_cell=execution.num_cpus_per_cell,
                num_gpus_per_cell=execution.num_gpus_per_cell,
            )
        return LocalExecutor(workers, supervised=supervised)

    def _run(
        self,
        resolution: Resolution,
        url: str,
        started: float,
        provenance: dict[str, Any],
        notes: list[str],
        runner: Executor,
        retry_failed: bool,
        on_event: Callable[[Event], None] | None,
        progress: bool,
    ) -> RunSummary:
        with Store(url) as store:
            prepared = store.prepare_study(
                name=self.name,
                spec_json=self.spec_json(),
                spec_hash=hashlib.sha256(self.spec_json().encode()).hexdigest(),
                seed=self.spec.seed,
                bakeoff_version=__version__,
                provenance=provenance,
                datasets=[
                    {
                        "name": d.name,
                        "fingerprint": d.fingerprint,
                        "task": str(d.task),
                        "target": d.target,
                        "n_rows": d.n_rows,
                        "n_features": d.n_features,
                        "source": d.source,
                        "meta_json": json.dumps(meta_features(d)),
                    }
                    for d in resolution.datasets.values()
                ],
                cell_definitions=[
                    CellDefinition(c.key, c.model, c.dataset, str(c.budget), c.seed, c.definition)
                    for c in resolution.cells
                ],
            )
            changed = changed_versions(prepared.previous_provenance, provenance)
            if changed:
                warnings.warn(
                    f"study '{self.name}' was last run with other versions of packages that "
                    f"determine its results ({'; '.join(changed)}); cells finished before "
                    "and after this run may differ for that reason alone. Each run's "
                    "versions are kept (bakeoff.store.Store.runs_frame).",
                    BakeoffWarning,
                    stacklevel=2,
                )
            if retry_failed:
                failed = [
                    prepared.cell_ids[k]
                    for k, s in prepared.statuses.items()
                    if s == CellStatus.FAILED
                ]
                store.reset_cells(failed)
                statuses = {
                    k: (CellStatus.PENDING if s == CellStatus.FAILED else s)
                    for k, s in prepared.statuses.items()
                }
            else:
                statuses = dict(prepared.statuses)
            summary = RunSummary(
                study=self.name,
                storage=url,
                n_cells=len(resolution.cells),
                n_skipped=sum(s == CellStatus.COMPLETE for s in statuses.values()),
                failed_before=[
                    _describe(c) for c in resolution.cells if statuses[c.key] == CellStatus.FAILED
                ],
            )
            if prepared.n_set_aside:
                summary.notes.append(
                    f"the spec changed: {prepared.n_set_aside} stored cells no longer match it "
                    f"and were set aside (kept, not reused)"
                )
            for label, dataset in resolution.skipped_pairs:
                summary.notes.append(
                    f"model '{label}' does not handle the task of dataset '{dataset}'; "
                    f"those cells are left out"
                )
            summary.notes += notes
            owner = new_owner()
            tasks = [
                self._task(
                    c,
                    prepared.cell_ids[c.key],
                    resolution,
                    url,
                    prepared.run_id,
                    owner,
                    prepared.cell_ids,
                )
                for c in resolution.cells
                if statuses[c.key] not in (CellStatus.COMPLETE, CellStatus.FAILED)
            ]
            display = (
                RunDisplay(Console(), total=summary.n_cells, done=summary.n_skipped)
                if progress
                else None
            )
            listeners: list[Callable[[Event], None]] = []
            if on_event is not None:
                listeners.append(on_event)
            if display is not None:
                listeners.append(display.on_event)

            def emit(event: Event) -> None:
                for listener in listeners:
                    listener(event)

            with display or contextlib.nullcontext():
                outcomes, interrupted = runner.run(
                    tasks,
                    datasets=resolution.datasets,
                    storage=url,
                    imports=self.spec.imports,
                    on_event=emit,
                )
            summary.outcomes = outcomes
            summary.interrupted = interrupted
            self._count_others(summary, store, prepared.cell_ids, resolution.cells)
            summary.seconds = time.perf_counter() - started
            summary.states = count_cell_states(store.cell_states(prepared.study_id).values())
            budget = self.spec.execution.max_cpu_seconds
            pending = summary.states[CellStatus.PENDING]
            if budget is not None and pending and not interrupted:
                summary.budget_spent = True
                summary.notes.append(
                    f"execution.max_cpu_seconds ({budget:g} s) was spent: {pending} cells not "
                    f"started stay pending; run again to continue them"
                )
            status = "complete"
            if interrupted:
                status = "interrupted"
            elif not summary.ok:
                status = "failed"
            elif summary.budget_spent:
                status = "stopped"  # the CPU budget: cells pending, to be continued
            store.finish_study(prepared.study_id, status, run_id=prepared.run_id)
        return summary

    @staticmethod
    def _count_others(
        summary: RunSummary, store: Store, cell_ids: dict[str, int], cells: list[Cell]
    ) -> None:
        """What other runners of the study did meanwhile, from the store's final state."""
        final = store.cell_statuses(list(cell_ids.values()))
        mine = {o.cell_key: o.status for o in summary.outcomes}
        summary.n_elsewhere = (
            sum(
                final.get(cell_ids[c.key]) == CellStatus.COMPLETE
                and mine.get(c.key) != CellStatus.COMPLETE
                for c in cells
            )
            - summary.n_skipped
        )
        summary.failed_before = [
            _describe(c)
            for c in cells
            if final.get(cell_ids[c.key]) == CellStatus.FAILED
            and mine.get(c.key) != CellStatus.FAILED
        ]

    def _task(
        self,
        cell: Cell,
        cell_id: int,
        resolution: Resolution,
        url: str,
        run_id: int | None,
        owner: str,
        cell_ids: dict[str, int],
    ) -> CellTask:
        model = next(m for m in resolution.models if m.label == cell.model)
        dataset = resolution.datasets[cell.dataset]
        tuning = self.spec.tuning
        return CellTask(
            cell_id=cell_id,
            cell_key=cell.key,
            label=cell.model,
            model=model.model,
            # The cell's own: a parameters file (tuning.params_from) adds to the model's.
            fixed_params=cell.definition["model"]["fixed_params"],
            space=model.space,
            dataset=cell.dataset,
            budget=cell.budget,
            seed=cell.seed,
            study_seed=self.spec.seed,
            fingerprint=dataset.fingerprint,
            metrics=tuple(resolution.metrics[str(dataset.task)]),
            method=resolution.methods[cell.model][0],
            method_reason=resolution.methods[cell.model][1],
            n_trials=resolution.n_trials[cell.model],
            cv=tuning.cv,
            test_size=self.spec.split.test_size,
            timeout=tuning.timeout,
            trial_timeout=tuning.trial_timeout,
            trial_memory=tuning.trial_memory,
            sampler_options=tuning.sampler_options,
            artifacts_dir=self._artifacts_dir(url),
            owner=owner,
            lease_seconds=self.spec.execution.lease_seconds,
            run_id=run_id,
            objectives=tuple(
                tuning.objectives
                or default_objectives(str(dataset.task), resolution.metrics[str(dataset.task)])
            ),
            pruner=tuning.pruner,
            pruner_options=tuning.pruner_options,
            patience=tuning.patience,
            min_delta=tuning.min_delta,
            parallel_trials=tuning.parallel_trials,
            selection=tuning.selection,
            weights=tuning.weights,
            warm_from=tuple(
                cell_ids[c.key] for c in warm_siblings(cell, resolution.cells, self.spec)
            ),
            max_cpu_seconds=self.spec.execution.max_cpu_seconds,
            test_rows=resolution.test_rows.get(cell.dataset),
            groups=resolution.groups.get(cell.dataset),
            dirichlet_draws=self.spec.split.dirichlet_draws,
            dirichlet_alpha=self.spec.split.dirichlet_alpha,
            scheduler=tuning.scheduler,
            scheduler_options=tuning.scheduler_options,
        )

    def _artifacts_dir(self, url: str) -> str | None:
        artifacts = self.spec.artifacts
        if not artifacts.models:
            return None
        if artifacts.path:
            root = Path(artifacts.path)
            root = root if root.is_absolute() else self.base_dir / root
        else:
            from sqlalchemy.engine import make_url

            parsed = make_url(url)
            database = parsed.database if parsed.get_backend_name() == "sqlite" else None
            root = (
                Path(database).resolve().parent / "bakeoff-artifacts"
                if database and database != ":memory:"
                else Path.cwd() / "bakeoff-artifacts"
            )
        return str(root / self.name)


def cell_workers(n_jobs: int, parallel_trials: int, cores: int, notes: list[str]) -> int:
    """Cell workers for a run.

    That is ``n_jobs``, fewer if with ``parallel_trials`` processes each they would
    oversubscribe the cores.

    Each worker runs up to ``parallel_trials`` trial processes at once. The number of
    workers never changes a result (``parallel_trials`` does), so it is the one reduced:
    to ``cores // parallel_trials`` (at least 1), with a note saying so.
    """
    if parallel_trials <= 1 or n_jobs * parallel_trials <= cores:
        return n_jobs
    workers = max(1, cores // parallel_trials)
    if workers < n_jobs:
        notes.append(
            f"n_jobs {n_jobs} × parallel_trials {parallel_trials} would run "
            f"{n_jobs * parallel_trials} trial processes on {cores} cores; {workers} cell "
            f"worker{'s' if workers > 1 else ''} used instead (results do not depend on it)"
        )
    return workers


def warm_siblings(cell: Cell, cells: list[Cell], spec: StudySpec) -> list[Cell]:
    """The cells whose best configurations start ``cell``'s search (``tuning.warm_start``).

    Only cells that are settled before ``cell`` may start count, so that the result does
    not depend on which worker finished first: the executor claims a cell only once these
    are complete or failed. ``budgets``: the same model, dataset and seed at smaller
    budgets (``full`` is the largest), smallest first. ``seeds``: the same model, dataset
    and budget at the seeds listed before this one, in the spec's order.
    """
    mode = spec.tuning.warm_start
    if mode == "none":
        return []

    def size(budget: int | str) -> float:
        return float("inf") if budget == "full" else float(budget)

    same = [c for c in cells if c.model == cell.model and c.dataset == cell.dataset]
    if mode == "budgets":
        smaller = [c for c in same if c.seed == cell.seed and size(c.budget) < size(cell.budget)]
        return sorted(smaller, key=lambda c: size(c.budget))
    order = {seed: i for i, seed in enumerate(spec.seeds)}
    earlier = [
        c for c in same if str(c.budget) == str(cell.budget) and order[c.seed] < order[cell.seed]
    ]
    return sorted(earlier, key=lambda c: order[c.seed])


def _from_folder(url: str, folder: Path) -> str:
    """``url`` with a relative SQLite file path made absolute from ``folder``."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        return url  # the store reports a malformed URL with its fix
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return url
    path = Path(database).expanduser()
    if path.is_absolute():
        return url
    return parsed.set(database=str(folder / path)).render_as_string(hide_password=False)


def _check_shareable(url: str) -> None:
    """Refuse an in-memory store: it vanishes at the end and workers cannot reach it."""
    from sqlalchemy.engine import make_url

    from bakeoff.exceptions import StoreError

    try:
        parsed = make_url(url)
    except Exception:
        return  # the store reports a malformed URL itself
    if parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:"):
        raise StoreError(
            f"storage URL '{url}' is an in-memory database: it would vanish when the run "
            f"ends, and worker processes and other runners cannot reach it. Use a file, "
            f"e.g. sqlite:///bakeoff.db"
        )


def _describe(cell: Cell) -> str:
    return f"{cell.model} · {cell.dataset} · {cell.budget} · seed {cell.seed}"
