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
    """Train on synthetic, test on real: the evaluator's accuracy (R²) on real holdout rows.

    Source: Esteban, Hyland & Rätsch (2017), "Real-valued (medical) time series
    generation with recurrent conditional GANs" (TSTR); the evaluator is bakeoff's.
    """
    from bakeoff.packs.synthetic._utility import evaluator_score

    return evaluator_score(tables, "synthetic", "holdout")


@register_metric("trtr", direction="maximize", tasks=SYNTHESIS)
def trtr(tables: SynthesisTables) -> float:
    """Train on real, test on real: the same evaluator on the real training rows (the ceiling).

    Source: the TSTR protocol's reference (Esteban, Hyland & Rätsch, 2017).
    """
    from bakeoff.packs.synthetic._utility import evaluator_score

    return evaluator_score(tables, "real", "holdout")


@register_metric("tstr_ratio", direction="maximize", tasks=SYNTHESIS)
def tstr_ratio(tables: SynthesisTables) -> float:
    """The ratio tstr / trtr: the share of the real data's utility the synthetic data keeps.

    Source: tstr and trtr above; NaN when trtr ≤ 0. Computed here.
    """
    real = trtr(tables)
    return tstr(tables) / real if real > 0 else float("nan")


@register_metric("trts", direction="maximize", tasks=SYNTHESIS)
def trts(tables: SynthesisTables) -> float:
    """Train on real, test on synthetic: whether synthetic rows follow the real relation.

    Source: Esteban, Hyland & Rätsch (2017) (TRTS).
    """
    from bakeoff.packs.synthetic._utility import evaluator_score

    return evaluator_score(tables, "real", "synthetic")


@register_metric("column_shapes", direction="maximize", tasks=SYNTHESIS)
def column_shapes(tables: SynthesisTables) -> float:
    """Mean over columns of the KS complement (numbers, dates) or TV complement (categories).

    Source: SDMetrics' KSComplement and TVComplement (DataCebo), equal to 1e-12 in the tests.
    """
    from bakeoff.packs.synthetic import _similarity

    return _similarity.mean_score(
        _similarity.column_shapes(tables.real, tables.synthetic, tables.kinds)
    )


@register_metric("column_pair_trends", direction="maximize", tasks=SYNTHESIS)
def column_pair_trends(tables: SynthesisTables) -> float:
    """Mean over column pairs of the correlation or contingency similarity.

    Source: SDMetrics' CorrelationSimilarity and ContingencySimilarity (DataCebo), over
    every pair (SDMetrics' QualityReport keeps only strongly related pairs).
    """
    from bakeoff.packs.synthetic import _similarity

    return _similarity.mean_score(
        _similarity.column_pair_trends(tables.real, tables.synthetic, tables.kinds)
    )


@register_metric("quality_score", direction="maximize", tasks=SYNTHESIS)
def quality_score(tables: SynthesisTables) -> float:
    """Mean of column_shapes and column_pair_trends (SDMetrics' overall quality).

    Source: SDMetrics' QualityReport score (DataCebo), every pair averaged.
    """
    import numpy as np

    parts = [column_shapes(tables), column_pair_trends(tables)]
    defined = [p for p in parts if not np.isnan(p)]
    return float(np.mean(defined)) if defined else float("nan")


@register_metric("detection_score", direction="maximize", tasks=SYNTHESIS)
def detection_score(tables: SynthesisTables) -> float:
    """1 − 2·|AUC − 0.5| of a logistic regression told real training rows from synthetic.

    Source: SDMetrics' LogisticDetection (DataCebo); the classifier's AUC by
    scikit-learn's cross-validation here.
    """
    from bakeoff.packs.synthetic._detection import detection

    return detection(tables)


@register_metric("dcr_ratio", direction="maximize", tasks=SYNTHESIS)
def dcr_ratio(tables: SynthesisTables) -> float:
    """Median distance to closest training record: synthetic rows over real holdout rows.

    Source: distance to closest record (DCR), Park et al. (2018), "Data synthesis based on
    generative adversarial networks" (table-GAN); the holdout ratio is computed here.
    """
    from bakeoff.packs.synthetic import _privacy

    return _privacy.dcr_ratio(tables)


@register_metric("exact_copies", direction="minimize", tasks=SYNTHESIS)
def exact_copies(tables: SynthesisTables) -> float:
    """Share of synthetic rows identical to a training row.

    Source: computed here (exact row matches after the table's own types).
    """
    from bakeoff.packs.synthetic import _privacy

    return _privacy.exact_copy_share(tables)
