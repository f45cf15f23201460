"""Shared app state: the store and nlp pipeline (cache_resource), cached query results (cache_data),
the global filters and the page guard that turns any error into one line for the user.

Pages call the `cached_*` functions; every one of them goes through `graph` methods (no Cypher here).
Query caches are keyed on the store's identity (backend + address), so a test or a second app with
another KG_DATA never sees stale results; `clear_query_cache()` runs after an ingest.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterator, Sequence

import streamlit as st

from graph.errors import KGError, StoreUnavailable
from graph.store import GraphStore, NodeView, Responsibility, SearchHit, Stats, Subgraph, in_jurisdiction
from ui.labels import doc_stem

FILTER_DOCS = "filter_documents"
# Query results are reused for this long; a change made outside the app (e.g. `kg build`) shows
# within this time, one made by the app's own ingest at once (the cache is cleared).
QUERY_TTL_S = 120
FILTER_AREAS = "filter_areas"
FILTER_JURISDICTIONS = "filter_jurisdictions"
NO_DOCUMENT = "∅"   # a document filter that matches nothing (a jurisdiction with no document)


# Where the store's settings come from: the environment (KG_BACKEND, KG_DATA, NEO4J_URI, NEO4J_USER,
# NEO4J_PASSWORD, NEO4J_DATABASE) or Streamlit secrets (.streamlit/secrets.toml, or the hosting
# platform's secrets box). The environment wins: with NEO4J_URI set, no Neo4j setting of the secrets
# is used (never a secrets password sent to an environment URI). Secrets format, either
#
#     KG_BACKEND = "neo4j"              # optional: a Neo4j uri in the secrets implies neo4j
#     [neo4j]
#     uri = "bolt://db.example:7687"
#     user = "neo4j"
#     password = "<your password>"
#     database = "neo4j"                # optional
#
# or the same as top-level keys NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE (Streamlit
# itself copies top-level keys into the environment when it starts, overriding variables of the same
# name, so use the [neo4j] table if the environment must win). No secrets file is fine. The password
# is never part of a cache key, a log line or anything shown.
_NEO4J_FIELDS = ("uri", "user", "password", "database")


def _secrets() -> dict[str, Any]:
    """The app's Streamlit secrets as a plain dict; {} when there is no (readable) secrets file."""
    try:
        if not st.secrets.load_if_toml_exists():
            return {}
        return st.secrets.to_dict()
    except Exception:  # noqa: BLE001 - a broken secrets file must not break the app (nor be shown)
        return {}


def _secret_neo4j(secrets: dict[str, Any]) -> dict[str, str]:
    """uri/user/password/database from the secrets' [neo4j] table, else its top-level NEO4J_* keys."""
    table = secrets.get("neo4j")
    table = table if isinstance(table, dict) else {}
    out = {}
    for name in _NEO4J_FIELDS:
        value = table.get(name, secrets.get(f"NEO4J_{name.upper()}"))
        if value is not None and str(value).strip():
            out[name] = str(value).strip()
    return out


@dataclass(frozen=True)
class StoreSettings:
    """What `_open_store` opens: env settings (`neo4j` empty: `graph.open_store` reads the env and
    falls back to the local engine) or a Neo4j connection from the secrets."""
    backend: str
    neo4j: dict[str, str] = field(default_factory=dict, repr=False)

    def key(self) -> tuple[str, ...]:
        """The cache key: everything that selects the store except the password."""
        return (self.backend, os.environ.get("KG_DATA", ""),
                *(self.neo4j.get(f, os.environ.get(f"NEO4J_{f.upper()}", "")) for f in ("uri", "user", "database")),
                "secrets" if self.neo4j else "env")


def store_settings() -> StoreSettings:
    """Backend and Neo4j connection from the environment, else from Streamlit secrets."""
    secrets = _secrets()
    neo4j = {} if os.environ.get("NEO4J_URI", "").strip() else _secret_neo4j(secrets)
    if "uri" not in neo4j:
        neo4j = {}
    backend = (os.environ.get("KG_BACKEND", "").strip() or str(secrets.get("KG_BACKEND") or "").strip()
               or ("neo4j" if neo4j else "memory")).lower()
    return StoreSettings(backend=backend, neo4j=neo4j)


