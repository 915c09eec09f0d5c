"""Print every registered dataset's fingerprint, rows and feature kinds as JSON.

Run by ``test_pandas_versions.py`` under two interpreters (pandas 2 and pandas 3).
"""

from __future__ import annotations

import json
import sys
import warnings

import pandas as pd

warnings.simplefilter("ignore")

from bakeoff import datasets  # noqa: E402  (after the warning filter)

summary: dict[str, object] = {"pandas": pd.__version__}
for info in datasets.list_datasets():
    dataset = info.load()
    summary[info.name] = [dataset.fingerprint, dataset.n_rows, dict(dataset.feature_kinds)]
json.dump(summary, sys.stdout)
