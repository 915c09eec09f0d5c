"""examples/sabr.yaml, reduced (16 surfaces, small networks, 3 trials), end to end."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import bakeoff
from tests.conftest import run_cli

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "sabr.yaml"
SMALL_DATA = {"n_parameter_sets": 16, "mc_paths": 3000, "maturities": [0.5, 1.0, 2.0]}
SMALL_NET = {"cnn_filters": "8,16", "mlp_widths": "32,32", "patience": 5}


def reduced_spec() -> dict[str, object]:
    spec = yaml.safe_load(EXAMPLE.read_text())
    spec["datasets"][0]["options"].update(SMALL_DATA)
    spec["budgets"] = [40, 80, 160]
    spec["seeds"] = 2
    spec["tuning"].update(n_trials=2, cv=2)
    spec["execution"] = {"n_jobs": 1}
    models = []
    for name in spec["models"]:
        params = dict(SMALL_NET)
        if name not in ("cnn_only", "mda_cnn"):
            params.pop("cnn_filters")
        space = {"epochs": {"type": "int", "low": 10, "high": 20, "step": 10}}
        models.append({"name": name, "params": params, "search_space": space})
    spec["models"] = models
    return spec


def test_the_ready_study_file_is_valid_at_full_size() -> None:
    done = run_cli("validate", str(EXAMPLE))
    assert done.returncode == 0, done.stderr
    assert "60 cells" in done.stdout


@pytest.mark.slow
def test_the_reduced_ready_study_reports_error_against_budget(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sabr.db'}"
    summary = bakeoff.Study(**reduced_spec()).run(storage=url, progress=False)
    assert summary.exit_code == 0, summary.describe()
    results = bakeoff.results("sabr", storage=url)
    assert len(results) == 4 * 3 * 2 and (results["status"] == "complete").all()
    for column in ("test_rmse_vol_points", "test_rmse_atm", "test_rmse_long", "refit_seconds"):
        assert results[column].notna().all(), column
    # The surrogates beat Hagan's formula alone on unseen surfaces at the largest budget
    # (Hagan's error measured on the same test rows from the stored predictions).
    predictions = bakeoff.predictions("sabr", storage=url)
    data = bakeoff.Study(**reduced_spec()).resolve().datasets["sabr_surfaces"]
    lf = data.X["lf_vol"].to_numpy()
    best = predictions[(predictions["model"] == "residual_mlp") & (predictions["budget"] == 160)]
    hagan = np.sqrt(np.mean((lf[best["row"]] - best["y_true"]) ** 2)) * 100
    model = np.sqrt(np.mean((best["y_pred"] - best["y_true"]) ** 2)) * 100
    assert model < hagan
    out = tmp_path / "report"
    done = run_cli(
        "report",
        "sabr",
        "--storage",
        url,
        "--out",
        str(out),
        "--baseline",
        "residual_mlp",
        "--target",
        "5",
    )
    assert done.returncode == 0, done.stderr
    for name in (
        "detailed_results.csv",
        "summary_statistics.csv",
        "performance_vs_budget.csv",
        "statistical_analysis.json",
        "analysis/model_comparisons.csv",
        "analysis/relative_improvements.csv",
        "analysis/efficiency_analysis.json",
    ):
        assert (out / name).exists(), name
    efficiency = json.loads((out / "analysis" / "efficiency_analysis.json").read_text())
    steps = pd.DataFrame(efficiency["efficiency"])
    assert steps["gain_per_extra_row"].notna().sum() == 4 * 2  # two steps per model
    assert {c["model"] for c in efficiency["learning_curves"]} == {
        "mda_cnn",
        "residual_mlp",
        "direct_mlp",
        "cnn_only",
    }
    comparisons = pd.read_csv(out / "analysis" / "model_comparisons.csv")
    mda = comparisons[
        (comparisons["scope"] == "within dataset")
        & ((comparisons["model_a"] == "mda_cnn") | (comparisons["model_b"] == "mda_cnn"))
    ]
    assert len(mda) == 3 * 3  # against each baseline at each budget
    assert mda["cohen_dz"].notna().all() and mda["ci95_percentile"].notna().all()


@pytest.mark.slow
def test_epoch_checkpoints_let_the_median_rule_prune_a_network(tmp_path: Path) -> None:
    spec = reduced_spec()
    spec["study"] = "sabr_pruning"
    spec["models"] = [
        {
            "name": "residual_mlp",
            "params": {"mlp_widths": "16", "patience": 100},
            "search_space": {
                "learning_rate": {"type": "float", "low": 1e-5, "high": 1e-2, "log": True},
                "epochs": {"type": "int", "low": 30, "high": 30},
            },
        }
    ]
    spec["budgets"], spec["seeds"] = [160], 1
    spec["tuning"] = {
        "method": "random",
        "n_trials": 10,
        "cv": 2,
        "pruner": "median",
        "pruner_options": {"n_startup_trials": 3, "n_warmup_steps": 2},
    }
    url = f"sqlite:///{tmp_path / 'p.db'}"
    assert bakeoff.Study(**spec).run(storage=url, progress=False).exit_code == 0
    trials = bakeoff.trials("sabr_pruning", storage=url)
    pruned = trials[trials["state"] == "PRUNED"]
    assert len(pruned) >= 1
    # A finished trial reported 10 epoch checkpoints in each of its 2 folds; a pruned one
    # stopped earlier, and (epoch-level, not fold-level pruning) inside a fold.
    complete = trials[trials["state"] == "COMPLETE"]
    assert (complete["steps"] == 2 * 10).all()
    assert (pruned["steps"] < 2 * 10).all()
    assert (pruned["steps"] % 10 != 0).any()


@pytest.mark.parametrize(
    ("device", "expected"),
    [
        ("gpu", "device must be cpu, cuda or auto, got 'gpu'"),
        ("cuda", "PyTorch sees no CUDA GPU on this machine"),
    ],
)
def test_a_device_this_machine_lacks_is_refused_before_anything_runs(
    tmp_path: Path, device: str, expected: str
) -> None:
    import torch

    if device == "cuda" and torch.cuda.is_available():
        pytest.skip("this machine has a CUDA GPU: device: cuda is valid here")
    spec = reduced_spec()
    spec["storage"] = f"sqlite:///{tmp_path / 'sabr.db'}"
    spec["models"][1]["params"]["device"] = device
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(spec))
    for command in ("validate", "run"):
        done = run_cli(command, str(path), cwd=tmp_path)
        assert done.returncode == 2, (command, done.stdout, done.stderr)
        assert "models[1].params" in done.stderr and expected in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
    assert not (tmp_path / "sabr.db").exists()  # nothing written


def test_device_cuda_is_left_to_the_cluster_under_ray(tmp_path: Path) -> None:
    # With backend: ray the cells run on the cluster's nodes, which may have the GPU
    # this machine lacks: validation does not judge this machine's hardware.
    spec = reduced_spec()
    spec["models"][1]["params"]["device"] = "cuda"
    spec["execution"] = {"backend": "ray", "num_gpus_per_cell": 1}
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(spec))
    done = run_cli("validate", str(path), cwd=tmp_path)
    assert "PyTorch sees no CUDA GPU" not in done.stderr, done.stderr
    assert done.returncode == 0, done.stderr
