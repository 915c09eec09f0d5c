"""Hostile study files and data: exit 2, one clear first line, no traceback, no store.

Every case was an "InternalError … a bug in bakeoff" (exit 1), a hang or a silent
acceptance before. Each runs ``bakeoff validate`` and ``bakeoff run`` for real; ``run``
must refuse before it creates the store.
"""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import cli_env, run_cli

BASE = "study: h\ndatasets: [iris]\nmodels: [logistic_regression]\ntuning: {n_trials: 1, cv: 2}\n"


def model_with(space: str) -> str:
    return BASE.replace(
        "models: [logistic_regression]",
        f"models: [{{name: logistic_regression, search_space: {{C: {space}}}}}]",
    )


def file_dataset(csv: str, **extra: str) -> Callable[[Path], bytes]:
    def write(folder: Path) -> bytes:
        (folder / "data.csv").write_text(csv)
        more = "".join(f", {k}: {v}" for k, v in extra.items())
        return (
            f"study: h\ndatasets: [{{name: t, path: data.csv, target: y{more}}}]\n"
            "models: [logistic_regression, ridge]\ntuning: {n_trials: 1, cv: 2}\n"
        ).encode()

    return write


def parquet_dataset() -> Callable[[Path], bytes]:
    def write(folder: Path) -> bytes:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.table({"a": list(range(40)), "nested": [[1, 2]] * 40, "y": [0, 1] * 20})
        pq.write_table(table, folder / "data.parquet")
        return (
            b"study: h\ndatasets: [{name: t, path: data.parquet, target: y}]\n"
            b"models: [logistic_regression]\ntuning: {n_trials: 1, cv: 2}\n"
        )

    return write


BOMB = "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9 if prev else ['lol'] * 9)}]\n"
    for prev, name in zip([None, *"abcdefgh"], "abcdefghi", strict=True)
)

