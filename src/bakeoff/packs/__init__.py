"""Domain packs: complete studies built only on the core's public registries.

Each pack registers its metrics, datasets and models the way a user's own pack would
(through the ``bakeoff.plugins`` entry point), and ships a ready study under
``examples/``. ``tests/test_layering.py`` checks that no pack reaches into a private
module of the core.
"""
