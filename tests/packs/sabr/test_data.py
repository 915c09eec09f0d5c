"""The sabr_surfaces data: layout, ranges, the two fidelities, the content cache."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import QuantLib as ql  # an independent Hagan implementation
import yaml

import bakeoff
from bakeoff.packs.sabr import SABRDataConfig, generate_surfaces, load_surfaces
from bakeoff.packs.sabr.data import cache_path, parameter_sets, patch_columns
from tests.conftest import run_cli

SMALL = SABRDataConfig(
    n_parameter_sets=6, mc_paths=20_000, maturities=(0.25, 1.0, 3.0), patch_size=5, seed=3
)


@pytest.fixture(scope="module")
def surfaces() -> object:
    return generate_surfaces(SMALL, progress=False)


def test_parameter_sets_fill_their_ranges_as_a_sobol_sequence() -> None:
    config = SABRDataConfig(n_parameter_sets=256, seed=1)  # a power of 2, as Sobol wants
    sets = parameter_sets(config)
    for column, (low, high) in enumerate([config.alpha, config.beta, config.rho, config.nu]):
        values = sets[:, column]
        assert values.min() >= low and values.max() <= high
        # A scrambled Sobol sequence of 2^8 points puts 2^k points in each of 2^k equal
        # slices of every coordinate (its (0, m, d)-net property, k <= 8).
        counts, _ = np.histogram(values, bins=16, range=(low, high))
        assert (counts == 16).all()


def test_each_row_is_a_point_with_hagans_value_and_patch(surfaces: object) -> None:
    frame = surfaces
    assert frame["surface"].nunique() == 6
    assert len(frame) <= 6 * len(SMALL.strikes) * len(SMALL.maturities)
    assert {"hf_vol", "hf_error", "lf_vol", "log_moneyness", "maturity"} <= set(frame.columns)
    for row in frame.sample(8, random_state=0).itertuples():
        strike = math.exp(row.log_moneyness)
        expected = ql.sabrVolatility(
            strike, 1.0, row.maturity, row.alpha, row.beta, row.nu, row.rho
        )
        assert row.lf_vol == pytest.approx(expected, rel=1e-9)
        # The patch's centre is the point itself.
        centre = f"patch_{SMALL.patch_size // 2}_{SMALL.patch_size // 2}"
        assert getattr(row, centre) == pytest.approx(row.lf_vol, rel=1e-12)
        # One step up in log-moneyness, same maturity: Hagan there.
        right = f"patch_{SMALL.patch_size // 2}_{SMALL.patch_size // 2 + 1}"
        step = ql.sabrVolatility(
            strike * math.exp(SMALL.patch_step_moneyness),
            1.0,
            row.maturity,
            row.alpha,
            row.beta,
            row.nu,
            row.rho,
        )
        assert getattr(row, right) == pytest.approx(step, rel=1e-9)
    assert len(patch_columns(SMALL)) == SMALL.patch_size**2


def test_high_fidelity_agrees_with_hagan_where_hagan_is_accurate(surfaces: object) -> None:
    frame = surfaces
    near = frame[(frame["maturity"] == 0.25) & (frame["log_moneyness"].abs() < 0.11)]
    assert len(near) >= 12
    z = (near["hf_vol"] - near["lf_vol"]) / near["hf_error"]
    # Within Monte Carlo error plus Hagan's own small bias (5e-4) near the money.
    assert (np.abs(near["hf_vol"] - near["lf_vol"]) < 4 * near["hf_error"] + 5e-4).all(), z


def test_the_same_settings_are_read_from_the_cache_and_others_are_not(tmp_path: Path) -> None:
    config = SABRDataConfig(n_parameter_sets=2, mc_paths=500, maturities=(0.5,), patch_size=3)
    first = load_surfaces(config, progress=False)
    path = cache_path(config)
    assert path.exists()
    stamp = path.stat().st_mtime_ns
    again = load_surfaces(config, progress=False)
    assert path.stat().st_mtime_ns == stamp  # read, not written again
    assert again.equals(first)
    other = SABRDataConfig(n_parameter_sets=2, mc_paths=600, maturities=(0.5,), patch_size=3)
    assert cache_path(other) != path
    # The cache holds exactly what a fresh generation gives (same settings, same table).
    assert generate_surfaces(config, progress=False).equals(first)


def test_a_study_names_the_data_with_its_settings(tmp_path: Path) -> None:
    options = {"n_parameter_sets": 4, "mc_paths": 500, "maturities": [0.5, 1.0]}
    spec = {
        "study": "sabr_data",
        "datasets": [{"name": "sabr_surfaces", "options": options}],
        "models": [{"name": "ridge", "tune": False}],
        "metrics": ["rmse_vol_points"],
        "split": {"kind": "holdout", "group": "surface", "test_size": 0.25},
    }
    dataset = bakeoff.Study(**spec).resolve().datasets["sabr_surfaces"]
    assert "surface" not in dataset.X.columns and "hf_error" not in dataset.X.columns
    assert dataset.X.shape[1] == 6 + 1 + 81


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"rho": [-1.5, 0.2]}, "rho range [-1.5, 0.2] leaves the model's domain"),
        ({"mc_paths": 5}, "mc_paths must be 100 to 10000000, got 5"),
        ({"paths": 100}, "takes no option 'paths'"),
    ],
)
def test_bad_data_settings_are_one_clear_message(
    tmp_path: Path, options: dict, expected: str
) -> None:
    spec = {
        "study": "sabr_bad",
        "datasets": [{"name": "sabr_surfaces", "options": options}],
        "models": [{"name": "ridge", "tune": False}],
        "storage": f"sqlite:///{tmp_path / 's.db'}",
    }
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(spec))
    result = run_cli("run", str(path))
    assert result.returncode == 2, result.stderr
    assert expected in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "s.db").exists()


def test_listing_the_datasets_does_not_generate_the_surfaces() -> None:
    done = run_cli("datasets", "list", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert "Generating" not in done.stderr
    listed = {row["name"]: row for row in json.loads(done.stdout)}
    assert listed["sabr_surfaces"]["n_numeric"] == 6 + 1 + 81
    assert listed["sabr_surfaces"]["rows"] is None
