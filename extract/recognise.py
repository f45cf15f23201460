"""Entity recognition: gazetteer phrase matches + name patterns → resolved, non-overlapping hits.

A `Hit` (extract.hits) is a span of the normalised text with the entities it names (several for a
collective term or a distributive list such as `两省一市发展改革、规划资源部门`). Everything runs over
the whole text once: the rule families of `NAME_RULES` in order (the spaCy PhraseMatcher's gazetteer
spans, compiled regexes anchored at place hits for names the gazetteer has never seen —
`<place><department>`, `…海关`, `…港`, `中德（太仓）…合作区` —, organisations by suffix, people with
their titles), then overlaps are settled longest-first with occupancy maps (linear in the text), then
the `SETTLED_RULES` revise the settled hits.

Rule families: extract.name_rules (gazetteer, places and the names built on them), extract.org_rules
(organisations), extract.person_rules (people); patterns: extract.name_patterns.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Callable, Iterable

from extract.gazetteer import load_gazetteer
from extract.hits import PLACE_TYPES, Hit, Scan, Target, target_of
from extract.name_patterns import NamePatterns
from extract.name_rules import (FEATURE, branches, bracketed_place_names, gazetteer_names, generic_units,
                                local_agencies, place_list_zones, place_names, ports, province_abbreviations,
                                requalify_chain)
from extract.org_rules import organisations
from extract.person_rules import first_person, honorific_people, speaker_turns, titled_people

__all__ = ["NAME_RULES", "PLACE_TYPES", "SETTLED_RULES", "Hit", "Recogniser", "Target", "load_recogniser",
           "target_of"]

# rule family type: (patterns, scan) -> None, appending to (or revising) scan.hits
NameRule = Callable[[NamePatterns, Scan], None]
# run in this order on the whole text; later families see the hits of earlier ones
NAME_RULES: list[tuple[str, NameRule]] = [
    ("gazetteer", gazetteer_names),
    ("province_abbreviations", province_abbreviations),
    ("generic_units", generic_units),
    ("place_names", place_names),
    ("ports", ports),
    ("bracketed_place_names", bracketed_place_names),
    ("place_list_zones", place_list_zones),
    ("branches", branches),
    ("organisations", organisations),
    ("local_agencies", local_agencies),
    ("titled_people", titled_people),
    ("honorific_people", honorific_people),
    ("speaker_turns", speaker_turns),
]
# run on the settled hits
SETTLED_RULES: list[tuple[str, NameRule]] = [
    ("requalify_chain", requalify_chain),
    ("first_person", first_person),
]


class Recogniser(NamePatterns):
    """Holds the compiled patterns; `find(...)` returns the resolved hits of one text."""

    def find(self, text: str, gaz_spans: Iterable[tuple[int, int]], doc_place: Target | None,
             speakers: Iterable[tuple[int, int, str, int]] = ()) -> list[Hit]:
        """All resolved hits of one document, in text order.

        gaz_spans: (start, end) of phrase-matcher matches; doc_place: the issuing city/province
        (for `市…`/`省…` agencies); speakers: (start, end, name, level) of Q&A turns.
        """
        scan = Scan(text, gaz_spans, doc_place, list(speakers))
        for _, rule in NAME_RULES:
            rule(self, scan)
        scan.hits = self._settle(scan.hits, text)
        for _, rule in SETTLED_RULES:
            rule(self, scan)
        return scan.hits

    @staticmethod
    def _settle(hits: list[Hit], text: str) -> list[Hit]:
        """Longest first; a name overlapping an accepted name or generic unit is dropped; a place may
        sit inside a longer name (宁波舟山港 names 宁波市) but not inside another place or a generic unit."""
        n = len(text)
        names = bytearray(n + 1)   # occupied by accepted names
        places = bytearray(n + 1)  # occupied by accepted places
        generic = bytearray(n + 1)
        feature = bytearray(n + 1)  # rivers and lakes: block places inside them, not names
        order = sorted(hits, key=lambda h: (0 if h.kind == "generic" else 1, -h.length, h.start,
                                            0 if h.kind == "name" else 1))
        out: list[Hit] = []
        for h in order:
            s, e = h.start, h.end
            if h.kind == "generic":
                occ = feature if h.rule == FEATURE else generic
                if any(occ[s:e]):
                    continue
                occ[s:e] = b"\x01" * (e - s)
                continue
            if any(generic[s:e]):
                continue
            if h.kind == "place":
                if any(places[s:e]) or any(feature[s:e]):
                    continue
                # a place may not straddle the boundary of an accepted name
                if any(names[s:e]) and not all(names[s:e]):
                    continue
                places[s:e] = b"\x01" * (e - s)
            else:
                if any(names[s:e]):
                    continue
                if h.kind == "person" and any(places[s:e]):
                    continue
                names[s:e] = b"\x01" * (e - s)
            out.append(h)
        out.sort(key=lambda h: (h.start, -h.length))
        return out


@lru_cache(maxsize=1)
def load_recogniser() -> Recogniser:
    """The process-wide recogniser (patterns compiled once)."""
    return Recogniser(load_gazetteer())
