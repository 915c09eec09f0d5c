"""A budget as a number (for tables) and as a word (for specs, labels and the analysis).

In the spec a budget is a count of training rows or ``"full"``. In every table bakeoff
returns or exports, ``budget`` is a float64 column: the count of rows, and ``inf`` for
``full``, so that budgets compare and sort as numbers and ``full`` stays distinct from
any count (``n_train`` holds the rows a cell actually trained on). JSON has no infinity:
a JSON export writes ``"full"`` there, and :func:`budget_number` reads it back.
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["FULL", "budget_label", "budget_number"]

#: The numeric value of the ``full`` budget.
FULL = math.inf

_FULL_WORDS = {"full", "inf", "infinity"}


def budget_number(value: Any) -> float:
    """``40``, ``"40"``, ``40.0`` → 40.0; ``"full"``, ``"inf"``, ``inf`` → ``inf``.

    Raises:
        ValueError: If ``value`` is neither a count of rows nor ``full``.

    Examples:
        >>> budget_number("full"), budget_number("100")
        (inf, 100.0)
    """
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _FULL_WORDS:
            return FULL
        value = text
    number = float(value)
    if math.isnan(number) or (not math.isinf(number) and number != int(number)):
        raise ValueError(f"budget {value!r} is not a count of rows or 'full'")
    return number


def budget_label(value: Any) -> str:
    """The spec's word for a budget: ``"40"`` or ``"full"``.

    Examples:
        >>> budget_label(40.0), budget_label(float("inf"))
        ('40', 'full')
    """
    number = budget_number(value)
    return "full" if math.isinf(number) else str(int(number))
