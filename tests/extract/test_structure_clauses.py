"""Clauses, headings and turns found in the real seeds and corpus documents."""
from __future__ import annotations

import re
from pathlib import Path


from extract.loader import load_document, normalise_text
from extract.numerals import to_int
from extract.structure import parse_structure

ROOT = Path(__file__).resolve().parents[2]
SEED = {p.name[:3]: p for p in (ROOT / "seeds").glob("*.txt")}
CORPUS = {p.name[:2]: p for p in (ROOT / "corpus").glob("0*.txt")}


def _clauses(doc):
    return doc.clauses()


def test_seed_002_has_22_articles_split_from_run_on_lines():
    doc = load_document(SEED["002"])
    clauses = _clauses(doc)
    assert [c.number for c in clauses] == list(range(1, 23))
    assert [c.marker for c in clauses[:2]] == ["一、", "二、"] and clauses[21].marker == "二十二、"
    titles = {c.number: c.title for c in clauses}
    assert titles[1] == "推进重大改革系统集成和改革试点经验共享共用"
    assert titles[2] == "赋予示范区执委会相关管理权限"
    assert titles[3] == "加大财政支持力度"
    assert titles[22] == "加强组织保障"
    for c in clauses:
        body = doc.block_text(c)
        assert re.search(r"\(责任单位:[^()]+\)$", body), body[-40:]
        assert c.section is None and c.kind == "clause" and c.level == 3
    # the articles follow each other; the closing sentence belongs to no article
    for a, b in zip(clauses, clauses[1:]):
        assert doc.text[a.end:b.start].strip() == ""
    assert "本政策措施自2020年7月1日起施行" not in doc.block_text(clauses[-1])
    assert doc.block_at(doc.text.index("本政策措施自")) is None


def test_a_number_inside_running_text_does_not_split_an_article():
    text = load_document(SEED["002"]).text
    anchor = "率先突破、系统集成。"      # inside article 1
    spoiled = text.replace(anchor, anchor + "二、三产业协同发展。三、四线城市同步推进。", 1)
    doc = normalise_text(spoiled, "spoiled")
    assert [c.number for c in _clauses(doc)] == list(range(1, 23))
    assert "二、三产业协同发展" in doc.block_text(_clauses(doc)[0])


def test_seed_004_sections_of_the_plan_are_clauses():
    doc = load_document(SEED["004"])
    got = [(c.section, c.number) for c in _clauses(doc)]
    assert got == [(5, 1), (5, 2), (5, 3), (5, 4), (6, 1), (6, 2), (6, 3), (7, 1), (7, 2), (7, 3), (7, 4),
                   (8, 1), (8, 2), (8, 3), (9, 1), (9, 2), (9, 3)]
    by_key = {(c.section, c.number): c for c in _clauses(doc)}
    assert by_key[(5, 2)].title == "共同打造数字长三角" and by_key[(5, 2)].marker == "第二节"
    assert by_key[(9, 3)].title == "完善多层次多领域合作机制"
    # the page starts inside 第五章 第一节 (上接 6 版): an inferred clause, no printed marker
    first = by_key[(5, 1)]
    assert first.marker == "" and doc.block_text(first).startswith("协同推进港口航道建设。")
    chapters = [(b.number, b.title) for b in doc.blocks if b.kind == "heading"]
    assert chapters == [(6, "强化生态环境共保联治"), (7, "加快公共服务便利共享"), (8, "推进更高水平协同开放"),
                        (9, "创新一体化发展体制机制"), (10, "高水平建设长三角生态绿色一体化发展示范区")]
    for c in _clauses(doc)[4:]:
        assert doc.blocks[c.parent].marker == f"第{'六七八九'[c.section - 6]}章"


def test_seed_003_ten_functions():
    doc = load_document(SEED["003"])
    clauses = _clauses(doc)
    assert [c.number for c in clauses] == list(range(1, 11))
    assert [c.marker for c in clauses] == [f"{n}是" for n in "一二三四五六七八九十"]
    assert clauses[0].title == "贸易便利化服务功能"
    assert clauses[9].title == "自贸试验区建设智力支持服务功能"
    for c in clauses:
        assert "\n" not in doc.block_text(c)


