"""examples/va.yaml, reduced (one budget, one seed, small forests, 2 trials), end to end."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import bakeoff
from tests.conftest import run_cli

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "va.yaml"


def reduced_spec() -> dict[str, object]:
    spec = yaml.safe_load(EXAMPLE.read_text())
    spec["seeds"] = 1
    spec["budgets"] = [400]
    spec["split"]["dirichlet_draws"] = 20
    spec["tuning"].update(n_trials=3, cv=3)
    spec["execution"] = {"n_jobs": 1}
    small = {"xgboost": {"n_estimators": 15}, "random_forest": {"n_estimators": 15}}
    models = []
    for entry in spec["models"]:
        entry = entry if isinstance(entry, dict) else {"name": entry}
        entry.setdefault("params", {}).update(small.get(entry["name"], {}))
        models.append(entry)
    spec["models"] = models
    return spec


def test_the_ready_study_file_is_valid_at_full_size() -> None:
    done = run_cli("validate", str(EXAMPLE))
    assert done.returncode == 0, done.stderr
    assert "360 cells" in done.stdout  # 6 models × 4 sites × 3 budgets × 5 seeds


@pytest.mark.slow
def test_the_reduced_ready_study_answers_its_questions(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'va.db'}"
    summary = bakeoff.Study(**reduced_spec()).run(storage=url, progress=False)
    assert summary.exit_code == 0, summary.describe()
    results = bakeoff.results("va", storage=url)
    assert len(results) == 6 * 4
    assert results["dataset"].nunique() == 4  # every site held out once
    # Even this small, the best tuned model beats chance CSMF accuracy on sites it never
    # saw (0.632: random allocation under Dirichlet compositions, Flaxman et al.).
    tuned = results[~results["model"].str.endswith("_default")]
    assert tuned.groupby("model")["test_csmf_accuracy"].mean().max() > 0.632
    gain = bakeoff.analysis.tuning_gain("va", storage=url)
    assert set(gain["model"]) == {"xgboost", "random_forest", "logistic_regression"}
    assert set(gain["metric"]) >= {"csmf_accuracy", "cod_accuracy"}
    gaps = bakeoff.analysis.overfitting("va", storage=url)
    assert len(gaps) == 6 and (gaps["metric"] == "csmf_accuracy").all()
    out = tmp_path / "report"
    done = run_cli("report", "va", "--storage", url, "--out", str(out))
    assert done.returncode == 0, done.stderr
    report = (out / "report.md").read_text()
    assert "## Tuned versus default" in report and "## Overfitting (csmf_accuracy)" in report
    assert (out / "analysis" / "tuning_gain.csv").exists()
    exported = tmp_path / "params.yaml"
    done = run_cli("params", "export", "va", "--storage", url, "-o", str(exported))
    assert done.returncode == 0, done.stderr
    assert "xgboost" in exported.read_text()
