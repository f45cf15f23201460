"""Shared app state: the store and nlp pipeline (cache_resource), cached query results (cache_data),
the global filters and the page guard that turns any error into one line for the user.

Pages call the `cached_*` functions; every one of them goes through `graph` methods (no Cypher here).
Query caches are keyed on the store's identity (backend + address), so a test or a second app with
another KG_DATA never sees stale results; `clear_query_cache()` runs after an ingest.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterator

import streamlit as st

from common.errors import KGError, StoreUnavailable
from graph.config import StoreConfig
from graph.model import ROLE_TYPES, doc_stem
from graph.store import (ActorLoad, AreaLoad, GraphStore, NodeView, Pair, Responsibility, SearchHit,
                         Stats, Subgraph, in_jurisdiction)

FILTER_DOCS = "filter_documents"
# Query results are reused for this long; a change made outside the app (e.g. `kg build`) shows
# within this time, one made by the app's own ingest at once (the cache is cleared).
QUERY_TTL_S = 120
FILTER_AREAS = "filter_areas"
FILTER_JURISDICTIONS = "filter_jurisdictions"
NO_DOCUMENT = "∅"   # a document filter that matches nothing (a jurisdiction with no document)


# Where the store's settings come from: `graph.config.StoreConfig.from_secrets` — the environment
# (KG_BACKEND, KG_DATA, NEO4J_*) completed by Streamlit secrets (.streamlit/secrets.toml, or the hosting
# platform's secrets box), the environment winning. Streamlit itself copies top-level secrets keys into
# the environment when it starts, so use the [neo4j] table if the environment must win. No secrets
# file is fine; the password is never part of a cache key, a log line or anything shown.

def _secrets() -> dict[str, Any]:
    """The app's Streamlit secrets as a plain dict; {} when there is no (readable) secrets file."""
    try:
        if not st.secrets.load_if_toml_exists():
            return {}
        return st.secrets.to_dict()
    except Exception:  # noqa: BLE001 - a broken secrets file must not break the app (nor be shown)
        return {}


def store_config() -> StoreConfig:
    """The store the app opens: the environment, else Streamlit secrets."""
    return StoreConfig.from_secrets(_secrets())


@st.cache_resource(show_spinner=False)
def _open_store(key: tuple[str, ...]) -> GraphStore:
    return store_config().open()


def get_store() -> GraphStore | None:
    """The store, or None when it cannot be opened (the reason is in `store_error()`).

    Failures are not cached, so the app recovers on the next rerun once Neo4j is back."""
    try:
        store = _open_store(store_config().key())
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
    return "|".join((store.backend, *store_config().key()))


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
    """(id, label, name) of every node, sorted by label then name: the options of a picker the browser
    filters on each keystroke — only for graphs up to `ui.pickers.MAX_CLIENT_OPTIONS` nodes (larger
    ones search in the store)."""
    rows = [(n.id, n.label, n.name) for n in _store.subgraph().nodes]
    return sorted(rows, key=lambda r: (r[1], r[2]))


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_S, max_entries=16)
def cached_areas(_store: GraphStore, key: str) -> list[str]:
    """Every policy area carried by a Clause or Task."""
    return _store.areas()


# -- aggregations: computed in the store, only their results reach the page ----------------------

# Only small results are cached here (cache_data copies each one on every read): the busiest actors,
# not all of them; the store keeps (memoises) the big intermediates itself.

@st.cache_data(show_spinner=False, ttl=QUERY_TTL_S, max_entries=64)
def cached_role_load(_store: GraphStore, key: str, documents: tuple[str, ...] = (),
                     areas: tuple[str, ...] = (), limit: int = 20) -> list[ActorLoad]:
    return _store.role_load(documents=list(documents) or None, areas=list(areas) or None, limit=limit)


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_S, max_entries=64)
def cached_province_load(_store: GraphStore, key: str, documents: tuple[str, ...] = (),
                         areas: tuple[str, ...] = ()) -> list[ActorLoad]:
    return _store.province_load(documents=list(documents) or None, areas=list(areas) or None)


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_S, max_entries=64)
def cached_place_points(_store: GraphStore, key: str, documents: tuple[str, ...] = (), areas: tuple[str, ...] = (),
                        by_province: bool = False, per_place: int = 40):
    """The map's points and, per place, its `per_place` busiest actors (ui.analysis.place_points over
    the store's role load and place hierarchy)."""
    from ui import analysis
    loads = _store.role_load(documents=list(documents) or None, areas=list(areas) or None)
    points, actor_place = analysis.place_points(loads, analysis.PlaceResolver(_store.hierarchy()), by_province)
    busiest: dict[str, list[str]] = {}
    for ld in loads:                       # heaviest first already
        place = actor_place.get(ld.id)
        if place is not None and len(busiest.setdefault(place, [])) < per_place:
            busiest[place].append(ld.id)
    return points, busiest


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_S, max_entries=64)
def cached_co_responsible(_store: GraphStore, key: str, documents: tuple[str, ...] = (),
                          areas: tuple[str, ...] = (), limit: int = 15) -> list[Pair]:
    return _store.co_responsible(documents=list(documents) or None, areas=list(areas) or None, limit=limit)


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_S, max_entries=64)
def cached_area_load(_store: GraphStore, key: str, documents: tuple[str, ...] = (),
                     areas: tuple[str, ...] = (), top: int = 15) -> list[AreaLoad]:
    return _store.area_load(documents=list(documents) or None, areas=list(areas) or None, top=top)


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_S, max_entries=16)
def cached_document_load(_store: GraphStore, key: str) -> dict[str, int]:
    return _store.document_load()


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_S, max_entries=64)
def cached_count(_store: GraphStore, key: str, labels: tuple[str, ...] = (), rel_types: tuple[str, ...] = (),
                 documents: tuple[str, ...] = (), areas: tuple[str, ...] = ()) -> tuple[int, int]:
    return _store.count(labels=list(labels) or None, rel_types=list(rel_types) or None,
                        documents=list(documents) or None, areas=list(areas) or None)


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_S, max_entries=64)
def cached_document_scope(_store: GraphStore, key: str, documents: tuple[str, ...]) -> Subgraph:
    """The role and HAS_CLAUSE relations of a few documents: what a matrix or a comparison needs."""
    return _store.subgraph(rel_types=[*ROLE_TYPES, "HAS_CLAUSE"], documents=list(documents))


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
