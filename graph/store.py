"""The store contract: one interface, two backends (embedded networkx, Neo4j).

Every query the CLI and the app ask is a method here, and both backends must give the same
answers for the same graph (tests/graph/test_store_contract.py runs one suite over both).
Result types are plain dataclasses so pages and the CLI never see backend objects.

The query logic that decides *what* an answer is (ranking, BFS and node cap, path ordering, role
grouping) lives here once, on top of a few primitives each backend implements (`_node_views`,
`_incident_edges`, `_expand`, `_edges_among`, `_shortest_node_paths`, `_search_candidates`,
`_lookup`). That is what makes the two backends answer identically.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

from common.errors import ConfigError, EntityNotFound
from graph.model import (LABELS, MEASURE_LABELS, REL_TYPES, ROLE_TYPES, DocumentGraph, check_labels, check_types,
                         clause_document, doc_stem, passes_areas)
from graph.records import doc_filter, sort_evidence
from graph.search_rank import norm, rank_key, score, tokens


@dataclass
class NodeView:
    """A node as returned by queries: id, label (the schema label), name and properties.

    `properties` holds the entity's own properties plus `aliases` (list) and `documents` (ids of the
    documents it was extracted from)."""
    id: str
    label: str
    name: str
    properties: dict[str, Any] = field(default_factory=dict)

    @property
    def aliases(self) -> list[str]:
        return list(self.properties.get("aliases") or [])

    @property
    def documents(self) -> list[str]:
        return list(self.properties.get("documents") or [])


@dataclass
class EdgeView:
    """A relationship as returned by queries, with its accumulated provenance.

    `evidence` is one dict per supporting sentence: {doc_id, text, start, end, rule}, sorted by
    document and offset. `source_name`/`target_name` (and labels) are filled where known."""
    source: str
    type: str
    target: str
    properties: dict[str, Any] = field(default_factory=dict)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    source_name: str = ""
    target_name: str = ""
    source_label: str = ""
    target_label: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.source, self.type, self.target)

    @property
    def documents(self) -> list[str]:
        return sorted({e.get("doc_id", "") for e in self.evidence if e.get("doc_id")})


@dataclass
class Subgraph:
    """A set of nodes and edges (neighbourhood, path, filter result, export input)."""
    nodes: list[NodeView] = field(default_factory=list)
    edges: list[EdgeView] = field(default_factory=list)
    truncated: bool = False          # True when a node cap cut the result
    node_cap: int | None = None

    def node(self, node_id: str) -> NodeView | None:
        for n in self.nodes:
            if n.id == node_id:
                return n
        return None

    def _keep(self, keep_ids: set[str]) -> "Subgraph":
        return Subgraph(nodes=[n for n in self.nodes if n.id in keep_ids],
                        edges=[e for e in self.edges if e.source in keep_ids and e.target in keep_ids],
                        truncated=self.truncated, node_cap=self.node_cap)

    def filter_areas(self, areas: Iterable[str] | None) -> "Subgraph":
        """Measures (Clause, Task) that carry none of `areas` left out, with their edges; no areas =
        the same subgraph (graph.model.passes_areas)."""
        wanted = frozenset(areas or ())
        if not wanted:
            return self
        return self._keep({n.id for n in self.nodes if passes_areas(n.label, n.properties.get("areas"), wanted)})

    def without(self, removed: Iterable[str]) -> "Subgraph":
        """The nodes `removed` left out, with their edges."""
        gone = set(removed)
        return self._keep({n.id for n in self.nodes if n.id not in gone}) if gone else self

    def passes(self, documents: Iterable[str] | None = None, areas: Iterable[str] | None = None) -> bool:
        """Does the whole subgraph (a path) pass the global filters: every edge with evidence has some
        from one of `documents`, every measure carries one of `areas`."""
        docs = {doc_stem(d) for d in documents or ()}
        wanted = frozenset(areas or ())
        if docs and any(e.documents and docs.isdisjoint(e.documents) for e in self.edges):
            return False
        return all(passes_areas(n.label, n.properties.get("areas"), wanted) for n in self.nodes)

    def merged(self, other: "Subgraph") -> "Subgraph":
        """Union of two subgraphs (expand in place): nodes by id, edges by (source, type, target)."""
        nodes = {n.id: n for n in self.nodes}
        for n in other.nodes:
            nodes.setdefault(n.id, n)
        edges = {e.key: e for e in self.edges}
        for e in other.edges:
            edges.setdefault(e.key, e)
        return Subgraph(nodes=list(nodes.values()), edges=list(edges.values()),
                        truncated=self.truncated or other.truncated,
                        node_cap=self.node_cap or other.node_cap)


@dataclass
class SearchHit:
    id: str
    label: str
    name: str
    aliases: list[str]
    score: float


@dataclass
class Responsibility:
    """One (agency, role, measure) row of a who-leads answer, with document and evidence."""
    agency_id: str
    agency: str
    role: str                 # one of ROLE_TYPES
    measure_id: str
    measure: str              # clause/task title
    measure_label: str        # Clause or Task
    number: int | None
    doc_id: str
    evidence: list[dict[str, Any]] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)
    agency_label: str = ""
    deadline: str | None = None   # the measure's 完成时限 / 时间进度, as printed in its table


@dataclass
class ActorLoad:
    """One actor's responsibility load: role relations to measures (Clause, Task), by role."""
    id: str
    name: str
    label: str
    by_role: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_role.values())


