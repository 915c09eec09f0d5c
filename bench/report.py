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
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from bakeoff.analysis import Scores, analyze
from bakeoff.reports import collect_from_store, write_report
from bakeoff.reports._figures import write_figures
from bakeoff.store import CellDefinition, CellResult, Store, TrialRecord

SIZES = {"datasets": 10, "models": 4, "budgets": [100, 200, 400, 800, 1600], "seeds": 5}
QUICK = {"datasets": 2, "models": 2, "budgets": [100, 200, 400], "seeds": 2}
N_TRIALS = 5


def build_store(folder: Path, sizes: dict) -> str:  # type: ignore[type-arg]
    url = f"sqlite:///{folder / 'bench.db'}"
    rng = np.random.default_rng(0)
    definitions, scores = [], {}
    for d in range(sizes["datasets"]):
        difficulty = rng.uniform(0.05, 0.3)
        for budget in sizes["budgets"]:
            for seed in range(sizes["seeds"]):
                shared = rng.normal(0, 0.01)
                for m in range(sizes["models"]):
                    key = f"{d:02d}{budget:05d}{seed:02d}{m}".ljust(64, "0")
                    error = difficulty * (0.6 + 0.05 * m) + 2.0 * budget**-0.5 + shared
                    definition = {
                        "metrics": ["accuracy"],
                        "model": {"name": f"model{m}", "search_space": {"C": {}}},
                    }
                    definitions.append(
                        CellDefinition(key, f"model{m}", f"data{d}", str(budget), seed, definition)
                    )
                    scores[key] = (1 - error + rng.normal(0, 0.01), budget)
    with Store(url) as store:
        prepared = store.prepare_study(
            name="bench",
            spec_json="{}",
            spec_hash="0" * 64,
            seed=0,
            bakeoff_version="bench",
            provenance={},
            datasets=[],
            cell_definitions=definitions,
        )
        now = datetime.now(timezone.utc)
        for key, cell_id in prepared.cell_ids.items():
            score, budget = scores[key]
            store.claim_next([cell_id], "bench")
            with store.trial_writer(cell_id, "bench") as writer:
                for number in range(N_TRIALS):
                    value = score - 0.02 * rng.random() * (N_TRIALS - number) / N_TRIALS
                    writer.write(
                        TrialRecord(number, "COMPLETE", {"C": 1.0}, {}, [value], now, now, 0.01)
                    )
            store.finish_cell(
                cell_id,
                CellResult(
                    budget, 500, N_TRIALS, 0, 0, {"C": 1.0}, score, {"accuracy": score}, 0.5, 0.01
                ),
                [],
                "bench",
            )
    return url


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
