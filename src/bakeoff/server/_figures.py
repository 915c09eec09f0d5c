"""The dashboard's figures.

The report's own (Plotly and matplotlib, same colours) and the trials explorer's parallel
coordinates.
"""

from __future__ import annotations

import io
import json
import threading

import pandas as pd
import plotly.graph_objects as go

from bakeoff.reports import ReportData

__all__ = ["dashboard_figures", "parallel_coordinates", "svg_figure"]

#: Trials drawn per model in the parallel coordinates (a sample beyond: browsers slow
#: down past a few thousand lines).
MAX_LINES = 3000

#: matplotlib's pyplot keeps global state: one figure is drawn at a time, whatever the
#: number of requests drawing pages.
_PYPLOT = threading.Lock()


def svg_figure(name: str, data: ReportData) -> str | None:
    """One of the report's matplotlib figures as inline SVG.

    For example ``critical_difference`` or ``hyperparameter_importance``; ``None`` where the
    data does not allow it.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from bakeoff.reports._figures import _STYLE, FIGURES, model_colors

    with _PYPLOT, plt.rc_context(_STYLE):
        figure = FIGURES[name](data, model_colors(data.palette_models))
        if isinstance(figure, str):
            return None
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", bbox_inches="tight")
        plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def parallel_coordinates(data: ReportData) -> dict[str, go.Figure]:
    """Per model: its complete trials' numeric parameters and value, one line each."""
    trials = data.trials
    if trials is None or trials.empty:
        return {}
    done = trials[(trials["state"] == "COMPLETE") & trials["value"].notna()]
    figures = {}
    for model in sorted(done["model"].unique()):
        part = done[done["model"] == model]
        if len(part) > MAX_LINES:
            part = part.sample(MAX_LINES, random_state=0)
        params = pd.DataFrame([json.loads(p or "{}") for p in part["params"]], index=part.index)
        numeric = [
            c
            for c in params.columns
            if pd.api.types.is_numeric_dtype(params[c]) and params[c].nunique() > 1
        ]
        if not numeric:
            continue
        dimensions = [{"label": c, "values": params[c].astype(float)} for c in sorted(numeric)]
        dimensions.append({"label": "value", "values": part["value"].astype(float)})
        figure = go.Figure(
            go.Parcoords(
                line={
                    "color": part["value"].astype(float),
                    "colorscale": "Viridis",
                    "showscale": True,
                },
                dimensions=dimensions,
            )
        )
        figure.update_layout(
            title=f"{model}: parameters of {len(part)} complete trials, coloured by value",
            height=380,
            margin={"l": 60, "r": 40, "t": 60, "b": 30},
        )
        figures[f"parallel_{model}"] = figure
    return figures


def dashboard_figures(data: ReportData) -> dict[str, str]:
    """Every interactive figure the data allows, as Plotly JSON by name."""
    from bakeoff.reports._interactive import interactive_figures

    drawn = {**interactive_figures(data), **parallel_coordinates(data)}
    return {name: figure.to_json() for name, figure in drawn.items()}
