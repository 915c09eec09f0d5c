"""Plain-language advice on a model's searches, each sentence with the numbers behind it.

The rules, per model over all of its searched cells:

* ``importance``: the parameter with the largest mean fANOVA importance, and those
  under :data:`MINOR` in both fANOVA and PED-ANOVA (candidates to fix).
* ``range``: a numeric parameter whose values above (below) every top-trial value were
  tried at least :data:`MIN_TRIED` times and in at least 10 % of the trials, yet never
  reached the top of any cell ("learning_rate above 0.2 was never in the top 10 %").
* ``choice``: a categorical value tried :data:`MIN_TRIED` times or more and never in the
  top, or one that fills at least half of the top trials at twice its share of all trials.

Range and choice advice needs at least :data:`MIN_TOP` top trials over the model's cells:
with fewer, "never in the top" says little.
* ``convergence``: cells that came within 1 % of their final best in the first half of
  their trials (fewer would do), or only in the last tenth (more may pay).
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["MINOR", "MIN_TOP", "MIN_TRIED", "recommendations"]

#: Importance below which a parameter is called minor (in both evaluators).
MINOR = 0.05
#: Trials a value must have been tried in before its absence from the top means anything.
MIN_TRIED = 3
#: Top trials (pooled over a model's cells) needed before range and choice advice.
MIN_TOP = 5


def recommendations(
    models: list[dict[str, Any]],
    cells: list[dict[str, Any]],
    *,
    top_fraction: float,
    reach: float = 0.99,
) -> list[dict[str, Any]]:
    """Advice for every model, in model order (see the module's docstring for the rules)."""
    out: list[dict[str, Any]] = []
    for model in models:
        scored = [c for c in cells if c["model"] == model["model"] and c["n_complete"]]
        if not scored:
            continue
        out += _importance(model)
        out += _ranges(model["model"], scored, top_fraction)
        out += _convergence(model, reach)
    return out


def _where(cells: list[dict[str, Any]]) -> str:
    datasets = len({c["dataset"] for c in cells})
    cells_word = "cell" if len(cells) == 1 else f"{len(cells)} cells"
    if len(cells) == 1:
        return "in its one cell"
    return f"on any of its {cells_word} ({datasets} dataset{'s' if datasets > 1 else ''})"


def _importance(model: dict[str, Any]) -> list[dict[str, Any]]:
    fanova = model["importance"].get("fanova", {})
    ped = model["importance"].get("ped_anova", {})
    if len(fanova) < 2:
        return []
    name = model["model"]
    top, stats = next(iter(fanova.items()))
    ped_top = ped.get(top, {}).get("mean")
    also = f"; PED-ANOVA {ped_top:.2f}" if ped_top is not None else ""
    out = [
        {
            "model": name,
            "kind": "importance",
            "parameter": top,
            "text": f"{name}: {top} mattered most (fANOVA importance {stats['mean']:.2f} on "
            f"average over {_cells(stats['n_cells'])}{also}); give it the widest search.",
            "evidence": {"fanova": stats, "ped_anova": ped.get(top)},
        }
    ]
    minor = [
        p
        for p, s in fanova.items()
        if s["mean"] < MINOR and (p not in ped or ped[p]["mean"] < MINOR)
    ]
    if minor:
        listed = ", ".join(minor)
        out.append(
            {
                "model": name,
                "kind": "importance",
                "parameter": minor,
                "text": f"{name}: {listed} each explained under {MINOR:.0%} of the objective's "
                f"variance (fANOVA and PED-ANOVA, mean over cells); fixing "
                f"{'it' if len(minor) == 1 else 'them'} would shrink the search at little cost.",
                "evidence": {p: {"fanova": fanova[p], "ped_anova": ped.get(p)} for p in minor},
            }
        )
    return out


def _cells(n: int) -> str:
    return "1 cell" if n == 1 else f"{n} cells"


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _ranges(name: str, cells: list[dict[str, Any]], top_fraction: float) -> list[dict[str, Any]]:
    tried: dict[str, list[Any]] = {}
    best: dict[str, list[Any]] = {}
    for cell in cells:
        top = set(cell["top_trials"])
        for step in cell["history"]:
            for param, value in step["params"].items():
                tried.setdefault(param, []).append(value)
                if step["number"] in top:
                    best.setdefault(param, []).append(value)
    share = f"{top_fraction:.0%}"
    where = _where(cells)
    out: list[dict[str, Any]] = []
    for param in sorted(tried):
        values, winners = tried[param], best.get(param, [])
        if len(winners) < MIN_TOP:
            continue
        needed = max(MIN_TRIED, math.ceil(0.1 * len(values)))
        if all(_is_number(v) for v in values) and len(set(values)) > 2:
            high, low = max(winners), min(winners)
            for side, bound, outside in (
                ("above", high, [v for v in values if v > high]),
                ("below", low, [v for v in values if v < low]),
            ):
                if len(outside) < needed:
                    continue
                out.append(
                    {
                        "model": name,
                        "kind": "range",
                        "parameter": param,
                        "text": f"{name}: {param} {side} {bound:.3g} was never in the top "
                        f"{share} {where} ({len(outside)} of {len(values)} trials tried it).",
                        "evidence": {
                            "side": side,
                            "bound": bound,
                            "n_outside": len(outside),
                            "n_trials": len(values),
                            "top_min": low,
                            "top_max": high,
                            "n_top": len(winners),
                        },
                    }
                )
            continue
        out += _choices(name, param, values, winners, share, where, needed)
    return out


def _choices(
    name: str,
    param: str,
    values: list[Any],
    winners: list[Any],
    share: str,
    where: str,
    needed: int,
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for choice in sorted(set(map(repr, values))):
        n_tried = sum(repr(v) == choice for v in values)
        n_top = sum(repr(w) == choice for w in winners)
        evidence = {
            "value": choice,
            "n_tried": n_tried,
            "n_trials": len(values),
            "n_top": n_top,
            "n_top_trials": len(winners),
        }
        if n_top == 0 and n_tried >= needed:
            text = (
                f"{name}: {param} = {choice} was never in the top {share} {where} "
                f"({n_tried} of {len(values)} trials tried it)."
            )
        elif n_top / len(winners) >= 0.5 and n_top / len(winners) >= 2 * n_tried / len(values):
            text = (
                f"{name}: {param} = {choice} made up {n_top / len(winners):.0%} of the top "
                f"{share} trials but {n_tried / len(values):.0%} of all trials."
            )
        else:
            continue
        out.append(
            {
                "model": name,
                "kind": "choice",
                "parameter": param,
                "text": text,
                "evidence": evidence,
            }
        )
    return out


def _convergence(model: dict[str, Any], reach: float) -> list[dict[str, Any]]:
    stats = model["convergence"]
    median, n = stats["median_position"], stats["median_n_complete"]
    name = model["model"]
    if not n or n < 10 or math.isnan(median):
        return []
    close = f"within {1 - reach:.0%} of its final best"
    if median <= 0.5 * n:
        text = (
            f"{name}: the median cell came {close} by its complete trial {median:.0f} of "
            f"{n:.0f} (the slowest by {stats['max_position']}); fewer trials would have "
            f"found nearly as good configurations."
        )
    elif median > 0.9 * n:
        text = (
            f"{name}: the median cell came {close} only at its complete trial {median:.0f} "
            f"of {n:.0f}; the search was still improving, and more trials may pay off."
        )
    else:
        return []
    return [
        {"model": name, "kind": "convergence", "parameter": None, "text": text, "evidence": stats}
    ]
