"""A failing trial is stored with its traceback; a failing cell does not stop the study."""

from __future__ import annotations

from pathlib import Path

import yaml

import bakeoff
from tests.conftest import run_cli


def failing_study(url: str) -> dict:
    return {
        "study": "failing",
        "imports": ["bakeoff_test_plugins"],
        "datasets": ["iris"],
        "models": ["flaky", "broken", "logistic_regression"],
        "budgets": ["full"],
        "seeds": 1,
        "tuning": {"method": "grid", "n_trials": 5, "cv": 2},
        "metrics": ["accuracy"],
        "storage": url,
    }


def test_failures_are_recorded_and_the_other_cells_finish(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fail.db'}"
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(failing_study(url)))
    completed = run_cli("run", str(path))
    # Exit status 1 (cells failed), and the summary names the failed cell.
    assert completed.returncode == 1
    assert "Failed: broken" in completed.stderr
    assert "BrokenClassifier cannot be fitted" in completed.stderr
    assert "Traceback" not in completed.stderr.split("Failed")[0]

    results = bakeoff.results("failing", storage=url).set_index("model")
    assert results.loc["logistic_regression", "status"] == "complete"
    # flaky: its grid is fail=[True, False]; the failing trial is kept, the cell completes.
    assert results.loc["flaky", "status"] == "complete"
    assert results.loc["flaky", "n_failed_trials"] == 1
    assert results.loc["flaky", "best_params"] == '{"fail": false}'
    # broken: every trial failed, so the cell failed with the reason.
    assert results.loc["broken", "status"] == "failed"
    assert "all 2 trials failed" in results.loc["broken", "error"]
    assert "ValueError: BrokenClassifier cannot be fitted" in results.loc["broken", "error"]

    trials = bakeoff.trials("failing", storage=url)
    failed = trials[trials["state"] == "FAIL"]
    assert len(failed) == 3
    assert failed["error"].str.contains("Traceback (most recent call last)", regex=False).all()
    flaky = failed[failed["model"] == "flaky"]
    assert "RuntimeError: FlakyClassifier was told to fail" in flaky["error"].iloc[0]
    study = bakeoff.Store(url).study("failing")
    assert study["status"] == "failed"


def test_failed_cells_are_kept_until_retried(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fail.db'}"
    spec = failing_study(url)
    first = bakeoff.Study(**spec).run()
    assert [o.label for o in first.failed] == ["broken"]
    second = bakeoff.Study(**spec).run()
    assert second.outcomes == [] and second.failed_before and second.exit_code == 1
    third = bakeoff.Study(**spec).run(retry_failed=True)
    assert [o.label for o in third.outcomes] == ["broken"] and third.exit_code == 1
    trials = bakeoff.trials("failing", storage=url)
    # Retrying dropped the old failed trials instead of piling new ones on top.
    assert (trials["model"] == "broken").sum() == 2