@dataclass
class Pair:
    """Two actors (a.id < b.id) and the number of measures both carry, any role."""
    a: str
    a_name: str
    b: str
    b_name: str
    weight: int


@dataclass
class AreaLoad:
    """Measures of one policy area an actor carries (any role)."""
    actor_id: str
    actor: str
    area: str
    measures: int


@dataclass
class Hierarchy:
    """The places of the graph (Province, City, County, Zone nodes) and every LOCATED_IN /
    SUBORDINATE_TO / PART_OF link (source, type, target): what province and map attribution need."""
    places: list[NodeView]
    links: list[tuple[str, str, str]]


@dataclass
class MergeReport:
    documents: int = 0
    nodes_created: int = 0
    relationships_created: int = 0
    relationships_skipped: int = 0     # relations whose source or target is not an entity
    entities_skipped: int = 0          # entities with an id/name over records.MAX_KEY_CHARS


@dataclass
class Stats:
    nodes: dict[str, int]
    relationships: dict[str, int]
    total_nodes: int
    total_relationships: int

    def to_dict(self) -> dict[str, Any]:
        return {"nodes": self.nodes, "relationships": self.relationships,
                "total_nodes": self.total_nodes, "total_relationships": self.total_relationships}


Progress = Callable[[int], None]
MAX_QUERY_CHARS = 256     # a search query is cut here (both backends): Lucene caps clause counts


def stats_from_counts(labels: dict[str, int], types: dict[str, int]) -> Stats:
    """Stats in schema order, zero counts left out."""
    nodes = {lab: labels[lab] for lab in LABELS if labels.get(lab)}
    rels = {t: types[t] for t in REL_TYPES if types.get(t)}
    return Stats(nodes=nodes, relationships=rels, total_nodes=sum(labels.values()),
                 total_relationships=sum(types.values()))


def sort_nodes(nodes: Iterable[NodeView]) -> list[NodeView]:
    return sorted(nodes, key=lambda n: n.id)


def sort_edges(edges: Iterable[EdgeView]) -> list[EdgeView]:
    return sorted(edges, key=lambda e: (e.source, e.type, e.target))


JURISDICTION_OVERFETCH = 10   # search candidates per hit asked when a jurisdiction filters them


