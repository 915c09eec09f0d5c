"""LaTeX: booktabs tables and a ``report.tex``.

The tables show the best value per column in bold, with significance marks explained in a
footnote; ``report.tex`` compiles on its own with pdflatex.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from bakeoff._budgets import budget_label
from bakeoff.reports._captions import figure_captions
from bakeoff.reports._data import ReportData
from bakeoff.reports._tables import final_budget_means

__all__ = ["latex_escape", "write_latex"]

_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    # Characters pdflatex's utf8 input does not know (captions and notes use them).
    "α": r"$\alpha$",
    "−": r"$-$",
    "·": r"$\cdot$",
    "±": r"$\pm$",
    "×": r"$\times$",
    "≥": r"$\geq$",
    "≤": r"$\leq$",
}

# The learning curves' formula, as the captions write it in plain text.
_POWER_LAW = "a·n^(−b) + c"


def latex_escape(text: object) -> str:
    """``text`` with LaTeX's special characters escaped."""
    return "".join(_SPECIAL.get(ch, ch) for ch in str(text))


def latex_caption(text: str) -> str:
    """A figure caption in LaTeX: escaped, with the power law typeset as math."""
    parts = text.split(_POWER_LAW)
    return r"$a\,n^{-b} + c$".join(latex_escape(part) for part in parts)


def _number(value: float, digits: int = 4) -> str:
    return "--" if value is None or not math.isfinite(value) else f"{value:.{digits}f}"


def _worse_than_best(data: ReportData) -> set[tuple[str, str]]:
    """(dataset, model) pairs significantly worse than that dataset's best model.

    At the compared budget (within-dataset test, corrected, at the claim level).
    """
    pairs = data.analysis.pairs
    budget = data.analysis.across.budget
    if pairs.empty or "better" not in pairs:
        return set()
    means = final_budget_means(data)
    higher = data.analysis.scores.higher_is_better
    marked = set()
    for dataset, row in means.iterrows():
        best = row.idxmax() if higher else row.idxmin()
        found = pairs[
            (pairs["dataset"] == dataset) & (pairs["budget"] == budget) & (pairs["better"] == best)
        ]
        for pair in found.itertuples():
            marked.add((str(dataset), pair.model_b if pair.model_a == best else pair.model_a))
    return marked


def means_table(data: ReportData) -> str:
    """Mean (sd) per model (rows) and dataset (columns).

    Best per column in bold, † where a model is significantly worse than the column's best.
    """
    scores = data.analysis.scores
    budget = data.analysis.across.budget
    summary = data.analysis.models
    summary = summary[summary["budget"] == budget] if not summary.empty else summary
    means = final_budget_means(data)
    datasets = list(means.index)
    higher = scores.higher_is_better
    marked = _worse_than_best(data)
    lines = [
        r"\begin{tabular}{l" + "r" * len(datasets) + "}",
        r"\toprule",
        "model & " + " & ".join(latex_escape(d) for d in datasets) + r" \\",
        r"\midrule",
    ]
    for model in means.columns:
        cells = []
        for dataset in datasets:
            value = means.loc[dataset, model]
            column = means.loc[dataset].dropna()
            best = column.max() if higher else column.min()
            sd = summary[(summary["dataset"] == dataset) & (summary["model"] == model)]["sd"]
            text = _number(value)
            if len(sd) and math.isfinite(float(sd.iloc[0])):
                text += f" ({float(sd.iloc[0]):.4f})"
            if value == best:
                text = r"\textbf{" + text + "}"
            if (str(dataset), model) in marked:
                text += r"$^\dagger$"
            cells.append(text)
        lines.append(latex_escape(model) + " & " + " & ".join(cells) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}"]
    return "\n".join(lines)


def ranks_table(data: ReportData) -> str:
    """Average rank per model (best in bold)."""
    ranks = data.analysis.across.average_ranks
    lines = [r"\begin{tabular}{lr}", r"\toprule", r"model & average rank \\", r"\midrule"]
    best = min(ranks.values()) if ranks else None
    for model, rank in ranks.items():
        text = f"{rank:.2f}"
        lines.append(
            latex_escape(model)
            + " & "
            + (r"\textbf{" + text + "}" if rank == best else text)
            + r" \\"
        )
    lines += [r"\bottomrule", r"\end{tabular}"]
    return "\n".join(lines)


