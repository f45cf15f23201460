"""The gazetteer: every name the extractor knows, loaded from data files at start-up.

Sources (nothing here is typed into Python):
- `extract/data/*.jsonl` entries `{"name", "type", "aliases", "parent", "parent_rel"}`: national
  ministries, customs, regional bodies, media;
- the national administrative divisions shipped with `cpca` (resources/adcodes.csv: every province,
  prefecture and county with its adcode and coordinates); the parent is derived from the code;
- `places.jsonl`: how to form safe short forms, one-character province abbreviations, the FTZ template;
- `collective.jsonl`: collective terms (两省一市 …) and their members;
- `departments.jsonl`: department stems and suffixes for `<place><department>` agencies.
"""
from __future__ import annotations

import csv
import os
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from extract.lexicon import read_jsonl

YRD_PREFIXES = ("31", "32", "33", "34")  # preferred when a short place name is ambiguous


@dataclass
class Entry:
    """One known entity: canonical name, label, aliases, optional parent and place properties."""
    name: str
    type: str
    aliases: list[str] = field(default_factory=list)
    parent: str | None = None
    parent_rel: str | None = None
    props: dict[str, Any] = field(default_factory=dict)
    short: str | None = None      # safe short form of a place (苏州 for 苏州市)
    parts: list[str] = field(default_factory=list)            # counties making up a zone
    context_aliases: list[str] = field(default_factory=list)  # aliases valid only in context
    context: list[str] = field(default_factory=list)          # …namely when one of these occurs

    @property
    def adcode(self) -> str:
        return str(self.props.get("adcode", ""))


@dataclass
class Surface:
    """A written form and the entries it may denote (best first)."""
    text: str
    entries: list[Entry]
    is_short: bool = False        # a place written without its suffix (needs `unsafe_after` check)


def _strip(name: str, suffixes: list[str]) -> str | None:
    for suf in suffixes:
        if name.endswith(suf) and len(name) - len(suf) >= 2:
            return name[: -len(suf)]
    return None


def _adcodes_path() -> str:
    import cpca
    return os.path.join(os.path.dirname(cpca.__file__), "resources", "adcodes.csv")


