"""The four surrogate networks (PyTorch) behind one scikit-learn regressor.

Written by hand: the architectures are the study's (a network that reads Hagan's patch as
an image beside the point's parameters); no package ships them. The regressor reads
the ``sabr_surfaces`` layout: the six point features (α, β, ρ, ν, ln K/F, T), Hagan's
volatility at the point, then the ``p × p`` patch.

- ``direct_mlp``: the point's features → the HF volatility.
- ``residual_mlp``: the point's features and Hagan's value → the correction HF − LF,
  added back to Hagan's value.
- ``cnn_only``: the LF patch (a CNN: 3 × 3 convolutions, each halving the image while it
  is 4 pixels or more, then global average pooling; then a dense head) → the HF volatility.
- ``mda_cnn``: multi-fidelity data aggregation: a CNN over the LF patch joined to an MLP
  over the point's features and Hagan's value, predicting the HF volatility as a linear
  function of Hagan's value plus that network's nonlinear part (the linear-plus-nonlinear
  composite of Meng & Karniadakis, 2020, J. Comput. Phys. 401:109020).

Inputs and target are standardised with the training rows' statistics (the patch with
one mean and scale for all its pixels, so it stays an image). Early stopping watches a
validation share carved (seeded) from the training rows and keeps the best epoch's
weights. Training is in float32. On the CPU, training runs on ``num_threads`` threads
(1 by default) with a seeded generator for the weights, dropout and batch order: the
same seed gives the same numbers, whatever else runs.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from sklearn.base import BaseEstimator, RegressorMixin
from torch import nn

__all__ = ["ARCHITECTURES", "SurfaceRegressor"]

ARCHITECTURES = ("direct_mlp", "residual_mlp", "cnn_only", "mda_cnn")
_N_POINT = 6  # alpha, beta, rho, nu, log_moneyness, maturity


def _widths(text: str | list[int] | tuple[int, ...], what: str) -> list[int]:
    """``"64,64"`` (as search spaces give categorical choices) or a list, as ints."""
    if isinstance(text, str):
        parts = [p for p in text.replace(" ", "").split(",") if p]
        values = [int(p) for p in parts] if all(p.isdigit() for p in parts) else []
    else:
        values = [int(v) for v in text]
    if not values or min(values) < 1:
        raise ValueError(f"{what} must be positive layer sizes such as '64,64', got {text!r}")
    return values


def _mlp(inputs: int, widths: list[int], dropout: float) -> tuple[nn.Sequential, int]:
    layers: list[nn.Module] = []
    for width in widths:
        layers += [nn.Linear(inputs, width), nn.ReLU(), nn.Dropout(dropout)]
        inputs = width
    return nn.Sequential(*layers), inputs


def _cnn(filters: list[int], dropout: float, patch: int) -> tuple[nn.Sequential, int]:
    layers: list[nn.Module] = []
    channels, side = 1, patch
    for count in filters:
        layers += [nn.Conv2d(channels, count, kernel_size=3, padding=1), nn.ReLU()]
        channels = count
        if side >= 4:  # halve the image while it is large: most of the cost is here
            layers.append(nn.MaxPool2d(2))
            side //= 2
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(dropout)]
    return nn.Sequential(*layers), channels


class _Network(nn.Module):
    def __init__(
        self, architecture: str, patch: int, filters: list[int], widths: list[int], dropout: float
    ) -> None:
        super().__init__()
        self.architecture, self.patch = architecture, patch
        uses_lf = architecture in ("residual_mlp", "mda_cnn")
        self.mlp: nn.Module | None = None
        self.cnn: nn.Module | None = None
        features = 0
        if architecture != "cnn_only":
            self.mlp, width = _mlp(_N_POINT + int(uses_lf), widths, dropout)
            features += width
        if architecture in ("cnn_only", "mda_cnn"):
            self.cnn, channels = _cnn(filters, dropout, patch)
            features += channels
        if architecture in ("cnn_only", "mda_cnn"):
            head, width = _mlp(features, widths[-1:], dropout)
            self.head = nn.Sequential(head, nn.Linear(width, 1))
        else:
            self.head = nn.Sequential(nn.Linear(features, 1))
        self.linear = nn.Linear(1, 1) if architecture == "mda_cnn" else None

    def forward(self, point: torch.Tensor, lf: torch.Tensor, patch: torch.Tensor) -> torch.Tensor:
        parts = []
        if self.mlp is not None:
            inputs = torch.cat([point, lf], dim=1) if self.architecture != "direct_mlp" else point
            parts.append(self.mlp(inputs))
        if self.cnn is not None:
            parts.append(self.cnn(patch.view(-1, 1, self.patch, self.patch)))
        out: torch.Tensor = self.head(torch.cat(parts, dim=1))
        if self.linear is not None:
            out = out + self.linear(lf)
        return out


class SurfaceRegressor(RegressorMixin, BaseEstimator):  # type: ignore[misc]
    """A SABR volatility surrogate (one of :data:`ARCHITECTURES`), scikit-learn style.

    Args:
        architecture: ``direct_mlp``, ``residual_mlp``, ``cnn_only`` or ``mda_cnn``.
        learning_rate: Adam's learning rate.
        batch_size: Rows per gradient step.
        dropout: Dropout after each hidden layer.
        cnn_filters: Channels of the 3 × 3 convolutions, e.g. ``"32,64,128"``.
        mlp_widths: Hidden widths of the MLP, e.g. ``"128,64"``.
        epochs: Most epochs to train.
        patience: Epochs without a better validation loss before stopping.
        validation_fraction: Share of the training rows held out for early stopping
            (none below 10 rows).
        weight_decay: Adam's L2 penalty.
        device: ``cpu``, ``cuda`` or ``auto`` (CUDA when present).
        num_threads: CPU threads while training (1: the same numbers on any machine).
        random_state: Seed of the weights, dropout, batch order and validation rows.
    """

    def __init__(
        self,
        architecture: str = "mda_cnn",
        learning_rate: float = 1e-3,
        batch_size: int = 64,
        dropout: float = 0.1,
        cnn_filters: str = "32,64",
        mlp_widths: str = "64,64",
        epochs: int = 200,
        patience: int = 20,
        validation_fraction: float = 0.2,
        weight_decay: float = 0.0,
        device: str = "cpu",
        num_threads: int = 1,
        random_state: int = 0,
    ) -> None:
        self.architecture = architecture
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.dropout = dropout
        self.cnn_filters = cnn_filters
        self.mlp_widths = mlp_widths
        self.epochs = epochs
        self.patience = patience
        self.validation_fraction = validation_fraction
        self.weight_decay = weight_decay
        self.device = device
        self.num_threads = num_threads
        self.random_state = random_state

    def fit(
        self,
        X: Any,
        y: Any,
        *,
        checkpoints: int = 0,
        on_checkpoint: Callable[[], None] | None = None,
    ) -> SurfaceRegressor:
        """Train the network.

        With ``on_checkpoint``, call it ``checkpoints`` times, evenly over the epochs (the
        rest at the end when early stopping ends training sooner).
        """
        if self.architecture not in ARCHITECTURES:
            raise ValueError(
                f"architecture must be one of {', '.join(ARCHITECTURES)}, got {self.architecture!r}"
            )
        X = np.asarray(X, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64).ravel()
        patch = math.isqrt(max(X.shape[1] - _N_POINT - 1, 0))
        if patch < 1 or X.shape[1] != _N_POINT + 1 + patch * patch:
            raise ValueError(
                f"SurfaceRegressor reads the sabr_surfaces layout (6 point features, Hagan's "
                f"value, a square patch); got {X.shape[1]} columns"
            )
        self.patch_size_ = patch
        self.device_ = _device(self.device)
        threads = torch.get_num_threads()
        torch.set_num_threads(max(1, int(self.num_threads)))
        try:
            self._train(X, y, checkpoints, on_checkpoint)
        finally:
            torch.set_num_threads(threads)
        return self

    def predict(self, X: Any) -> np.ndarray:
        """HF volatilities for the rows of ``X``."""
        X = np.asarray(X, dtype=np.float64)
        self.network_.eval()
        with torch.no_grad():
            out = self.network_(*self._tensors(X)).cpu().numpy().ravel().astype(np.float64)
        prediction = out * self.y_scale_ + self.y_mean_
        if self.architecture == "residual_mlp":
            prediction = prediction + X[:, _N_POINT]
        return np.asarray(prediction)

    # -- training -------------------------------------------------------------------

    def _train(
        self,
        X: np.ndarray,
        y: np.ndarray,
        checkpoints: int,
        on_checkpoint: Callable[[], None] | None,
    ) -> None:
        rng = np.random.default_rng(self.random_state)
        n = len(X)
        n_val = round(self.validation_fraction * n) if n >= 10 else 0
        order = rng.permutation(n)
        val, fit = order[:n_val], order[n_val:]
        self._standardise(X[fit], y[fit])
        torch.manual_seed(self.random_state)
        generator = torch.Generator().manual_seed(self.random_state)
        self.network_ = _Network(
            self.architecture,
            self.patch_size_,
            _widths(self.cnn_filters, "cnn_filters"),
            _widths(self.mlp_widths, "mlp_widths"),
            float(self.dropout),
        ).to(self.device_, dtype=torch.float32)
        optimiser = torch.optim.Adam(
            self.network_.parameters(), lr=float(self.learning_rate), weight_decay=self.weight_decay
        )
        inputs = self._tensors(X[fit])
        target = self._target(X[fit], y[fit])
        val_inputs = self._tensors(X[val]) if n_val else None
        val_target = self._target(X[val], y[val]) if n_val else None
        epochs = max(1, int(self.epochs))
        marks = sorted(
            {max(1, math.ceil(epochs * (i + 1) / checkpoints)) for i in range(checkpoints)}
        )
        reported = 0
        best, best_state, waited = math.inf, None, 0
        self.epoch_seconds_: list[float] = []
        batch = max(1, int(self.batch_size))
        for epoch in range(1, epochs + 1):
            clock = time.perf_counter()
            self.network_.train()
            permutation = torch.randperm(len(target), generator=generator).to(self.device_)
            for start in range(0, len(target), batch):
                rows = permutation[start : start + batch]
                optimiser.zero_grad()
                loss = torch.mean((self.network_(*(t[rows] for t in inputs)) - target[rows]) ** 2)
                loss.backward()  # type: ignore[no-untyped-call]
                optimiser.step()
            self.epoch_seconds_.append(time.perf_counter() - clock)
            stop = False
            if val_inputs is not None and val_target is not None:
                self.network_.eval()
                with torch.no_grad():
                    value = float(torch.mean((self.network_(*val_inputs) - val_target) ** 2))
                if value < best:
                    best, waited = value, 0
                    best_state = {
                        k: v.detach().clone() for k, v in self.network_.state_dict().items()
                    }
                else:
                    waited += 1
                    stop = waited >= self.patience
            if on_checkpoint is not None:
                while reported < len(marks) and marks[reported] <= epoch:
                    on_checkpoint()
                    reported += 1
            if stop:
                break
        self.n_epochs_ = len(self.epoch_seconds_)
        if best_state is not None:
            self.network_.load_state_dict(best_state)
        self.best_validation_loss_ = best
        if on_checkpoint is not None:
            for _ in range(reported, checkpoints):
                on_checkpoint()

    def _standardise(self, X: np.ndarray, y: np.ndarray) -> None:
        point, lf, patch = X[:, :_N_POINT], X[:, _N_POINT], X[:, _N_POINT + 1 :]
        self.point_mean_, self.point_scale_ = point.mean(axis=0), _scale(point.std(axis=0))
        self.lf_mean_, self.lf_scale_ = float(lf.mean()), float(_scale(np.array([lf.std()]))[0])
        self.patch_mean_ = float(patch.mean())
        self.patch_scale_ = float(_scale(np.array([patch.std()]))[0])
        target = y - lf if self.architecture == "residual_mlp" else y
        self.y_mean_, self.y_scale_ = (
            float(target.mean()),
            float(_scale(np.array([target.std()]))[0]),
        )

    def _tensors(self, X: np.ndarray) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        point = (X[:, :_N_POINT] - self.point_mean_) / self.point_scale_
        lf = (X[:, _N_POINT : _N_POINT + 1] - self.lf_mean_) / self.lf_scale_
        patch = (X[:, _N_POINT + 1 :] - self.patch_mean_) / self.patch_scale_
        return tuple(  # type: ignore[return-value]
            torch.as_tensor(a, dtype=torch.float32, device=self.device_) for a in (point, lf, patch)
        )

    def _target(self, X: np.ndarray, y: np.ndarray) -> torch.Tensor:
        target = y - X[:, _N_POINT] if self.architecture == "residual_mlp" else y
        scaled = (target - self.y_mean_) / self.y_scale_
        return torch.as_tensor(scaled[:, None], dtype=torch.float32, device=self.device_)


def _scale(sd: np.ndarray) -> np.ndarray:
    return np.where(sd > 1e-12, sd, 1.0)


def _device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            "device: cuda was asked for, but PyTorch sees no CUDA GPU; use cpu or auto"
        )
    if name not in ("cpu", "cuda"):
        raise ValueError(f"device must be cpu, cuda or auto, got {name!r}")
    return torch.device(name)
