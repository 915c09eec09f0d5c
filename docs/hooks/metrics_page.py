"""The metrics' reference, read from the metric registry (shipped metrics and packs')."""

from __future__ import annotations

import inspect
from typing import Any

INTRO = """# Metrics

Generated from the metric registry when the site is built: every metric bakeoff and its
installed packs register, with its direction, what it reads, its definition and the code
that computes it. `bakeoff metrics list` and `bakeoff metrics show NAME` print the same.
A study names them under `metrics:` (the first is the tuning objective); results hold
`test_<name>` for each. Your own: [Models and search spaces](../guide/models.md).
"""


def render(metrics: list[Any]) -> str:
    """Markdown with a summary table, then one section per metric."""
    lines = [
        INTRO,
        "| metric | direction | tasks | reads probabilities | summary |",
        "|---|---|---|---|---|",
    ]
    for metric in metrics:
        summary = " ".join(metric.description.split()).replace("|", "\\|")
        lines.append(
            f"| [`{metric.name}`](#{metric.name}) | {metric.direction} | "
            f"{', '.join(metric.tasks)} | {'yes' if metric.needs_proba else 'no'} | {summary} |"
        )
    lines.append("")
    for metric in metrics:
        lines += _section(metric)
    return "\n".join(lines)


def _section(metric: Any) -> list[str]:
    doc = inspect.getdoc(metric.func) or ""
    definition = doc.split("\n", 1)[1].strip() if "\n" in doc else ""
    source = f"{metric.func.__module__}.{metric.func.__qualname__}"
    lines = [
        f"## `{metric.name}` {{#{metric.name}}}",
        "",
        metric.description,
        "",
        f"- direction: {metric.direction} "
        f"({'higher' if metric.direction == 'maximize' else 'lower'} is better)",
        f"- tasks: {', '.join(metric.tasks)}",
        f"- reads class probabilities: {'yes' if metric.needs_proba else 'no'}",
        f"- computed by: `{source}`",
    ]
    if metric.columns:
        lines.append(f"- reads the features: {', '.join(f'`{c}`' for c in metric.columns)}")
    for option, choices in metric.variants.items():
        offered = ", ".join(f"`{value}` → `{target}`" for value, target in choices.items())
        lines.append(f"- option `{option}`: {offered}")
    if definition:
        lines += ["", definition]
    return [*lines, ""]


def registered() -> list[Any]:
    """Every registered metric, after the installed packs registered theirs."""
    from bakeoff import metrics
    from bakeoff._registry import load_plugins

    load_plugins()
    return metrics.list_metrics()
