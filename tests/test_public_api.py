"""Each package's __all__ is complete and sorted; the CLI documents every command."""

from __future__ import annotations

import importlib

import pytest

from tests.conftest import run_cli

PACKAGES = [
    "bakeoff",
    "bakeoff.analysis",
    "bakeoff.datasets",
    "bakeoff.executors",
    "bakeoff.metrics",
    "bakeoff.models",
    "bakeoff.protocol",
    "bakeoff.reports",
    "bakeoff.server",
    "bakeoff.spec",
    "bakeoff.store",
    "bakeoff.tuning",
]


@pytest.mark.parametrize("name", PACKAGES)
def test_all_is_sorted_and_importable(name) -> None:
    module = importlib.import_module(name)
    exported = module.__all__
    assert exported == sorted(
        exported, key=lambda n: (not n.isupper() or n.islower(), n)
    ) or exported == sorted(exported)
    for item in exported:
        assert hasattr(module, item), f"{name}.{item}"


def test_public_names_are_all_exported() -> None:
    import bakeoff

    public = {
        n
        for n in dir(bakeoff)
        if not n.startswith("_")
        and n
        not in {
            "cli",
            "design",
            "exceptions",
            "executors",
            "packs",
            "protocol",
            "reports",
            "server",
            "spec",
            "store",
            "tuning",
        }
    }
    assert public <= set(bakeoff.__all__)


COMMANDS = [
    "analyze",
    "report",
    "run",
    "validate",
    "results",
    "trials",
    "predictions",
    "status",
    "models list",
    "models show",
    "datasets list",
    "datasets show",
    "datasets suites",
    "metrics list",
    "metrics show",
    "params export",
    "tune",
    "optimization",
    "serve",
]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command) -> None:
    completed = run_cli(*command.split(), "--help")
    assert completed.returncode == 0
    assert "Usage" in completed.stdout and "--help" in completed.stdout


def test_listing_commands_work() -> None:
    for command in (
        ["models", "list"],
        ["datasets", "list", "-f", "csv"],
        ["metrics", "list"],
        ["models", "show", "xgboost"],
        ["datasets", "show", "iris"],
        ["metrics", "show", "roc_auc_ovr"],
    ):
        completed = run_cli(*command)
        assert completed.returncode == 0, completed.stderr
    csv = run_cli("datasets", "list", "-f", "csv").stdout
    assert csv.splitlines()[0].startswith("name,task,rows")
    assert "grid size (method: grid): 9216" in run_cli("models", "show", "xgboost").stdout
    shown = run_cli("datasets", "show", "iris").stdout
    assert "Meta-features" in shown and "intrinsic_dimension_pca95" in shown
