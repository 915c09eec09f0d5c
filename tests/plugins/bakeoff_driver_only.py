"""A study import that exists where the study is run but not on the Ray nodes: importing
it inside a Ray worker fails, as a module missing from a node's environment would."""

from __future__ import annotations

import ray

if ray.is_initialized() and ray.get_runtime_context().worker.mode == ray.WORKER_MODE:
    raise ImportError("bakeoff_driver_only is not installed on this node")
