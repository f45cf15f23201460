"""The issuing jurisdiction of a document, and how its relative names (市X, 区X, 镇X) are qualified.

A `Jurisdiction` is a chain of places from the top down (上海市 → 松江区, 广东省 → 广州市,
上海市 → 闵行区 → 吴泾镇; the State Council's documents: 中华人民共和国 alone). It is read, strongest
first, from a user's override, the 文号 prefix (data/doc_numbers.jsonl: 沪松府办 → 上海市松江区), the
issuer and signature lines, the title's head (上海市松江区人民政府办公室关于…), the source line, and
finally the self-references of the text (本区, 全市, 我镇) with the places it names.

`Jurisdiction.owner(prefix)` says whose body `市X`/`区X`/`镇X` is; `name_prefix` is how that owner's
bodies are named (上海市松江区…, 广州市…, 上海市闵行区吴泾镇…).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from extract.gazetteer import Entry, Gazetteer, load_gazetteer
from extract.lexicon import read_jsonl

NATIONAL = "中华人民共和国"
LEVELS = ("National", "Province", "City", "County", "Town")
MUNICIPALITIES = ("北京市", "上海市", "天津市", "重庆市")
_TOWN = re.compile(r"[\u4e00-\u9fff]{1,4}?(?:镇|街道|乡)")
# 本区 / 全区 / 我区 …: which level the text speaks of itself as
_SELF = re.compile(r"(?:本|全|我)(市|区|县|镇|街道|乡|省)")


@dataclass(frozen=True)
class Place:
    name: str
    level: str          # Province, City, County, Town (National for the country)


@dataclass
class Jurisdiction:
    """The issuing jurisdiction: `chain` top-down, the last one the issuer's own level."""
    chain: tuple[Place, ...]
    evidence: dict = field(default_factory=dict)   # {"text", "start", "end"} or {"text", "source"}

    @property
    def place(self) -> Place:
        return self.chain[-1]

    @property
    def name(self) -> str:
        return self.place.name

    @property
    def level(self) -> str:
        return self.place.level

    @property
    def national(self) -> bool:
        return self.place.level == "National"

    def to_dict(self) -> dict:
        return {"name": self.name, "level": self.level,
                "parents": [p.name for p in self.chain[:-1]], "evidence": self.evidence}

    def owner(self, prefix: str) -> tuple[Place, ...] | None:
        """The chain of the body a relative prefix names: 市 → the city (a municipality counts),
        省 → the province, 区/县 → the district or county, 镇/街道/乡 → the town; None if the document's
        chain has no such level (区X in a city document names no one district)."""
        want = {"市": ("City",), "省": ("Province",), "区": ("County",), "县": ("County",),
                "镇": ("Town",), "街道": ("Town",), "乡": ("Town",)}.get(prefix)
        if not want:
            return None
        for k in range(len(self.chain) - 1, -1, -1):
            p = self.chain[k]
            if p.level in want and not (prefix == "省" and p.name in MUNICIPALITIES):
                return self.chain[:k + 1]
            if prefix == "市" and p.level == "Province" and p.name in MUNICIPALITIES:
                return self.chain[:k + 1]
        return None

    def own_chain(self) -> tuple[Place, ...] | None:
        """The chain whose bodies an unprefixed local name (发展改革委 in a 静安区 table) means."""
        return None if self.national else self.chain


def name_prefix(chain: tuple[Place, ...]) -> str:
    """How bodies of the last place of `chain` are named: a province or city by itself, a district
    (区) after its city (上海市松江区), a county or county-level city by itself, a town after its
    district's prefix (上海市闵行区吴泾镇)."""
    last = chain[-1]
    if last.level == "Town":
        return (name_prefix(chain[:-1]) if len(chain) > 1 else "") + last.name
    if last.level == "County" and last.name.endswith("区") and len(chain) > 1:
        return chain[-2].name + last.name
    return last.name