def comparisons_table(data: ReportData) -> str:
    """Pairwise comparisons across datasets: rank sums, corrected p, the better model."""
    rows = data.analysis.across.pairwise
    lines = [
        r"\begin{tabular}{llrrrl}",
        r"\toprule",
        r"model A & model B & $R^+$ & $R^-$ & adjusted $p$ & better \\",
        r"\midrule",
    ]
    for row in rows:
        p = row.get("p_adjusted")
        lines.append(
            " & ".join(
                [
                    latex_escape(row["model_a"]),
                    latex_escape(row["model_b"]),
                    f"{row.get('rank_sum_a', float('nan')):g}",
                    f"{row.get('rank_sum_b', float('nan')):g}",
                    _number(p) if p is not None else "--",
                    latex_escape(row.get("better") or "--"),
                ]
            )
            + r" \\"
        )
    lines += [r"\bottomrule", r"\end{tabular}"]
    return "\n".join(lines)


def tuning_gain_table(data: ReportData) -> str:
    """Tuned versus default over all budgets: means, relative gain, CI, p, decision."""
    pooled = data.tuning_gain[data.tuning_gain["budget"] == "all"]
    lines = [
        r"\begin{tabular}{llrrrrlrl}",
        r"\toprule",
        r"model & metric & pairs & tuned & default & gain & difference [95\% CI] & $p$ & "
        r"decision \\",
        r"\midrule",
    ]
    for row in pooled.itertuples():
        cells = [
            latex_escape(row.model),
            latex_escape(row.metric),
            f"{row.n_pairs}",
            _number(row.mean_tuned),
            _number(row.mean_default),
            latex_escape(f"{row.relative_gain:+.1%}"),
            f"{row.mean_difference:+.4f} [{row.ci_low:+.4f}, {row.ci_high:+.4f}]",
            f"{row.t_p_value:.2g}",
            latex_escape(row.decision),
        ]
        lines.append(" & ".join(cells) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}"]
    return "\n".join(lines)


def _gap_change_cell(row: Any) -> str:
    """Tuned − default change of the train − test gap, with its interval and decision."""
    if math.isnan(float(row.gap_change)):
        return "---"
    return (
        f"{row.gap_change:+.4f} [{row.gap_change_low:+.4f}, {row.gap_change_high:+.4f}], "
        f"{latex_escape(str(row.gap_change_decision))}"
    )


def overfitting_table(data: ReportData) -> str:
    """Train − CV and train − test gaps per model and budget, with 95% t-intervals."""
    paired = "gap_change" in data.overfitting and data.overfitting["gap_change"].notna().any()
    lines = [
        r"\begin{tabular}{llrrrrll" + ("l" if paired else "") + "}",
        r"\toprule",
        r"model & budget & cells & train & CV & test & train $-$ CV & train $-$ test"
        + (r" & gap change vs.\ default" if paired else "")
        + r" \\",
        r"\midrule",
    ]
    for row in data.overfitting.itertuples():
        budget = budget_label(row.budget)
        cells = [
            latex_escape(row.model),
            budget,
            f"{row.n_cells}",
            _number(row.train),
            _number(row.cv),
            _number(row.test),
            f"{row.gap_cv:+.4f} [{row.gap_cv_low:+.4f}, {row.gap_cv_high:+.4f}]",
            f"{row.gap_test:+.4f} [{row.gap_test_low:+.4f}, {row.gap_test_high:+.4f}]",
        ]
        if paired:
            cells.append(_gap_change_cell(row))
        lines.append(" & ".join(cells) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}"]
    return "\n".join(lines)


