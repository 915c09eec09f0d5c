"""Whether the SDV tests run here, and what happens when SDV is missing.

SDV requires pandas < 3, so it lives beside the main environment, not in it: CI builds
a pandas-2 environment with ``bakeoff[synthetic]`` and names its interpreter in
``BAKEOFF_TEST_SDV_PYTHON``; ``test_sdv_environment.py`` runs the SDV tests there from
the main test run (``BAKEOFF_REQUIRE_SDV=1`` makes a missing interpreter a failure).
Inside that run ``BAKEOFF_SDV_DELEGATED=1`` is set, and a missing SDV fails too.
"""

from __future__ import annotations

import importlib.util
import os

import pytest

SDV_INSTALLED = importlib.util.find_spec("sdv") is not None
DELEGATED = os.environ.get("BAKEOFF_SDV_DELEGATED") == "1"


def require_sdv() -> None:
    """Skip the calling module when SDV is absent (fail in the delegated run)."""
    if SDV_INSTALLED:
        return
    if DELEGATED:
        pytest.fail("BAKEOFF_SDV_DELEGATED is set but SDV is not installed here")
    pytest.skip(
        'SDV is not installed here (pip install "bakeoff[synthetic]"); the main run '
        "delegates these tests to BAKEOFF_TEST_SDV_PYTHON",
        allow_module_level=True,
    )
