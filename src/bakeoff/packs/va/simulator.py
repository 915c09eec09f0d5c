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

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bakeoff.datasets import register_dataset, register_suite

if TYPE_CHECKING:
    import pandas as pd

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
    ``site`` column, for cross-site studies) and the suite ``<prefix>``.
    """
    description = (
        f"simulated verbal autopsies ({settings.deaths_per_site} deaths, "
        f"{len(settings.causes)} causes, {settings.n_symptoms} symptoms; bakeoff.packs.va)"
    )
    cache: dict[str, pd.DataFrame] = {}

    def table() -> pd.DataFrame:
        if "all" not in cache:
            cache["all"] = simulate_va(settings)
        return cache["all"]

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

        def load(site: str = site) -> pd.DataFrame:
            frame = table()
            return frame[frame["site"] == site].drop(columns="site").reset_index(drop=True)

        register_dataset(
            f"{prefix}_{site}",
            description=f"{description}: site {site}",
            rows=settings.deaths_per_site,
            n_categorical=1,
            **common,  # type: ignore[arg-type]
        )(load)
    register_dataset(
        f"{prefix}_sites",
        description=f"{description}: all {len(settings.sites)} sites, with a site column",
        rows=settings.deaths_per_site * len(settings.sites),
        n_categorical=2,
        **common,  # type: ignore[arg-type]
    )(table)
    register_suite(
        prefix,
        [f"{prefix}_{site}" for site in settings.sites],
        description=f"one dataset per site: {description}",
        replace=replace,
    )


register_simulation("va_sim", VASimulation())
