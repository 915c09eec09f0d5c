"""A study's analysis, leaderboard and report data, cached by stamp.

They are computed by the library's own functions (those of ``bakeoff analyze`` and
``bakeoff report``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bakeoff.server._cache import Cached, StampedCache
from bakeoff.server._queries import StoreReader, clean

if TYPE_CHECKING:
    from bakeoff.analysis import Analysis
    from bakeoff.reports import ReportData

__all__ = ["StudyData"]


class StudyData:
    """Cached computations on the studies of one store.

    Args:
        reader: The store's queries (for the stamps).
        url: The store's URL, for the library functions that open it themselves.
    """

    def __init__(self, reader: StoreReader, url: str) -> None:
        self.reader = reader
        self.url = url
        self._analyses: StampedCache[Analysis] = StampedCache()
        self._reports: StampedCache[ReportData] = StampedCache()
        self._optimizations: StampedCache[dict[str, Any]] = StampedCache()
        self._leaderboards: StampedCache[dict[str, Any]] = StampedCache()
        self._pages: StampedCache[str] = StampedCache()

    def _stamp(self, study: str) -> tuple[Any, ...]:
        # The results change when cells finish, not when one starts: the count of
        # running cells (position 3 of the stamp) is left out.
        stamp = self.reader.stamp(self.reader.study_id(study))
        return stamp[:3] + stamp[4:]

    def analysis(self, study: str) -> Cached[Analysis]:
        """What ``bakeoff analyze STUDY`` computes, with its defaults.

        Cells only, never the trials.

        Raises:
            SpecError: If no cell of the study is complete yet.
        """
        from bakeoff.analysis import Scores, analyze, dataset_properties

        def compute() -> Analysis:
            scores = Scores.from_store(study, storage=self.url)
            return analyze(scores, dataset_properties=dataset_properties(study, self.url))

        return self._analyses.get(study, self._stamp(study), compute)

    def leaderboard(self, study: str) -> Cached[dict[str, Any]]:
        """Per model at the compared budget: the report's leaderboard rows.

        Mean and 95% interval, with the average rank across datasets.
        """
        stamp = self._stamp(study)

        def compute() -> dict[str, Any]:
            import pandas as pd

            from bakeoff.reports import ReportData
            from bakeoff.reports._figures import leaderboard_rows

            analysis = self.analysis(study).value
            rows = leaderboard_rows(ReportData(analysis=analysis, results=pd.DataFrame()))
            ranks = analysis.across.average_ranks or {}
            items = rows.to_dict("records") if not rows.empty else []
            for item in items:
                item["average_rank"] = ranks.get(item["model"])
            return clean(  # type: ignore[no-any-return]
                {
                    "study": study,
                    "metric": analysis.scores.metric,
                    "higher_is_better": analysis.scores.higher_is_better,
                    "budget": analysis.across.budget,
                    "rows": items,
                }
            )

        return self._leaderboards.get(study, stamp, compute)

    def report(self, study: str) -> Cached[ReportData]:
        """Everything ``bakeoff report`` draws from.

        Trials included: the dashboard's study page, not a summary.
        """
        from bakeoff.reports import collect_from_store

        return self._reports.get(
            study, self._stamp(study), lambda: collect_from_store(study, storage=self.url)
        )

    def optimization(self, study: str) -> Cached[dict[str, Any]]:
        """What ``bakeoff optimization STUDY`` computes, as its JSON document."""
        from bakeoff.analysis import optimization

        return self._optimizations.get(
            study,
            self._stamp(study),
            lambda: clean(optimization(study, storage=self.url).to_dict()),
        )

    def page(self, study: str, render: Callable[[], str]) -> Cached[str]:
        """A rendered dashboard page of ``study``, redrawn when the study changes."""
        return self._pages.get(study, self._stamp(study), render)
