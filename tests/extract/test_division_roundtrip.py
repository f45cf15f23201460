"""Round trip: the 任务分工表 the app exports as xlsx (graph.analytics.Matrix.division_table) is read
back by the reader and gives the same (measure, agency, role) set as the document it came from."""
from __future__ import annotations

from pathlib import Path

import pytest

from extract import extract_path
from graph import open_store
from graph.analytics import responsibility_matrix

ROOT = Path(__file__).resolve().parents[2]


def roles(g) -> set[tuple[int, str, str]]:
    names = {e.id: e.name for e in g.entities}
    nums = {e.id: e.properties["number"] for e in g.entities if e.type == "Clause"}
    return {(nums[r.target], names[r.source], r.type) for r in g.relations
            if r.target in nums and r.type in ("LEADS", "CO_LEADS", "RESPONSIBLE_FOR", "SUPPORTS")}


@pytest.mark.parametrize("name", ["30_songjiang_urban_renewal_plan_2025.md", "21_guangzhou_democracy_rule_of_law_opinions_2012.txt"])
def test_exported_division_table_reads_back_with_the_same_roles(tmp_path, name):
    import openpyxl
    original = extract_path(ROOT / "corpus" / name)
    store = open_store("memory", path=str(tmp_path / "g.json"))
    store.merge([original])
    table = responsibility_matrix(store.subgraph(), original.doc_id).division_table(
        original.document.properties.get("title", ""))
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in table:
        ws.append(row)
    out = tmp_path / f"任务分工表_{original.doc_id}.xlsx"
    wb.save(out)
    again = extract_path(out)
    assert roles(again) == roles(original) and len(roles(original)) > 30
