"""The embedded store: a networkx MultiDiGraph (edge key = relationship type) in one file.

- The file is JSON lines, format `yrd-policy-graph/2` (graph/store_file.py); files of the old one-object
  JSON format 1 still open, and are written in format 2 on the next save.
- Loaded lazily on first use, and reloaded when another process replaced the file.
- Saved atomically: a temporary file in the same folder, fsync, then `os.replace`.
- Writers hold an exclusive `fcntl` lock on `<file>.lock` (graph/file_lock.py) for read-modify-write,
  so two concurrent builds or ingests never lose each other's work nor corrupt the file.
- A writer killed mid-save leaves `.<file>.<random>.tmp` behind; the next writer deletes it under the lock.
"""
from __future__ import annotations

import bisect
import contextlib
import gc
import itertools
import operator
import os
import re
import tempfile
import threading
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

import networkx as nx

from common.errors import ConfigError, StoreUnavailable
from graph.file_lock import held, open_lock
from graph.records import doc_filter, evidence_key, prepare, sort_evidence
from graph.search_rank import FUZZY_MIN, norm, search_keys, tokens
from graph import analytics
from graph.model import MEASURE_LABELS, ROLE_TYPES, DocumentGraph, check_labels, check_types, passes_areas
from graph.store import (ActorLoad, AreaLoad, EdgeView, GraphStore, Hierarchy, MergeReport, NodeView, Pair, Progress,
                         Stats, Subgraph, sort_edges, sort_nodes, stats_from_counts, _named)
from graph.store_file import FORMAT, CorruptStoreFile, NotAStoreFile, gc_paused, read_graph, write_graph

_ROLES = frozenset(ROLE_TYPES)
_DOC_ID = operator.itemgetter("doc_id")
MEMO_ENTRIES = 256
_PLACES = frozenset({"Province", "City", "County", "Zone"})
_LINKS = frozenset({"LOCATED_IN", "SUBORDINATE_TO", "PART_OF"})
_TMP_SUFFIX = ".tmp"


def _stamp(st: os.stat_result) -> tuple[int, int, int]:
    """What tells one version of the file from another: inode (a save replaces the file), mtime, size."""
    return (st.st_ino, st.st_mtime_ns, st.st_size)


