"""The study specification: pydantic models with the rules next to the fields."""

from __future__ import annotations

import math
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bakeoff._registry import suggest
from bakeoff.datasets._types import FeatureKind
from bakeoff.tuning import METHODS, Param

__all__ = [
    "ArtifactsSpec",
    "DatasetSpec",
    "ExecutionSpec",
    "ModelSpec",
    "SplitSpec",
    "StudySpec",
    "TuningSpec",
]

NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"
#: A dotted module name, as ``import`` takes it (no relative or empty names).
MODULE_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$"
#: Seeds are stored as SQL integers (64-bit signed).
MAX_SEED = 2**63 - 1
#: The most repetitions a study may list (each is a full set of cells).
MAX_SEEDS = 10_000
#: ``ray://host:port`` (Ray Client) or ``host:port`` (a head node's GCS address).
_RAY_ADDRESS = re.compile(r"^(ray://)?[A-Za-z0-9_.\-\[\]:]+:[0-9]{1,5}$")


class _Strict(BaseModel):
    """Refuses unknown keys with the closest valid one and the full list."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, use_attribute_docstrings=True)

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        if isinstance(data, dict):
            valid = sorted({field.alias or name for name, field in cls.model_fields.items()})
            unknown = [key for key in data if key not in valid and key not in cls.model_fields]
            if unknown:
                key = unknown[0]
                raise ValueError(
                    f"unknown key '{key}'.{suggest(str(key), valid)} "
                    f"Valid keys here: {', '.join(valid)}"
                )
        return data


# Keys that describe one dataset; those after "path" apply to files only.
_ONE_DATASET_KEYS = ("name", "path", "target", "task", "description", "license", "citation")


class DatasetSpec(_Strict):
    """A dataset (a registered name, or a file with its target), or a group of them.

    A group is ``suite: NAME`` (a named list that ships with bakeoff) or ``collection:
    NAME`` (a registered collection, or a folder with a ``collection.yaml``).
    """

    name: str | None = Field(None, pattern=NAME_PATTERN)
    """a registered dataset's name, or the name a file or generated dataset gets in results"""
    path: str | None = None
    """a CSV, TSV or Parquet file, relative to the study file's folder"""
    target: str | None = None
    """the column to predict (required for a file, unless its reader has one)"""
    task: Literal["classification", "regression", "synthesis"] | None = None
    """classification or regression, inferred from the target when left out; or synthesis:
    cells fit a generator on the training rows and score the table it samples (on a suite
    or collection: every member)"""
    drop: list[str] = Field(default_factory=list)
    """columns to leave out (identifiers, columns that leak the target)"""
    types: dict[str, FeatureKind] = Field(
        default_factory=dict,
        description="feature kinds overriding the inferred ones, e.g. {zip: categorical}",
    )
    description: str = ""
    """free text kept with the dataset"""
    license: str = ""
    """the data's licence, kept with it and printed in reports"""
    citation: str = ""
    """how to cite the data, kept with it and printed in reports"""
    reader: str | None = Field(
        None,
        pattern=NAME_PATTERN,
        description="a registered file reader for a file in a domain's own layout "
        "(e.g. phmrc); the target defaults to the reader's",
    )
    reader_options: dict[str, Any] = Field(
        default_factory=dict, description="keyword arguments for the reader"
    )
    options: dict[str, Any] = Field(
        default_factory=dict,
        description="settings of a registered dataset that is generated (a simulator's "
        "parameters, e.g. sabr_surfaces' data_gen_config); `bakeoff datasets show NAME` "
        "lists them",
    )
    suite: str | None = None
    """a named suite of datasets (bakeoff datasets suites)"""
    collection: str | None = None
    """a registered collection, or a folder with a collection.yaml"""
    exclude: list[str] = Field(
        default_factory=list, description="datasets of the suite or collection to leave out"
    )

    @model_validator(mode="after")
    def _one_kind_of_entry(self) -> DatasetSpec:
        group = self.suite if self.suite is not None else self.collection
        if self.suite is not None and self.collection is not None:
            raise ValueError("give `suite` or `collection`, not both, in one entry")
        if group is not None:
            kind = "suite" if self.suite is not None else "collection"
            extra = [
                k
                for k in (*_ONE_DATASET_KEYS, "drop", "types", "reader", "options")
                if getattr(self, k) and not (k == "task" and self.task == "synthesis")
            ]
            if extra:
                raise ValueError(
                    f"`{kind}: {group}` names a group of datasets; `{extra[0]}` applies to "
                    f"one dataset. Put it in a separate entry"
                )
            return self
        if self.exclude:
            raise ValueError("`exclude` applies to a `suite` or `collection` entry only")
        if self.options and self.path is not None:
            raise ValueError(
                f"dataset '{self.name}': `options` are a generated dataset's settings; a file "
                f"takes `reader_options` with its `reader`"
            )
        if self.name is None:
            raise ValueError(
                "a dataset entry needs `name` (a registered dataset, or a name for a file "
                "with `path` and `target`), or `suite` or `collection`"
            )
        if self.reader is not None and self.path is None:
            raise ValueError(
                f"dataset '{self.name}': `reader: {self.reader}` reads a file; add `path: <file>`"
            )
        if self.reader_options and self.reader is None:
            raise ValueError(
                f"dataset '{self.name}': `reader_options` need a `reader`; add one or remove them"
            )
        if self.path is not None and self.target is None and self.reader is None:
            raise ValueError(
                f"dataset '{self.name}' reads '{self.path}' but names no target; "
                f"add `target: <column>`"
            )
        file_only = [
            k
            for k in _ONE_DATASET_KEYS[2:]
            if getattr(self, k) and not (k == "task" and self.task == "synthesis")
        ]
        if self.path is None and file_only:
            raise ValueError(
                f"dataset '{self.name}': `{file_only[0]}` applies to files only (a registered "
                f"dataset has its own); add `path: <file>` or remove it"
            )
        return self


