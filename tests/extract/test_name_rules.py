"""Name rule families (extract.recognise `NAME_RULES` / `SETTLED_RULES`, extract.name_rules `PLACE_RULES`),
table-driven on phrases of seeds/ and corpus/: text → the settled hits of the family's rule id."""
from __future__ import annotations

import pytest

from extract.gazetteer import load_gazetteer
from extract.hits import target_of
from extract.loader import normalise_text
from extract.name_rules import (BRACKETED_PLACE_NAME, BRANCH_OF, CHAIN_LOCAL_AGENCY, COLLECTIVE_TERM, CUSTOMS_SUFFIX,
                                DISTRIBUTIVE_LIST, GAZETTEER, LOCAL_AGENCY, PARTY_COMMITTEE, PLACE_DEPARTMENT,
                                PLACE_LIST_ZONE, PLACE_RULES, PORT_SUFFIX, PROVINCE_ABBREVIATION, SHARED_DEPARTMENT,
                                ZONE_SUFFIX)
from extract.org_rules import NAME_SUFFIX
from extract.person_rules import FIRST_PERSON, NAME_HONORIFIC, SPEAKER_TURN, TITLE_NAME
from extract.pipeline import load_nlp
from extract.recognise import NAME_RULES, SETTLED_RULES, load_recogniser
from tests.support.extracted import TRANSCRIPT

NLP = load_nlp()
SHANGHAI = target_of(load_gazetteer().get("上海市"))


def found(text: str, rule: str, doc_place=None) -> list[tuple[str, list[str]]]:
    """(written, canonical names) of the settled hits of rule id `rule`, in text order."""
    nd = normalise_text(text, "name_rules_test")
    doc = NLP.make_doc(nd.text)
    NLP.get_pipe("kg_phrases")(doc)
    speakers = [(b.start, b.end, b.speaker, b.level) for b in nd.turns() if b.speaker]
    hits = load_recogniser().find(nd.text, doc._.kg.gaz_spans, doc_place, speakers)
    return [(h.text, [t.name for t in h.targets]) for h in hits if h.rule == rule]


# (family, text, doc place, rule id, expected hits)
CASES = [
    ("gazetteer", "国务院关于支持自由贸易试验区深化改革创新若干措施的通知", None, GAZETTEER, [("国务院", ["国务院"])]),
    ("gazetteer", "由沪苏浙两省一市联合印发的《若干政策措施》", None, COLLECTIVE_TERM,
     [("沪苏浙两省一市", ["上海市", "江苏省", "浙江省"])]),
    ("province_abbreviations", "对自贸试验区内的港澳台资建筑业企业，不再执行《外商投资建筑业企业管理规定》", None,
     PROVINCE_ABBREVIATION, [("港澳", ["香港特别行政区", "澳门特别行政区"])]),
    # a generic unit blocks the ministry inside it (国务院); a feature name the city inside it (杭州湾)
    ("generic_units", "（国家发展改革委牵头，国务院相关部门及各地区按职责分工负责）", None, GAZETTEER,
     [("国家发展改革委", ["国家发展和改革委员会"])]),
    ("generic_units", "围绕提升国际竞争力，加强沪浙杭州湾港口分工合作", None, GAZETTEER, []),   # not 杭州
    ("place_names", "浦东新区政府继续支持临港地区开发建设和产业发展", None, PLACE_DEPARTMENT,
     [("浦东新区政府", ["上海市浦东新区人民政府"])]),
    (DISTRIBUTIVE_LIST, "两省一市人民银行、银保监、证监、地方金融监管部门", None, DISTRIBUTIVE_LIST,
     [("两省一市人民银行、银保监、证监、地方金融监管部门",
       [f"{p}{d}" for d in ("人民银行", "银保监部门", "证监部门", "地方金融监管部门")
        for p in ("上海市", "江苏省", "浙江省")])]),
    (PLACE_DEPARTMENT, "支持江苏省产业技术研究院与苏州市吴江区人民政府及苏州大学联合创办有机光电技术研究所", None,
     PLACE_DEPARTMENT, [("吴江区人民政府", ["苏州市吴江区人民政府"])]),
    (PLACE_DEPARTMENT, "我们和上海、浙江科技部门一样,对此项工作一直都是全力支持的。", None, SHARED_DEPARTMENT,
     [("上海", ["上海市科技部门"])]),
    (PARTY_COMMITTEE, "根据《中共广州市委、广州市人民政府关于全面推进新型城市化发展的决定》", None, PARTY_COMMITTEE,
     [("广州市委", ["中国共产党广州市委员会"])]),
    # seeds/000 has 苏州海关, which the gazetteer knows; 无锡海关 it does not
    (CUSTOMS_SUFFIX, "建立了上海海关隶属浦东机场海关与南京海关隶属无锡海关之间的跨境电商出口转关协作机制", None,
     CUSTOMS_SUFFIX, [("无锡海关", ["无锡海关"])]),
    # seeds/001 has 汾湖高新区 (汾湖 is no place of the gazetteer)
    (ZONE_SUFFIX, "近三年吴江高新区累计获得省重大科技成果转化项目8个", None, ZONE_SUFFIX,
     [("吴江高新区", ["吴江高新区"])]),
    ("ports", "深化沪苏长江口港航合作，苏州（太仓）港建设上海港远洋集装箱运输的喂给港", None, PORT_SUFFIX,
     [("苏州（太仓）港", ["苏州（太仓）港"]), ("上海港", ["上海港"])]),
    ("bracketed_place_names", "深化中国（浦东、杭州、南京、合肥等）知识产权保护中心快速授权的协调联动机制", None,
     BRACKETED_PLACE_NAME, [("中国（浦东、杭州、南京、合肥等）知识产权保护中心",
                             [f"中国（{p}）知识产权保护中心" for p in ("浦东", "杭州", "南京", "合肥")])]),
    ("place_list_zones", "加快建设中韩（盐城）产业园及太仓、芜湖、嘉兴等中德中小企业合作区。", None, PLACE_LIST_ZONE,
     [("太仓、芜湖、嘉兴等中德中小企业合作区", [f"中德（{p}）中小企业合作区" for p in ("太仓", "芜湖", "嘉兴")])]),
    ("branches", "依托国家药品监督管理局药品审评检查长三角分中心、医疗器械技术审评检查长三角分中心，推进成果转化",
     None, BRANCH_OF,
     [("国家药品监督管理局药品审评检查长三角分中心", ["国家药品监督管理局药品审评检查长三角分中心", "国家药品监督管理局"]),
      ("医疗器械技术审评检查长三角分中心", ["国家药品监督管理局医疗器械技术审评检查长三角分中心"])]),
    ("organisations", "支持“海峡基金业综合服务平台”根据规定向中国证券投资基金业协会申请登记", None, NAME_SUFFIX,
     [("中国证券投资基金业协会", ["中国证券投资基金业协会"])]),
    ("organisations", "加快推进“环太湖科创圈、吴淞江科创带”", None, NAME_SUFFIX,
     [("环太湖科创圈", ["环太湖科创圈"]), ("吴淞江科创带", ["吴淞江科创带"])]),
    ("local_agencies", "市政府下放给浦东新区的行政审批事项", SHANGHAI, LOCAL_AGENCY, [("市政府", ["上海市人民政府"])]),
    ("local_agencies", "近年来,江苏省委、省政府加强与上海、浙江战略协同", None, LOCAL_AGENCY,
     [("省政府", ["江苏省人民政府"])]),
    ("local_agencies", "市政府下放给浦东新区的行政审批事项", None, LOCAL_AGENCY, []),   # whose 市? nobody's
    ("titled_people", "证券时报记者 张淑贤\n9月15日，由沪苏浙两省一市联合印发", None, TITLE_NAME,
     [("张淑贤", ["张淑贤"])]),
    ("honorific_people", "支持江苏省产业技术研究院与苏州大学李述汤院士团队联合创办有机光电技术研究所", None,
     NAME_HONORIFIC, [("李述汤", ["李述汤"])]),
    ("speaker_turns", TRANSCRIPT, None, SPEAKER_TURN, [("华源", ["华源"]), ("叶建", ["叶建"])]),
    ("requalify_chain", "长三角示范区理事会秘书长、执委会主任、上海市政府副秘书长、发展改革委主任华源介绍", None,
     CHAIN_LOCAL_AGENCY, [("发展改革委", ["上海市发展和改革委员会"])]),
    ("first_person", TRANSCRIPT, None, FIRST_PERSON, [("我关", ["上海海关"])]),
]


