"""The Neo4j store (official `neo4j` driver): the real database and the path to scale.

- Schema: unique `Entity.id`, name indexes, a text index for substring search and a full-text index
  with the `cjk` analyzer over names and aliases (created once per store, idempotently).
- Writes: batched `UNWIND $rows … MERGE` grouped by label / relationship type, in transactions
  bounded in rows and bytes (TX_ROWS, TX_BYTES), so a build of any size stays within the server's
  transaction memory; retried on transient errors like the driver's managed transactions, split in
  two when the server runs out of memory for one. A merge that fits one transaction is all or
  nothing; a bigger one is resumable (see `merge`).
- Provenance: evidence kept as parallel lists `ev_docs/ev_text/ev_start/ev_end/ev_rule` plus `ev_keys`;
  an entry is appended only when its key is new, so re-merging never duplicates.
- Driver and server errors become the project's errors in one place (graph/neo4j_errors.py).
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Sequence, TypeVar

import neo4j
from neo4j import GraphDatabase, READ_ACCESS
from neo4j import exceptions as nx_exc

from common.errors import ConfigError, KGError
from graph import analytics, cypher
from graph.model import ENTITY_LABEL, LABELS, ROLE_TYPES, DocumentGraph, check_labels, check_types
from graph.neo4j_errors import neo4j_errors, redact, resource_kind, translate
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
BATCH_SIZE = 5000          # rows per UNWIND statement
TX_ROWS = 5000             # rows per write transaction at most (measured: bigger transactions cost
                           # the server more CPU per row, see bench/GRAPH_RESULTS.md)
TX_BYTES = 16 * 2**20      # estimated parameter bytes per write transaction at most (the server's
                           # transaction state is several times this; 1 GB heap → 716 MB pool)
# A non-atomic merge of at least this many elements is a bulk load: the Lucene search indexes are
# dropped first and rebuilt (populated in one pass) at the end, which is much faster than updating
# them row by row. A crashed bulk load leaves them missing; the next store to connect recreates them.
BULK_THRESHOLD = 50000

BOLT_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
_redact = redact


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigError(f"{name} must be a whole number of at least 1, not {raw!r}")
    return int(raw)


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
                 retry_s: float | None = None, connect_timeout_s: float = 5.0,
                 tx_rows: int | None = None, tx_bytes: int | None = None):
        self.uri = uri
        self.database = database or None
        self.batch_size = batch_size
        self.tx_rows = max(1, tx_rows or _env_int("KG_NEO4J_TX_ROWS", TX_ROWS))
        self.tx_bytes = max(1, tx_bytes or _env_int("KG_NEO4J_TX_MB", TX_BYTES // 2**20) * 2**20)
        auth = (user or "neo4j", password) if password else None
        retry = float(retry_s if retry_s is not None else os.environ.get("KG_NEO4J_RETRY_S", "5"))
        self._retry_s = retry
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

    def _tx(self, write: bool, work: Callable[[neo4j.ManagedTransaction], T], split: bool = False) -> T:
        """One managed transaction. Running out of a server resource is not retried as is (it
        would fail the same way): StoreResourceError, or `_Exhausted` for the caller to split the
        work when `split` is set (a write whose commit may run out of memory)."""
        try:
            with neo4j_errors(self.uri, self.database):
                if split:
                    return self._write_splittable(work)
                with self._driver.session(database=self.database) as session:
                    guarded = _no_retry_when_exhausted(work)
                    return session.execute_write(guarded) if write else session.execute_read(guarded)
        except _Exhausted as exc:
            if split:
                raise
            raise translate(exc.error, self.uri, self.database) from exc.error

    def _write_splittable(self, work: Callable[[Any], T]) -> T:
        """A write transaction retried like the driver's managed ones (transient errors, within
        the retry window), except that the server running out of memory, also at commit, raises
        `_Exhausted` at once: the caller splits the work instead of sending it again."""
        deadline = time.monotonic() + self._retry_s
        delay = 0.2
        while True:
            try:
                with self._driver.session(database=self.database) as session:
                    with session.begin_transaction() as tx:
                        out = work(tx)
                        tx.commit()
                        return out
            except (nx_exc.Neo4jError, nx_exc.DriverError) as exc:
                if resource_kind(exc):
                    raise _Exhausted(exc) from exc
                if not exc.is_retryable() or time.monotonic() + delay > deadline:
                    raise
            time.sleep(delay)
            delay = min(delay * 2, 2.0)

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
        with neo4j_errors(self.uri, self.database):
            with self._driver.session(database=self.database) as session:
                for stmt in statements:
                    session.execute_write(lambda tx, s=stmt: tx.run(s).consume())
                if wait:
                    session.run(cypher.AWAIT_INDEXES, timeout=600).consume()

    def ping(self) -> None:
        """StoreUnavailable if the server does not answer."""
        with neo4j_errors(self.uri, self.database):
            self._driver.verify_connectivity()

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

    def _statements(self, batch: Batch) -> Iterator[tuple[str, str, list[Any]]]:
        """(kind, statement, row objects) in write order: nodes by label, then relationships by type."""
        for label, rows in sorted(batch.nodes_by_label().items()):
            yield "nodes", cypher.merge_nodes(label), rows
        for rel_type, rows in sorted(batch.edges_by_type().items()):
            yield "rels", cypher.merge_relationships(rel_type), rows

    def _chunks(self, batch: Batch) -> Iterator[Chunk]:
        """The merge's write transactions, in write order, each bounded in rows and in bytes: at
        most `tx_rows` rows and about `tx_bytes` bytes of parameters (what the server holds as
        transaction state grows with both); inside one, statements of at most `batch_size` rows."""
        chunk = Chunk()
        for kind, stmt, rows in self._statements(batch):
            piece: list[dict[str, Any]] = []
            for row in rows:
                param = row.to_param()
                size = _param_bytes(param, kind)
                if chunk.rows + len(piece) and (chunk.rows + len(piece) >= self.tx_rows
                                                or chunk.bytes + size > self.tx_bytes):
                    if piece:
                        chunk.add(kind, stmt, piece)
                        piece = []
                    yield chunk
                    chunk = Chunk()
                piece.append(param)
                chunk.bytes += size
                if len(piece) >= self.batch_size:
                    chunk.add(kind, stmt, piece)
                    piece = []
            if piece:
                chunk.add(kind, stmt, piece)
        if chunk.rows:
            yield chunk

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
              bulk: bool = False) -> MergeReport:
        """Merge documents in write transactions bounded in rows and bytes (`_chunks`).

        A merge that fits in one transaction is all or nothing. A bigger one commits transaction by
        transaction, nodes first, then relationships; if it stops half-way (killed, server gone,
        out of a resource) the committed part stays, and running the same merge again completes
        it to exactly the graph an uninterrupted merge gives (MERGE matches what is there, lists
        only gain what they miss). A transaction the server refuses for lack of memory is split in
        two and retried, down to one row. bulk=True (large first loads): the search indexes are
        dropped first and rebuilt once at the end when the merge has ≥ BULK_THRESHOLD elements."""
        batch = prepare(graphs)
        report = MergeReport(documents=batch.documents, entities_skipped=len(batch.skipped_entities))
        self._ensure_schema()
        self._drop_aggregates()
        report.relationships_skipped = self._count_skipped(batch)
        total = batch.size
        drop = bulk and total >= BULK_THRESHOLD
        if drop:
            self._schema_run(cypher.DROP_SEARCH_INDEXES)
        done = docs_told = 0
        try:
            for chunk in self._chunks(batch):
                nodes, rels = self._write_chunk(chunk)
                report.nodes_created += nodes
                report.relationships_created += rels
                done += chunk.rows
                if progress:
                    told = batch.documents * done // total if done < total else batch.documents
                    if told > docs_told:
                        progress(told - docs_told)
                        docs_told = told
        except KGError as err:
            if drop:   # best effort: the next store to connect recreates missing indexes anyway
                with contextlib.suppress(KGError):
                    self._schema_run(cypher.search_index_statements())
            if done:   # a part is committed: say so, and how to complete it
                raise type(err)(f"{err}; {done:,} of {total:,} nodes and relationships were written "
                                f"— run the same build again to complete it") from err
            raise
        if drop:
            self._schema_run(cypher.search_index_statements(), wait=True)
        if progress and docs_told < batch.documents:
            progress(batch.documents - docs_told)
        self._refresh_aggregates()
        return report

    def _write_chunk(self, chunk: Chunk) -> tuple[int, int]:
        """Commit one chunk (nodes, relationships created); halve it while the server runs out of
        memory for it; StoreResourceError when even one row does not fit."""
        pending = [chunk]
        nodes = rels = 0
        while pending:
            part = pending.pop(0)
            try:
                n, r = self._tx(True, lambda tx, c=part: _run_chunk(tx, c), split=True)
            except _Exhausted as big:
                halves = part.split() if "memory" in (resource_kind(big.error) or "") else []
                if not halves:
                    raise translate(big.error, self.uri, self.database) from big.error
                pending[:0] = halves
                continue
            nodes += n
            rels += r
        return nodes, rels

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
        """Delete every node in batches (a large graph does not fit one transaction); the maintained
        aggregates are dropped first, so no reader sees the old ones while the graph is half gone."""
        self._drop_aggregates()
        while True:
            deleted = self._run(True, lambda tx: tx.run(cypher.DELETE_GRAPH_BATCH, limit=10000).single()["deleted"])
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
        """Compute the unfiltered aggregates live and keep them (after a write). Best effort: if
        that fails, none are kept and every read runs live (never a stale answer)."""
        with contextlib.suppress(KGError):
            self._save_aggregates()

    def _save_aggregates(self) -> None:
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
            with neo4j_errors(self.uri, self.database, console_timeout_s=timeout_s):
                with self._driver.session(database=self.database, default_access_mode=READ_ACCESS) as session:
                    return session.execute_read(_no_retry_when_exhausted(work))
        except _Exhausted as exc:
            raise translate(exc.error, self.uri, self.database) from exc.error


@dataclass
class Chunk:
    """One write transaction: (kind, statement, parameter rows) pieces, with its row and byte sizes."""
    pieces: list[tuple[str, str, list[dict[str, Any]]]] = field(default_factory=list)
    rows: int = 0
    bytes: int = 0

    def add(self, kind: str, stmt: str, rows: list[dict[str, Any]]) -> None:
        self.pieces.append((kind, stmt, rows))
        self.rows += len(rows)

    def split(self) -> list["Chunk"]:
        """Two chunks of about half the rows each, in the same order; [] for a single row."""
        if self.rows <= 1:
            return []
        flat = [(kind, stmt, row) for kind, stmt, rows in self.pieces for row in rows]
        out = []
        for part in (flat[:len(flat) // 2], flat[len(flat) // 2:]):
            c = Chunk(bytes=self.bytes * len(part) // len(flat))
            for kind, stmt, row in part:
                if c.pieces and c.pieces[-1][1] == stmt:
                    c.pieces[-1][2].append(row)
                    c.rows += 1
                else:
                    c.add(kind, stmt, [row])
            out.append(c)
        return out


class _Exhausted(Exception):
    """The server ran out of a resource for a transaction (rolled back); not a driver error, so
    the driver does not retry it as is."""

    def __init__(self, error: BaseException):
        super().__init__(str(error))
        self.error = error


def _no_retry_when_exhausted(work: Callable[[neo4j.ManagedTransaction], T]
                             ) -> Callable[[neo4j.ManagedTransaction], T]:
    def guarded(tx: neo4j.ManagedTransaction) -> T:
        try:
            return work(tx)
        except nx_exc.Neo4jError as exc:
            if resource_kind(exc):
                raise _Exhausted(exc) from exc
            raise
    timeout = getattr(work, "timeout", None)          # keep a unit_of_work's timeout
    return neo4j.unit_of_work(timeout=timeout)(guarded) if timeout is not None else guarded


def _run_chunk(tx: neo4j.ManagedTransaction, chunk: Chunk) -> tuple[int, int]:
    nodes = rels = 0
    for _kind, stmt, rows in chunk.pieces:
        c = tx.run(stmt, rows=rows).consume().counters
        nodes += c.nodes_created
        rels += c.relationships_created
    return nodes, rels


def _param_bytes(param: dict[str, Any], kind: str) -> int:
    """A cheap estimate of a row's parameter size in bytes (strings count 2 bytes a character)."""
    if kind == "rels":
        return 2 * sum(map(len, param["ev_text"])) + 120 * len(param["ev_keys"]) + 200 + _props_bytes(param["props"])
    return (4 * len(param["text"]) + 2 * sum(map(len, param["aliases"])) + 60 * len(param["docs"]) + 300
            + _props_bytes(param["props"]))


def _props_bytes(props: dict[str, Any]) -> int:
    return sum(2 * len(v) + 40 if isinstance(v, str) else
               sum(2 * len(x) + 40 if isinstance(x, str) else 16 for x in v) + 40 if isinstance(v, list) else 24
               for v in props.values())
