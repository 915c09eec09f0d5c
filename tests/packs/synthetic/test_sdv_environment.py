"""The SDV tests, run in the environment that has SDV (it requires pandas < 3).

Where SDV is installed in this environment its tests ran in this run already. Elsewhere
they run here in a child process with the interpreter named by
``BAKEOFF_TEST_SDV_PYTHON`` (CI's pandas-2 environment with ``bakeoff[synthetic]``);
``BAKEOFF_REQUIRE_SDV=1`` (set by CI) turns a missing interpreter into a failure.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.packs.synthetic.sdv_required import SDV_INSTALLED

ROOT = Path(__file__).resolve().parents[3]
SDV_PYTHON = os.environ.get("BAKEOFF_TEST_SDV_PYTHON")
REQUIRED = os.environ.get("BAKEOFF_REQUIRE_SDV") == "1"
SDV_TESTS = [
    "tests/packs/synthetic/test_sdv_generators.py",
    "tests/packs/synthetic/test_metrics_sdmetrics.py",
    "tests/packs/synthetic/test_ready_study.py",
    "tests/packs/synthetic/test_metrics.py",
    # With SDV the transfer study's file validates in full (without it, exit 2).
    "tests/packs/synthetic/test_transfer.py::"
    "test_the_transfer_study_file_runs_the_first_studys_cells_without_a_search",
]


@pytest.mark.slow
def test_the_sdv_tests_pass_where_sdv_is_installed() -> None:
    if SDV_INSTALLED:
        pytest.skip("SDV is installed here: its tests ran in this run")
    if not SDV_PYTHON:
        if REQUIRED:
            pytest.fail("BAKEOFF_REQUIRE_SDV is set but BAKEOFF_TEST_SDV_PYTHON is not")
        pytest.skip("set BAKEOFF_TEST_SDV_PYTHON to an interpreter with bakeoff[synthetic]")
    env = dict(os.environ, BAKEOFF_SDV_DELEGATED="1")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    completed = subprocess.run(
        [SDV_PYTHON, "-m", "pytest", *SDV_TESTS, "-q", "-p", "no:cacheprovider"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-2000:]
    assert " passed" in completed.stdout and " skipped" not in completed.stdout
