"""The graph layer: typed model, two stores behind one contract, queries, analytics and export.

`open_store()` is the only way the app and the CLI obtain a store; its settings come from
`graph.config.StoreConfig`. Importing `graph` is light: the neo4j driver is imported only when the
Neo4j backend is opened.
"""
from __future__ import annotations

from typing import Any

from graph.config import BACKENDS, DEFAULT_DATA, StoreConfig
from graph.store import GraphStore


def default_backend() -> str:
    """KG_BACKEND, else memory."""
    return StoreConfig.from_env().backend


def open_store(backend: str | None = None, **cfg: Any) -> GraphStore:
    """Open the configured store: `StoreConfig.from_env()` with what is given here on top.

    backend: `memory` (cfg `path`, else KG_DATA, default data/graph.json) or `neo4j` (cfg `uri`, `user`,
    `password`, `database`; else NEO4J_URI/NEO4J_USER/NEO4J_PASSWORD/NEO4J_DATABASE; with no uri the
    local engine of `kg neo4j start`, started first with cfg `start_local=True`).
    """
    start_local = bool(cfg.pop("start_local", False))
    config = StoreConfig.from_env().with_overrides(backend=backend, **cfg)
    return config.open(start_local=start_local)


__all__ = ["open_store", "GraphStore", "StoreConfig", "BACKENDS", "DEFAULT_DATA", "default_backend"]
