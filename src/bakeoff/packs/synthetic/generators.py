"""The pack's generators as bakeoff models of the ``synthesis`` task.

SDV's four single-table synthesizers (``gaussian_copula``, ``ctgan``, ``tvae``,
``copulagan``, behind ``pip install "bakeoff[synthetic]"``) and the ``independent``
baseline, which samples each column on its own from its marginal (no extra needed),
so that every score has a floor. Registering them imports nothing heavy: SDV and
PyTorch load when the first generator is built.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from bakeoff.models import Generator, Model, register_model

if TYPE_CHECKING:
    from bakeoff.tuning import SearchSpace

__all__ = ["SDV_SYNTHESIZERS", "GeneratorModel"]

# SDV's parametric marginals (gaussian_kde, non-parametric, is slow: a study may add it).
_DISTRIBUTIONS = ["norm", "beta", "truncnorm", "uniform", "gamma"]

# CTGAN and CopulaGAN: batch sizes are multiples of every pac (CTGAN needs
# batch_size % pac == 0, and an even batch), so any pair the search draws is valid.
_GAN: dict[str, Any] = {
    "epochs": {"type": "int", "low": 50, "high": 500, "step": 50, "grid": [100, 300]},
    "batch_size": {"type": "categorical", "choices": [100, 200, 500]},
    "pac": {"type": "categorical", "choices": [1, 2, 5, 10]},
    "embedding_dim": {"type": "categorical", "choices": [64, 128, 256]},
    "generator_dim": {"type": "categorical", "choices": ["128,128", "256,256", "256,256,256"]},
    "discriminator_dim": {
        "type": "categorical",
        "choices": ["128,128", "256,256", "256,256,256"],
    },
    "generator_lr": {"type": "float", "low": 5e-5, "high": 5e-3, "log": True},
    "discriminator_lr": {"type": "float", "low": 5e-5, "high": 5e-3, "log": True},
}

_TVAE: dict[str, Any] = {
    "epochs": {"type": "int", "low": 50, "high": 500, "step": 50, "grid": [100, 300]},
    "batch_size": {"type": "categorical", "choices": [100, 200, 500]},
    "embedding_dim": {"type": "categorical", "choices": [64, 128, 256]},
    "compress_dims": {"type": "categorical", "choices": ["128,128", "256,256", "256,128"]},
    "decompress_dims": {"type": "categorical", "choices": ["128,128", "256,256", "128,256"]},
    "l2scale": {"type": "float", "low": 1e-6, "high": 1e-3, "log": True},
    "loss_factor": {"type": "float", "low": 0.5, "high": 4.0},
}

_SPACES: dict[str, dict[str, Any]] = {
    "gaussian_copula": {
        "default_distribution": {"type": "categorical", "choices": _DISTRIBUTIONS},
        "enforce_min_max_values": {"type": "categorical", "choices": [True, False]},
    },
    "ctgan": _GAN,
    "tvae": _TVAE,
    "copulagan": {
        **_GAN,
        "default_distribution": {"type": "categorical", "choices": _DISTRIBUTIONS},
    },
}

#: The SDV synthesizer class behind each generator name.
SDV_SYNTHESIZERS = {
    "gaussian_copula": "GaussianCopulaSynthesizer",
    "ctgan": "CTGANSynthesizer",
    "tvae": "TVAESynthesizer",
    "copulagan": "CopulaGANSynthesizer",
}

_DESCRIPTIONS = {
    "gaussian_copula": "SDV GaussianCopula: marginals joined by a Gaussian copula",
    "ctgan": "SDV CTGAN: conditional tabular GAN (PyTorch)",
    "tvae": "SDV TVAE: tabular variational autoencoder (PyTorch)",
    "copulagan": "SDV CopulaGAN: CTGAN on copula-transformed columns (PyTorch)",
    "independent": "baseline: each column sampled on its own from its marginal",
}

#: Parameters a study may fix besides the search space's: ``sdtypes`` overrides the
#: SDV column types built from the feature kinds ({column: sdtype}); ``verbose`` prints
#: SDV's own progress.
_FIXED_ONLY = {"sdtypes", "verbose", "enable_gpu"}


class GeneratorModel(Model):
    """A table generator: one of SDV's synthesizers, or the ``independent`` baseline."""

    tasks = ("synthesis",)

    def __init__(self, name: str) -> None:
        """The generator registered as ``name`` (see :data:`SDV_SYNTHESIZERS`)."""
        self.name = name
        self.description = _DESCRIPTIONS[name]
        self.needs_extra = ("sdv", "synthetic") if name in SDV_SYNTHESIZERS else None

    def search_space(self) -> SearchSpace:
        """The default space over the synthesizer's hyperparameters (none: the baseline)."""
        from bakeoff.tuning import SearchSpace

        return SearchSpace(_SPACES.get(self.name, {}))

    def parameter_names(self) -> list[str]:
        """The space's parameter names, without building it (``bakeoff models list``)."""
        return list(_SPACES.get(self.name, {}))

    def default_params(self) -> dict[str, Any]:
        """``enable_gpu: false`` for the networks, nothing for the others."""
        # The GANs and TVAE train on the CPU unless a study says otherwise.
        return {"enable_gpu": False} if self.name in ("ctgan", "tvae", "copulagan") else {}

    def param_names(self, task: str) -> set[str] | None:
        """The synthesizer's options a study may fix or search, and ``sdtypes``."""
        if self.name == "independent":
            return set()
        return set(_SPACES[self.name]) | _FIXED_ONLY | _extra_names(self.name)

    def build(self, params: Mapping[str, Any], *, task: str, random_state: int) -> Generator:
        """An unfitted generator with these settings, seeded by ``random_state``."""
        if self.name == "independent":
            from bakeoff.packs.synthetic._independent import IndependentGenerator

            return IndependentGenerator(random_state=random_state)
        from bakeoff.packs.synthetic._sdv import SDVGenerator

        return SDVGenerator(SDV_SYNTHESIZERS[self.name], dict(params), random_state=random_state)


def _extra_names(name: str) -> set[str]:
    # SDV's own options that the default spaces leave alone, which a study may fix.
    common = {"enforce_min_max_values", "enforce_rounding", "locales"}
    if name == "gaussian_copula":
        return common | {"numerical_distributions", "default_distribution"}
    gan = {
        "generator_decay",
        "discriminator_decay",
        "discriminator_steps",
        "log_frequency",
        "epochs",
        "batch_size",
        "embedding_dim",
    }
    if name == "tvae":
        return common | {"epochs", "batch_size", "embedding_dim"}
    if name == "copulagan":
        return common | gan | {"numerical_distributions", "default_distribution"}
    return common | gan


for _name in (*SDV_SYNTHESIZERS, "independent"):
    register_model(GeneratorModel(_name))
