"""`bakeoff analyze` says why there are no learning curves instead of printing nothing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from tests.conftest import run_cli


def scores_file(folder: Path, budgets: list[str]) -> Path:
    rng = np.random.default_rng(0)
    rows = [
        {"dataset": d, "model": m, "budget": b, "seed": s, "score": 0.7 + 0.1 * rng.random()}
        for d in ("d1", "d2", "d3")
        for m in ("a", "b")
        for b in budgets
        for s in range(3)
    ]
    path = folder / "scores.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_two_budgets_say_why_there_is_no_curve_and_no_target(tmp_path: Path) -> None:
    path = scores_file(tmp_path, ["100", "full"])
    completed = run_cli("analyze", "--scores", str(path), "--target", "0.9")
    assert completed.returncode == 0, completed.stderr
    text = " ".join(completed.stdout.split())
    assert "no learning curves: a curve needs scores at 3 or more training sizes" in text
    assert "these scores have at most 2 (budgets: 100, full)" in text
    assert "--target 0.9: the rows needed come from learning curves; none here." in text


def test_three_budgets_give_curves_and_no_such_note(tmp_path: Path) -> None:
    path = scores_file(tmp_path, ["50", "100", "200"])
    completed = run_cli("analyze", "--scores", str(path), "--target", "0.9")
    assert completed.returncode == 0, completed.stderr
    assert "no learning curves" not in completed.stdout
