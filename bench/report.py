"""Report generation for a 1,000-cell store, beside ``analyze`` alone on the same store.

The store (written through bakeoff's own Store, as bench/analysis.py does) holds one
study of 10 datasets × 4 models × 5 budgets × 5 seeds = 1,000 complete cells with their
trials. Timed, best of 2:

- ``analyze``: ``Scores.from_store`` + ``analyze`` (what ``bakeoff analyze`` computes);
- ``report``: ``collect_from_store`` + ``write_report`` (every table, every figure as PNG
  and PDF, report.html, report.md, report.tex), with the figures' share measured apart.

Run::

    python bench/report.py            # the figures in docs/performance.md
    python bench/report.py --quick    # 2 datasets x 2 models x 3 budgets x 2 seeds
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _synthetic import synthetic_store

from bakeoff.analysis import Scores, analyze
from bakeoff.reports import collect_from_store, write_report
from bakeoff.reports._figures import write_figures

SIZES = {"datasets": 10, "models": 4, "budgets": [100, 200, 400, 800, 1600], "seeds": 5}
QUICK = {"datasets": 2, "models": 2, "budgets": [100, 200, 400], "seeds": 2}
N_TRIALS = 5


def build_store(folder: Path, sizes: dict) -> str:  # type: ignore[type-arg]
    return synthetic_store(
        folder,
        datasets=sizes["datasets"],
        models=sizes["models"],
        budgets=sizes["budgets"],
        seeds=sizes["seeds"],
        trials_of=lambda i, n_cells: N_TRIALS,
        climb=0.02,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, seconds")
    quick = parser.parse_args().quick
    sizes = QUICK if quick else SIZES
    cells = sizes["datasets"] * sizes["models"] * len(sizes["budgets"]) * sizes["seeds"]
    with tempfile.TemporaryDirectory() as tmp:
        url = build_store(Path(tmp), sizes)
        print(f"store: {cells} cells, {cells * N_TRIALS} trials", flush=True)
        analysis_times, report_times, figure_times = [], [], []
        for repeat in range(1 if quick else 2):
            clock = time.perf_counter()
            analyze(Scores.from_store("bench", storage=url))
            analysis_times.append(time.perf_counter() - clock)
            clock = time.perf_counter()
            data = collect_from_store("bench", storage=url)
            write_report(data, Path(tmp) / f"report{repeat}")
            report_times.append(time.perf_counter() - clock)
            clock = time.perf_counter()
            write_figures(data, Path(tmp) / f"figures{repeat}")
            figure_times.append(time.perf_counter() - clock)
    ours, alone, figures = min(report_times), min(analysis_times), min(figure_times)
    print(f"analyze alone:          {alone:6.2f} s")
    print(f"full report:            {ours:6.2f} s  ({ours / alone:.1f}x analyze alone)")
    print(f"  of which the figures: {figures:6.2f} s  ({100 * figures / ours:.0f}%)")
    print(f"goal: under 30 s in all -> {'met' if ours < 30 else 'NOT met'}")


if __name__ == "__main__":
    main()