class MemoryStore(GraphStore):
    backend = "memory"

    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)
        self._g: nx.MultiDiGraph | None = None
        self._stamp: tuple[int, int, int] | None = None
        self._index: _SearchIndex | None = None
        self._memo_graph: nx.MultiDiGraph | None = None
        self._memo_values: dict[tuple, Any] = {}
        self._mutex = threading.RLock()

    # -- persistence -------------------------------------------------------------------------
    def _file_stamp(self) -> tuple[int, int, int] | None:
        try:
            return _stamp(self.path.stat())
        except FileNotFoundError:
            return None

    @property
    def graph(self) -> nx.MultiDiGraph:
        """The live graph, (re)loaded when the file changed since the last load."""
        with self._mutex:
            stamp = self._file_stamp()
            if self._g is None or stamp != self._stamp:
                def load() -> nx.MultiDiGraph:
                    g, self._stamp = self._read() if stamp else (nx.MultiDiGraph(), None)
                    return g
                self._replace_graph(load)
            return self._g

    def _drop_graph(self) -> None:
        """Forget the graph in memory and everything derived from it (search index, memoised
        aggregates), and let the collector see it again (it was frozen: `_replace_graph`)."""
        gc.unfreeze()
        self._g, self._index = None, None
        self._memo_graph, self._memo_values = None, {}

    def _replace_graph(self, make: Callable[[], nx.MultiDiGraph]) -> None:
        """Make the graph `make()` returns the graph in memory. The old one (a networkx graph is
        cyclic: it caches views that point back at it) is collected first, so a graph `make` reads
        is not there yet to be walked; then what is alive is frozen out of the cyclic collector's
        sight (gc.freeze): otherwise every full collection of a long-lived process (the app) walks
        the whole graph again, a second or more at 100k nodes, in the middle of a page. The collector
        stays paused until the freeze: re-enabled, its next allocation would start a full collection
        over everything just built (about 1 s at 100k nodes)."""
        self._drop_graph()
        gc.collect()
        with gc_paused():
            self._g = make()
            gc.freeze()

    def _read(self) -> tuple[nx.MultiDiGraph, tuple[int, int, int]]:
        """The graph in the file and the stamp of the very file read (it may be newer than a stat)."""
        try:
            with open(self.path, "rb") as fh:
                stamp = _stamp(os.fstat(fh.fileno()))
                return read_graph(fh), stamp
        except OSError as exc:
            raise StoreUnavailable(f"cannot read the graph file {self.path}: {exc}") from None
        except NotAStoreFile as exc:
            why = f"; {exc}" if str(exc) else ""
            raise StoreUnavailable(f"{self.path} is not a graph file of this tool (format {FORMAT}){why}") from None
        except CorruptStoreFile as exc:
            raise StoreUnavailable(f"cannot read the graph file {self.path}: {exc}") from None

    def _write(self, g: nx.MultiDiGraph) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._remove_stale_temp_files()
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=_TMP_SUFFIX, dir=self.path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                write_graph(g, fh)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        with contextlib.suppress(OSError):
            dfd = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)
        self._stamp = self._file_stamp()

    def _remove_stale_temp_files(self) -> None:
        """Delete temporary files a killed writer of this store left behind (call under the lock).

        Only names `.<file>.<random>.tmp` whose random part has no dot: a store in the same folder
        whose file name starts with ours (`graph.json.bak`) has its own lock and live temp files."""
        own = re.compile(re.escape(f".{self.path.name}.") + r"[^./]+" + re.escape(_TMP_SUFFIX))
        with contextlib.suppress(OSError):
            for entry in os.scandir(self.path.parent):
                if own.fullmatch(entry.name):
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)

    @contextlib.contextmanager
    def _write_lock(self) -> Iterator[None]:
        try:
            handle = open_lock(self.path.with_name(self.path.name + ".lock"))
        except OSError as exc:
            raise ConfigError(f"cannot write the graph file {self.path}: {exc}") from None
        with self._mutex, handle, held(handle):
            yield

    # -- lifecycle and writes ------------------------------------------------------------------
    def describe(self) -> dict[str, Any]:
        g = self.graph
        return {"backend": self.backend, "address": str(self.path), "total_nodes": g.number_of_nodes(),
                # a multigraph counts its edges by walking every node: once per loaded graph
                "total_relationships": self._memo(("edges",), lambda g: g.number_of_edges())}

    def merge(self, graphs: Iterable[DocumentGraph], progress: Progress | None = None) -> MergeReport:
        """Merge under the file lock into a copy of the current graph, then save: all or nothing."""
        graphs = list(graphs)
        with gc_paused():                       # millions of new containers: see graph/store_file.py
            batch = prepare(graphs)
        with self._write_lock(), gc_paused():
            g = self.graph.copy()
            report = MergeReport(documents=batch.documents, entities_skipped=len(batch.skipped_entities))
            for row in batch.nodes.values():
                if row.id not in g:
                    g.add_node(row.id, label=row.label, name=row.name, aliases=[], docs=[], props={})
                    report.nodes_created += 1
                a = g.nodes[row.id]
                a["name"] = row.name
                a["aliases"] = a["aliases"] + [x for x in row.aliases if x not in a["aliases"]]
                a["docs"] = a["docs"] + [x for x in row.docs if x not in a["docs"]]
                a["props"] = {**a["props"], **row.props}
            for row in batch.edges.values():
                if row.source not in g or row.target not in g:
                    report.relationships_skipped += 1
                    continue
                if not g.has_edge(row.source, row.target, key=row.type):
                    g.add_edge(row.source, row.target, key=row.type, props={}, evidence=[])
                    report.relationships_created += 1
                a = g.edges[row.source, row.target, row.type]
                a["props"] = {**a["props"], **row.props}
                have = {evidence_key(e["doc_id"], e["start"], e["end"], e["rule"]) for e in a["evidence"]}
                fresh = [e for e in row.evidence
                         if evidence_key(e["doc_id"], e["start"], e["end"], e["rule"]) not in have]
                if fresh:
                    a["evidence"] = a["evidence"] + fresh
            self._write(g)
            self._replace_graph(lambda: g)
        if progress:
            progress(len(graphs))
        return report

    def reset(self) -> None:
        with self._write_lock():
            self._write(nx.MultiDiGraph())
            self._replace_graph(nx.MultiDiGraph)

    # -- views ---------------------------------------------------------------------------------
    def _view(self, g: nx.MultiDiGraph, n: str) -> NodeView:
        a = g.nodes[n]
        props = dict(a["props"])
        props["aliases"] = list(a["aliases"])
        props["documents"] = list(a["docs"])
        return NodeView(id=n, label=a["label"], name=a["name"], properties=props)

    @staticmethod
    def _edge(g: nx.MultiDiGraph, s: str, t: str, k: str, a: dict[str, Any]) -> EdgeView:
        return EdgeView(source=s, type=k, target=t, properties=dict(a["props"]),
                        evidence=sort_evidence(dict(e) for e in a["evidence"]),
                        source_name=g.nodes[s]["name"], target_name=g.nodes[t]["name"],
                        source_label=g.nodes[s]["label"], target_label=g.nodes[t]["label"])

    @staticmethod
    def _edge_ok(k: str, a: dict[str, Any], types: list[str] | None, docs: list[str] | None) -> bool:
        if types is not None and k not in types:
            return False
        if docs is not None and not any(e["doc_id"] in docs for e in a["evidence"]):
            return False
        return True

    # -- backend-specific reads ------------------------------------------------------------------
    def stats(self) -> Stats:
        def compute(g: nx.MultiDiGraph) -> Stats:
            labels: dict[str, int] = {}
            for _n, lab in g.nodes(data="label"):
                labels[lab] = labels.get(lab, 0) + 1
            types: dict[str, int] = {}
            for _s, _t, k in g.edges(keys=True):
                types[k] = types.get(k, 0) + 1
            return stats_from_counts(labels, types)
        st = self._memo(("stats",), compute)
        return Stats(dict(st.nodes), dict(st.relationships), st.total_nodes, st.total_relationships)

    def documents(self) -> list[NodeView]:
        def compute(g: nx.MultiDiGraph) -> list[NodeView]:
            out = []
            for n, lab in g.nodes(data="label"):
                if lab == "Document":
                    v = self._view(g, n)
                    v.properties["clauses"] = sum(1 for _s, _t, k in g.out_edges(n, keys=True) if k == "HAS_CLAUSE")
                    out.append(v)
            return sorted(out, key=lambda v: (str(v.properties.get("date") or ""), v.id))
        return [NodeView(v.id, v.label, v.name, dict(v.properties)) for v in self._memo(("documents",), compute)]

    def _node_ok(self, a: dict[str, Any], labels: list[str] | None, docs: list[str] | None,
                 areas: set[str] | None) -> bool:
        if labels is not None and a["label"] not in labels:
            return False
        if docs is not None and not any(d in docs for d in a["docs"]):
            return False
        return passes_areas(a["label"], a["props"].get("areas"), areas)

    def _filtered(self, labels: Sequence[str] | None, rel_types: Sequence[str] | None,
                  documents: Sequence[str] | None, areas: Sequence[str] | None
                  ) -> tuple[set[str], list[tuple[str, str, str, dict[str, Any]]]]:
        """The node ids and (s, t, type, attrs) edges a filter keeps. With documents, only the nodes
        of those documents are looked at (a per-graph index), and only their out-edges."""
        g = self.graph
        labs, types, docs = check_labels(labels), check_types(rel_types), doc_filter(documents)
        area_set = frozenset(areas) if areas else None
        if docs is not None:
            index = self._memo(("nodes_by_doc",), _nodes_by_doc)
            candidates: Iterable[str] = {n for d in docs for n in index.get(d, ())}
        else:
            candidates = g.nodes
        nodes = g.nodes
        keep = {n for n in candidates if self._node_ok(nodes[n], labs, docs, area_set)}
        source = (g.out_edges(keep, keys=True, data=True) if docs is not None
                  else g.edges(keys=True, data=True))
        edges = [(s, t, k, a) for s, t, k, a in source
                 if s in keep and t in keep and self._edge_ok(k, a, types, docs)]
        return keep, edges

    def subgraph(self, labels: Sequence[str] | None = None, rel_types: Sequence[str] | None = None,
                 documents: Sequence[str] | None = None, areas: Sequence[str] | None = None) -> Subgraph:
        g = self.graph
        keep, kept_edges = self._filtered(labels, rel_types, documents, areas)
        nodes = {n: self._view(g, n) for n in keep}
        edges = [self._edge(g, s, t, k, a) for s, t, k, a in kept_edges]
        return Subgraph(nodes=sort_nodes(nodes.values()), edges=_named(sort_edges(edges), nodes))

    # -- aggregations: memoised per graph object (a merge, reset or reload makes a new one) ------
    def _memo(self, key: tuple, compute: Callable[[nx.MultiDiGraph], Any]) -> Any:
        """A result computed once per graph object in memory: a merge, reset or reload makes a new
        graph object, so a memoised aggregate can never be stale. At most MEMO_ENTRIES are kept."""
        g = self.graph
        with self._mutex:
            if self._memo_graph is not g:
                self._memo_graph, self._memo_values = g, {}
            if key not in self._memo_values:
                if len(self._memo_values) >= MEMO_ENTRIES:
                    self._memo_values.clear()
                self._memo_values[key] = compute(g)
            return self._memo_values[key]

    def _role_facts(self) -> list[analytics.RoleFact]:
        """Every role relation to a measure, with the documents of its evidence and the measure's areas."""
        def compute(g: nx.MultiDiGraph) -> list[analytics.RoleFact]:
            nodes = g.nodes
            areas_of: dict[str, tuple[str, ...] | None] = {}     # a measure's areas; None: not a measure
            facts: list[analytics.RoleFact] = []
            with gc_paused():                                    # 100k+ new objects: see store_file
                for s, t, k, a in g.edges(keys=True, data=True):
                    if k not in _ROLES:
                        continue
                    if t not in areas_of:
                        target = nodes[t]
                        areas_of[t] = (tuple(str(x) for x in target["props"].get("areas") or ())
                                       if target["label"] in MEASURE_LABELS else None)
                    areas = areas_of[t]
                    if areas is not None:
                        actor = nodes[s]
                        facts.append(analytics.RoleFact(s, actor["name"], actor["label"], k, t,
                                                        frozenset(map(_DOC_ID, a["evidence"])), areas))
            return facts
        return self._memo(("facts",), compute)

    def _selected(self, documents: Sequence[str] | None, areas: Sequence[str] | None) -> list[analytics.RoleFact]:
        return analytics.select(self._role_facts(), documents, areas) if documents or areas else self._role_facts()

    @staticmethod
    def _filter_key(documents: Sequence[str] | None, areas: Sequence[str] | None) -> tuple:
        return (tuple(sorted(doc_filter(documents) or ())), tuple(sorted(set(areas or ()))))

    def role_load(self, documents: Sequence[str] | None = None, areas: Sequence[str] | None = None,
                  limit: int | None = None) -> list[ActorLoad]:
        key = ("role_load", self._filter_key(documents, areas))
        loads = self._memo(key, lambda g: analytics.role_load(self._selected(documents, areas)))
        return list(loads[:limit] if limit is not None else loads)

    def province_load(self, documents: Sequence[str] | None = None,
                      areas: Sequence[str] | None = None) -> list[ActorLoad]:
        key = ("province_load", self._filter_key(documents, areas))
        return list(self._memo(key, lambda g: super(MemoryStore, self).province_load(documents, areas)))

    def co_responsible(self, documents: Sequence[str] | None = None, areas: Sequence[str] | None = None,
                       limit: int = 15) -> list[Pair]:
        key = ("co_responsible", self._filter_key(documents, areas), limit)
        return list(self._memo(key, lambda g: analytics.co_responsible(self._selected(documents, areas), limit)))

    def area_load(self, documents: Sequence[str] | None = None, areas: Sequence[str] | None = None,
                  top: int = 15) -> list[AreaLoad]:
        key = ("area_load", self._filter_key(documents, areas), top)
        return list(self._memo(key, lambda g: analytics.area_load(self._selected(documents, areas), top)))

    def document_load(self) -> dict[str, int]:
        return dict(self._memo(("document_load",), lambda g: analytics.document_load(self._role_facts())))

    def hierarchy(self) -> Hierarchy:
        def compute(g: nx.MultiDiGraph) -> Hierarchy:
            places = [self._view(g, n) for n, lab in g.nodes(data="label") if lab in _PLACES]
            links = [(s, k, t) for s, t, k in g.edges(keys=True) if k in _LINKS]
            return Hierarchy(places=sort_nodes(places), links=sorted(links))
        return self._memo(("hierarchy",), compute)

    def areas(self) -> list[str]:
        return list(self._memo(("areas",), lambda g: sorted(
            {str(x) for _n, a in g.nodes(data=True) if a["label"] in MEASURE_LABELS for x in a["props"].get("areas") or ()})))

    def count(self, labels: Sequence[str] | None = None, rel_types: Sequence[str] | None = None,
              documents: Sequence[str] | None = None, areas: Sequence[str] | None = None) -> tuple[int, int]:
        if not (labels or rel_types or documents or areas):
            st = self.stats()
            return st.total_nodes, st.total_relationships
        keep, edges = self._filtered(labels, rel_types, documents, areas)
        return len(keep), len(edges)

    # -- primitives ------------------------------------------------------------------------------
    def _node_views(self, ids: Iterable[str]) -> dict[str, NodeView]:
        g = self.graph
        return {n: self._view(g, n) for n in ids if n in g}

    def _incident_edges(self, entity_id: str, rel_types: list[str] | None, direction: str) -> list[EdgeView]:
        g = self.graph
        if entity_id not in g:
            return []
        out: list[EdgeView] = []
        if direction in ("out", "both"):
            out += [self._edge(g, s, t, k, a) for s, t, k, a in g.out_edges(entity_id, keys=True, data=True)
                    if self._edge_ok(k, a, rel_types, None)]
        if direction in ("in", "both"):
            out += [self._edge(g, s, t, k, a) for s, t, k, a in g.in_edges(entity_id, keys=True, data=True)
                    if self._edge_ok(k, a, rel_types, None) and not (direction == "both" and s == t)]
        return out

    def _expand(self, frontier: list[str], labels: list[str] | None, rel_types: list[str] | None,
                documents: list[str] | None, exclude: list[str], limit: int) -> list[str]:
        g = self.graph
        found: set[str] = set()
        for n in frontier:
            for _s, m, k, a in g.out_edges(n, keys=True, data=True):
                if self._edge_ok(k, a, rel_types, documents):
                    found.add(m)
            for m, _t, k, a in g.in_edges(n, keys=True, data=True):
                if self._edge_ok(k, a, rel_types, documents):
                    found.add(m)
        if labels is not None:
            found = {m for m in found if g.nodes[m]["label"] in labels}
        return sorted(found.difference(exclude))[:max(limit, 0)]

    def _edges_among(self, ids: list[str], rel_types: list[str] | None,
                     documents: list[str] | None) -> list[EdgeView]:
        g = self.graph
        keep = set(ids)
        return [self._edge(g, s, t, k, a) for s in ids if s in g
                for _s, t, k, a in g.out_edges(s, keys=True, data=True)
                if t in keep and self._edge_ok(k, a, rel_types, documents)]

    def _shortest_node_paths(self, source_id: str, target_id: str, rel_types: list[str] | None,
                             max_length: int, cap: int) -> list[list[str]]:
        """All undirected shortest paths by a bidirectional, level-synchronous BFS (each step grows
        the smaller frontier), then enumeration through the meeting level, at most `cap` paths."""
        g = self.graph
        allowed = set(rel_types) if rel_types is not None else None
        succ, pred = g._succ, g._pred

        def neighbours(n: str) -> set[str]:
            out: set[str] = set()
            for adj in (succ[n], pred[n]):
                for m, keys in adj.items():
                    if allowed is None or any(k in allowed for k in keys):
                        out.add(m)
            return out

        par = ({source_id: []}, {target_id: []})          # node → parents towards its side's root
        frontier = ([source_id], [target_id])
        depth = [0, 0]
        meet: list[str] = []
        while frontier[0] and frontier[1] and depth[0] + depth[1] < max_length:
            side = 0 if len(frontier[0]) <= len(frontier[1]) else 1
            seen, other = par[side], par[1 - side]
            nxt: dict[str, list[str]] = {}
            for n in frontier[side]:
                for m in neighbours(n):
                    if m not in seen:
                        nxt.setdefault(m, []).append(n)
            seen.update(nxt)
            depth[side] += 1
            frontier = (sorted(nxt), frontier[1]) if side == 0 else (frontier[0], sorted(nxt))
            meet = sorted(m for m in nxt if m in other and _at_depth(other, m, depth[1 - side]))
            if meet:
                break
        if not meet:
            return []

        def walk(tree: dict[str, list[str]], node: str) -> list[list[str]]:
            if not tree[node]:
                return [[node]]
            out = []
            for p in sorted(tree[node]):
                for rest in walk(tree, p):
                    out.append(rest + [node])
                    if len(out) >= cap:
                        return out
            return out
        paths: list[list[str]] = []
        for m in meet:
            for left in walk(par[0], m):
                for right in walk(par[1], m):
                    paths.append(left + list(reversed(right))[1:])
                    if len(paths) >= cap:
                        return paths
        return paths

    def _search_index(self) -> "_SearchIndex":
        g = self.graph
        with self._mutex:
            if self._index is None:
                self._index = _SearchIndex(g)
            return self._index

    def _search_candidates(self, q: str, qtokens: set[str], labels: list[str] | None,
                           limit: int) -> list[tuple[str, str, str, list[str]]]:
        g = self.graph
        idx = self._search_index()
        ids = idx.candidates(q, qtokens)
        out = []
        for n in sorted(ids):
            a = g.nodes[n]
            if labels is None or a["label"] in labels:
                out.append((n, a["label"], a["name"], list(a["aliases"])))
        return out

    def _lookup(self, name_or_id: str) -> list[tuple[str, str, str, list[str]]]:
        g = self.graph
        idx = self._search_index()
        ids = set(idx.exact.get(norm(name_or_id), ()))
        if name_or_id in g:
            ids.add(name_or_id)
        ids |= set(idx.verbatim.get(name_or_id, ()))
        return [(n, g.nodes[n]["label"], g.nodes[n]["name"], list(g.nodes[n]["aliases"])) for n in sorted(ids)]


