"""Name rule families: gazetteer matches and the names built on places (extract.recognise runs them).

Each family is a function `(patterns, scan) -> None` that appends the hits it finds to `scan.hits`;
the order they run in is `NAME_RULES` / `SETTLED_RULES` of extract.recognise. The names written right
after a place are one family, `place_names`, whose own rules (`PLACE_RULES`) are tried in order on each
place hit until one claims it. The rule ids below are the `Hit.rule` of what each family finds.
"""
from __future__ import annotations

import re
from typing import Callable

from extract.gazetteer import Entry
from extract.hits import PLACE_TYPES, Hit, Scan, Target, target_of
from extract.name_patterns import NamePatterns

COLLECTIVE_TERM = "collective-term"
GAZETTEER = "gazetteer"
PROVINCE_ABBREVIATION = "province-abbreviation"
FEATURE = "feature"
GENERIC = "generic"
DISTRIBUTIVE_LIST = "distributive-list"
PLACE_DEPARTMENT = "place-department"
SHARED_DEPARTMENT = "shared-department"
PARTY_COMMITTEE = "party-committee"
CUSTOMS_SUFFIX = "customs-suffix"
ZONE_SUFFIX = "zone-suffix"
PORT_SUFFIX = "port-suffix"
BRACKETED_PLACE_NAME = "bracketed-place-name"
PLACE_LIST_ZONE = "place-list-zone"
BRANCH_OF = "branch-of"
LOCAL_AGENCY = "local-agency"
CHAIN_LOCAL_AGENCY = "chain-local-agency"


# ------------------------------------------------------------------ gazetteer, abbreviations, generic units
def gazetteer_names(p: NamePatterns, scan: Scan) -> None:
    """Phrase-matcher spans the gazetteer knows: collective terms (两省一市) and entries, checked in context."""
    # counties, short forms and context-only aliases need the text around them
    gaz, text = p.gaz, scan.text
    n = len(text)
    ctx_cache: dict[str, bool] = {}

    def context_ok(e: Entry) -> bool:
        if e.name not in ctx_cache:
            ctx_cache[e.name] = any(c in text for c in e.context) if e.context else True
        return ctx_cache[e.name]

    mentioned_places: set[str] = set()
    raw: list[tuple[int, int, list[Entry]]] = []
    for s, e in scan.gaz_spans:
        surf = text[s:e]
        if surf in gaz.collective:
            tg = [target_of(me) for me in (gaz.get(m) for m in gaz.collective[surf]) if me]
            h = Hit(s, e, surf, tg, COLLECTIVE_TERM, "place", collective=surf)
            scan.hits.append(h)
            scan.place_hits.append(h)
            continue
        sf = gaz.lookup(surf)
        if sf is None:
            continue
        ents = []
        for ent in sf.entries:
            if surf in ent.context_aliases and not context_ok(ent):
                continue
            if ent.type == "County" and not _county_ok(p, text, s, e, surf, ent, sf.is_short):
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
        kind = "place" if best.type in PLACE_TYPES else "name"
        h = Hit(s, e, text[s:e], [target_of(best, text[s:e])], GAZETTEER, kind)
        scan.hits.append(h)
        if kind == "place":
            scan.place_hits.append(h)
    scan.place_hits.sort(key=lambda h: h.start)


def _county_ok(p: NamePatterns, text: str, s: int, e: int, surf: str, ent: Entry, short: bool) -> bool:
    """Counties are the riskiest names: short forms (如东, 平潭) and counties outside the home
    provinces need context (their own province/city just before, or a place word just after)."""
    gaz = p.gaz
    n = len(text)
    if ent.name.endswith("区") and text.startswith("域", e):
        return False  # 港口区域
    in_scope = ent.adcode.startswith(gaz.short_county_scope)
    if short:
        if e < n and text[e] in gaz.unsafe_after:
            return False
        if in_scope and surf[0] not in gaz.weak_initials:
            return True
        if _own_parent_before(p, text, s, ent) or text.startswith(gaz.place_words_after, e):
            return True
        return in_scope and s > 0 and text[s - 1] in "、，,（("
    if in_scope or len(surf) > 3:
        return True
    return s == 0 or not ("\u4e00" <= text[s - 1] <= "\u9fff") or text[s - 1] in "在于至到和与及的从、" \
        or _own_parent_before(p, text, s, ent)


