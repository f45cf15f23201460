"""The Neo4j store (official `neo4j` driver): the real database and the path to scale.

- Schema: unique `Entity.id`, name indexes, a text index for substring search and a full-text index
  with the `cjk` analyzer over names and aliases (created once per store, idempotently).
- Writes: batched `UNWIND $rows … MERGE` grouped by label / relationship type, inside managed
  transactions (`execute_write`, retried by the driver on transient errors). A merge call is one
  transaction (all or nothing) unless `atomic=False` (bulk loads: one transaction per batch).
- Provenance: evidence kept as parallel lists `ev_docs/ev_text/ev_start/ev_end/ev_rule` plus `ev_keys`;
  an entry is appended only when its key is new, so re-merging never duplicates.
- Every failure to reach the server becomes StoreUnavailable naming the URI.
"""
from __future__ import annotations

import json
import logging
import os
import re
import threading
from typing import Any, Callable, Iterable, Sequence, TypeVar

import neo4j
from neo4j import GraphDatabase, READ_ACCESS
from neo4j import exceptions as nx_exc

from graph import analytics, cypher
from common.errors import ConfigError, QueryRefused, StoreUnavailable
from graph.model import ENTITY_LABEL, LABELS, ROLE_TYPES, DocumentGraph, check_labels, check_types
from graph.records import Batch, doc_filter, evidence_from_lists, prepare, sort_evidence
from graph.search_rank import lucene_query, norm
from graph.store import (ActorLoad, AreaLoad, EdgeView, GraphStore, Hierarchy, MergeReport, NodeView, Pair, Progress,
                         Responsibility, SearchHit, Stats, Subgraph, sort_edges, sort_nodes, stats_from_counts, _named)

T = TypeVar("T")
# What the maintained aggregates keep: co-responsible pairs, and the actors of the areas chart.
KEPT_PAIRS = 100
KEPT_AREA_TOP = 15
# The driver logs each retry as a warning; the store reports failures itself, in one line.
logging.getLogger("neo4j").addHandler(logging.NullHandler())
logging.getLogger("neo4j").propagate = False
HIDDEN_NODE_PROPS = frozenset({"id", "name", "aliases", "docs", "search_keys", "search_text"})
EV_PROPS = frozenset({"ev_keys", "ev_docs", "ev_text", "ev_start", "ev_end", "ev_rule"})
BATCH_SIZE = 5000
# A non-atomic merge of at least this many elements is a bulk load: the Lucene search indexes are
# dropped first and rebuilt (populated in one pass) at the end, which is much faster than updating
# them row by row. A crashed bulk load leaves them missing; the next store to connect recreates them.
BULK_THRESHOLD = 50000

BOLT_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
_BAD_TEXT = "the text is not valid Unicode (a lone surrogate, e.g. from non-UTF-8 bytes); nothing was run"
# Errors that mean "the server is not there (now)".
_UNAVAILABLE = (nx_exc.ServiceUnavailable, nx_exc.SessionExpired, OSError)


def _redact(uri: str) -> str:
    """The URI without any user:password@ part (never show credentials)."""
    return re.sub(r"//[^/@]*@", "//", uri)


def _label_of(labels: Iterable[str]) -> str:
    for lab in labels:
        if lab != ENTITY_LABEL and lab in LABELS:
            return lab
    return ""