class JurisdictionReader:
    def __init__(self, gaz: Gazetteer) -> None:
        self.gaz = gaz
        rows = read_jsonl("doc_numbers.jsonl")
        self.prefixes = sorted(((r["prefix"], r["place"]) for r in rows), key=lambda r: -len(r[0]))

    # -- places --------------------------------------------------------------------------
    def _entry_chain(self, e: Entry) -> list[Place]:
        out: list[Place] = []
        seen = 0
        while e is not None and seen < 5:
            out.append(Place(e.name, e.type))
            e = self.gaz.place(e.parent) if e.parent else None
            seen += 1
        out.reverse()
        if len(out) >= 2 and out[0].level == "Province" and out[0].name in MUNICIPALITIES and \
                out[1].level == "City":
            out.pop(1)   # cpca's 市辖区 level is not a place of its own
        return out

    def _place(self, name: str, parent: Entry | None) -> Entry | None:
        """The place called `name` (full name): under `parent` when given, else the YRD one first."""
        cands = [e for e in self.gaz.by_name.get(name, []) if e.type in ("Province", "City", "County")]
        if not cands:
            return None
        if parent is not None:
            for e in cands:
                anc, seen = e, 0
                while anc is not None and anc.parent and seen < 4:
                    if anc.parent == parent.name:
                        return e
                    anc = self.gaz.place(anc.parent)
                    seen += 1
        sf = self.gaz.lookup(name)
        if sf is not None:
            for e in sf.entries:
                if e in cands:
                    return e
        return cands[0]

    def parse_chain(self, s: str) -> tuple[list[Place], int]:
        """The longest run of place names at the start of `s` (上海市松江区, 广州市, 闵行区吴泾镇)
        → (chain top-down, characters consumed). A county named alone gets its parents."""
        pos, last = 0, None
        found: list[Place] = []
        while pos < len(s):
            best = None
            for k in range(min(len(s), pos + 12), pos + 1, -1):
                e = self._place(s[pos:k], last)
                if e is not None:
                    best = (e, k)
                    break
            if best is None:
                break
            last, pos = best
            found = self._entry_chain(last)
        if last is None:
            return [], 0
        if last.type == "County":
            m = _TOWN.match(s, pos)
            if m and not s.startswith(("人民", "政府", "区委", "区政"), pos):
                found = found + [Place(m.group(0), "Town")]
                pos = m.end()
        return found, pos

    def _from_doc_number(self, number: str) -> list[Place] | None:
        for prefix, place in self.prefixes:
            if number.startswith(prefix):
                if place == NATIONAL:
                    return [Place(NATIONAL, "National")]
                chain, used = self.parse_chain(place)
                if chain and used == len(place):
                    return chain
        return None

    def _from_names(self, names: list[str]) -> tuple[list[Place], str] | None:
        best: tuple[list[Place], str] | None = None
        for n in names:
            n = n.strip()
            if n.startswith("国务院") or n.startswith("中共中央") or n.startswith("国家"):
                return [Place(NATIONAL, "National")], n
            head = n[2:] if n.startswith("中共") else n
            chain, _ = self.parse_chain(head[:24])
            if chain and (best is None or len(chain) > len(best[0])):
                best = (chain, n)
        return best

    def read(self, meta: dict, text: str, override: str | None = None) -> Jurisdiction | None:
        """The document's jurisdiction, or None when nothing names one."""
        if override:
            return self.from_name(override)
        number = str(meta.get("doc_number") or "")
        if not number:
            m = re.search(r"([\u4e00-\u9fff]{1,8})[〔\[［(（]\d{4}[〕\]］)）]\s*\d+\s*号", " ".join(
                str(meta.get(k) or "") for k in ("source", "title")) + "\n" + text[:3000])
            number = m.group(0) if m else ""
        from_number = self._from_doc_number(number) if number else None
        names = [str(x) for x in (meta.get("issuers") or [])] + [str(meta.get("title") or ""),
                                                                  str(meta.get("source") or "")]
        found = self._from_names(names)
        chain: list[Place] | None = None
        evidence_text = ""
        if from_number and found and found[0][:len(from_number)] == from_number:
            chain, evidence_text = found
        elif from_number:
            chain, evidence_text = from_number, number
        elif found:
            chain, evidence_text = found
        if chain is None:
            chain = self._from_self_reference(text)
            if chain is None:
                return None
            evidence_text = chain[-1].name
        i = text.find(evidence_text) if evidence_text else -1
        ev = {"text": evidence_text, "start": i, "end": i + len(evidence_text)} if i >= 0 else \
            {"text": evidence_text, "source": "metadata"}
        return Jurisdiction(tuple(chain), ev)

    def _from_self_reference(self, text: str) -> list[Place] | None:
        """本区/全区 with the district most named; 本市/全市 with the city or municipality most named."""
        counts: dict[str, int] = {}
        for m in _SELF.finditer(text):
            counts[m.group(1)] = counts.get(m.group(1), 0) + 1
        if not counts:
            return None
        level = max(counts, key=counts.get)
        want = {"市": ("City", "Province"), "区": ("County",), "县": ("County",), "省": ("Province",)}.get(level)
        if not want:
            return None
        tally: dict[str, int] = {}
        for m in re.finditer(r"[\u4e00-\u9fff]{2,5}?(?:市|区|县|省)", text[:20000]):
            e = self.gaz.place(m.group(0))
            if e is not None and e.type in want:
                tally[e.name] = tally.get(e.name, 0) + 1
        if not tally:
            return None
        e = self.gaz.place(max(tally, key=tally.get))
        return self._entry_chain(e) if e else None

    def from_name(self, name: str) -> Jurisdiction:
        """A jurisdiction given by name (`--jurisdiction 上海市青浦区`, 青浦区, 广州市, national)."""
        if name in (NATIONAL, "national", "国家", "全国"):
            return Jurisdiction((Place(NATIONAL, "National"),), {"text": name, "source": "override"})
        chain, used = self.parse_chain(name)
        if not chain or used != len(name):
            from common.errors import ConfigError
            raise ConfigError(f"unknown jurisdiction {name!r} (expected e.g. 上海市青浦区, 广州市, 国家)")
        return Jurisdiction(tuple(chain), {"text": name, "source": "override"})


@lru_cache(maxsize=1)
def load_jurisdiction_reader() -> JurisdictionReader:
    return JurisdictionReader(load_gazetteer())
