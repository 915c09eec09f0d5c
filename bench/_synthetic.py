"""A synthetic stored study for the analysis and report benchmarks.

Scores follow a learning curve per model and dataset (error = difficulty × model factor
+ 2/√budget + a seed effect shared by the models + noise), written through bakeoff's own
``Store`` as a run would write them: claim, trials, finish.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from bakeoff.store import CellDefinition, CellResult, Store, TrialRecord

__all__ = ["synthetic_store"]


def synthetic_store(
    folder: Path,
    *,
    datasets: int,
    models: int,
    budgets: Sequence[int],
    seeds: int,
    trials_of: Callable[[int, int], int],
    climb: float = 0.0,
) -> str:
    """Write study ``bench`` into ``folder/bench.db`` and return its URL.

    Args:
        trials_of: ``(cell index, number of cells) -> trials`` of that cell.
        climb: How far below the cell's final score its first trial starts (the trials
            then improve linearly to it); 0 gives every trial the final score.
    """
    url = f"sqlite:///{folder / 'bench.db'}"
    rng = np.random.default_rng(0)
    definitions, scores = [], {}
    for d in range(datasets):
        difficulty = rng.uniform(0.05, 0.3)
        for budget in budgets:
            for seed in range(seeds):
                shared = rng.normal(0, 0.01)
                for m in range(models):
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
        keys = list(prepared.cell_ids)
        for i, key in enumerate(keys):
            score, budget = scores[key]
            cell_id = prepared.cell_ids[key]
            n_trials = trials_of(i, len(keys))
            store.claim_next([cell_id], "bench")
            with store.trial_writer(cell_id, "bench") as writer:
                for number in range(n_trials):
                    value = score - climb * (n_trials - 1 - number) / max(n_trials - 1, 1)
                    writer.write(
                        TrialRecord(number, "COMPLETE", {"C": 1.0}, {}, [value], now, now, 0.01)
                    )
            store.finish_cell(
                cell_id,
                CellResult(
                    budget, 500, n_trials, 0, 0, {"C": 1.0}, score, {"accuracy": score}, 0.5, 0.01
                ),
                None,
                "bench",
            )
    return url
