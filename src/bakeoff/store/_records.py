"""Plain records passed between the protocol and the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = ["CellDefinition", "CellResult", "TrialRecord"]


@dataclass(frozen=True)
class CellDefinition:
    """A cell as the store keeps it before it runs."""

    cell_key: str
    model: str
    dataset: str
    budget: str
    seed: int
    definition: dict[str, Any]


@dataclass
class TrialRecord:
    """One finished (or interrupted) trial, enough to replay it into an Optuna study."""

    number: int
    state: str
    params: dict[str, Any]
    distributions: dict[str, str]
    values: list[float] | None
    started_at: datetime
    finished_at: datetime
    duration: float
    intermediate: dict[int, float] = field(default_factory=dict)
    user_attrs: dict[str, Any] = field(default_factory=dict)
    system_attrs: dict[str, Any] = field(default_factory=dict)
    study_attrs: dict[str, Any] | None = None
    error: str | None = None


@dataclass
class CellResult:
    """What a finished cell produced."""

    n_train: int
    n_test: int
    n_trials: int
    n_failed_trials: int
    best_trial: int
    best_params: dict[str, Any]
    cv_value: float
    test_scores: dict[str, float]
    tune_seconds: float
    refit_seconds: float
    artifact_path: str | None = None
    search: dict[str, Any] | None = None
    #: Scores beside the test scores: ``train_scores`` (the refitted model on its own
    #: training rows) and ``test_resampling`` (Dirichlet re-samples: draws, spread).
    diagnostics: dict[str, Any] | None = None
