"""The patterns and word lists of name recognition, compiled once from data/ (departments.jsonl,
organisations.jsonl, titles.jsonl and the gazetteer), and the place helpers the name rules share."""
from __future__ import annotations

import re

from extract.gazetteer import Entry, Gazetteer
from extract.hits import CJK, Target
from extract.lexicon import read_jsonl


class NamePatterns:
    """What the name rules (extract.name_rules, org_rules, person_rules) read; built once per gazetteer."""

    def __init__(self, gaz: Gazetteer) -> None:
        self.gaz = gaz
        self._agency_cache: dict[tuple[str, str, str], Target] = {}
        dep = gaz.departments
        stems = sorted(dep["stems"]["stems"], key=len, reverse=True)
        sufs = sorted(dep["suffixes"]["suffixes"], key=len, reverse=True)
        self.full_forms: dict[str, str] = dep["full_forms"]["map"]
        self.complete_endings = tuple(dep["complete_items"]["endings"])
        generic_words = sorted(dep["generic"]["words"], key=len, reverse=True)
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
        self.generic_re = re.compile("|".join(map(re.escape, generic_words)))
        self.feature_re = re.compile("|".join(map(re.escape, sorted(gaz.feature_names, key=len, reverse=True))))
        org = {r["kind"]: r for r in read_jsonl("organisations.jsonl")}
        zone_suf = "|".join(map(re.escape, org["bracket_zone_templates"]["suffixes"]))
        # names carrying a place in brackets: 中国（浦东、杭州等）知识产权保护中心, 中德（太仓）中小企业合作区
        self.bracket_re = re.compile(
            rf"中[国德韩意阿法英美日俄新以瑞奥]?（(?P<places>[{CJK}、]{{2,24}}?)等?）"
            rf"(?P<body>[{CJK}“”+\d ]{{0,16}})(?P<suf>{zone_suf})")
        # a list of places before a zone kind: 太仓、芜湖、嘉兴等中德中小企业合作区 / 上海、南京…跨境电子商务综合试验区
        self.zone_suf_re = re.compile(zone_suf)
        self.place_list_zone_re = re.compile(
            rf"(?P<places>[{CJK}]{{2,4}}?(?:、[{CJK}]{{2,4}}?)+)等?(?P<head>中[德韩意阿法英美日俄新以瑞奥])?"
            rf"(?P<body>[{CJK}]{{0,12}}?)$")
        self.zone_templates: dict[str, str] = org["bracket_zone_templates"]["templates"]
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
        title_alt = "|".join(map(re.escape, sorted(t["titles"]["titles"], key=len, reverse=True)))
        verbs = sorted(t["speech_verbs"]["verbs"], key=len, reverse=True)
        single = t["surnames"]["single"]
        double = "|".join(t["surnames"]["double"])
        self.surname_single = set(single)
        self.surname_double = tuple(t["surnames"]["double"])
        self.person_re = re.compile(
            rf"(?P<title>{title_alt})[ 　：:]{{0,2}}(?P<name>(?:{double}|[{single}])[{CJK}]{{1,2}}?)"
            rf"(?=(?:{'|'.join(map(re.escape, verbs))})|[，。、：:；;\s”\"」）)！？]|$)")
        hon = t["honorifics"]
        self.honorific_re = re.compile(
            rf"(?<=(?:{'|'.join(hon['orgs_before'])}))(?P<name>(?:{double}|[{single}])[{CJK}]{{1,2}}?)"
            rf"(?P<title>{'|'.join(hon['after'])})")

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

    def prov_name(self, t: Target) -> str | None:
        """The province a place target lies in (itself for a province)."""
        if t.type == "Province":
            return t.name
        e = self.gaz.place(t.name)
        return self.province_of(e) if e else None

    def province_of(self, e: Entry | None) -> str | None:
        seen = 0
        while e is not None and e.type != "Province" and seen < 4:
            e = self.gaz.place(e.parent) if e.parent else None
            seen += 1
        return e.name if e is not None else None
