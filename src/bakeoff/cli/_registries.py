"""``bakeoff models``, ``datasets`` and ``metrics``: what is registered, and details."""

from __future__ import annotations

import contextlib
import json

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from bakeoff.cli._app import app, console
from bakeoff.cli._output import Format, write_rows

models_app = typer.Typer(
    help="List the registered models, or show one's search space.", no_args_is_help=True
)
metrics_app = typer.Typer(help="List the registered metrics, or show one.", no_args_is_help=True)
app.add_typer(models_app, name="models")
app.add_typer(metrics_app, name="metrics")

FORMAT = typer.Option(Format.table, "--format", "-f", help="table, csv or json.")
IMPORTS = typer.Option(
    [],
    "--import",
    "-i",
    help="A module to import first (as a study's imports:), to see what it registers.",
    show_default=False,
)


def _import(modules: list[str]) -> None:
    from pathlib import Path

    from bakeoff._registry import import_named

    for module in modules:
        import_named(module, f"--import {module}", look_in=[Path.cwd()])


@models_app.command("list")
def models_list(fmt: Format = FORMAT, imports: list[str] = IMPORTS) -> None:
    """Every registered model with its tasks and search-space size."""
    from bakeoff import models as model_registry

    _import(imports)

    rows = [
        {
            "name": m.name,
            "tasks": ", ".join(m.tasks),
            "parameters": ", ".join(m.parameter_names()),
            "description": m.description,
        }
        for m in model_registry.list_models()
    ]
    write_rows(rows, fmt, title="Models")


@models_app.command("show")
def models_show(
    name: str = typer.Argument(..., help="A model name."), imports: list[str] = IMPORTS
) -> None:
    """A model's tasks, fixed parameters and default search space (with grid values)."""
    from bakeoff import models as model_registry

    _import(imports)
    model = model_registry.get(name)
    space = model_registry.checked_search_space(model)
    console.print(f"[bold]{escape(model.name)}[/]: {escape(model.description)}", highlight=False)
    console.print(
        f"tasks: {', '.join(model.tasks)}; scaled inputs: {model.needs_scaling}", markup=False
    )
    console.print(
        f"fixed parameters: {json.dumps(model.default_params())}", highlight=False, markup=False
    )
    table = Table(title="Default search space")
    for column in ("parameter", "type", "range or choices", "log", "grid", "when"):
        table.add_column(column)
    for param_name, param in space.items():
        if param.type == "categorical":
            span = json.dumps(param.choices)
            log = ""
        else:
            span = f"[{param.low}, {param.high}]"
            log = "yes" if param.log else ""
        grid = param.grid_values()
        table.add_row(
            *(
                Text(v)
                for v in (
                    param_name,
                    param.type,
                    span,
                    log,
                    json.dumps(grid) if grid is not None else "(none)",
                    json.dumps(param.when) if param.when else "",
                )
            )
        )
    console.print(table)
    with contextlib.suppress(ValueError):  # no grid: nothing to say
        console.print(f"grid size (method: grid): {space.grid_size()} configurations")


@metrics_app.command("list")
def metrics_list(fmt: Format = FORMAT) -> None:
    """Every registered metric with its direction and the tasks it applies to."""
    from bakeoff import metrics as metric_registry

    rows = [
        {
            "name": m.name,
            "direction": m.direction,
            "needs_proba": m.needs_proba,
            "tasks": ", ".join(m.tasks),
            "description": m.description,
        }
        for m in metric_registry.list_metrics()
    ]
    write_rows(rows, fmt, title="Metrics")


@metrics_app.command("show")
def metrics_show(name: str = typer.Argument(..., help="A metric name.")) -> None:
    """A metric's direction, probability needs, tasks, definition and options."""
    import inspect

    from bakeoff import metrics as metric_registry

    metric = metric_registry.get(name)
    console.print(
        f"[bold]{escape(metric.name)}[/]: {escape(metric.description)}\n"
        f"direction: {metric.direction}; "
        f"needs_proba: {metric.needs_proba}; tasks: {', '.join(metric.tasks)}",
        highlight=False,
    )
    # The definition (formula, source) is the rest of the function's docstring.
    definition = inspect.getdoc(metric.func) or ""
    details = definition.split("\n", 1)[1].strip() if "\n" in definition else ""
    if details:
        console.print(f"\n{escape(details)}", highlight=False)
    for option, choices in metric.variants.items():
        offered = ", ".join(f"{value} → {target}" for value, target in choices.items())
        console.print(f"\noption {option}: {escape(offered)}", highlight=False)
