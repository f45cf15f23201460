"""Ingest helpers: validate an upload, extract it from a private temporary folder, render a preview
with the evidence highlighted in the text, and merge on confirmation.

Uploaded bytes are written only inside a fresh `tempfile.mkdtemp()` folder that is removed right after
extraction; the file name is reduced to a safe stem (the stem becomes the document id).
"""
from __future__ import annotations

import html
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from extract.reader import DOCUMENT_SUFFIXES
from common.errors import InputError
from graph.model import DocumentGraph

ALLOWED_SUFFIXES = DOCUMENT_SUFFIXES   # the reader's list: txt, md, html, pdf, docx, xlsx
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
HIGHLIGHT_CHARS = 60_000


def safe_stem(name: str) -> str:
    """A file stem usable as a document id: no folders, no dots or odd characters."""
    stem = Path(name.replace("\\", "/")).name
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    stem = re.sub(r"[^\w\u4e00-\u9fff-]+", "_", stem).strip("._") or "upload"
    return stem[:120]


def check_upload(name: str, size: int) -> str:
    """The lower-case suffix, or an InputError (type not allowed, empty, too large)."""
    suffix = Path(name).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise InputError(f"{name}: type {suffix or '(none)'} not accepted; allowed: "
                         + ", ".join(ALLOWED_SUFFIXES))
    if size == 0:
        raise InputError(f"{name}: the file is empty")
    if size > MAX_UPLOAD_BYTES:
        raise InputError(f"{name}: {size / 1e6:.1f} MB is over the {MAX_UPLOAD_BYTES // 2**20} MB upload limit")
    return suffix


def extract_upload(name: str, data: bytes, nlp: Any = None) -> DocumentGraph:
    """Extract one uploaded document (written to a private temp folder, removed afterwards)."""
    import extract
    from extract.loader import load_document

    suffix = check_upload(name, len(data))
    folder = Path(tempfile.mkdtemp(prefix="kg-ingest-"))
    try:
        path = folder / f"{safe_stem(name)}{suffix}"
        path.write_bytes(data)
        return extract.extract_document(load_document(path, max_bytes=MAX_UPLOAD_BYTES), nlp=nlp)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def entity_frame(g: DocumentGraph) -> pd.DataFrame:
    return pd.DataFrame([{
        "类型 type": e.type, "名称 name": e.name, "别名 aliases": "、".join(e.aliases),
        "编号 no.": e.properties.get("number"), "领域 areas": "、".join(map(str, e.properties.get("areas") or [])),
        "提及 mentions": len(e.mentions), "id": e.id} for e in g.entities])


def relation_frame(g: DocumentGraph) -> pd.DataFrame:
    names = {e.id: e.name for e in g.entities}
    names[g.document.id] = g.document.name
    return pd.DataFrame([{
        "关系 type": r.type, "从 from": names.get(r.source, r.source), "到 to": names.get(r.target, r.target),
        "证据 evidence": r.evidence.text if r.evidence else "", "规则 rule": r.rule} for r in g.relations])


def clause_frame(g: DocumentGraph) -> pd.DataFrame:
    rows = [e for e in g.entities if e.type in ("Clause", "Task")]
    return pd.DataFrame([{
        "类型 kind": e.type, "节 section": e.properties.get("section"), "条 no.": e.properties.get("number"),
        "标题 title": e.properties.get("title") or e.name,
        "领域 areas": "、".join(map(str, e.properties.get("areas") or []))} for e in rows])


def highlight_html(g: DocumentGraph, limit: int = HIGHLIGHT_CHARS) -> str:
    """The normalised text as HTML: relation evidence in yellow marks, entity mentions underlined."""
    text = g.text or ""
    if not text:
        return "<p><i>(no text)</i></p>"
    cut = text[:limit]
    marks: list[tuple[int, int, str, str]] = []
    for r in g.relations:
        ev = r.evidence
        if ev and 0 <= ev.start < ev.end <= len(cut):
            marks.append((ev.start, ev.end, "ev", f"{r.type} ({r.rule})"))
    for e in g.entities:
        for m in e.mentions:
            if 0 <= m.start < m.end <= len(cut):
                marks.append((m.start, m.end, "ent", f"{e.type}: {e.name}"))
    # Character-level flags: cheap and robust to overlapping spans.
    ev_flag = [None] * len(cut)
    ent_flag = [None] * len(cut)
    for start, end, kind, title in marks:
        flags = ev_flag if kind == "ev" else ent_flag
        for i in range(start, end):
            if flags[i] is None:
                flags[i] = title
    out: list[str] = []
    i = 0
    while i < len(cut):
        j = i + 1
        while j < len(cut) and ev_flag[j] == ev_flag[i] and ent_flag[j] == ent_flag[i]:
            j += 1
        chunk = html.escape(cut[i:j]).replace("\n", "<br>")
        if ent_flag[i] is not None:
            chunk = (f"<span style='border-bottom:2px solid #1f77b4' title='{html.escape(ent_flag[i])}'>"
                     f"{chunk}</span>")
        if ev_flag[i] is not None:
            chunk = f"<mark style='background:#fff3a0' title='{html.escape(ev_flag[i])}'>{chunk}</mark>"
        out.append(chunk)
        i = j
    more = f"<p><i>… {len(text) - limit} more characters</i></p>" if len(text) > limit else ""
    return ("<div style='max-height:460px;overflow-y:auto;line-height:1.8;font-size:0.92rem;"
            "border:1px solid #ddd;padding:8px;border-radius:6px'>" + "".join(out) + more + "</div>")
