"""The graph picture: a self-contained SVG of a spring layout (networkx), no internet, no matplotlib.

Nodes are coloured by label and sized by degree, with a short name under each (hubs first and bigger,
none drawn over another; the full name is the node's tooltip); edges carry their role or relationship
word (牵头, 负责, 配合, 隶属 …). Text uses a CJK-capable font stack so Chinese names render in any
browser or in Inkscape.
"""
from __future__ import annotations

import importlib.util
import math
from dataclasses import dataclass
from xml.sax.saxutils import escape

import networkx as nx

from graph.store import Subgraph
from ui.labels import LABEL_COLOURS, REL_COLOURS, label_caption, rel_caption, short_name

FONT = "'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei','PingFang SC','WenQuanYi Micro Hei',sans-serif"


@dataclass
class Drawing:
    """A laid-out subgraph in pixel coordinates (shared by the SVG and PNG renderers)."""
    width: int
    height: int
    xy: dict[str, tuple[float, float]]
    radius: dict[str, float]
    edges: list
    nodes: list
    edge_labels: bool
    legend: list[tuple[float, float, str, str]]  # (x, y, colour, text), wrapped into rows


def layout(sub: Subgraph, width: int = 1200, height: int = 900, seed: int = 7,
           edge_labels: bool | None = None) -> Drawing:
    """Spring layout (networkx, deterministic for a seed) scaled into the picture."""
    g = nx.Graph()
    g.add_nodes_from(n.id for n in sub.nodes)
    ids = set(g.nodes)
    edges = [e for e in sub.edges if e.source in ids and e.target in ids]
    g.add_edges_from((e.source, e.target) for e in edges)
    pad, right = 40, (150 if len(sub.nodes) <= 400 else 40)  # room for the names right of the dots
    items = [(LABEL_COLOURS.get(lab, "#999999"), label_caption(lab)) for lab in sorted({n.label for n in sub.nodes})]
    legend, x, y = [], float(pad), 20.0
    for colour, text in items:
        w = 24 + _text_width(text, 11)
        if x + w > width - pad and x > pad:
            x, y = float(pad), y + 18
        legend.append((x, y, colour, text))
        x += w
    legend_h = y + 14
    if len(g) <= 1:
        pos = {n: (0.0, 0.0) for n in g.nodes}
    else:
        pos = _spring(g, seed)
    xs = [p[0] for p in pos.values()] or [0.0]
    ys = [p[1] for p in pos.values()] or [0.0]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    xy = {n: (pad + (x - min(xs)) / span_x * (width - pad - right),
              legend_h + pad / 2 + (y - min(ys)) / span_y * (height - 1.5 * pad - legend_h))
          for n, (x, y) in pos.items()}
    degree: dict[str, int] = {}
    for e in edges:
        degree[e.source] = degree.get(e.source, 0) + 1
        degree[e.target] = degree.get(e.target, 0) + 1
    radius = {n: 5 + 2.2 * math.sqrt(degree.get(n, 0)) for n in g.nodes}
    return Drawing(width, height, xy, radius, edges, list(sub.nodes),
                   len(edges) <= 150 if edge_labels is None else edge_labels, legend)


def _spring(g: nx.Graph, seed: int) -> dict:
    """Force-directed positions. networkx needs scipy for a spring layout of 500 nodes or more;
    without scipy such graphs get ForceAtlas2 (numpy only) instead."""
    if len(g) >= 500 and importlib.util.find_spec("scipy") is None:
        return nx.forceatlas2_layout(g, seed=seed, max_iter=120, scaling_ratio=3.0)
    return nx.spring_layout(g, seed=seed, k=1.6 / math.sqrt(len(g)), iterations=80)


def _text_width(text: str, size: float) -> float:
    """Rough rendered width: CJK characters are square, Latin ones about half as wide."""
    return sum(size if ord(c) > 0x2E80 else size * 0.55 for c in text)


def _short(name: str) -> str:
    return short_name(name, 36)


def captions(d: Drawing) -> dict[str, tuple[float, float, float, str]]:
    """Node id → (x, y, font size, short name) of the captions to draw: centred under each node,
    9–14 px by node size, placed biggest node first and left out where they would overlap one
    already placed or leave the picture."""
    placed: list[tuple[float, float, float, float]] = []
    out: dict[str, tuple[float, float, float, str]] = {}
    for n in sorted(d.nodes, key=lambda n: (-d.radius[n.id], n.id)):
        x, y = d.xy[n.id]
        r = d.radius[n.id]
        size = round(min(9 + 0.5 * (r - 5), 14), 1)
        text = short_name(n.name or n.id)
        w = _text_width(text, size)
        box = (x - w / 2, y + r + 1, x + w / 2, y + r + 2 + size)
        if box[0] < 0 or box[2] > d.width or box[3] > d.height:
            continue
        if any(box[0] < q[2] and q[0] < box[2] and box[1] < q[3] and q[1] < box[3] for q in placed):
            continue
        placed.append(box)
        out[n.id] = (x, box[3] - 2, size, text)
    return out


def render_svg(sub: Subgraph, width: int = 1200, height: int = 900, seed: int = 7,
               edge_labels: bool | None = None) -> str:
    """SVG text of the subgraph (deterministic for a given subgraph and seed)."""
    d = layout(sub, width, height, seed, edge_labels)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="{escape(FONT)}">',
           '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" '
           'markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#888"/></marker></defs>',
           f'<rect width="{width}" height="{height}" fill="white"/>']
    for e in d.edges:
        (x1, y1), (x2, y2) = d.xy[e.source], d.xy[e.target]
        dist = math.hypot(x2 - x1, y2 - y1) or 1.0
        r = d.radius[e.target]
        x2e, y2e = x2 - (x2 - x1) / dist * r, y2 - (y2 - y1) / dist * r
        colour = REL_COLOURS.get(e.type, "#aaaaaa")
        out.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2e:.1f}" y2="{y2e:.1f}" stroke="{colour}" '
                   f'stroke-opacity="0.7" stroke-width="1.2" marker-end="url(#arrow)"/>')
        if d.edge_labels:
            out.append(f'<text x="{(x1 + x2) / 2:.1f}" y="{(y1 + y2) / 2:.1f}" font-size="8" fill="{colour}" '
                       f'text-anchor="middle"><title>{escape(e.type)}</title>{escape(rel_caption(e.type))}</text>')
    for n in d.nodes:
        x, y = d.xy[n.id]
        colour = LABEL_COLOURS.get(n.label, "#999999")
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{d.radius[n.id]:.1f}" fill="{colour}" '
                   f'stroke="white" stroke-width="1"><title>{escape(n.label)}: {escape(n.name)}</title></circle>')
    for node_id, (x, y, size, text) in captions(d).items():
        out.append(f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="middle" fill="#222" '
                   f'paint-order="stroke" stroke="white" stroke-width="2.5" stroke-opacity="0.8">'
                   f'{escape(text)}</text>')
    for x, y, colour, text in d.legend:
        out.append(f'<circle cx="{x:.0f}" cy="{y:.0f}" r="5" fill="{colour}"/>')
        out.append(f'<text x="{x + 8:.0f}" y="{y + 4:.0f}" font-size="11" fill="#333">{escape(text)}</text>')
    out.append("</svg>")
    return "\n".join(out)
