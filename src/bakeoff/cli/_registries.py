"""``bakeoff models``, ``datasets`` and ``metrics``: what is registered, and details."""

from __future__ import annotations

import contextlib
import json

import pandas as pd
import typer
from rich.table import Table

from bakeoff import datasets as dataset_registry
from bakeoff import metrics as metric_registry
from bakeoff import models as model_registry
from bakeoff.cli._app import app, console
from bakeoff.cli._output import Format, frame_to_table, write_frame

models_app = typer.Typer(
    help="List the registered models, or show one's search space.", no_args_is_help=True
)
datasets_app = typer.Typer(
    help="List the registered datasets, or show one's columns.", no_args_is_help=True
)
metrics_app = typer.Typer(help="List the registered metrics, or show one.", no_args_is_help=True)
app.add_typer(models_app, name="models")
app.add_typer(datasets_app, name="datasets")
app.add_typer(metrics_app, name="metrics")

FORMAT = typer.Option(Format.table, "--format", "-f", help="table, csv or json.")


@models_app.command("list")
def models_list(fmt: Format = FORMAT) -> None:
    """Every registered model with its tasks and search-space size."""
    frame = pd.DataFrame(
        [
            {
                "name": m.name,
                "tasks": ", ".join(m.tasks),
                "parameters": ", ".join(m.search_space()),
                "description": m.description,
            }
            for m in model_registry.list_models()
        ]
    )
    write_frame(frame, fmt, None, title="Models")


@models_app.command("show")
def models_show(name: str = typer.Argument(..., help="A model name.")) -> None:
    """A model's tasks, fixed parameters and default search space (with grid values)."""
    model = model_registry.get(name)
    console.print(f"[bold]{model.name}[/]: {model.description}", highlight=False)
    console.print(f"tasks: {', '.join(model.tasks)}; scaled inputs: {model.needs_scaling}")
    console.print(f"fixed parameters: {json.dumps(model.default_params())}", highlight=False)
    table = Table(title="Default search space")
    for column in ("parameter", "type", "range or choices", "log", "grid", "when"):
        table.add_column(column)
    space = model.search_space()
    for param_name, param in space.items():
        if param.type == "categorical":
            span = json.dumps(param.choices)
            log = ""
        else:
            span = f"[{param.low}, {param.high}]"
            log = "yes" if param.log else ""
        grid = param.grid_values()
        table.add_row(
            param_name,
            param.type,
            span,
            log,
            json.dumps(grid) if grid is not None else "(none)",
            json.dumps(param.when) if param.when else "",
        )
    console.print(table)
    with contextlib.suppress(ValueError):  # no grid: nothing to say
        console.print(f"grid size (method: grid): {space.grid_size()} configurations")


@datasets_app.command("list")
def datasets_list(fmt: Format = FORMAT) -> None:
    """Every registered dataset with its task, size and target."""
    rows = []
    for info in dataset_registry.list_datasets():
        dataset = info.load()
        rows.append(
            {
                "name": info.name,
                "task": dataset.task,
                "rows": dataset.n_rows,
                "features": dataset.n_features,
                "n_categorical": len(dataset.categorical_columns),
                "target": dataset.target,
                "source": info.source,
                "description": info.description,
            }
        )
    write_frame(pd.DataFrame(rows), fmt, None, title="Datasets")


@datasets_app.command("show")
def datasets_show(name: str = typer.Argument(..., help="A dataset name.")) -> None:
    """A dataset's metadata, fingerprint, per-column summary and meta-features."""
    info = dataset_registry.get_info(name)
    dataset = info.load()
    console.print(f"[bold]{name}[/]: {info.description}", highlight=False)
    console.print(
        f"task: {dataset.task}; target: {dataset.target}; rows: {dataset.n_rows}; "
        f"features: {dataset.n_features}\nsource: {info.source}\n"
        f"fingerprint: {dataset.fingerprint}",
        highlight=False,
    )
    if dataset.task == "classification":
        counts = dataset.y.value_counts()
        console.print(
            "classes: " + ", ".join(f"{k} ({v})" for k, v in counts.items()), highlight=False
        )
    frame = dataset.frame
    summary = pd.DataFrame(
        {
            "column": frame.columns,
            "dtype": [str(t) for t in frame.dtypes],
            "kind": [
                "target"
                if c == dataset.target
                else ("categorical" if c in dataset.categorical_columns else "numeric")
                for c in frame.columns
            ],
            "missing": frame.isna().sum().to_numpy(),
            "distinct": frame.nunique().to_numpy(),
        }
    )
    console.print(frame_to_table(summary, title="Columns"))
    meta = dataset_registry.meta_features(dataset)
    console.print(
        frame_to_table(
            pd.DataFrame(
                {
                    "meta-feature": list(meta),
                    "value": [_plain(v) for v in meta.values()],
                    "meaning": [dataset_registry.META_FEATURES[k] for k in meta],
                }
            ),
            title="Meta-features",
        )
    )


def _plain(value: object) -> str:
    if value is None:
        return "-"
    number = float(value)  # type: ignore[arg-type]
    return f"{number:.0f}" if number.is_integer() else f"{number:.4g}"


@metrics_app.command("list")
def metrics_list(fmt: Format = FORMAT) -> None:
    """Every registered metric with its direction and the tasks it applies to."""
    frame = pd.DataFrame(
        [
            {
                "name": m.name,
                "direction": m.direction,
                "needs_proba": m.needs_proba,
                "tasks": ", ".join(m.tasks),
                "description": m.description,
            }
            for m in metric_registry.list_metrics()
        ]
    )
    write_frame(frame, fmt, None, title="Metrics")


@metrics_app.command("show")
def metrics_show(name: str = typer.Argument(..., help="A metric name.")) -> None:
    """A metric's direction, probability needs, tasks and description."""
    metric = metric_registry.get(name)
    console.print(
        f"[bold]{metric.name}[/]: {metric.description}\ndirection: {metric.direction}; "
        f"needs_proba: {metric.needs_proba}; tasks: {', '.join(metric.tasks)}",
        highlight=False,
    )