class ModelSpec(_Strict):
    """A model: a registered name, fixed parameters and search-space overrides."""

    name: str
    """a registered model (bakeoff models list)"""
    label: str | None = Field(
        None,
        pattern=NAME_PATTERN,
        description="name in results, to use one model twice with different settings",
    )
    params: dict[str, Any] = Field(default_factory=dict)
    """fixed parameters, passed to every configuration and removed from the search"""
    search_space: dict[str, Param] = Field(default_factory=dict)
    """parameters to search, replacing or adding to the model's default space"""
    tune: bool = Field(
        True,
        description="false: one trial with the default (and fixed) parameters, e.g. to "
        "measure what tuning gains beside a tuned copy of the same model",
    )

    @property
    def display_name(self) -> str:
        return self.label or self.name

    @model_validator(mode="after")
    def _untuned_has_no_space(self) -> ModelSpec:
        if not self.tune and self.search_space:
            raise ValueError(
                f"model '{self.display_name}' has `tune: false` and a `search_space`; "
                f"drop one of them"
            )
        return self


#: A metric's name, or ``{name: ..., <option>: <value>}`` for a metric with variants.
MetricEntry = str | dict[str, str]


class SplitSpec(_Strict):
    """How each cell's test rows are chosen, the same for every model and budget of a seed.

    ``holdout`` (the default) keeps a seeded, stratified ``test_size`` share of the rows
    for testing. ``leave_one_group_out`` makes one dataset per value of the ``group``
    column (``site``): its test rows are that group's, and it trains on the others (the
    column itself is not a feature). ``holdout`` with a ``group`` holds out a
    ``test_size`` share of the groups (whole surfaces, patients, sites) per seed, and its
    inner CV folds keep groups whole too. ``kfold`` makes one dataset per fold of an outer,
    stratified ``folds``-fold partition (``<name>.fold1`` …), fixed by the study's
    ``seed``: each row is tested exactly once. ``dirichlet_draws`` (classification) scores each
    test split on that many re-samples whose class composition is drawn from a
    Dirichlet(``dirichlet_alpha``) distribution, as in the PHMRC validation protocol.
    """

    kind: Literal["holdout", "leave_one_group_out", "kfold"] = "holdout"
    """holdout, leave_one_group_out or kfold: how each cell's test rows are chosen"""
    test_size: float = Field(0.25, gt=0, lt=1)
    """holdout: the share of rows (or of groups) kept for testing, stratified for classification"""
    group: str | None = Field(None, min_length=1)
    """a column whose values are held out whole (leave_one_group_out, or holdout by group)"""
    folds: int = Field(5, ge=2, le=1000, description="outer folds of kind: kfold")
    dirichlet_draws: int = Field(
        0,
        ge=0,
        le=100_000,
        description="test re-samples with a Dirichlet-drawn class composition (0: none)",
    )
    dirichlet_alpha: float = Field(1.0, gt=0, le=1e6)
    """the Dirichlet concentration of the dirichlet_draws' class compositions"""

    @model_validator(mode="after")
    def _group_with_its_kind(self) -> SplitSpec:
        if self.kind == "leave_one_group_out" and self.group is None:
            raise ValueError(
                "kind: leave_one_group_out needs `group`, the column whose values are "
                "held out one at a time (e.g. group: site)"
            )
        if self.kind == "kfold" and self.group is not None:
            raise ValueError(
                f"`group: {self.group}` is used by kind: leave_one_group_out (each group "
                f"held out in turn) or holdout (a share of the groups held out); kfold "
                f"splits rows. Change `kind` or remove `group`"
            )
        if self.kind != "holdout" and "test_size" in self.model_fields_set:
            raise ValueError(
                f"`test_size` is for kind: holdout; with {self.kind} the test rows are "
                f"the held-out {'group' if self.kind == 'leave_one_group_out' else 'fold'}"
                f"'s. Remove `test_size`"
            )
        if self.kind != "kfold" and "folds" in self.model_fields_set:
            raise ValueError(
                f"`folds: {self.folds}` is for kind: kfold (outer folds; the inner CV is "
                f"tuning.cv). Add `kind: kfold` or remove `folds`"
            )
        return self