def _own_parent_before(p: NamePatterns, text: str, s: int, ent: Entry) -> bool:
    """The county's own city or province is written just before it (江苏如东, 淮北…)."""
    anc: list[str] = []
    e: Entry | None = ent
    while e is not None and e.parent and len(anc) < 3:
        anc.append(e.parent)
        e = p.gaz.place(e.parent)
    for k in (2, 3, 4, 5):
        if s - k >= 0:
            sf = p.gaz.lookup(text[s - k:s])
            if sf and sf.entries[0].name in anc:
                return True
    return False


def province_abbreviations(p: NamePatterns, scan: Scan) -> None:
    """Runs of one-character province abbreviations: 沪苏, 浙沪, 京津冀 (not 津 of 天津港)."""
    gaz, text = p.gaz, scan.text
    for m in p.abbrev_re.finditer(text):
        tg: list[Target] = []
        for ch in m.group(0):
            pe = gaz.get(gaz.abbrev[ch])
            if pe and all(t.name != pe.name for t in tg):
                tg.append(target_of(pe, ch))
        st = m.start()
        if st > 0 and gaz.lookup(text[st - 1:st + 1]) is not None:
            continue  # 天津港: 津 belongs to 天津
        if len(tg) >= 2:
            scan.hits.append(Hit(m.start(), m.end(), m.group(0), tg, PROVINCE_ABBREVIATION, "place"))


def generic_units(p: NamePatterns, scan: Scan) -> None:
    """Generic units and feature names, which block every name inside them (国务院相关部门, 黄浦江)."""
    for m in p.feature_re.finditer(scan.text):
        scan.hits.append(Hit(m.start(), m.end(), m.group(0), [], FEATURE, "generic"))
    for m in p.generic_re.finditer(scan.text):
        scan.hits.append(Hit(m.start(), m.end(), m.group(0), [], GENERIC, "generic"))


# ------------------------------------------------------------------ names written right after a place
# (patterns, scan, index in scan.place_hits, place hit) -> True when the rule claimed the place
PlaceRule = Callable[[NamePatterns, Scan, int, Hit], bool]
PLACE_RULES: list[tuple[str, PlaceRule]] = []


def place_rule(name: str):
    def register(fn: PlaceRule) -> PlaceRule:
        PLACE_RULES.append((name, fn))
        return fn
    return register


def place_names(p: NamePatterns, scan: Scan) -> None:
    """Names written right after a place (上海市发展改革委, 江苏省委): the first of PLACE_RULES that claims it."""
    for i, h in enumerate(scan.place_hits):
        for _, rule in PLACE_RULES:
            if rule(p, scan, i, h):
                break


@place_rule(DISTRIBUTIVE_LIST)
def distributive_list(p: NamePatterns, scan: Scan, i: int, h: Hit) -> bool:
    """`两省一市发展改革、规划资源部门` → every member × every department; a collective takes no other rule."""
    if not h.collective:
        return False
    m = p.dept_list_re.match(scan.text, h.end)
    if m:
        text = scan.text
        items = m.group(0).split("、")
        shared = ""
        sm = p.suffix_re.search(items[-1])
        if sm:
            shared = sm.group(0)
        tg: list[Target] = []
        for it in items:
            full_item = it if (p.suffix_re.search(it) or it.endswith(p.complete_endings)) else it + shared
            for mem in h.targets:
                tg.append(p.local_agency(mem, full_item))
        scan.hits.append(Hit(h.start, m.end(), text[h.start:m.end()], tg, DISTRIBUTIVE_LIST, "name"))
    return True


@place_rule(PLACE_DEPARTMENT)
def place_department(p: NamePatterns, scan: Scan, i: int, h: Hit) -> bool:
    """`<place><department>`: 上海市发展改革委, 苏州市吴江区人民政府 (and the places listed before it share it)."""
    text = scan.text
    m = p.dept_re.match(text, h.end)
    if not m:
        return False
    place = h.targets[0]
    scan.hits.append(Hit(h.start, m.end(), text[h.start:m.end()], [p.local_agency(place, m.group(0))],
                         PLACE_DEPARTMENT, "name", place=place))
    shared_department(p, scan, i, m.group(0))
    return True


def shared_department(p: NamePatterns, scan: Scan, i: int, dept: str) -> None:
    """`上海市、浙江省科技部门`: places listed before a department share it."""
    text, place_hits = scan.text, scan.place_hits
    cur = place_hits[i]
    while i > 0:
        prev = place_hits[i - 1]
        gap = text[prev.end:cur.start]
        if gap not in ("、", "和", "及", "与") or prev.collective:
            break
        pt = prev.targets[0]
        scan.hits.append(Hit(prev.start, prev.end, prev.text, [p.local_agency(pt, dept)],
                             SHARED_DEPARTMENT, "name", place=pt))
        cur, i = prev, i - 1


