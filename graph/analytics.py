"""Backend-independent analytics, computed with networkx on a projection of the store.

Every function takes a `Subgraph` (usually `store.subgraph()`), so both backends give the same
numbers: co-responsibility, responsibility load by agency and by province, degree and PageRank
rankings, comparison of two documents, a document's responsibility matrix, and stats.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any, Iterable, Sequence

import networkx as nx

from graph.model import ACTOR_LABELS, MEASURE_LABELS, ROLE_LABELS_ZH, ROLE_TYPES, section_key
from graph.records import doc_stem
from graph.store import NodeView, Stats, Subgraph, stats_from_counts


def to_networkx(sub: Subgraph) -> nx.MultiDiGraph:
    """The subgraph as a MultiDiGraph: node attrs label/name/**properties, edge key = type,
    edge attrs type/evidence/**properties."""
    g = nx.MultiDiGraph()
    for n in sub.nodes:
        g.add_node(n.id, **{**n.properties, "label": n.label, "name": n.name})
    for e in sub.edges:
        g.add_edge(e.source, e.target, key=e.type, **{**e.properties, "type": e.type, "evidence": e.evidence})
    return g


def graph_stats(sub: Subgraph) -> Stats:
    """Counts by label and type; each entity node counted once."""
    return stats_from_counts(Counter(n.label for n in sub.nodes), Counter(e.type for e in sub.edges))


def _role_edges(sub: Subgraph, documents: Sequence[str] | None = None,
                roles: Sequence[str] = ROLE_TYPES) -> list[tuple[str, str, str]]:
    """(actor id, role, measure id) for role edges, restricted to evidence from `documents`."""
    docs = {doc_stem(d) for d in documents} if documents else None
    labels = {n.id: n.label for n in sub.nodes}
    out = []
    for e in sub.edges:
        if e.type not in roles or labels.get(e.target) not in MEASURE_LABELS:
            continue
        if docs is not None and not docs.intersection(ev.get("doc_id") for ev in e.evidence):
            continue
        out.append((e.source, e.type, e.target))
    return out


@dataclass
class Pair:
    a: str
    a_name: str
    b: str
    b_name: str
    weight: int
    measures: list[str] = field(default_factory=list)


def co_responsibility(sub: Subgraph, documents: Sequence[str] | None = None,
                      roles: Sequence[str] = ROLE_TYPES, min_weight: int = 1) -> list[Pair]:
    """Agency pairs weighted by the number of measures both carry (any role), heaviest first."""
    names = {n.id: n.name for n in sub.nodes}
    by_measure: dict[str, set[str]] = defaultdict(set)
    for actor, _role, measure in _role_edges(sub, documents, roles):
        by_measure[measure].add(actor)
    shared: dict[tuple[str, str], list[str]] = defaultdict(list)
    for measure, actors in by_measure.items():
        for a, b in combinations(sorted(actors), 2):
            shared[(a, b)].append(measure)
    pairs = [Pair(a, names.get(a, a), b, names.get(b, b), len(ms), sorted(ms))
             for (a, b), ms in shared.items() if len(ms) >= min_weight]
    return sorted(pairs, key=lambda p: (-p.weight, p.a, p.b))


def co_responsibility_graph(sub: Subgraph, **kw: Any) -> nx.Graph:
    """The co-responsibility network as a weighted nx.Graph (for drawing or further analysis)."""
    g = nx.Graph()
    for p in co_responsibility(sub, **kw):
        g.add_edge(p.a, p.b, weight=p.weight)
    return g


@dataclass
class Load:
    id: str
    name: str
    label: str
    total: int
    by_role: dict[str, int]


def responsibility_load(sub: Subgraph, documents: Sequence[str] | None = None,
                        areas: Sequence[str] | None = None) -> list[Load]:
    """Per actor: number of measures by role (LEADS, CO_LEADS, RESPONSIBLE_FOR, SUPPORTS)."""
    nodes = {n.id: n for n in sub.nodes}
    area_set = set(areas or [])
    counts: dict[str, Counter] = defaultdict(Counter)
    for actor, role, measure in _role_edges(sub, documents):
        m = nodes.get(measure)
        if area_set and (m is None or not area_set.intersection(map(str, m.properties.get("areas") or []))):
            continue
        counts[actor][role] += 1
    out = [Load(a, nodes[a].name if a in nodes else a, nodes[a].label if a in nodes else "",
                sum(c.values()), {r: c[r] for r in ROLE_TYPES if c[r]}) for a, c in counts.items()]
    return sorted(out, key=lambda x: (-x.total, x.name, x.id))


def province_of(sub: Subgraph) -> dict[str, str]:
    """Actor id → province id: a Province is its own; else follow LOCATED_IN (and SUBORDINATE_TO /
    PART_OF) upwards; else the longest province name or alias that starts the actor's name."""
    nodes = {n.id: n for n in sub.nodes}
    provinces = [n for n in sub.nodes if n.label == "Province"]
    up: dict[str, list[str]] = defaultdict(list)
    for e in sub.edges:
        if e.type in ("LOCATED_IN", "SUBORDINATE_TO", "PART_OF"):
            up[e.source].append(e.target)
    prefixes = sorted(((k, p.id) for p in provinces for k in [p.name, *p.aliases] if len(k) >= 2),
                      key=lambda kp: -len(kp[0]))

    def find(node_id: str) -> str | None:
        seen, stack = set(), [node_id]
        while stack:
            cur = stack.pop(0)
            if cur in seen:
                continue
            seen.add(cur)
            if nodes.get(cur) is not None and nodes[cur].label == "Province":
                return cur
            stack.extend(sorted(up.get(cur, [])))
        name = nodes[node_id].name if node_id in nodes else ""
        for prefix, pid in prefixes:
            if name.startswith(prefix):
                return pid
        return None
    return {n.id: p for n in sub.nodes if n.label in ACTOR_LABELS and (p := find(n.id))}


def load_by_province(sub: Subgraph, documents: Sequence[str] | None = None,
                     areas: Sequence[str] | None = None) -> list[Load]:
    """Responsibility load summed over each province's actors."""
    prov = province_of(sub)
    nodes = {n.id: n for n in sub.nodes}
    acc: dict[str, Counter] = defaultdict(Counter)
    for load in responsibility_load(sub, documents, areas):
        p = prov.get(load.id)
        if p:
            acc[p].update(load.by_role)
    out = [Load(p, nodes[p].name, "Province", sum(c.values()), {r: c[r] for r in ROLE_TYPES if c[r]})
           for p, c in acc.items()]
    return sorted(out, key=lambda x: (-x.total, x.name))


@dataclass
class Ranked:
    id: str
    name: str
    label: str
    value: float


def degree_ranking(sub: Subgraph, labels: Sequence[str] | None = None, limit: int = 20,
                   exclude_types: Sequence[str] = ("MENTIONS",)) -> list[Ranked]:
    """Nodes by number of relationships (MENTIONS left out by default: it is the weakest link)."""
    deg: Counter = Counter()
    for e in sub.edges:
        if e.type in exclude_types:
            continue
        deg[e.source] += 1
        deg[e.target] += 1
    out = [Ranked(n.id, n.name, n.label, float(deg[n.id])) for n in sub.nodes
           if not labels or n.label in labels]
    return sorted(out, key=lambda r: (-r.value, r.name, r.id))[:limit]


def pagerank_ranking(sub: Subgraph, labels: Sequence[str] | None = None, limit: int = 20,
                     exclude_types: Sequence[str] = ("MENTIONS",)) -> list[Ranked]:
    """PageRank on the undirected simple projection (so agencies and measures both score)."""
    g = nx.Graph()
    g.add_nodes_from(n.id for n in sub.nodes)
    for e in sub.edges:
        if e.type not in exclude_types and e.source != e.target:
            w = g.get_edge_data(e.source, e.target, {}).get("weight", 0)
            g.add_edge(e.source, e.target, weight=w + 1)
    pr = _pagerank(g) if g.number_of_nodes() else {}
    out = [Ranked(n.id, n.name, n.label, round(pr.get(n.id, 0.0), 10)) for n in sub.nodes
           if not labels or n.label in labels]
    return sorted(out, key=lambda r: (-r.value, r.name, r.id))[:limit]


def _pagerank(g: nx.Graph, alpha: float = 0.85, tol: float = 1.0e-10, max_iter: int = 200) -> dict[str, float]:
    """Weighted PageRank by power iteration (pure Python: scipy, which nx.pagerank needs, is not a
    dependency). Dangling nodes spread their rank uniformly, as in networkx."""
    nodes = sorted(g.nodes)
    n = len(nodes)
    strength = {u: sum(d.get("weight", 1) for _v, d in g[u].items()) for u in nodes}
    rank = dict.fromkeys(nodes, 1.0 / n)
    for _ in range(max_iter):
        dangling = alpha * sum(rank[u] for u in nodes if not strength[u]) / n
        new = dict.fromkeys(nodes, (1.0 - alpha) / n + dangling)
        for u in nodes:
            if strength[u]:
                share = alpha * rank[u] / strength[u]
                for v, d in g[u].items():
                    new[v] += share * d.get("weight", 1)
        err = sum(abs(new[u] - rank[u]) for u in nodes)
        rank = new
        if err < n * tol:
            break
    return rank


@dataclass
class Comparison:
    doc_a: str
    doc_b: str
    agencies_gained: list[str]      # carry measures in b, none in a
    agencies_lost: list[str]        # carry measures in a, none in b
    agencies_kept: list[str]
    areas_gained: list[str]
    areas_lost: list[str]
    areas_kept: list[str]


def _measures_of(sub: Subgraph, doc: str) -> tuple[set[str], set[str]]:
    nodes = {n.id: n for n in sub.nodes}
    actors, areas = set(), set()
    for actor, _role, measure in _role_edges(sub, [doc]):
        actors.add(nodes[actor].name if actor in nodes else actor)
        m = nodes.get(measure)
        if m is not None:
            areas.update(map(str, m.properties.get("areas") or []))
    return actors, areas


def compare_documents(sub: Subgraph, doc_a: str, doc_b: str) -> Comparison:
    """Agencies and policy areas gained or lost from document a to document b."""
    a_act, a_area = _measures_of(sub, doc_a)
    b_act, b_area = _measures_of(sub, doc_b)
    return Comparison(doc_stem(doc_a), doc_stem(doc_b), sorted(b_act - a_act), sorted(a_act - b_act),
                      sorted(a_act & b_act), sorted(b_area - a_area), sorted(a_area - b_area),
                      sorted(a_area & b_area))


@dataclass
class Matrix:
    """Rows = measures (clause number order), columns = actors, cells = strongest role."""
    rows: list[NodeView]
    columns: list[NodeView]
    cells: dict[tuple[str, str], str]

    def table(self, zh: bool = True) -> list[list[Any]]:
        """Header row then one row per measure: [number, title, (deadline,) role per actor…]; the
        deadline column is there when a measure has one (完成时限 of a task table)."""
        with_deadline = any(r.properties.get("deadline") for r in self.rows)
        head = ["序号" if zh else "No.", "条款" if zh else "Measure",
                *(["完成时限" if zh else "Deadline"] if with_deadline else []), *[c.name for c in self.columns]]
        body = []
        for r in self.rows:
            roles = [self.cells.get((r.id, c.id), "") for c in self.columns]
            body.append([measure_number(r), r.properties.get("title") or r.name,
                         *([r.properties.get("deadline") or ""] if with_deadline else []),
                         *[(ROLE_LABELS_ZH.get(x, x) if zh else x) for x in roles]])
        return [head, *body]

    def division_table(self, title: str = "") -> list[list[Any]]:
        """The 任务分工表 as a government publishes it — 序号 / 重点任务 / 牵头单位 / 共同牵头单位 /
        责任单位 / 配合单位 / 完成时限, agencies by canonical name — under the document's title: a file
        the reader takes back (the same roles come out)."""
        roles = ("LEADS", "CO_LEADS", "RESPONSIBLE_FOR", "SUPPORTS")
        head = ["序号", "重点任务", "牵头单位", "共同牵头单位", "责任单位", "配合单位", "完成时限"]
        body = []
        for k, r in enumerate(self.rows, start=1):
            by_role = {role: "、".join(c.name for c in self.columns if self.cells.get((r.id, c.id)) == role)
                       for role in roles}
            number = r.properties.get("number") if r.properties.get("section") is None else None
            body.append([number if isinstance(number, int) else k, r.properties.get("title") or r.name,
                         *[by_role[role] for role in roles], r.properties.get("deadline") or ""])
        return ([[title]] if title else []) + [head, *body]


def measure_number(node: NodeView) -> Any:
    """A clause's printed number with its section (2.1.3), a task's none."""
    number, section = node.properties.get("number", ""), node.properties.get("section")
    return f"{section}.{number}" if section not in (None, "") and number != "" else number


def responsibility_matrix(sub: Subgraph, document: str) -> Matrix:
    """The task-division table (任务分工表) of one document."""
    doc = doc_stem(document)
    nodes = {n.id: n for n in sub.nodes}
    cells: dict[tuple[str, str], str] = {}
    for actor, role, measure in _role_edges(sub, [doc]):
        cur = cells.get((measure, actor))
        if cur is None or ROLE_TYPES.index(role) < ROLE_TYPES.index(cur):
            cells[(measure, actor)] = role
    clauses = {e.target for e in sub.edges if e.type == "HAS_CLAUSE" and e.source == f"document:{doc}"}
    measure_ids = {m for m, _a in cells} | clauses
    rows = sorted((nodes[m] for m in measure_ids if m in nodes),
                  key=lambda n: (section_key(n.properties.get("section")), n.properties.get("number") or 10**9, n.id))
    load = Counter(a for _m, a in cells)
    cols = sorted((nodes[a] for a in load if a in nodes), key=lambda n: (-load[n.id], n.name, n.id))
    return Matrix(rows=rows, columns=cols, cells=cells)


def iter_role_rows(sub: Subgraph, documents: Iterable[str] | None = None) -> Iterable[dict[str, Any]]:
    """Flat (agency, role, measure) rows for tables and charts."""
    nodes = {n.id: n for n in sub.nodes}
    for actor, role, measure in _role_edges(sub, list(documents) if documents else None):
        a, m = nodes.get(actor), nodes.get(measure)
        yield {"agency_id": actor, "agency": a.name if a else actor, "role": role, "measure_id": measure,
               "measure": (m.properties.get("title") or m.name) if m else measure,
               "areas": list(m.properties.get("areas") or []) if m else []}