class TuningSpec(_Strict):
    """How each cell is tuned."""

    method: str = "tpe"
    """the sampler: grid, random, tpe, gp, cmaes, qmc, nsga2, auto, none or ray_tune"""
    n_trials: int = Field(50, ge=1)
    """trials per cell (grid: at most the grid's size)"""
    timeout: float | None = Field(None, gt=0)
    """seconds of tuning per cell; no new trial starts after it"""
    trial_timeout: float | None = Field(
        None,
        gt=0,
        le=10**7,
        description="seconds of wall time one trial may take; past it the trial is stopped "
        "and stored as failed (each trial then runs in a child process)",
    )
    trial_memory: int | None = Field(
        None,
        ge=16,
        le=2**30,
        description="megabytes one trial may allocate; past it the trial fails (each trial "
        "then runs in a child process)",
    )
    cv: int = Field(5, ge=2)
    """inner cross-validation folds that score each trial (stratified for classification)"""
    sampler_options: dict[str, Any] = Field(default_factory=dict)
    """keyword arguments for the Optuna sampler"""
    pruner: Literal["none", "median", "percentile", "asha", "hyperband"] = Field(
        "none",
        description="stop hopeless trials early, on the inner-CV folds (or a finer "
        "resource the model reports); options go in pruner_options",
    )
    pruner_options: dict[str, Any] = Field(
        default_factory=dict, description="keyword arguments for the Optuna pruner"
    )
    scheduler: Literal["asha", "hyperband", "pbt", "fifo"] | None = Field(
        None,
        description="Ray Tune's trial scheduler (method: ray_tune only; default asha): "
        "asha or hyperband stop hopeless trials at rungs of the model's resource, pbt "
        "perturbs the parameters of running trials, fifo runs every trial to its end; "
        "options go in scheduler_options",
    )
    scheduler_options: dict[str, Any] = Field(
        default_factory=dict,
        description="keyword arguments for the Ray Tune scheduler (grace_period, "
        "reduction_factor, perturbation_interval, ...)",
    )
    objectives: list[str] | None = Field(
        None,
        min_length=1,
        description="metrics to optimise together (each in its registry direction); "
        "fit_seconds adds the cost of fitting (minimised). Default: the first metric",
    )
    selection: Literal["knee", "weighted", "lexicographic", "first"] | None = Field(
        None,
        description="which member of a cell's Pareto front is refitted and tested "
        "(several objectives only; default knee)",
    )
    weights: dict[str, float] = Field(
        default_factory=dict,
        description="weight of each objective for selection: weighted",
    )
    patience: int | None = Field(
        None,
        ge=1,
        le=10**6,
        description="stop a cell's search after this many trials without an improvement "
        "of at least min_delta",
    )
    min_delta: float = Field(0.0, ge=0, allow_inf_nan=False)
    """the smallest gain that counts as an improvement for patience"""
    parallel_trials: int = Field(
        1,
        ge=1,
        le=256,
        description="trials of one cell evaluated at once, each in its own process; asked "
        "and told in fixed batches, so the numbers depend on it but never on timing",
    )
    warm_start: Literal["none", "budgets", "seeds"] = Field(
        "none",
        description="start a cell with the best configurations of its finished sibling "
        "cells: smaller budgets of the same seed, or earlier seeds of the same budget",
    )

    params_from: str | None = Field(
        None,
        min_length=1,
        description="a parameters file written by `bakeoff params export`: every cell runs "
        "once with the file's parameters for its (model, dataset, budget); needs `method: "
        "none` (the default when this is set)",
    )

    @model_validator(mode="after")
    def _consistent_search(self) -> TuningSpec:
        n_objectives = len(self.objectives or [None])
        if self.objectives is not None:
            repeated = sorted({o for o in self.objectives if self.objectives.count(o) > 1})
            if repeated:
                raise ValueError(f"objectives must be distinct, but {repeated} repeat")
        if n_objectives > 1 and self.pruner != "none":
            raise ValueError(
                f"pruner '{self.pruner}' cannot be used with {n_objectives} objectives: "
                f"Optuna prunes single-objective studies only. Set pruner: none, or keep "
                f"one objective"
            )
        if n_objectives > 1 and self.min_delta > 0:
            raise ValueError(
                "min_delta applies to one objective; with several, patience counts the "
                "trials since the Pareto front last changed. Remove min_delta"
            )
        if self.selection is not None and n_objectives == 1:
            raise ValueError(
                f"selection: {self.selection} chooses among several objectives, but "
                f"objectives has one. Remove selection, or list several objectives"
            )
        if self.weights and self.selection != "weighted":
            raise ValueError("weights are used by selection: weighted only; remove them")
        if self.selection == "weighted":
            names = list(self.objectives or [])
            missing = [n for n in names if n not in self.weights]
            unknown = [n for n in self.weights if n not in names]
            if missing or unknown:
                raise ValueError(
                    f"selection: weighted needs a weight for each objective ({names}); "
                    f"missing {missing}, not an objective {unknown}"
                )
            if any(not math.isfinite(w) or w < 0 for w in self.weights.values()) or not any(
                self.weights.values()
            ):
                raise ValueError(
                    f"weights must be finite, non-negative and not all zero, but got {self.weights}"
                )
        return self

    @model_validator(mode="after")
    def _ray_tune_settings(self) -> TuningSpec:
        if self.method != "ray_tune":
            given = "scheduler" if self.scheduler is not None else None
            given = given or ("scheduler_options" if self.scheduler_options else None)
            if given:
                raise ValueError(
                    f"{given} is a setting of Ray Tune, but method is '{self.method}'. Set "
                    f"method: ray_tune, or remove {given}"
                )
            return self
        n_objectives = len(self.objectives or [None])
        if n_objectives > 1:
            raise ValueError(
                f"method: ray_tune searches one objective, but objectives has {n_objectives}. "
                f"Keep one objective, or use method: tpe or nsga2"
            )
        if self.pruner != "none":
            raise ValueError(
                f"method: ray_tune stops trials with its scheduler, so pruner "
                f"'{self.pruner}' cannot be used with it. Remove pruner (use scheduler: "
                f"asha or hyperband)"
            )
        for name in ("trial_timeout", "trial_memory", "patience"):
            if getattr(self, name) is not None:
                raise ValueError(
                    f"{name} is not supported with method: ray_tune (Ray Tune runs the "
                    f"trials). Remove {name}"
                )
        if self.warm_start != "none":
            raise ValueError(
                f"warm_start: {self.warm_start} is not supported with method: ray_tune "
                f"(Ray Tune's searcher starts from its own configurations). Remove warm_start"
            )
        if self.scheduler is None:
            self.scheduler = "asha"
        return self

    @model_validator(mode="after")
    def _params_from_means_no_search(self) -> TuningSpec:
        if self.params_from is None or self.method == "none":
            return self
        if "method" in self.model_fields_set:
            raise ValueError(
                f"`params_from: {self.params_from}` runs every cell with the file's "
                f"parameters, without a search, but `method` is '{self.method}'. Set "
                f"`method: none` (or leave it out), or drop `params_from`"
            )
        self.method = "none"
        return self

    @field_validator("method")
    @classmethod
    def _known_method(cls, method: str) -> str:
        if method not in METHODS:
            raise ValueError(
                f"unknown tuning method '{method}'.{suggest(method, list(METHODS))} "
                f"Choose one of: {', '.join(sorted(METHODS))}"
            )
        return method


