"""The same data gives the same fingerprints, rows and kinds under pandas 2 and pandas 3.

Needs a second interpreter with pandas 2 and bakeoff[datasets] installed; `.ci/run`
builds one and names it in BAKEOFF_TEST_PANDAS2_PYTHON (BAKEOFF_REQUIRE_PANDAS2 makes
its absence a failure there rather than a skip).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

DUMP = Path(__file__).with_name("dump_datasets.py")
OTHER = os.environ.get("BAKEOFF_TEST_PANDAS2_PYTHON")


def _dump(python: str) -> dict[str, object]:
    completed = subprocess.run(
        [python, str(DUMP)], capture_output=True, text=True, check=True, timeout=600
    )
    return dict(json.loads(completed.stdout))


@pytest.mark.slow
def test_fingerprints_agree_between_pandas_2_and_3() -> None:
    if not OTHER:
        if os.environ.get("BAKEOFF_REQUIRE_PANDAS2"):
            pytest.fail("BAKEOFF_TEST_PANDAS2_PYTHON is not set")
        pytest.skip("set BAKEOFF_TEST_PANDAS2_PYTHON to a python with pandas 2 (.ci/run does)")
    here, there = _dump(sys.executable), _dump(OTHER)
    versions = {str(here.pop("pandas"))[0], str(there.pop("pandas"))[0]}
    assert versions == {"2", "3"}, "one interpreter must have pandas 2, the other pandas 3"
    assert here.keys() == there.keys()
    differing = [name for name in here if here[name] != there[name]]
    assert differing == []
