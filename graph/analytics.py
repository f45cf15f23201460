"""Backend-independent analytics: the aggregations of the store contract over compact role facts
(the embedded store computes them here; the Neo4j store runs the same in Cypher, and the contract suite
checks that both agree), province attribution over `Hierarchy`, and document-scoped tables (a
document's responsibility matrix, the comparison of two documents) over a small `Subgraph`.
"""
from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import combinations
from typing import Any, Iterable, NamedTuple, Sequence

from graph.model import ROLE_LABELS_ZH, ROLE_TYPES, doc_stem, passes_areas, section_key
from graph.store import ActorLoad, AreaLoad, Hierarchy, NodeView, Pair, Subgraph


class RoleFact(NamedTuple):
    """One role relation from an actor to a measure (Clause, Task), with what filters need."""
    actor_id: str
    actor: str
    actor_label: str
    role: str
    measure_id: str
    docs: frozenset[str]         # documents of its evidence (stems)
    areas: tuple[str, ...]       # the measure's policy areas


def select(facts: Iterable[RoleFact], documents: Sequence[str] | None = None,
           areas: Sequence[str] | None = None) -> list[RoleFact]:
    """The facts with evidence from one of `documents` whose measure carries one of `areas`."""
    docs = {doc_stem(d) for d in documents} if documents else None
    wanted = frozenset(areas) if areas else None
    return [f for f in facts if (docs is None or not docs.isdisjoint(f.docs))
            and passes_areas("Clause", f.areas, wanted)]   # every fact ends at a measure


def _by_role(counter: Counter) -> dict[str, int]:
    return {r: counter[r] for r in ROLE_TYPES if counter[r]}


def role_load(facts: Iterable[RoleFact]) -> list[ActorLoad]:
    """Per actor: role relations by role; heaviest first, then name, id."""
    counts: dict[str, Counter] = defaultdict(Counter)
    who: dict[str, tuple[str, str]] = {}
    for f in facts:
        counts[f.actor_id][f.role] += 1
        who[f.actor_id] = (f.actor, f.actor_label)
    out = [ActorLoad(a, who[a][0], who[a][1], _by_role(c)) for a, c in counts.items()]
    return sorted(out, key=lambda x: (-x.total, x.name, x.id))


