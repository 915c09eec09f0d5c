"""Turn a validated spec into a design: load data, look up names, check what needs both.

Everything that can be wrong with a study is found here, before the store is touched.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from bakeoff import datasets as dataset_registry
from bakeoff import metrics as metric_registry
from bakeoff import models as model_registry
from bakeoff._budget_checks import budget_problems
from bakeoff._optional import require_optional
from bakeoff._problems import Problems
from bakeoff._ray_tune_checks import check_scheduler, ray_tune_model_problem
from bakeoff._registry import import_named, suggest
from bakeoff.datasets import SYNTHESIS, Dataset, FeatureKind
from bakeoff.design import Cell, ResolvedModel, build_cells
from bakeoff.exceptions import BakeoffWarning, SpecError, UnknownNameError
from bakeoff.protocol._objectives import FIT_SECONDS
from bakeoff.spec import DatasetSpec, ModelSpec, StudySpec
from bakeoff.tuning import SearchSpace, make_pruner, make_sampler_factory, resolve_method

__all__ = ["DEFAULT_METRICS", "Resolution", "resolve"]

DEFAULT_METRICS = {
    "classification": ["accuracy", "f1_macro", "roc_auc_ovr"],
    "regression": ["rmse", "r2", "mae"],
    # Registered by the synthetic-data pack (bakeoff.packs.synthetic), which ships with
    # bakeoff; the first two are searched together unless tuning.objectives says otherwise.
    "synthesis": [
        "tstr",
        "quality_score",
        "trtr",
        "tstr_ratio",
        "column_shapes",
        "column_pair_trends",
        "dcr_ratio",
        "exact_copies",
    ],
}


@dataclass(frozen=True)
class Resolution:
    """A study ready to run."""

    spec: StudySpec
    datasets: dict[str, Dataset]
    models: list[ResolvedModel]
    metrics: dict[str, list[str]]
    n_trials: dict[str, int]
    cells: list[Cell]
    protocol: dict[str, Any]
    skipped_pairs: list[tuple[str, str]]
    #: Model label to (tuning method, why): ``auto`` resolved per model.
    methods: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: Dataset name to its fixed test positions (``leave_one_group_out``, ``kfold``).
    test_rows: dict[str, Any] = field(default_factory=dict)
    #: Dataset name to one group code per row (``kind: holdout`` with ``group``).
    groups: dict[str, Any] = field(default_factory=dict)


def resolve(spec: StudySpec, *, base_dir: Path) -> Resolution:
    """Check and load everything the spec names.

    Raises:
        SpecError: With the field path, the bad value and the fix.
    """
    problems = Problems()
    failed_imports: list[str] = []
    for i, module in enumerate(spec.imports):
        before = len(problems.errors)
        with problems.check():
            import_named(module, f"imports[{i}]", look_in=[base_dir, Path.cwd()])
        if len(problems.errors) > before:
            failed_imports.append(f"imports[{i}]")
    with problems.check():
        _check_sampler(spec)
    with problems.check():
        _check_pruner(spec)
    if spec.execution.backend == "ray":
        with problems.check():
            require_optional("ray", extra="ray", purpose="execution.backend: ray")
    if spec.tuning.method == "ray_tune":
        with problems.check():
            check_scheduler(spec.tuning.scheduler or "asha", spec.tuning.scheduler_options)
    datasets = _load_datasets(spec, base_dir, problems)
    test_rows: dict[str, Any] = {}
    if spec.split.kind == "leave_one_group_out":
        with problems.check():
            datasets, test_rows = _groups_held_out(spec, datasets)
    elif spec.split.kind == "kfold":
        with problems.check():
            datasets, test_rows = _folds_held_out(spec, datasets)
    groups: dict[str, Any] = {}
    if spec.split.kind == "holdout" and spec.split.group is not None:
        with problems.check():
            datasets, groups = _grouped(spec, datasets)
    _warn_about_datasets(datasets)
    tasks = sorted({str(d.task) for d in datasets.values()})
    models: list[ResolvedModel] = []
    n_trials: dict[str, int] = {}
    methods: dict[str, tuple[str, str]] = {}
    for i, entry in enumerate(spec.models):
        with problems.check():
            model = _resolve_model(i, entry, spec, tasks)
            methods[model.label] = _method_of(model, spec)
            if methods[model.label][0] == "ray_tune":
                ray_tune_model_problem(
                    i, model.label, model.model, model.space, spec.tuning.scheduler or "asha"
                )
            n_trials[model.label] = _trial_count(i, model, spec, methods[model.label][0])
            models.append(model)
    metrics: dict[str, list[str]] = {}
    with problems.check():
        metrics = _resolve_metrics(spec, tasks, datasets)
    with problems.check():
        metrics = _with_objectives(spec, metrics, datasets)
    for message in budget_problems(spec, datasets, test_rows, groups):
        problems.add(message)
    if failed_imports:
        _blame_failed_imports(problems, failed_imports)
    problems.raise_if_any()
    skipped = [
        (m.label, d.name)
        for d in datasets.values()
        for m in models
        if str(d.task) not in m.model.tasks
    ]
    cached: dict[tuple[str, str, str], dict[str, Any]] = {}
    if spec.tuning.params_from is not None:
        with problems.check():
            cached = _cached_params(spec, base_dir, models, list(datasets.values()))
    problems.raise_if_any()
    protocol = {
        "split": _split_key(spec),
        "tuning": _tuning_key(spec),
    }
    cells = []
    for model in models:
        model_protocol = protocol | {"n_trials": n_trials[model.label]}
        for dataset in datasets.values():
            for budget in spec.budgets:
                params = cached.get((model.label, dataset.name, str(budget)))
                cells += build_cells(
                    study_seed=spec.seed,
                    models=[_with_params(model, spec, params)],
                    datasets=[dataset],
                    budgets=[budget],
                    seeds=list(spec.seeds),
                    metrics=metrics,
                    protocol=model_protocol,
                )
    if not cells:
        pairs = ", ".join(f"{m} × {d}" for m, d in skipped)
        raise SpecError(
            f"the design is empty: no model handles the task of any dataset ({pairs}). "
            f"Add a model for each dataset's task (see: bakeoff models list)."
        )
    order = {name: i for i, name in enumerate(datasets)}
    budget_order = {str(b): i for i, b in enumerate(spec.budgets)}
    cells.sort(key=lambda c: (order[c.dataset], budget_order[str(c.budget)], c.seed))
    return Resolution(
        spec,
        datasets,
        models,
        metrics,
        n_trials,
        cells,
        protocol,
        skipped,
        methods,
        test_rows,
        groups,
    )


def _warn_about_datasets(datasets: dict[str, Dataset]) -> None:
    """Say what would otherwise go unnoticed: id-like categoricals, target leaks."""
    for dataset in datasets.values():
        for message in dataset_registry.dataset_warnings(dataset):
            warnings.warn(f"dataset '{dataset.name}': {message}", BakeoffWarning, stacklevel=4)


#: Tuning fields added after cell keys were first stored, with their defaults: left out
#: of the key while at the default, so that cells stored before they existed keep their
#: keys and are resumed.
_LATER_TUNING_FIELDS: dict[str, Any] = {
    "trial_timeout": None,
    "trial_memory": None,
    "pruner": "none",
    "pruner_options": {},
    "objectives": None,
    "selection": None,
    "weights": {},
    "patience": None,
    "min_delta": 0.0,
    "parallel_trials": 1,
    "warm_start": "none",
    "scheduler": None,
    "scheduler_options": {},
}


def _tuning_key(spec: StudySpec) -> dict[str, Any]:
    tuning = spec.tuning.model_dump()
    for name, default in _LATER_TUNING_FIELDS.items():
        if name in tuning and tuning[name] == default:
            del tuning[name]
    # The file's parameters enter each cell's key as fixed parameters; where the file
    # lies does not determine a result.
    del tuning["params_from"]
    return tuning


def _method_of(model: ResolvedModel, spec: StudySpec) -> tuple[str, str]:
    """The model's tuning method, with ``auto`` resolved for its space, and why."""
    tuning = spec.tuning
    if not model.space:
        return "none", "the model has nothing to tune"
    try:
        grid_size: int | None = model.space.grid_size()
    except ValueError:
        grid_size = None
    return resolve_method(
        tuning.method,
        n_objectives=len(tuning.objectives or [None]),
        n_trials=tuning.n_trials,
        grid_size=grid_size,
    )


