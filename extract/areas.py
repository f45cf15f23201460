"""Policy areas of a clause or task by keyword (data/areas.jsonl): the taxonomy and its matcher."""
from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache

from extract.lexicon import read_jsonl


class Areas:
    """Policy areas by keyword (data/areas.jsonl): one regex over all keywords."""

    def __init__(self) -> None:
        rows = read_jsonl("areas.jsonl")
        self.order = [r["area"] for r in rows]
        self.kw: dict[str, str] = {}
        for r in rows:
            for k in r["keywords"]:
                self.kw.setdefault(k, r["area"])
        self.re = re.compile("|".join(map(re.escape, sorted(self.kw, key=len, reverse=True))))

    def of(self, text: str, start: int = 0, end: int | None = None,
           spans: list[tuple[int, int]] | None = None) -> tuple[list[str], list[str]]:
        """Areas (taxonomy order) and `area:word` terms of text[start:end]; `spans` are keyword
        matches already found by the phrase matcher (sorted), else a regex scans the text."""
        end = len(text) if end is None else end
        found: dict[str, list[str]] = {}
        if spans is not None:
            words = [text[s:e] for s, e in spans[bisect_left(spans, (start, -1)):bisect_left(spans, (end, -1))]
                     if e <= end]
        else:
            words = [m.group(0) for m in self.re.finditer(text, start, end)]
        for w in words:
            lst = found.setdefault(self.kw[w], [])
            if w not in lst:
                lst.append(w)
        areas = [a for a in self.order if a in found]
        terms = [f"{a}:{t}" for a in areas for t in found[a]]
        return areas, terms


@lru_cache(maxsize=1)
def load_areas() -> Areas:
    return Areas()
