"""FOLLOWS between documents of one collection: a later batch follows the earlier one.

`关于进一步支持…的若干政策措施` / `推广第二批…` follows `关于支持…的若干政策措施` / `推广第一批…` when the
titles are the same once batch words (第N批, 进一步) and document numbers (〔2018〕126号) are removed.
This needs several documents at once, so it runs over a list of graphs (e.g. before a store merge).
"""
from __future__ import annotations

import re

from graph.model import DocumentGraph, Evidence, Relation

from extract.numerals import to_int

_BATCH = re.compile(r"第([一二三四五六七八九十\d]{1,3})批")
_NOISE = re.compile(r"[（(][^（）()]*[〔\[]\d{4}[〕\]][^（）()]*[）)]|进一步|[\s《》“”\"'，,、]")


def _key(title: str) -> tuple[str, int] | None:
    if not title:
        return None
    m = _BATCH.search(title)
    batch = to_int(m.group(1)) if m else None
    base = _NOISE.sub("", _BATCH.sub("", title))
    if batch is None:
        batch = 2 if "进一步" in title else 1
    return (base, batch) if len(base) >= 6 else None


def link_documents(graphs: list[DocumentGraph]) -> int:
    """Add FOLLOWS (later batch → earlier batch) to the later document's graph; returns how many."""
    keyed = [(g, _key(str(g.document.properties.get("title") or ""))) for g in graphs]
    by_key = {k: g for g, k in keyed if k is not None}
    added = 0
    for g, k in keyed:
        if k is None or k[1] < 2:
            continue
        earlier = by_key.get((k[0], k[1] - 1))
        if earlier is None or earlier is g:
            continue
        title = str(g.document.properties.get("title"))
        i = (g.text or "").find(title)
        ev = Evidence(title, i, i + len(title)) if i >= 0 else None
        if all(not (r.type == "FOLLOWS" and r.target == earlier.document.id) for r in g.relations):
            g.relations.append(Relation("FOLLOWS", g.document.id, earlier.document.id, ev, "batch-title"))
            added += 1
    return added
