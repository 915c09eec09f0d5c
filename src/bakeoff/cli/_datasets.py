"""``bakeoff datasets``: list, filter and inspect datasets, suites and collections."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import pandas as pd
import typer
from rich.text import Text

from bakeoff import datasets as registry
from bakeoff.cli._app import app, console
from bakeoff.cli._output import Format, frame_to_table, write_frame
from bakeoff.datasets import Dataset, DatasetInfo
from bakeoff.exceptions import SpecError

__all__ = ["datasets_app"]

datasets_app = typer.Typer(
    help="List the datasets (filter by task, size, mixed types, suite, collection), "
    "show one, or list the suites.",
    no_args_is_help=True,
)
app.add_typer(datasets_app, name="datasets")

#: At least this many categorical and this many numeric features make a table "mixed".
MIXED_MINIMUM = 2


class Task(str, Enum):
    classification = "classification"
    regression = "regression"


def _row(info: DatasetInfo) -> dict[str, object]:
    """A listing row from the declared metadata; loads the data only when it is missing."""
    counts = {"rows": info.rows, "n_numeric": info.n_numeric, "n_categorical": info.n_categorical}
    if None in counts.values() and info.available:
        counts = _counts(info.load())
    return {
        "name": info.name,
        "task": info.task,
        **counts,
        "mixed": _mixed(counts["n_numeric"], counts["n_categorical"]),
        "target": info.target,
        "source": info.source,
        "package": info.package or "",
        "available": info.available,
        "extra": info.extra or "",
        "license": info.license,
        "description": info.description,
    }


def _dataset_row(dataset: Dataset) -> dict[str, object]:
    """A listing row of a loaded dataset (a collection's)."""
    counts = _counts(dataset)
    return {
        "name": dataset.name,
        "task": dataset.task,
        **counts,
        "mixed": _mixed(counts["n_numeric"], counts["n_categorical"]),
        "target": dataset.target,
        "source": dataset.source,
        "package": "",
        "available": True,
        "extra": "",
        "license": dataset.license,
        "description": dataset.description,
    }


def _counts(dataset: Dataset) -> dict[str, int | None]:
    return {
        "rows": dataset.n_rows,
        "n_numeric": len(dataset.columns_of("numeric", "datetime")),
        "n_categorical": len(dataset.categorical_columns),
    }


def _mixed(n_numeric: int | None, n_categorical: int | None) -> bool | None:
    if n_numeric is None or n_categorical is None:
        return None
    return n_numeric >= MIXED_MINIMUM and n_categorical >= MIXED_MINIMUM


@datasets_app.command("list")
def datasets_list(
    task: Task | None = typer.Option(None, "--task", "-t", help="Only this task kind."),
    min_rows: int | None = typer.Option(None, "--min-rows", help="Only tables this large."),
    max_rows: int | None = typer.Option(None, "--max-rows", help="Only tables this small."),
    mixed: bool = typer.Option(
        False,
        "--mixed",
        help="Only mixed-type tables (at least 2 categorical or boolean and 2 numeric features).",
    ),
    suite: str | None = typer.Option(None, "--suite", "-s", help="Only this suite's datasets."),
    collection: str | None = typer.Option(
        None, "--collection", "-c", help="List a collection (a registered name or a folder)."
    ),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table, csv or json."),
) -> None:
    """The datasets with their task, size, feature kinds, target, source and licence."""
    if collection is not None:
        found = registry.find_collection(collection, base_dir=Path.cwd())
        rows = [_dataset_row(d) for d in found.load()]
    else:
        infos = registry.list_datasets()
        if suite is not None:
            infos = [registry.get_info(name) for name in registry.suite_members(suite)]
        rows = [_row(info) for info in infos]
    frame = pd.DataFrame(rows)
    if task is not None:
        frame = frame[frame["task"] == task.value]
    if min_rows is not None:
        frame = frame[frame["rows"].fillna(0) >= min_rows]
    if max_rows is not None:
        frame = frame[frame["rows"].fillna(0) <= max_rows]
    if mixed:
        frame = frame[frame["mixed"].fillna(False).astype(bool)]
    if fmt == Format.table:
        # The terminal table keeps the short columns; csv and json carry everything.
        frame = frame.drop(columns=["license", "extra", "source", "description"])
    write_frame(frame.reset_index(drop=True), fmt, None, title="Datasets")


@datasets_app.command("suites")
def datasets_suites(
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table, csv or json."),
) -> None:
    """The named suites a study can use as ``- suite: NAME``."""
    frame = pd.DataFrame(
        [
            {
                "name": suite.name,
                "datasets": len(registry.suite_members(suite.name)),
                "description": suite.description,
                "members": ", ".join(registry.suite_members(suite.name)),
            }
            for suite in registry.list_suites()
        ]
    )
    write_frame(frame, fmt, None, title="Suites")


@datasets_app.command("show")
def datasets_show(
    name: str = typer.Argument(..., help="A dataset name."),
    collection: str | None = typer.Option(
        None, "--collection", "-c", help="The collection (name or folder) that holds it."
    ),
) -> None:
    """A dataset's metadata, fingerprint, per-column summary and meta-features."""
    if collection is not None:
        found = registry.find_collection(collection, base_dir=Path.cwd())
        datasets = {d.name: d for d in found.load()}
        if name not in datasets:
            raise SpecError(
                f"collection '{found.name}' has no dataset '{name}'; it has: {', '.join(datasets)}."
            )
        dataset, info = datasets[name], None
    else:
        info = registry.get_info(name)
        dataset = info.load()
    _print_metadata(dataset, info)
    console.print(frame_to_table(_column_summary(dataset), title="Columns"))
    meta = registry.meta_features(dataset)
    console.print(
        frame_to_table(
            pd.DataFrame(
                {
                    "meta-feature": list(meta),
                    "value": [_plain(v) for v in meta.values()],
                    "meaning": [registry.META_FEATURES[k] for k in meta],
                }
            ),
            title="Meta-features",
        )
    )


def _print_metadata(dataset: Dataset, info: DatasetInfo | None) -> None:
    lines = [
        f"{dataset.name}: {dataset.description or '(no description)'}",
        f"task: {dataset.task}; target: {dataset.target}; rows: {dataset.n_rows}; "
        f"features: {dataset.n_features}",
        f"source: {dataset.source}",
        f"licence: {dataset.license or 'not stated'}",
        f"citation: {dataset.citation or 'not stated'}",
        f"fingerprint: {dataset.fingerprint}",
    ]
    dropped = list(info.drop) if info is not None else list(dataset.drop)
    if dropped:
        lines.append(f"dropped (leak or identifier): {', '.join(dropped)}")
    declared = dict(info.types) if info is not None else dict(dataset.types)
    if declared:
        lines.append("declared kinds: " + ", ".join(f"{c}={k}" for c, k in declared.items()))
    if dataset.task == "classification":
        counts = dataset.y.value_counts()
        lines.append("classes: " + ", ".join(f"{k} ({v})" for k, v in counts.items()))
    console.print(Text("\n".join(lines)), highlight=False)


def _column_summary(dataset: Dataset) -> pd.DataFrame:
    frame = dataset.frame
    return pd.DataFrame(
        {
            "column": frame.columns,
            "dtype": [str(t) for t in frame.dtypes],
            "kind": ["target" if c == dataset.target else dataset.feature_kinds[c] for c in frame],
            "missing": frame.isna().sum().to_numpy(),
            "distinct": frame.nunique().to_numpy(),
        }
    )


def _plain(value: object) -> str:
    if value is None:
        return "-"
    number = float(value)  # type: ignore[arg-type]
    return f"{number:.0f}" if number.is_integer() else f"{number:.4g}"
