"""A grammar of public-body names, and their resolution against the document's jurisdiction.

A name is `[jurisdiction prefix] stem suffix`: the prefix is a place (上海市松江区), a relative prefix
(市 区 县 镇 街道 省, 市委/区委 for Party organs, 团市委/团区委) or nothing; the suffix comes from
`data/body_suffixes.jsonl` (局 委 办 厅 … 专班 领导小组 街道 镇 园区 公司). The stem's official full form
comes from `data/full_forms.jsonl` (规划资源局 → 规划和自然资源局). Generic units (各街镇, 相关部门, 各镇、园区)
and fragments that are no name (numbers, verbs: `16.大学`, `30家学会`) are recognised as such
(`data/generic_units.jsonl`).

Rule families (each a named function with its own table-driven test):
- `split_items`      – a responsibility list into items (、，,；; and 和/及/与 between names);
- `strip_prefix`     – an item into (relative prefix, stem) or (place chain, stem);
- `qualify`          – (owner chain, stem) → canonical name and type (full forms, Party organs, 共青团);
- `BodyGrammar.resolve` – one item in a document of a given jurisdiction → Target, "generic" or None;
- `BodyGrammar.running_names` – relative names in running text (由区建设管理委负责, 市X会同市Y);
- `BodyGrammar.localise` – gazetteer short forms in a local document (发展改革委 in a 静安区 table) are
  the jurisdiction's bodies, never the national ones.
"""
from __future__ import annotations

import re
import threading
from bisect import bisect_right
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Callable

from extract.gazetteer import Gazetteer, load_gazetteer
from extract.lexicon import cues, read_jsonl
from extract.jurisdiction import Jurisdiction, JurisdictionReader, Place, load_jurisdiction_reader, name_prefix
from extract.name_rules import DISTRIBUTIVE_LIST, GAZETTEER
from extract.recognise import Hit, Target

CJK = "\u4e00-\u9fff"
RELATIVE = ("街道", "市", "区", "县", "镇", "乡", "省")
LIST_SPLIT = re.compile(r"[、，,；;]|以及|(?<=[局委办厅部署院会心队站所班组部道镇乡司行区])(?:和|及|与)")
# a national body written as such: stays national in any document
NATIONAL_FORM = re.compile(r"^(?:国家|国务院|中国|中华人民共和国|中央|全国|中共中央)|(?:部|总局|总署|署)$")
MAX_NAME = 22
GENERIC_ITEM = re.compile(r"[\u4e00-\u9fff（）]{1,8}?(?=、)")
# X等相关部门 / X等部门 / X等: a list's generic tail (matched after a name, or cut off an item's end)
_GENERIC_TAIL = r"等(?:相关|有关|其他)?(?:部门|单位|机构|行业主管部门)?"
GENERIC_LIST_TAIL = re.compile(_GENERIC_TAIL)
GENERIC_TAIL = re.compile(_GENERIC_TAIL + "$")
SHARED_HEAD = re.compile(r"(?P<parts>[\u4e00-\u9fff]{2}(?:、[\u4e00-\u9fff]{2}){0,4})、(?P<last>[\u4e00-\u9fff]{2})")
BRACKET_CHARS = re.compile(r"[（()）]")
PARTY_PRINTED = re.compile(r"(中共|共青团)(.+)")
YOUTH_LEAGUE = re.compile(r"团(市|区|县)委$")
GENERIC_END = re.compile(r"(?:等|各)(?:部门|单位)$|成员单位$|有关(?:部门|单位)$|相关(?:部门|单位)$")
BRACKETED = re.compile(r"（[^（）]*）")
TRAILING_BRACKET = re.compile(r"（[^（）]*）$")
NAME_CHARS = re.compile(rf"[{CJK}“”（）]+")
PLACE_SUFFIX = re.compile(r"(?:街道|市|区|县|镇|乡|省)$")
PARTY_AND_GOVERNMENT = re.compile(r"(市|区|县|镇)委(?:、)?\1(?:人民)?政府")


