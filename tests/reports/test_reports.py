"""The standard results folder of a small real study: files, numbers, figures, formats."""

from __future__ import annotations

import html
import json
import math
import os
import re
import shutil
import sqlite3
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import bakeoff
from bakeoff.reports import collect_from_scores, collect_from_store, write_report
from tests.conftest import run_cli

STUDY = {
    "study": "report",
    "seed": 0,
    "datasets": ["iris", "wine"],
    "models": [
        "logistic_regression",
        {
            "name": "random_forest",
            "params": {"n_estimators": 10},
            "search_space": {"max_depth": {"type": "int", "low": 1, "high": 6}},
        },
    ],
    "budgets": [30, 60, 90, "full"],
    "seeds": 3,
    "tuning": {"method": "random", "n_trials": 3, "cv": 2},
    "metrics": ["accuracy", "f1_macro"],
}

FOLDER = [
    "detailed_results.csv",
    "trials.parquet",
    "summary_statistics.csv",
    "performance_vs_budget.csv",
    "statistical_analysis.json",
    "analysis/model_rankings.json",
    "analysis/model_comparisons.csv",
    "analysis/relative_improvements.csv",
    "analysis/efficiency_analysis.json",
    "analysis/insights.md",
    "analysis/optimization.json",
    "report.html",
    "report.md",
    "report.tex",
    "tables/means.tex",
    "tables/ranks.tex",
    "tables/comparisons.tex",
]
FIGURE_NAMES = [
    "leaderboard",
    "scores_by_dataset",
    "critical_difference",
    "learning_curves",
    "learning_curves_loglog",
    "optimization_history",
    "runtime_vs_score",
]


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("report-store")
    url = f"sqlite:///{folder / 'bakeoff.db'}"
    assert bakeoff.Study(**STUDY).run(storage=url).exit_code == 0
    return url