def _config_key() -> tuple[str, ...]:
    """What decides which store `_open_store()` opens (so a changed env or secret gets a fresh store)."""
    return store_settings().key()


@st.cache_resource(show_spinner=False)
def _open_store(config: tuple[str, ...]) -> GraphStore:
    from graph import open_store
    settings = store_settings()
    if settings.backend == "neo4j" and settings.neo4j:
        return open_store("neo4j", **settings.neo4j)
    return open_store(settings.backend)


def get_store() -> GraphStore | None:
    """The store, or None when it cannot be opened (the reason is in `store_error()`).

    Failures are not cached, so the app recovers on the next rerun once Neo4j is back."""
    try:
        store = _open_store(_config_key())
    except KGError as err:
        st.session_state["_store_error"] = str(err)
        return None
    except Exception as err:  # noqa: BLE001 - a driver error must not become a traceback
        st.session_state["_store_error"] = _driver_error(err) or f"graph store unavailable: {type(err).__name__}: {err}"
        return None
    st.session_state.pop("_store_error", None)
    return store


def store_error() -> str | None:
    return st.session_state.get("_store_error")


def store_key(store: GraphStore) -> str:
    """Cache key of a store: backend and address (plus the config it was opened with)."""
    return "|".join((store.backend, *_config_key()))


def require_store() -> GraphStore:
    """The store, or a one-line message and a stop of this page (the rest of the app still loads)."""
    store = get_store()
    if store is None:
        st.warning(f"图谱不可用 Graph unavailable: {store_error()}")
        st.stop()
    return store


@contextmanager
def page_guard() -> Iterator[None]:
    """Turn project errors (and anything unexpected) into one line; never a traceback."""
    try:
        yield
    except StoreUnavailable as err:
        _open_store.clear()  # reconnect on the next run
        st.warning(f"图谱不可用 Graph unavailable: {_one_line(err)}")
    except KGError as err:
        st.error(_one_line(err))
    except Exception as err:  # noqa: BLE001
        st.error(_driver_error(err) or f"出错了 Error: {type(err).__name__}: {_one_line(err)}")


def _driver_error(err: BaseException) -> str | None:
    """A Neo4j driver error that escaped the store, in the shared wording (graph/neo4j_errors.py)."""
    if type(err).__module__.startswith("neo4j"):
        from graph.neo4j_errors import is_driver_error, translate
        if is_driver_error(err):
            return _one_line(translate(err))
    return None


def _one_line(err: BaseException) -> str:
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__


@dataclass(frozen=True)
class Filters:
    """The global sidebar filters; empty means no restriction."""
    documents: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()

    @property
    def docs_or_none(self) -> list[str] | None:
        return list(self.documents) or None

    @property
    def areas_or_none(self) -> list[str] | None:
        return list(self.areas) or None


def filters() -> Filters:
    """The sidebar's filters; a jurisdiction narrows the documents to those issued in it (or inside it)."""
    docs = tuple(st.session_state.get(FILTER_DOCS, ()) or ())
    juris = tuple(st.session_state.get(FILTER_JURISDICTIONS, ()) or ())
    if juris:
        store = get_store()
        inside = [doc_stem(d.id) for d in (cached_documents(store, store_key(store)) if store else [])
                  if any(in_jurisdiction(d.properties.get("jurisdiction_name"), j) for j in juris)]
        docs = tuple(d for d in docs if d in inside) if docs else tuple(inside)
        docs = docs or (NO_DOCUMENT,)
    return Filters(docs, tuple(st.session_state.get(FILTER_AREAS, ()) or ()))


def clear_query_cache() -> None:
    """Forget every cached query result (after an ingest changed the graph)."""
    st.cache_data.clear()


# -- cached queries -------------------------------------------------------------------------------
# `_store` is not hashed (leading underscore); `key` identifies it instead.

