"""Hostile tables: each a one-line error or a correct result (the reader's contract)."""
from __future__ import annotations

import io
import zipfile

import pytest

from extract import extract_path
from extract.loader import load_document
from common.errors import InputError

HEADER = ["序号", "重点任务", "牵头单位", "配合单位", "完成时限"]


def _xlsx(path, rows, merge=None):
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    if merge:
        ws.merge_cells(merge)
    wb.save(path)
    return path


def test_an_empty_workbook_is_a_one_line_error(tmp_path):
    with pytest.raises(InputError, match="no text"):
        load_document(_xlsx(tmp_path / "empty.xlsx", []))


def test_a_header_only_table_gives_no_measure(tmp_path):
    g = extract_path(_xlsx(tmp_path / "header.xlsx", [["上海市松江区人民政府办公室关于印发任务分工的通知"], HEADER]))
    assert not [e for e in g.entities if e.type == "Clause"]


def test_ragged_rows_and_a_formula_cell(tmp_path):
    rows = [["上海市松江区人民政府办公室关于印发任务分工的通知"], HEADER,
            [1, "推进光伏", "区发展改革委"],                                  # short row
            [2, "推进储能", "区建设管理委", "区水务局", "2026年底", "多余", "多余"],  # long row
            [3, "=SUM(A3:A4)", "区经委", None, None]]                           # a formula, never evaluated
    g = extract_path(_xlsx(tmp_path / "ragged.xlsx", rows))
    names = {e.id: e.name for e in g.entities}
    got = {(names[r.source], r.type) for r in g.relations if r.type in ("LEADS", "SUPPORTS")}
    assert ("上海市松江区发展和改革委员会", "LEADS") in got and ("上海市松江区水务局", "SUPPORTS") in got
    assert ("上海市松江区经济委员会", "LEADS") in got


def test_everything_merged(tmp_path):
    rows = [["上海市松江区人民政府办公室关于印发任务分工的通知"] * 5, ["x"] * 5]
    nd = load_document(_xlsx(tmp_path / "merged.xlsx", rows, merge="A1:E2"))
    assert nd.text.strip() == "上海市松江区人民政府办公室关于印发任务分工的通知"


@pytest.mark.slow
def test_five_thousand_rows(tmp_path):
    rows = [["上海市松江区人民政府办公室关于印发任务分工的通知"], HEADER]
    rows += [[i, f"任务{i}", "区发展改革委", "区财政局、区水务局", "2026年底"] for i in range(1, 5001)]
    g = extract_path(_xlsx(tmp_path / "big.xlsx", rows))
    clauses = [e for e in g.entities if e.type == "Clause"]
    assert len(clauses) == 5000
    assert sum(1 for r in g.relations if r.type == "LEADS") == 5000
    assert {e.properties.get("deadline") for e in clauses} == {"2026年底"}


def test_a_password_protected_workbook_is_refused(tmp_path):
    p = tmp_path / "locked.xlsx"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))   # encrypted OOXML is an OLE file
    with pytest.raises(InputError, match="password-protected"):
        load_document(p)


def test_a_zip_bomb_disguised_as_xlsx_is_refused(tmp_path):
    p = tmp_path / "bomb.xlsx"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", b"<a/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"0" * 300_000_000)
    p.write_bytes(buf.getvalue())
    with pytest.raises(InputError, match="zip bomb"):
        load_document(p)


def test_not_a_zip(tmp_path):
    p = tmp_path / "fake.xlsx"
    p.write_bytes(b"just text pretending" * 10)
    with pytest.raises(InputError, match="not a valid .xlsx"):
        load_document(p)


def test_a_broken_xls_is_a_one_line_error(tmp_path):
    p = tmp_path / "broken.xls"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2048))
    with pytest.raises(InputError, match=r"\.xls"):
        load_document(p)


def test_a_deadline_reaches_every_export(tmp_path):
    """The clause property travels into GraphML, node-link JSON and the xlsx nodes sheet."""
    import networkx as nx
    import openpyxl
    from graph import open_store
    from graph.export import export
    rows = [["上海市松江区人民政府办公室关于印发任务分工的通知"], HEADER, [1, "推进光伏", "区发展改革委", "区财政局", "2026年底"]]
    g = extract_path(_xlsx(tmp_path / "d.xlsx", rows))
    store = open_store("memory", path=str(tmp_path / "g.json"))
    store.merge([g])
    sub = store.subgraph()
    export(sub, "graphml", tmp_path / "g.graphml")
    export(sub, "json", tmp_path / "g.json.out")
    export(sub, "xlsx", tmp_path / "g.xlsx")
    gm = nx.read_graphml(tmp_path / "g.graphml")
    assert any(d.get("deadline") == "2026年底" and d.get("deadline_date") == "2026-12" for _, d in gm.nodes(data=True))
    assert "2026年底" in (tmp_path / "g.json.out").read_text(encoding="utf-8")
    ws = openpyxl.load_workbook(tmp_path / "g.xlsx")["nodes"]
    assert any("2026年底" in [str(c.value) for c in row] for row in ws.iter_rows())
