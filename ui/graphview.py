"""The interactive graph: a `Subgraph` drawn with st-link-analysis (Cytoscape.js).

Colour by label (with a legend), size by degree, relationship type on edges, node click → details
panel, expand (double-click or the ⊕ button) → neighbours added in place, JSON export from the
component's toolbar. Chinese names render because Cytoscape draws them with the browser's fonts.
"""
from __future__ import annotations

import math
import warnings
from typing import Any, Iterable

import streamlit as st
from st_link_analysis import EdgeStyle, Event, NodeStyle, st_link_analysis

from graph.model import LABELS, REL_TYPES
from graph.store import EdgeView, NodeView, Subgraph
from ui.labels import LABEL_COLOURS, REL_COLOURS, label_caption

CAPTION_CHARS = 16


class _RawStyle:
    """A Cytoscape style rule passed through as is (st-link-analysis only builds per-label ones)."""

    def __init__(self, selector: str, style: dict[str, Any]) -> None:
        self.selector, self.style = selector, style

    def dump(self) -> dict[str, Any]:
        return {"selector": self.selector, "style": self.style}


def node_styles() -> list:
    styles: list = [NodeStyle(label=lab, color=LABEL_COLOURS[lab], caption="caption") for lab in LABELS]
    styles.append(_RawStyle("node", {"width": "data(size)", "height": "data(size)",
                                     "font-size": 11, "min-zoomed-font-size": 6, "text-wrap": "ellipsis",
                                     "text-max-width": 160}))
    return styles


def edge_styles() -> list:
    with warnings.catch_warnings():  # st-link-analysis 0.4 warns about `labeled` even when unused
        warnings.simplefilter("ignore")
        styles: list = [EdgeStyle(label=t, color=REL_COLOURS.get(t, "#9e9e9e"), caption="label",
                                  directed=True) for t in REL_TYPES]
    return styles + [_RawStyle("edge", {
        "font-size": 9, "min-zoomed-font-size": 5, "width": 1.5, "color": "#333",
        "text-background-color": "#ffffff", "text-background-opacity": 0.85,
        "text-rotation": "autorotate"})]


def _flat(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value)
    if isinstance(value, dict):
        return str(value)
    return value


def node_data(node: NodeView, degree: int) -> dict[str, Any]:
    name = node.name or node.id
    caption = name if len(name) <= CAPTION_CHARS else name[: CAPTION_CHARS - 1] + "…"
    data: dict[str, Any] = {"id": node.id, "label": node.label, "name": name, "caption": caption,
                            "degree": degree, "size": round(18 + 9 * math.sqrt(degree), 1)}
    for k, v in node.properties.items():
        if k in data or k in ("text", "mentions", "size") or v in (None, "", []):
            continue
        data[k] = _flat(v)
    return data


def edge_key(e: EdgeView) -> str:
    return f"{e.source}|{e.type}|{e.target}"


def edge_data(e: EdgeView) -> dict[str, Any]:
    first = e.evidence[0]["text"] if e.evidence else ""
    return {"id": edge_key(e), "source": e.source, "target": e.target, "label": e.type,
            "evidence": first[:200], "documents": "、".join(sorted({str(ev.get("doc_id", ""))
                                                                   for ev in e.evidence if ev.get("doc_id")}))}


def merge_subgraphs(parts: Iterable[Subgraph]) -> Subgraph:
    """Union of subgraphs (nodes by id, edges by source/type/target); truncation is kept."""
    nodes: dict[str, NodeView] = {}
    edges: dict[str, EdgeView] = {}
    truncated = False
    for part in parts:
        truncated = truncated or part.truncated
        for n in part.nodes:
            nodes.setdefault(n.id, n)
        for e in part.edges:
            edges.setdefault(edge_key(e), e)
    live = set(nodes)
    return Subgraph(nodes=list(nodes.values()),
                    edges=[e for e in edges.values() if e.source in live and e.target in live],
                    truncated=truncated)