#: name -> (the study file's bytes, or a function writing data and returning them;
#:          words the first line of the error must hold)
CASES: dict[str, tuple[bytes | Callable[[Path], bytes], str]] = {
    # From the new-user review: UTF-16/32 without a byte-order mark, and a control
    # character, reached the YAML reader and came out as "a bug in bakeoff".
    "utf16_without_bom": (BASE.encode("utf-16-le"), "holds NUL bytes"),
    "utf32_without_bom": (BASE.encode("utf-32-le"), "holds NUL bytes"),
    "control_character": (
        BASE.replace("study: h", 'study: h\ndescription: "a\x01b"').encode(),
        "not a YAML text file",
    ),
    "latin-1 text": (("# caf\xe9\n" + BASE).encode("latin-1"), "not UTF-8"),
    "gzip": (gzip.compress(BASE.encode()), "gzip"),
    "random bytes": (bytes(range(256)) * 4, "not UTF-8"),
    "nested 1000 deep": (("x: " + "[" * 1000 + "]" * 1000 + "\n" + BASE).encode(), "nested"),
    "duplicate key": ((BASE + "study: other\n").encode(), "appears twice"),
    "alias bomb": ((BOMB + BASE).encode(), "aliases"),
    "empty import": ((BASE + "imports: ['']\n").encode(), "imports[0]"),
    "relative import": ((BASE + "imports: ['..']\n").encode(), "imports[0]"),
    "a billion seeds": ((BASE + "seeds: 1000000000\n").encode(), "seeds"),
    "2**64 seeds": ((BASE + f"seeds: {2**64}\n").encode(), "seeds"),
    "seed past SQL integers": ((BASE + f"seeds: [{2**63}]\n").encode(), "seeds[0]"),
    "study seed past SQL integers": ((BASE + f"seed: {2**63}\n").encode(), "seed"),
    "negative seed in a list": ((BASE + "seeds: [-1, 2]\n").encode(), "seeds[0]"),
    "NaN bound": (model_with("{type: float, low: .nan, high: 3}").encode(), "finite"),
    "inf bound": (model_with("{type: float, low: 1, high: .inf}").encode(), "finite"),
    "1e309 bound": (model_with("{type: float, low: 1, high: 1e309}").encode(), "finite"),
    "range wider than floats": (
        model_with("{type: float, low: -1e308, high: 1e308}").encode(),
        "high - low",
    ),
    "bad sampler option": (
        BASE.replace("cv: 2}", "cv: 2, sampler_options: {bogus: 1}}").encode(),
        "sampler_options",
    ),
    "tiny test split": ((BASE + "split: {test_size: 1e-300}\n").encode(), "split.test_size"),
    "4 rows, 2 classes": (file_dataset("a,y\n1,0\n2,1\n3,0\n4,1\n"), "split.test_size"),
    "drop the target": (file_dataset("a,y\n1,0\n2,1\n3,0\n4,1\n", drop="[y]"), "target"),
    "150 classes of 2 rows": (
        # a: even numbers, not a row counter (which a dataset warning would report first)
        file_dataset("a,y\n" + "".join(f"{2 * i},k{i // 2}\n" for i in range(300))),
        "split.test_size",
    ),
    "parquet list column": (parquet_dataset(), "'nested' holds lists or records"),
    "infinite regression target": (
        file_dataset(
            "a,y\n" + "".join(f"{i},{'inf' if i == 3 else i * 1.5}\n" for i in range(40)),
            task="regression",
        ),
        "infinite",
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_input_is_refused_cleanly(case: str, tmp_path: Path) -> None:
    content, words = CASES[case]
    raw = content(tmp_path) if callable(content) else content
    study = tmp_path / "study.yaml"
    study.write_bytes(raw)
    db = tmp_path / "store.db"
    for command in (["validate", str(study)], ["run", str(study), "--storage", f"sqlite:///{db}"]):
        completed = run_cli(*command, timeout=120)
        assert completed.returncode == 2, (case, completed.stdout, completed.stderr)
        assert "Traceback" not in completed.stderr and "InternalError" not in completed.stderr
        # The first message, as one line: the terminal's width wraps a long one (a long
        # temporary path under pytest -n did).
        first = " ".join(completed.stderr.strip().split("\n\n")[0].split())
        assert words in first, (case, first)
        assert len(first) < 600
    # Refused before anything was written.
    assert not db.exists() and not [p for p in os.listdir(tmp_path) if p.startswith("store")]


#: Runs bakeoff as if torch and palmerpenguins were not installed.
WITHOUT_EXTRAS = """
import importlib.util, sys
BLOCKED = {"torch", "palmerpenguins"}
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None
sys.meta_path.insert(0, Block())
real = importlib.util.find_spec
def find_spec(name, *rest):
    return None if name.split(".")[0] in BLOCKED else real(name, *rest)
importlib.util.find_spec = find_spec
from bakeoff.cli import run_main
sys.argv = ["bakeoff", *sys.argv[1:]]
run_main()
"""


@pytest.mark.slow
def test_missing_extras_are_named_by_validate_and_run(tmp_path: Path) -> None:
    study = tmp_path / "study.yaml"
    study.write_text(
        BASE.replace("[iris]", "[iris, penguins]").replace("cv: 2}", "cv: 2, method: gp}")
    )
    db = tmp_path / "store.db"
    for command in (["validate", str(study)], ["run", str(study), "--storage", f"sqlite:///{db}"]):
        completed = subprocess.run(
            [sys.executable, "-c", WITHOUT_EXTRAS, *command],
            env=cli_env(),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert completed.returncode == 2, completed.stderr
        assert "Traceback" not in completed.stderr
        text = " ".join(completed.stderr.split())
        assert "tuning method 'gp' needs the Python package 'torch'" in text
        assert 'pip install "bakeoff[gp]"' in text
        assert "dataset 'penguins' ships with the Python package 'palmerpenguins'" in text
        assert 'pip install "bakeoff[datasets]"' in text
    assert not db.exists()


@pytest.mark.slow
def test_integer_labels_past_64_bits_run(tmp_path: Path) -> None:
    rows = "".join(f"{i % 7},{10**20 + i % 2}\n" for i in range(40))
    (tmp_path / "data.csv").write_text("a,y\n" + rows)
    study = tmp_path / "study.yaml"
    study.write_text(BASE.replace("[iris]", "[{name: t, path: data.csv, target: y}]"))
    db = tmp_path / "store.db"
    completed = run_cli("run", str(study), "--storage", f"sqlite:///{db}", timeout=120)
    assert completed.returncode == 0, completed.stderr
    import bakeoff

    predictions = bakeoff.predictions("h", storage=f"sqlite:///{db}")
    assert set(predictions["y_true"]) == {"100000000000000000000", "100000000000000000001"}