class Neo4jStore(GraphStore):
    backend = "neo4j"
    # Fuzzy candidates from the full-text index, best Lucene score first. The embedded store scores
    # every token-sharing name; answers agree while the fuzzy matches rank inside this many hits.
    FULLTEXT_CANDIDATES = 300
    SEARCH_MARGIN = 50          # substring candidates beyond `limit` (ties broken in Python)

    def __init__(self, uri: str, user: str | None = None, password: str | None = None,
                 database: str | None = None, batch_size: int = BATCH_SIZE,
                 retry_s: float | None = None, connect_timeout_s: float = 5.0):
        self.uri = uri
        self.database = database or None
        self.batch_size = batch_size
        auth = (user or "neo4j", password) if password else None
        retry = float(retry_s if retry_s is not None else os.environ.get("KG_NEO4J_RETRY_S", "5"))
        scheme = uri.split("://", 1)[0].lower() if "://" in uri else ""
        if scheme not in BOLT_SCHEMES:   # e.g. the browser's http://…:7474 (the driver's HTTP API is a preview)
            raise ConfigError(f"bad Neo4j URI {_redact(uri)!r}: use a {', '.join(s + '://' for s in BOLT_SCHEMES)} URI")
        try:
            self._driver = GraphDatabase.driver(
                uri, auth=auth, max_transaction_retry_time=retry, connection_timeout=connect_timeout_s,
                connection_acquisition_timeout=max(connect_timeout_s * 2, 10.0), user_agent="yrd-policy-graph")
        except (ValueError, nx_exc.ConfigurationError) as exc:
            # the driver's message quotes the whole URI, password included: redact it too
            raise ConfigError(f"bad Neo4j URI {_redact(uri)!r}: {_redact(str(exc))}") from None
        self._schema_ready = False
        self._local = threading.local()     # the read transaction a composite query runs in

    # -- plumbing ------------------------------------------------------------------------------
    @property
    def address(self) -> str:
        db = f" (database {self.database})" if self.database else ""
        return _redact(self.uri) + db

    def _unavailable(self, exc: BaseException) -> StoreUnavailable:
        text = str(exc)
        reason = re.search(r"reason \[Errno \d+\] ([^)\]]+)", text)
        detail = reason.group(1) if reason else (text.splitlines()[0].rstrip(":")[:200] if text
                                                  else type(exc).__name__)
        return StoreUnavailable(f"Neo4j unreachable at {_redact(self.uri)} ({detail})")

    def _run(self, write: bool, work: Callable[[neo4j.ManagedTransaction], T]) -> T:
        """One managed transaction (retried by the driver on transient errors); a read inside a
        composite query (`_one_read`) joins that query's transaction."""
        tx = getattr(self._local, "tx", None)
        if tx is not None and not write:
            return work(tx)
        self._ensure_schema()
        return self._tx(write, work)

    def _one_read(self, fn: Callable[[], T]) -> T:
        """Run a composite query (several primitives) in one read transaction: one round of
        session/transaction overhead instead of one per primitive, and a consistent snapshot."""
        if getattr(self._local, "tx", None) is not None:
            return fn()

        def work(tx: neo4j.ManagedTransaction) -> T:
            self._local.tx = tx
            try:
                return fn()
            finally:
                self._local.tx = None
        return self._run(False, work)

    def _tx(self, write: bool, work: Callable[[neo4j.ManagedTransaction], T]) -> T:
        try:
            with self._driver.session(database=self.database) as session:
                return session.execute_write(work) if write else session.execute_read(work)
        except UnicodeEncodeError:   # a lone surrogate (e.g. non-UTF-8 bytes in a shell argument)
            raise ConfigError(_BAD_TEXT) from None
        except nx_exc.AuthError as exc:
            raise StoreUnavailable(f"Neo4j at {_redact(self.uri)} refused the credentials "
                                   f"(check NEO4J_USER/NEO4J_PASSWORD)") from exc
        except _UNAVAILABLE as exc:
            raise self._unavailable(exc) from exc
        except nx_exc.Neo4jError as exc:
            if exc.code and "DatabaseNotFound" in exc.code:
                raise StoreUnavailable(f"Neo4j at {_redact(self.uri)} has no database "
                                       f"{self.database!r}") from exc
            msg = (exc.message or str(exc)).splitlines()[0][:200]
            raise StoreUnavailable(f"Neo4j at {_redact(self.uri)} failed the request "
                                   f"({exc.code}: {msg})") from exc

    def _read(self, query: str, **params: Any) -> list[dict[str, Any]]:
        return self._run(False, lambda tx: [r.data() for r in tx.run(query, params)])

    def _ensure_schema(self) -> None:
        if self._schema_ready:
            return
        self.ping()          # fail fast (no retry loop) when the server is not there
        self._schema_run(cypher.schema_statements(), wait=True)
        self._schema_ready = True

    def _schema_run(self, statements: list[str], wait: bool = False) -> None:
        """Schema statements, each in its own transaction (as Neo4j requires); optionally wait until
        every index is online."""
        try:
            with self._driver.session(database=self.database) as session:
                for stmt in statements:
                    session.execute_write(lambda tx, s=stmt: tx.run(s).consume())
                if wait:
                    session.run(cypher.AWAIT_INDEXES, timeout=600).consume()
        except nx_exc.AuthError as exc:
            raise StoreUnavailable(f"Neo4j at {_redact(self.uri)} refused the credentials "
                                   f"(check NEO4J_USER/NEO4J_PASSWORD)") from exc
        except _UNAVAILABLE as exc:
            raise self._unavailable(exc) from exc

    def ping(self) -> None:
        """StoreUnavailable if the server does not answer."""
        try:
            self._driver.verify_connectivity()
        except nx_exc.AuthError as exc:
            raise StoreUnavailable(f"Neo4j at {_redact(self.uri)} refused the credentials") from exc
        except _UNAVAILABLE as exc:
            raise self._unavailable(exc) from exc

    def close(self) -> None:
        self._driver.close()

    # -- lifecycle and writes ------------------------------------------------------------------
    def describe(self) -> dict[str, Any]:
        def work(tx: neo4j.ManagedTransaction) -> tuple[int, int]:
            return (tx.run(cypher.COUNT_ALL_NODES).single()["n"],
                    tx.run(cypher.COUNT_ALL_RELATIONSHIPS).single()["n"])
        nodes, rels = self._run(False, work)
        return {"backend": self.backend, "address": self.address,
                "total_nodes": nodes, "total_relationships": rels}

    def _batches(self, batch: Batch) -> list[tuple[str, list[dict[str, Any]], str]]:
        """(statement, rows, kind) in write order: nodes by label, then relationships by type."""
        out = []
        for label, rows in sorted(batch.nodes_by_label().items()):
            stmt = cypher.merge_nodes(label)
            params = [r.to_param() for r in rows]
            for i in range(0, len(params), self.batch_size):
                out.append((stmt, params[i:i + self.batch_size], "nodes"))
        for rel_type, rows in sorted(batch.edges_by_type().items()):
            stmt = cypher.merge_relationships(rel_type)
            params = [r.to_param() for r in rows]
            for i in range(0, len(params), self.batch_size):
                out.append((stmt, params[i:i + self.batch_size], "rels"))
        return out

    def _count_skipped(self, batch: Batch) -> int:
        """Relations whose source or target is neither in the batch nor in the database."""
        ends = {e for row in batch.edges.values() for e in (row.source, row.target)} - batch.nodes.keys()
        if not ends:
            return 0
        existing = {r["id"] for r in self._read(cypher.EXISTING_IDS, ids=sorted(ends))}
        return sum(1 for row in batch.edges.values()
                   if (row.source not in batch.nodes and row.source not in existing)
                   or (row.target not in batch.nodes and row.target not in existing))

    def merge(self, graphs: Iterable[DocumentGraph], progress: Progress | None = None,
              atomic: bool = True) -> MergeReport:
        """Merge documents. atomic=True: one transaction for the whole call (all or nothing);
        atomic=False: one transaction per batch (bulk loads; idempotent, so a rerun completes)."""
        batch = prepare(graphs)
        report = MergeReport(documents=batch.documents, entities_skipped=len(batch.skipped_entities))
        self._ensure_schema()
        self._drop_aggregates()
        report.relationships_skipped = self._count_skipped(batch)
        work = self._batches(batch)

        def run(tx: neo4j.ManagedTransaction, items: list[tuple[str, list[dict[str, Any]], str]]
                ) -> tuple[int, int]:
            nodes = rels = 0
            for stmt, rows, _kind in items:
                c = tx.run(stmt, rows=rows).consume().counters
                nodes += c.nodes_created
                rels += c.relationships_created
            return nodes, rels

        if atomic:
            nodes, rels = self._tx(True, lambda tx: run(tx, work))
            report.nodes_created, report.relationships_created = nodes, rels
            if progress:
                progress(batch.documents)
        else:
            bulk = batch.size >= BULK_THRESHOLD
            if bulk:
                self._schema_run(cypher.DROP_SEARCH_INDEXES)
            try:
                for item in work:
                    nodes, rels = self._tx(True, lambda tx, it=item: run(tx, [it]))
                    report.nodes_created += nodes
                    report.relationships_created += rels
                    if progress:
                        progress(len(item[1]))
            finally:
                if bulk:
                    self._schema_run(cypher.search_index_statements(), wait=True)
        self._refresh_aggregates()
        return report

    def merge_naive(self, graphs: Iterable[DocumentGraph], limit: int | None = None) -> int:
        """Baseline for the benchmark only: the same MERGE statements, but one auto-commit
        transaction per element and no batching (the py2neo-tutorial `graph.merge(node)` style).
        Returns the number of elements written."""
        batch = prepare(graphs)
        self._ensure_schema()
        done = 0
        with self._driver.session(database=self.database) as session:
            for row in batch.nodes.values():
                if limit is not None and done >= limit:
                    return done
                session.run(cypher.merge_nodes(row.label), rows=[row.to_param()]).consume()
                done += 1
            for row in batch.edges.values():
                if limit is not None and done >= limit:
                    return done
                session.run(cypher.merge_relationships(row.type), rows=[row.to_param()]).consume()
                done += 1
        return done

    def reset(self) -> None:
        """Delete every node in batches (a large graph does not fit one transaction)."""
        while True:
            deleted = self._run(True, lambda tx: tx.run(cypher.DELETE_ALL_BATCH, limit=10000).single()["deleted"])
            if not deleted:
                break
        self._refresh_aggregates()

    # -- composite queries: one read transaction each ----------------------------------------------
    def search(self, *args: Any, **kw: Any) -> list[SearchHit]:
        return self._one_read(lambda: GraphStore.search(self, *args, **kw))

    def resolve(self, name_or_id: str) -> str:
        return self._one_read(lambda: GraphStore.resolve(self, name_or_id))

    def entity(self, entity_id: str) -> tuple[NodeView, list[EdgeView]]:
        return self._one_read(lambda: GraphStore.entity(self, entity_id))

    def who_leads(self, *args: Any, **kw: Any) -> list[Responsibility]:
        return self._one_read(lambda: GraphStore.who_leads(self, *args, **kw))

    def neighbourhood(self, *args: Any, **kw: Any) -> Subgraph:
        return self._one_read(lambda: GraphStore.neighbourhood(self, *args, **kw))

    def paths(self, *args: Any, **kw: Any) -> list[Subgraph]:
        return self._one_read(lambda: GraphStore.paths(self, *args, **kw))

    # -- conversions -----------------------------------------------------------------------------
    @staticmethod
    def _node(d: dict[str, Any]) -> NodeView:
        raw = d["props"]
        props = {k: v for k, v in raw.items() if k not in HIDDEN_NODE_PROPS}
        props["aliases"] = list(raw.get("aliases") or [])
        props["documents"] = list(raw.get("docs") or [])
        return NodeView(id=d["id"], label=_label_of(d["labels"]), name=raw.get("name", ""), properties=props)

    @staticmethod
    def _edge(d: dict[str, Any], a: dict[str, Any] | None = None, b: dict[str, Any] | None = None) -> EdgeView:
        raw = d["props"]
        e = EdgeView(source=d["source"], type=d["type"], target=d["target"],
                     properties={k: v for k, v in raw.items() if k not in EV_PROPS},
                     evidence=sort_evidence(evidence_from_lists(raw)))
        if a is not None:
            e.source_name, e.source_label = a.get("name") or "", _label_of(a.get("labels") or [])
        if b is not None:
            e.target_name, e.target_label = b.get("name") or "", _label_of(b.get("labels") or [])
        return e

    # -- backend-specific reads ------------------------------------------------------------------
    def stats(self) -> Stats:
        def work(tx: neo4j.ManagedTransaction) -> Stats:
            labels = {r["label"]: r["n"] for r in tx.run(cypher.COUNT_NODES)}
            types = {r["type"]: r["n"] for r in tx.run(cypher.COUNT_RELATIONSHIPS)}
            return stats_from_counts(labels, types)
        return self._run(False, work)

    def documents(self) -> list[NodeView]:
        out = []
        for r in self._read(cypher.DOCUMENTS):
            v = self._node(r["node"])
            v.properties["clauses"] = r["clauses"]
            out.append(v)
        return sorted(out, key=lambda v: (str(v.properties.get("date") or ""), v.id))

    # -- aggregations: Cypher aggregations, only their results travel -------------------------
    # The unfiltered answers are maintained: recomputed after each merge or reset and kept on the
    # :KgAggregates node (cypher.SAVE_AGGREGATES), so a page on a big graph reads one property;
    # a filter (documents, areas) or a limit beyond what is kept runs the Cypher aggregation live.
    @staticmethod
    def _filters(documents: Sequence[str] | None, areas: Sequence[str] | None) -> dict[str, Any]:
        return {"docs": doc_filter(documents), "areas": sorted(set(areas)) if areas else None}

    def _saved(self, name: str) -> Any | None:
        """A maintained aggregate (decoded JSON), or None when there is none."""
        rows = self._read(cypher.READ_AGGREGATE, name=name)
        value = rows[0]["value"] if rows else None
        return json.loads(value) if isinstance(value, str) else None

    def _drop_aggregates(self) -> None:
        self._run(True, lambda tx: tx.run(cypher.DROP_AGGREGATES).consume())

    def _refresh_aggregates(self) -> None:
        """Compute the unfiltered aggregates live and keep them (after a write)."""
        loads = self._live_role_load()
        hierarchy = self._live_hierarchy()
        values = {
            "role_load": [[x.id, x.name, x.label, x.by_role] for x in loads],
            "province_load": [[x.id, x.name, x.label, x.by_role]
                              for x in analytics.load_by_province(loads, hierarchy)],
            "co_responsible": [[p.a, p.a_name, p.b, p.b_name, p.weight]
                               for p in self._live_co_responsible(None, None, KEPT_PAIRS)],
            "area_load": [[r.actor_id, r.actor, r.area, r.measures] for r in self._live_area_load(None, None, KEPT_AREA_TOP)],
            "document_load": self._live_document_load(),
            "hierarchy": {"places": [[n.id, n.label, n.name, n.properties] for n in hierarchy.places],
                          "links": [list(link) for link in hierarchy.links]},
            "areas": [r["area"] for r in self._read(cypher.AREAS)],
        }
        encoded = {k: json.dumps(v, ensure_ascii=False) for k, v in values.items()}
        self._run(True, lambda tx: tx.run(cypher.SAVE_AGGREGATES, values=encoded).consume())

    def _live_role_load(self, documents: Sequence[str] | None = None, areas: Sequence[str] | None = None,
                        limit: int | None = None) -> list[ActorLoad]:
        filters = self._filters(documents, areas)
        rows = (self._read(cypher.ROLE_LOAD_TOP, limit=max(int(limit), 0), **filters) if limit is not None
                else self._read(cypher.ROLE_LOAD, **filters))
        out = [ActorLoad(r["id"], r["name"] or "", _label_of(r["labels"] or []),
                         {role: n for role in ROLE_TYPES for rl, n in r["by_role"] if rl == role}) for r in rows]
        out.sort(key=lambda x: (-x.total, x.name, x.id))
        return out

    def role_load(self, documents: Sequence[str] | None = None, areas: Sequence[str] | None = None,
                  limit: int | None = None) -> list[ActorLoad]:
        saved = None if documents or areas else self._saved("role_load")
        if saved is None:
            return self._live_role_load(documents, areas, limit)
        rows = saved[:limit] if limit is not None else saved
        return [ActorLoad(i, name, label, dict(by_role)) for i, name, label, by_role in rows]

    def province_load(self, documents: Sequence[str] | None = None,
                      areas: Sequence[str] | None = None) -> list[ActorLoad]:
        saved = None if documents or areas else self._saved("province_load")
        if saved is None:
            return super().province_load(documents, areas)
        return [ActorLoad(i, name, label, dict(by_role)) for i, name, label, by_role in saved]

    def _live_co_responsible(self, documents: Sequence[str] | None, areas: Sequence[str] | None,
                             limit: int) -> list[Pair]:
        rows = self._read(cypher.CO_RESPONSIBLE, limit=max(int(limit), 0), **self._filters(documents, areas))
        return [Pair(r["a"], r["a_name"] or "", r["b"], r["b_name"] or "", r["weight"]) for r in rows]

    def co_responsible(self, documents: Sequence[str] | None = None, areas: Sequence[str] | None = None,
                       limit: int = 15) -> list[Pair]:
        saved = None if documents or areas or limit > KEPT_PAIRS else self._saved("co_responsible")
        if saved is None:
            return self._live_co_responsible(documents, areas, limit)
        return [Pair(*row) for row in saved[:max(int(limit), 0)]]

    def _live_area_load(self, documents: Sequence[str] | None, areas: Sequence[str] | None,
                        top: int) -> list[AreaLoad]:
        rows = self._read(cypher.AREA_LOAD, top=max(int(top), 0), **self._filters(documents, areas))
        out = [AreaLoad(r["actor_id"], r["actor"] or "", r["area"], r["measures"]) for r in rows]
        return sorted(out, key=lambda x: (-x.measures, x.actor, x.area))

    def area_load(self, documents: Sequence[str] | None = None, areas: Sequence[str] | None = None,
                  top: int = 15) -> list[AreaLoad]:
        saved = None if documents or areas or top != KEPT_AREA_TOP else self._saved("area_load")
        if saved is None:
            return self._live_area_load(documents, areas, top)
        return [AreaLoad(*row) for row in saved]

    def _live_document_load(self) -> dict[str, int]:
        return {r["doc"]: r["n"] for r in self._read(cypher.DOCUMENT_LOAD)}

    def document_load(self) -> dict[str, int]:
        saved = self._saved("document_load")
        return dict(saved) if saved is not None else self._live_document_load()

    def _live_hierarchy(self) -> Hierarchy:
        def work(tx: neo4j.ManagedTransaction) -> Hierarchy:
            places = [self._node(r["node"]) for r in tx.run(cypher.PLACES)]
            links = [(r["source"], r["type"], r["target"]) for r in tx.run(cypher.PLACE_LINKS)]
            return Hierarchy(places=sort_nodes(places), links=sorted(links))
        return self._run(False, work)

    def hierarchy(self) -> Hierarchy:
        saved = self._saved("hierarchy")
        if saved is None:
            return self._live_hierarchy()
        return Hierarchy(places=[NodeView(i, label, name, props) for i, label, name, props in saved["places"]],
                         links=[tuple(link) for link in saved["links"]])

    def areas(self) -> list[str]:
        saved = self._saved("areas")
        return list(saved) if saved is not None else [r["area"] for r in self._read(cypher.AREAS)]

    def count(self, labels: Sequence[str] | None = None, rel_types: Sequence[str] | None = None,
              documents: Sequence[str] | None = None, areas: Sequence[str] | None = None) -> tuple[int, int]:
        if not (labels or rel_types or documents or areas):
            st = self.stats()
            return st.total_nodes, st.total_relationships
        params = {"labels": check_labels(labels), "types": check_types(rel_types), **self._filters(documents, areas)}

        def work(tx: neo4j.ManagedTransaction) -> tuple[int, int]:
            nodes = tx.run(cypher.COUNT_SUBGRAPH_NODES, params).single()["n"]
            edges = tx.run(cypher.COUNT_SUBGRAPH_EDGES, params).single()["n"]
            return nodes, edges
        return self._run(False, work)

    def subgraph(self, labels: Sequence[str] | None = None, rel_types: Sequence[str] | None = None,
                 documents: Sequence[str] | None = None, areas: Sequence[str] | None = None) -> Subgraph:
        params = {"labels": check_labels(labels), "types": check_types(rel_types),
                  "docs": doc_filter(documents), "areas": sorted(set(areas)) if areas else None}

        def work(tx: neo4j.ManagedTransaction) -> Subgraph:
            nodes = {v.id: v for v in (self._node(r["node"]) for r in tx.run(cypher.SUBGRAPH_NODES, params))}
            edges = [self._edge(r["edge"]) for r in tx.run(cypher.SUBGRAPH_EDGES, params)]
            return Subgraph(nodes=sort_nodes(nodes.values()), edges=_named(sort_edges(edges), nodes))
        return self._run(False, work)

    # -- primitives ------------------------------------------------------------------------------
    def _node_views(self, ids: Iterable[str]) -> dict[str, NodeView]:
        ids = list(dict.fromkeys(ids))
        if not ids:
            return {}
        return {v.id: v for v in (self._node(r["node"]) for r in self._read(cypher.NODES_BY_ID, ids=ids))}

    def _incident_edges(self, entity_id: str, rel_types: list[str] | None, direction: str) -> list[EdgeView]:
        rows = self._read(cypher.incident_edges(direction), id=entity_id, types=rel_types)
        return [self._edge(r["edge"], r["a"], r["b"]) for r in rows]

    def _expand(self, frontier: list[str], labels: list[str] | None, rel_types: list[str] | None,
                documents: list[str] | None, exclude: list[str], limit: int) -> list[str]:
        if limit <= 0:
            return []
        rows = self._read(cypher.EXPAND, frontier=frontier, labels=labels, types=rel_types, docs=documents,
                          exclude=exclude, limit=limit)
        return [r["id"] for r in rows]

    def _edges_among(self, ids: list[str], rel_types: list[str] | None,
                     documents: list[str] | None) -> list[EdgeView]:
        rows = self._read(cypher.EDGES_AMONG, ids=ids, types=rel_types, docs=documents)
        return [self._edge(r["edge"]) for r in rows]

    def _shortest_node_paths(self, source_id: str, target_id: str, rel_types: list[str] | None,
                             max_length: int, cap: int) -> list[list[str]]:
        rows = self._read(cypher.shortest_paths(max_length), source=source_id, target=target_id,
                          types=rel_types, cap=cap)
        return [r["ids"] for r in rows]

    def _search_candidates(self, q: str, qtokens: set[str], labels: list[str] | None,
                           limit: int) -> list[tuple[str, str, str, list[str]]]:
        """The best substring matches (ranked in Cypher exactly as search_rank.score ranks them),
        plus full-text (cjk) fuzzy candidates when fewer than `limit` substring matches exist."""
        lucene = lucene_query(q)
        cap = limit + self.SEARCH_MARGIN

        def work(tx: neo4j.ManagedTransaction) -> list[dict[str, Any]]:
            rows = [r.data() for r in tx.run(cypher.SEARCH_CONTAINS, needle=q, labels=labels, cap=cap)]
            if lucene and len(rows) < limit:
                rows += [r.data() for r in tx.run(cypher.SEARCH_FULLTEXT, lucene=lucene, labels=labels,
                                                  cap=self.FULLTEXT_CANDIDATES)]
            return rows
        seen: dict[str, tuple[str, str, str, list[str]]] = {}
        for r in self._run(False, work):
            seen.setdefault(r["id"], (r["id"], _label_of(r["labels"]), r["name"], list(r["aliases"] or [])))
        return [seen[k] for k in sorted(seen)]

    def _lookup(self, name_or_id: str) -> list[tuple[str, str, str, list[str]]]:
        q = norm(name_or_id)
        params = {"raw": name_or_id, "norm": q, "needle": "\n" + q + "\n"}

        def work(tx: neo4j.ManagedTransaction) -> list[dict[str, Any]]:
            return [r.data() for stmt in (cypher.LOOKUP_BY_ID, cypher.LOOKUP_BY_NAME, cypher.LOOKUP_BY_KEY)
                    for r in tx.run(stmt, params)]
        found = {r["id"]: (r["id"], _label_of(r["labels"]), r["name"], list(r["aliases"] or []))
                 for r in self._run(False, work)}
        return [found[k] for k in sorted(found)]

    # -- read-only console -------------------------------------------------------------------------
    def cypher(self, query: str, params: dict[str, Any] | None = None,
               timeout_s: float = 10.0, row_cap: int = 1000) -> tuple[list[str], list[list[Any]]]:
        """Run a read-only query: read access mode, a server-side timeout, at most `row_cap` rows.
        Writes, LOAD CSV, admin procedures and `IN TRANSACTIONS` are refused with QueryRefused."""
        from graph.console import check_read_only, plain
        check_read_only(query)

        # The timeout travels with the transaction (a managed transaction cannot take a Query's).
        @neo4j.unit_of_work(timeout=timeout_s)
        def work(tx: neo4j.ManagedTransaction) -> tuple[list[str], list[list[Any]]]:
            result = tx.run(query, params or {})
            keys = list(result.keys())
            rows = []
            for record in result:
                if len(rows) >= row_cap:
                    break
                rows.append([plain(v) for v in record.values()])
            return keys, rows
        try:
            with self._driver.session(database=self.database, default_access_mode=READ_ACCESS) as session:
                return session.execute_read(work)
        except UnicodeEncodeError:
            raise QueryRefused(_BAD_TEXT) from None
        except _UNAVAILABLE as exc:
            raise self._unavailable(exc) from exc
        except nx_exc.Neo4jError as exc:
            raise _refusal(exc, timeout_s) from None


def _refusal(exc: "nx_exc.Neo4jError", timeout_s: float) -> QueryRefused:
    code = exc.code or ""
    msg = (exc.message or str(exc)).splitlines()[0][:300]
    if "AccessMode" in code or "Forbidden" in code or "write" in msg.lower() and "read" in msg.lower():
        return QueryRefused(f"read-only console: writes are refused ({msg})")
    if "Timeout" in code or "TimedOut" in code or "terminated" in msg.lower():
        return QueryRefused(f"query stopped at the {timeout_s:g} s timeout")
    return QueryRefused(f"Cypher error: {msg}")
