"""Helpers for the Cypher console page: turn result cells into display values and, when they hold
nodes or relationships, into a Subgraph for the graph view."""
from __future__ import annotations

from typing import Any

import pandas as pd

from graph.store import EdgeView, NodeView, Subgraph

EXAMPLES = {
    "谁牵头 leads": "MATCH (a:Entity)-[r:LEADS|CO_LEADS]->(c) RETURN a, r, c LIMIT 50",
    "海关 customs": "MATCH (c:Customs)-[r]-(x) RETURN c, r, x LIMIT 50",
    "计数 counts": "MATCH (n:Entity) RETURN labels(n) AS labels, count(*) AS n ORDER BY n DESC",
}


def _as_node(v: Any) -> NodeView | None:
    if isinstance(v, NodeView):
        return v
    if isinstance(v, dict) and "id" in v and ("label" in v or "labels" in v) and "source" not in v:
        label = v.get("label") or next((x for x in v.get("labels", []) if x != "Entity"), "")
        return NodeView(id=str(v["id"]), label=str(label), name=str(v.get("name", v["id"])),
                        properties={k: x for k, x in v.items() if k not in ("id", "label", "labels", "name")})
    return None


def _as_edge(v: Any) -> EdgeView | None:
    if isinstance(v, EdgeView):
        return v
    if isinstance(v, dict) and {"source", "type", "target"} <= set(v):
        return EdgeView(source=str(v["source"]), type=str(v["type"]), target=str(v["target"]))
    return None


def cell_text(v: Any) -> Any:
    if isinstance(v, Subgraph):
        return "path: " + " — ".join(n.name for n in v.nodes)
    node, edge = _as_node(v), _as_edge(v)
    if node is not None:
        return f"({node.label}) {node.name}"
    if edge is not None:
        return f"[{edge.type}] {edge.source} → {edge.target}"
    if isinstance(v, (list, dict)):
        return str(v)
    return v


def result_frame(columns: list[str], rows: list[list[Any]]) -> pd.DataFrame:
    return pd.DataFrame([[cell_text(c) for c in r] for r in rows], columns=columns)


def result_subgraph(rows: list[list[Any]]) -> Subgraph:
    """Nodes and relationships found anywhere in the rows (also inside lists, e.g. paths)."""
    nodes: dict[str, NodeView] = {}
    edges: dict[tuple[str, str, str], EdgeView] = {}

    def visit(v: Any) -> None:
        if isinstance(v, Subgraph):
            for x in [*v.nodes, *v.edges]:
                visit(x)
            return
        node, edge = _as_node(v), _as_edge(v)
        if node is not None:
            nodes.setdefault(node.id, node)
        elif edge is not None:
            edges.setdefault((edge.source, edge.type, edge.target), edge)
        elif isinstance(v, (list, tuple)):
            for x in v:
                visit(x)
        elif isinstance(v, dict):
            for x in v.values():
                visit(x)

    for r in rows:
        for c in r:
            visit(c)
    return Subgraph(nodes=list(nodes.values()),
                    edges=[e for e in edges.values() if e.source in nodes and e.target in nodes])
