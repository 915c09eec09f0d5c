"""Seeds derived from content, never from global state or the order of work.

Every random choice in a study takes its seed from :func:`derive_seed`, a SHA-256 of the
study seed and named parts (cell key, purpose, trial number), as benchopt's ``get_seed``
does. Python's ``hash()`` is never used: it differs between processes.
"""

from __future__ import annotations

import hashlib

__all__ = ["derive_seed"]

_SEPARATOR = "\x1f"


def derive_seed(*parts: object) -> int:
    """Return a 32-bit seed determined only by ``parts``.

    Args:
        *parts: Values whose ``str()`` identifies the purpose of the seed, e.g. the study
            seed, a cell key, ``"sampler"`` and a trial number.

    Returns:
        An int in ``[0, 2**32)``, usable as a NumPy ``random_state`` and an Optuna ``seed``.

    Examples:
        >>> derive_seed(0, "split", "iris") == derive_seed(0, "split", "iris")
        True
    """
    text = _SEPARATOR.join(str(part) for part in parts)
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "little")