@place_rule(PARTY_COMMITTEE)
def party_committee(p: NamePatterns, scan: Scan, i: int, h: Hit) -> bool:
    """`江苏省委` / `上海市委`: the province's or city's Party committee."""
    m = p.party_re.match(scan.text, h.end)
    place = h.targets[0]
    if not m or place.type not in ("Province", "City"):
        return False
    name = p.party_name.format(place=place.name)
    scan.hits.append(Hit(h.start, m.end(), scan.text[h.start:m.end()], [Target("Agency", name)],
                         PARTY_COMMITTEE, "name"))
    return True


@place_rule(CUSTOMS_SUFFIX)
def customs_suffix(p: NamePatterns, scan: Scan, i: int, h: Hit) -> bool:
    """`<place>海关` / `<place>机场海关`: a customs office under 海关总署 unless the gazetteer knows it."""
    m = p.customs_re.match(scan.text, h.end)
    if not m:
        return False
    name = scan.text[h.start:m.end()]
    known = p.gaz.get(name, "Customs")
    tg = target_of(known) if known else Target("Customs", name, "", {}, "海关总署", "SUBORDINATE_TO")
    scan.hits.append(Hit(h.start, m.end(), name, [tg], CUSTOMS_SUFFIX, "name"))
    return True


@place_rule(ZONE_SUFFIX)
def zone_suffix(p: NamePatterns, scan: Scan, i: int, h: Hit) -> bool:
    """`<place>高新区` / `…经济技术开发区` / `…综合保税区` / `…都市圈`: a zone in the place's province."""
    m = p.zone_re.match(scan.text, h.end)
    if m and not p.generic_re.match(m.group(0)):
        name = scan.text[h.start:m.end()]
        known = p.gaz.get(name)
        tg = target_of(known) if known else Target("Zone", name, "", {}, p.prov_name(h.targets[0]), "LOCATED_IN")
        scan.hits.append(Hit(h.start, m.end(), name, [tg], ZONE_SUFFIX, "name"))
        return True
    return False


# ------------------------------------------------------------------ ports, bracketed names, branches
def ports(p: NamePatterns, scan: Scan) -> None:
    """A chain of places (宁波舟山, 苏州（太仓）) directly followed by 港 names a port."""
    text = scan.text
    ph = [h for h in scan.place_hits if not h.collective]
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
        if p.port_re.match(text, end):
            name = text[ph[i].start:end + 1]
            known = p.gaz.get(name)
            if known is None or known.type not in PLACE_TYPES:  # 连云港 is a city
                tg = target_of(known) if known else Target("Zone", name, "", {},
                                                            p.prov_name(ph[i].targets[0]), "LOCATED_IN")
                scan.hits.append(Hit(ph[i].start, end + 1, name, [tg], PORT_SUFFIX, "name"))
        i = j + 1


def _bracket_targets(p: NamePatterns, head: str, places: list[str], rest: str, typ: str) -> list[Target]:
    """One target per bracketed place: `<head>（<place>）<rest>`, a zone LOCATED_IN the place's province."""
    tg: list[Target] = []
    for pl in places:
        sf = p.gaz.lookup(pl)
        prov = None
        if sf:
            e0 = sf.entries[0]
            prov = e0.name if e0.type == "Province" else p.province_of(e0)
        name = f"{head}（{pl}）{rest}".replace(" ", "")
        tg.append(Target(typ, name, "", {}, prov, "LOCATED_IN" if prov and typ == "Zone" else None))
    return tg


def bracketed_place_names(p: NamePatterns, scan: Scan) -> None:
    """Names with places in brackets: 中国（浦东、杭州等）知识产权保护中心 → one body per place."""
    text = scan.text
    for m in p.bracket_re.finditer(text):
        full = text[m.start():m.end()].replace(" ", "")
        if p.gaz.get(full, "FTZ"):
            continue  # 中国（上海）自贸试验区 is the FTZ itself
        names = [x for x in m.group("places").split("、") if x]
        typ = "Organization" if m.group("suf") == "中心" else "Zone"
        head = text[m.start():m.start("places") - 1]
        tg = _bracket_targets(p, head, names, m.group("body") + m.group("suf"), typ)
        scan.hits.append(Hit(m.start(), m.end(), m.group(0), tg, BRACKETED_PLACE_NAME, "name"))


