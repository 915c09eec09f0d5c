"""Training data for SABR surrogates: Hagan everywhere, Monte Carlo on a grid, cached.

One row per high-fidelity (HF) point: a SABR parameter set (a *surface*), a strike and a
maturity. Its features are the point (``alpha``, ``beta``, ``rho``, ``nu``,
``log_moneyness`` = ln K/F, ``maturity``), the low-fidelity (LF) Hagan volatility there
(``lf_vol``) and an LF *patch*: Hagan's volatilities on a ``patch_size`` × ``patch_size``
local grid centred on the point (``patch_<i>_<j>``, maturity rows, log-moneyness
columns; ``patch_step_moneyness`` and ``patch_step_maturity`` apart), which the CNN
models read as an image. The target ``hf_vol`` is the Monte Carlo implied volatility;
``hf_error`` its standard error and ``surface`` the parameter set's id (a study holds out
whole surfaces with ``split: {kind: holdout, group: surface}``).

Parameter sets are a scrambled Sobol sequence (SciPy's ``qmc.Sobol``) mapped to the
ranges of :class:`SABRDataConfig`; the forward is 1 (strikes are relative to it). Points
where Monte Carlo finds no volatility (a price below its intrinsic value within the
noise, far out of the money) are left out, and counted.

Generated tables are cached by content: the file name is a hash of the settings (and of
this module's format version), under ``$BAKEOFF_CACHE/sabr``; the same settings read the
file, never regenerate it, whichever study asks.
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["POINT_FEATURES", "SABRDataConfig", "generate_surfaces", "load_surfaces"]

#: The point's features, in the order the models read them.
POINT_FEATURES = ("alpha", "beta", "rho", "nu", "log_moneyness", "maturity")
#: Bump when the table's layout or the generation changes: old caches are not reused.
_FORMAT = 2


@dataclass(frozen=True)
class SABRDataConfig:
    """What ``sabr_surfaces`` generates (a study's ``options:``, its ``data_gen_config``).

    Attributes:
        n_parameter_sets: Surfaces (SABR parameter sets), each with its LF and HF grid.
        mc_paths: Monte Carlo paths per surface (antithetic pairs count twice).
        steps_per_year: Monte Carlo time steps per year.
        strikes: Strikes relative to the forward (K / F).
        maturities: Maturities in years, increasing.
        alpha: Range of the initial volatility α.
        beta: Range of the CEV exponent β.
        rho: Range of the correlation ρ.
        nu: Range of the volatility of volatility ν.
        patch_size: Side of the LF patch (odd).
        patch_step_moneyness: Log-moneyness step of the patch grid.
        patch_step_maturity: Maturity step of the patch grid (years; the patch's
            maturities are kept at or above a week).
        seed: Seed of the Sobol scrambling and of the Monte Carlo draws.
    """

    n_parameter_sets: int = 200
    mc_paths: int = 30_000
    steps_per_year: int = 50
    strikes: tuple[float, ...] = (0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.35, 1.5)
    maturities: tuple[float, ...] = (0.25, 0.5, 1.0, 2.0, 3.0, 5.0)
    alpha: tuple[float, float] = (0.15, 0.5)
    beta: tuple[float, float] = (0.3, 1.0)
    rho: tuple[float, float] = (-0.7, 0.3)
    nu: tuple[float, float] = (0.1, 0.8)
    patch_size: int = 9
    patch_step_moneyness: float = 0.05
    patch_step_maturity: float = 0.1
    seed: int = 0

    def __post_init__(self) -> None:
        """Check every setting at once; raise a ``SpecError`` listing each bad one."""
        problems = []
        if not 2 <= self.n_parameter_sets <= 100_000:
            problems.append(f"n_parameter_sets must be 2 to 100000, got {self.n_parameter_sets}")
        if not 100 <= self.mc_paths <= 10_000_000:
            problems.append(f"mc_paths must be 100 to 10000000, got {self.mc_paths}")
        if not 1 <= self.steps_per_year <= 10_000:
            problems.append(f"steps_per_year must be 1 to 10000, got {self.steps_per_year}")
        if not self.strikes or min(self.strikes) <= 0:
            problems.append(f"strikes must be positive ratios K/F, got {list(self.strikes)}")
        if (
            not self.maturities
            or min(self.maturities) <= 0
            or list(self.maturities) != sorted(set(self.maturities))
        ):
            problems.append(f"maturities must be positive and increasing, got {self.maturities}")
        # (lowest allowed, highest allowed, whether the bounds themselves are allowed)
        domains = {
            "alpha": (0.0, float("inf"), False),
            "beta": (0.0, 1.0, True),
            "rho": (-1.0, 1.0, False),
            "nu": (0.0, float("inf"), True),
        }
        for name, (lowest, highest, closed) in domains.items():
            value = getattr(self, name)
            if len(value) != 2 or value[0] > value[1]:
                problems.append(f"{name} must be a range [low, high] with low <= high, got {value}")
                continue
            inside = (
                lowest <= value[0] and value[1] <= highest
                if closed
                else lowest < value[0] and value[1] < highest
            )
            if not inside:
                sign = "<=" if closed else "<"
                problems.append(
                    f"{name} range {list(value)} leaves the model's domain "
                    f"({lowest:g} {sign} {name} {sign} {highest:g})"
                )
        if self.patch_size < 1 or self.patch_size % 2 == 0:
            problems.append(f"patch_size must be odd and positive, got {self.patch_size}")
        if self.patch_step_moneyness <= 0 or self.patch_step_maturity <= 0:
            problems.append("patch steps must be positive")
        if problems:
            raise ValueError("; ".join(problems))

    @classmethod
    def from_options(cls, **options: Any) -> SABRDataConfig:
        """Settings from a study's ``options:`` (lists become tuples)."""
        settings: dict[str, Any] = {
            k: tuple(v) if isinstance(v, list) else v for k, v in options.items()
        }
        return cls(**settings)

    def digest(self) -> str:
        """The content hash that names the cache file."""
        text = json.dumps({"format": _FORMAT, **asdict(self)}, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:20]


def cache_path(config: SABRDataConfig) -> Path:
    """Where the table for ``config`` is (or will be) cached."""
    from bakeoff.datasets import cache_dir

    return cache_dir() / "sabr" / f"surfaces-{config.digest()}.parquet"


def load_surfaces(config: SABRDataConfig | None = None, *, progress: bool = True) -> pd.DataFrame:
    """The table for ``config``: read from the cache, or generated once and cached.

    Args:
        config: The settings (the defaults when None).
        progress: Show progress on standard error while generating.
    """
    import pandas as pd

    config = config or SABRDataConfig()
    path = cache_path(config)
    if path.exists():
        return pd.read_parquet(path)
    frame = generate_surfaces(config, progress=progress)
    if progress:
        print(f"sabr_surfaces: cached in {path}", file=sys.stderr)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written under another name and renamed, so a reader never sees half a file.
    partial = path.with_suffix(f".{time.time_ns()}.partial")
    frame.to_parquet(partial, index=False)
    partial.replace(path)
    return frame


def patch_columns(config: SABRDataConfig) -> list[str]:
    """The LF patch's column names, row by row (maturity), then across (moneyness)."""
    side = range(config.patch_size)
    return [f"patch_{i}_{j}" for i in side for j in side]


def parameter_sets(config: SABRDataConfig) -> np.ndarray:
    """The (α, β, ρ, ν) of each surface.

    A scrambled Sobol sequence over the ranges (``n_parameter_sets`` a power of two covers
    them best).
    """
    import numpy as np
    from scipy.stats import qmc

    sobol = qmc.Sobol(d=4, scramble=True, seed=config.seed)
    # The first n points of the 2^m-point sequence (SciPy warns on other counts: only
    # powers of two are balanced; use one for the best coverage).
    m = max(1, math.ceil(math.log2(config.n_parameter_sets)))
    unit = sobol.random_base2(m)[: config.n_parameter_sets]
    low = np.array([config.alpha[0], config.beta[0], config.rho[0], config.nu[0]])
    high = np.array([config.alpha[1], config.beta[1], config.rho[1], config.nu[1]])
    return np.asarray(qmc.scale(unit, low, high) if np.any(high > low) else low + 0 * unit)


def generate_surfaces(config: SABRDataConfig, *, progress: bool = True) -> pd.DataFrame:
    """Generate the table (no cache): LF everywhere, Monte Carlo HF on every grid point."""
    import numpy as np
    import pandas as pd

    from bakeoff.packs.sabr.hagan import hagan_lognormal_vol
    from bakeoff.packs.sabr.monte_carlo import sabr_monte_carlo_grid

    strikes = np.asarray(config.strikes, dtype=float)
    maturities = np.asarray(config.maturities, dtype=float)
    half = config.patch_size // 2
    offsets = np.arange(-half, half + 1)
    grid_k, grid_t = np.log(strikes), maturities
    frames = []
    dropped = 0
    clock = time.perf_counter()
    sets = parameter_sets(config)
    with _Progress(len(sets), enabled=progress, what="SABR surfaces") as shown:
        for index, (alpha, beta, rho, nu) in enumerate(sets):
            hf, hf_error, _ = sabr_monte_carlo_grid(
                1.0,
                strikes,
                maturities,
                alpha,
                beta,
                rho,
                nu,
                n_paths=config.mc_paths,
                steps_per_year=config.steps_per_year,
                seed=_surface_seed(config.seed, index),
            )
            # The patch around each grid point: maturities down the rows, log-moneyness
            # across the columns; shape (maturities, strikes, patch, patch).
            t = np.maximum(
                grid_t[:, None, None, None]
                + offsets[None, None, :, None] * config.patch_step_maturity,
                1.0 / 52,
            )
            k = (
                grid_k[None, :, None, None]
                + offsets[None, None, None, :] * config.patch_step_moneyness
            )
            patch = hagan_lognormal_vol(1.0, np.exp(k), t, alpha, beta, rho, nu)
            lf = hagan_lognormal_vol(
                1.0, strikes[None, :], maturities[:, None], alpha, beta, rho, nu
            )
            rows = pd.DataFrame(
                {
                    "surface": f"s{index:05d}",
                    "alpha": alpha,
                    "beta": beta,
                    "rho": rho,
                    "nu": nu,
                    "log_moneyness": np.tile(grid_k, len(maturities)),
                    "maturity": np.repeat(maturities, len(strikes)),
                    "lf_vol": lf.ravel(),
                }
            )
            names = [
                f"patch_{i}_{j}" for i in range(config.patch_size) for j in range(config.patch_size)
            ]
            patches = pd.DataFrame(patch.reshape(len(rows), -1), columns=names)
            rows = pd.concat([rows, patches], axis=1)
            rows["hf_vol"] = hf.ravel()
            rows["hf_error"] = hf_error.ravel()
            kept = np.isfinite(rows["hf_vol"].to_numpy())
            dropped += int((~kept).sum())
            frames.append(rows[kept])
            shown.advance(index + 1)
    frame = pd.concat(frames, ignore_index=True)
    seconds = time.perf_counter() - clock
    if progress:
        print(
            f"sabr_surfaces: {len(sets)} surfaces, {len(frame):,} HF points "
            f"({dropped} without a Monte Carlo volatility left out) in {seconds:.0f} s",
            file=sys.stderr,
        )
    return frame


def _surface_seed(seed: int, index: int) -> int:
    """An independent stream per surface, from NumPy's ``SeedSequence``."""
    import numpy as np

    return int(np.random.SeedSequence([seed, index]).generate_state(1)[0])


class _Progress:
    """A Rich progress bar on standard error while surfaces are simulated."""

    def __init__(self, total: int, *, enabled: bool, what: str) -> None:
        self.total, self.wanted, self.what = total, enabled, what
        self._bar: Any = None

    def __enter__(self) -> _Progress:
        if self.wanted and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import Progress

            self._bar = Progress(console=Console(stderr=True), transient=True)
            self._bar.start()
            self._task = self._bar.add_task(f"Generating {self.what}", total=self.total)
        elif self.wanted:
            print(f"Generating {self.total} {self.what} (cached afterwards)…", file=sys.stderr)
        return self

    def advance(self, done: int) -> None:
        if self._bar is not None:
            self._bar.update(self._task, completed=done)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()
