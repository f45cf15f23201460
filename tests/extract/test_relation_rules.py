"""Relation rule families (extract.relations `RELATION_RULES`), each run alone on phrases of seeds/ and
corpus/, table-driven: text → (type, source, target, rule) of the relations the family makes."""
from __future__ import annotations

import pytest

from extract import extract_text
from extract.loader import normalise_text
from extract.pipeline import DocState, load_nlp
from extract.relation_rules import (CO_OCCURRENCE, FOUNDING_MEMBERS, GAZETTEER_PARENT, GAZETTEER_PARTS, IN_ZONE,
                                    ISSUER, JURISDICTION_PARENT, STATED_SUBORDINATION, TITLE_CHAIN, ZONE_PROVINCE)
from extract.relations import RELATION_RULES, STRUCTURE
from extract.role_rules import (COORDINATION_PARTNER, LEAD_IN_TEXT, LEAD_JOINTLY, NOTE_LEAD_RULE, NOTE_SCOPE,
                                RESPONSIBILITY_NOTE, TABLE_COLUMN)
from tests.support.extracted import TRANSCRIPT

NLP = load_nlp()
FAMILIES = dict(RELATION_RULES)


def relations(text: str, family: str) -> set[tuple[str, str, str, str]]:
    """The relations family `family` makes when it runs alone (clauses and hits as the pipeline reads
    them): (type, source, target, rule), a clause as `clause:<number>`, the Document as `Document`."""
    nd = normalise_text(text, "relation_rules_test")
    doc = NLP.make_doc(nd.text)
    doc._.kg = DocState(text=nd.text, nd=nd)
    for name in ("kg_phrases", "kg_entities"):
        doc = NLP.get_pipe(name)(doc)
    st = doc._.kg
    g = NLP.get_pipe("kg_relations").rx.build(st.nd, st.hits, st.area_spans, st.jurisdiction, st.notes, st.tables,
                                              rules=[(family, FAMILIES[family])])
    ents = {e.id: e for e in g.entities}

    def ref(eid: str) -> str:
        if eid == g.document.id:
            return "Document"
        e = ents[eid]
        return "clause:" + eid.rsplit("#", 1)[1] if e.type == "Clause" else e.name

    return {(r.type, ref(r.source), ref(r.target), r.rule) for r in g.relations if r.rule != STRUCTURE}


POLICY = "国务院关于促进综合保税区高水平开放高质量发展的若干意见\n国发〔2019〕3号\n"
# corpus/06: the attached list, one table cell per line, with a 指导部门 column
TABLE = ("附件\n第二批支持创新相关改革举措推广清单\n序号\n改革举措\n主 要 内 容\n指导部门\n推广范围\n"
         "一、知识产权保护方面（共5项）\n1\n知识产权民事、刑事、行政案件“三合一”审判\n"
         "整合分散的审判资源，实行知识产权民事、刑事、行政案件审判“三合一”，提高审判效率，缩短审判周期。\n"
         "最高人民法院、最高人民检察院、国家知识产权局\n全国\n2\n省级行政区内专利等专业技术性较强的知识产权案件跨市（区）审理\n"
         "授权市级人民法院跨市（区）管辖省级范围内第一审知识产权民事和行政案件，实现裁判标准统一。\n"
         "最高人民法院、国家知识产权局\n全国\n")
CUSTOMS_LEAD = ("《若干政策措施》还指出，建立三地海关跨境电商协同监管机制。持续优化完善跨境电商出口转关模式。\n"
                "“下一步，上海海关作为牵头单位将在海关总署的指导下，进一步加强与南京海关、杭州海关的协调配合，"
                "以此次《若干政策措施》的实施为契机，持续优化跨境电商出口转关模式。”\n")
CUSTOMS_TASK = "建立三地海关跨境电商协同监管机制"
ZONE_TASKS = ("事实上，长三角示范区执委会已与上海环境能源交易所签订了碳普惠机制协同创新框架合作协议，提出四点合作内容："
              "一是支持探索开展碳普惠机制协同创新研究；二是支持开展碳普惠机制相关试点；三是鼓励开展示范区碳普惠系统平台研究；"
              "四是积极推动长三角碳普惠机制联建工作在示范区先行先试。")
DEMO_ZONE = "长三角生态绿色一体化发展示范区"

