"""examples/synthetic.yaml, reduced (2 datasets, 2 epochs, 2 trials), end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.conftest import run_cli
from tests.packs.synthetic.sdv_required import SDV_INSTALLED

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "synthetic.yaml"
#: Tiny networks: the reduced study checks the plumbing, not the generators' quality.
TINY = {"epochs": 2, "batch_size": 100, "pac": 2, "embedding_dim": 16}
TINY_SPACES = {
    "ctgan": {"generator_dim": {"type": "categorical", "choices": ["32,32", "64,64"]}},
    "copulagan": {"generator_dim": {"type": "categorical", "choices": ["32,32", "64,64"]}},
    "tvae": {"compress_dims": {"type": "categorical", "choices": ["32,32", "64,64"]}},
}


def reduced_spec() -> dict[str, object]:
    spec = yaml.safe_load(EXAMPLE.read_text())
    spec["datasets"] = [d for d in spec["datasets"] if d["name"] in ("penguins", "salaries")]
    spec["seeds"] = 1
    spec["budgets"] = [60, "full"]
    spec["tuning"].update(n_trials=2)
    spec["execution"] = {"n_jobs": 1}
    models = []
    for entry in spec["models"]:
        entry = {"name": entry} if isinstance(entry, str) else dict(entry)
        name = entry["name"]
        if name in TINY_SPACES:
            params = dict(TINY)
            if name == "tvae":
                params.pop("pac")
            entry["params"] = params
            if entry.get("tune", True):
                entry["search_space"] = TINY_SPACES[name]
        models.append(entry)
    spec["models"] = models
    return spec


def pack_installed() -> bool:
    """Whether the installed bakeoff advertises the pack (an install made before the pack
    existed does not, until it is installed again)."""
    from importlib.metadata import entry_points

    return any(e.name == "synthetic" for e in entry_points(group="bakeoff.plugins"))


def test_the_pack_is_a_plugin() -> None:
    pyproject = (EXAMPLE.parents[1] / "pyproject.toml").read_text()
    assert 'synthetic = "bakeoff.packs.synthetic"' in pyproject


def test_the_ready_study_file_is_valid_at_full_size(tmp_path: Path) -> None:
    example = EXAMPLE
    if not pack_installed():
        # A stale install: name the pack in the study, as its entry point would.
        spec = yaml.safe_load(EXAMPLE.read_text())
        example = tmp_path / "synthetic.yaml"
        example.write_text(yaml.safe_dump({**spec, "imports": ["bakeoff.packs.synthetic"]}))
    done = run_cli("validate", str(example))
    if not SDV_INSTALLED:
        # Without SDV the study is refused at once, naming the extra.
        assert done.returncode == 2
        assert 'pip install "bakeoff[synthetic]"' in done.stderr.replace("\n", " ")
        return
    assert done.returncode == 0, done.stderr
    assert "540 cells" in done.stdout


@pytest.mark.slow
@pytest.mark.skipif(not SDV_INSTALLED, reason="needs SDV: run in the SDV environment")
def test_the_reduced_ready_study_answers_its_questions(tmp_path: Path) -> None:
    import bakeoff

    url = f"sqlite:///{tmp_path / 'synthetic.db'}"
    summary = bakeoff.Study(**reduced_spec()).run(storage=url, progress=False)
    assert summary.exit_code == 0, summary.describe()
    results = bakeoff.results("synthetic", storage=url)
    assert len(results) == 9 * 2 * 2 and (results["status"] == "complete").all()
    for column in ("test_tstr", "test_quality_score", "test_dcr_ratio", "refit_seconds"):
        assert results[column].notna().all(), column
    # The tuned cells chose the knee of a two-objective front; the defaults ran once.
    pareto = bakeoff.pareto("synthetic", storage=url)
    assert {"value_tstr", "value_quality_score"} <= set(pareto.columns)
    assert set(pareto[pareto["chosen"]]["reason"].str.contains("knee")) == {True}
    defaults = results[results["model"].str.endswith("_default")]
    assert (defaults["n_trials"] == 1).all()
    # Every model's sample is judged against the same real rows: trtr is one number per
    # dataset, budget and seed.
    assert (results.groupby(["dataset", "budget", "seed"])["test_trtr"].nunique() == 1).all()
    # A Gaussian copula keeps the measurements' relation to the penguins' species, which
    # the independent baseline breaks: its train-on-synthetic accuracy is far higher
    # (0.64–0.81 against 0.26–0.54 over four seeds tried by hand; on birthwt, whose
    # target the features barely predict, the two overlapped). With 2 epochs the networks
    # are not expected to beat anything.
    full = results[(results["dataset"] == "penguins") & (results["budget"] == float("inf"))]
    tstr = full.set_index("model")["test_tstr"]
    assert tstr["gaussian_copula_default"] > tstr["independent"]
    out = tmp_path / "report"
    done = run_cli(
        "report", "synthetic", "--storage", url, "--out", str(out), "--baseline", "independent"
    )
    assert done.returncode == 0, done.stderr
    assert (out / "report.html").exists()
    analysis = json.loads((out / "statistical_analysis.json").read_text())
    # Tuned against default, for each of the four generators listed twice.
    gains = analysis["tuned_vs_default"]
    assert {g["tuned"] for g in gains} == {"gaussian_copula", "ctgan", "tvae", "copulagan"}
