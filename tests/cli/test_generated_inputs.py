"""Property: whatever study file or data file a user writes, ``validate`` and ``run`` end
with exit 0, 1 or 2, never a traceback, and exit 2 writes nothing.

Hypothesis generates the study files (valid keys with hostile values, mutations of a
valid file, raw bytes), CSV data files, and Parquet files mixing column types (numbers
with NaN and inf, text, booleans, times with and without a zone, binary, lists,
structs, integers past 64 bits). Each example runs the real CLI in a child process, so
the number of examples is kept small: ``N_SPECS`` + 2 × ``N_DATA`` per CI run (set
``BAKEOFF_HYPOTHESIS_EXAMPLES`` to run more).
"""

from __future__ import annotations

import os
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.conftest import run_cli

N_SPECS = int(os.environ.get("BAKEOFF_HYPOTHESIS_EXAMPLES", "15"))
N_DATA = N_SPECS

VALID: dict[str, Any] = {
    "study": "gen",
    "datasets": ["iris"],
    "models": ["logistic_regression"],
    "budgets": ["full"],
    "seeds": 1,
    "tuning": {"method": "random", "n_trials": 1, "cv": 2},
}

weird_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.just(""),
    st.just(".."),
)
weird_values = st.recursive(
    weird_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=8,
)
PATHS = [
    ("study",),
    ("seed",),
    ("seeds",),
    ("budgets",),
    ("imports",),
    ("datasets",),
    ("models",),
    ("split", "test_size"),
    ("tuning", "n_trials"),
    ("tuning", "cv"),
    ("tuning", "method"),
    ("tuning", "sampler_options"),
    ("tuning", "trial_timeout"),
    ("execution", "n_jobs"),
    ("metrics",),
]


@st.composite
def study_files(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["mutated", "mutated", "bytes"]))
    if kind == "bytes":
        return draw(st.binary(max_size=300))
    spec = yaml.safe_load(yaml.safe_dump(VALID))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(PATHS))
        target = spec
        for key in path[:-1]:
            target = target.setdefault(key, {}) if isinstance(target, dict) else {}
        if isinstance(target, dict):
            target[path[-1]] = draw(weird_values)
    return yaml.safe_dump(spec, allow_unicode=True).encode()


def check(completed: Any, store: Path) -> None:
    assert completed.returncode in (0, 1, 2), completed.stderr
    assert "Traceback" not in completed.stderr, completed.stderr
    assert "InternalError" not in completed.stderr, completed.stderr
    if completed.returncode == 2:
        assert not store.exists(), "a refused run wrote to the store"


def run_both(folder: Path, study: Path) -> None:
    store = folder / "store.db"
    check(run_cli("validate", str(study), timeout=300), store)
    check(run_cli("run", str(study), "--storage", f"sqlite:///{store}", timeout=300), store)


@pytest.mark.slow
@settings(
    max_examples=N_SPECS,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(raw=study_files())
def test_generated_study_files_end_in_0_1_or_2(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        study = Path(tmp) / "study.yaml"
        study.write_bytes(raw)
        run_both(Path(tmp), study)


cells = st.one_of(
    st.integers(-(2**70), 2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(alphabet=st.characters(blacklist_characters=',\n\r"'), max_size=6),
    st.just(""),
)


@st.composite
def csv_files(draw: st.DrawFn) -> str:
    n_columns = draw(st.integers(1, 4))
    header = ["y"] + [f"x{i}" for i in range(n_columns)]
    rows = draw(
        st.lists(
            st.lists(cells, min_size=n_columns + 1, max_size=n_columns + 1), min_size=0, max_size=30
        )
    )
    return "\n".join([",".join(header)] + [",".join(r) for r in rows]) + "\n"


@pytest.mark.slow
@settings(
    max_examples=N_DATA,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(csv=csv_files(), task=st.sampled_from([None, "classification", "regression"]))
# Found by this test: a budget check crashed when no class had cv training rows.
@example(csv="y,x0\n0,\n1,0\n", task=None)
def test_generated_data_files_end_in_0_1_or_2(csv: str, task: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "data.csv").write_text(csv)
        entry: dict[str, Any] = {"name": "gen", "path": "data.csv", "target": "y"}
        if task:
            entry["task"] = task
        spec = dict(VALID, datasets=[entry], models=["logistic_regression", "ridge"])
        study = folder / "study.yaml"
        study.write_text(yaml.safe_dump(spec))
        run_both(folder, study)


#: Parquet column kinds a user's file may hold; each draws its values for ``n`` rows.
def _parquet_column(kind: str, n: int, draw: st.DrawFn) -> Any:
    import pyarrow as pa

    small = st.integers(-3, 3)
    if kind == "int":
        return pa.array(draw(st.lists(small, min_size=n, max_size=n)), type=pa.int64())
    if kind == "float":
        values = st.floats(allow_nan=True, allow_infinity=True) | small.map(float)
        return pa.array(draw(st.lists(values, min_size=n, max_size=n)), type=pa.float64())
    if kind == "text":
        return pa.array(
            draw(st.lists(st.sampled_from(["a", "b", "", None]), min_size=n, max_size=n))
        )
    if kind == "bool":
        return pa.array(draw(st.lists(st.booleans() | st.none(), min_size=n, max_size=n)))
    if kind in ("time", "time with zone"):
        zone = draw(st.sampled_from(["UTC", "Europe/Paris", "Asia/Kolkata"]))
        seconds = draw(st.lists(st.integers(0, 2**31) | st.none(), min_size=n, max_size=n))
        unit = pa.timestamp("s", tz=zone if kind == "time with zone" else None)
        return pa.array(seconds, type=unit)
    if kind == "binary":
        return pa.array(draw(st.lists(st.binary(max_size=3), min_size=n, max_size=n)))
    if kind == "list":
        return pa.array(draw(st.lists(st.lists(small, max_size=2), min_size=n, max_size=n)))
    if kind == "struct":
        return pa.array([{"a": v} for v in draw(st.lists(small, min_size=n, max_size=n))])
    assert kind == "huge int"  # past 64 bits: Arrow holds them as decimals
    values = draw(st.lists(st.integers(-(2**70), 2**70), min_size=n, max_size=n))
    return pa.array([Decimal(v) for v in values], type=pa.decimal128(38, 0))


PARQUET_KINDS = [
    "int",
    "float",
    "text",
    "bool",
    "time",
    "time with zone",
    "binary",
    "list",
    "struct",
    "huge int",
]


@st.composite
def parquet_files(draw: st.DrawFn) -> tuple[dict[str, Any], list[str]]:
    n = draw(st.integers(0, 30))
    kinds = draw(st.lists(st.sampled_from(PARQUET_KINDS), min_size=2, max_size=4))
    columns = {
        ("y" if i == 0 else f"x{i}"): _parquet_column(k, n, draw) for i, k in enumerate(kinds)
    }
    return columns, kinds


@pytest.mark.slow
@settings(
    max_examples=N_DATA,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(file=parquet_files(), task=st.sampled_from([None, "classification", "regression"]))
def test_generated_parquet_files_end_in_0_1_or_2(
    file: tuple[dict[str, Any], list[str]], task: str | None
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns, _ = file
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        pq.write_table(pa.table(columns), folder / "data.parquet")
        entry: dict[str, Any] = {"name": "gen", "path": "data.parquet", "target": "y"}
        if task:
            entry["task"] = task
        spec = dict(VALID, datasets=[entry], models=["logistic_regression", "ridge"])
        study = folder / "study.yaml"
        study.write_text(yaml.safe_dump(spec))
        run_both(folder, study)
