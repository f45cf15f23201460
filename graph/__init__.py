"""The graph layer: typed model, two stores behind one contract, queries, analytics and export.

`open_store()` is the only way the app and the CLI obtain a store. Importing `graph` is light: the
neo4j driver is imported only when the Neo4j backend is opened.
"""
from __future__ import annotations

import os
from typing import Any

from graph.errors import ConfigError
from graph.store import GraphStore

BACKENDS = ("memory", "neo4j")
DEFAULT_DATA = "data/graph.json"


def default_backend() -> str:
    """KG_BACKEND, else memory."""
    return (os.environ.get("KG_BACKEND") or "memory").strip().lower() or "memory"


def open_store(backend: str | None = None, **cfg: Any) -> GraphStore:
    """Open the configured store.

    backend: `memory` (file KG_DATA, default data/graph.json; cfg `path`) or `neo4j` (cfg `uri`, `user`,
    `password`, `database`; else NEO4J_URI/NEO4J_USER/NEO4J_PASSWORD/NEO4J_DATABASE; with no NEO4J_URI
    the local engine of `kg neo4j start`).
    """
    name = (backend or default_backend()).strip().lower()
    if name == "memory":
        from graph.memory_store import MemoryStore
        path = cfg.get("path") or os.environ.get("KG_DATA") or DEFAULT_DATA
        return MemoryStore(path)
    if name == "neo4j":
        from graph.neo4j_store import Neo4jStore
        uri = cfg.get("uri")
        if uri:
            return Neo4jStore(uri, user=cfg.get("user"), password=cfg.get("password"),
                              database=cfg.get("database"))
        from graph import local_neo4j
        conn = local_neo4j.resolve_connection(start_local=bool(cfg.get("start_local", False)))
        return Neo4jStore(conn.uri, user=conn.user, password=conn.password,
                          database=cfg.get("database") or conn.database)
    raise ConfigError(f"unknown backend {name!r}: choose one of {', '.join(BACKENDS)}")


__all__ = ["open_store", "GraphStore", "BACKENDS", "default_backend"]
