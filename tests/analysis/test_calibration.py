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


@pytest.mark.slow
def test_nadeau_bengio_stays_within_alpha_on_real_null_runs() -> None:
    # Two copies of one model through the real protocol at a small and the full budget
    # (4 studies here; docs/analysis.md has 100). A valid test rejects at most alpha of
    # the time; the full table shows how far below alpha it is at small budgets.
    from tests.analysis.real_null import rates

    table = rates(4)
    assert set(table["budget"]) == {"60", "full"}
    for row in table.itertuples():
        margin = 2 * (ALPHA * (1 - ALPHA) / row.comparisons) ** 0.5
        assert row.nadeau_bengio <= ALPHA + margin, row
    small = table.set_index("budget").loc["60"]
    assert small["test_train_ratio"] > 1  # the regime the JSON note is about


def test_small_budgets_carry_the_conservativeness_note() -> None:
    from bakeoff.analysis import Scores, analyze
    from tests.analysis.test_analyze import long_table

    table = long_table(n_datasets=2, n_seeds=5).assign(n_train=40, n_test=100)
    pairs = analyze(Scores.from_frame(table), n_resamples=100).pairs
    assert pairs["note"].str.contains("very conservative").all()
    big = long_table(n_datasets=2, n_seeds=5).assign(n_train=400, n_test=100)
    assert (
        not analyze(Scores.from_frame(big), n_resamples=100)
        .pairs["note"]
        .str.contains("conservative")
        .any()
    )
