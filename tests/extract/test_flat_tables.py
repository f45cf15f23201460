"""Task tables flattened one cell per line (extract.tables), end to end."""
from __future__ import annotations

from extract import extract_text

TABLE = """关于印发《长宁区碳达峰重点任务分工》的通知
长发改委〔2026〕2号
附件：重点任务分工表
序号
重点任务
具体工作
时间进度
牵头部门
配合部门
一、能源绿色低碳转型
1
推进光伏
在公共机构屋顶建设分布式光伏。
全年推进
发展改革委
机管局、各街道
2
推进储能
建设新型储能项目，完成
2026年底
建设管理委
——
二、工业领域
3
推进节能
开展重点用能单位节能诊断。
持续推进
商务委、市场监管局、
生态环境局
各街道
上海市长宁区发展和改革委员会
2026年3月1日
"""


def test_rows_are_clauses_with_roles_from_the_columns():
    g = extract_text(TABLE, "flat_table", "md")
    names = {e.id: e.name for e in g.entities}
    clauses = {e.id: e for e in g.entities if e.type == "Clause"}
    assert sorted(e.properties["number"] for e in clauses.values()) == [1, 2, 3]
    got = {(r.type, names[r.source], clauses[r.target].properties["number"]) for r in g.relations
           if r.target in clauses and r.type in ("LEADS", "SUPPORTS", "RESPONSIBLE_FOR")}
    assert got == {
        ("LEADS", "上海市长宁区发展和改革委员会", 1), ("SUPPORTS", "上海市长宁区机管局", 1),
        ("LEADS", "上海市长宁区建设和管理委员会", 2),
        ("LEADS", "上海市长宁区商务委员会", 3), ("LEADS", "上海市长宁区市场监督管理局", 3),
        ("LEADS", "上海市长宁区生态环境局", 3),
    }


def test_the_deadline_cell_is_kept_as_printed():
    g = extract_text(TABLE, "flat_table", "md")
    deadlines = {e.properties["number"]: e.properties.get("deadline") for e in g.entities if e.type == "Clause"}
    assert deadlines[1] == "全年推进"


import pytest  # noqa: E402

from extract.tables import deadline_date  # noqa: E402


@pytest.mark.parametrize("printed, iso", [
    ("2026年3月31日", "2026-03-31"), ("2025年6月", "2025-06"), ("2026年底", "2026-12"),
    ("2025年上半年", "2025-06"), ("2026年三季度", "2026-09"), ("2024-10-10", "2024-10-10"),
    ("2026年底前完成", "2026-12"), ("全年推进", None), ("持续推进", None), ("三季度完成", None),
    ("与国家安排同步", None), (None, None),
])
def test_deadline_dates(printed, iso):
    assert deadline_date(printed) == iso
