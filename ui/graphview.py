"""The interactive graph: a `Subgraph` drawn with st-link-analysis (Cytoscape.js).

Colour by label (with a legend), size by degree, a short name under every node and the role or
relationship word on every edge (see `node_styles`), node click → details panel, expand (double-click or the ⊕ button) → neighbours added in place, JSON export from the
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
from ui.labels import LABEL_COLOURS, REL_COLOURS, label_caption, rel_caption, short_name

# Captions as in Neo4j Bloom: a short name under every node (its full name on hover or selection),
# the role or relationship word on every edge. Sizes are in graph units, so they grow and shrink with
# the zoom; a caption smaller than MIN_CAPTION_PX on screen is not drawn. Hubs get bigger captions, so
# a zoomed-out view of hundreds of nodes names its hubs and zooming in names the rest.
MIN_CAPTION_PX = 7
EDGE_CAPTION_SIZE = 8


class _RawStyle:
    """A Cytoscape style rule passed through as is (st-link-analysis only builds per-label ones)."""

    def __init__(self, selector: str, style: dict[str, Any]) -> None:
        self.selector, self.style = selector, style

    def dump(self) -> dict[str, Any]:
        return {"selector": self.selector, "style": self.style}


def node_size(degree: int) -> float:
    return round(18 + 9 * math.sqrt(degree), 1)


def caption_size(degree: int) -> float:
    """Caption font size (graph units) for a node of this degree: 10 for a leaf, up to 34 for a hub."""
    return round(min(10 + 3 * math.sqrt(degree), 34), 1)


def node_styles() -> list:
    styles: list = [NodeStyle(label=lab, color=LABEL_COLOURS[lab], caption="caption") for lab in LABELS]
    styles.append(_RawStyle("node", {
        "width": "data(size)", "height": "data(size)", "font-size": "data(font)",
        "min-zoomed-font-size": MIN_CAPTION_PX, "text-valign": "bottom", "text-halign": "center",
        "text-margin-y": 2, "color": "#1a1a1a", "text-wrap": "none",
        "text-background-color": "#ffffff", "text-background-opacity": 0.75,
        "text-background-padding": 1, "text-background-shape": "round-rectangle", "z-index": 10}))
    # Left unnamed by CAPTION_JS (its caption would overlap another): drawn below the named ones.
    styles.append(_RawStyle("node.kg-nocap", {"label": "", "z-index": 1}))
    # Hovered (class set by CAPTION_JS) or selected: the full name, drawn whatever the zoom, on top.
    styles.append(_RawStyle("node.kg-hover, node:selected", {
        "label": "data(name)", "min-zoomed-font-size": 0, "z-index": 99, "text-background-opacity": 1}))
    return styles


def edge_styles() -> list:
    with warnings.catch_warnings():  # st-link-analysis 0.4 warns about `labeled` even when unused
        warnings.simplefilter("ignore")
        styles: list = [EdgeStyle(label=t, color=REL_COLOURS.get(t, "#9e9e9e"), caption="caption",
                                  directed=True) for t in REL_TYPES]
    styles.append(_RawStyle("edge", {
        "font-size": EDGE_CAPTION_SIZE, "min-zoomed-font-size": MIN_CAPTION_PX + 1, "width": 1.5,
        "color": "#333", "text-background-color": "#ffffff", "text-background-opacity": 0.85,
        "text-rotation": "autorotate"}))
    # Role words in their role's colour (牵头 red, 负责 blue, 配合 green …).
    styles += [_RawStyle(f"edge[label='{t}']", {"color": c}) for t, c in REL_COLOURS.items()]
    # A hovered edge, and the edges of the selected node, say what they are at any zoom.
    styles.append(_RawStyle("edge.kg-hover, edge:selected, edge.highlight", {"min-zoomed-font-size": 0}))
    return styles


# Cytoscape has no hover style and no label collision handling, so a small script in the page
# (st.html) finds each graph's Cytoscape instance in its component frame (same origin) and, on every
# zoom, pan, layout or selection: sizes captions to read at least 10–12 px (and at most 20 px) on
# screen, draws them hub first and leaves out any that would overlap one already drawn (class
# `kg-nocap`); hovering shows the full name (class `kg-hover`) and a tooltip. Without the script the
# stylesheet alone still draws the captions, scaled with the zoom.
CAPTION_JS = """<script>
(() => {
  if (window.__kgCaptions) return;
  window.__kgCaptions = true;
  const width = (text, px) => {   // CJK and the ellipsis are square, Latin about 0.6; plus a margin
    let w = 4; for (const ch of text || "") { const c = ch.charCodeAt(0); w += c >= 0x2E80 || c === 0x2026 ? px : 0.6 * px; }
    return w; };
  const overlaps = (a, b) => a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
  const declutter = (cy) => {
    const z = cy.zoom(), w = cy.width(), h = cy.height(), labels = [], bodies = [];
    const nodes = cy.nodes(":visible").sort((a, b) => (b.data("degree") || 0) - (a.data("degree") || 0));
    cy.batch(() => {
      nodes.forEach((n) => {
        const deg = n.data("degree") || 0;
        const px = Math.min(Math.max((n.data("font") || 10) * z, 10 + Math.min(2, Math.sqrt(deg) / 3)), 20);
        n.style("font-size", (n.hasClass("kg-hover") ? Math.max(px, 13) : px) / z);
        const p = n.renderedPosition(), r = n.renderedOuterHeight() / 2, cw = width(n.data("caption"), px);
        const box = [p.x - cw / 2, p.y + r, p.x + cw / 2, p.y + r + 1.3 * px];
        const body = [p.x - r, p.y - r, p.x + r, p.y + r];
        const seen = box[2] > 0 && box[0] < w && box[3] > 0 && box[1] < h;
        // Named nodes are drawn above the others (z-index), so a caption must stay clear of the
        // captions and the bodies of the nodes named before it, and its node of their captions.
        const free = seen && !labels.some((q) => overlaps(q, box) || overlaps(q, body))
                     && !bodies.some((q) => overlaps(q, box));
        if (free) { labels.push(box); bodies.push(body); n.removeClass("kg-nocap"); }
        else n.addClass("kg-nocap");
      });
      cy.edges(":visible").forEach((e) => {
        const px = Math.min(8 * z, 13), lit = e.hasClass("highlight") || e.hasClass("kg-hover") || e.selected();
        e.style("font-size", (lit ? Math.max(px, 11) : px) / z);
      });
    });
  };
  const hook = () => {
    for (const frame of document.querySelectorAll("iframe[title*='st_link_analysis']")) {
      let cy = null;
      try { const el = frame.contentDocument && frame.contentDocument.getElementById("cy");
            cy = el && el._cyreg && el._cyreg.cy; } catch (e) { continue; }
      if (!cy || cy.scratch("_kgCaptions")) continue;
      cy.scratch("_kgCaptions", true);
      let timer = null;
      const later = () => { if (!timer) timer = setTimeout(() => { timer = null; declutter(cy); }, 120); };
      cy.on("viewport layoutstop position add remove select unselect", later);
      const box = cy.container();
      cy.on("mouseover", "node, edge", (ev) => {
        ev.target.addClass("kg-hover");
        box.title = ev.target.isNode() ? ev.target.data("name")
          : ev.target.data("caption") + "：" + (ev.target.data("evidence") || "");
        later();
      });
      cy.on("mouseout", "node, edge", (ev) => { ev.target.removeClass("kg-hover"); box.title = ""; later(); });
      declutter(cy);
    }
  };
  setInterval(hook, 700);
})();
</script>"""


def _flat(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value)
    if isinstance(value, dict):
        return str(value)
    return value


def node_data(node: NodeView, degree: int) -> dict[str, Any]:
    """Cytoscape data of one node: full `name`, short `caption`, `size` and caption `font` by degree."""
    name = node.name or node.id
    data: dict[str, Any] = {"id": node.id, "label": node.label, "name": name, "caption": short_name(name),
                            "degree": degree, "size": node_size(degree), "font": caption_size(degree)}
    for k, v in node.properties.items():
        if k in data or k in ("text", "mentions") or v in (None, "", []):
            continue
        data[k] = _flat(v)
    return data


def edge_key(e: EdgeView) -> str:
    return f"{e.source}|{e.type}|{e.target}"


def edge_data(e: EdgeView) -> dict[str, Any]:
    """Cytoscape data of one edge: `label` is the type (styles select on it), `caption` its word."""
    first = e.evidence[0]["text"] if e.evidence else ""
    return {"id": edge_key(e), "source": e.source, "target": e.target, "label": e.type,
            "caption": rel_caption(e.type), "evidence": first[:200],
            "documents": "、".join(sorted({str(ev.get("doc_id", "")) for ev in e.evidence if ev.get("doc_id")}))}


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
    event = st_link_analysis(to_elements(sub), layout=layout_name, node_styles=node_styles(),
                             edge_styles=edge_styles(), height=height, key=key,
                             node_actions=["expand", "remove"] if expandable else [], events=events)
    st.html(CAPTION_JS, unsafe_allow_javascript=True)
    return event


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
