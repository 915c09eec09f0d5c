"""Synthetic tabular data: generators tuned for utility and similarity together.

Importing the pack registers the generators ``gaussian_copula``, ``ctgan``, ``tvae``,
``copulagan`` (SDV's, behind ``pip install "bakeoff[synthetic]"``) and the
``independent`` baseline (:mod:`bakeoff.packs.synthetic.generators`), and the metrics
of a synthetic table (:mod:`bakeoff.packs.synthetic.metrics`); bakeoff imports it at
start-up through the ``bakeoff.plugins`` entry point. A dataset becomes a synthesis
one with ``task: synthesis`` in a study. Nothing heavy is imported here. See
docs/packs/synthetic.md.
"""

from bakeoff.packs.synthetic import generators, metrics

__all__ = ["generators", "metrics"]
