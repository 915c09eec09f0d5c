"""The standard results folder: tables, JSON, figures, HTML, Markdown and LaTeX."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bakeoff.reports._data import ReportData
from bakeoff.reports._figures import write_figures
from bakeoff.reports._tables import (
    efficiency_analysis,
    model_comparisons,
    model_rankings,
    performance_vs_budget,
    relative_improvements,
    summary_statistics,
)

__all__ = ["FORMATS", "ReportFiles", "write_report"]

#: Formats ``--format`` takes.
FORMATS = ("html", "latex", "markdown")


@dataclass
class ReportFiles:
    """What a report wrote, and which figures it could not draw (with why)."""

    folder: Path
    files: list[Path] = field(default_factory=list)
    skipped_figures: dict[str, str] = field(default_factory=dict)


def _json(path: Path, value: Any) -> None:
    from bakeoff.analysis._analyze import _clean

    path.write_text(json.dumps(_clean(value), indent=2, default=str), encoding="utf-8")


def write_report(
    data: ReportData,
    out: str | Path,
    *,
    formats: Iterable[str] = FORMATS,
    with_cells: bool = False,
) -> ReportFiles:
    """Write the standard results folder for ``data`` into ``out`` (created if missing).

    Args:
        data: The report's data (:func:`collect_from_store` or :func:`collect_from_scores`).
        out: The folder.
        formats: Any of ``html``, ``latex``, ``markdown``; the tables, JSON and figures
            are always written.
        with_cells: Also write ``cells/<cell>/`` (config, trials, refitted model).
    """
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    report = ReportFiles(folder)
    written = report.files
    results = data.results
    path = folder / "detailed_results.csv"
    results.to_csv(path, index=False)
    written.append(path)
    if data.trials is not None:
        path = folder / "trials.parquet"
        data.trials.to_parquet(path, index=False)
        written.append(path)
    for name, frame in (
        ("summary_statistics.csv", summary_statistics(data)),
        ("performance_vs_budget.csv", performance_vs_budget(data)),
    ):
        frame.to_csv(folder / name, index=False)
        written.append(folder / name)
    written.append(data.analysis.write_json(folder))
    analysis_dir = folder / "analysis"
    analysis_dir.mkdir(exist_ok=True)
    _json(analysis_dir / "model_rankings.json", model_rankings(data))
    model_comparisons(data).to_csv(analysis_dir / "model_comparisons.csv", index=False)
    relative_improvements(data).to_csv(analysis_dir / "relative_improvements.csv", index=False)
    _json(analysis_dir / "efficiency_analysis.json", efficiency_analysis(data))
    from bakeoff.analysis._insights import write_insights

    insights = "\n".join(
        f"- {'**' if f.claim else ''}{f.text}{'**' if f.claim else ''}"
        for f in write_insights(data.analysis)
    )
    (analysis_dir / "insights.md").write_text(f"# Findings\n\n{insights}\n", encoding="utf-8")
    if data.optimization is not None:
        data.optimization.write_json(analysis_dir)
    if not data.tuning_gain.empty:
        data.tuning_gain.to_csv(analysis_dir / "tuning_gain.csv", index=False)
    if not data.overfitting.empty:
        data.overfitting.to_csv(analysis_dir / "overfitting.csv", index=False)
    written += sorted(analysis_dir.iterdir())
    figures, report.skipped_figures = write_figures(data, folder / "figures")
    written += sorted((folder / "figures").iterdir())
    formats = set(formats)
    if "html" in formats:
        from bakeoff.reports._html import write_html

        written.append(write_html(data, folder, skipped=report.skipped_figures))
    if "markdown" in formats:
        from bakeoff.reports._markdown import write_markdown

        written.append(write_markdown(data, folder, figures=figures))
    if "latex" in formats:
        from bakeoff.reports._latex import write_latex

        written.append(write_latex(data, folder, figures=figures))
        written += sorted((folder / "tables").iterdir())
    if with_cells:
        written += _write_cells(data, folder / "cells")
    return report


def _write_cells(data: ReportData, folder: Path) -> list[Path]:
    """``cells/<model>_<dataset>_<budget>_<seed>_<key>/``.

    It holds config.json, trials.csv and the refitted model where the study kept artifacts.
    """
    if data.study is None or "cell_key" not in data.results:
        return []
    import bakeoff
    from bakeoff.store import Store

    written = []
    storage = data.study["storage"]
    with Store(storage, must_exist=True) as store:
        definitions = store.cells_frame(data.study["name"]).set_index("cell_key")["definition_json"]
    trials = (
        data.trials
        if data.trials is not None
        else bakeoff.trials(data.study["name"], storage=storage)
    )
    for row in data.results.itertuples():
        budget = "full" if row.budget == float("inf") else str(int(row.budget))
        name = f"{row.model}_{row.dataset}_{budget}_{row.seed}_{row.cell_key[:10]}"
        cell = folder / "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)
        cell.mkdir(parents=True, exist_ok=True)
        config = {"cell_key": row.cell_key, "definition": json.loads(definitions[row.cell_key])}
        (cell / "config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
        trials[trials["cell_key"] == row.cell_key].to_csv(cell / "trials.csv", index=False)
        written += [cell / "config.json", cell / "trials.csv"]
        artifact = getattr(row, "artifact_path", None)
        if isinstance(artifact, str) and Path(artifact).is_file():
            shutil.copy2(artifact, cell / Path(artifact).name)
            written.append(cell / Path(artifact).name)
    return written
