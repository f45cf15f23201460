"""Export of a Subgraph to downloadable bytes through `graph.export` (GraphML, node-link JSON,
CSV zip, Cypher script, xlsx), plus the graph picture as SVG (`ui.svg`) or PNG (`ui.png`)."""
from __future__ import annotations

from typing import Callable

from graph.store import Subgraph
from ui.svg import render_svg


FORMATS = (  # fmt, label, suffix, mime
    ("graphml", "GraphML (Gephi, yEd)", ".graphml", "application/xml"),
    ("json", "node-link JSON", ".json", "application/json"),
    ("csv", "CSV (zip: nodes.csv, relationships.csv)", ".zip", "application/zip"),
    ("cypher", "Cypher script", ".cypher", "text/plain"),
    ("xlsx", "Excel xlsx", ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("svg", "图片 picture (SVG)", ".svg", "image/svg+xml"),
    ("png", "图片 picture (PNG)", ".png", "image/png"),
)


def export_bytes(sub: Subgraph, fmt: str) -> bytes:
    """File content of one format: graph.export.to_bytes, or the SVG picture."""
    if fmt == "svg":
        return render_svg(sub).encode("utf-8")
    if fmt == "png":
        from ui.png import render_png
        return render_png(sub)
    from graph import export
    return export.to_bytes(sub, fmt)[0]


def deferred(sub: Subgraph, stem: str) -> list[tuple[str, str, str, str, Callable[[], bytes]]]:
    """(fmt, label, filename, mime, make_bytes) per format; the bytes are only made on a click
    (st.download_button runs the callable then), so the page renders at once for any graph size."""
    out = []
    for fmt, label, suffix, mime in FORMATS:
        out.append((fmt, label, f"{stem}{suffix}", mime, _maker(sub, fmt)))
    return out


def _maker(sub: Subgraph, fmt: str) -> Callable[[], bytes]:
    def make() -> bytes:
        return export_bytes(sub, fmt)
    return make
