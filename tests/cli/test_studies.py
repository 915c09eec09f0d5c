"""Managing studies: delete and rename; analyse bakeoff's own results export directly."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
import yaml

import bakeoff
from tests.conftest import run_cli, tiny_study


def two_studies(folder: Path) -> tuple[str, Path]:
    url = f"sqlite:///{folder / 'b.db'}"
    for name in ("keep", "drop"):
        spec = tiny_study(study=name, budgets=[40, "full"], seeds=2, storage=url)
        path = folder / f"{name}.yaml"
        path.write_text(yaml.safe_dump(spec), encoding="utf-8")
        assert bakeoff.Study.from_yaml(path).run().exit_code == 0
    return url, folder / "keep.yaml"


def rows_of(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as connection:
        names = [
            r[0]
            for r in connection.execute(
                "select name from sqlite_master where type='table' and name like 'bakeoff_%'"
            )
            if r[0] != "bakeoff_alembic_version"
        ]
        return {n: connection.execute(f"select count(*) from {n}").fetchone()[0] for n in names}


def test_delete_asks_first_then_removes_every_row_of_the_study(tmp_path: Path) -> None:
    url, _ = two_studies(tmp_path)
    db = tmp_path / "b.db"
    before = rows_of(db)
    kept = bakeoff.results("keep", storage=url)

    refused = run_cli("studies", "delete", "drop", "--storage", url)  # no terminal to ask on
    assert refused.returncode == 2 and "add --yes" in refused.stderr
    assert rows_of(db) == before

    deleted = run_cli("studies", "delete", "drop", "--storage", url, "--yes")
    assert deleted.returncode == 0, deleted.stderr
    assert "Deleted study 'drop'" in deleted.stdout
    after = rows_of(db)
    # Half of every table went (two equal studies), nothing else changed.
    for table, count in before.items():
        assert after[table] == count // 2, table
    assert bakeoff.Store(url).study_names() == ["keep"]
    assert bakeoff.results("keep", storage=url).equals(kept)
    gone = run_cli("results", "drop", "--storage", url)
    assert gone.returncode == 2 and "no study named 'drop'" in gone.stderr


def test_rename_keeps_everything_and_the_renamed_file_resumes(tmp_path: Path) -> None:
    url, path = two_studies(tmp_path)
    before = bakeoff.results("keep", storage=url)
    completed = run_cli("studies", "rename", "keep", "kept", "--storage", url)
    assert completed.returncode == 0, completed.stderr
    after = bakeoff.results("kept", storage=url)
    assert after.drop(columns="study").equals(before.drop(columns="study"))
    assert bakeoff.Store(url).study("kept")["spec"]["study"] == "kept"
    # The study file under its new name finds all its cells done.
    spec = yaml.safe_load(path.read_text()) | {"study": "kept"}
    summary = bakeoff.Study(**spec).run()
    assert summary.n_skipped == summary.n_cells == 8


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["keep", "drop"], "a study named 'drop' is already in"),
        (["keep", "bad name"], "new name 'bad name': use letters, digits"),
        (["kep", "x"], "Did you mean 'keep'?"),
    ],
)
def test_rename_refuses_what_would_break(tmp_path: Path, args: list[str], message: str) -> None:
    url, _ = two_studies(tmp_path)
    completed = run_cli("studies", "rename", *args, "--storage", url)
    assert completed.returncode == 2
    assert message in " ".join(completed.stderr.split())
    assert sorted(bakeoff.Store(url).study_names()) == ["drop", "keep"]


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_analyze_reads_the_results_export_as_the_store(tmp_path: Path, suffix: str) -> None:
    url, _ = two_studies(tmp_path)
    export = tmp_path / f"results.{suffix}"
    assert run_cli("results", "keep", "--storage", url, "-o", str(export)).returncode == 0
    from_store = run_cli("analyze", "keep", "--storage", url, "--metric", "f1_macro", "--out",
                         str(tmp_path / "a"))  # fmt: skip
    from_file = run_cli("analyze", "--scores", str(export), "--metric", "test_f1_macro",
                        "--out", str(tmp_path / "b"))  # fmt: skip
    assert from_store.returncode == 0, from_store.stderr
    assert from_file.returncode == 0, from_file.stderr
    a = json.loads((tmp_path / "a" / "statistical_analysis.json").read_text())
    b = json.loads((tmp_path / "b" / "statistical_analysis.json").read_text())
    # The same statistics, whichever way the scores arrived (only their source differs).
    for key in set(a) - {"source", "scores", "data"}:
        assert json.dumps(a[key], sort_keys=True).replace("study 'keep'", str(export)) == (
            json.dumps(b[key], sort_keys=True)
        ), key
