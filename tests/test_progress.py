"""Python users see the CLI's progress from `study.run()`, and can turn it off."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from tests.conftest import cli_env


def run_script(folder: Path, call: str) -> subprocess.CompletedProcess[str]:
    script = textwrap.dedent(
        f"""
        import bakeoff
        study = bakeoff.Study(
            study="p", datasets=["iris"], models=["logistic_regression"], budgets=[40, "full"],
            tuning={{"n_trials": 2, "cv": 2}}, storage="sqlite:///{folder / "p.db"}",
        )
        summary = {call}
        print("exit", summary.exit_code)
        """
    )
    return subprocess.run(
        [sys.executable, "-c", script], env=cli_env(), capture_output=True, text=True, timeout=600
    )


def test_study_run_shows_one_line_per_finished_cell_off_a_terminal(tmp_path: Path) -> None:
    completed = run_script(tmp_path, "study.run()")
    assert completed.returncode == 0, completed.stderr
    lines = [line for line in completed.stdout.splitlines() if line.startswith("[")]
    # The CLI's own lines: "[done/total] model · dataset · budget · seed: complete test ...",
    # the largest budget first (the executors' claiming order).
    assert lines[0].startswith("[1/2] logistic_regression · iris · full · seed 0: complete test")
    assert lines[1].startswith("[2/2] logistic_regression · iris · 40 · seed 0: complete test")
    assert completed.stdout.rstrip().endswith("exit 0")


def test_progress_false_prints_nothing(tmp_path: Path) -> None:
    completed = run_script(tmp_path, "study.run(progress=False)")
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "exit 0"


def test_the_display_redraws_in_place_in_a_notebook() -> None:
    # Rich draws live in Jupyter as in a terminal; a plain pipe gets lines.
    from rich.console import Console

    from bakeoff._progress import RunDisplay

    assert RunDisplay(Console(force_jupyter=True), total=2, done=0).live_mode
    assert RunDisplay(Console(force_terminal=True), total=2, done=0).live_mode
    assert not RunDisplay(Console(force_terminal=False), total=2, done=0).live_mode