@st.cache_data(show_spinner=False, ttl=QUERY_TTL_S, max_entries=64)
def cached_describe(_store: GraphStore, key: str) -> dict[str, Any]:
    return _store.describe()


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_S, max_entries=16)
def cached_stats(_store: GraphStore, key: str) -> Stats:
    return _store.stats()


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_S, max_entries=16)
def cached_documents(_store: GraphStore, key: str) -> list[NodeView]:
    return _store.documents()


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_S, max_entries=16)
def cached_jurisdictions(_store: GraphStore, key: str) -> dict[str, int]:
    return _store.jurisdictions()


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_S, max_entries=256)
def cached_search(_store: GraphStore, key: str, query: str, labels: tuple[str, ...] = (),
                  limit: int = 20) -> list[SearchHit]:
    return _store.search(query, labels=list(labels) or None, limit=limit)


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_S, max_entries=256)
def cached_entity(_store: GraphStore, key: str, entity_id: str):
    return _store.entity(entity_id)


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_S, max_entries=256)
def cached_who_leads(_store: GraphStore, key: str, entity_id: str, documents: tuple[str, ...] = (),
                     roles: tuple[str, ...] = (), areas: tuple[str, ...] = ()) -> list[Responsibility]:
    return _store.who_leads(entity_id, documents=list(documents) or None,
                            roles=list(roles) or None, areas=list(areas) or None)


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_S, max_entries=128)
def cached_neighbourhood(_store: GraphStore, key: str, entity_ids: tuple[str, ...], depth: int = 1,
                         labels: tuple[str, ...] = (), rel_types: tuple[str, ...] = (),
                         documents: tuple[str, ...] = (), node_cap: int = 300) -> Subgraph:
    return _store.neighbourhood(list(entity_ids), depth=depth, labels=list(labels) or None,
                                rel_types=list(rel_types) or None,
                                documents=list(documents) or None, node_cap=node_cap)


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_S, max_entries=64)
def cached_paths(_store: GraphStore, key: str, source_id: str, target_id: str,
                 rel_types: tuple[str, ...] = (), max_length: int = 6, limit: int = 5) -> list[Subgraph]:
    return _store.paths(source_id, target_id, rel_types=list(rel_types) or None,
                        max_length=max_length, limit=limit)


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_S, max_entries=64)
def cached_subgraph(_store: GraphStore, key: str, labels: tuple[str, ...] = (),
                    rel_types: tuple[str, ...] = (), documents: tuple[str, ...] = (),
                    areas: tuple[str, ...] = ()) -> Subgraph:
    return _store.subgraph(labels=list(labels) or None, rel_types=list(rel_types) or None,
                           documents=list(documents) or None, areas=list(areas) or None)


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_S, max_entries=16)
def cached_entity_index(_store: GraphStore, key: str) -> list[tuple[str, str, str]]:
    """(id, label, name) of every non-document node, sorted by label then name: options for the
    search-as-you-type pickers (the browser filters them on each keystroke)."""
    sub = _store.subgraph()
    rows = [(n.id, n.label, n.name) for n in sub.nodes]
    return sorted(rows, key=lambda r: (r[1], r[2]))


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_S, max_entries=16)
def cached_areas(_store: GraphStore, key: str) -> list[str]:
    """Every policy area carried by a Clause or Task."""
    sub = _store.subgraph(labels=["Clause", "Task"])
    found: set[str] = set()
    for n in sub.nodes:
        found.update(str(a) for a in (n.properties.get("areas") or []))
    return sorted(found)


@dataclass
class Session:
    """Per-page convenience bundle."""
    store: GraphStore
    key: str
    filters: Filters = field(default_factory=Filters)


def session() -> Session:
    store = require_store()
    return Session(store=store, key=store_key(store), filters=filters())


# -- the nlp pipeline -------------------------------------------------------------------------------

@st.cache_resource(show_spinner="加载抽取管线 Loading the extraction pipeline…")
def get_nlp():
    """The spaCy pipeline built by `extract.load_nlp()`, once per process."""
    import extract
    return extract.load_nlp()


def as_tuple(values: Sequence[str] | None) -> tuple[str, ...]:
    return tuple(values or ())
