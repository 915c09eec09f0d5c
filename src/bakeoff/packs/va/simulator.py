"""A verbal-autopsy simulator: interviews of deaths at several sites, generated offline.

Written by hand: no package simulates VA interviews. It follows the structure the
PHMRC gold-standard data show (Murray et al. 2011, Population Health Metrics 9:27):

- **Causes** have a study-wide distribution (a symmetric Dirichlet with
  ``cause_concentration`` over the cause list: no cause vanishes) and each
  site its own, drawn around it (Dirichlet with ``site_concentration`` × the study-wide
  fractions): sites differ in what people die of.
- **Symptoms** are yes/no answers. Each has a base rate shared by all causes
  (Beta(1, 4): most symptoms are rare) and, on the log-odds scale, a cause effect: a
  few signature symptoms per cause are much more likely (effect ~ N(``signal``, 0.7)),
  the others shift a little (N(0, 0.3)).
- **Sites report differently**: each site shifts each symptom's log-odds by
  N(0, ``site_effect``): the same cause looks a little different from site to site,
  which is what cross-site validation measures.
- **Age and sex**: each cause has its own mean age (20–80) and share of men; deaths'
  ages are normal around it (sd 12, kept within 15–100).
- **Missing answers** ("don't know", refused): each answer is missing with probability
  ``missing_rate``.

Everything derives from ``seed``: the same settings give the same table, byte for byte.
The registered datasets (``va_sim_<site>`` and ``va_sim_sites``) use the defaults of
:class:`VASimulation`; register others with :func:`register_simulation`.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bakeoff.datasets import register_dataset, register_suite

if TYPE_CHECKING:
    from collections.abc import Callable

    import pandas as pd

    _Loader = Callable[..., pd.DataFrame]

__all__ = ["CAUSES", "SITES", "VASimulation", "register_simulation", "simulate_va"]

#: The PHMRC study's six sites.
SITES = ("andhra_pradesh", "bohol", "dar_es_salaam", "mexico_city", "pemba", "uttar_pradesh")

#: A cause list modelled on the PHMRC adult list, aggregated to 16 causes.
CAUSES = (
    "aids",
    "cancer",
    "cirrhosis",
    "copd",
    "diabetes",
    "diarrhea",
    "falls",
    "ihd",
    "malaria",
    "maternal",
    "other_infectious",
    "pneumonia",
    "renal_failure",
    "road_traffic",
    "stroke",
    "tb",
)


#: Simulated data: no one's records, free to use.
LICENSE = "CC0 1.0 (simulated by bakeoff)"
CITATION = (
    "Simulated after the structure of the PHMRC gold-standard VA data: Murray CJL et al. "
    "(2011), Population Health Metrics 9:27"
)


@dataclass(frozen=True)
class VASimulation:
    """Settings of a simulated VA study (see the module's description).

    Attributes:
        sites: Site names.
        deaths_per_site: Interviews generated per site.
        causes: The cause list.
        n_symptoms: Yes/no symptom questions.
        signature_symptoms: Symptoms strongly tied to each cause.
        signal: Mean log-odds effect of a signature symptom.
        site_effect: Standard deviation of a site's shift of each symptom's log-odds.
        cause_concentration: How even the study-wide cause distribution is (a
            symmetric Dirichlet's parameter; larger: more even, no vanishing causes).
        site_concentration: How closely sites' cause distributions follow the
            study-wide one (larger: closer).
        missing_rate: Probability that an answer is missing.
        seed: Seed of everything.
    """

    sites: tuple[str, ...] = SITES
    deaths_per_site: int = 800
    causes: tuple[str, ...] = CAUSES
    n_symptoms: int = 60
    signature_symptoms: int = 5
    signal: float = 2.0
    site_effect: float = 0.4
    cause_concentration: float = 6.0
    site_concentration: float = 50.0
    missing_rate: float = 0.05
    seed: int = 2011

    def __post_init__(self) -> None:
        """Refuse settings the simulator cannot use, naming the field and what it takes."""
        for name in ("sites", "causes"):
            names = getattr(self, name)
            if not isinstance(names, list | tuple) or not all(isinstance(n, str) for n in names):
                raise ValueError(f"`{name}` is a list of names, not {names!r}")
            # Frozen and hashable (the simulated tables are cached by their settings).
            object.__setattr__(self, name, tuple(names))
            names = getattr(self, name)
            if len(set(names)) != len(names) or not names:
                raise ValueError(f"`{name}` needs distinct names, at least one; got {list(names)}")
        if len(self.causes) < 2:
            raise ValueError(
                f"`causes` needs at least 2 causes to classify; got {list(self.causes)}"
            )
        least = {"deaths_per_site": 1, "n_symptoms": 1, "signature_symptoms": 1, "seed": 0}
        for name, smallest in least.items():
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < smallest:
                raise ValueError(
                    f"`{name}` is a whole number of at least {smallest}; got {value!r}"
                )
        if self.signature_symptoms > self.n_symptoms:
            raise ValueError(
                f"`signature_symptoms` ({self.signature_symptoms}) cannot exceed `n_symptoms` "
                f"({self.n_symptoms}): each cause's signature is drawn from the symptoms"
            )
        bounds = {
            "signal": (None, None),
            "site_effect": (0.0, None),
            "cause_concentration": (0.0, None),
            "site_concentration": (0.0, None),
            "missing_rate": (0.0, 1.0),
        }
        for name, (low, high) in bounds.items():
            value = getattr(self, name)
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise ValueError(f"`{name}` is a number; got {value!r}")
            strict = name.endswith("concentration")
            if low is not None and (value < low or (strict and value == low)):
                sign = ">" if strict else ">="
                raise ValueError(f"`{name}` must be {sign} {low:g}; got {value!r}")
            if high is not None and value >= high:
                raise ValueError(f"`{name}` must be below {high:g}; got {value!r}")


def simulate_va(settings: VASimulation | None = None) -> pd.DataFrame:
    """One row per death.

    Columns ``site``, ``age``, ``sex``, ``s01``… symptoms (1, 0 or missing) and ``cause``.
    """
    import numpy as np
    import pandas as pd

    s = settings or VASimulation()
    rng = np.random.default_rng(s.seed)
    n_causes, n_symptoms = len(s.causes), s.n_symptoms
    overall = rng.dirichlet(np.full(n_causes, s.cause_concentration))
    base = rng.beta(1.0, 4.0, size=n_symptoms)
    effects = rng.normal(0.0, 0.3, size=(n_causes, n_symptoms))
    for c in range(n_causes):
        signature = rng.choice(n_symptoms, size=s.signature_symptoms, replace=False)
        effects[c, signature] = rng.normal(s.signal, 0.7, size=s.signature_symptoms)
    mean_age = rng.uniform(20, 80, size=n_causes)
    share_male = rng.uniform(0.3, 0.7, size=n_causes)
    logit_base = np.log(base / (1 - base))
    frames = []
    for site in s.sites:
        site_rng = np.random.default_rng([s.seed, *site.encode()])
        fractions = site_rng.dirichlet(s.site_concentration * overall + 1e-3)
        shift = site_rng.normal(0.0, s.site_effect, size=n_symptoms)
        cause = site_rng.choice(n_causes, size=s.deaths_per_site, p=fractions)
        logits = logit_base + effects[cause] + shift
        answers = (site_rng.random(logits.shape) < 1 / (1 + np.exp(-logits))).astype(float)
        answers[site_rng.random(answers.shape) < s.missing_rate] = np.nan
        frame = pd.DataFrame(answers, columns=[f"s{j + 1:02d}" for j in range(n_symptoms)])
        frame.insert(
            0, "sex", np.where(site_rng.random(len(cause)) < share_male[cause], "male", "female")
        )
        frame.insert(0, "age", np.clip(site_rng.normal(mean_age[cause], 12.0), 15, 100).round())
        frame.insert(0, "site", site)
        frame["cause"] = np.asarray(s.causes)[cause]
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def register_simulation(prefix: str, settings: VASimulation, *, replace: bool = False) -> None:
    """Register a dataset per site, one of every site, and a suite.

    Registers ``<prefix>_<site>`` for each site, ``<prefix>_sites`` (every site, with its
    ``site`` column, for cross-site studies) and the suite ``<prefix>``. Each dataset
    takes the fields of :class:`VASimulation` as a study's ``options:`` (the per-site ones
    all but ``sites``), with ``settings`` as their defaults; a site's rows do not depend
    on which other sites are simulated.
    """
    description = (
        f"simulated verbal autopsies ({settings.deaths_per_site} deaths a site, "
        f"{len(settings.causes)} causes, {settings.n_symptoms} symptoms; bakeoff.packs.va)"
    )
    common = {
        "target": "cause",
        "task": "classification",
        "source": "bakeoff.packs.va.simulator",
        "package": "bakeoff",
        "n_numeric": settings.n_symptoms + 1,
        "license": LICENSE,
        "citation": CITATION,
        "replace": replace,
    }
    for site in settings.sites:
        register_dataset(
            f"{prefix}_{site}",
            description=f"{description}: site {site}",
            rows=settings.deaths_per_site,
            n_categorical=1,
            **common,  # type: ignore[arg-type]
        )(_site_loader(settings, site))
    register_dataset(
        f"{prefix}_sites",
        description=f"{description}: all {len(settings.sites)} sites, with a site column",
        rows=settings.deaths_per_site * len(settings.sites),
        n_categorical=2,
        **common,  # type: ignore[arg-type]
    )(_sites_loader(settings))
    register_suite(
        prefix,
        [f"{prefix}_{site}" for site in settings.sites],
        description=f"one dataset per site: {description}",
        replace=replace,
    )


def _settings_from_options(defaults: VASimulation, options: dict[str, Any]) -> VASimulation:
    return dataclasses.replace(defaults, **options)


def _with_options_of(
    defaults: VASimulation, *, leave_out: tuple[str, ...] = ()
) -> Callable[[_Loader], _Loader]:
    """Give a loader taking ``**options`` the signature of the settings it accepts.

    The dataset registry reads a loader's signature to list and check a study's
    ``options:``; the settings are :class:`VASimulation`'s fields, so the signature is
    built from them rather than written out twice.
    """
    parameters = [
        inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, default=getattr(defaults, f.name))
        for f in dataclasses.fields(VASimulation)
        if f.name not in leave_out
    ]

    def decorate(loader: _Loader) -> _Loader:
        loader.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
        return loader

    return decorate


def _site_loader(defaults: VASimulation, site: str) -> _Loader:
    @_with_options_of(defaults, leave_out=("sites",))
    def load(**options: Any) -> pd.DataFrame:
        # Only this site is simulated: its rows are the same whatever the other sites.
        settings = _settings_from_options(defaults, {**options, "sites": (site,)})
        return _simulated(settings).drop(columns="site")

    return load


def _sites_loader(defaults: VASimulation) -> _Loader:
    @_with_options_of(defaults)
    def load(**options: Any) -> pd.DataFrame:
        # A copy: the cached table must not change under a caller that edits it.
        return _simulated(_settings_from_options(defaults, options)).copy()

    return load


@functools.lru_cache(maxsize=8)
def _simulated(settings: VASimulation) -> pd.DataFrame:
    return simulate_va(settings)


register_simulation("va_sim", VASimulation())
