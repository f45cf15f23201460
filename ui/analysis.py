"""App-side tables on top of the store's aggregations (no Cypher, never the whole graph): loads by
agency and province, co-responsible pairs, areas by agency, the comparison of two documents, a
document's responsibility matrix (任务分工表, from its document-scoped subgraph) and the places for the map.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import pandas as pd

from graph import analytics
from graph.model import ROLE_TYPES
from graph.store import ActorLoad, AreaLoad, Hierarchy, NodeView, Pair, Subgraph
from ui import geo
from ui.labels import ROLE_ZH

PLACE_LABELS = ("Province", "City", "County")


def _load_frame(loads: list[ActorLoad], top: int | None = None) -> pd.DataFrame:
    """ActorLoad rows → a name × role (中文) table, heaviest first."""
    rows = {ld.name: {ROLE_ZH[r]: ld.by_role.get(r, 0) for r in ROLE_TYPES} for ld in loads[:top]}
    t = pd.DataFrame.from_dict(rows, orient="index")
    if t.empty:
        return t
    return t.loc[:, (t != 0).any(axis=0)]


def load_by_agency(loads: list[ActorLoad], top: int | None = 20) -> pd.DataFrame:
    """Measures per actor (or province) by role (the store's `role_load`, `province_load`)."""
    return _load_frame(loads, top)


def co_responsible_pairs(pairs: list[Pair]) -> pd.DataFrame:
    """Actor pairs by the number of measures they share (the store's `co_responsible`)."""
    return pd.DataFrame([{"机构 A": p.a_name, "机构 B": p.b_name, "共同措施 shared": p.weight} for p in pairs])


def areas_by_agency(rows: list[AreaLoad]) -> pd.DataFrame:
    """Long table (actor, area, measures) for the areas chart (the store's `area_load`)."""
    return pd.DataFrame([{"actor": r.actor, "area": r.area, "measures": r.measures} for r in rows],
                        columns=["actor", "area", "measures"])


def compare_documents(scope: Subgraph, doc_a: str, doc_b: str) -> pd.DataFrame:
    """Agencies and areas gained, lost and kept from document a to b (graph.analytics)."""
    c = analytics.compare_documents(scope, doc_a, doc_b)
    rows = [("机构 agencies", "新增 gained", c.agencies_gained), ("机构 agencies", "不再 lost", c.agencies_lost),
            ("机构 agencies", "保留 kept", c.agencies_kept), ("领域 areas", "新增 gained", c.areas_gained),
            ("领域 areas", "不再 lost", c.areas_lost), ("领域 areas", "保留 kept", c.areas_kept)]
    return pd.DataFrame([{"": what, "变化 change": change, "数量 n": len(names), "名称 names": "、".join(names)}
                         for what, change, names in rows])


class PlaceResolver:
    """Attributes an actor to a place: itself if a place; else the nearest place up its LOCATED_IN /
    SUBORDINATE_TO links (上海市青浦区发展改革委 → 青浦区); else a place whose name or alias prefixes the
    actor's name (上海海关 → 上海市), from the graph's places first, then from the national coordinates.
    Works on the store's `Hierarchy` (places and their links), never on the whole graph."""

    def __init__(self, hierarchy: Hierarchy) -> None:
        self.nodes = {n.id: n for n in hierarchy.places}
        self.place_province = analytics.province_of(hierarchy, [(n.id, n.name) for n in hierarchy.places])
        self.links = hierarchy.links
        self.up: dict[str, list[str]] = defaultdict(list)
        for source, rel, target in hierarchy.links:
            if rel in ("LOCATED_IN", "SUBORDINATE_TO"):
                self.up[source].append(target)
        self.prefixes: list[tuple[str, str]] = []  # (prefix, place name)
        self.place_by_name: dict[str, NodeView] = {}
        for n in hierarchy.places:
            if n.label in PLACE_LABELS:
                self.place_by_name[n.name] = n
                for form in [n.name, *(n.properties.get("aliases") or [])]:
                    if isinstance(form, str) and len(form) >= 2:
                        self.prefixes.append((form, n.name))
        for name, rows in geo.coordinates().items():
            if any(r["level"] in ("province", "city") for r in rows):
                self.prefixes.append((name, name))
                short = re.sub(r"(省|市|自治区|特别行政区)$", "", name)
                if len(short) >= 2 and short != name:
                    self.prefixes.append((short, name))
        self.prefixes.sort(key=lambda p: -len(p[0]))

    def place_of(self, actor_id: str, name: str, label: str) -> str | None:
        if label in PLACE_LABELS:
            return name
        seen, queue = {actor_id}, list(self.up.get(actor_id, ()))
        while queue:                       # nearest place up the links, breadth first
            cur = queue.pop(0)
            if cur in seen:
                continue
            seen.add(cur)
            node = self.nodes.get(cur)
            if node is not None and node.label in PLACE_LABELS:
                return node.name
            queue.extend(sorted(self.up.get(cur, ())))
        for prefix, place in self.prefixes:
            if name.startswith(prefix):
                return place
        return None

    def province_of(self, place: str | None) -> str | None:
        """The province of a place: the graph's own (graph.analytics.province_of, up its links),
        else the national coordinates table's."""
        if place is None:
            return None
        node = self.place_by_name.get(place)
        pid = self.place_province.get(node.id) if node is not None else None
        if pid is not None and pid in self.nodes:
            return self.nodes[pid].name
        rows = geo.coordinates().get(place, [])
        return rows[0]["province"] if rows else None


def responsibility_matrix(scope: Subgraph, document: str) -> pd.DataFrame:
    """任务分工表 of one document: measures as rows (by number), actors as columns, cell = strongest
    role in 中文 (graph.analytics.responsibility_matrix)."""
    table = analytics.responsibility_matrix(scope, document).table(zh=True)
    head, body = table[0], table[1:]
    if len(head) <= 2 or head[2:] == ["完成时限"]:
        return pd.DataFrame()
    labels = [f"{num}. {title}" if num not in ("", None) else str(title) for num, title, *_ in body]
    return pd.DataFrame([row[2:] for row in body], index=pd.Index(labels, name="条款 measure"),
                        columns=head[2:])


def division_table(scope: Subgraph, document: str, title: str = "") -> list[list[Any]]:
    """The document's 任务分工表 (序号 / 重点任务 / 牵头单位 / … / 完成时限), ready to save as xlsx and read
    back (graph.analytics.Matrix.division_table)."""
    return analytics.responsibility_matrix(scope, document).division_table(title)


ROLE_CELL_COLOURS = {"牵头": "#f8c9c9", "共同牵头": "#fde0c2", "负责": "#cfe3f6", "配合": "#d4efd0"}


def role_cell_style(value: str) -> str:
    """CSS for a matrix cell: one light colour per role (same hues as the graph's edges)."""
    colour = ROLE_CELL_COLOURS.get(value)
    return f"background-color: {colour}" if colour else ""


@dataclass
class PlacePoint:
    name: str
    label: str
    province: str
    lng: float
    lat: float
    measures: int       # role relations (responsibilities) of the actors attributed to the place
    actors: int


def place_points(loads: list[ActorLoad], resolver: PlaceResolver, by_province: bool = False
                 ) -> tuple[list[PlacePoint], dict[str, str]]:
    """Map points sized by the responsibilities of the actors attributed to each place (the store's
    `role_load`), and actor id → place (for the measure list of a selected place)."""
    actor_place: dict[str, str] = {}
    for ld in loads:
        place = resolver.place_of(ld.id, ld.name, ld.label)
        if by_province:
            place = resolver.province_of(place)
        if place:
            actor_place[ld.id] = place
    zones = _zone_centres(resolver)
    for ld in loads:                      # zones (示范区) are actors too: at the centre of their counties
        if ld.label == "Zone" and ld.name in zones and ld.id not in actor_place:
            actor_place[ld.id] = ld.name
    load_of = {ld.id: ld.total for ld in loads}
    by_place: dict[str, list[str]] = defaultdict(list)
    for actor, place in actor_place.items():
        by_place[place].append(actor)
    points = []
    for place, actors in by_place.items():
        node = resolver.place_by_name.get(place)
        label = node.label if node else (geo.coordinates().get(place, [{}])[0].get("level", "") or "").title()
        province = resolver.province_of(place) or ""
        xy = geo.locate(place, node.label if node else "", node.properties if node else {},
                        [province] if province else [])
        if xy is None and place in zones:
            xy, label = zones[place], "Zone"
        if xy is None:
            continue
        points.append(PlacePoint(place, label, province, xy[0], xy[1], sum(load_of[a] for a in actors), len(actors)))
    return sorted(points, key=lambda p: (-p.measures, p.name)), actor_place


def _zone_centres(resolver: PlaceResolver) -> dict[str, tuple[float, float]]:
    members: dict[str, list[tuple[float, float]]] = defaultdict(list)
    nodes = resolver.nodes
    for source, rel, target in resolver.links:
        if rel == "PART_OF" and target in nodes and nodes[target].label == "Zone":
            src = nodes.get(source)
            if src is not None and src.label in PLACE_LABELS:
                xy = geo.locate(src.name, src.label, src.properties)
                if xy:
                    members[nodes[target].name].append(xy)
    return {z: (sum(x for x, _ in pts) / len(pts), sum(y for _, y in pts) / len(pts))
            for z, pts in members.items() if pts}