def co_responsible(facts: Iterable[RoleFact], limit: int = 15) -> list[Pair]:
    """Actor pairs weighted by the number of measures both carry (any role), heaviest first."""
    by_measure: dict[str, set[str]] = defaultdict(set)
    names: dict[str, str] = {}
    for f in facts:
        by_measure[f.measure_id].add(f.actor_id)
        names[f.actor_id] = f.actor
    weight: Counter = Counter()
    for actors in by_measure.values():
        if len(actors) > 1:
            weight.update(combinations(sorted(actors), 2))
    if limit <= 0 or not weight:
        return []
    # Only pairs as heavy as the limit-th heaviest can be in the answer: sort those, not every pair
    # (a big graph has hundreds of thousands).
    floor = min(heapq.nlargest(limit, weight.values()))
    pairs = sorted(((k, w) for k, w in weight.items() if w >= floor), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return [Pair(a, names[a], b, names[b], w) for (a, b), w in pairs]


def area_load(facts: Iterable[RoleFact], top: int = 15) -> list[AreaLoad]:
    """Measures per (actor, area) for the `top` actors by measures that carry an area."""
    with_areas = [f for f in facts if f.areas]
    measures: dict[str, set[str]] = defaultdict(set)
    names: dict[str, str] = {}
    for f in with_areas:
        measures[f.actor_id].add(f.measure_id)
        names[f.actor_id] = f.actor
    chosen = set(sorted(measures, key=lambda a: (-len(measures[a]), names[a], a))[:max(top, 0)])
    per_area: dict[tuple[str, str], set[str]] = defaultdict(set)
    for f in with_areas:                 # the areas of the chosen actors only
        if f.actor_id in chosen:
            for a in f.areas:
                per_area[(f.actor_id, a)].add(f.measure_id)
    rows = [AreaLoad(a, names[a], area, len(ms)) for (a, area), ms in per_area.items()]
    return sorted(rows, key=lambda r: (-r.measures, r.actor, r.area))


def document_load(facts: Iterable[RoleFact]) -> dict[str, int]:
    """Document stem → role relations with evidence from it."""
    out: Counter = Counter()
    for f in facts:
        out.update(f.docs)
    return dict(sorted(out.items()))


def province_of(hierarchy: Hierarchy, actors: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Actor id → province id for (id, name) pairs: a Province is its own; else the nearest Province
    up LOCATED_IN / SUBORDINATE_TO / PART_OF; else the longest province name or alias that starts
    the actor's name (上海海关 → 上海市)."""
    provinces = {p.id: p for p in hierarchy.places if p.label == "Province"}
    up: dict[str, list[str]] = defaultdict(list)
    for source, _type, target in hierarchy.links:
        up[source].append(target)
    prefixes = sorted(((k, p.id) for p in provinces.values() for k in [p.name, *p.aliases] if len(k) >= 2),
                      key=lambda kp: -len(kp[0]))

    def find(node_id: str, name: str) -> str | None:
        seen, queue = set(), [node_id]
        while queue:
            cur = queue.pop(0)
            if cur in seen:
                continue
            seen.add(cur)
            if cur in provinces:
                return cur
            queue.extend(sorted(up.get(cur, [])))
        return next((pid for prefix, pid in prefixes if name.startswith(prefix)), None)

    return {a: p for a, name in actors if (p := find(a, name))}


def load_by_province(loads: Sequence[ActorLoad], hierarchy: Hierarchy) -> list[ActorLoad]:
    """Responsibility load summed over each province's actors."""
    prov = province_of(hierarchy, ((ld.id, ld.name) for ld in loads))
    names = {p.id: p.name for p in hierarchy.places}
    acc: dict[str, Counter] = defaultdict(Counter)
    for ld in loads:
        if ld.id in prov:
            acc[prov[ld.id]].update(ld.by_role)
    out = [ActorLoad(p, names.get(p, p), "Province", _by_role(c)) for p, c in acc.items()]
    return sorted(out, key=lambda x: (-x.total, x.name))


def facts_of(sub: Subgraph) -> list[RoleFact]:
    """The role facts of a (small, document-scoped) subgraph."""
    nodes = {n.id: n for n in sub.nodes}
    out = []
    for e in sub.edges:
        a, m = nodes.get(e.source), nodes.get(e.target)
        if e.type in ROLE_TYPES and a is not None and m is not None and m.label in ("Clause", "Task"):
            out.append(RoleFact(a.id, a.name, a.label, e.type, m.id, frozenset(map(str, e.documents)),
                                tuple(map(str, m.properties.get("areas") or ()))))
    return out


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
    facts = select(facts_of(sub), [doc])
    return {f.actor for f in facts}, {a for f in facts for a in f.areas}


def compare_documents(sub: Subgraph, doc_a: str, doc_b: str) -> Comparison:
    """Agencies and policy areas gained or lost from document a to document b (`sub`: at least the
    role relations of both documents, e.g. `store.subgraph(rel_types=ROLE_TYPES, documents=[a, b])`)."""
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
    """The task-division table (任务分工表) of one document (`sub`: at least the document's role and
    HAS_CLAUSE relations, e.g. `store.subgraph(rel_types=[*ROLE_TYPES, "HAS_CLAUSE"], documents=[doc])`)."""
    doc = doc_stem(document)
    nodes = {n.id: n for n in sub.nodes}
    cells: dict[tuple[str, str], str] = {}
    for f in select(facts_of(sub), [doc]):
        cur = cells.get((f.measure_id, f.actor_id))
        if cur is None or ROLE_TYPES.index(f.role) < ROLE_TYPES.index(cur):
            cells[(f.measure_id, f.actor_id)] = f.role
    clauses = {e.target for e in sub.edges if e.type == "HAS_CLAUSE" and e.source == f"document:{doc}"}
    measure_ids = {m for m, _a in cells} | clauses
    rows = sorted((nodes[m] for m in measure_ids if m in nodes),
                  key=lambda n: (section_key(n.properties.get("section")), n.properties.get("number") or 10**9, n.id))
    load = Counter(a for _m, a in cells)
    cols = sorted((nodes[a] for a in load if a in nodes), key=lambda n: (-load[n.id], n.name, n.id))
    return Matrix(rows=rows, columns=cols, cells=cells)
