"""``bakeoff datasets``: list, filter and inspect datasets, suites and collections."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.text import Text

from bakeoff.cli._app import app, console
from bakeoff.cli._output import Format, frame_to_table, write_frame
from bakeoff.exceptions import SpecError

if TYPE_CHECKING:
    from bakeoff.datasets import Dataset, DatasetInfo

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
    """A listing row from the declared metadata.

    Loads the data only when some of that metadata is missing, never a generated dataset's:
    its size follows the study's settings, and generating its default may take minutes.
    """
    counts = {"rows": info.rows, "n_numeric": info.n_numeric, "n_categorical": info.n_categorical}
    if None in counts.values() and info.available and not info.takes_options:
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
    import pandas as pd

    from bakeoff import datasets as registry

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
        frame = frame[frame["rows"].notna() & (frame["rows"] >= min_rows)]
    if max_rows is not None:
        # A generated dataset's size follows its settings: no size filter keeps it.
        frame = frame[frame["rows"].notna() & (frame["rows"] <= max_rows)]
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
    import pandas as pd

    from bakeoff import datasets as registry

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
    name: str = typer.Argument(
        ..., help="A dataset name, or a CSV / TSV / Parquet file (then give --target)."
    ),
    collection: str | None = typer.Option(
        None, "--collection", "-c", help="The collection (name or folder) that holds it."
    ),
    target: str | None = typer.Option(
        None, "--target", "-t", help="For a file: its target column."
    ),
    task: Task | None = typer.Option(
        None, "--task", help="For a file: classification or regression (inferred if left out)."
    ),
    drop: list[str] = typer.Option(
        [], "--drop", help="For a file: a column to leave out (repeat for more)."
    ),
    types: list[str] = typer.Option(
        [], "--types", help="For a file: a column's kind, COLUMN=KIND (repeat for more)."
    ),
) -> None:
    """How a dataset is read: task, target, each column's kind and why, what is left out.

    Works on any file, with no study or collection: `bakeoff datasets show data.csv
    --target y`. Also prints the warnings `validate` would give, and the meta-features.
    """
    import pandas as pd

    from bakeoff import datasets as registry

    info: DatasetInfo | None = None
    if _is_file(name):
        if not target:
            raise SpecError(
                f"{name}: a file needs its target column: add --target COLUMN "
                f"(e.g. bakeoff datasets show {name} --target label)."
            )
        dataset = registry.load_file(
            Path(name),
            target=target,
            task=task.value if task else None,
            drop=list(drop),
            types=_parse_types(types),
        )
    elif collection is not None:
        found = registry.find_collection(collection, base_dir=Path.cwd())
        datasets = {d.name: d for d in found.load()}
        if name not in datasets:
            raise SpecError(
                f"collection '{found.name}' has no dataset '{name}'; it has: {', '.join(datasets)}."
            )
        dataset = datasets[name]
    else:
        info = registry.get_info(name)
        dataset = info.load()
    print_report(dataset, info)
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
            width=console.width,
        )
    )


def _is_file(name: str) -> bool:
    suffixes = (".csv", ".tsv", ".txt", ".parquet", ".pq")
    return Path(name).suffix.lower() in suffixes or Path(name).is_file()


def _parse_types(pairs: list[str]) -> dict[str, str]:
    parsed = {}
    for pair in pairs:
        column, sep, kind = pair.partition("=")
        if not sep or not column or not kind:
            raise SpecError(
                f"--types {pair}: write COLUMN=KIND, e.g. --types zip=categorical "
                f"(kinds: numeric, categorical, boolean, datetime, id)."
            )
        parsed[column] = kind
    return parsed


def print_report(dataset: Dataset, info: DatasetInfo | None = None) -> None:
    """The report of :func:`bakeoff.datasets.report`, with the metadata a listing has."""
    from bakeoff import datasets as registry

    found = registry.report(dataset)
    lines = found.lines()
    lines[1:1] = [
        f"description: {dataset.description or '(none)'}",
        f"licence: {dataset.license or 'not stated'}",
        f"citation: {dataset.citation or 'not stated'}",
        f"fingerprint: {dataset.fingerprint}",
    ]
    if info is not None:
        import inspect

        parameters = inspect.signature(info.loader).parameters.values()
        offered = [
            f"{p.name}={p.default!r}" if p.default is not p.empty else p.name
            for p in parameters
            if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
        ]
        if offered:
            lines.insert(5, "options (a study's `options:`): " + ", ".join(offered))
    declared = dict(info.types) if info is not None else dict(dataset.types)
    if declared:
        lines.append("declared kinds: " + ", ".join(f"{c}={k}" for c, k in declared.items()))
    console.print(Text("\n".join(lines)), highlight=False)
    console.print(
        frame_to_table(
            found.columns_frame(), title=f"Columns of {dataset.name}", width=console.width
        )
    )


def _plain(value: object) -> str:
    if value is None:
        return "-"
    number = float(value)  # type: ignore[arg-type]
    return f"{number:.0f}" if number.is_integer() else f"{number:.4g}"