def _nodes_by_doc(g: nx.MultiDiGraph) -> dict[str, list[str]]:
    """Document stem → the nodes extracted from it."""
    out: dict[str, list[str]] = {}
    for n, docs in g.nodes(data="docs"):
        for d in docs or ():
            out.setdefault(d, []).append(n)
    return out


def _at_depth(tree: dict[str, list[str]], node: str, depth: int) -> bool:
    """Whether `node` sits exactly `depth` levels below the root of a BFS parent tree."""
    d = 0
    while tree[node]:
        node = tree[node][0]
        d += 1
    return d == depth


class _SearchIndex:
    """Normalised keys and cjk tokens of every entity, built lazily after each change.

    Substring candidates come from one scan of all keys joined in a single string; fuzzy candidates
    from an inverted token index over the distinct keys (many entities share a key, e.g. the alias
    人社局), keeping exactly the keys whose Dice similarity reaches FUZZY_MIN."""

    def __init__(self, g: nx.MultiDiGraph):
        with gc_paused():
            self._build(g)

    def _build(self, g: nx.MultiDiGraph) -> None:
        texts: list[str] = []
        self.node_of_text: list[str] = []
        self.exact: dict[str, list[str]] = {}
        self.verbatim: dict[str, list[str]] = {}
        exact, verbatim = self.exact, self.verbatim
        for n, a in g.nodes(data=True):
            name, aliases = a["name"], a["aliases"]
            keys = search_keys(name, aliases)
            texts.append("\n" + "\n".join(keys) + "\n")
            self.node_of_text.append(n)
            for k in keys:
                have = exact.get(k)
                if have is None:
                    exact[k] = [n]
                else:
                    have.append(n)
            for v in (name, *aliases):
                have = verbatim.get(v)
                if have is None:
                    verbatim[v] = [n]
                else:
                    have.append(n)
        self.key_text: list[str] = list(exact)          # distinct keys; their entities are exact[key]
        self.key_size: list[int] = []
        self.by_token: dict[str, list[int]] = {}
        by_token = self.by_token
        for ki, k in enumerate(self.key_text):
            toks = tokens(k)
            self.key_size.append(len(toks))
            for t in toks:
                have = by_token.get(t)
                if have is None:
                    by_token[t] = [ki]
                else:
                    have.append(ki)
        self.starts: list[int] = list(itertools.accumulate(map(len, texts), initial=0))[:-1]
        self.blob = "".join(texts)

    def candidates(self, q: str, qtokens: set[str]) -> set[str]:
        found: set[str] = set()
        if q and "\n" not in q:
            for m in re.finditer(re.escape(q), self.blob):
                found.add(self.node_of_text[bisect.bisect_right(self.starts, m.start()) - 1])
        if qtokens:
            counts: dict[int, int] = {}
            for t in qtokens:
                for ki in self.by_token.get(t, ()):
                    counts[ki] = counts.get(ki, 0) + 1
            nq = len(qtokens)
            for ki, c in counts.items():
                if 2.0 * c / (nq + self.key_size[ki]) >= FUZZY_MIN:
                    found.update(self.exact[self.key_text[ki]])
        return found
