"""Under the null, every test calls differences significant at its nominal rate."""

from __future__ import annotations

import pytest

from tests.analysis.calibration import ALPHA, N_STUDIES, null_rates

TOLERANCE = 0.015  # the 5% ± 1.5 pp


@pytest.mark.slow
def test_every_test_and_correction_is_calibrated_on_null_studies() -> None:
    assert N_STUDIES >= 1000
    rates = null_rates(seed=0)
    off = {name: rate for name, rate in rates.items() if abs(rate - ALPHA) > TOLERANCE}
    assert not off, f"outside {ALPHA:.0%} ± {TOLERANCE:.1%}: {off}"


@pytest.mark.slow
def test_the_findings_rarely_claim_a_difference_on_null_studies() -> None:
    # The real pipeline, end to end, on 300 null studies (8 datasets x 4 models x 10
    # seeds): a study's findings claim any difference (every claim sentence: "beats",
    # "ranks differ", "is better than", "correlates with") at most alpha + its Monte
    # Carlo margin of the time. (The vectorised test above checks the rule on 10,000.)
    from bakeoff.analysis import Scores, analyze
    from tests.analysis.test_analyze import long_table
    from tests.analysis.test_findings import CLAIM_WORDS

    effects = {"a": 0.0, "b": 0.0, "c": 0.0, "d": 0.0}
    n, claims = 300, 0
    for study in range(n):
        table = long_table(n_datasets=8, n_seeds=10, seed=1000 + study, effects=effects)
        result = analyze(Scores.from_frame(table), n_resamples=100)
        worded = any(CLAIM_WORDS.search(line) for line in result.insights)
        assert worded == bool(result.claims)
        claims += worded
    margin = 2 * (ALPHA * (1 - ALPHA) / n) ** 0.5  # two binomial standard errors: 2.5 pp
    assert claims / n <= ALPHA + margin, claims
