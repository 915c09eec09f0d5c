"""The pack's metrics of a synthetic table: utility, similarity, detection, privacy.

Each scores a :class:`bakeoff.metrics.SynthesisTables` (the rows the generator was
fitted on, the rows it sampled, and real rows it never saw). Registering them imports
nothing heavy; NumPy, pandas, SciPy and scikit-learn load at the first score.
Definitions: docs/packs/synthetic.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bakeoff.metrics import register_metric

if TYPE_CHECKING:
    from bakeoff.metrics import SynthesisTables

__all__ = [
    "column_pair_trends",
    "column_shapes",
    "dcr_ratio",
    "detection_score",
    "exact_copies",
    "quality_score",
    "trtr",
    "trts",
    "tstr",
    "tstr_ratio",
]

SYNTHESIS = ("synthesis",)


@register_metric("tstr", direction="maximize", tasks=SYNTHESIS)
def tstr(tables: SynthesisTables) -> float:
    """Train on synthetic, test on real: the evaluator's accuracy (R²) on real holdout rows."""
    from bakeoff.packs.synthetic._utility import evaluator_score

    return evaluator_score(tables, "synthetic", "holdout")


@register_metric("trtr", direction="maximize", tasks=SYNTHESIS)
def trtr(tables: SynthesisTables) -> float:
    """Train on real, test on real: the same evaluator on the real training rows (the ceiling)."""
    from bakeoff.packs.synthetic._utility import evaluator_score

    return evaluator_score(tables, "real", "holdout")


@register_metric("tstr_ratio", direction="maximize", tasks=SYNTHESIS)
def tstr_ratio(tables: SynthesisTables) -> float:
    """The ratio tstr / trtr: the share of the real data's utility the synthetic data keeps."""
    real = trtr(tables)
    return tstr(tables) / real if real > 0 else float("nan")


@register_metric("trts", direction="maximize", tasks=SYNTHESIS)
def trts(tables: SynthesisTables) -> float:
    """Train on real, test on synthetic: whether synthetic rows follow the real relation."""
    from bakeoff.packs.synthetic._utility import evaluator_score

    return evaluator_score(tables, "real", "synthetic")


@register_metric("column_shapes", direction="maximize", tasks=SYNTHESIS)
def column_shapes(tables: SynthesisTables) -> float:
    """Mean over columns of the KS complement (numbers, dates) or TV complement (categories)."""
    from bakeoff.packs.synthetic import _similarity

    return _similarity.mean_score(
        _similarity.column_shapes(tables.real, tables.synthetic, tables.kinds)
    )


@register_metric("column_pair_trends", direction="maximize", tasks=SYNTHESIS)
def column_pair_trends(tables: SynthesisTables) -> float:
    """Mean over column pairs of the correlation or contingency similarity."""
    from bakeoff.packs.synthetic import _similarity

    return _similarity.mean_score(
        _similarity.column_pair_trends(tables.real, tables.synthetic, tables.kinds)
    )


@register_metric("quality_score", direction="maximize", tasks=SYNTHESIS)
def quality_score(tables: SynthesisTables) -> float:
    """Mean of column_shapes and column_pair_trends (SDMetrics' overall quality)."""
    import numpy as np

    parts = [column_shapes(tables), column_pair_trends(tables)]
    defined = [p for p in parts if not np.isnan(p)]
    return float(np.mean(defined)) if defined else float("nan")


@register_metric("detection_score", direction="maximize", tasks=SYNTHESIS)
def detection_score(tables: SynthesisTables) -> float:
    """1 − 2·|AUC − 0.5| of a logistic regression told real training rows from synthetic."""
    from bakeoff.packs.synthetic._detection import detection

    return detection(tables)


@register_metric("dcr_ratio", direction="maximize", tasks=SYNTHESIS)
def dcr_ratio(tables: SynthesisTables) -> float:
    """Median distance to closest training record: synthetic rows over real holdout rows."""
    from bakeoff.packs.synthetic import _privacy

    return _privacy.dcr_ratio(tables)


@register_metric("exact_copies", direction="minimize", tasks=SYNTHESIS)
def exact_copies(tables: SynthesisTables) -> float:
    """Share of synthetic rows identical to a training row."""
    from bakeoff.packs.synthetic import _privacy

    return _privacy.exact_copy_share(tables)