def _check_pruner(spec: StudySpec) -> None:
    """Build the pruner once, so that bad ``pruner_options`` fail here, not in a cell."""
    tuning = spec.tuning
    try:
        make_pruner(tuning.pruner, tuning.pruner_options, n_steps=tuning.cv)
    except (TypeError, ValueError) as exc:
        given = ", ".join(sorted(map(str, tuning.pruner_options))) or "none"
        raise SpecError(
            f"tuning.pruner_options: the '{tuning.pruner}' pruner refuses them ({given}): "
            f"{str(exc)[:200]}. Fix or remove them (see Optuna's documentation of the pruner)"
        ) from None


def _with_objectives(
    spec: StudySpec, metrics: dict[str, list[str]], datasets: dict[str, Dataset]
) -> dict[str, list[str]]:
    """Check ``tuning.objectives``; the scored objectives lead each task's metrics.

    The first metric is the study's primary one (the search's objective by default),
    so the objectives come first, in their order, followed by the other metrics.
    """
    objectives = spec.tuning.objectives
    if objectives is None:
        return metrics
    result = {}
    for task, names in metrics.items():
        for i, name in enumerate(objectives):
            if name == FIT_SECONDS:
                continue
            try:
                metric = metric_registry.get(name)
            except UnknownNameError as exc:
                raise UnknownNameError(
                    f"tuning.objectives[{i}]: {exc} (or {FIT_SECONDS}, the cost of fitting)"
                ) from None
            if task not in metric.tasks:
                example = next(d for d in datasets.values() if d.task == task)
                raise SpecError(
                    f"tuning.objectives[{i}]: metric '{name}' does not apply to {task} "
                    f"(dataset '{example.name}'). Keep the study to one task, or choose "
                    f"objectives that apply to every task"
                )
        if objectives == [FIT_SECONDS]:
            raise SpecError(
                f"tuning.objectives: {FIT_SECONDS} alone would pick the fastest model "
                f"whatever its score; add a metric, e.g. [{names[0]}, {FIT_SECONDS}]"
            )
        scored = [n for n in objectives if n != FIT_SECONDS]
        result[task] = scored + [n for n in names if n not in scored]
    return result


