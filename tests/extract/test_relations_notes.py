"""Relations from responsibility notes and running text, on the real seeds and corpus documents."""
from __future__ import annotations

from graph.model import REL_TYPES
from tests.support.extracted import actors_of, clause, corpus, rels, seed


def test_first_batch_has_22_clauses_each_with_expanded_responsible_agencies():
    g = seed("002")
    clauses = [e for e in g.entities if e.type == "Clause"]
    assert [c.properties["number"] for c in clauses] == list(range(1, 23))
    two = actors_of(g, clause(g, 2).id)
    assert len(two) == 6 and set(two.values()) == {"RESPONSIBLE_FOR"}
    three = actors_of(g, clause(g, 3).id)
    assert set(three) == {"上海市财政部门", "江苏省财政部门", "浙江省财政部门",
                          "长三角生态绿色一体化发展示范区执行委员会"}
    assert set(actors_of(g, clause(g, 1).id)) == {"上海市", "江苏省", "浙江省"}  # 两省一市各相关部门、单位
    assert len(actors_of(g, clause(g, 4).id)) == 12                              # 3 × 4


def test_every_relation_has_a_type_a_rule_and_evidence_that_quotes_the_text():
    for g in (seed("000"), seed("002"), corpus("01")):
        for r in g.relations:
            assert r.type in REL_TYPES and r.rule
            if r.evidence is not None:
                assert g.text[r.evidence.start:r.evidence.end] == r.evidence.text


def test_scope_note_gives_applies_to_and_responsible_departments():
    g = corpus("01")  # （负责部门：…；适用范围：…自贸试验区）
    applies = rels(g, "APPLIES_TO")
    assert any(t == "中国（福建）自由贸易试验区" for _, t in applies)
    assert ("住房和城乡建设部", clause(g, 3).id) in rels(g, "RESPONSIBLE_FOR")


def test_lead_rule_stated_once_makes_the_first_listed_department_lead():
    g = corpus("02")  # （税务总局、财政部、海关总署负责，排在第一位的部门为牵头部门，下同）
    leads = rels(g, "LEADS")
    responsible = rels(g, "RESPONSIBLE_FOR")
    assert len(leads) >= 15
    first = next(c for c in g.entities if c.type == "Clause" and
                 actors_of(g, c.id).get("国家税务总局") == "LEADS")
    roles = actors_of(g, first.id)
    assert roles["财政部"] == "RESPONSIBLE_FOR" and roles["海关总署"] == "RESPONSIBLE_FOR"
    assert not leads & responsible


def test_lead_then_responsible_by_division_of_labour():
    g = corpus("03")  # （国家发展改革委牵头，国务院相关部门及各地区按职责分工负责）
    roles = actors_of(g, clause(g, 1).id)
    assert roles == {"国家发展和改革委员会": "LEADS"}
    many = [c for c in g.entities if c.type == "Clause" and
            list(actors_of(g, c.id).values()).count("RESPONSIBLE_FOR") >= 3]
    assert many


def test_one_role_per_actor_and_measure_the_strongest():
    for g in (corpus("02"), corpus("03"), corpus("04"), seed("002")):
        seen = {}
        for r in g.relations:
            if r.type in ("LEADS", "CO_LEADS", "RESPONSIBLE_FOR", "SUPPORTS"):
                key = (r.source, r.target)
                assert key not in seen, (g.doc_id, key, seen.get(key), r.type)
                seen[key] = r.type


def test_customs_task_is_led_by_shanghai_customs_in_news_and_transcript():
    for key in ("000", "001"):
        g = seed(key)
        tasks = [e for e in g.entities if e.type == "Task" and "跨境电商协同监管" in e.name]
        assert len(tasks) == 1, key
        roles = actors_of(g, tasks[0].id)
        assert roles.get("上海海关") == "LEADS", (key, roles)
        assert tasks[0].properties["areas"] and "海关贸易" in tasks[0].properties["areas"]


def test_four_ftzs_found_the_alliance():
    g = seed("003")
    members = {s for s, t in rels(g, "MEMBER_OF") if t == "长三角自由贸易试验区联盟"}
    assert members == {f"中国（{p}）自由贸易试验区" for p in ("上海", "江苏", "浙江", "安徽")}