@pytest.fixture(scope="module")
def report(stored: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "out"
    data = collect_from_store("report", storage=stored, n_resamples=500)
    data.study = {**(data.study or {}), "storage": stored}
    write_report(data, out, with_cells=True)
    return out


class _Tables(HTMLParser):
    """Every ``<table id=...>`` of a page: its header and its cells' exact values."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, dict[str, list]] = {}
        self._table: str | None = None
        self._cell: dict | None = None
        self._in_header = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if tag == "table" and attributes.get("id"):
            self._table = attributes["id"]
            self.tables[self._table] = {"header": [], "rows": []}
        elif self._table and tag == "tr":
            self.tables[self._table]["rows"].append([])
        elif self._table and tag in ("td", "th"):
            self._in_header = tag == "th"
            self._cell = {"value": attributes.get("data-value"), "text": ""}

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell["text"] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table = None
        elif tag in ("td", "th") and self._cell is not None and self._table:
            table = self.tables[self._table]
            if self._in_header:
                table["header"].append(self._cell["text"])
            else:
                table["rows"][-1].append(self._cell)
            self._cell = None

    def frame(self, table_id: str) -> pd.DataFrame:
        table = self.tables[table_id]
        rows = [r for r in table["rows"] if r]
        values = [
            [float(c["value"]) if c["value"] is not None else c["text"] for c in row]
            for row in rows
        ]
        return pd.DataFrame(values, columns=table["header"])


def html_tables(path: Path) -> _Tables:
    parser = _Tables()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_the_standard_folder_is_complete(report: Path) -> None:
    missing = [name for name in FOLDER if not (report / name).is_file()]
    assert not missing
    for name in FIGURE_NAMES:
        for suffix in ("png", "pdf"):
            path = report / "figures" / f"{name}.{suffix}"
            assert path.is_file() and path.stat().st_size > 1000, path


def test_detailed_results_equal_bakeoff_results_cell_for_cell(report: Path, stored: str) -> None:
    written = pd.read_csv(report / "detailed_results.csv").set_index("cell_key").sort_index()
    expected = bakeoff.results("report", storage=stored).set_index("cell_key").sort_index()
    assert list(written.index) == list(expected.index) and len(written) == 48
    for column in ("model", "dataset", "seed", "status", "n_train", "n_trials"):
        assert (written[column] == expected[column]).all(), column
    for column in ("budget", "test_accuracy", "test_f1_macro", "cv_accuracy"):
        assert np.allclose(written[column], expected[column], rtol=0, atol=0), column
    trials = pd.read_parquet(report / "trials.parquet")
    assert len(trials) == len(bakeoff.trials("report", storage=stored))


def test_summary_statistics_follow_from_the_cells(report: Path, stored: str) -> None:
    cells = bakeoff.results("report", storage=stored)
    summary = pd.read_csv(report / "summary_statistics.csv")
    row = summary[(summary["model"] == "random_forest") & (summary["dataset"] == "wine")]
    row = row[row["budget"].astype(str) == "60"].iloc[0]
    scores = cells[
        (cells["model"] == "random_forest") & (cells["dataset"] == "wine") & (cells["budget"] == 60)
    ]["test_accuracy"].to_numpy()
    half = stats.t.ppf(0.975, 2) * scores.std(ddof=1) / math.sqrt(3)
    assert row["n"] == 3
    assert row["mean"] == pytest.approx(scores.mean())
    assert row["sd"] == pytest.approx(scores.std(ddof=1))
    assert (row["ci95_low"], row["ci95_high"]) == pytest.approx(
        (scores.mean() - half, scores.mean() + half)
    )
    curve = pd.read_csv(report / "performance_vs_budget.csv")
    assert {"fitted_score", "curve_a", "curve_b", "curve_c"} <= set(curve.columns)
    assert curve["fitted_score"].notna().sum() >= 8  # 2 models x 2 datasets x 3+ budgets


def test_every_number_in_the_html_is_the_one_in_the_json(report: Path) -> None:
    document = json.loads((report / "statistical_analysis.json").read_text())
    tables = html_tables(report / "report.html")
    summary = tables.frame("table-summary")
    expected = pd.DataFrame(document["per_model"])
    merged = summary.merge(expected, on=["dataset", "budget", "model"], suffixes=("", "_json"))
    assert len(merged) == len(expected) == 16
    for column in ("mean", "sd", "ci95_low", "ci95_high"):
        assert (merged[column] == merged[f"{column}_json"]).all(), column
    ranks = tables.frame("table-ranks").set_index("model")["average_rank"]
    assert ranks.to_dict() == document["across_datasets"]["average_ranks"]
    comparisons = tables.frame("table-comparisons")
    within = comparisons[comparisons["scope"] == "within dataset"]
    reference = pd.DataFrame(document["pairwise_within_dataset"]["comparisons"])
    both = within.merge(
        reference, on=["dataset", "budget", "model_a", "model_b"], suffixes=("", "_j")
    )
    assert len(both) == len(reference)
    assert (both["p_adjusted"] == both["p_adjusted_j"]).all()


def test_every_number_in_the_latex_tables_is_the_one_in_the_json(report: Path) -> None:
    document = json.loads((report / "statistical_analysis.json").read_text())
    per_model = pd.DataFrame(document["per_model"])
    final = per_model[per_model["budget"] == document["across_datasets"]["budget"]]
    means = (report / "tables" / "means.tex").read_text()
    for row in final.itertuples():
        assert f"{row.mean:.4f} ({row.sd:.4f})" in means, (row.model, row.dataset)
    assert "\\textbf{" in means and "\\toprule" in means and "\\bottomrule" in means
    ranks = (report / "tables" / "ranks.tex").read_text()
    for model, rank in document["across_datasets"]["average_ranks"].items():
        assert f"{model.replace('_', chr(92) + '_')} & " in ranks
        assert f"{rank:.2f}" in ranks


def test_the_folder_for_cells_holds_their_config_and_trials(report: Path, stored: str) -> None:
    cells = sorted((report / "cells").iterdir())
    assert len(cells) == 48
    config = json.loads((cells[0] / "config.json").read_text())
    trials = pd.read_csv(cells[0] / "trials.csv")
    assert len(config["cell_key"]) == 64 and config["definition"]["model"]["name"]
    assert set(trials["cell_key"]) == {config["cell_key"]}
    cells_table = bakeoff.results("report", storage=stored).set_index("cell_key")
    assert len(trials) == cells_table.loc[config["cell_key"], "n_trials"]


def test_the_optimisation_account_is_in_the_folder_and_the_page(report: Path, stored: str) -> None:
    written = json.loads((report / "analysis" / "optimization.json").read_text())
    account = bakeoff.analysis.optimization("report", storage=stored)
    # The same account as the library's (fANOVA is seeded), for every searched cell:
    # 48 cells, both models searched.
    assert written == json.loads(json.dumps(account.to_dict()))
    assert len(written["cells"]) == 48
    page = (report / "report.html").read_text()
    for advice in account.recommendations:
        assert html.escape(advice["text"]) in page
    assert "analysis/optimization.json" in page


def test_importance_is_drawn_where_cells_have_enough_trials(report: Path, tmp_path: Path) -> None:
    # 3 trials a cell are too few to attribute variance: the figure says so.
    assert not (report / "figures" / "hyperparameter_importance.png").exists()
    url = f"sqlite:///{tmp_path / 'b.db'}"
    spec = {**STUDY, "study": "searched", "datasets": ["iris"], "budgets": ["full"]}
    spec["seeds"], spec["tuning"] = 2, {"method": "random", "n_trials": 10, "cv": 2}
    assert bakeoff.Study(**spec).run(storage=url, progress=False).exit_code == 0
    data = collect_from_store("searched", storage=url, n_resamples=200)
    files = write_report(data, tmp_path / "out", formats=["html"])
    assert "hyperparameter_importance" not in files.skipped_figures
    assert (tmp_path / "out" / "figures" / "hyperparameter_importance.pdf").is_file()
    assert data.optimization is not None
    for model in data.optimization.models:
        assert model["importance"]["fanova"], model["model"]


def test_markdown_summary_names_findings_and_figures(report: Path) -> None:
    text = (report / "report.md").read_text()
    assert text.startswith("# bakeoff report: study 'report'")
    assert "## Findings" in text and "![leaderboard](figures/leaderboard.png)" in text


def test_figure_captions_say_what_is_drawn_and_at_which_settings(report: Path) -> None:
    markdown = (report / "report.md").read_text()
    captions = re.findall(r"^\*Figure (\d+)\. (.+)\*$", markdown, flags=re.MULTILINE)
    assert [int(n) for n, _ in captions] == list(range(1, len(FIGURE_NAMES) + 1))
    # Demšar (2006): CD = q_α / √2 · √(k (k + 1) / (6 N)), k models over N datasets,
    # q_α the studentized range's quantile with infinite degrees of freedom.
    k, n = 2, 2
    q = stats.studentized_range.ppf(0.95, k, np.inf) / math.sqrt(2)
    cd = q * math.sqrt(k * (k + 1) / (6 * n))
    assert f"critical difference CD = {cd:.2f} of the Nemenyi test at α = 0.05" in markdown
    assert "Mean test accuracy of each model at budget full (higher is better)" in markdown
    assert "with error = 1 − accuracy" in markdown  # accuracy: the curves fit its error
    latex = (report / "report.tex").read_text()
    assert latex.count(r"\caption{") >= len(FIGURE_NAMES)
    assert rf"CD = {cd:.2f} of the Nemenyi test at $\alpha$ = 0.05" in latex
    assert r"$a\,n^{-b} + c$" in latex and r"\caption{leaderboard}" not in latex


@pytest.mark.skipif(
    not shutil.which("pdflatex") and not os.environ.get("BAKEOFF_REQUIRE_LATEX"),
    reason="needs pdflatex (.ci/run installs it)",
)
def test_the_latex_report_compiles_and_shows_the_numbers(report: Path, tmp_path: Path) -> None:
    folder = tmp_path / "latex"
    shutil.copytree(report, folder)
    completed = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "report.tex"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stdout[-2000:]
    text = subprocess.run(
        ["pdftotext", "-layout", str(folder / "report.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    document = json.loads((report / "statistical_analysis.json").read_text())
    for rank in document["across_datasets"]["average_ranks"].values():
        assert f"{rank:.2f}" in text
    # The captions' Greek letters and formula compile and read as written.
    assert "Nemenyi test at α = 0.05" in " ".join(text.split())
    per_model = pd.DataFrame(document["per_model"])
    best = per_model[per_model["budget"] == "full"]["mean"]
    assert any(f"{value:.4f}" in text for value in best)


@pytest.mark.skipif(
    not shutil.which("chromium") and not os.environ.get("BAKEOFF_REQUIRE_BROWSER"),
    reason="needs Chromium (.ci/run installs it)",
)
def test_the_html_report_renders_offline_in_a_real_browser(report: Path) -> None:
    from tests.reports.browser import visit

    page = visit(
        report / "report.html",
        {
            "plots": "document.querySelectorAll('.js-plotly-plot svg.main-svg').length",
            "figures": "document.querySelectorAll('.js-plotly-plot').length",
            "diagram": "document.querySelectorAll('#ranks svg, section svg').length",
            "toc": "document.querySelectorAll('nav a').length",
            "sorted": (
                "(function () { var t = document.getElementById('table-ranks');"
                " t.tHead.rows[0].cells[1].click(); t.tHead.rows[0].cells[1].click();"
                " return t.tBodies[0].rows[0].cells[1].dataset.value; })()"
            ),
        },
    )
    assert page.errors == []
    assert all(url.startswith(("file:", "data:")) for url in page.requests), page.requests
    assert page.evaluated["figures"] == 5 and page.evaluated["plots"] >= 5
    assert page.evaluated["diagram"] >= 1 and page.evaluated["toc"] >= 6
    # Clicking "average_rank" twice sorts descending: the worst rank comes first.
    document = json.loads((report / "statistical_analysis.json").read_text())
    worst = max(document["across_datasets"]["average_ranks"].values())
    assert float(page.evaluated["sorted"]) == worst


def test_a_partial_study_with_failed_cells_is_marked_and_listed(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bakeoff.db'}"
    spec = {
        "study": "partial",
        "datasets": ["iris", "wine"],
        "models": ["logistic_regression", "broken"],
        "imports": ["bakeoff_test_plugins"],
        "seeds": 2,
        "tuning": {"method": "random", "n_trials": 1, "cv": 2},
    }
    assert bakeoff.Study(**spec).run(storage=url).exit_code == 1
    with sqlite3.connect(tmp_path / "bakeoff.db") as connection:  # one cell not run yet
        connection.execute(
            "UPDATE bakeoff_cells SET status = 'pending' WHERE model = 'logistic_regression' "
            "AND dataset = 'wine' AND seed = 1"
        )
    data = collect_from_store("partial", storage=url, n_resamples=200)
    assert (data.n_cells, data.n_done, len(data.failed)) == (8, 7, 4)
    out = tmp_path / "out"
    write_report(data, out)
    page = (out / "report.html").read_text()
    assert "Partial study:</strong> 7 of 8 cells finished" in page
    assert 'id="failed-cells"' in page and "4 failed cell(s)" in page
    failed = html_tables(out / "report.html").frame("table-failed")
    assert set(failed["model"]) == {"broken"} and failed["error"].str.len().min() > 10
    assert "Partial study:** 7 of 8" in (out / "report.md").read_text()
    assert "Partial study:" in (out / "report.tex").read_text()
    # The failed cells are listed in the Markdown and the LaTeX too, with their reasons.
    markdown = (out / "report.md").read_text()
    assert markdown.count("- broken · ") == 4 and "BrokenClassifier" in markdown
    latex = (out / "report.tex").read_text()
    assert latex.count(r"\item broken, ") == 4 and "BrokenClassifier" in latex


def test_a_scores_table_gets_a_report_without_trials(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    rows = [
        (f"d{d}", model, seed, 0.8 + 0.02 * m + rng.normal(0, 0.01))
        for d in range(5)
        for m, model in enumerate(["a", "b", "c"])
        for seed in range(4)
    ]
    path = tmp_path / "scores.csv"
    pd.DataFrame(rows, columns=["dataset", "model", "seed", "score"]).to_csv(path, index=False)
    completed = run_cli("report", "--scores", str(path), "--out", str(tmp_path / "out"))
    assert completed.returncode == 0, completed.stderr
    out = tmp_path / "out"
    assert (out / "report.html").is_file() and not (out / "trials.parquet").exists()
    assert "No figure 'optimization_history'" in completed.stdout
    data = collect_from_scores(path, n_resamples=200)
    assert not data.partial and data.analysis.across.average_ranks


def test_the_cli_writes_a_report_for_a_study_and_after_a_run(
    stored: str, tmp_path: Path, write_study
) -> None:
    completed = run_cli(
        "report",
        "report",
        "--storage",
        stored,
        "--out",
        str(tmp_path / "a"),
        "--format",
        "markdown",
        "--resamples",
        "200",
    )
    assert completed.returncode == 0, completed.stderr
    assert (tmp_path / "a" / "report.md").is_file() and not (
        tmp_path / "a" / "report.html"
    ).exists()
    bad = run_cli(
        "report", "report", "--storage", stored, "--out", str(tmp_path / "b"), "--format", "docx"
    )
    assert bad.returncode == 2 and "--format" in bad.stderr and "Traceback" not in bad.stderr
    spec = {**STUDY, "study": "after", "datasets": ["iris"], "budgets": ["full"], "seeds": 2}
    spec["storage"] = f"sqlite:///{tmp_path / 'after.db'}"
    path = write_study(spec)
    ran = run_cli("run", str(path), "--quiet", "--report", str(tmp_path / "after"))
    assert ran.returncode == 0, ran.stderr
    assert (tmp_path / "after" / "report.html").is_file()


def test_a_results_export_gets_a_report(stored: str, tmp_path: Path) -> None:
    exported = tmp_path / "results.csv"
    bakeoff.results("report", storage=stored).to_csv(exported, index=False)
    completed = run_cli(
        "report",
        "--scores",
        str(exported),
        "--metric",
        "test_f1_macro",
        "--out",
        str(tmp_path / "out"),
        "--format",
        "markdown",
        "--resamples",
        "200",
    )
    assert completed.returncode == 0, completed.stderr
    data = collect_from_scores(exported, metric="test_f1_macro", n_resamples=200)
    assert data.analysis.scores.metric in ("f1_macro", "test_f1_macro")
    assert data.analysis.scores.higher_is_better
    assert len(data.analysis.scores.frame) == 48


def test_model_colours_are_stable_across_figures() -> None:
    from bakeoff.reports._figures import model_colors

    first = model_colors(["b", "a", "c"])
    assert first == model_colors(["c", "b", "a"])
    assert len(set(first.values())) == 3
    assert re.fullmatch(r"#[0-9a-f]{6}", first["a"])


def test_a_study_with_several_objectives_gets_its_pareto_front_figure(tmp_path: Path) -> None:
    from bakeoff.reports._interactive import interactive_figures

    url = f"sqlite:///{tmp_path / 'moo.db'}"
    spec = {
        "study": "moo",
        "datasets": ["iris", "wine"],
        "models": ["logistic_regression", {"name": "random_forest", "params": {"n_estimators": 5}}],
        "metrics": ["accuracy", "f1_macro"],
        "tuning": {
            "method": "random",
            "n_trials": 5,
            "cv": 2,
            "objectives": ["accuracy", "f1_macro"],
        },
    }
    assert bakeoff.Study(**spec).run(storage=url, progress=False).exit_code == 0
    data = collect_from_store("moo", storage=url, n_resamples=200)
    out = tmp_path / "out"
    report = write_report(data, out)
    assert "pareto_front" not in report.skipped_figures
    assert (out / "figures" / "pareto_front.png").is_file()
    assert 'id="figure-pareto_front"' in (out / "report.html").read_text(encoding="utf-8")
    # One outlined point per cell: the member each cell refitted.
    figure = interactive_figures(data)["pareto_front"]
    outlined = sum(
        sum(width > 0 for width in trace.marker.line.width)
        for trace in figure.data
        if isinstance(trace.marker.line.width, tuple)
    )
    assert outlined == len(bakeoff.results("moo", storage=url)) == 4


def test_a_single_objective_study_says_why_it_has_no_pareto_figure(report: Path) -> None:
    assert not (report / "figures" / "pareto_front.png").exists()
    html = (report / "report.html").read_text(encoding="utf-8")
    assert "No figure: the cells were tuned on one objective" in html


def test_a_model_with_trials_but_no_finished_cell_still_gets_a_report(tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "half.db"
    spec = {
        "study": "half",
        "datasets": ["iris", "wine"],
        "models": ["logistic_regression", {"name": "random_forest", "params": {"n_estimators": 5}}],
        "metrics": ["accuracy"],
        "tuning": {"method": "random", "n_trials": 3, "cv": 2},
    }
    assert bakeoff.Study(**spec).run(storage=f"sqlite:///{db}", progress=False).exit_code == 0
    # The forest's cells were interrupted: their trials are stored, no result yet.
    with sqlite3.connect(db) as connection:
        connection.execute(
            "update bakeoff_cells set status = 'interrupted' where model = 'random_forest'"
        )
    out = tmp_path / "out"
    completed = run_cli("report", "half", "--storage", f"sqlite:///{db}", "--out", str(out))
    assert completed.returncode == 0, completed.stdout + completed.stderr
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "2 of 4 cells" in " ".join(html.split())


def test_the_csv_tables_sort_budgets_by_their_rows(tmp_path: Path) -> None:
    from bakeoff.reports._tables import performance_vs_budget, summary_statistics

    rng = np.random.default_rng(0)
    rows = [
        (f"d{d}", model, budget, seed, 0.7 + 0.001 * budget + rng.normal(0, 0.01))
        for d in range(3)
        for model in ("a", "b")
        for budget in (160, 40, 80)  # as text, "160" sorts before "40"
        for seed in range(3)
    ]
    path = tmp_path / "scores.csv"
    pd.DataFrame(rows, columns=["dataset", "model", "budget", "seed", "score"]).to_csv(
        path, index=False
    )
    data = collect_from_scores(path, n_resamples=100)
    for table in (summary_statistics(data), performance_vs_budget(data)):
        for _, group in table.groupby(["dataset", "model"]):
            assert [float(b) for b in group["budget"]] == [40.0, 80.0, 160.0]


def test_tuned_versus_default_and_overfitting_reach_every_format(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'gain.db'}"
    spec = {
        "study": "gain",
        "datasets": ["iris", "wine"],
        "models": [
            {"name": "logistic_regression"},
            {"name": "logistic_regression", "label": "lr_default", "tune": False},
        ],
        "budgets": [40, "full"],
        "seeds": 3,
        "tuning": {"method": "random", "n_trials": 3, "cv": 2},
        "metrics": ["accuracy"],
    }
    assert bakeoff.Study(**spec).run(storage=url, progress=False).exit_code == 0
    out = tmp_path / "out"
    write_report(collect_from_store("gain", storage=url, n_resamples=200), out)
    gain = pd.read_csv(out / "analysis" / "tuning_gain.csv")
    gaps = pd.read_csv(out / "analysis" / "overfitting.csv")
    assert not gain.empty and not gaps.empty
    # The HTML tables hold exactly the CSV's numbers.
    tables = html_tables(out / "report.html")
    page_gain = tables.frame("table-tuning-gain")
    assert len(page_gain) == len(gain)
    for column in ("mean_tuned", "mean_default", "mean_difference", "t_p_value"):
        assert np.allclose(page_gain[column], gain[column], equal_nan=True), column
    page_gaps = tables.frame("table-overfitting")
    assert np.allclose(page_gaps["gap_cv"], gaps["gap_cv"])
    # The LaTeX tables carry the pooled rows and every model and budget's gaps.
    latex_gain = (out / "tables" / "tuning_gain.tex").read_text()
    for row in gain[gain["budget"] == "all"].itertuples():
        assert f"{row.mean_difference:+.4f} [{row.ci_low:+.4f}, {row.ci_high:+.4f}]" in latex_gain
    latex_gaps = (out / "tables" / "overfitting.tex").read_text()
    for row in gaps.itertuples():
        assert f"{row.gap_test:+.4f} [{row.gap_test_low:+.4f}, {row.gap_test_high:+.4f}]" in (
            latex_gaps
        )
    report_tex = (out / "report.tex").read_text()
    assert "tables/tuning_gain.tex" in report_tex and "tables/overfitting.tex" in report_tex
    # The tuned model's paired change of the gap, in the CSV and in report.md.
    paired = gaps.dropna(subset=["default"])
    assert set(paired["model"]) == {"logistic_regression"}
    assert set(paired["default"]) == {"lr_default"}
    markdown = (out / "report.md").read_text()
    for row in paired.itertuples():
        assert (
            f"{row.gap_change:+.4f} [{row.gap_change_low:+.4f}, {row.gap_change_high:+.4f}], "
            f"{row.gap_change_decision}"
        ) in latex_gaps
        assert (
            f"{row.gap_change:+.4f} [{row.gap_change_low:+.4f}, {row.gap_change_high:+.4f}]"
        ) in markdown
    if shutil.which("pdflatex"):
        completed = subprocess.run(
            ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "report.tex"],
            cwd=out,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert completed.returncode == 0, completed.stdout[-2000:]