def _cached_params(
    spec: StudySpec, base_dir: Path, models: list[ResolvedModel], datasets: list[Dataset]
) -> dict[tuple[str, str, str], dict[str, Any]]:
    """Each tuned (model, dataset, budget)'s parameters from ``tuning.params_from``.

    Raises:
        SpecError: Naming every combination the file lacks, at once.
    """
    from bakeoff._params_file import read_params

    assert spec.tuning.params_from is not None
    path = Path(spec.tuning.params_from).expanduser()
    cache = read_params(path if path.is_absolute() else base_dir / path)
    found: dict[tuple[str, str, str], dict[str, Any]] = {}
    missing: list[str] = []
    for index, entry in enumerate(spec.models):
        model = next(m for m in models if m.label == entry.display_name)
        if not entry.tune:
            continue  # `tune: false` runs the defaults, whatever the file says
        for dataset in datasets:
            if str(dataset.task) not in model.model.tasks:
                continue
            for budget in spec.budgets:
                cached = cache.lookup(model.label, dataset.name, budget)
                if cached is None:
                    missing.append(f"{model.label} × {dataset.name} × {budget}")
                    continue
                named = cached.get("model_name", model.model.name)
                if named != model.model.name:
                    raise SpecError(
                        f"tuning.params_from: '{cache.path}' holds parameters of model "
                        f"'{named}' for '{model.label}' × {dataset.name} × {budget}, but "
                        f"models[{index}] is '{model.model.name}'. Give the model the label "
                        f"its parameters were exported under, or export them again"
                    )
                params = dict(cached["params"])
                accepted = model.model.param_names(str(dataset.task))
                unknown = sorted(set(params) - set(accepted)) if accepted is not None else []
                if unknown:
                    raise SpecError(
                        f"tuning.params_from: '{cache.path}' gives '{model.label}' × "
                        f"{dataset.name} × {budget} the parameter '{unknown[0]}', which "
                        f"model '{model.model.name}' does not take. Export the file again "
                        f"from a study of this model"
                    )
                found[(model.label, dataset.name, str(budget))] = params
    if missing:
        shown = ", ".join(missing[:10]) + (
            f" and {len(missing) - 10} more" if len(missing) > 10 else ""
        )
        raise SpecError(
            f"tuning.params_from: '{cache.path}' (from study '{cache.study}') has no "
            f"parameters for {len(missing)} (model, dataset, budget) of this study: {shown}. "
            f"Export them from a study that tuned these, or leave them out of this study"
        )
    return found


