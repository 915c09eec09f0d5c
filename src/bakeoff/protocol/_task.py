"""What a worker needs to run one cell: a picklable description."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bakeoff.models import Model
from bakeoff.tuning import SearchSpace

__all__ = ["CellTask"]


@dataclass(frozen=True)
class CellTask:
    """One cell, resolved: everything that determines its result, plus where to write.

    Attributes:
        cell_id: The cell's row id in the store.
        cell_key: Content hash of the cell's definition.
        label: The model's name in results.
        model: The model.
        fixed_params: Parameters passed to every build.
        space: The search space (fixed parameters removed).
        dataset: Dataset name (the worker holds the loaded data).
        budget: Training rows, or ``"full"``.
        seed: The repetition's seed.
        study_seed: The study's master seed.
        fingerprint: The dataset's content hash.
        metrics: Metric names scored on the test rows; the first is the objective.
        method: Tuning method.
        n_trials: Trials to run (the grid size, if smaller).
        cv: Inner folds.
        test_size: Outer hold-out share.
        test_rows: Fixed test positions (leave-one-group-out), or None for the hold-out.
        groups: One group label per row for a grouped hold-out (``split.group`` with
            ``kind: holdout``): whole groups are tested, and inner folds keep them whole.
        dirichlet_draws: Test re-samples with a Dirichlet-drawn composition (0: none).
        dirichlet_alpha: The Dirichlet's concentration.
        timeout: Seconds of tuning per cell, or ``None``.
        trial_timeout: Seconds of wall time per trial, or ``None``.
        trial_memory: Megabytes one trial may allocate, or ``None``.
        sampler_options: Keyword arguments for the Optuna sampler.
        artifacts_dir: Folder for the refitted model, or ``None`` to keep none.
        owner: The claim token of the runner running the cell (see
            :mod:`bakeoff.store._leases`); every write for the cell carries it.
        lease_seconds: How long the runner's claim lasts without renewal.
        run_id: The store's row of the run that executes the cell (its provenance).
        objectives: What the search optimises (metric names, or ``fit_seconds``);
            empty means the first metric alone.
        method_reason: Why ``method`` was used (``auto`` resolves per cell).
        pruner: Pruner name (see :data:`bakeoff.tuning.PRUNERS`).
        pruner_options: Keyword arguments for the pruner.
        scheduler: Ray Tune's scheduler (``method: ray_tune``): asha, hyperband or pbt.
        scheduler_options: Keyword arguments for the scheduler.
        patience: Trials without an improvement before the search stops, or ``None``.
        min_delta: The smallest change that counts as an improvement.
        parallel_trials: Trials evaluated at once.
        selection: Rule picking the refitted member of a Pareto front.
        weights: Objective weights for ``selection: weighted``.
        warm_from: Sibling cells (row ids) whose best configurations start the search.
        cpu_seconds_left: CPU seconds the cell may use before its search stops (set
            by the executor when it claims the cell).
        max_cpu_seconds: CPU seconds the whole run may use (``execution.max_cpu_seconds``).
    """

    cell_id: int
    cell_key: str
    label: str
    model: Model
    fixed_params: dict[str, Any]
    space: SearchSpace
    dataset: str
    budget: int | str
    seed: int
    study_seed: int
    fingerprint: str
    metrics: tuple[str, ...]
    method: str
    n_trials: int
    cv: int
    test_size: float
    timeout: float | None = None
    trial_timeout: float | None = None
    trial_memory: int | None = None
    sampler_options: dict[str, Any] = field(default_factory=dict)
    artifacts_dir: str | None = None
    owner: str = ""
    lease_seconds: float = 60.0
    run_id: int | None = None
    objectives: tuple[str, ...] = ()
    method_reason: str = ""
    pruner: str = "none"
    pruner_options: dict[str, Any] = field(default_factory=dict)
    patience: int | None = None
    min_delta: float = 0.0
    parallel_trials: int = 1
    selection: str | None = None
    weights: dict[str, float] = field(default_factory=dict)
    warm_from: tuple[int, ...] = ()
    cpu_seconds_left: float | None = None
    max_cpu_seconds: float | None = None
    test_rows: Any = None
    groups: Any = None
    dirichlet_draws: int = 0
    dirichlet_alpha: float = 1.0
    scheduler: str | None = None
    scheduler_options: dict[str, Any] = field(default_factory=dict)

    @property
    def objective(self) -> str:
        """The first objective: what single-objective tuning optimises."""
        return self.search_objectives[0]

    @property
    def search_objectives(self) -> tuple[str, ...]:
        """The objectives, the first metric alone by default."""
        return self.objectives or self.metrics[:1]

    def describe(self) -> str:
        """``model · dataset · budget · seed`` for progress lines and messages."""
        return f"{self.label} · {self.dataset} · {self.budget} · seed {self.seed}"
