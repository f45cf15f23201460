"""Hostile tables: each a one-line error or a correct result (the reader's contract)."""
from __future__ import annotations

import io
import zipfile

import pytest

from extract import extract_path
from extract.normalise import load_document
from graph.errors import InputError

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