def place_list_zones(p: NamePatterns, scan: Scan) -> None:
    """A list of places before a zone kind: 太仓、芜湖、嘉兴等中德中小企业合作区 → one zone per place."""
    text = scan.text
    for sm in p.zone_suf_re.finditer(text):
        if "、" not in text[max(0, sm.start() - 20):sm.start()]:
            continue
        lo = max(0, sm.start() - 80)
        m = p.place_list_zone_re.search(text, lo, sm.start())
        if m is None:
            continue
        places = m.group("places").split("、")
        first = places[0]
        # the first item may carry words before the place (加快上海): keep its known tail
        for k in range(len(first) - 1):
            if p.gaz.lookup(first[k:]):
                places[0] = first[k:]
                break
        if not all(p.gaz.lookup(x) for x in places):
            continue
        rest = m.group("body") + sm.group(0)
        if m.group("head"):
            head = m.group("head")
        else:
            tpl = p.zone_templates.get(rest)
            if tpl is None:
                continue
            head = tpl
        start = m.start("places") + (len(first) - len(places[0]))
        scan.hits.append(Hit(start, sm.end(), text[start:sm.end()],
                             _bracket_targets(p, head, places, rest, "Zone"), PLACE_LIST_ZONE, "name"))


def branches(p: NamePatterns, scan: Scan) -> None:
    """Branches right after a national body: 国家药品监督管理局药品审评检查长三角分中心、医疗器械…分中心."""
    # later list items inherit the parent
    text = scan.text
    agencies = {h.end: h for h in scan.hits if h.rule == GAZETTEER and h.targets and
                h.targets[0].type in ("Agency", "Customs")}
    for end, h in agencies.items():
        m = p.branch_re.match(text, end)
        if not m:
            continue
        parent = h.targets[0].name
        pos, first = end, True
        while m:
            tg = [Target("Agency", parent + m.group(0), "", {}, parent, "SUBORDINATE_TO")]
            if first:
                tg.append(h.targets[0])  # the parent body is named too
            start = h.start if first else pos
            scan.hits.append(Hit(start, m.end(), text[start:m.end()], tg, BRANCH_OF, "name"))
            first = False
            if not text.startswith("、", m.end()):
                break
            pos = m.end() + 1
            m = p.branch_re.match(text, pos)


# ------------------------------------------------------------------ a city's or province's own agencies
def local_agencies(p: NamePatterns, scan: Scan) -> None:
    """`市发展改革委` / `省政府`: an agency of the city or province just named, else of the document's own."""
    text = scan.text
    for m in p.local_re.finditer(text):
        s = m.start()
        if s > 0 and text[s - 1] not in p.local_prev_ok and text[s - 1] not in "\n \t":
            continue
        d = p.dept_re.match(text, m.end())
        if not d:
            continue
        owner = _local_owner(s, m.group(1), scan.place_hits, scan.doc_place)
        if owner is None:
            continue
        scan.hits.append(Hit(s, d.end(), text[s:d.end()], [p.local_agency(owner, d.group(0))], LOCAL_AGENCY,
                             "name", place=owner))


def _local_owner(pos: int, level: str, place_hits: list[Hit], doc_place: Target | None) -> Target | None:
    """The place a `市…`/`省…` agency at `pos` belongs to: the province or city named just before in
    the same phrase, else the document's own."""
    for h in reversed(place_hits):
        if h.end <= pos:
            if pos - h.end <= 6 and not h.collective:
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


# ------------------------------------------------------------------ on the settled hits
def requalify_chain(p: NamePatterns, scan: Scan) -> None:
    """`上海市政府副秘书长、发展改革委主任`: a ministry's short form after a local post is that place's department."""
    text = scan.text
    last_place: Target | None = None
    last_end = -10
    for h in scan.hits:
        if h.rule in (PLACE_DEPARTMENT, LOCAL_AGENCY) and h.place is not None:
            last_place, last_end = h.place, h.end
            continue
        if h.rule != GAZETTEER or h.kind != "name" or last_place is None:
            continue
        t = h.targets[0]
        if t.type != "Agency" or h.text == t.name or h.text.startswith(("国家", "国务院", "中国")):
            continue
        gap = text[last_end:h.start]
        if 0 < len(gap) <= 12 and gap.endswith("、") and not re.search(r"[，。；：]", gap):
            h.targets = [p.local_agency(last_place, h.text)]
            h.rule = CHAIN_LOCAL_AGENCY
