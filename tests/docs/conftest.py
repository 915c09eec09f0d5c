"""The site's generators (docs/hooks/) on the import path, as the MkDocs hook puts them."""

from __future__ import annotations

import sys
from pathlib import Path

HOOKS = Path(__file__).parents[2] / "docs" / "hooks"
if str(HOOKS) not in sys.path:
    sys.path.insert(0, str(HOOKS))
