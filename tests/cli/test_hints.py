"""Every command the CLI suggests works when pasted into a shell."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import yaml

from tests.conftest import run_cli, tiny_study

# A suggested command: `bakeoff` and a real sub-command, up to the end of the line.
HINT = re.compile(
    r"\bbakeoff (?:run|results|trials|predictions|status|analyze|validate|models|datasets|"
    r"metrics)\b[^\n]*"
)


def hints(text: str) -> list[str]:
    return [" ".join(h.split()) for h in HINT.findall(text)]


def paste(hint: str, cwd: Path) -> int:
    args = shlex.split(hint)
    assert args[0] == "bakeoff"
    completed = run_cli(*args[1:], cwd=cwd)
    assert "Traceback" not in completed.stderr, (hint, completed.stderr)
    return completed.returncode


def failing_study(storage: str) -> dict:
    return tiny_study(
        study="hinted",
        imports=["bakeoff_test_plugins"],
        models=["logistic_regression", "broken"],
        budgets=["full"],
        seeds=1,
        storage=storage,
    )


def test_hints_after_a_run_with_a_relative_storage_work_when_pasted(tmp_path: Path) -> None:
    # The study file lives in a sub-folder and names a relative store; the user runs it
    # from the project folder, as a README would tell them.
    # A long folder name: a hint longer than the terminal must not be broken in two.
    project = tmp_path / "project"
    studies = "studies_" + "x" * 150
    (project / studies).mkdir(parents=True)
    path = project / studies / "hinted.yaml"
    path.write_text(yaml.safe_dump(failing_study("sqlite:///hinted.db")), encoding="utf-8")

    first = run_cli("run", f"{studies}/hinted.yaml", cwd=project)
    assert first.returncode == 1, first.stdout + first.stderr  # broken fails
    # A relative store starts from the study file's folder, like its dataset paths.
    assert (project / studies / "hinted.db").exists()
    assert not (project / "hinted.db").exists()

    suggested = hints(first.stdout + first.stderr)
    assert any(h.startswith("bakeoff results hinted --storage") for h in suggested), suggested
    assert any(h.startswith("bakeoff trials hinted --storage") for h in suggested), suggested
    for hint in suggested:
        assert paste(hint, project) == 0, hint

    # Run again: the failed cell is reported, with the command that retries it.
    second = run_cli("run", f"{studies}/hinted.yaml", cwd=project)
    retry = [h for h in hints(second.stderr) if "--retry-failed" in h]
    assert retry == [f"bakeoff run {studies}/hinted.yaml --retry-failed"], second.stderr
    # Retrying runs the broken cell again (it fails again: exit 1, not a usage error).
    assert paste(retry[0], project) == 1


def test_no_storage_option_is_suggested_for_the_default_store(tmp_path: Path) -> None:
    spec = tiny_study(study="plain", budgets=["full"], seeds=1, models=["logistic_regression"])
    (tmp_path / "plain.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    completed = run_cli("run", "plain.yaml", cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr
    assert "bakeoff results plain --format csv -o results.csv" in completed.stdout
    assert paste("bakeoff results plain --format csv -o results.csv", tmp_path) == 0
    assert (tmp_path / "results.csv").exists()


def test_a_storage_option_given_on_the_command_line_is_relative_to_the_shell(
    tmp_path: Path,
) -> None:
    (tmp_path / "sub").mkdir()
    spec = tiny_study(study="opt", budgets=["full"], seeds=1, models=["logistic_regression"])
    (tmp_path / "sub" / "opt.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    completed = run_cli("run", "sub/opt.yaml", "--storage", "sqlite:///here.db", cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr
    assert (tmp_path / "here.db").exists()
    (hint,) = [h for h in hints(completed.stdout) if h.startswith("bakeoff results")]
    assert "--storage sqlite:///here.db" in hint
    assert paste(hint, tmp_path) == 0


def test_debug_and_version_work_after_the_command(tmp_path: Path) -> None:
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(tiny_study(models=["nope"])))
    # "Run the command again with --debug": pasted at the end of the line.
    completed = run_cli("validate", str(path), "--debug", cwd=tmp_path)
    assert completed.returncode != 0 and "Traceback" in completed.stderr
    for args in (["--version"], ["status", "--version"]):
        version = run_cli(*args)
        assert version.returncode == 0 and re.fullmatch(
            r"bakeoff \d+\.\d+\.\d+\S*\n", version.stdout
        )


def test_a_failed_cell_is_named_by_its_error_not_by_sqlalchemys_link(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import traceback

    import sqlalchemy as sa

    from bakeoff.cli._run import failure_reason

    engine = sa.create_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT * FROM bakeoff_cells"))
    except sa.exc.OperationalError:
        stored = traceback.format_exc()  # as a failed cell stores it
    assert stored.strip().splitlines()[-1].startswith("(Background on this error at:")
    assert failure_reason(stored) == (
        "sqlalchemy.exc.OperationalError: (sqlite3.OperationalError) no such table: bakeoff_cells"
    )
    try:
        raise ValueError("bad value")
    except ValueError:
        assert failure_reason(traceback.format_exc()) == "ValueError: bad value"
    assert failure_reason("timeout reached before the first trial") == (
        "timeout reached before the first trial"
    )
    assert failure_reason(None) == ""
