"""Fuzzing the table model and the flattened-table reader: random grids (ragged rows, merged repeats,
empty cells, headers anywhere, numbers and names in any cell) never raise, and every role cell and
relation offset lies inside the text."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extract import extract_text
from extract.table_model import Table, render_table
from tests.support.fuzz import CJK, fuzz_settings

pytestmark = pytest.mark.slow          # a fuzz run (budgets in tests/support/fuzz.py)

LABELS = ["序号", "重点任务", "具体内容", "牵头单位", "配合单位", "责任部门", "完成时限", "时间进度", "备注"]
NAMES = ["区发展改革委", "区财政局", "各街镇", "区建设管理委（交通委）", "市经济信息化委", "——", "", "1", "12",
         "一、能源", "2026年底", "牵头单位", "序号"]
CELL = st.one_of(st.sampled_from(LABELS + NAMES), st.text(CJK, max_size=12),
                 st.lists(st.sampled_from(NAMES), max_size=3).map("、".join))
ROW = st.lists(CELL, min_size=0, max_size=9)


@fuzz_settings("tables")
@given(st.lists(ROW, min_size=0, max_size=25), st.booleans())
def test_random_tables_render_and_extract_safely(rows, with_header):
    if with_header:
        rows = [["序号", "重点任务", "牵头单位", "配合单位", "完成时限"], *rows]
    lines = render_table(Table(rows))
    assert all("\n" not in line for line in lines)
    text = "上海市松江区人民政府办公室关于印发任务分工表的通知\n" + "\n".join(lines)
    g = extract_text(text, "fuzz_table")
    t = g.text
    for e in g.entities:
        for m in e.mentions:
            assert 0 <= m.start < m.end <= len(t)
    for r in g.relations:
        if r.evidence is not None:
            assert 0 <= r.evidence.start <= r.evidence.end <= len(t)
            assert t[r.evidence.start:r.evidence.end] == r.evidence.text
