"""The graph picture as PNG (Pillow, shipped with Streamlit), from the same layout as the SVG.

Chinese names need a CJK font on the machine (Debian: fonts-noto-cjk); without one the names are
left out rather than drawn as boxes.
"""
from __future__ import annotations

import io
import math
import shutil
import subprocess
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from graph.store import Subgraph
from ui.labels import LABEL_COLOURS, REL_COLOURS
from ui.svg import _short, layout

FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)


@lru_cache(maxsize=1)
def cjk_font_path() -> str | None:
    """A font file with Chinese glyphs, or None."""
    import os
    for path in FONT_CANDIDATES:
        if os.path.exists(path):
            return path
    if shutil.which("fc-match"):
        try:
            out = subprocess.run(["fc-match", "-f", "%{file}", ":lang=zh"], capture_output=True, text=True,
                                 timeout=5).stdout.strip()
            return out or None
        except (OSError, subprocess.SubprocessError):
            return None
    return None


def _font(size: int):
    path = cjk_font_path()
    return ImageFont.truetype(path, size) if path else None


def render_png(sub: Subgraph, width: int = 1200, height: int = 900, seed: int = 7) -> bytes:
    """PNG bytes of the subgraph (same layout, colours and sizes as `render_svg`)."""
    d = layout(sub, width, height, seed)
    scale = 2  # draw at 2x and downsample: smooth lines without an anti-aliasing backend
    img = Image.new("RGB", (width * scale, height * scale), "white")
    draw = ImageDraw.Draw(img)
    small, normal = _font(8 * scale), _font(10 * scale)
    for e in d.edges:
        (x1, y1), (x2, y2) = d.xy[e.source], d.xy[e.target]
        colour = REL_COLOURS.get(e.type, "#aaaaaa")
        draw.line([(x1 * scale, y1 * scale), (x2 * scale, y2 * scale)], fill=colour, width=2)
        dist = math.hypot(x2 - x1, y2 - y1) or 1.0
        ux, uy = (x2 - x1) / dist, (y2 - y1) / dist
        tip = (x2 - ux * d.radius[e.target], y2 - uy * d.radius[e.target])
        left = (tip[0] - ux * 7 - uy * 3.5, tip[1] - uy * 7 + ux * 3.5)
        right = (tip[0] - ux * 7 + uy * 3.5, tip[1] - uy * 7 - ux * 3.5)
        draw.polygon([(p[0] * scale, p[1] * scale) for p in (tip, left, right)], fill=colour)
        if d.edge_labels and small:
            draw.text(((x1 + x2) / 2 * scale, (y1 + y2) / 2 * scale), e.type, fill="#666666", font=small,
                      anchor="mm")
    for n in d.nodes:
        x, y = d.xy[n.id]
        r = d.radius[n.id]
        draw.ellipse([(x - r) * scale, (y - r) * scale, (x + r) * scale, (y + r) * scale],
                     fill=LABEL_COLOURS.get(n.label, "#999999"), outline="white", width=2)
        if normal and len(d.nodes) <= 400:
            draw.text(((x + r + 2) * scale, y * scale), _short(n.name), fill="#222222", font=normal, anchor="lm")
    legend_font = _font(11 * scale)
    for x, y, colour, text in d.legend:
        draw.ellipse([(x - 5) * scale, (y - 5) * scale, (x + 5) * scale, (y + 5) * scale], fill=colour)
        if legend_font:
            draw.text(((x + 8) * scale, y * scale), text, fill="#333333", font=legend_font, anchor="lm")
    img = img.resize((width, height), Image.LANCZOS)
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return buf.getvalue()