# (family, text, expected relations)
CASES = [
    ("responsibility_notes", "（三十五）将台湾地区生产且经平潭口岸进口的第一类医疗器械的备案管理权限下放至福建省药品监督管理部门。"
     "（负责部门：药监局，适用范围：福建自贸试验区）",
     {("RESPONSIBLE_FOR", "国家药品监督管理局", "clause:35", RESPONSIBILITY_NOTE),
      ("APPLIES_TO", "clause:35", "中国（福建）自由贸易试验区", NOTE_SCOPE)}),
    ("responsibility_notes", "1.拓展两个市场。综合保税区内企业可以选择适用一般纳税人资格。"
     "（税务总局、财政部、海关总署负责，排在第一位的部门为牵头部门，下同）\n"
     "2.提前适用政策。对具备条件的综合保税区，可以提前适用相关政策。（海关总署、财政部、税务总局负责）\n",
     {("LEADS", "国家税务总局", "clause:1", NOTE_LEAD_RULE), ("RESPONSIBLE_FOR", "财政部", "clause:1", RESPONSIBILITY_NOTE),
      ("RESPONSIBLE_FOR", "海关总署", "clause:1", RESPONSIBILITY_NOTE), ("LEADS", "海关总署", "clause:2", NOTE_LEAD_RULE),
      ("RESPONSIBLE_FOR", "财政部", "clause:2", RESPONSIBILITY_NOTE),
      ("RESPONSIBLE_FOR", "国家税务总局", "clause:2", RESPONSIBILITY_NOTE)}),
    ("table_columns", TABLE,
     {("RESPONSIBLE_FOR", a, f"clause:{n}", TABLE_COLUMN) for n, a in
      [(1, "最高人民法院"), (1, "最高人民检察院"), (1, "国家知识产权局"), (2, "最高人民法院"), (2, "国家知识产权局")]}),
    ("running_duties", POLICY + "海关总署要继续做好牵头工作，进一步优化区域布局。要加大统筹协调力度，"
     "会同有关部门建立完善促进综合保税区发展的部门协调机制。",
     {("RESPONSIBLE_FOR", "海关总署", "做好牵头工作", "running-duty"),
      ("LEADS", "海关总署", "建立完善促进综合保税区发展的部门协调机制", "running-duty")}),
    ("lead_as_task", "根据《若干政策措施》,上海海关作为建立三地海关跨境电商协同监管机制的牵头单位,将如何进一步推动跨境电商出口转关业务发展?",
     {("LEADS", "上海海关", CUSTOMS_TASK, LEAD_IN_TEXT)}),
    ("lead_built", TRANSCRIPT, {("LEADS", "上海海关", "建立长三角区域内直属海关一体协同工作机制", LEAD_IN_TEXT)}),
    ("lead_jointly", POLICY + "海关总署要继续做好牵头工作，进一步优化区域布局。要加大统筹协调力度，"
     "会同有关部门建立完善促进综合保税区发展的部门协调机制。",
     {("LEADS", "海关总署", "建立完善促进综合保税区发展的部门协调机制", LEAD_JOINTLY)}),
    ("lead_bare", CUSTOMS_LEAD,
     {("LEADS", "上海海关", CUSTOMS_TASK, LEAD_IN_TEXT), ("SUPPORTS", "南京海关", CUSTOMS_TASK, COORDINATION_PARTNER),
      ("SUPPORTS", "杭州海关", CUSTOMS_TASK, COORDINATION_PARTNER)}),
    ("parents", "上海市人民政府关于本市加快推进临港地区开发建设的若干意见\n"
     "市、区两级政府进一步向临港地区简政放权，市政府下放给浦东新区的行政审批事项，全部下放给临港地区管理。",
     {("LOCATED_IN", "浦东新区", "上海市", GAZETTEER_PARENT)}),
    ("parents", "这时候需要更好地将上海自贸试验区的金融优势与浙江自贸试验区的产业特色衔接起来。",
     {("LOCATED_IN", "中国（上海）自由贸易试验区", "上海市", ZONE_PROVINCE),
      ("LOCATED_IN", "中国（浙江）自由贸易试验区", "浙江省", ZONE_PROVINCE)}),
    ("parents", "9月15日，由沪苏浙两省一市联合印发的《关于进一步支持长三角生态绿色一体化发展示范区高质量发展的若干政策措施》"
     "正式对外发布。比如，为支持企业创新，两区一县已发放长三角科技创新券3820万元并实现通用通兑。",
     {("PART_OF", c, DEMO_ZONE, GAZETTEER_PARTS) for c in ("青浦区", "吴江区", "嘉善县")}
     | {("LOCATED_IN", "青浦区", "上海市", GAZETTEER_PARENT)}),
    # seeds/000 has 苏州海关, whose parent the gazetteer already gives; 无锡海关 it does not know
    ("stated_subordination", "建立了上海海关隶属浦东机场海关与南京海关隶属无锡海关之间的跨境电商出口转关协作机制。",
     {("SUBORDINATE_TO", "浦东机场海关", "上海海关", STATED_SUBORDINATION),
      ("SUBORDINATE_TO", "无锡海关", "南京海关", STATED_SUBORDINATION)}),
    ("jurisdiction_parent", "中共广州市委 广州市人民政府关于推进民主法治建设的实施意见\n"
     "3.完善重大决策机制。充分听取人大、政协、各民主党派的意见和建议。（牵头单位：市委办公厅，配合单位：市委政研室）",
     {("LOCATED_IN", "中共广州市委办公厅", "广州市", JURISDICTION_PARENT),
      ("LOCATED_IN", "中共广州市委政策研究室", "广州市", JURISDICTION_PARENT)}),
    ("founding_members", "5月10日，长三角自由贸易试验区联盟成立。联盟由中国（上海）自由贸易试验区、中国（浙江）自由贸易试验区、"
     "中国（江苏）自由贸易试验区和中国（安徽）自由贸易试验区联合发起设立。",
     {("MEMBER_OF", f"中国（{p}）自由贸易试验区", "长三角自由贸易试验区联盟", FOUNDING_MEMBERS)
      for p in ("上海", "浙江", "江苏", "安徽")}),
    ("title_chain", "长三角示范区理事会秘书长、执委会主任、上海市政府副秘书长、发展改革委主任华源介绍，第一批支持政策已经基本落地。",
     {("HOLDS_POSITION", "华源", o, TITLE_CHAIN) for o in
      (DEMO_ZONE + "理事会", DEMO_ZONE + "执行委员会", "上海市人民政府", "上海市发展和改革委员会")}),
    ("in_zone", ZONE_TASKS, {("APPLIES_TO", "clause:4", DEMO_ZONE, IN_ZONE)}),
    ("issuers", POLICY + "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：\n综合保税区是开放型经济的重要平台。",
     {("ISSUED_BY", "Document", "国务院", ISSUER)}),
    ("co_occurrence", ZONE_TASKS,
     {("MENTIONS", "Document", n, CO_OCCURRENCE) for n in
      ("上海市", "上海环境能源交易所", DEMO_ZONE, DEMO_ZONE + "执行委员会")}
     | {("MENTIONS", "clause:3", DEMO_ZONE, CO_OCCURRENCE), ("MENTIONS", "clause:4", DEMO_ZONE, CO_OCCURRENCE)}),
]