class Gazetteer:
    """All entries plus the surface index used by the phrase matcher and the resolver."""

    def __init__(self) -> None:
        self.entries: dict[tuple[str, str], Entry] = {}
        self.by_name: dict[str, list[Entry]] = {}
        self.surfaces: dict[str, Surface] = {}
        self.places_cfg: dict[str, dict] = {r["kind"]: r for r in read_jsonl("places.jsonl")}
        self.unsafe_short = set(self.places_cfg["unsafe_short_forms"]["forms"])
        self.unsafe_after = set(self.places_cfg["unsafe_after"]["chars"])
        self.weak_initials = set(self.places_cfg["weak_initials"]["chars"])
        self.short_county_scope = tuple(self.places_cfg["short_county_scope"]["adcode_prefixes"])
        self.feature_names = list(self.places_cfg["feature_names"]["names"])
        self.place_words_after = tuple(self.places_cfg["place_words_after"]["words"])
        self.abbrev: dict[str, str] = self.places_cfg["province_abbrev"]["abbrev"]
        self.collective: dict[str, list[str]] = {}
        self.departments: dict[str, Any] = {}
        self._load_admin()
        for fname in ("national_agencies.jsonl", "customs.jsonl", "regional.jsonl"):
            for rec in read_jsonl(fname):
                self.add(Entry(rec["name"], rec["type"], list(rec.get("aliases", [])),
                               rec.get("parent"), rec.get("parent_rel"),
                               parts=list(rec.get("parts", [])),
                               context_aliases=list(rec.get("context_aliases", [])),
                               context=list(rec.get("context", []))))
        self._load_ftz()
        for rec in read_jsonl("collective.jsonl"):
            for term in [rec["term"], *rec.get("variants", [])]:
                self.collective[term] = list(rec["members"])
        for rec in read_jsonl("departments.jsonl"):
            self.departments[rec["kind"]] = rec
        self._index()

    # -- loading ---------------------------------------------------------------------------
    def add(self, e: Entry) -> None:
        key = (e.type, e.name)
        if key in self.entries:
            old = self.entries[key]
            if e.adcode.startswith(YRD_PREFIXES) and old.adcode and not old.adcode.startswith(YRD_PREFIXES):
                # two places of one name (宝山区 in 双鸭山市 and in 上海市): the delta's wins
                self.entries[key] = e
                self.by_name[e.name] = [e if x is old else x for x in self.by_name[e.name]]
                return
            old.aliases.extend(a for a in e.aliases if a not in old.aliases)
            return
        self.entries[key] = e
        self.by_name.setdefault(e.name, []).append(e)

    def _load_admin(self) -> None:
        strip = self.places_cfg["strip_suffixes"]
        with open(_adcodes_path(), encoding="utf-8") as fh:
            rows = sorted(csv.DictReader(fh), key=lambda r: r["adcode"])
        by_code: dict[str, Entry] = {}
        for r in rows:
            code, name = r["adcode"][:6], r["name"]
            if name in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划") or r["adcode"][6:].strip("0"):
                continue
            if code[2:] == "0000":
                typ, short = "Province", _strip(name, strip["province"])
                parent = None
            elif code[4:] == "00":
                typ, short = "City", _strip(name, strip["city"])
                parent = by_code.get(code[:2] + "0000")
            else:
                typ, short = "County", _strip(name, strip["county"])
                parent = by_code.get(code[:4] + "00") or by_code.get(code[:2] + "0000")
            props: dict[str, Any] = {"adcode": code}
            if r.get("latitude") and r.get("longitude"):
                props["lat"] = round(float(r["latitude"]), 6)
                props["lng"] = round(float(r["longitude"]), 6)
            if short and ("自治" in short or short in self.unsafe_short):
                short = None
            if name in self.unsafe_short:
                continue  # 城区, 郊区, 矿区: common words, never recognised
            e = Entry(name, typ, [short] if short else [], parent.name if parent else None,
                      "LOCATED_IN" if parent else None, props, short)
            by_code[code] = e
            self.add(e)

    def _load_ftz(self) -> None:
        tpl = self.places_cfg["ftz_template"]
        for prov in tpl["provinces"]:
            pe = self.place(prov)
            short = pe.short if pe and pe.short else prov
            name = tpl["canonical"].format(short=short)
            self.add(Entry(name, "FTZ", [a.format(short=short) for a in tpl["aliases"]],
                           prov, "LOCATED_IN"))

    def _index(self) -> None:
        """Surface → entries; full names before aliases, then Province > City > County, YRD first."""
        rank = {"Province": 0, "City": 1, "County": 2}
        cands: dict[str, list[tuple[tuple, Entry, bool]]] = {}
        for e in self.entries.values():
            forms = [(e.name, True)] + [(a, False) for a in e.aliases + e.context_aliases]
            for form, full in forms:
                if not form:
                    continue
                yrd = 0 if e.adcode.startswith(YRD_PREFIXES) or not e.adcode else 1
                key = (0 if full else 1, rank.get(e.type, 0), yrd, e.adcode, e.name)
                cands.setdefault(form, []).append((key, e, form == e.short))
        for form, lst in cands.items():
            lst.sort(key=lambda t: t[0])
            # a full name always beats someone else's alias with the same spelling
            self.surfaces[form] = Surface(form, [e for _, e, _ in lst], is_short=lst[0][2])

    # -- lookup ----------------------------------------------------------------------------
    def place(self, name: str) -> Entry | None:
        for e in self.by_name.get(name, []):
            if e.type in ("Province", "City", "County"):
                return e
        return None

    def get(self, name: str, typ: str | None = None) -> Entry | None:
        for e in self.by_name.get(name, []):
            if typ is None or e.type == typ:
                return e
        return None

    def lookup(self, surface: str) -> Surface | None:
        return self.surfaces.get(surface)


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The process-wide gazetteer (data files are read once)."""
    return Gazetteer()