def test_people_hold_posts_with_titles():
    g = seed("000")
    posts = {(name_t[0], name_t[1]) for name_t in rels(g, "HOLDS_POSITION")}
    assert ("叶建", "上海海关") in posts
    assert {("华源", "长三角生态绿色一体化发展示范区执行委员会"), ("华源", "上海市人民政府"),
            ("华源", "长三角生态绿色一体化发展示范区理事会")} <= posts
    titles = {r.properties.get("title") for r in g.relations if r.type == "HOLDS_POSITION"}
    assert {"副关长", "主任", "秘书长", "副秘书长"} <= titles


def test_hierarchy_from_gazetteer_and_stated_subordination():
    g = seed("000")  # 上海海关隶属浦东机场海关与南京海关隶属苏州海关
    sub = rels(g, "SUBORDINATE_TO")
    assert {("浦东机场海关", "上海海关"), ("苏州海关", "南京海关"), ("上海海关", "海关总署")} <= sub
    assert ("青浦区", "上海市") in rels(seed("002"), "LOCATED_IN")
    assert ("青浦区", "长三角生态绿色一体化发展示范区") in rels(seed("002"), "PART_OF")


def test_document_metadata_issuer_and_clauses():
    g = seed("002")
    assert g.document.properties["effective_date"] == "2020-07-01"
    assert g.document.properties["kind"] == "policy"
    assert ("上海市人民政府" in {t for _, t in rels(g, "ISSUED_BY")})
    assert len(rels(g, "HAS_CLAUSE")) == 22
    assert ("国务院", ) == tuple(t for _, t in rels(corpus("01"), "ISSUED_BY"))


def test_policy_areas_keep_their_matching_words():
    g = seed("002")
    c3, c10 = clause(g, 3), clause(g, 10)
    assert "财政" in c3.properties["areas"] and "财政:专项资金" in c3.properties["area_terms"]
    assert "教育" in c10.properties["areas"]
    for c in (c3, c10):
        for v in c.properties.values():
            assert isinstance(v, (str, int, float, bool)) or (
                isinstance(v, list) and all(isinstance(x, (str, int, float, bool)) for x in v))


def test_notes_attach_to_clauses_where_numbering_restarts_per_task():
    g = corpus("04")
    sub = [c for c in g.entities if c.type == "Clause" and c.properties.get("section") is not None]
    assert sub
    assert actors_of(g, clause(g, 1, 1).id).get("财政部") == "LEADS"


def test_second_batch_follows_first_batch_across_documents():
    from extract import extract_text
    from extract.follows import link_documents
    first = seed("002")
    # the title of the second batch as seed 000 cites it, as a document of its own
    second = extract_text("关于进一步支持长三角生态绿色一体化发展示范区高质量发展的若干政策措施\n"
                          "一、推动示范区基础设施REITs联动发展。（责任单位：两省一市发展改革部门）", "second_batch")
    assert second.document.properties["title"].startswith("关于进一步支持")
    assert link_documents([first, second]) == 1
    follows = [r for r in second.relations if r.type == "FOLLOWS"]
    assert [(r.source, r.target) for r in follows] == [(second.document.id, first.document.id)]
    assert link_documents([first, second]) == 0  # idempotent


def test_co_leads_and_support_from_a_joint_note():
    from extract import extract_text
    g = extract_text("关于推进长三角通关一体化的实施意见\n"
                     "一、建立三地海关跨境电商协同监管机制。（上海海关、南京海关共同牵头，杭州海关配合）\n"
                     "二、加强知识产权保护。（牵头单位：国家知识产权局，配合单位：海关总署）", "joint_note")
    one, two = clause(g, 1), clause(g, 2)
    assert actors_of(g, one.id) == {"上海海关": "CO_LEADS", "南京海关": "CO_LEADS", "杭州海关": "SUPPORTS"}
    assert actors_of(g, two.id) == {"国家知识产权局": "LEADS", "海关总署": "SUPPORTS"}