@pytest.mark.parametrize("family, text, expected", CASES, ids=[c[0] for c in CASES])
def test_relation_rule_family(family, text, expected):
    assert relations(text, family) == expected


def test_every_registered_family_has_a_case():
    assert set(FAMILIES) == {c[0] for c in CASES}


def test_rule_families_are_registered_in_order():
    assert [n for n, _ in RELATION_RULES] == [
        "responsibility_notes", "table_columns", "running_duties", "lead_as_task", "lead_built", "lead_jointly",
        "lead_bare", "parents", "stated_subordination", "jurisdiction_parent", "founding_members", "title_chain",
        "in_zone", "issuers", "co_occurrence"]


def test_the_order_is_precedence():
    """All families together: the running-text duty, first in order, states the lead that `lead_jointly`
    would have stated too; a relation already stated is kept."""
    g = extract_text(POLICY + "海关总署要继续做好牵头工作，进一步优化区域布局。要加大统筹协调力度，"
                     "会同有关部门建立完善促进综合保税区发展的部门协调机制。", "relation_rules_order")
    names = {e.id: e.name for e in g.entities}
    leads = {(names[r.source], names[r.target], r.rule) for r in g.relations if r.type == "LEADS"}
    assert leads == {("海关总署", "建立完善促进综合保税区发展的部门协调机制", "running-duty")}
