"""Rule families of responsibility notes (extract.notes), table-driven: input → (actors, role) per segment."""
from __future__ import annotations

import pytest

from extract.notes import SEGMENT_RULES, load_note_reader

R = load_note_reader()


def read(note: str) -> list[tuple[str, str]]:
    n = R.read(note, 0, len(note))
    assert n is not None, note
    return [(note[s.start:s.end].strip(), s.role) for s in n.segments if s.role]


@pytest.mark.parametrize("note, expected", [
    ("牵头单位：市委办公厅，配合单位：市委政研室", [("市委办公厅", "LEADS"), ("市委政研室", "SUPPORTS")]),
    ("牵头单位：X；协同单位：Y", [("X", "LEADS"), ("Y", "SUPPORTS")]),          # an unlisted label
    ("牵头单位：经济技术开发区、九里亭街道，支撑单位：区规划资源局",
     [("经济技术开发区、九里亭街道", "LEADS"), ("区规划资源局", "SUPPORTS")]),
    ("牵头部门：区经委，配合部门：区规划资源局、各镇、园区",
     [("区经委", "LEADS"), ("区规划资源局、各镇、园区", "SUPPORTS")]),
    ("责任单位：区规划资源局、区交通委，各街镇",
     [("区规划资源局、区交通委", "RESPONSIBLE_FOR"), ("各街镇", "RESPONSIBLE_FOR")]),
    ("主办单位：区文旅局", [("区文旅局", "RESPONSIBLE_FOR")]),
    ("参与单位：区科委", [("区科委", "SUPPORTS")]),
    ("工作单位：区科委", [("区科委", "RESPONSIBLE_FOR")]),                     # unknown label: never a lead
    ("【牵头单位】区建设管理委", [("区建设管理委", "LEADS")]),
    ("市发展改革委牵头，市财政局配合", [("市发展改革委", "LEADS"), ("市财政局", "SUPPORTS")]),
    ("市发展改革委牵头负责", [("市发展改革委", "LEADS")]),
    ("X、Y按职责分工负责", [("X、Y", "RESPONSIBLE_FOR")]),
    ("区建设管理委会同区水务局负责", [("区建设管理委", "LEADS"), ("区水务局", "RESPONSIBLE_FOR")]),
    ("牵头单位:市发展改革委,配合单位:市财政局", [("市发展改革委", "LEADS"), ("市财政局", "SUPPORTS")]),
])
def test_note_segments_and_roles(note, expected):
    assert read(note) == expected


def test_rule_families_are_registered_in_order():
    assert [n for n, _ in SEGMENT_RULES] == ["prefix_label", "bracket_label", "suffix_verb"]


def test_a_stated_lead_rule_is_flagged():
    note = "税务总局、财政部负责，排在第一位的部门为牵头部门，下同"
    assert R.read(note, 0, len(note)).lead_rule


@pytest.mark.parametrize("text, n", [
    ("1.推进。（牵头单位：区经委，配合单位：区科委）\n2.完成。（责任单位：区水务局）", 2),
    ("（一）推进光伏。\n（责任单位：区发展改革委）", 1),           # a note on its own line
    ("推进建设。\n责任单位：区水务局、区建设管理委", 1),             # an unbracketed label line
    ("推进（2025年）建设。", 0),
])
def test_find_notes(text, n):
    assert len(R.find_notes(text)) == n


def test_bare_lists_closing_measures_are_notes():
    """`（区水务局、区建设管理委）` ending each measure, with no label: RESPONSIBLE_FOR; a bracket that
    names no body （中水） is no note, and one such list alone in a document is not the document's form."""
    from extract import extract_text
    text = ("上海市松江区人民政府关于印发《松江区节水行动方案》的通知\n沪松府发〔2025〕9号\n一、主要任务\n"
            "1.推进节水改造。开展公共建筑节水改造。（区水务局、区建设管理委）\n"
            "2.加强计量。完善用水计量设施。（区水务局）\n"
            "3.加强宣传。开展节水宣传周活动。（区委宣传部、区教育局，各街镇）\n"
            "4.推广再生水（中水）利用。建设再生水设施。\n")
    g = extract_text(text, "bare_lists")
    names = {e.id: e.name for e in g.entities}
    got = {(r.type, names[r.source], r.target.rsplit("#", 1)[1]) for r in g.relations
           if r.type in ("LEADS", "RESPONSIBLE_FOR", "SUPPORTS")}
    assert got == {("RESPONSIBLE_FOR", "上海市松江区水务局", "1"), ("RESPONSIBLE_FOR", "上海市松江区建设和管理委员会", "1"),
                   ("RESPONSIBLE_FOR", "上海市松江区水务局", "2"), ("RESPONSIBLE_FOR", "中共上海市松江区委宣传部", "3"),
                   ("RESPONSIBLE_FOR", "上海市松江区教育局", "3")}
    one = extract_text(text.split("2.")[0], "one_bare_list")
    assert not [r for r in one.relations if r.type == "RESPONSIBLE_FOR"]