def test_seed_001_turns_with_speakers():
    doc = load_document(SEED["001"])
    turns = doc.turns()
    speakers = [t.speaker for t in turns]
    assert speakers[:3] == ["人民日报", "华源", "中央广播电视总台(央视)"]
    assert {"叶建", "张忠伟", "凌鸣", "陈建忠", "毛鹏岳", "张少华"} <= set(speakers)
    assert "来源" not in speakers
    questions = [t.speaker for t in turns if t.level == 1]
    assert questions == ["人民日报", "中央广播电视总台(央视)", "解放日报", "天目新闻", "光明日报", "上海市证券报"]
    assert doc.block_text(turns[0]).startswith("人民日报:2020年两省一市政府出台")
    assert "来源" not in doc.block_text(turns[-1])
    answer = turns[1]
    offset = doc.text.index("我们将这些条文分解为45项具体任务")
    assert doc.block_at(offset) is answer
    # 一是…四是 inside 华源's answer are clauses inside the turn
    inner = [c for c in _clauses(doc) if c.parent is not None and doc.blocks[c.parent] is answer]
    assert [c.number for c in inner] == [1, 2, 3, 4]
    assert {c.section for c in inner} == {answer.number} == {2}   # numbering restarts in each answer
    assert inner[0].title == "更加注重先行先试"


def test_corpus_01_has_53_measures_under_five_parts():
    doc = load_document(CORPUS["01"])
    clauses = _clauses(doc)
    assert [c.number for c in clauses] == list(range(1, 54))
    assert all(c.marker.startswith("（") and c.section is None for c in clauses)
    parts = [b for b in doc.blocks if b.kind == "heading"]
    assert [(p.number, p.title) for p in parts][-1] == (5, "切实做好组织实施")
    assert {doc.blocks[c.parent].number for c in clauses} == {1, 2, 3, 4}


def test_corpus_02_numbering_runs_on_across_tasks():
    doc = load_document(CORPUS["02"])
    clauses = _clauses(doc)
    assert [c.number for c in clauses] == list(range(1, 22))
    assert clauses[0].title == "拓展两个市场"
    # the four principles under 二、基本原则 carry no measure: headings
    principles = [b for b in doc.blocks if b.kind == "heading" and b.title.startswith("坚持")]
    assert len(principles) == 4


def test_corpus_03_run_in_headings():
    doc = load_document(CORPUS["03"])
    clauses = _clauses(doc)
    assert [c.number for c in clauses] == list(range(1, 21))
    assert clauses[0].title == "优化再造投资项目前期审批流程"
    heads = [b for b in doc.blocks if b.kind == "heading"]
    assert heads[0].title == "持续提升投资建设便利度"
    assert doc.block_text(clauses[-1]).endswith("（各地区、各部门负责）")


def test_corpus_04_numbering_restarts_in_each_task():
    raw = CORPUS["04"].read_text(encoding="utf-8")
    doc = load_document(CORPUS["04"])
    clauses = _clauses(doc)
    # every 具体措施 item: a full-width-numbered item right after a note, a colon or a full stop
    assert len(clauses) == len(re.findall(r"[）：。]\d{1,2}．", raw))
    sections = sorted({c.section for c in clauses})
    assert sections == list(range(1, 16))
    for s in sections:
        numbers = [c.number for c in clauses if c.section == s]
        assert numbers == list(range(1, len(numbers) + 1))
        assert all(doc.blocks[c.parent].number == s for c in clauses if c.section == s)


def test_corpus_05_and_06():
    assert [c.number for c in _clauses(load_document(CORPUS["05"]))] == list(range(1, 18))
    doc = load_document(CORPUS["06"])
    rows = _clauses(doc)
    # the list's number column; the source left out items 15–20 (本文有删减)
    assert [c.number for c in rows] == list(range(1, 15)) + [21, 22, 23]
    assert rows[0].title == "知识产权民事、刑事、行政案件“三合一”审判"
    assert rows[-1].title == "以地方立法形式建立推动改革创新的决策容错机制"


