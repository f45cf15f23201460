"""Downloads of a Subgraph: the formats of `graph.export.FORMATS` (GraphML, node-link JSON, CSV zip,
Cypher script, xlsx) plus the graph picture, registered there too: SVG (`ui.svg`) and PNG (`ui.png`)."""
from __future__ import annotations

from typing import Callable

from graph.export import FORMATS, ExportFormat, register_format
from graph.store import Subgraph
from ui.svg import render_svg


def _png(sub: Subgraph) -> bytes:
    from ui.png import render_png
    return render_png(sub)


register_format(ExportFormat("svg", "图片 picture (SVG)", ".svg", "image/svg+xml",
                             lambda sub: render_svg(sub).encode("utf-8")))
register_format(ExportFormat("png", "图片 picture (PNG)", ".png", "image/png", _png))


def export_bytes(sub: Subgraph, fmt: str) -> bytes:
    """File content of one registered format."""
    return FORMATS[fmt].to_bytes(sub)


def deferred(sub: Subgraph | Callable[[], Subgraph], stem: str
             ) -> list[tuple[str, str, str, str, Callable[[], bytes]]]:
    """(fmt, label, filename, mime, make_bytes) per format; the bytes are only made on a click
    (st.download_button runs the callable then), so the page renders at once for any graph size.
    `sub` may itself be a callable: the subgraph is then only read from the store on a click."""
    return [(f.name, f.label, f"{stem}{f.suffix}", f.mime, _maker(sub, f)) for f in FORMATS.values()]


def _maker(sub: Subgraph | Callable[[], Subgraph], fmt: ExportFormat) -> Callable[[], bytes]:
    def make() -> bytes:
        return fmt.to_bytes(sub() if callable(sub) else sub)
    return make
