"""The four SABR surrogates: they learn, they are deterministic, they report epochs."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from bakeoff import metrics as metric_registry
from bakeoff import models as model_registry
from bakeoff.packs.sabr import SABRDataConfig, generate_surfaces
from bakeoff.packs.sabr._networks import ARCHITECTURES, SurfaceRegressor
from bakeoff.protocol import make_pipeline

CONFIG = SABRDataConfig(n_parameter_sets=16, mc_paths=4000, maturities=(0.5, 1.0, 2.0), seed=5)
SMALL_NET = {"epochs": 40, "cnn_filters": "8,8", "mlp_widths": "32,32", "batch_size": 32}


@pytest.fixture(scope="module")
def data() -> tuple[pd.DataFrame, np.ndarray, pd.DataFrame, np.ndarray]:
    frame = generate_surfaces(CONFIG, progress=False)
    features = frame.drop(columns=["surface", "hf_vol", "hf_error"])
    train = frame["surface"].isin(sorted(frame["surface"].unique())[:12]).to_numpy()
    y = frame["hf_vol"].to_numpy()
    return features[train], y[train], features[~train], y[~train]


def rmse(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.sqrt(np.mean((a - b) ** 2)))


@pytest.mark.parametrize("architecture", ARCHITECTURES)
def test_each_surrogate_learns_the_high_fidelity_surface(architecture: str, data: tuple) -> None:
    X, y, X_test, y_test = data
    network = SurfaceRegressor(architecture=architecture, random_state=0, **SMALL_NET).fit(X, y)
    predicted = network.predict(X_test)
    assert predicted.shape == y_test.shape and np.isfinite(predicted).all()
    # Better than predicting the training mean on surfaces it never saw.
    assert rmse(predicted, y_test) < 0.6 * rmse(np.full_like(y_test, y.mean()), y_test)
    assert 1 <= network.n_epochs_ <= SMALL_NET["epochs"]


def test_a_seed_gives_the_same_network_on_the_cpu(data: tuple) -> None:
    X, y, X_test, _ = data
    first = SurfaceRegressor(architecture="mda_cnn", random_state=7, **SMALL_NET).fit(X, y)
    second = SurfaceRegressor(architecture="mda_cnn", random_state=7, **SMALL_NET).fit(X, y)
    other = SurfaceRegressor(architecture="mda_cnn", random_state=8, **SMALL_NET).fit(X, y)
    assert np.array_equal(first.predict(X_test), second.predict(X_test))
    assert not np.array_equal(first.predict(X_test), other.predict(X_test))


def test_early_stopping_keeps_the_best_validation_epoch(data: tuple) -> None:
    X, y, _, _ = data
    network = SurfaceRegressor(
        architecture="direct_mlp", epochs=400, patience=3, learning_rate=3e-3, random_state=0
    ).fit(X, y)
    assert network.n_epochs_ < 400  # stopped: 3 epochs without a better validation loss
    # The kept weights are the best epoch's: recompute the validation loss from them.
    n_val = round(0.2 * len(X))
    validation = np.random.default_rng(0).permutation(len(X))[:n_val]
    X_val = np.asarray(X, dtype=float)[validation]
    scaled = (network.predict(X_val) - network.y_mean_) / network.y_scale_
    target = (y[validation] - network.y_mean_) / network.y_scale_
    assert np.mean((scaled - target) ** 2) == pytest.approx(network.best_validation_loss_, rel=1e-4)


def test_epoch_checkpoints_leave_the_network_a_plain_fit_would(data: tuple) -> None:
    X, y, X_test, _ = data
    model = model_registry.get("residual_mlp")
    assert model.resource == "epochs"
    seen: list[np.ndarray] = []
    pipeline = make_pipeline(
        model.build(SMALL_NET, task="regression", random_state=3),
        numeric=list(X.columns),
        categorical=[],
        scale=False,
    )
    model.fit_steps(pipeline, X, y, X_val=X_test, on_step=lambda pred, proba: seen.append(pred))
    assert len(seen) == model.steps_per_fit
    plain = make_pipeline(
        model.build(SMALL_NET, task="regression", random_state=3),
        numeric=list(X.columns),
        categorical=[],
        scale=False,
    ).fit(X, y)
    assert np.array_equal(pipeline.predict(X_test), plain.predict(X_test))
    # Training moved the predictions between the first and the last checkpoint.
    assert not np.array_equal(seen[0], seen[-1])


def test_the_errors_are_in_volatility_points_overall_and_per_region() -> None:
    X = pd.DataFrame(
        {"log_moneyness": np.log([0.8, 1.0, 1.0, 1.3]), "maturity": [0.5, 0.5, 2.0, 2.0]}
    )
    y_true = np.array([0.20, 0.25, 0.30, 0.35])
    y_pred = np.array([0.21, 0.25, 0.28, 0.35])  # errors: +1, 0, −2, 0 vol points

    def score(name: str) -> float:
        return metric_registry.get(name)(y_true, y_pred, X=X)

    assert score("rmse_vol_points") == pytest.approx(np.sqrt((1 + 4) / 4))
    assert score("mae_vol_points") == pytest.approx(3 / 4)
    assert score("rmse_itm") == pytest.approx(1.0)  # K/F = 0.8 only
    assert score("rmse_atm") == pytest.approx(np.sqrt(4 / 2))
    assert score("rmse_otm") == pytest.approx(0.0)
    assert score("mae_short") == pytest.approx(0.5)
    assert score("mae_long") == pytest.approx(1.0)
    assert np.isnan(metric_registry.get("rmse_itm")(y_true[1:], y_pred[1:], X=X.iloc[1:]))


def test_a_missing_torch_names_the_extra_to_install() -> None:
    code = (
        "import sys; sys.modules['torch'] = None\n"
        "import bakeoff.packs.sabr\n"
        "from bakeoff import models\n"
        "try:\n"
        "    models.get('mda_cnn').build({}, task='regression', random_state=0)\n"
        "except Exception as exc:\n"
        "    print(type(exc).__name__, exc)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "MissingExtraError" in done.stdout
    assert 'pip install "bakeoff[neural]"' in done.stdout
