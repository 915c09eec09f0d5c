"""What the SABR pack registers: the ``sabr_surfaces`` dataset, its metrics, its models.

Nothing heavy is imported here: NumPy, SciPy and PyTorch load when a dataset is
generated, a metric scores or a model is built.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bakeoff.datasets import register_dataset
from bakeoff.packs.sabr import metrics, models  # noqa: F401  (they register themselves)
from bakeoff.packs.sabr.data import SABRDataConfig

if TYPE_CHECKING:
    import pandas as pd

__all__: list[str] = []

_DEFAULT = SABRDataConfig()
_PATCH = [f"patch_{i}_{j}" for i in range(_DEFAULT.patch_size) for j in range(_DEFAULT.patch_size)]


@register_dataset(
    "sabr_surfaces",
    target="hf_vol",
    task="regression",
    description="SABR implied vols: Monte Carlo (HF) targets, Hagan (LF) value and patch",
    source="bakeoff.packs.sabr.data (generated offline, cached by content)",
    drop=("hf_error",),
    n_numeric=6 + 1 + len(_PATCH),  # the rows follow the settings: none is declared
    n_categorical=0,
    # Hagan's value (and the patch's centre) predict the target almost perfectly: by
    # design, they are the low fidelity the surrogates correct.
    types={"lf_vol": "numeric", **dict.fromkeys(_PATCH, "numeric")},
    license="generated data: no licence needed",
    citation="Hagan, Kumar, Lesniewski & Woodward (2002), Managing smile risk, Wilmott",
)
def _sabr_surfaces(
    n_parameter_sets: int = _DEFAULT.n_parameter_sets,
    mc_paths: int = _DEFAULT.mc_paths,
    steps_per_year: int = _DEFAULT.steps_per_year,
    strikes: list[float] = list(_DEFAULT.strikes),  # noqa: B006  (never mutated)
    maturities: list[float] = list(_DEFAULT.maturities),  # noqa: B006
    alpha: list[float] = list(_DEFAULT.alpha),  # noqa: B006
    beta: list[float] = list(_DEFAULT.beta),  # noqa: B006
    rho: list[float] = list(_DEFAULT.rho),  # noqa: B006
    nu: list[float] = list(_DEFAULT.nu),  # noqa: B006
    patch_step_moneyness: float = _DEFAULT.patch_step_moneyness,
    patch_step_maturity: float = _DEFAULT.patch_step_maturity,
    seed: int = _DEFAULT.seed,
) -> pd.DataFrame:
    """The surfaces of :class:`SABRDataConfig` for these settings, from the cache.

    The patch is 9 × 9 here (its columns are declared); other sizes are for
    :func:`bakeoff.packs.sabr.load_surfaces` and a dataset registered from it.
    """
    settings: dict[str, Any] = dict(locals())
    from bakeoff.packs.sabr.data import load_surfaces

    return load_surfaces(SABRDataConfig.from_options(**settings))