@pytest.mark.parametrize("family, text, place, rule, expected", CASES, ids=[c[0] for c in CASES])
def test_name_rule_family(family, text, place, rule, expected):
    assert found(text, rule, place) == expected


def test_every_registered_family_has_a_case():
    registered = {n for n, _ in NAME_RULES + SETTLED_RULES + PLACE_RULES}
    assert registered == {c[0] for c in CASES}


def test_rule_families_are_registered_in_order():
    assert [n for n, _ in NAME_RULES] == [
        "gazetteer", "province_abbreviations", "generic_units", "place_names", "ports", "bracketed_place_names",
        "place_list_zones", "branches", "organisations", "local_agencies", "titled_people", "honorific_people",
        "speaker_turns"]
    assert [n for n, _ in SETTLED_RULES] == ["requalify_chain", "first_person"]
    assert [n for n, _ in PLACE_RULES] == [DISTRIBUTIVE_LIST, PLACE_DEPARTMENT, PARTY_COMMITTEE, CUSTOMS_SUFFIX,
                                           ZONE_SUFFIX]


def test_a_collective_term_takes_no_other_place_rule():
    """`两省一市政府` is every member's government, never a `<place><department>` of the term."""
    text = "2020年7月，两省一市政府联合制定出台了第一批支持示范区高质量发展的政策措施"
    assert found(text, DISTRIBUTIVE_LIST) == [("两省一市政府", ["上海市人民政府", "江苏省人民政府", "浙江省人民政府"])]
    assert found(text, PLACE_DEPARTMENT) == []


def test_hit_fields_say_what_the_rule_read():
    nd_text = "长三角示范区理事会秘书长、执委会主任、上海市政府副秘书长、发展改革委主任华源介绍"
    doc = NLP.make_doc(nd_text)
    NLP.get_pipe("kg_phrases")(doc)
    hits = load_recogniser().find(nd_text, doc._.kg.gaz_spans, None, [])
    person = next(h for h in hits if h.rule == TITLE_NAME)
    assert (person.kind, person.title, nd_text[person.title_start:person.start]) == ("person", "主任", "主任")
    agency = next(h for h in hits if h.rule == PLACE_DEPARTMENT)
    assert (agency.kind, agency.place.name) == ("name", "上海市")
    places = [h for h in hits if h.kind == "place"]
    assert [h.text for h in places] == ["上海市"] and not places[0].collective
