"""Installed packs register themselves through the `bakeoff.plugins` entry-point group."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import cli_env


def install_fake_distribution(site: Path, name: str, entry_points: str, modules: dict) -> None:
    """Lay out what `pip install` leaves behind: a module and a dist-info folder."""
    for module, source in modules.items():
        (site / f"{module}.py").write_text(source)
    info = site / f"{name}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[bakeoff.plugins]\n{entry_points}\n")


def bakeoff_cli(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = cli_env()
    env["PYTHONPATH"] = os.pathsep.join([str(site), env.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, "-m", "bakeoff", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_an_installed_pack_is_found_and_a_broken_one_is_reported(tmp_path: Path) -> None:
    install_fake_distribution(
        tmp_path,
        "bakeoff_pack_demo",
        "demo = pack_demo",
        {
            "pack_demo": (
                "from sklearn.neighbors import KNeighborsClassifier\n"
                "import bakeoff\n"
                "bakeoff.register_estimator('demo_knn', KNeighborsClassifier,\n"
                "    search_space={'n_neighbors': {'type': 'int', 'low': 1, 'high': 9}})\n"
            )
        },
    )
    install_fake_distribution(
        tmp_path, "bakeoff_pack_broken", "broken = pack_broken", {"pack_broken": "1 / 0\n"}
    )
    completed = bakeoff_cli(tmp_path, "models", "show", "demo_knn")
    assert completed.returncode == 0, completed.stderr
    assert "n_neighbors" in completed.stdout
    # One broken pack is a warning naming it, not a crash of the others.
    assert "broken" in completed.stderr and "ZeroDivisionError" in completed.stderr