class ExecutionSpec(_Strict):
    """Where and how cells run."""

    n_jobs: int = Field(1, ge=1)
    """worker processes running cells in parallel"""
    max_cpu_seconds: float | None = Field(
        None,
        gt=0,
        allow_inf_nan=False,
        description="CPU seconds the whole run may spend; cells not started when it is "
        "spent stay pending, and say why",
    )
    lease_seconds: float = Field(
        60.0,
        ge=1,
        le=86400,
        description="how long a runner's claim on a cell lasts without renewal; another "
        "runner takes over a cell whose runner has been silent this long",
    )
    backend: Literal["local", "ray"] = Field(
        "local",
        description="where cells run: local (processes on this machine) or ray (Ray tasks, "
        'on a private runtime or a cluster; pip install "bakeoff[ray]")',
    )
    address: str | None = Field(
        None,
        description="the Ray cluster (backend ray only): local or unset for a private "
        "runtime on this machine, auto for the cluster this machine belongs to, "
        "ray://host:port (Ray Client) or host:port (the head node's GCS)",
    )
    num_cpus_per_cell: float = Field(
        1.0, gt=0, le=1024, allow_inf_nan=False, description="CPUs Ray reserves for each cell"
    )
    num_gpus_per_cell: float = Field(
        0.0, ge=0, le=64, allow_inf_nan=False, description="GPUs Ray reserves for each cell"
    )

    @field_validator("address")
    @classmethod
    def _address_shape(cls, value: str | None) -> str | None:
        if value is None or value in ("auto", "local") or _RAY_ADDRESS.match(value):
            return value
        raise ValueError(
            f"'{value}' is not a Ray address. Use local (a private runtime on this machine), "
            "auto (the cluster this machine belongs to), ray://host:port or host:port"
        )

    @model_validator(mode="after")
    def _ray_settings_need_ray(self) -> ExecutionSpec:
        if self.backend == "ray":
            return self
        given = [
            name
            for name, default in (
                ("address", None),
                ("num_cpus_per_cell", 1.0),
                ("num_gpus_per_cell", 0.0),
            )
            if getattr(self, name) != default
        ]
        if given:
            raise ValueError(
                f"{given[0]} is a setting of the Ray backend, but backend is "
                f"'{self.backend}'. Add backend: ray, or remove {given[0]}"
            )
        return self


