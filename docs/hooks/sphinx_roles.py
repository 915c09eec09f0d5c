"""A griffe extension: Sphinx roles in docstrings shown as code in the API reference.

The docstrings name other objects the way Sphinx does (``:class:`~bakeoff.models.Model```),
which reads well in ``help()`` and in an editor; mkdocstrings would print the role as it
is. Each role becomes a code span of the name (its last part with ``~``, as Sphinx shows
it), not a link: many of the names are private modules the reference does not render,
and ``mkdocs build --strict`` fails on a link with no target.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_ROLE = re.compile(r":(?:class|func|meth|attr|data|mod|exc|obj):`(~?)([^`]+)`")


def plain(text: str) -> str:
    """``text`` with every Sphinx role as a Markdown code span."""

    def span(match: re.Match[str]) -> str:
        short, target = match.group(1), match.group(2)
        return f"`{target.rsplit('.', 1)[-1] if short else target}`"

    return _ROLE.sub(span, text)


class SphinxRoles(griffe.Extension):
    """Rewrites the roles of every docstring griffe loads."""

    def on_object(self, *, obj: Any, **kwargs: Any) -> None:
        """Once the tree is built: rewrite ``obj``'s docstring, if it has one."""
        if obj.docstring is not None:
            obj.docstring.value = plain(obj.docstring.value)