def _with_params(
    model: ResolvedModel, spec: StudySpec, params: dict[str, Any] | None
) -> ResolvedModel:
    """``model`` with a cached configuration over its defaults; its own ``params`` win."""
    if params is None:
        return model
    entry = next(m for m in spec.models if m.display_name == model.label)
    return replace(model, fixed_params={**model.fixed_params, **params, **entry.params})


def _blame_failed_imports(problems: Problems, failed: list[str]) -> None:
    """Say of each unknown name that a module which failed to import may register it."""
    named = " and ".join(failed)
    for i, error in enumerate(problems.errors):
        if isinstance(error, UnknownNameError):
            problems.errors[i] = UnknownNameError(
                f"{error} ({named} failed above, and may be what registers it.)"
            )


def _check_sampler(spec: StudySpec) -> None:
    """Build the sampler once, so that bad ``sampler_options`` fail here, not in a cell."""
    tuning = spec.tuning
    if tuning.method == "cmaes" and len(tuning.objectives or []) > 1:
        raise SpecError(
            f"tuning.method: cmaes cannot search several objectives ({tuning.objectives}): "
            f"Optuna's CmaEsSampler is single-objective. Use method: nsga2 or tpe, or keep "
            f"one objective"
        )
    if tuning.method == "auto":
        if tuning.sampler_options:
            raise SpecError(
                "tuning.sampler_options: method auto picks the sampler per model, so "
                "options for one sampler cannot be given. Name the method, or remove them"
            )
        return
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            make_sampler_factory(tuning.method, cell_seed=0, options=tuning.sampler_options)(0)
    except (TypeError, ValueError) as exc:
        given = ", ".join(sorted(map(str, tuning.sampler_options))) or "none"
        raise SpecError(
            f"tuning.sampler_options: the '{tuning.method}' sampler refuses them ({given}): "
            f"{str(exc)[:200]}. Fix or remove them (see Optuna's documentation of the sampler)"
        ) from None


def _split_key(spec: StudySpec) -> dict[str, Any]:
    # Split settings at their defaults stay out of the keys, which are then those of
    # releases before they existed.
    split = spec.split.model_dump()
    defaults = type(spec.split)().model_dump()
    return {k: v for k, v in split.items() if k == "test_size" or v != defaults[k]}


def _folds_held_out(
    spec: StudySpec, datasets: dict[str, Dataset]
) -> tuple[dict[str, Dataset], dict[str, Any]]:
    """One dataset per outer fold: that fold's rows are its test rows."""
    from bakeoff._seeding import derive_seed
    from bakeoff.protocol import outer_folds

    k = spec.split.folds
    expanded: dict[str, Dataset] = {}
    test_rows: dict[str, Any] = {}
    for dataset in datasets.values():
        if dataset.n_rows < k:
            raise SpecError(
                f"split.folds: dataset '{dataset.name}' has {dataset.n_rows} rows, fewer "
                f"than {k} folds. Lower split.folds."
            )
        # Fixed by the study's seed and the data, so every cell seed meets the same folds.
        folds = outer_folds(
            dataset.y.to_numpy(),
            n_splits=k,
            seed=derive_seed(spec.seed, dataset.fingerprint, "outer-folds"),
            stratify=dataset.target_task == "classification",
        )
        for i, rows in enumerate(folds, start=1):
            name = f"{dataset.name}.fold{i}"
            expanded[name] = replace_dataset(
                dataset,
                name=name,
                description=f"{dataset.description} (test: fold {i} of {k})".strip(),
            )
            test_rows[name] = rows
    return expanded, test_rows


def _grouped(
    spec: StudySpec, datasets: dict[str, Dataset]
) -> tuple[dict[str, Dataset], dict[str, Any]]:
    """Each dataset without its ``split.group`` column, and that column's codes per row."""
    import pandas as pd

    group = spec.split.group
    assert group is not None
    kept: dict[str, Dataset] = {}
    codes: dict[str, Any] = {}
    for dataset in datasets.values():
        values = _group_column(dataset, group)
        if values.nunique() < 2:
            raise SpecError(
                f"split.group: column '{group}' of dataset '{dataset.name}' has one value; "
                f"holding out groups needs at least two. Remove `group`."
            )
        kept[dataset.name] = replace_dataset(
            dataset,
            drop=_still_there(dataset, [*dataset.drop, group]),
            types={k: v for k, v in dataset.types.items() if k != group},
        )
        codes[dataset.name] = pd.factorize(values, sort=True)[0]
    return kept, codes