class ArtifactsSpec(_Strict):
    """What to keep besides the database."""

    models: bool = False
    """save each cell's refitted pipeline (joblib)"""
    path: str | None = None
    """where to save them; default bakeoff-artifacts/ beside the SQLite file"""


Budget = Annotated[int, Field(gt=0)] | Literal["full"]


def _name_or_entry(schema: dict[str, Any]) -> None:
    """The JSON schema of a list whose items may also be a bare registered name.

    As the field takes them (``models: [ridge]``); pydantic describes only the entry.
    """
    schema["items"] = {"anyOf": [{"type": "string", "minLength": 1}, schema["items"]]}


def _count_or_list(schema: dict[str, Any]) -> None:
    """The JSON schema of ``seeds`` as the field takes it.

    A count or a list of seeds (pydantic describes only the list the count becomes).
    """
    listed = {key: schema.pop(key) for key in ("type", "items", "minItems", "maxItems")}
    schema["anyOf"] = [{"type": "integer", "minimum": 1, "maximum": MAX_SEEDS}, listed]


class StudySpec(_Strict):
    """A whole study, as written in ``study.yaml``."""

    study: str = Field(pattern=NAME_PATTERN)
    """the study's name, unique within a store"""
    description: str = ""
    """free text, kept with the study"""
    seed: int = Field(0, ge=0, le=MAX_SEED)
    """the master seed; every other seed derives from it and the cell's key"""
    imports: list[str] = Field(default_factory=list)
    """Python modules to import first (they register your models, datasets, metrics)"""
    datasets: list[DatasetSpec] = Field(min_length=1, json_schema_extra=_name_or_entry)
    """registered names, files, generated datasets, suites or collections"""
    models: list[ModelSpec] = Field(min_length=1, json_schema_extra=_name_or_entry)
    """registered names, or entries with fixed parameters and search-space changes"""
    budgets: list[Budget] = Field(default_factory=lambda: ["full"], min_length=1)  # type: ignore[arg-type]  # pydantic infers list[str]
    """training rows per cell: positive integers and/or full"""
    seeds: list[Annotated[int, Field(ge=0, le=MAX_SEED)]] = Field(
        default_factory=lambda: [0],
        min_length=1,
        max_length=MAX_SEEDS,
        json_schema_extra=_count_or_list,
    )
    """a count (3 means [0, 1, 2]) or a list of seeds; each re-splits the data"""
    split: SplitSpec = Field(default_factory=SplitSpec)
    """how each cell's test rows are chosen"""
    metrics: (
        list[MetricEntry]
        | dict[Literal["classification", "regression", "synthesis"], list[MetricEntry]]
        | None
    ) = Field(
        None,
        description="metric names, or entries with options such as "
        "{name: csmf_accuracy, csmf_method: probabilities}; per task as a mapping",
    )
    tuning: TuningSpec = Field(default_factory=TuningSpec)
    """how each cell is tuned"""
    execution: ExecutionSpec = Field(default_factory=ExecutionSpec)
    """where and how cells run"""
    storage: str | None = None
    """the store's URL (default sqlite:///bakeoff.db); a relative SQLite path starts from the study
    file's folder
    """
    artifacts: ArtifactsSpec = Field(default_factory=ArtifactsSpec)
    """what to keep besides the database"""

    @field_validator("datasets", "models", mode="before")
    @classmethod
    def _names_to_dicts(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"name": item} if isinstance(item, str) else item for item in value]
        return value

    @field_validator("metrics", mode="before")
    @classmethod
    def _metrics_shape(cls, value: Any) -> Any:
        if isinstance(value, str):
            raise ValueError(f"must be a list of metric names, e.g. [{value}], but got {value!r}")
        lists = value.values() if isinstance(value, dict) else [value]
        for entries in lists:
            for entry in entries if isinstance(entries, list) else []:
                if isinstance(entry, dict) and not isinstance(entry.get("name"), str):
                    raise ValueError(
                        f"a metric entry with options needs its `name`, e.g. {{name: "
                        f"csmf_accuracy, csmf_method: probabilities}}, but got {entry!r}"
                    )
        return value

    @field_validator("imports")
    @classmethod
    def _module_names(cls, value: list[str]) -> list[str]:
        for i, name in enumerate(value):
            if not re.fullmatch(MODULE_PATTERN, name):
                shown = name if len(name) <= 60 else f"{name[:59]}…"
                raise ValueError(
                    f"imports[{i}] must be a module name such as mypackage.models, but got "
                    f"{shown!r}; relative or empty names cannot be imported"
                )
        return value

    @field_validator("seeds", mode="before")
    @classmethod
    def _count_to_list(cls, value: Any) -> Any:
        if isinstance(value, bool):
            return value
        if isinstance(value, int):
            if value < 1 or value > MAX_SEEDS:
                shown = (
                    value
                    if abs(value) < 10**12
                    else f"{str(value)[:6]}… ({len(str(value))} digits)"
                )
                raise ValueError(
                    f"seeds must be a count from 1 to {MAX_SEEDS:,} or a list, but got {shown}"
                )
            return list(range(value))
        return value

    @field_validator("seeds")
    @classmethod
    def _distinct_seeds(cls, value: list[int]) -> list[int]:
        if len(set(value)) != len(value):
            raise ValueError(f"seeds must be distinct, but got {value}")
        return value

    @field_validator("budgets", mode="before")
    @classmethod
    def _check_budgets(cls, value: Any) -> Any:
        if not isinstance(value, list):
            return value
        for i, budget in enumerate(value):
            ok = budget == "full" or (
                isinstance(budget, int) and not isinstance(budget, bool) and budget > 0
            )
            if not ok:
                raise ValueError(
                    f'budgets[{i}] must be a positive int or "full", but got {budget!r}. '
                    f'Remove it, or use "full"'
                )
        if len({str(b) for b in value}) != len(value):
            raise ValueError(f"budgets must be distinct, but got {value}")
        return value

    @model_validator(mode="after")
    def _distinct_names(self) -> StudySpec:
        for what, names in (
            ("datasets", [d.name for d in self.datasets if d.name is not None]),
            ("models", [m.display_name for m in self.models]),
        ):
            repeated = sorted({n for n in names if names.count(n) > 1})
            if repeated:
                hint = " Give each a distinct `label`." if what == "models" else ""
                raise ValueError(f"{what} names must be distinct, but {repeated} repeat.{hint}")
        return self
