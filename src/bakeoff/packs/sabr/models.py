"""The four SABR surrogates as bakeoff models, tuned over the study's search space.

Registering them imports nothing heavy; PyTorch loads when the first network is built
(``pip install "bakeoff[neural]"``). Each reports its epochs to the pruner (``resource:
epochs``): one fit gives ``steps_per_fit`` checkpoints, spread over its epochs.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from bakeoff.exceptions import MissingExtraError
from bakeoff.models import Model, register_model

if TYPE_CHECKING:
    from sklearn.base import BaseEstimator

    from bakeoff.tuning import SearchSpace

__all__ = ["SurfaceModel"]

_COMMON: dict[str, Any] = {
    "learning_rate": {
        "type": "float",
        "low": 1e-4,
        "high": 3e-3,
        "log": True,
        "grid": [1e-4, 3e-4, 1e-3, 3e-3],
    },
    "batch_size": {"type": "categorical", "choices": [32, 64, 128]},
    "dropout": {"type": "categorical", "choices": [0.1, 0.2, 0.3]},
    "mlp_widths": {"type": "categorical", "choices": ["64,64", "128,64", "128,128,64"]},
    "epochs": {"type": "int", "low": 50, "high": 300, "step": 50, "grid": [100, 200, 300]},
}
_FILTERS = {"type": "categorical", "choices": ["32,64", "32,64,128", "64,128,256"]}

_DESCRIPTIONS = {
    "direct_mlp": "SABR surrogate: MLP from the parameters and the point to the HF vol",
    "residual_mlp": "SABR surrogate: MLP for the HF − Hagan correction",
    "cnn_only": "SABR surrogate: CNN over Hagan's patch around the point",
    "mda_cnn": "SABR surrogate: multi-fidelity CNN (Hagan's patch) + MLP (parameters)",
}


class SurfaceModel(Model):
    """One of the SABR surrogate architectures (see :mod:`bakeoff.packs.sabr._networks`)."""

    tasks = ("regression",)
    needs_scaling = False  # the network standardises its inputs itself
    resource = "epochs"
    steps_per_fit = 10

    def __init__(self, architecture: str) -> None:
        """The surrogate ``architecture``: direct_mlp, residual_mlp, cnn_only or mda_cnn."""
        self.name = architecture
        self.architecture = architecture
        self.description = _DESCRIPTIONS[architecture]

    def _space_spec(self) -> dict[str, Any]:
        space = dict(_COMMON)
        if self.architecture in ("cnn_only", "mda_cnn"):
            space["cnn_filters"] = _FILTERS
        return space

    def search_space(self) -> SearchSpace:
        """The shared training settings, plus the filters of the convolutional ones."""
        from bakeoff.tuning import SearchSpace

        return SearchSpace(self._space_spec())

    def parameter_names(self) -> list[str]:
        """The space's parameter names, without building it (``bakeoff models list``)."""
        return list(self._space_spec())

    def check_params(self, params: Mapping[str, Any], *, runs_here: bool) -> None:
        """Refuse an unknown ``device``, and ``cuda`` where this machine has no GPU."""
        device = params.get("device", "cpu")
        if device not in ("cpu", "cuda", "auto"):
            raise ValueError(f"device must be cpu, cuda or auto, got {device!r}")
        if device == "cuda" and runs_here and importlib.util.find_spec("torch") is not None:
            import torch

            if not torch.cuda.is_available():
                raise ValueError(
                    "device: cuda, but PyTorch sees no CUDA GPU on this machine. Write "
                    "device: auto (CUDA when there is one, else the CPU) or device: cpu"
                )

    def build(self, params: Mapping[str, Any], *, task: str, random_state: int) -> BaseEstimator:
        """An unfitted ``SurfaceRegressor``; names the ``neural`` extra without PyTorch."""
        if importlib.util.find_spec("torch") is None:
            raise MissingExtraError(
                f"model '{self.name}' needs PyTorch, which is not installed. Install it "
                f'with: pip install "bakeoff[neural]"'
            )
        from bakeoff.packs.sabr._networks import SurfaceRegressor

        settings = {"random_state": random_state, **params}
        return SurfaceRegressor(architecture=self.architecture, **settings)

    def fit_steps(
        self,
        pipeline: Any,
        X: Any,
        y: Any,
        *,
        X_val: Any,
        on_step: Callable[[Any, Any], None],
    ) -> None:
        """Train once, reporting validation predictions at each epoch checkpoint."""
        # The network trains once; at each checkpoint it predicts the fold's validation
        # rows with its current weights (what the pruner compares across trials).
        preprocess, network = pipeline[:-1], pipeline[-1]
        X_fit = preprocess.fit_transform(X, y)
        X_check = preprocess.transform(X_val)
        network.fit(
            X_fit,
            y,
            checkpoints=self.steps_per_fit,
            on_checkpoint=lambda: on_step(network.predict(X_check), None),
        )


for _architecture in _DESCRIPTIONS:
    register_model(SurfaceModel(_architecture))