@dataclass(frozen=True)
class FullForm:
    full: str
    type: str = "Agency"
    party: bool = False


def _load_full_forms() -> dict[tuple[str, str | None], FullForm]:
    out: dict[tuple[str, str | None], FullForm] = {}
    for r in read_jsonl("full_forms.jsonl"):
        ff = FullForm(r["full"], r.get("type", "Agency"), bool(r.get("party")))
        for lv in r.get("levels") or [None]:
            out[(r["short"], lv)] = ff
    return out


def split_items(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A list of actors into item spans; brackets stay inside their item (X（Y）), blanks are trimmed."""
    out: list[tuple[int, int]] = []
    if not BRACKET_CHARS.search(text, start, end):        # the common case: no brackets to keep
        pos = start
        for m in LIST_SPLIT.finditer(text, start, end):
            if m.end() > m.start():
                out.append((pos, m.start()))
                pos = m.end()
        out.append((pos, end))
        return _trim_items(text, out)
    depth, pos, i = 0, start, start
    while i < end:
        ch = text[i]
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth = max(0, depth - 1)
        elif depth == 0:
            m = LIST_SPLIT.match(text, i, end)
            if m and m.end() > i:
                out.append((pos, i))
                pos = i = m.end()
                continue
        i += 1
    out.append((pos, end))
    return _trim_items(text, out)


def _trim_items(text: str, out: list[tuple[int, int]]) -> list[tuple[int, int]]:
    trimmed = []
    for s, e in out:
        while s < e and text[s] in " \t\n　“”\"":
            s += 1
        while e > s and text[e - 1] in " \t\n　“”\"。.":
            e -= 1
        if e > s and text.startswith("等", e - 1) and e - s > 2:
            e -= 1      # X等
        tail = GENERIC_TAIL.search(text, s, e)
        if tail and tail.start() > s + 1:
            e = tail.start()    # X等相关部门 / X等部门: the tail names no one
        if e > s:
            trimmed.append((s, e))
    return trimmed


_MISSING = object()
KNOWN = "known"     # cached answer: the gazetteer's own match


class BodyGrammar:
    def __init__(self, gaz: Gazetteer, jr: JurisdictionReader) -> None:
        self.gaz = gaz
        self._resolved: dict[tuple, Target | str | None] = {}
        self._stripped: dict[str, tuple] = {}
        self._local = threading.local()     # per-thread: the app's sessions share one grammar
        self.jr = jr
        self.full_forms = _load_full_forms()
        self.full_shorts = frozenset(short for short, _level in self.full_forms)
        sufs = read_jsonl("body_suffixes.jsonl")
        self.suffix_type = {r["suffix"]: r["type"] for r in sufs}
        self.suffix_last = frozenset(x[-1] for x in self.suffix_type)
        self.suffix_last_re = re.compile("[" + "".join(sorted(self.suffix_last)) + "]")
        self.suffix_re = re.compile("(?:" + "|".join(map(re.escape, sorted(self.suffix_type, key=len, reverse=True)))
                                    + ")$")
        g = {r["kind"]: r for r in read_jsonl("generic_units.jsonl")}
        self.generic_heads = tuple(g["generic_heads"]["heads"])
        self.generic_stems = frozenset(g["generic_stems"]["stems"])
        self.not_prefix = tuple(g["not_prefix"]["words"])
        self.reject_re = re.compile("|".join(map(re.escape, g["reject"]["chars"])) + r"|\d|[a-zA-Z]")
        self._generic_words = frozenset(gaz.departments["generic"]["words"])
        dep = gaz.departments
        stems = "|".join(map(re.escape, sorted(dep["stems"]["stems"], key=len, reverse=True)))
        sufs = "|".join(map(re.escape, sorted(dep["suffixes"]["suffixes"], key=len, reverse=True)))
        self.department_re = re.compile(rf"(?:{stems})(?:{sufs})")
        duties = cues("duties")
        cue_words = ["负责", "牵头", "配合", "会同", "参与", "协助", "联合", "共同"] + duties["verbs"] + \
            duties.get("phrases", []) + duties["modal"]
        self.duty_follow = re.compile(r"\s*[:：]|(?:" + "|".join(map(re.escape, duties["modal"])) + ")?(?:"
                                      + "|".join(map(re.escape, sorted(cue_words, key=len, reverse=True))) + ")")
        alt = "|".join(map(re.escape, sorted(self.suffix_type, key=len, reverse=True)))
        # a relative name in running text: prefix + up to 14 name characters ending in a suffix
        self.running_re = re.compile(
            rf"(?:团(?:市|区|县)委|(?:市|区|县|省)委(?:[{CJK}]{{0,12}}?(?:{alt}))?|"
            rf"(?:市|区|县|镇|省)[{CJK}（）]{{1,14}}?(?:{alt}))")

    # -- rule families -------------------------------------------------------------------
    def strip_prefix(self, item: str) -> tuple[str | None, tuple[Place, ...] | None, str]:
        got = self._stripped.get(item)
        if got is None:
            got = self._stripped[item] = self._strip_prefix(item)
            if len(self._stripped) > 200_000:
                self._stripped.clear()
        return got

    def _strip_prefix(self, item: str) -> tuple[str | None, tuple[Place, ...] | None, str]:
        """(relative prefix, explicit place chain, stem): 区规划资源局 → ("区", None, "规划资源局");
        上海市松江区财政局 → (None, (上海市, 松江区), "财政局"); 团市委 → ("市", None, "团委");
        发展改革委 → (None, None, "发展改革委")."""
        m = YOUTH_LEAGUE.match(item)
        if m:
            return m.group(1), None, "团委"
        if item.startswith(self.not_prefix):
            return None, None, item
        for p in RELATIVE:
            if item.startswith(p) and len(item) > len(p):
                rest = item[len(p):]
                if p == "市" and self.gaz.place(item[:2] + "市") and not item.startswith("市委"):
                    break   # 市 as a name's first character (市中区…) is no prefix
                return p, None, rest
        chain, used = self.jr.parse_chain(item)
        if chain and used < len(item):
            return None, tuple(chain), item[used:]
        return None, None, item

    def full_form(self, stem: str, level: str) -> FullForm | None:
        return self.full_forms.get((stem, level)) or self.full_forms.get((stem, None))

    def qualify(self, owner: tuple[Place, ...], stem: str) -> Target | None:
        """Canonical name of `stem` owned by the last place of `owner`."""
        prefix = name_prefix(owner)
        level = owner[-1].level
        if stem == "团委":
            return Target("Organization", f"共青团{prefix}委员会")
        ff = self.full_form(stem, level)
        if ff is None:
            typ = self.type_of(stem)
            if typ is None:
                return None
            ff = FullForm(stem, typ)
        name = ("中共" if ff.party else "") + prefix + ff.full
        return Target(ff.type, name)

    def is_department(self, item: str) -> bool:
        """A complete department name whatever follows it (区财政局收回…): its stem is an official
        short form or a known department stem with its suffix (data/full_forms, departments)."""
        rel, chain, stem = self.strip_prefix(item)
        if rel is None or len(stem) < 2:
            return False     # 市委 may go on (市委金融办): only full department names stop here
        return stem in self.full_shorts or bool(self.department_re.fullmatch(stem))

    def type_of(self, stem: str) -> str | None:
        m = self.suffix_re.search(stem)
        return self.suffix_type[m.group(0)] if m else None

    def is_generic(self, stem: str, prefixed: bool = False) -> bool:
        """A generic unit: 各X, 相关X, 有关部门 …; a bare generic stem (政府, 部门, 街镇) only when no
        jurisdiction prefix makes it one body (市政府 is the city's government)."""
        s = stem.rstrip("等")
        if not prefixed and (s in self.generic_stems or s in self._generic_words):
            return True
        if s.startswith(self.generic_heads) or "各" in s:
            return True
        return bool(GENERIC_END.search(s))

    def is_name(self, stem: str) -> bool:
        """A stem that can be a body's name: CJK, a suffix, no verbs or quantities, not too long."""
        core = BRACKETED.sub("", stem)
        if not 1 < len(core) <= MAX_NAME or self.reject_re.search(core):
            return False
        if not NAME_CHARS.fullmatch(stem):
            return False
        return self.type_of(core) is not None

    def resolve(self, item: str, jur: Jurisdiction | None, inherited: str | None = None,
                known: Target | None = None) -> Target | str | None:
        """One list item → a Target, "generic" (a generic unit: no entity) or None (no name).

        `inherited`: the relative prefix an earlier item of the same list wrote once
        (区发展改革委、建设管理委); `known`: what the gazetteer matched for exactly this item.
        Answers are cached per (item, jurisdiction, inherited, known): a document asks the same
        names many times."""
        key = (item, jur.chain if jur is not None else None, inherited,
               (known.type, known.name) if known is not None else None)
        hit = self._resolved.get(key, _MISSING)
        if hit is _MISSING:
            hit = self._resolve(item, jur, inherited, known)
            if len(self._resolved) > 200_000:
                self._resolved.clear()
            self._resolved[key] = KNOWN if hit is known and known is not None else hit
        return known if hit is KNOWN else hit

    def _resolve(self, item: str, jur: Jurisdiction | None, inherited: str | None,
                 known: Target | None) -> Target | str | None:
        alias = TRAILING_BRACKET.sub("", item) if item.endswith("）") else item
        printed = PARTY_PRINTED.match(alias)
        if printed and self.jr.parse_chain(printed.group(2))[0]:
            # 中共上海市松江区委宣传部 / 共青团广州市委员会: a full name with its own place, as printed
            return Target("Organization" if printed.group(1) == "共青团" else "Agency", alias)
        rel, chain, stem = self.strip_prefix(alias)
        if self.is_generic(stem, prefixed=rel is not None or chain is not None) or self.is_generic(alias):
            return "generic"
        if chain is not None:                       # 上海市松江区财政局, 广州市发展改革委
            t = self.qualify(chain, stem) if self.is_name(stem) else None
            return t or known
        if rel is None:
            if jur is None or jur.national or (known is not None and self._stays(known, alias)):
                return known
            own = self._own_place(alias, jur)
            if own is not None:
                owner, stem = own
                if owner is None:        # 广州广播电视台: the name carries its own place
                    typ = self.type_of(stem)
                    return Target(typ, stem, "", {"jurisdiction_name": name_prefix(jur.chain)}) if typ and \
                        self.is_name(stem) else None
                t = self.qualify(owner, stem) if self.is_name(stem) or self.full_form(stem, owner[-1].level) else None
                return Target(t.type, t.name, alias if alias != t.name else "",
                              {"jurisdiction_name": name_prefix(owner)}) if t else None
            rel = inherited
            owner = jur.owner(rel) if rel else jur.own_chain()
        else:
            owner = jur.owner(rel) if jur is not None else None
        if owner is None:
            return None if rel else known
        if not (self.is_name(stem) or stem == "团委" or self.full_form(stem, owner[-1].level)):
            return None
        t = self.qualify(owner, stem)
        if t is None:
            return None
        return Target(t.type, t.name, alias if alias != t.name else "", {"jurisdiction_name": name_prefix(owner)})

    @staticmethod
    def _own_place(item: str, jur: Jurisdiction) -> tuple[tuple[Place, ...] | None, str] | None:
        """An item written with one of the jurisdiction's own places: 马桥镇人民政府 in 马桥镇's
        document → (town chain, 人民政府); 广州广播电视台 → (None, item): kept as printed."""
        for k in range(len(jur.chain) - 1, -1, -1):
            p = jur.chain[k]
            if p.level == "National":
                continue
            if item.startswith(p.name) and len(item) > len(p.name):
                return jur.chain[:k + 1], item[len(p.name):]
            short = PLACE_SUFFIX.sub("", p.name)
            if len(short) >= 2 and item.startswith(short) and len(item) > len(short) + 1:
                return None, item
        return None

    def _stays(self, known: Target, written: str) -> bool:
        """A gazetteer match that keeps its identity in a local document: places, customs, zones,
        organisations, and national bodies written as such (生态环境部, 国家发展改革委)."""
        if known.type != "Agency" or len(written) <= 2:
            return True   # 国办, 人社部: abbreviations of national bodies only
        return bool(NATIONAL_FORM.search(written)) or written == known.name and len(written) > 6

    def is_actor_line(self, text: str, s: int, e: int, jur: Jurisdiction | None, named: bool = False) -> bool:
        """A table cell line made only of body names and generic units (区建设管理委、区水务局，各街镇);
        `named`: at least one of them a body, not only generic units."""
        items = split_items(text, s, e)
        if not items or e - s > 200:
            return False
        inherited = None
        bodies = 0
        for a, b in items:
            item = text[a:b]
            sf = self.gaz.lookup(item)
            known = target_of_surface(sf)
            res = self.resolve(item, jur, inherited, known)
            if res is None:
                return False
            bodies += res != "generic"
            inherited = self.relative_prefix(item) or inherited
        return bodies > 0 or not named

    def relative_prefix(self, item: str) -> str | None:
        rel, chain, _ = self.strip_prefix(item)
        return rel if chain is None else None

    # -- hits ------------------------------------------------------------------------------
    def list_hits(self, text: str, start: int, end: int, jur: Jurisdiction | None,
                  hits_at: dict[tuple[int, int], Hit], spans_over: Callable[[int, int], bool],
                  starts_at: dict[int, list[tuple[int, int]]]) -> list[Hit]:
        """Hits for each item of the actor list text[start:end]: a name, or a generic unit."""
        out: list[Hit] = []
        inherited: str | None = None
        for s, e in split_items(text, start, end):
            if spans_over(s, e):
                continue           # a longer match (两省一市发展改革、规划资源部门) spans several items
            item = text[s:e]
            known_hit = hits_at.get((s, e))
            known = known_hit.targets[0] if known_hit and len(known_hit.targets) == 1 else None
            if known_hit is not None and len(known_hit.targets) > 1:
                continue           # a collective term keeps its members
            res = self.resolve(item, jur, inherited, known)
            rel = self.relative_prefix(item)
            if rel:
                inherited = rel
            if res == "generic" and any(k[0] == s and k[1] < e for k in starts_at.get(s, ())):
                continue           # 两省一市各相关部门: the owner named before a generic unit stays
            if res == "generic":
                out.append(Hit(s, e, item, [], "generic-unit", "generic"))
            elif isinstance(res, Target) and res is not known:
                out.append(Hit(s, e, item, [res], "body-grammar", "name", qualified=True))
        return out

    GROUP_HEADS = ("工作小组", "领导小组", "工作专班", "专班", "指挥部")
    GROUP_HEAD_RE = re.compile("|".join(GROUP_HEADS))

    def group_anaphora(self, text: str, named: list[Hit]) -> list[Hit]:
        """`工作小组` after a named working group (区土地储备成本认定工作小组) is that group."""
        groups = sorted((h for h in named if h.kind == "name" and h.targets
                         and h.targets[0].name.endswith(self.GROUP_HEADS)), key=lambda h: h.start)
        if not groups:
            return []
        out: list[Hit] = []
        gi = 0
        for m in self.GROUP_HEAD_RE.finditer(text, groups[0].end):
            while gi + 1 < len(groups) and groups[gi + 1].start <= m.start():
                gi += 1
            g = groups[gi]
            if g.start <= m.start() < g.end or not g.targets[0].name.endswith(m.group(0)):
                continue
            if m.start() > 0 and "\u4e00" <= text[m.start() - 1] <= "\u9fff" and text[m.start() - 1] not in "由经该和与及、将对向在并为是":
                continue   # part of another name (…领导小组 of some other group)
            out.append(replace(g, start=m.start(), end=m.end(), text=m.group(0), rule="group-anaphora",
                               kind="name"))
        return out

    def list_continuations(self, text: str, heads: list[Hit], jur: Jurisdiction | None) -> list[Hit]:
        """区发展改革委、建设管理委、财政局 in running text: the prefix written once covers the list."""
        out: list[Hit] = []
        for h in heads:
            rel = self.relative_prefix(h.text)
            p = h.end
            while p < len(text) and text[p] in "、和及与":
                found = self._name_at(text, p + 1, jur, rel)
                if found is None:
                    break
                end, res = found
                out.append(Hit(p + 1, end, text[p + 1:end], [res], "relative-list", "name", qualified=True))
                p = end
        return out

    LIST_START = re.compile(r"(?:^|(?<=[，,。；;：:）)\n])|(?<=会同)|(?<=由)|(?<=经))(?=[\u4e00-\u9fff])", re.M)
    FOLLOW = re.compile(r"[、，,。；;：:）)]|和|及|与|组成|等|牵头|负责|配合|会同|参与|协助|共同|联合|要|应|将|开展|做好|落实|具体")

    def _suffix_ends(self, text: str) -> list[int]:
        """Offsets right after a character that can end a suffix (computed once per text)."""
        cache = self._local
        if getattr(cache, "text", None) is not text:
            cache.ends = [m.end() for m in self.suffix_last_re.finditer(text)]
            cache.text = text
        return cache.ends

    def _duty_ends(self, text: str) -> list[int]:
        """Suffix ends right before a duty word (…中心负责, …中队：) (computed once per text)."""
        cache = self._local
        if getattr(cache, "duty_text", None) is not text:
            cache.duty_ends = [e for e in self._suffix_ends(text) if self.duty_follow.match(text, e) or
                               ((g := GENERIC_LIST_TAIL.match(text, e)) and g.end() > e and
                                self.duty_follow.match(text, g.end()))]
            cache.duty_text = text
        return cache.duty_ends

    def _name_at(self, text: str, pos: int, jur: Jurisdiction | None, rel: str | None) -> tuple[int, Target] | None:
        """The shortest body name starting at `pos` that is followed by a boundary or a duty word."""
        if text.startswith(("由", "经", "并", "和", "及", "与", "将", "对", "在", "按", "请", "向", "报", "交", "送", "从"), pos):
            return None
        ends = self._suffix_ends(text)
        for k in range(bisect_right(ends, pos + 1), len(ends)):
            end = ends[k]
            if end > pos + 16:
                break
            if not self.suffix_re.search(text, pos, end):
                continue
            if end < len(text) and not (self.FOLLOW.match(text, end) or self.duty_follow.match(text, end)
                                        or self.is_department(text[pos:end])):
                continue
            res = self.resolve(text[pos:end], jur, rel)
            if isinstance(res, Target):
                return end, res
            if res == "generic":
                return None
        return None

    def _distributed(self, text: str, pos: int, jur: Jurisdiction | None) -> list[tuple[int, int, Target]]:
        """`吴泾、塘湾派出所`: short names sharing the head of the last one (docs/domain.md §2's
        distributive reading, for local units) → 吴泾派出所, 塘湾派出所."""
        m = SHARED_HEAD.match(text, pos)
        if not m:
            return []
        parts = m.group("parts").split("、")
        last = self._name_at(text, m.start("last"), jur, None)
        if last is None:
            return []
        end, res = last
        head = text[m.start("last") + 2:end]      # what the last item adds to its own short name
        if len(head) < 2 or any(self.resolve(part, jur) is not None for part in parts):
            return []                             # the parts must be no names of their own (居委 is one)
        out = []
        for k, part in enumerate(parts):
            name = part + head
            r = self.resolve(name, jur)
            if not isinstance(r, Target):
                return []
            s0 = m.start("parts") + sum(len(x) + 1 for x in parts[:k])
            out.append((s0, s0 + len(part), r))
        out.append((m.start("last"), end, res))
        return out

    def subject_names(self, text: str, jur: Jurisdiction | None) -> list[Hit]:
        """Bodies written without a prefix where a duty names them (环卫公司负责…, 城管中队：负责…,
        由镇规建办牵头，城管中队、派出所配合, …会同城管中队、镇环卫所加强…) in a local document: a list
        of names at a clause start or after 会同/由/经, followed by a role cue or a duty verb."""
        if jur is None or jur.national:
            return []
        out: list[Hit] = []
        good = self._duty_ends(text)       # a name ends right before a duty word, or a list runs on
        for m in self.LIST_START.finditer(text):
            pos = m.end()
            k = bisect_right(good, pos + 1)
            if k >= len(good) or good[k] > pos + 16 and not (good[k] <= pos + 60 and "、" in text[pos:pos + 17]):
                continue
            found: list[tuple[int, int, Target]] = []
            rel = None
            p = pos
            while True:
                got = self._name_at(text, p, jur, rel)
                if got is None:
                    shared = self._distributed(text, p, jur)
                    if shared:
                        found += shared
                        break
                    g = GENERIC_ITEM.match(text, p)
                    if found and g and self.is_generic(g.group(0)) and g.end() < len(text) and text[g.end()] == "、":
                        p = g.end() + 1           # 社区办、房管办、各居委、村委要…: skip the generic item
                        continue
                    break
                end, res = got
                found.append((p, end, res))
                rel = self.relative_prefix(text[p:end]) or rel
                if end < len(text) and text[end] in "、和及与":
                    p = end + 1
                    continue
                break
            found = [f for f in found if f[2].type != "Zone" and not text[f[0]:f[1]].endswith(("镇", "乡", "村", "街道"))
                     or self.relative_prefix(text[f[0]:f[1]])]
            if not found:
                continue
            tail = found[-1][1]
            g = GENERIC_LIST_TAIL.match(text, tail)
            if g:
                tail = g.end()           # …派出所等相关部门应当…
            elif p > tail:               # the list ends in generic items (…、各居委、村委要…)
                tail = next((p + n for n in range(1, 7) if self.is_generic(text[p:p + n])
                             and self.duty_follow.match(text, p + n)), tail)
            if not self.duty_follow.match(text, tail):
                continue
            for a, b, res in found:
                out.append(Hit(a, b, text[a:b], [res], "subject-name", "name", qualified=True))
        return out

    def running_names(self, text: str, jur: Jurisdiction | None) -> list[Hit]:
        """Relative names in running text (由区建设管理委负责…, 市发展改革委会同市经济信息化委…): a
        relative prefix after a boundary, the shortest name after it that a boundary or duty word follows."""
        if jur is None or jur.national:
            return []
        out: list[Hit] = []
        for m in self.running_re.finditer(text):
            s = m.start()
            if not self._left_boundary(text, s):
                continue
            if self.relative_prefix(m.group(0)) is None:
                continue
            pair = PARTY_AND_GOVERNMENT.match(text, s)
            if pair:     # 市委市政府 / 区委区政府: the Party committee and the government
                for a, b in ((s, s + 2), (s + 2, pair.end())):
                    res = self.resolve(text[a:b], jur)
                    if isinstance(res, Target):
                        out.append(Hit(a, b, text[a:b], [res], "relative-name", "name", qualified=True))
                continue
            found = self._name_at(text, s, jur, None)
            if found is None:
                continue
            e, res = found
            out.append(Hit(s, e, text[s:e], [res], "relative-name", "name", qualified=True))
        return out

    def augment(self, text: str, hits: list[Hit], jur: Jurisdiction | None, notes: list,
                kind: str = "policy") -> list[Hit]:
        """The recogniser's hits plus the grammar's: note lists item by item, relative names in
        running text, the same printed forms elsewhere in the text; short national forms localised;
        places inside a qualified body that is not theirs (岳阳 in 岳阳街道) dropped."""
        from extract.recognise import Recogniser
        hits = self.localise(hits, jur)
        hits_at = {(h.start, h.end): h for h in hits if h.kind != "generic"}
        starts_at: dict[int, list[tuple[int, int]]] = {}
        for k in hits_at:
            starts_at.setdefault(k[0], []).append(k)
        multi = sorted((h.start, h.end) for h in hits if len(h.targets) > 1 or h.rule == DISTRIBUTIVE_LIST)
        multi_starts = [a for a, _ in multi]

        def spans_over(s: int, e: int) -> bool:
            i = bisect_right(multi_starts, s) - 1
            while i >= 0 and s - multi[i][0] <= 200:   # a distributive list is short
                a, b = multi[i]
                if e <= b and (a, b) != (s, e) and b - a > e - s:
                    return True
                i -= 1
            return False

        added: list[Hit] = []
        for note in notes:
            for sg in note.segments:
                if sg.role and sg.role != "APPLIES_TO" and sg.end > sg.start:
                    added += self.list_hits(text, sg.start, sg.end, jur, hits_at, spans_over, starts_at)
        running = self.running_names(text, jur)
        if kind in ("policy", "plan"):     # news and transcripts name bodies in prose, not as duties
            running += self.subject_names(text, jur)
        added += running + self.list_continuations(text, running, jur)
        forms = {h.text: h for h in added if h.kind == "name" and len(h.text) >= 3}
        for h in list(forms.values()):
            # the same body written without its prefix (区X工作小组 … 由X工作小组初审)
            rel = self.relative_prefix(h.text)
            if rel and len(h.text) - len(rel) >= 6:
                forms.setdefault(h.text[len(rel):], h)
        if forms:
            form_re = re.compile("|".join(map(re.escape, sorted(forms, key=len, reverse=True))))
            for m in form_re.finditer(text):
                h = forms[m.group(0)]
                added.append(replace(h, start=m.start(), end=m.end(), kind="name"))
        if not added:
            return hits
        added += self.group_anaphora(text, added)
        out = Recogniser._settle(hits + added, text)
        qualified = [h for h in out if h.qualified]
        if not qualified:
            return out
        q_starts = [q.start for q in qualified]   # settled names do not overlap: one candidate each
        keep = []
        for h in out:
            if h.kind == "place":
                i = bisect_right(q_starts, h.start) - 1
                inside = qualified[i] if i >= 0 and h.end <= qualified[i].end else None
                if inside is not None and not any(t.name in inside.targets[0].name for t in h.targets):
                    continue
            keep.append(h)
        return keep

    LEFT_CHARS = frozenset("由经和与及、将对向在并为是同头合报请或至按交的")
    LEFT_WORDS = ("组织", "指导", "督促", "协调", "负责", "推动", "支持", "鼓励", "要求", "明确", "落实", "依托",
                  "会同", "牵头", "配合", "联合", "报送", "提交", "报请", "通过", "经过", "根据", "委托", "授权")

    def _left_boundary(self, text: str, s: int) -> bool:
        """A running-text name starts after punctuation, a line start, or a joining word (由, 会同…)."""
        if s == 0:
            return True
        prev = text[s - 1]
        if not ("\u4e00" <= prev <= "\u9fff"):
            return True
        return prev in self.LEFT_CHARS or text.startswith(self.LEFT_WORDS, max(0, s - 2)) and \
            text[max(0, s - 2):s] in self.LEFT_WORDS

    def localise(self, hits: list[Hit], jur: Jurisdiction | None) -> list[Hit]:
        """Gazetteer agencies written in a short form in a local document are the jurisdiction's own."""
        if jur is None or jur.national:
            return hits
        out = []
        for h in hits:
            t = h.targets[0] if len(h.targets) == 1 else None
            if t is not None and h.rule == GAZETTEER and t.type == "Agency" and not self._stays(t, h.text):
                res = self.resolve(h.text, jur)
                if isinstance(res, Target):
                    h = Hit(h.start, h.end, h.text, [res], "localised", "name", qualified=True)
            out.append(h)
        return out


def target_of_surface(sf) -> Target | None:
    """The gazetteer's first entity for a written form (None when unknown)."""
    if sf is None or not sf.entries:
        return None
    from extract.recognise import target_of
    return target_of(sf.entries[0])


@lru_cache(maxsize=1)
def load_body_grammar() -> BodyGrammar:
    return BodyGrammar(load_gazetteer(), load_jurisdiction_reader())
