"""Rule families of running-text duties (extract.duties), end to end on short local texts."""
from __future__ import annotations

import pytest

from extract import extract_text
from extract.duties import DUTY_RULES


def roles(text: str) -> set[tuple[str, str, str]]:
    g = extract_text(text, "duty_test")
    names = {e.id: e.name for e in g.entities}
    return {(r.type, names[r.source], names.get(r.target, r.target)) for r in g.relations
            if r.type in ("LEADS", "RESPONSIBLE_FOR", "SUPPORTS", "CO_LEADS")}


HEAD = "上海市松江区人民政府办公室关于印发工作方案的通知\n沪松府办〔2025〕1号\n"
# annotated measures: the parts without notes hold procedures, and their duties become Tasks
NOTED = ("一、工作安排\n1.评价。（牵头部门：区经委）\n2.盘活。（牵头部门：区规划资源局）\n"
         "3.执法。（牵头部门：区市场监管局）\n")


@pytest.mark.parametrize("body, expected", [
    ("一、任务\n（一）推进更新。区建设管理委负责统筹推进城市更新工作。\n（二）加强保障。区财政局落实资金。",
     {("RESPONSIBLE_FOR", "上海市松江区建设和管理委员会", "推进更新"),
      ("RESPONSIBLE_FOR", "上海市松江区财政局", "加强保障")}),
    ("一、任务\n（一）推进更新。由区规划资源局牵头，区水务局、区交通委配合，开展专项检查。\n（二）完成。区经委完成评估。",
     {("LEADS", "上海市松江区规划和自然资源局", "推进更新"),
      ("SUPPORTS", "上海市松江区水务局", "推进更新"), ("SUPPORTS", "上海市松江区交通委员会", "推进更新"),
      ("RESPONSIBLE_FOR", "上海市松江区经济委员会", "完成")}),
    ("一、任务\n（一）推进更新。区发展改革委会同区经委、区科委制定配套政策。\n（二）完成。区经委完成评估。",
     {("LEADS", "上海市松江区发展和改革委员会", "推进更新"),
      ("RESPONSIBLE_FOR", "上海市松江区经济委员会", "推进更新"),
      ("RESPONSIBLE_FOR", "上海市松江区科学技术委员会", "推进更新"),
      ("RESPONSIBLE_FOR", "上海市松江区经济委员会", "完成")}),
])
def test_duties_in_clauses(body, expected):
    got = {r for r in roles(HEAD + body) if not r[2].startswith("Document")}
    assert {(t, a, m[:4]) for t, a, m in got} == {(t, a, m[:4]) for t, a, m in expected}


def test_a_duty_outside_numbered_items_is_a_task():
    got = roles(HEAD + NOTED + "五、职责分工\n区经委牵头负责制定低效产业用地的认定评价标准，开展评价工作。"
                "会同区规划资源局推进、协调处置工作。\n")
    assert ("LEADS", "上海市松江区经济委员会", "制定低效产业用地的认定评价标准") in got
    assert ("LEADS", "上海市松江区经济委员会", "推进、协调处置工作") in got
    assert ("RESPONSIBLE_FOR", "上海市松江区规划和自然资源局", "推进、协调处置工作") in got


def test_a_working_group_is_a_task_led_and_supported():
    got = roles(HEAD + NOTED + "五、工作机制\n成立由区规划资源局、区经委牵头的松江区低效用地处置工作小组，"
                "成员单位由区发展改革委、区财政局等部门组成。\n")
    task = "松江区低效用地处置工作小组"
    assert ("LEADS", "上海市松江区规划和自然资源局", task) in got
    assert ("LEADS", "上海市松江区经济委员会", task) in got
    assert ("SUPPORTS", "上海市松江区财政局", task) in got


def test_approvals_and_past_events_are_no_duties():
    got = roles(HEAD + "一、任务\n（一）推进。经区政府批准后实施。\n（二）保障。加强管理。\n"
                "区发展改革委制定了《松江区工作方案》。\n")
    assert not any(a == "上海市松江区人民政府" for _, a, _ in got)
    assert not any("《" in m for _, _, m in got)


def test_town_bodies_without_a_prefix_as_subjects():
    got = roles("闵行区马桥镇人民政府关于加强管理的通知\n一、职责\n（一）镇城运中心：负责统筹协调。\n"
                "（二）城管中队：负责查处违法行为。\n（三）环卫公司负责收运，各村配合做好宣传。\n")
    assert {a for _, a, _ in got} == {"上海市闵行区马桥镇城运中心", "上海市闵行区马桥镇城管中队",
                                      "上海市闵行区马桥镇环卫公司"}


def test_rule_families_are_registered():
    assert [n for n, _ in DUTY_RULES] == ["working-group", "group-members", "lead-unit", "subject-duty"]


def test_supporting_and_leading_verbs():
    got = roles(HEAD + "一、任务\n（一）执法。区城管执法局负责牵头，区公安分局、区市场监管局参与联合执法。\n"
                "（二）宣传。区科委协助开展宣传。\n")
    assert ("LEADS", "上海市松江区城市管理行政执法局", "执法") in {(t, a, m[:2]) for t, a, m in got}
    assert ("SUPPORTS", "上海市松江区公安分局", "执法") in {(t, a, m[:2]) for t, a, m in got}
    assert ("SUPPORTS", "上海市松江区市场监督管理局", "执法") in {(t, a, m[:2]) for t, a, m in got}
    assert ("SUPPORTS", "上海市松江区科学技术委员会", "宣传") in {(t, a, m[:2]) for t, a, m in got}
