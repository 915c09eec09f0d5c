"""What the code says is what the terminal shows: brackets survive, numbers stay whole."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import bakeoff
from tests.conftest import cli_env, run_cli, tiny_study


def run_narrow(*args: str, columns: int, cwd: Path | None = None) -> str:
    env = cli_env() | {"COLUMNS": str(columns)}
    completed = subprocess.run(
        [sys.executable, "-m", "bakeoff", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert completed.returncode in (0, 1), completed.stderr
    return completed.stdout + completed.stderr


@pytest.fixture(scope="module")
def bracketed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    # Class labels as pandas.cut writes them: brackets in the data itself.
    folder = tmp_path_factory.mktemp("brackets")
    rng = np.random.default_rng(0)
    x = rng.normal(size=120)
    noisy = x + rng.normal(scale=0.8, size=120)
    frame = pd.DataFrame({"x": x, "age": np.where(noisy > 0, "[10, 20)", "[0, 10)")})
    frame.to_csv(folder / "ages.csv", index=False)
    url = f"sqlite:///{folder / 'b.db'}"
    spec = tiny_study(
        study="brackets",
        imports=["bakeoff_test_plugins"],
        datasets=[{"name": "ages", "path": "ages.csv", "target": "age"}],
        models=[{"name": "random_forest", "params": {"n_estimators": 5}}, "broken"],
        budgets=["full"],
        seeds=1,
        storage=url,
    )
    (folder / "s.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    completed = run_cli("run", "s.yaml", cwd=folder)
    assert completed.returncode == 1, completed.stderr
    return folder, url, completed.stdout + completed.stderr


def test_values_with_brackets_are_printed_as_written(bracketed) -> None:
    _, url, _ = bracketed
    completed = run_cli("predictions", "brackets", "--storage", url)
    assert completed.returncode == 0, completed.stderr
    assert "[0, 10)" in completed.stdout and "[10, 20)" in completed.stdout


def test_stored_tracebacks_keep_their_brackets(bracketed) -> None:
    _, url, _ = bracketed
    completed = run_cli("trials", "brackets", "--storage", url, "--state", "fail")
    assert completed.returncode == 0, completed.stderr
    # The line of the protocol that called fit, as Python wrote it in the traceback.
    assert "pipeline.fit(X_train.iloc[fit_idx], y_train[fit_idx])" in completed.stdout
    assert "ValueError: BrokenClassifier cannot be fitted" in completed.stdout


def test_only_real_trial_states_are_accepted(bracketed) -> None:
    _, url, _ = bracketed
    completed = run_cli("trials", "brackets", "--storage", url, "--state", "FAILED")
    assert completed.returncode == 2
    message = " ".join(completed.stderr.split())
    assert "--state FAILED: not a trial state. Did you mean 'FAIL'?" in message
    assert "Use one of: COMPLETE, FAIL, PRUNED, INTERRUPTED." in message


def test_models_list_names_the_extra() -> None:
    completed = run_cli("models", "list")
    assert "bakeoff[xgboost]" in " ".join(completed.stdout.split())


def test_a_fix_hint_keeps_its_brackets(tmp_path: Path) -> None:
    spec = tiny_study(datasets=["iris", "diabetes"], metrics=["accuracy"], budgets=["full"])
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    completed = run_cli("validate", "s.yaml", cwd=tmp_path)
    assert completed.returncode == 2
    message = " ".join(completed.stderr.split())
    assert "metrics: {classification: [accuracy], regression: [rmse]}" in message


@pytest.mark.parametrize("columns", [60, 100, 200])
def test_numbers_in_a_narrow_terminal_do_not_wrap(bracketed, columns: int) -> None:
    _, url, _ = bracketed
    output = run_narrow("results", "brackets", "--storage", url, columns=columns)
    caption = (
        " ".join(output.split("columns not shown")[-1].split())
        if "columns not shown" in output
        else ""
    )
    table = bakeoff.results("brackets", storage=url)
    checked = 0
    for column in table.select_dtypes("number").columns:
        if column in caption or column == "budget":
            continue  # a column left out is named, never squeezed
        for value in table[column].dropna():
            shown = f"{value:.4g}" if isinstance(value, float) else str(value)
            assert shown in output, (column, value, output)
            checked += 1
    assert checked
    assert all(len(line) <= columns for line in output.splitlines())


def test_stored_json_columns_show_their_numbers_to_four_digits() -> None:
    # Fold scores and parameters are JSON text in the store: the terminal table shortens
    # their numbers as it does every other number, and keeps a data value that merely
    # looks like JSON (a closed interval label) as written.
    from rich.console import Console

    from bakeoff.cli._output import rows_to_table

    console = Console(width=200, record=True)
    console.print(
        rows_to_table(
            ["label", "params", "fold_scores"],
            [
                (
                    "[0.50, 1.00]",
                    '{"C": 0.0012345678, "kernel": "rbf", "max_depth": null, "warm": true}',
                    "[1.0, 0.9130434782608695]",
                )
            ],
            [False, False, False],
            n_rows=1,
        )
    )
    shown = console.export_text()
    # 4 significant digits (%g); the rest stays JSON as stored.
    assert '{"C": 0.001235, "kernel": "rbf", "max_depth": null, "warm": true}' in shown
    assert "[1, 0.913]" in shown and "0.91304" not in shown
    assert "[0.50, 1.00]" in shown
