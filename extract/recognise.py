"""Entity recognition: gazetteer phrase matches + name patterns → resolved, non-overlapping hits.

A `Hit` is a span of the normalised text with the entities it names (several for a collective term or
a distributive list such as `两省一市发展改革、规划资源部门`). Everything runs over the whole text once:
the spaCy PhraseMatcher for the gazetteer, compiled regexes anchored at place hits for names the
gazetteer has never seen (`<place><department>`, `…海关`, `…港`, `中德（太仓）…合作区`), one regex for
people with their titles. Overlaps are settled longest-first with occupancy maps (linear in the text).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable

from extract.gazetteer import Entry, Gazetteer, load_gazetteer
from extract.lexicon import read_jsonl

PLACE_TYPES = ("Province", "City", "County")
CJK = "\u4e00-\u9fff"


@dataclass
class Target:
    """One entity a hit names: label, canonical name, alias written, properties, parent link."""
    type: str
    name: str
    alias: str = ""
    props: dict = field(default_factory=dict)
    parent: str | None = None
    parent_rel: str | None = None
    parts: tuple = ()


@dataclass
class Hit:
    start: int
    end: int
    text: str
    targets: list[Target]
    rule: str
    cls: str = "name"          # "place" (may sit inside a longer name), "name", "generic", "person"
    extra: dict = field(default_factory=dict)

    @property
    def length(self) -> int:
        return self.end - self.start


_TARGETS: dict[tuple[int, str], Target] = {}


def target_of(e: Entry, alias: str = "") -> Target:
    """The (shared, never mutated) Target of a gazetteer entry written as `alias`."""
    key = (id(e), alias)
    t = _TARGETS.get(key)
    if t is None:
        t = _TARGETS[key] = Target(e.type, e.name, alias if alias != e.name else "", dict(e.props),
                                   e.parent, e.parent_rel, tuple(e.parts))
    return t


class Recogniser:
    """Holds the compiled patterns; `find(...)` returns the resolved hits of one text."""

    def __init__(self, gaz: Gazetteer) -> None:
        self.gaz = gaz
        self._agency_cache: dict[tuple[str, str, str], Target] = {}
        dep = gaz.departments
        stems = sorted(dep["stems"]["stems"], key=len, reverse=True)
        sufs = sorted(dep["suffixes"]["suffixes"], key=len, reverse=True)
        self.full_forms: dict[str, str] = dep["full_forms"]["map"]
        self.complete_endings = tuple(dep["complete_items"]["endings"])
        self.generic_words = sorted(dep["generic"]["words"], key=len, reverse=True)
        stem_alt = "|".join(map(re.escape, stems))
        suf_alt = "|".join(map(re.escape, sufs))
        # one department after a place: 发展改革委 / 财政部门 / 人民政府办公厅 / 自贸办
        self.dept_re = re.compile(rf"(?:人民政府|政府)(?:办公厅|新闻办公室|新闻办)?|(?:{stem_alt})(?:{suf_alt})")
        # a distributive list after a collective owner: 发展改革、规划资源部门 / 人民银行、银保监、证监、地方金融监管部门
        item = rf"(?:{stem_alt}|人民银行)(?:{suf_alt})?"
        last = rf"(?:(?:{stem_alt})(?:{suf_alt})|人民银行|人民政府|政府)"
        self.dept_list_re = re.compile(rf"(?:(?:{item})、)*{last}")
        self.suffix_re = re.compile(rf"(?:{suf_alt})$")
        self.local_re = re.compile(rf"(市|省)(?=(?:{stem_alt})(?:{suf_alt})|政府|人民政府)")
        self.local_prev_ok = set("由经和与及、，,；;：:（(将对向在并为是")
        self.customs_re = re.compile(r"(?:(?:国际)?机场|港|新区)?海关(?!总署)")
        self.zone_re = re.compile(
            rf"[{CJK}]{{0,4}}?(?:高新技术产业开发区|经济技术开发区|高新区|经开区|综合保税区|保税港区|保税区|都市圈)")
        self.port_re = re.compile(r"港(?![口区务湾航城股])")
        self.generic_re = re.compile("|".join(map(re.escape, self.generic_words)))
        self.feature_re = re.compile("|".join(map(re.escape, sorted(gaz.feature_names, key=len, reverse=True))))
        org_cfg = {r["kind"]: r for r in read_jsonl("organisations.jsonl")}
        zone_suf = "|".join(map(re.escape, org_cfg["bracket_zone_templates"]["suffixes"]))
        # names carrying a place in brackets: 中国（浦东、杭州等）知识产权保护中心, 中德（太仓）中小企业合作区
        self.bracket_re = re.compile(
            rf"中[国德韩意阿法英美日俄新以瑞奥]?（(?P<places>[{CJK}、]{{2,24}}?)等?）"
            rf"(?P<body>[{CJK}“”+\d ]{{0,16}})(?P<suf>{zone_suf})")
        # a list of places before a zone kind: 太仓、芜湖、嘉兴等中德中小企业合作区 / 上海、南京…跨境电子商务综合试验区
        self.zone_suf_re = re.compile(zone_suf)
        self.place_list_zone_re = re.compile(
            rf"(?P<places>[{CJK}]{{2,4}}?(?:、[{CJK}]{{2,4}}?)+)等?(?P<head>中[德韩意阿法英美日俄新以瑞奥])?"
            rf"(?P<body>[{CJK}]{{0,12}}?)$")
        self.zone_templates: dict[str, str] = org_cfg["bracket_zone_templates"]["templates"]
        org = {r["kind"]: r for r in read_jsonl("organisations.jsonl")}
        self.org_types: dict[str, str] = org["org_suffixes"]["suffixes"]
        self.org_suffix_re = re.compile("|".join(map(re.escape, sorted(self.org_types, key=len, reverse=True))))
        self.left_cues = sorted(org["left_cues"]["cues"], key=len, reverse=True)
        self.delims = set(org["left_cues"]["delimiters"])
        self.cue_re = re.compile("|".join(map(re.escape, self.left_cues)))
        self.long_cue_re = re.compile("|".join(map(re.escape, [c for c in self.left_cues if len(c) >= 2])))
        self.not_in_names = org["not_in_names"]["chars"]
        self.generic_heads = set(org["generic_heads"]["generic"])
        self.min_org_len = org["generic_heads"]["min_len"]
        self.place_start = set(org["place_start_suffixes"]["suffixes"])
        self.cue_only = set(org["cue_only_suffixes"]["suffixes"])
        self.cue_only_cues = tuple(org["cue_only_suffixes"]["cues"])
        self.branch_re = re.compile(rf"[{CJK}]{{2,14}}?(?:分中心|分局|分署|办事处)")
        party = dep["party_committee"]
        self.party_re = re.compile(party["pattern"])
        self.party_name = party["name"]
        ab = "".join(gaz.abbrev)
        self.abbrev_re = re.compile(rf"[{ab}]{{2,4}}")
        # people: <title><name> followed by a speech verb or punctuation
        t = {r["kind"]: r for r in read_jsonl("titles.jsonl")}
        titles = sorted(t["titles"]["titles"], key=len, reverse=True)
        verbs = sorted(t["speech_verbs"]["verbs"], key=len, reverse=True)
        single = t["surnames"]["single"]
        double = "|".join(t["surnames"]["double"])
        self.titles = titles
        self.title_alt = "|".join(map(re.escape, titles))
        self.surname_single = set(single)
        self.surname_double = tuple(t["surnames"]["double"])
        self.person_re = re.compile(
            rf"(?P<title>{self.title_alt})[ 　：:]{{0,2}}(?P<name>(?:{double}|[{single}])[{CJK}]{{1,2}}?)"
            rf"(?=(?:{'|'.join(map(re.escape, verbs))})|[，。、：:；;\s”\"」）)！？]|$)")
        hon = t["honorifics"]
        self.honorific_re = re.compile(
            rf"(?<=(?:{'|'.join(hon['orgs_before'])}))(?P<name>(?:{double}|[{single}])[{CJK}]{{1,2}}?)"
            rf"(?P<title>{'|'.join(hon['after'])})")


    # ------------------------------------------------------------------ helpers
    def local_agency(self, place: Target, dept: str) -> Target:
        """`<place><department as written>` with official full forms for 委/政府 short forms."""
        key = (place.type, place.name, dept)
        t = self._agency_cache.get(key)
        if t is None:
            t = self._agency_cache[key] = self._local_agency(place, dept)
        return t

    def _local_agency(self, place: Target, dept: str) -> Target:
        full = self.full_forms.get(dept)
        if full is None:
            for short, long in self.full_forms.items():
                if dept.startswith(short) and len(short) >= 2 and dept[len(short):] in ("", "办公厅"):
                    full = long + dept[len(short):]
                    break
        dept_full = full or dept
        prefix = place.name
        if place.type == "County" and place.name.endswith("区"):
            pe = self.gaz.place(place.name)
            if pe is not None and pe.parent:  # district names repeat across cities: 苏州市吴江区人民政府
                prefix = pe.parent + place.name
        return Target("Agency", prefix + dept_full, "", {}, None, None)

    def is_person_name(self, s: str) -> bool:
        if not 2 <= len(s) <= 4 or not all("\u4e00" <= c <= "\u9fff" for c in s):
            return False
        return s[0] in self.surname_single or s.startswith(self.surname_double)

    def _place_before(self, text: str, s: int) -> bool:
        """A list separator or a province/city name right before `s` (江苏如东, 、金寨)."""
        if s > 0 and text[s - 1] in "、，,（(":
            return True
        for k in (2, 3, 4):
            if s - k >= 0:
                sf = self.gaz.lookup(text[s - k:s])
                if sf and sf.entries[0].type in ("Province", "City"):
                    return True
        return False

    def _county_ok(self, text: str, s: int, e: int, surf: str, ent: Entry, short: bool) -> bool:
        """Counties are the riskiest names: short forms (如东, 平潭) and counties outside the home
        provinces need context (their own province/city just before, or a place word just after)."""
        gaz = self.gaz
        n = len(text)
        if ent.name.endswith("区") and text.startswith("域", e):
            return False  # 港口区域
        in_scope = ent.adcode.startswith(gaz.short_county_scope)
        if short:
            if e < n and text[e] in gaz.unsafe_after:
                return False
            if in_scope and surf[0] not in gaz.weak_initials:
                return True
            if self._own_parent_before(text, s, ent) or text.startswith(gaz.place_words_after, e):
                return True
            return in_scope and s > 0 and text[s - 1] in "、，,（("
        if in_scope or len(surf) > 3:
            return True
        return s == 0 or not ("\u4e00" <= text[s - 1] <= "\u9fff") or text[s - 1] in "在于至到和与及的从、" \
            or self._own_parent_before(text, s, ent)

    def _own_parent_before(self, text: str, s: int, ent: Entry) -> bool:
        """The county's own city or province is written just before it (江苏如东, 淮北…)."""
        anc: list[str] = []
        e: Entry | None = ent
        while e is not None and e.parent and len(anc) < 3:
            anc.append(e.parent)
            e = self.gaz.place(e.parent)
        for k in (2, 3, 4, 5):
            if s - k >= 0:
                sf = self.gaz.lookup(text[s - k:s])
                if sf and sf.entries[0].name in anc:
                    return True
        return False

    def _prov_name(self, t: Target) -> str | None:
        if t.type == "Province":
            return t.name
        e = self.gaz.place(t.name)
        return self._province_of(e) if e else None

    def _province_of(self, e: Entry | None) -> str | None:
        seen = 0
        while e is not None and e.type != "Province" and seen < 4:
            e = self.gaz.place(e.parent) if e.parent else None
            seen += 1
        return e.name if e is not None else None

    # ------------------------------------------------------------------ main
    def find(self, text: str, gaz_spans: Iterable[tuple[int, int]], doc_place: Target | None,
             speakers: Iterable[tuple[int, int, str, int]] = ()) -> list[Hit]:
        """All resolved hits of one document, in text order.

        gaz_spans: (start, end) of phrase-matcher matches; doc_place: the issuing city/province
        (for `市…`/`省…` agencies); speakers: (start, end, name, level) of Q&A turns.
        """
        gaz = self.gaz
        hits: list[Hit] = []
        ctx_cache: dict[str, bool] = {}
        n = len(text)

        def context_ok(e: Entry) -> bool:
            if e.name not in ctx_cache:
                ctx_cache[e.name] = any(c in text for c in e.context) if e.context else True
            return ctx_cache[e.name]

        place_hits: list[Hit] = []
        mentioned_places: set[str] = set()
        raw: list[tuple[int, int, list[Entry]]] = []
        for s, e in gaz_spans:
            surf = text[s:e]
            if surf in gaz.collective:
                tg = [target_of(me) for me in (gaz.get(m) for m in gaz.collective[surf]) if me]
                h = Hit(s, e, surf, tg, "collective-term", "place", {"collective": surf})
                hits.append(h)
                place_hits.append(h)
                continue
            sf = gaz.lookup(surf)
            if sf is None:
                continue
            ents = []
            for ent in sf.entries:
                if surf in ent.context_aliases and not context_ok(ent):
                    continue
                if ent.type == "County" and not self._county_ok(text, s, e, surf, ent, sf.is_short):
                    continue
                if sf.is_short and e < n and text[e] in "市县区省" and surf + text[e] != ent.name:
                    continue  # 以上城市: 上城 + 市 is not 上城区
                if ent.type == "Agency" and surf.endswith("部") and text.startswith("门", e):
                    continue  # 人社部门 / 民政部门 are departments, not the ministry
                ents.append(ent)
            if not ents:
                continue
            raw.append((s, e, ents))
            if ents[0].type in PLACE_TYPES:
                mentioned_places.add(ents[0].name)
        for s, e, ents in raw:
            best = ents[0]
            if len(ents) > 1:  # ambiguous spelling: prefer the one whose parent is named here
                for ent in ents:
                    if ent.parent and ent.parent in mentioned_places:
                        best = ent
                        break
            cls = "place" if best.type in PLACE_TYPES else "name"
            h = Hit(s, e, text[s:e], [target_of(best, text[s:e])], "gazetteer", cls)
            hits.append(h)
            if cls == "place":
                place_hits.append(h)

        # one-character province abbreviations in runs: 沪苏, 浙沪, 京津冀
        for m in self.abbrev_re.finditer(text):
            tg: list[Target] = []
            for ch in m.group(0):
                pe = gaz.get(gaz.abbrev[ch])
                if pe and all(t.name != pe.name for t in tg):
                    tg.append(target_of(pe, ch))
            st = m.start()
            if st > 0 and gaz.lookup(text[st - 1:st + 1]) is not None:
                continue  # 天津港: 津 belongs to 天津
            if len(tg) >= 2:
                hits.append(Hit(m.start(), m.end(), m.group(0), tg, "province-abbreviation", "place"))

        # generic units and feature names block everything inside them (国务院相关部门, 黄浦江)
        for m in self.feature_re.finditer(text):
            hits.append(Hit(m.start(), m.end(), m.group(0), [], "feature", "generic"))
        for m in self.generic_re.finditer(text):
            hits.append(Hit(m.start(), m.end(), m.group(0), [], "generic", "generic"))

        # names built on a place: agencies, customs, zones; distributive lists on collectives
        place_hits.sort(key=lambda h: h.start)
        for hi, h in enumerate(place_hits):
            e = h.end
            if h.extra.get("collective"):
                m = self.dept_list_re.match(text, e)
                if m:
                    hits.append(self._distributive(h, m, text))
                continue
            place = h.targets[0]
            m = self.dept_re.match(text, e)
            if m:
                tg1 = self.local_agency(place, m.group(0))
                hits.append(Hit(h.start, m.end(), text[h.start:m.end()], [tg1], "place-department", "name",
                                {"place": place}))
                self._shared_department(text, place_hits, hi, m.group(0), hits)
                continue
            m = self.party_re.match(text, e)
            if m and place.type in ("Province", "City"):
                name = self.party_name.format(place=place.name)
                hits.append(Hit(h.start, m.end(), text[h.start:m.end()], [Target("Agency", name)],
                                "party-committee", "name"))
                continue
            m = self.customs_re.match(text, e)
            if m:
                name = text[h.start:m.end()]
                known = gaz.get(name, "Customs")
                tg1 = target_of(known) if known else Target("Customs", name, "", {}, "海关总署", "SUBORDINATE_TO")
                hits.append(Hit(h.start, m.end(), name, [tg1], "customs-suffix", "name"))
                continue
            m = self.zone_re.match(text, e)
            if m and not self.generic_re.match(m.group(0)):
                name = text[h.start:m.end()]
                known = gaz.get(name)
                tg1 = target_of(known) if known else Target("Zone", name, "", {}, self._prov_name(place),
                                                            "LOCATED_IN")
                hits.append(Hit(h.start, m.end(), name, [tg1], "zone-suffix", "name"))
        self._ports(text, place_hits, hits)
        self._brackets(text, hits)
        self._branches(text, hits)
        self._organisations(text, hits)

        # `市发展改革委` / `省政府` inside a city's or province's own document
        for m in self.local_re.finditer(text):
            s = m.start()
            if s > 0 and text[s - 1] not in self.local_prev_ok and text[s - 1] not in "\n \t":
                continue
            d = self.dept_re.match(text, m.end())
            if not d:
                continue
            owner = self._local_owner(s, m.group(1), place_hits, doc_place)
            if owner is None:
                continue
            tg1 = self.local_agency(owner, d.group(0))
            hits.append(Hit(s, d.end(), text[s:d.end()], [tg1], "local-agency", "name", {"place": owner}))

        # people with their titles (news prose) and speakers of Q&A turns
        for m in self.person_re.finditer(text):
            name = m.group("name")
            hits.append(Hit(m.start("name"), m.end("name"), name, [Target("Person", name)], "title-name",
                            "person", {"title": m.group("title"), "title_start": m.start("title")}))
        for m in self.honorific_re.finditer(text):
            name = m.group("name")
            hits.append(Hit(m.start("name"), m.end("name"), name, [Target("Person", name)], "name-honorific",
                            "person", {"title": m.group("title")}))
        for s, e, spk, level in speakers:
            base = re.sub(r"[（(].*$", "", spk)
            if self.is_person_name(base) and gaz.lookup(base) is None:
                hits.append(Hit(s, s + len(base), base, [Target("Person", base)], "speaker-turn", "person"))
        out = self._settle(hits, text)
        self._requalify_chain(out, text)
        self._first_person(text, out, list(speakers))
        return out

    def _first_person(self, text: str, hits: list[Hit], speakers: list[tuple[int, int, str, int]]) -> None:
        """`我关` in an answer is the customs office the preceding question addressed."""
        question: tuple[int, int] | None = None
        added: list[Hit] = []
        for s, e, spk, level in sorted(speakers):
            if level == 1:
                question = (s, e)
                continue
            if question is None:
                continue
            for m in re.finditer(r"我(关|局|委|厅|办)", text[s:e]):
                kind = "Customs" if m.group(1) == "关" else "Agency"
                addressed = next((h for h in hits if question[0] <= h.start < question[1] and h.targets
                                  and h.targets[0].type == kind and h.cls == "name"), None)
                if addressed is not None:
                    added.append(Hit(s + m.start(), s + m.end(), m.group(0), [addressed.targets[0]],
                                     "first-person", "name"))
        if added:
            hits.extend(added)
            hits.sort(key=lambda h: (h.start, -h.length))

    def _organisations(self, text: str, hits: list[Hit]) -> None:
        """Bodies the gazetteer does not know, by their suffix (…研究院, …实验室, …联盟, …科创圈): the name
        starts after a delimiter or a cue word (依托, 建立, 和 …), whichever leaves a plausible name."""
        name_ends = {h.end for h in hits if h.cls == "name"}
        for m in self.org_suffix_re.finditer(text):
            a, b = m.start(), m.end()
            if b < len(text) and text[b] in "区园仓城":   # 中心区, 中心仓: a place or a thing, not the body
                continue
            if b in name_ends:  # ends like a known name (浙江自贸试验区, 示范区): the known name wins
                continue
            lo = max(0, a - 24)
            i = a - 1
            while i >= lo:
                ch = text[i]
                if ch == "”":
                    j = text.rfind("“", lo, i)
                    if j < 0:
                        break
                    i = j - 1
                    continue
                if ch in self.delims or (ch in "及和与" and i in name_ends):
                    break  # `…人民政府及苏州大学`: a conjunction right after a known name
                i -= 1
            start = i + 1
            name = self._trim_left(text[start:b])
            if name is None:
                continue
            start = b - len(name)
            if m.group(0) in self.cue_only:
                quoted = start > 0 and text[start - 1] == "“" or name.startswith("“")
                if not quoted and not text[max(0, start - 4):start].endswith(self.cue_only_cues):
                    continue
                if any(c in name for c in "和与及"):
                    continue
            if m.group(0) in self.place_start and not self._starts_with_place(name):
                continue
            typ = self.org_types[m.group(0)]
            hits.append(Hit(start, b, name, [Target(typ, name)], "name-suffix", "name"))

    def _starts_with_place(self, name: str) -> bool:
        if any(name.startswith(f) for f in self.gaz.feature_names):
            return True
        for k in (4, 3, 2):
            sf = self.gaz.lookup(name[:k])
            if sf and sf.entries[0].type in PLACE_TYPES:
                return True
        return False

    def _trim_left(self, cand: str) -> str | None:
        """Strip cue words from the left until the candidate is a plausible name (4–20 chars)."""
        while True:
            stripped = False
            for cue in self.left_cues:
                if cand.startswith(cue) and len(cand) > len(cue):
                    cand = cand[len(cue):]
                    stripped = True
                    break
            if len(cand) <= 20 and not any(w in cand for w in self.not_in_names):
                inner = max((m.end() for m in self.long_cue_re.finditer(cand, 1)), default=-1)
                if 0 < inner < len(cand):
                    cand = cand[inner:]
                    continue
                if not stripped:
                    break
                continue
            # too long or phrase-like: restart after the earliest cue that leaves a plausible name
            cuts = sorted({m.end() for m in self.cue_re.finditer(cand, 1) if m.end() < len(cand)})
            ok = [k for k in cuts if len(cand) - k <= 20 and not any(w in cand[k:] for w in self.not_in_names)]
            if not ok:
                return None
            cand = cand[ok[0]:]
        if len(cand) < self.min_org_len or cand in self.generic_heads:
            return None
        if cand.startswith(("“", "”")) and cand.count("“") != cand.count("”"):
            cand = cand.strip("“”")
        return cand

    def _requalify_chain(self, hits: list[Hit], text: str) -> None:
        """`上海市政府副秘书长、发展改革委主任`: a ministry's short form right after a local body's post is
        that place's department (上海市发展和改革委员会)."""
        last_place: Target | None = None
        last_end = -10
        for h in hits:
            if h.rule in ("place-department", "local-agency") and h.extra.get("place") is not None:
                last_place, last_end = h.extra["place"], h.end
                continue
            if h.rule != "gazetteer" or h.cls != "name" or last_place is None:
                continue
            t = h.targets[0]
            if t.type != "Agency" or h.text == t.name or h.text.startswith(("国家", "国务院", "中国")):
                continue
            gap = text[last_end:h.start]
            if 0 < len(gap) <= 12 and gap.endswith("、") and not re.search(r"[，。；：]", gap):
                h.targets = [self.local_agency(last_place, h.text)]
                h.rule = "chain-local-agency"

    def _shared_department(self, text: str, place_hits: list[Hit], i: int, dept: str, hits: list[Hit]) -> None:
        """`上海市、浙江省科技部门`: places listed before a department share it."""
        cur = place_hits[i]
        while i > 0:
            prev = place_hits[i - 1]
            gap = text[prev.end:cur.start]
            if gap not in ("、", "和", "及", "与") or prev.extra.get("collective"):
                break
            pt = prev.targets[0]
            hits.append(Hit(prev.start, prev.end + 0, prev.text, [self.local_agency(pt, dept)],
                            "shared-department", "name", {"place": pt}))
            cur, i = prev, i - 1

    def _branches(self, text: str, hits: list[Hit]) -> None:
        """`国家药品监督管理局药品审评检查长三角分中心、医疗器械技术审评检查长三角分中心`: branches of a
        national body named right after it; later list items inherit the parent."""
        agencies = {h.end: h for h in hits if h.rule == "gazetteer" and h.targets and
                    h.targets[0].type in ("Agency", "Customs")}
        for end, h in agencies.items():
            m = self.branch_re.match(text, end)
            if not m:
                continue
            parent = h.targets[0].name
            pos, first = end, True
            while m:
                body = m.group(0)
                name = parent + body if first else parent + body
                tg = [Target("Agency", name, "", {}, parent, "SUBORDINATE_TO")]
                if first:
                    tg.append(h.targets[0])  # the parent body is named too
                hits.append(Hit(h.start if first else pos, m.end(), text[h.start if first else pos:m.end()],
                                tg, "branch-of", "name"))
                first = False
                if not text.startswith("、", m.end()):
                    break
                pos = m.end() + 1
                m = self.branch_re.match(text, pos)

    def _bracket_targets(self, head: str, places: list[str], rest: str, typ: str) -> list[Target]:
        tg: list[Target] = []
        for p in places:
            sf = self.gaz.lookup(p)
            prov = None
            if sf:
                e0 = sf.entries[0]
                prov = e0.name if e0.type == "Province" else self._province_of(e0)
            name = f"{head}（{p}）{rest}".replace(" ", "")
            tg.append(Target(typ, name, "", {}, prov, "LOCATED_IN" if prov and typ == "Zone" else None))
        return tg

    def _brackets(self, text: str, hits: list[Hit]) -> None:
        for m in self.bracket_re.finditer(text):
            full = text[m.start():m.end()].replace(" ", "")
            if self.gaz.get(full, "FTZ"):
                continue  # 中国（上海）自贸试验区 is the FTZ itself
            names = [p for p in m.group("places").split("、") if p]
            typ = "Organization" if m.group("suf") == "中心" else "Zone"
            head = text[m.start():m.start("places") - 1]
            tg = self._bracket_targets(head, names, m.group("body") + m.group("suf"), typ)
            hits.append(Hit(m.start(), m.end(), m.group(0), tg, "bracketed-place-name", "name"))
        for sm in self.zone_suf_re.finditer(text):
            if "、" not in text[max(0, sm.start() - 20):sm.start()]:
                continue
            lo = max(0, sm.start() - 80)
            m = self.place_list_zone_re.search(text, lo, sm.start())
            if m is None:
                continue
            places = m.group("places").split("、")
            first = places[0]
            # the first item may carry words before the place (加快上海): keep its known tail
            for k in range(len(first) - 1):
                if self.gaz.lookup(first[k:]):
                    places[0] = first[k:]
                    break
            if not all(self.gaz.lookup(p) for p in places):
                continue
            rest = m.group("body") + sm.group(0)
            if m.group("head"):
                head = m.group("head")
            else:
                tpl = self.zone_templates.get(rest)
                if tpl is None:
                    continue
                head = tpl
            start = m.start("places") + (len(first) - len(places[0]))
            hits.append(Hit(start, sm.end(), text[start:sm.end()],
                            self._bracket_targets(head, places, rest, "Zone"), "place-list-zone", "name"))

    def _distributive(self, owner: Hit, m: re.Match, text: str) -> Hit:
        """`两省一市发展改革、规划资源部门` → every member × every department (shared suffix)."""
        items = m.group(0).split("、")
        shared = ""
        sm = self.suffix_re.search(items[-1])
        if sm:
            shared = sm.group(0)
        tg: list[Target] = []
        for it in items:
            full_item = it if (self.suffix_re.search(it) or it.endswith(self.complete_endings)) else it + shared
            for mem in owner.targets:
                tg.append(self.local_agency(mem, full_item))
        return Hit(owner.start, m.end(), text[owner.start:m.end()], tg, "distributive-list", "name",
                   {"owner": [t.name for t in owner.targets]})

    @staticmethod
    def _local_owner(pos: int, level: str, place_hits: list[Hit], doc_place: Target | None) -> Target | None:
        # `江苏省委、省政府`: the province named just before in the same phrase wins
        for h in reversed(place_hits):
            if h.end <= pos:
                if pos - h.end <= 6 and not h.extra.get("collective"):
                    t = h.targets[0]
                    if (level == "省" and t.type == "Province" and t.name.endswith("省")) or \
                       (level == "市" and t.name.endswith("市")):
                        return t
                break
        if doc_place is None:
            return None
        if level == "市" and doc_place.name.endswith("市"):
            return doc_place
        if level == "省" and doc_place.name.endswith("省"):
            return doc_place
        return None

    def _ports(self, text: str, place_hits: list[Hit], hits: list[Hit]) -> None:
        """A chain of places (宁波舟山, 苏州（太仓）) directly followed by 港 names a port."""
        ph = [h for h in place_hits if not h.extra.get("collective")]
        i = 0
        while i < len(ph):
            j, end = i, ph[i].end
            while j + 1 < len(ph):
                nxt = ph[j + 1]
                gap = text[end:nxt.start]
                if gap == "" or gap == "（":
                    end = nxt.end + (1 if text.startswith("）", nxt.end) else 0)
                    j += 1
                else:
                    break
            if self.port_re.match(text, end):
                name = text[ph[i].start:end + 1]
                known = self.gaz.get(name)
                if known is None or known.type not in PLACE_TYPES:  # 连云港 is a city
                    tg = target_of(known) if known else Target("Zone", name, "", {},
                                                                self._prov_name(ph[i].targets[0]), "LOCATED_IN")
                    hits.append(Hit(ph[i].start, end + 1, name, [tg], "port-suffix", "name"))
            i = j + 1

    @staticmethod
    def _settle(hits: list[Hit], text: str) -> list[Hit]:
        """Longest first; a name overlapping an accepted name or generic unit is dropped; a place may
        sit inside a longer name (宁波舟山港 names 宁波市) but not inside another place or a generic unit."""
        n = len(text)
        names = bytearray(n + 1)   # occupied by accepted names
        places = bytearray(n + 1)  # occupied by accepted places
        generic = bytearray(n + 1)
        feature = bytearray(n + 1)  # rivers and lakes: block places inside them, not names
        order = sorted(hits, key=lambda h: (0 if h.cls == "generic" else 1, -h.length, h.start,
                                            0 if h.cls == "name" else 1))
        out: list[Hit] = []
        for h in order:
            s, e = h.start, h.end
            if h.cls == "generic":
                occ = feature if h.rule == "feature" else generic
                if any(occ[s:e]):
                    continue
                occ[s:e] = b"\x01" * (e - s)
                continue
            if any(generic[s:e]):
                continue
            if h.cls == "place":
                if any(places[s:e]) or any(feature[s:e]):
                    continue
                # a place may not straddle the boundary of an accepted name
                if any(names[s:e]) and not all(names[s:e]):
                    continue
                places[s:e] = b"\x01" * (e - s)
            else:
                if any(names[s:e]):
                    continue
                if h.cls == "person" and any(places[s:e]):
                    continue
                names[s:e] = b"\x01" * (e - s)
            out.append(h)
        out.sort(key=lambda h: (h.start, -h.length))
        return out


@lru_cache(maxsize=1)
def load_recogniser() -> Recogniser:
    """The process-wide recogniser (patterns compiled once)."""
    return Recogniser(load_gazetteer())
