"""A study import that is slow in worker processes, to Ctrl-C a worker mid-import.

In a worker (a child process) it touches ``$BAKEOFF_TEST_IMPORT_MARKER`` and then sleeps
for three seconds, the window in which a real worker imports scikit-learn and Optuna on
a loaded machine.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path

if multiprocessing.parent_process() is not None and "BAKEOFF_TEST_IMPORT_MARKER" in os.environ:
    Path(os.environ["BAKEOFF_TEST_IMPORT_MARKER"]).touch()
    time.sleep(3)
