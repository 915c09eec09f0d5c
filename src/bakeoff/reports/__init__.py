"""Reports: the standard results folder, figures, one self-contained HTML file, LaTeX.

::

    from bakeoff.reports import collect_from_store, write_report

    data = collect_from_store("quickstart", storage="sqlite:///bakeoff.db")
    write_report(data, "report/")          # report/report.html, figures/, tables/ ...
"""

from bakeoff.reports._data import ReportData, collect_from_scores, collect_from_store
from bakeoff.reports._folder import FORMATS, ReportFiles, write_report

__all__ = [
    "FORMATS",
    "ReportData",
    "ReportFiles",
    "collect_from_scores",
    "collect_from_store",
    "write_report",
]
