"""Numbering that holds on real text (extract.structure), table-driven."""
from __future__ import annotations

import pytest

from extract.loader import normalise_text


def clauses(text: str) -> list[tuple]:
    nd = normalise_text(text, "numbering")
    return [(b.section, b.number) for b in nd.clauses()]


@pytest.mark.parametrize("text, expected", [
    # a title that starts with a year is no decimal
    ("10.推进建设。\n11.2035年前完成改造。\n12.加强管理。", [(None, 10), (None, 11), (None, 12)]),
    # decimals in a flattened data table are no items
    ("1.推进。\n表1\n25.20\n4.73\n2.完成。", [(None, 1), (None, 2)]),
    # numbering restarting under each （X） and （X） restarting under each 一、: dotted sections
    ("一、目标\n二、任务\n（一）规划\n1.甲。\n2.乙。\n（二）建设\n1.丙。\n三、保障\n"
     "（一）组织。（责任单位：区经委）\n（二）资金。（责任单位：区财政局）",
     [("2.1", 1), ("2.1", 2), ("2.2", 1), (3, 1), (3, 2)]),
])
def test_numbering(text, expected):
    assert clauses(text) == expected


def test_a_heading_with_a_note_and_no_items_does_not_collide_with_items():
    text = ("一、主要任务\n（一）推进光伏。（责任单位：区发展改革委）\n（二）推进地热。（责任单位：区水务局）\n"
            "（三）加强宣传。（责任单位：区科委）\n二、保障措施\n加强领导。（责任单位：区财政局）")
    assert clauses(text) == [(1, 1), (1, 2), (1, 3), (None, 2)]


def test_yi_shi_items_with_their_own_notes_are_clauses():
    text = ("1.甲。（牵头部门：区经委）\n2.乙。（牵头部门：区经委）\n3.丙。（牵头部门：区经委）\n4.丁。\n"
            "一是严控。（牵头部门：区规划资源局）\n二是严管。（牵头部门：区规划资源局）\n5.戊。（牵头部门：区经委）")
    assert clauses(text) == [(None, 1), (None, 2), (None, 3), (4, 1), (4, 2), (None, 5)]