def to_elements(sub: Subgraph) -> dict[str, list[dict[str, Any]]]:
    """Cytoscape elements; edges whose ends are missing are dropped (they would break the view)."""
    ids = {n.id for n in sub.nodes}
    edges = [e for e in sub.edges if e.source in ids and e.target in ids]
    degree: dict[str, int] = {}
    for e in edges:
        degree[e.source] = degree.get(e.source, 0) + 1
        degree[e.target] = degree.get(e.target, 0) + 1
    return {"nodes": [{"data": node_data(n, degree.get(n.id, 0))} for n in sub.nodes],
            "edges": [{"data": edge_data(e)} for e in edges]}


def legend(sub: Subgraph) -> None:
    """Coloured label chips for the labels present, with counts."""
    counts: dict[str, int] = {}
    for n in sub.nodes:
        counts[n.label] = counts.get(n.label, 0) + 1
    chips = " ".join(
        f"<span style='display:inline-block;margin:0 8px 4px 0;white-space:nowrap'>"
        f"<span style='display:inline-block;width:11px;height:11px;border-radius:50%;"
        f"background:{LABEL_COLOURS.get(lab, '#999')};margin-right:4px;vertical-align:-1px'></span>"
        f"{label_caption(lab)} ({counts[lab]})</span>"
        for lab in LABELS if lab in counts)
    st.markdown(f"<div class='kg-legend'>{chips}</div>", unsafe_allow_html=True)


def show_graph(sub: Subgraph, key: str, height: int = 560, layout: str = "cose",
               expandable: bool = True) -> dict[str, Any] | None:
    """Draw the subgraph; returns the component's last event
    ({action: 'node_click'|'expand'|'remove', data: {...}, timestamp}) or None."""
    legend(sub)
    # cose is quadratic per iteration; fcose (bundled with the component) keeps big views quick.
    layout_name = "fcose" if layout == "cose" and len(sub.nodes) > 300 else layout
    events = [Event("node_click", "tap", "node")]
    return st_link_analysis(to_elements(sub), layout=layout_name, node_styles=node_styles(),
                            edge_styles=edge_styles(), height=height, key=key,
                            node_actions=["expand", "remove"] if expandable else [], events=events)


def new_event(key: str, event: dict[str, Any] | None) -> dict[str, Any] | None:
    """The component returns its last event on every rerun; pass each one on only once."""
    if not event or not isinstance(event, dict):
        return None
    stamp = event.get("timestamp")
    seen = st.session_state.get(f"_{key}_event_ts")
    if stamp is not None and stamp == seen:
        return None
    st.session_state[f"_{key}_event_ts"] = stamp
    return event


def filter_areas(sub: Subgraph, areas: Iterable[str]) -> Subgraph:
    """Keep Clause/Task nodes that carry one of the areas (other nodes stay); no areas = no filter."""
    wanted = set(areas)
    if not wanted:
        return sub
    drop = {n.id for n in sub.nodes if n.label in ("Clause", "Task")
            and not wanted.intersection(map(str, n.properties.get("areas") or []))}
    return Subgraph(nodes=[n for n in sub.nodes if n.id not in drop],
                    edges=[e for e in sub.edges if e.source not in drop and e.target not in drop],
                    truncated=sub.truncated, node_cap=sub.node_cap)


def without(sub: Subgraph, removed: Iterable[str]) -> Subgraph:
    gone = set(removed)
    if not gone:
        return sub
    return Subgraph(nodes=[n for n in sub.nodes if n.id not in gone],
                    edges=[e for e in sub.edges if e.source not in gone and e.target not in gone],
                    truncated=sub.truncated, node_cap=sub.node_cap)


def path_allowed(path: Subgraph, documents: Iterable[str], areas: Iterable[str]) -> bool:
    """A path passes the global filters when every edge has evidence from one of the documents
    (structural edges without evidence pass) and every clause/task on it carries one of the areas."""
    docs, wanted = set(documents), set(areas)
    if docs:
        for e in path.edges:
            ev_docs = {str(ev.get("doc_id")) for ev in e.evidence if ev.get("doc_id")}
            if ev_docs and not ev_docs & docs:
                return False
    if wanted:
        for n in path.nodes:
            if n.label in ("Clause", "Task") and not wanted.intersection(map(str, n.properties.get("areas") or [])):
                return False
    return True