class GraphStore(ABC):
    """Storage and queries. Implementations: `graph.memory_store.MemoryStore`,
    `graph.neo4j_store.Neo4jStore`. Obtain one with `graph.open_store()`."""

    backend: str = ""
    PATH_ENUMERATION_CAP = 1000     # shortest paths enumerated before sorting

    # -- lifecycle and writes ---------------------------------------------------------------
    @abstractmethod
    def describe(self) -> dict[str, Any]:
        """{backend, address, total_nodes, total_relationships} for the sidebar / `kg stats`."""

    @abstractmethod
    def merge(self, graphs: Iterable[DocumentGraph], progress: Progress | None = None) -> MergeReport:
        """Idempotent, all-or-nothing merge of extracted documents; provenance accumulates.
        `progress(n)` is called with the number of documents (or elements) just written."""

    @abstractmethod
    def reset(self) -> None:
        """Remove everything."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""

    def __enter__(self) -> "GraphStore":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- backend-specific reads -------------------------------------------------------------
    @abstractmethod
    def stats(self) -> Stats: ...

    @abstractmethod
    def documents(self) -> list[NodeView]:
        """Document nodes with title, date, kind and `clauses` (clause count), by date then id."""

    @abstractmethod
    def subgraph(self, labels: Sequence[str] | None = None, rel_types: Sequence[str] | None = None,
                 documents: Sequence[str] | None = None, areas: Sequence[str] | None = None) -> Subgraph:
        """Filter result (or whole graph when no filter) for export and overview.

        A node passes when its label is in `labels`, it was extracted from one of `documents`, and
        (for a Clause/Task) one of its `areas` is asked for; an edge passes when both ends pass, its
        type is in `rel_types` and (with `documents`) it has evidence from one of them."""

    # -- aggregations: what the pages show, computed in the store (never the whole graph) -------
    # Filters as everywhere: `documents` keeps role relations with evidence from one of them,
    # `areas` keeps measures (Clause, Task) carrying one of them.
    @abstractmethod
    def role_load(self, documents: Sequence[str] | None = None, areas: Sequence[str] | None = None,
                  limit: int | None = None) -> list[ActorLoad]:
        """Every actor with a role relation (LEADS, CO_LEADS, RESPONSIBLE_FOR, SUPPORTS) to a
        measure, its relation count by role; heaviest first, then name, id; the first `limit`."""

    def province_load(self, documents: Sequence[str] | None = None,
                      areas: Sequence[str] | None = None) -> list[ActorLoad]:
        """The role load summed over each province's actors (graph.analytics.load_by_province)."""
        from graph import analytics
        return analytics.load_by_province(self.role_load(documents, areas), self.hierarchy())

    @abstractmethod
    def co_responsible(self, documents: Sequence[str] | None = None, areas: Sequence[str] | None = None,
                       limit: int = 15) -> list[Pair]:
        """Actor pairs by the number of measures both carry (any role); heaviest first, then ids."""

    @abstractmethod
    def area_load(self, documents: Sequence[str] | None = None, areas: Sequence[str] | None = None,
                  top: int = 15) -> list[AreaLoad]:
        """For the `top` actors by measures that carry a policy area: measures per (actor, area)."""

    @abstractmethod
    def document_load(self) -> dict[str, int]:
        """Document stem → number of role relations with evidence from it (its 分工 assignments)."""

    @abstractmethod
    def hierarchy(self) -> Hierarchy:
        """Place nodes and LOCATED_IN / SUBORDINATE_TO / PART_OF links."""

    @abstractmethod
    def areas(self) -> list[str]:
        """Every policy area carried by a Clause or Task, sorted."""

    @abstractmethod
    def count(self, labels: Sequence[str] | None = None, rel_types: Sequence[str] | None = None,
              documents: Sequence[str] | None = None, areas: Sequence[str] | None = None) -> tuple[int, int]:
        """(nodes, relationships) that `subgraph()` with the same filters would return."""

    def cypher(self, query: str, params: dict[str, Any] | None = None,
               timeout_s: float = 10.0, row_cap: int = 1000) -> tuple[list[str], list[list[Any]]]:
        """Read-only Cypher (Neo4j backend only)."""
        from common.errors import QueryRefused
        raise QueryRefused(f"the Cypher console needs the Neo4j backend (this is {self.backend})")

    # -- primitives each backend implements ---------------------------------------------------
    @abstractmethod
    def _node_views(self, ids: Iterable[str]) -> dict[str, NodeView]:
        """NodeViews of the ids that exist."""

    @abstractmethod
    def _incident_edges(self, entity_id: str, rel_types: list[str] | None,
                        direction: str) -> list[EdgeView]:
        """Edges at a node: direction 'out', 'in' or 'both'; names and labels of both ends filled."""

    @abstractmethod
    def _expand(self, frontier: list[str], labels: list[str] | None, rel_types: list[str] | None,
                documents: list[str] | None, exclude: list[str], limit: int) -> list[str]:
        """The `limit` smallest ids (sorted) of nodes one undirected hop from the frontier through
        allowed edges, whose label is allowed (documents: the edge has evidence from one of them),
        leaving out `exclude`."""

    @abstractmethod
    def _edges_among(self, ids: list[str], rel_types: list[str] | None,
                     documents: list[str] | None) -> list[EdgeView]:
        """Allowed edges with both ends in `ids`."""

    @abstractmethod
    def _shortest_node_paths(self, source_id: str, target_id: str, rel_types: list[str] | None,
                             max_length: int, cap: int) -> list[list[str]]:
        """Node-id sequences of all undirected shortest paths (≤ max_length hops, at most `cap`)."""

    @abstractmethod
    def _search_candidates(self, q: str, qtokens: set[str], labels: list[str] | None,
                           limit: int) -> list[tuple[str, str, str, list[str]]]:
        """(id, label, name, aliases) of entities whose normalised name/alias contains `q`, or shares
        enough cjk tokens with it. A backend may return only a superset of the `limit` best (by
        `search_rank.score`, then `rank_key`)."""

    @abstractmethod
    def _lookup(self, name_or_id: str) -> list[tuple[str, str, str, list[str]]]:
        """(id, label, name, aliases) of entities whose id, name or an alias equals the argument
        (verbatim or normalised)."""

    # -- shared query logic -----------------------------------------------------------------
    def search(self, query: str, labels: Sequence[str] | None = None, limit: int = 20,
               jurisdiction: str | None = None) -> list[SearchHit]:
        """Name/alias search: exact > prefix > substring > fuzzy, Chinese-aware. With `jurisdiction`
        (上海市, 上海市松江区), only bodies qualified by it or by a place inside it."""
        q = norm(query)[:MAX_QUERY_CHARS]
        labs = check_labels(labels)
        if not q or limit <= 0:
            return []
        qt = tokens(q)
        hits = []
        want = limit * JURISDICTION_OVERFETCH if jurisdiction else limit
        for eid, label, name, aliases in self._search_candidates(q, qt, labs, want):
            s = score(q, name, aliases, qt)
            if s > 0:
                hits.append(SearchHit(id=eid, label=label, name=name, aliases=list(aliases), score=s))
        hits.sort(key=lambda h: rank_key(h.score, h.name, h.id))
        if jurisdiction:
            views = self._node_views([h.id for h in hits])
            hits = [h for h in hits if h.id in views and
                    in_jurisdiction(views[h.id].properties.get("jurisdiction_name"), jurisdiction)]
        return hits[:limit]

    def documents_in(self, jurisdiction: str | None = None) -> list[NodeView]:
        """`documents()`, only those issued in `jurisdiction` or a place inside it (None: all)."""
        docs = self.documents()
        if not jurisdiction:
            return docs
        return [d for d in docs if in_jurisdiction(d.properties.get("jurisdiction_name"), jurisdiction)]

    def jurisdictions(self) -> dict[str, int]:
        """Issuing jurisdictions of the documents (their naming prefix: 上海市松江区) → document count."""
        out: dict[str, int] = {}
        for d in self.documents():
            j = d.properties.get("jurisdiction_name")
            if j:
                out[j] = out.get(j, 0) + 1
        return dict(sorted(out.items(), key=lambda kv: (-kv[1], kv[0])))

    def resolve(self, name_or_id: str) -> str:
        """Id of the entity with this id, canonical name or alias; raises EntityNotFound.

        Preference: id, exact name, exact alias, normalised name, normalised alias; ties → smallest id."""
        raw = (name_or_id or "").strip()
        if not raw:
            raise EntityNotFound("empty entity name")
        found = self._lookup(raw)
        if found:
            q = norm(raw)

            def tier(row: tuple[str, str, str, list[str]]) -> int:
                eid, _label, name, aliases = row
                if eid == raw:
                    return 0
                if name == raw:
                    return 1
                if raw in aliases:
                    return 2
                if norm(name) == q:
                    return 3
                return 4
            return min(found, key=lambda r: (tier(r), r[0]))[0]
        hint = self.search(raw, limit=3)
        # hint names are data (may hold line breaks, be very long): keep the message on one line
        more = f" (did you mean {', '.join(' '.join(h.name.split())[:60] for h in hint)}?)" if hint else ""
        raise EntityNotFound(f"no entity named {_short(raw)}{more}")

    def _require(self, entity_id: str) -> NodeView:
        node = self._node_views([entity_id]).get(entity_id)
        if node is None:
            raise EntityNotFound(f"no entity with id {_short(entity_id)}")
        return node

    def entity(self, entity_id: str) -> tuple[NodeView, list[EdgeView]]:
        """A node and all its relationships (both directions) with evidence."""
        node = self._require(entity_id)
        return node, sort_edges(self._incident_edges(entity_id, None, "both"))

    def who_leads(self, entity_id: str, documents: Sequence[str] | None = None,
                  roles: Sequence[str] | None = None,
                  areas: Sequence[str] | None = None) -> list[Responsibility]:
        """For an actor: the measures it leads/co-leads/is responsible for/supports.
        For a Clause or Task: its actors by role. Sorted by role strength, document, number."""
        node = self._require(entity_id)
        wanted_roles = [r for r in ROLE_TYPES if not roles or r in roles]
        bad = [r for r in (roles or []) if r not in ROLE_TYPES]
        if bad:
            raise ConfigError(f"unknown role {bad[0]!r}: choose from {', '.join(ROLE_TYPES)}")
        docs = doc_filter(documents)
        wanted = frozenset(areas or ())
        is_measure = node.label in MEASURE_LABELS
        edges = self._incident_edges(entity_id, wanted_roles, "in" if is_measure else "out")
        others = self._node_views({e.source if is_measure else e.target for e in edges})
        rows: list[Responsibility] = []
        for e in edges:
            actor = others.get(e.source) if is_measure else node
            measure = node if is_measure else others.get(e.target)
            if actor is None or measure is None or measure.label not in MEASURE_LABELS:
                continue
            evidence = e.evidence
            if docs is not None:
                evidence = [ev for ev in evidence if ev.get("doc_id") in docs]
                if not evidence:
                    continue
            measure_areas = [str(a) for a in (measure.properties.get("areas") or [])]
            if not passes_areas(measure.label, measure_areas, wanted):
                continue
            ev_docs = sorted({ev.get("doc_id", "") for ev in evidence if ev.get("doc_id")})
            home = clause_document(measure.id) if measure.label == "Clause" else None
            if home and (docs is None or home in docs):
                doc_id = home
            else:
                doc_id = ev_docs[0] if ev_docs else (sorted(measure.documents) or [""])[0]
            number = measure.properties.get("number")
            rows.append(Responsibility(
                agency_id=actor.id, agency=actor.name, role=e.type, measure_id=measure.id,
                measure=str(measure.properties.get("title") or measure.name),
                measure_label=measure.label, number=number if isinstance(number, int) else None,
                doc_id=doc_id, evidence=sort_evidence(evidence), areas=measure_areas,
                agency_label=actor.label, deadline=_text_or_none(measure.properties.get("deadline"))))
        rows.sort(key=lambda r: (ROLE_TYPES.index(r.role), r.doc_id, r.number is None, r.number or 0,
                                 r.measure, r.measure_id, r.agency, r.agency_id))
        return rows

    def neighbourhood(self, entity_ids: Sequence[str], depth: int = 1,
                      labels: Sequence[str] | None = None, rel_types: Sequence[str] | None = None,
                      documents: Sequence[str] | None = None, node_cap: int = 300) -> Subgraph:
        """k hops (undirected) around the seeds. Nodes whose label is filtered out are neither shown
        nor crossed; when more than `node_cap` nodes are reached, the closest `node_cap` (by hop
        distance, then id) are kept and `truncated` is set."""
        if depth < 0:
            raise ConfigError("depth must be 0 or more")
        if node_cap < 1:
            raise ConfigError("node cap must be at least 1")
        labs, types, docs = check_labels(labels), check_types(rel_types), doc_filter(documents)
        seeds = list(dict.fromkeys(entity_ids))
        if not seeds:
            return Subgraph(node_cap=node_cap)
        found = self._node_views(seeds)
        missing = [s for s in seeds if s not in found]
        if missing:
            raise EntityNotFound(f"no entity with id {_short(missing[0])}")
        dist = {s: 0 for s in seeds}
        frontier = sorted(seeds)
        truncated = len(dist) > node_cap
        for d in range(1, depth + 1):
            if truncated or not frontier:
                break
            # only the smallest ids that still fit (plus one, to notice the cap) are needed
            room = node_cap - len(dist) + 1
            new = self._expand(frontier, labs, types, docs, sorted(dist), room)
            for n in new:
                dist[n] = d
            frontier = new
            truncated = len(dist) > node_cap
        keep = sorted(dist, key=lambda n: (dist[n], n))[:node_cap]
        nodes = self._node_views(keep)
        edges = self._edges_among(sorted(keep), types, docs)
        return Subgraph(nodes=[nodes[n] for n in keep if n in nodes], edges=_named(sort_edges(edges), nodes),
                        truncated=truncated, node_cap=node_cap)

    def paths(self, source_id: str, target_id: str, rel_types: Sequence[str] | None = None,
              max_length: int = 6, limit: int = 5) -> list[Subgraph]:
        """Shortest paths (undirected), each as a Subgraph with nodes and edges in path order;
        between two consecutive nodes every allowed edge is listed. Paths are ordered by their
        sequence of node ids."""
        if not 1 <= int(max_length) <= 15:
            raise ConfigError("max path length must be between 1 and 15")
        types = check_types(rel_types)
        ends = self._node_views([source_id, target_id])
        for e in (source_id, target_id):
            if e not in ends:
                raise EntityNotFound(f"no entity with id {_short(e)}")
        if source_id == target_id:
            return [Subgraph(nodes=[ends[source_id]])]
        seqs = self._shortest_node_paths(source_id, target_id, types, int(max_length),
                                         self.PATH_ENUMERATION_CAP)
        seqs = sorted({tuple(s) for s in seqs})[:max(limit, 0)]
        if not seqs:
            return []
        ids = sorted({n for s in seqs for n in s})
        nodes = self._node_views(ids)
        edges = self._edges_among(ids, types, None)
        out = []
        for seq in seqs:
            step = {frozenset(p): i for i, p in enumerate(zip(seq, seq[1:]))}
            path_edges = sorted((e for e in edges if frozenset((e.source, e.target)) in step),
                                key=lambda e: (step[frozenset((e.source, e.target))], e.type, e.source))
            out.append(Subgraph(nodes=[nodes[n] for n in seq], edges=_named(path_edges, nodes)))
        return out


def _text_or_none(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def in_jurisdiction(value: Any, jurisdiction: str) -> bool:
    """Is a `jurisdiction_name` (上海市松江区) the asked jurisdiction or inside it (上海市)?"""
    return isinstance(value, str) and value.startswith(jurisdiction)


def _named(edges: list[EdgeView], nodes: dict[str, NodeView]) -> list[EdgeView]:
    for e in edges:
        if e.source in nodes:
            e.source_name, e.source_label = nodes[e.source].name, nodes[e.source].label
        if e.target in nodes:
            e.target_name, e.target_label = nodes[e.target].name, nodes[e.target].label
    return edges


def _short(text: str, n: int = 80) -> str:
    text = text.replace("\n", " ")
    return repr(text if len(text) <= n else text[:n] + "…")