def _still_there(dataset: Dataset, columns: list[str]) -> list[str]:
    """The columns a rebuilt dataset may drop: its frame lost its earlier drops already."""
    return [c for c in columns if c in dataset.frame.columns]


def _group_column(dataset: Dataset, group: str) -> Any:
    if group not in dataset.frame.columns:
        columns = ", ".join(str(c) for c in list(dataset.frame.columns)[:12])
        raise SpecError(
            f"split.group: dataset '{dataset.name}' has no column '{group}' to hold out "
            f"(its columns: {columns}{', …' if dataset.frame.shape[1] > 12 else ''}). "
            f"Name a column of every dataset, or remove `group`."
        )
    values = dataset.frame[group]
    if values.isna().any():
        raise SpecError(
            f"split.group: column '{group}' of dataset '{dataset.name}' has "
            f"{int(values.isna().sum())} missing values; every row needs a group. Fill "
            f"or drop them."
        )
    return values


def _groups_held_out(
    spec: StudySpec, datasets: dict[str, Dataset]
) -> tuple[dict[str, Dataset], dict[str, Any]]:
    """One dataset per value of ``split.group``: its rows are the test rows."""
    import numpy as np

    group = spec.split.group
    assert group is not None
    expanded: dict[str, Dataset] = {}
    test_rows: dict[str, Any] = {}
    for dataset in datasets.values():
        values = _group_column(dataset, group)
        levels = sorted(values.unique().tolist(), key=str)
        if len(levels) < 2:
            raise SpecError(
                f"split.group: column '{group}' of dataset '{dataset.name}' has one value "
                f"({levels[0]!r}); leaving a group out needs at least two. Use kind: holdout."
            )
        for level in levels:
            name = f"{dataset.name}.{_name_part(level)}"
            held_out = replace_dataset(
                dataset,
                name=name,
                description=f"{dataset.description} (test: {group} {level})".strip(),
                drop=_still_there(dataset, [*dataset.drop, group]),
                types={k: v for k, v in dataset.types.items() if k != group},
            )
            rows = np.flatnonzero((values == level).to_numpy())
            if held_out.n_rows != dataset.n_rows:  # the rows must line up with the group's
                raise SpecError(f"split.group: dataset '{name}' lost rows when built")
            expanded[name] = held_out
            test_rows[name] = rows
    return expanded, test_rows


def _name_part(value: Any) -> str:
    text = re.sub(r"[^A-Za-z0-9_.\-]+", "_", str(value)).strip("_.-")
    return text or "group"


def replace_dataset(dataset: Dataset, **changes: Any) -> Dataset:
    """A copy of ``dataset`` built again with some of its arguments changed."""
    arguments = {
        "name": dataset.name,
        "frame": dataset.frame,
        "target": dataset.target,
        "task": dataset.task,
        "description": dataset.description,
        "source": dataset.source,
        "drop": list(dataset.drop),
        "types": dict(dataset.types),
        "license": dataset.license,
        "citation": dataset.citation,
    }
    return Dataset(**(arguments | changes))


def _load_datasets(spec: StudySpec, base_dir: Path, problems: Problems) -> dict[str, Dataset]:
    """Every dataset the spec names, with suites and collections expanded in place."""
    datasets: dict[str, Dataset] = {}
    origin: dict[str, str] = {}
    for index, entry in enumerate(spec.datasets):
        field = f"datasets[{index}]"
        loaded: list[Dataset] = []
        with problems.check():
            loaded = _load_entry(field, entry, base_dir)
        for dataset in loaded:
            if dataset.name in datasets:
                problems.add(
                    f"{field}: dataset '{dataset.name}' is already in the study (from "
                    f"{origin[dataset.name]}). Remove one, or leave it out of the group "
                    f"with `exclude: [{dataset.name}]`."
                )
                continue
            datasets[dataset.name] = dataset
            origin[dataset.name] = field
    return datasets


def _load_entry(field: str, entry: DatasetSpec, base_dir: Path) -> list[Dataset]:
    loaded = _load_tables(field, entry, base_dir)
    if entry.task == SYNTHESIS:
        return [dataset.for_synthesis() for dataset in loaded]
    return loaded


