"""Statistical analysis of a study's scores: tests, intervals, ranks, learning curves.

It reads only the store (or any long table of scores), so it works on finished and
half-finished studies alike::

    from bakeoff.analysis import Scores, analyze

    result = analyze(Scores.from_store("quickstart"), correction="holm")
    result.pairs            # every pair of models on every dataset and budget
    result.across.average_ranks
    result.write_json("analysis/")
"""

from bakeoff.analysis._across import (
    AcrossDatasets,
    compare_across_datasets,
    decide_across,
    signed_rank_sums,
)
from bakeoff.analysis._analyze import Analysis, analyze
from bakeoff.analysis._bayesian import (
    DEFAULT_THRESHOLD,
    correlated_bayesian_t_test,
    decide,
    default_rope,
    signed_rank_posterior,
    signed_rank_samples,
)
from bakeoff.analysis._curves import LearningCurve, crossing_budget, fit_learning_curve
from bakeoff.analysis._insights import Finding
from bakeoff.analysis._optimization import (
    MIN_TRIALS,
    TRIAL_COLUMNS,
    Optimization,
    optimization,
)
from bakeoff.analysis._overfitting import OVERFITTING_COLUMNS, overfitting
from bakeoff.analysis._paired import (
    EFFECT_SIZE_BOUND,
    RELATIVE_TOLERANCE,
    bootstrap_interval,
    bootstrap_intervals,
    cohen_dz,
    corrected_t_test,
    hedges_g,
    mean_interval,
    paired_t_test,
    sign_test,
    t_test_power,
    wilcoxon_test,
)
from bakeoff.analysis._ranks import (
    CORRECTIONS,
    adjust,
    average_ranks,
    friedman_test,
    iman_davenport,
    nemenyi_critical_difference,
)
from bakeoff.analysis._scores import Scores, dataset_properties
from bakeoff.analysis._tuning_gain import TUNING_GAIN_COLUMNS, default_pairs, tuning_gain
from bakeoff.analysis._within import (
    compare_pairs,
    decide_pairs,
    decision_level,
    describe_models,
    seeds_needed,
)

__all__ = [
    "CORRECTIONS",
    "DEFAULT_THRESHOLD",
    "EFFECT_SIZE_BOUND",
    "MIN_TRIALS",
    "OVERFITTING_COLUMNS",
    "RELATIVE_TOLERANCE",
    "TRIAL_COLUMNS",
    "TUNING_GAIN_COLUMNS",
    "AcrossDatasets",
    "Analysis",
    "Finding",
    "LearningCurve",
    "Optimization",
    "Scores",
    "adjust",
    "analyze",
    "average_ranks",
    "bootstrap_interval",
    "bootstrap_intervals",
    "cohen_dz",
    "compare_across_datasets",
    "compare_pairs",
    "corrected_t_test",
    "correlated_bayesian_t_test",
    "crossing_budget",
    "dataset_properties",
    "decide",
    "decide_across",
    "decide_pairs",
    "decision_level",
    "default_pairs",
    "default_rope",
    "describe_models",
    "fit_learning_curve",
    "friedman_test",
    "hedges_g",
    "iman_davenport",
    "mean_interval",
    "nemenyi_critical_difference",
    "optimization",
    "overfitting",
    "paired_t_test",
    "seeds_needed",
    "sign_test",
    "signed_rank_posterior",
    "signed_rank_samples",
    "signed_rank_sums",
    "t_test_power",
    "tuning_gain",
    "wilcoxon_test",
]