def test_numerals():
    assert [to_int(s) for s in ["二十二", "五十三", "十", "十一", "一百零五", "12", "⑤", "⑳"]] == \
        [22, 53, 10, 11, 105, 12, 5, 20]
    assert to_int("abc") is None and to_int("") is None


def test_all_marker_kinds():
    text = ("第一章 总则\n第一节 目标\n一、总体要求\n（一）基本原则\n1．坚持创新。\n（1）加强研究。\n①开展试点。\n"
            "②推广经验。\n（2）加强合作。\n2．坚持协调。\n（二）发展目标\n二、主要任务\n第二节 保障")
    blocks = [b for b in parse_structure(text) if b.kind != "paragraph"]
    got = [(b.kind, b.level, b.number, b.marker) for b in blocks]
    assert got == [("heading", 1, 1, "第一章"), ("heading", 2, 1, "第一节"), ("heading", 3, 1, "一、"),
                   ("heading", 4, 1, "（一）"), ("heading", 5, 1, "1．"), ("heading", 6, 1, "（1）"),
                   ("clause", 7, 1, "①"), ("clause", 7, 2, "②"), ("heading", 6, 2, "（2）"),
                   ("heading", 5, 2, "2．"), ("heading", 4, 2, "（二）"), ("heading", 3, 2, "二、"),
                   ("heading", 2, 2, "第二节")]


def test_inline_enumeration_in_a_paragraph():
    doc = normalise_text("主要有三点：一是加强协同，形成合力；二是完善机制；三是强化保障。", "x")
    clauses = _clauses(doc)
    assert [(c.number, c.title) for c in clauses] == [(1, "加强协同，形成合力"), (2, "完善机制"), (3, "强化保障")]
    assert doc.block_text(clauses[0]) == "一是加强协同，形成合力；"


def test_lone_inline_number_is_not_a_list():
    doc = normalise_text("一、加强组织保障。各单位要落实：1.5万元以内的项目备案。2、3月份完成。\n二、强化督查。", "x")
    assert [(c.number, c.marker) for c in _clauses(doc)] == [(1, "一、"), (2, "二、")]


def test_regulation_articles_are_the_clauses():
    """第X条 is a regulation's unit: its （一）（二） items stay inside the article's text."""
    text = ("第一章 总则\n第一条 为了规范示范区管理，制定本办法。\n第二条 本办法适用于示范区。依照本办法第一条执行。\n"
            "第二章 职责\n第三条 执委会负责统筹：（一）编制规划；（二）审批项目。\n第四条 本办法自2021年1月1日起施行。")
    doc = normalise_text(text, "x")
    assert [(c.number, c.marker, c.title) for c in doc.clauses()] == [
        (1, "第一条", "为了规范示范区管理，制定本办法"), (2, "第二条", "本办法适用于示范区"),
        (3, "第三条", "执委会负责统筹"), (4, "第四条", "本办法自2021年1月1日起施行")]
    assert doc.block_text(doc.clauses()[2]).endswith("（二）审批项目。")
    assert doc.meta["kind"] == "policy" and doc.meta["effective_date"] == "2021-01-01"


def test_an_article_split_into_items_keeps_the_other_articles():
    text = load_document(SEED["002"]).text
    anchor = "四、加大金融创新力度。"
    spoiled = text.replace(anchor, anchor + "具体包括：（一）设立专项基金；（二）发行绿色债券。", 1)
    spoiled += "\n附件：工作清单\n1.制定工作方案。\n2.建立工作台账。\n3.开展评估。"
    doc = normalise_text(spoiled, "split")
    clauses = doc.clauses()
    top = [c.number for c in clauses if c.level == 3]
    assert top == [n for n in range(1, 23) if n != 4]
    article4 = next(b for b in doc.blocks if b.kind == "heading" and b.number == 4)
    inner = [c for c in clauses if c.parent is not None and doc.blocks[c.parent] is article4]
    assert [(c.number, c.title) for c in inner] == [(1, "设立专项基金"), (2, "发行绿色债券")]