def _load_tables(field: str, entry: DatasetSpec, base_dir: Path) -> list[Dataset]:
    if entry.suite is not None:
        try:
            members = dataset_registry.suite_members(entry.suite)
        except UnknownNameError as exc:
            raise UnknownNameError(f"{field}.suite: {exc}") from None
        _check_excluded(field, entry, members)
        return [
            _load_named(f"{field} (suite '{entry.suite}')", name)
            for name in members
            if name not in entry.exclude
        ]
    if entry.collection is not None:
        try:
            collection = dataset_registry.find_collection(entry.collection, base_dir=base_dir)
            _check_excluded(field, entry, [e.name for e in collection.entries])
            loaded = collection.load()
        except SpecError as exc:
            raise type(exc)(f"{field}.collection: {exc}") from None
        return [d for d in loaded if d.name not in entry.exclude]
    assert entry.name is not None  # the spec's validator guarantees it
    if entry.path is None:  # _load_named names the field in its errors
        return [
            _load_named(
                field, entry.name, drop=entry.drop, types=entry.types, options=entry.options
            )
        ]
    try:
        path = Path(entry.path)
        if not path.is_absolute():
            path = base_dir / path
        return [
            dataset_registry.load_file(
                path,
                target=entry.target or "",
                name=entry.name,
                task=entry.task,
                drop=list(entry.drop),
                types=dict(entry.types),
                description=entry.description,
                license=entry.license,
                citation=entry.citation,
                reader=entry.reader,
                reader_options=entry.reader_options,
            )
        ]
    except SpecError as exc:
        raise type(exc)(f"{field}: {exc}") from None


def _load_named(
    field: str,
    name: str,
    *,
    drop: list[str] | None = None,
    types: dict[str, FeatureKind] | None = None,
    options: dict[str, Any] | None = None,
) -> Dataset:
    """A registered dataset, with the study's extra ``drop``, ``types`` and ``options``."""
    try:
        info = dataset_registry.get_info(name)
        if drop or types:
            info = replace(
                info, drop=(*info.drop, *(drop or [])), types={**info.types, **(types or {})}
            )
        return info.load(options)
    except UnknownNameError as exc:
        raise UnknownNameError(
            f"{field}: {exc} To use a file instead, write "
            f"{{name: {name}, path: <file>, target: <column>}}."
        ) from None
    except SpecError as exc:
        raise type(exc)(f"{field}: {exc}") from None


def _check_excluded(field: str, entry: DatasetSpec, members: list[str]) -> None:
    for name in entry.exclude:
        if name not in members:
            raise SpecError(
                f"{field}.exclude: '{name}' is not in this group.{suggest(name, members)} "
                f"Its datasets are: {', '.join(members)}."
            )


def _resolve_model(
    index: int, entry: ModelSpec, spec: StudySpec, tasks: list[str]
) -> ResolvedModel:
    field = f"models[{index}]"
    try:
        model = model_registry.get(entry.name)
    except UnknownNameError as exc:
        raise UnknownNameError(f"{field}.name: {exc}") from None
    if model.needs_extra is not None:
        module, extra = model.needs_extra
        require_optional(module, extra=extra, purpose=f"{field}: model '{model.name}'")
    fixed = model.default_params() | entry.params
    _check_param_names(field, entry, model, tasks)
    try:
        model.check_params(fixed, runs_here=spec.execution.backend == "local")
    except ValueError as exc:
        raise SpecError(f"{field}.params: {exc}") from None
    if entry.tune and spec.tuning.method != "none":
        try:  # checked on first use, not when the model registered (models/_base.py)
            model_registry.checked_search_space(model)
        except SpecError as exc:
            raise SpecError(f"{field}.name: {exc}") from None
    try:
        space = (
            _final_space(model.search_space(), entry.search_space, fixed)
            if entry.tune and spec.tuning.method != "none"
            else SearchSpace()  # no search: one trial with the defaults
        )
    except ValueError as exc:
        raise SpecError(f"{field}.search_space: {exc}") from None
    return ResolvedModel(entry.display_name, model, fixed, space)


