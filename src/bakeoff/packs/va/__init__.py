"""Verbal autopsy: cause-of-death classifiers judged by CSMF accuracy, across sites.

Importing the pack registers its metrics (:mod:`bakeoff.packs.va.metrics`), its
simulated sites (:mod:`bakeoff.packs.va.simulator`) and the PHMRC file reader
(:mod:`bakeoff.packs.va.phmrc`); bakeoff imports it at start-up
through the ``bakeoff.plugins`` entry point. See docs/packs/va.md.
"""

from bakeoff.packs.va import metrics, phmrc, simulator
from bakeoff.packs.va.metrics import ccc, csmf, csmf_accuracy
from bakeoff.packs.va.simulator import SITES, VASimulation, simulate_va

__all__ = [
    "SITES",
    "VASimulation",
    "ccc",
    "csmf",
    "csmf_accuracy",
    "metrics",
    "phmrc",
    "simulate_va",
    "simulator",
]
