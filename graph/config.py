"""Where the store's settings come from — the one home of KG_BACKEND, KG_DATA and NEO4J_*.

`StoreConfig.from_env()` reads the environment; `StoreConfig.from_secrets(secrets)` adds an app's
Streamlit secrets, where the environment wins: with NEO4J_URI set, no Neo4j setting of the secrets is
used (never a secrets password sent to an environment URI). `config.open()` opens the store. The
password is never part of `key()`, `repr()` or anything shown.

Secrets format, either

    KG_BACKEND = "neo4j"              # optional: a Neo4j uri in the secrets implies neo4j
    [neo4j]
    uri = "bolt://db.example:7687"
    user = "neo4j"
    password = "<your password>"
    database = "neo4j"                # optional

or the same as top-level keys NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Mapping

from common.errors import ConfigError

if TYPE_CHECKING:
    from graph.store import GraphStore

BACKENDS = ("memory", "neo4j")
DEFAULT_DATA = "data/graph.json"
NEO4J_FIELDS = ("uri", "user", "password", "database")


def _clean(value: Any) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


@dataclass(frozen=True)
class StoreConfig:
    """Backend, the embedded store's file, and a Neo4j connection (uri None: the local engine)."""
    backend: str = "memory"
    path: str = DEFAULT_DATA
    uri: str | None = None
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    database: str | None = None
    source: str = "env"          # env | secrets | args: where the Neo4j connection came from

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "StoreConfig":
        """KG_BACKEND (default memory), KG_DATA (default data/graph.json), NEO4J_URI / NEO4J_USER /
        NEO4J_PASSWORD / NEO4J_DATABASE."""
        env = os.environ if environ is None else environ
        return cls(backend=(_clean(env.get("KG_BACKEND")) or "memory").lower(),
                   path=_clean(env.get("KG_DATA")) or DEFAULT_DATA,
                   uri=_clean(env.get("NEO4J_URI")),
                   user=_clean(env.get("NEO4J_USER")),
                   password=env.get("NEO4J_PASSWORD") or None,
                   database=_clean(env.get("NEO4J_DATABASE")))

    @classmethod
    def from_secrets(cls, secrets: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> "StoreConfig":
        """The environment, completed by Streamlit secrets ([neo4j] table, else top-level NEO4J_* keys)."""
        env = cls.from_env(environ)
        table = secrets.get("neo4j")
        table = table if isinstance(table, Mapping) else {}
        found = {name: _clean(table.get(name, secrets.get(f"NEO4J_{name.upper()}"))) for name in NEO4J_FIELDS}
        environ_backend = _clean((os.environ if environ is None else environ).get("KG_BACKEND"))
        backend = (environ_backend or _clean(secrets.get("KG_BACKEND")) or
                   ("neo4j" if found["uri"] and not env.uri else "memory")).lower()
        if env.uri or not found["uri"]:
            return replace(env, backend=backend)
        return replace(env, backend=backend, uri=found["uri"], user=found["user"], password=found["password"],
                       database=found["database"], source="secrets")

    def with_overrides(self, **values: Any) -> "StoreConfig":
        """A copy with the given fields set (None leaves a field as it is); a uri given here is `args`."""
        given = {k: v for k, v in values.items() if v is not None}
        if "backend" in given:
            given["backend"] = str(given["backend"]).strip().lower()
        if "uri" in given:
            given.setdefault("source", "args")
        return replace(self, **given)

    @property
    def auth(self) -> tuple[str, str] | None:
        return (self.user or "neo4j", self.password) if self.password else None

    def key(self) -> tuple[str, ...]:
        """What selects the store, for caches: everything but the password."""
        return (self.backend, self.path, self.uri or "", self.user or "", self.database or "", self.source)

    def open(self, start_local: bool = False) -> "GraphStore":
        """The store this config names. Neo4j without a uri is the project's local engine
        (started first with `start_local`, else StoreUnavailable naming `kg neo4j start`)."""
        if self.backend not in BACKENDS:
            raise ConfigError(f"unknown backend {self.backend!r}: choose one of {', '.join(BACKENDS)}")
        if self.backend == "memory":
            from graph.memory_store import MemoryStore
            return MemoryStore(self.path)
        from graph.neo4j_store import Neo4jStore
        if self.uri:
            return Neo4jStore(self.uri, user=self.user, password=self.password, database=self.database)
        from graph import local_neo4j
        uri = local_neo4j.ensure_running() if start_local else local_neo4j.local_uri()
        return Neo4jStore(uri, user=None, password=None, database=self.database)
