"""The VA simulator: reproducible, structured as documented, and learnable."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import bakeoff
import bakeoff.packs.va
from bakeoff import datasets
from bakeoff.packs.va import VASimulation, simulate_va
from bakeoff.packs.va.metrics import csmf, csmf_accuracy
from tests.conftest import run_cli


def test_the_same_settings_give_the_same_table_and_others_do_not() -> None:
    small = VASimulation(deaths_per_site=50, sites=("x", "y"))
    a, b = simulate_va(small), simulate_va(small)
    pd.testing.assert_frame_equal(a, b)
    other = simulate_va(VASimulation(deaths_per_site=50, sites=("x", "y"), seed=1))
    assert not a.equals(other)


def test_the_table_has_the_documented_shape() -> None:
    settings = VASimulation(deaths_per_site=400, sites=("x", "y"), missing_rate=0.1)
    table = simulate_va(settings)
    symptoms = [c for c in table.columns if c.startswith("s") and c != "sex" and c != "site"]
    assert len(table) == 800 and len(symptoms) == settings.n_symptoms
    answers = table[symptoms].to_numpy()
    assert set(np.unique(answers[~np.isnan(answers)])) == {0.0, 1.0}
    assert abs(np.isnan(answers).mean() - 0.1) < 0.01  # missing at the stated rate
    assert set(table["cause"]) <= set(settings.causes)
    assert table["age"].between(15, 100).all() and set(table["sex"]) == {"male", "female"}
    # Sites differ in what people die of (their own Dirichlet draws).
    x, y = (table[table["site"] == s]["cause"] for s in ("x", "y"))
    causes = list(settings.causes)
    assert csmf_accuracy(csmf(x, causes), csmf(y, causes)) < 0.95


def test_every_site_is_a_registered_dataset_and_a_suite() -> None:
    names = {info.name for info in datasets.list_datasets()}
    assert {f"va_sim_{s}" for s in bakeoff.packs.va.SITES} | {"va_sim_sites"} <= names
    assert datasets.suite_members("va_sim") == [f"va_sim_{s}" for s in bakeoff.packs.va.SITES]
    bohol = datasets.load("va_sim_bohol")
    assert bohol.n_rows == 800 and bohol.target == "cause" and "site" not in bohol.X


def test_a_tuned_model_beats_chance_csmf_accuracy_clearly(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'va.db'}"
    study = bakeoff.Study(
        study="va",
        datasets=["va_sim_bohol"],
        models=["logistic_regression"],
        metrics=["csmf_accuracy", "cod_accuracy"],
        tuning={"method": "random", "n_trials": 4, "cv": 3},
    )
    assert study.run(storage=url, progress=False).exit_code == 0
    result = bakeoff.results("va", storage=url).iloc[0]
    # Random allocation scores about 0.632 (Flaxman et al.); a model that learned the
    # symptoms is far above it.
    assert result["test_csmf_accuracy"] > 0.85 and result["test_cod_accuracy"] > 0.5
    # The stored test score is Murray et al.'s formula on the stored predictions.
    predictions = bakeoff.predictions("va", storage=url)
    causes = datasets.load("va_sim_bohol").classes
    truth, pred = predictions["y_true"].tolist(), predictions["y_pred"].tolist()
    n = len(truth)
    error = sum(abs(truth.count(c) / n - pred.count(c) / n) for c in causes)
    expected = 1 - error / (2 * (1 - min(truth.count(c) / n for c in causes)))
    assert abs(result["test_csmf_accuracy"] - expected) < 1e-12


def test_a_study_sets_the_simulation_in_options_and_a_site_keeps_its_rows() -> None:
    four = datasets.load("va_sim_sites", options={"sites": list(bakeoff.packs.va.SITES[:4])})
    six = datasets.load("va_sim_sites").frame
    # Sites are simulated from the seed and their own name only: leaving sites out
    # leaves the others' interviews as they were.
    kept = six[six["site"].isin(bakeoff.packs.va.SITES[:4])].reset_index(drop=True)
    pd.testing.assert_frame_equal(four.frame, kept)
    assert four.frame["site"].nunique() == 4
    bigger = datasets.load("va_sim_bohol", options={"deaths_per_site": 1000, "missing_rate": 0.2})
    answers = bigger.frame.filter(regex=r"^s\d+$").to_numpy()
    assert bigger.n_rows == 1000 and abs(np.isnan(answers).mean() - 0.2) < 0.01


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"sites": "bohol"}, "`sites` is a list of names, not 'bohol'"),
        ({"sites": ["bohol", "bohol"]}, "`sites` needs distinct names"),
        ({"deaths_per_site": 0}, "`deaths_per_site` is a whole number of at least 1; got 0"),
        ({"missing_rate": 1.5}, "`missing_rate` must be below 1; got 1.5"),
        ({"signature_symptoms": 80}, "`signature_symptoms` (80) cannot exceed `n_symptoms` (60)"),
        ({"site_count": 4}, "takes no option 'site_count'; its options: sites, deaths_per_site"),
    ],
)
def test_bad_simulation_settings_are_one_clear_message(
    tmp_path: Path, options: dict, expected: str
) -> None:
    spec = {
        "study": "va_bad",
        "datasets": [{"name": "va_sim_sites", "options": options}],
        "models": [{"name": "logistic_regression", "tune": False}],
        "storage": f"sqlite:///{tmp_path / 's.db'}",
    }
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(spec))
    result = run_cli("run", str(path))
    assert result.returncode == 2, result.stderr
    assert expected in result.stderr and "Traceback" not in result.stderr
    assert "options: dataset 'va_sim_sites'" in result.stderr
    assert not (tmp_path / "s.db").exists()