def _check_param_names(field: str, entry: ModelSpec, model: Any, tasks: list[str]) -> None:
    """Every fixed or searched name must be one the estimator itself lists, per task."""
    for task in [t for t in tasks if t in model.tasks] or list(model.tasks[:1]):
        accepted = model.param_names(task)
        if accepted is None:
            return
        for where, names in (("params", entry.params), ("search_space", entry.search_space)):
            for name in names:
                if name not in accepted:
                    on_task = f" on {task}" if len(model.tasks) > 1 else ""
                    raise SpecError(
                        f"{field}.{where}.{name}: model '{entry.name}' takes no parameter "
                        f"'{name}'{on_task}.{suggest(name, sorted(accepted))} "
                        f"See: bakeoff models show {entry.name}"
                    )


def _final_space(
    default: SearchSpace, overrides: dict[str, Any], fixed: dict[str, Any]
) -> SearchSpace:
    """Default space with overrides, minus fixed params and what they switch off."""
    merged: dict[str, Any] = dict(default.items()) | dict(overrides)
    final: dict[str, Any] = {}
    for name, param in merged.items():
        if name in fixed:
            continue
        condition = param.when or {}
        fixed_parents = {p: v for p, v in condition.items() if p in fixed}
        if any(fixed[p] not in allowed for p, allowed in fixed_parents.items()):
            continue  # switched off by a fixed value
        if fixed_parents:
            rest = {p: v for p, v in condition.items() if p not in fixed}
            param = param.model_copy(update={"when": rest or None})
        final[name] = param
    return SearchSpace(final)


def _trial_count(index: int, model: ResolvedModel, spec: StudySpec, method: str) -> int:
    if method == "none" or not model.space:
        return 1
    if method == "grid":
        try:
            return min(spec.tuning.n_trials, model.space.grid_size())
        except ValueError as exc:
            raise SpecError(f"models[{index}].search_space: {exc}") from None
    return spec.tuning.n_trials


def _resolve_metrics(
    spec: StudySpec, tasks: list[str], datasets: dict[str, Dataset]
) -> dict[str, list[str]]:
    if spec.metrics is None:
        return {task: DEFAULT_METRICS[task] for task in tasks}
    entries: dict[str, list[str | dict[str, str]]]
    if isinstance(spec.metrics, dict):
        entries = {str(task): list(names) for task, names in spec.metrics.items()}
    else:
        entries = {task: list(spec.metrics) for task in tasks}
    per_task: dict[str, list[str]] = {}
    for task, listed in entries.items():
        if not listed:
            raise SpecError(f"metrics.{task}: list at least one metric")
        per_task[task] = []
        for i, entry in enumerate(listed):
            field = f"metrics[{i}]" if isinstance(spec.metrics, list) else f"metrics.{task}[{i}]"
            name = _metric_name(entry, field)
            metric = metric_registry.get(name)
            if task in tasks and task not in metric.tasks:
                example = next(d for d in datasets.values() if d.task == task)
                raise SpecError(
                    f"{field}: metric '{name}' does not apply to {task} (dataset "
                    f"'{example.name}'). Give metrics per task, e.g. metrics: "
                    f"{{classification: [accuracy], regression: [rmse]}}"
                )
            for dataset in datasets.values():
                if dataset.task != task:
                    continue
                missing = [c for c in metric.columns if c not in dataset.X.columns]
                if missing:
                    raise SpecError(
                        f"{field}: metric '{name}' reads the feature(s) "
                        f"{', '.join(missing)}, which dataset '{dataset.name}' does not have "
                        f"(its features: {', '.join(map(str, list(dataset.X.columns)[:10]))}"
                        f"{', …' if dataset.X.shape[1] > 10 else ''}). Remove the metric or "
                        f"give metrics per task"
                    )
            per_task[task].append(name)
    for task in tasks:
        per_task.setdefault(task, DEFAULT_METRICS[task])
    return {task: per_task[task] for task in tasks}


def _metric_name(entry: str | dict[str, str], field: str) -> str:
    """The registered name a metrics entry stands for (its options pick a variant)."""
    if isinstance(entry, str):
        name, options = entry, {}
    else:
        options = {k: v for k, v in entry.items() if k != "name"}
        name = entry["name"]
    try:
        metric = metric_registry.get(name)
    except UnknownNameError as exc:
        raise UnknownNameError(f"{field}: {exc}") from None
    try:
        return metric.variant(options)
    except ValueError as exc:
        raise SpecError(f"{field}: {exc}") from None