def write_latex(data: ReportData, folder: Path, *, figures: list[str]) -> Path:
    """Write ``tables/*.tex`` and ``report.tex`` (figures included as PDF) into ``folder``."""
    tables = folder / "tables"
    tables.mkdir(parents=True, exist_ok=True)
    analysis = data.analysis
    budget = analysis.across.budget
    level = analysis.settings["claim_level"]
    correction = analysis.settings["correction_name"]
    written = {
        "means": means_table(data),
        "ranks": ranks_table(data) if analysis.across.average_ranks else None,
        "comparisons": comparisons_table(data) if analysis.across.pairwise else None,
        "tuning_gain": None if data.tuning_gain.empty else tuning_gain_table(data),
        "overfitting": None if data.overfitting.empty else overfitting_table(data),
    }
    for name, text in written.items():
        if text is not None:
            (tables / f"{name}.tex").write_text(text + "\n", encoding="utf-8")
    metric = latex_escape(analysis.scores.metric)
    direction = "higher" if analysis.scores.higher_is_better else "lower"
    body = [
        r"\documentclass[10pt]{article}",
        r"\usepackage[T1]{fontenc}",
        r"\usepackage[utf8]{inputenc}",
        r"\usepackage[margin=2cm]{geometry}",
        r"\usepackage{booktabs,graphicx}",
        r"\begin{document}",
        r"\section*{" + latex_escape(f"bakeoff report: {data.source}") + "}",
    ]
    if data.partial:
        body.append(
            rf"\noindent\textbf{{Partial study:}} {data.n_done} of {data.n_cells} cells finished."
        )
    if not data.failed.empty:
        body.append(
            rf"\noindent\textbf{{{len(data.failed)} failed cell(s)}} (left out of the tables):"
        )
        body.append(r"\begin{itemize}")
        for row in data.failed.itertuples():
            reason = (str(row.error or "").strip().splitlines() or [""])[-1][:160]
            where = f"{row.model}, {row.dataset}, budget {row.budget}, seed {row.seed}"
            body.append(r"\item " + latex_escape(f"{where}: {reason}"))
        body.append(r"\end{itemize}")
    body += [
        r"\begin{table}[h]\centering",
        rf"\caption{{Mean (sd) {metric} at budget {latex_escape(budget)} ({direction} is "
        r"better). Best per dataset in bold. $^\dagger$: significantly worse than the best "
        rf"model on that dataset ({latex_escape(correction)}-corrected test, adjusted "
        rf"$p < {level:g}$).}}",
        r"\resizebox{\textwidth}{!}{\input{tables/means.tex}}",
        r"\end{table}",
    ]
    if written["ranks"]:
        body += [
            r"\begin{table}[h]\centering",
            r"\caption{Average rank over datasets (1 is best).}",
            r"\input{tables/ranks.tex}",
            r"\end{table}",
        ]
    if written["comparisons"]:
        body += [
            r"\begin{table}[h]\centering",
            rf"\caption{{Wilcoxon signed-rank tests over datasets, {latex_escape(correction)}"
            rf"-adjusted; `better' only where adjusted $p < {level:g}$.}}",
            r"\input{tables/comparisons.tex}",
            r"\end{table}",
        ]
    if written["tuning_gain"]:
        body += [
            r"\begin{table}[h]\centering",
            r"\caption{Tuned versus default (the model's \texttt{tune: false} copy), paired over "
            r"(dataset, budget, seed) cells, all budgets; gain relative to $|$default$|$; "
            r"decision from the paired $t$-test.}",
            r"\resizebox{\textwidth}{!}{\input{tables/tuning_gain.tex}}",
            r"\end{table}",
        ]
    if written["overfitting"]:
        body += [
            r"\begin{table}[h]\centering",
            rf"\caption{{Overfitting ({latex_escape(data.overfitting['metric'].iloc[0])}): the "
            r"refitted model on its training rows minus its inner-CV and its test score, "
            r"mean [95\% $t$-interval] over cells.}",
            r"\resizebox{\textwidth}{!}{\input{tables/overfitting.tex}}",
            r"\end{table}",
        ]
    captions = figure_captions(data, figures)
    for name in figures:
        body += [
            r"\begin{figure}[h]\centering",
            rf"\includegraphics[width=\linewidth]{{figures/{name}.pdf}}",
            rf"\caption{{{latex_caption(captions[name])}}}",
            r"\end{figure}",
        ]
    body.append(r"\end{document}")
    path = folder / "report.tex"
    path.write_text("\n".join(body) + "\n", encoding="utf-8")
    return path


def parse_number_cells(text: str) -> list[float]:
    """Every number printed in a LaTeX table (for tests that check them against JSON)."""
    import re

    values = []
    for match in re.finditer(r"(?<![\w.])-?\d+\.\d+", text):
        values.append(float(match.group()))
    return values
