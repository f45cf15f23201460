"""One task table, six renderings: the same (number, agency, role) set from each.

The table is the annexed 重点任务分解表 of corpus 31 (嘉定区), read from the published Markdown by
splitting it into its blank-line separated cells (independently of the extractor). It is rebuilt as a
Markdown pipe table, an HTML table (with a rowspan and a colspan category row), a DOCX table and an
XLSX sheet (with merged cells), each in a short document under the same 嘉定区 title.
"""
from __future__ import annotations

import html
from pathlib import Path

import pytest

from extract import extract_path

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "corpus" / "31_jiading_sponge_city_plan_2024.md"
TITLE = "上海市嘉定区人民政府办公室关于转发《嘉定区系统化全域推进海绵城市建设的实施方案》的通知"
NUMBER = "嘉府办发〔2024〕23号"


def annex_rows() -> list[list[str]]:
    raw = SOURCE.read_text(encoding="utf-8")
    paras = [p.strip() for p in raw[raw.index("附件："):].split("\n\n") if p.strip()][1:]
    rows = [paras[i:i + 5] for i in range(0, len(paras), 5)]
    assert all(len(r) == 5 for r in rows) and rows[0][0] == "序号"
    return rows          # the header, 12 rows and the header repeated mid-table


def pairs(path: Path, numbers: set[int] | None = None) -> set[tuple[int, str, str]]:
    g = extract_path(path)
    names = {e.id: e.name for e in g.entities}
    clauses = {e.id: e.properties for e in g.entities if e.type == "Clause" and e.properties.get("section") is None}
    out = set()
    for r in g.relations:
        if r.target in clauses and r.type in ("LEADS", "RESPONSIBLE_FOR", "SUPPORTS", "CO_LEADS"):
            n = clauses[r.target]["number"]
            if numbers is None or n in numbers:
                out.add((n, names[r.source], r.type))
    return out


def write_md(rows, path):
    cells = [[c.replace("\n", "<br>") for c in r] for r in rows]
    lines = [f"# {TITLE}", "", NUMBER, "", "附件：重点任务分解表", "",
             "| " + " | ".join(cells[0]) + " |", "|" + "---|" * len(cells[0])]
    lines += ["| " + " | ".join(r) + " |" for r in cells[1:]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_html(rows, path):
    """With a category row (colspan) and, where two rows share 责任单位, one cell spanning both (rowspan)."""
    head, body = rows[0], rows[1:]
    esc = lambda c: html.escape(c).replace("\n", "<br>")  # noqa: E731
    trs = ["<tr>" + "".join(f"<th>{esc(c)}</th>" for c in head) + "</tr>",
           "<tr><td colspan='5'>一、海绵城市建设任务</td></tr>"]
    spanned = set()
    for k, r in enumerate(body):
        cells = []
        for j, c in enumerate(r):
            if (k, j) in spanned:
                continue
            nxt = body[k + 1] if k + 1 < len(body) else None
            if j == 3 and nxt and nxt[3] == c and "序号" not in (r[0], nxt[0]):
                cells.append(f"<td rowspan='2'>{esc(c)}</td>")
                spanned.add((k + 1, 3))
            else:
                cells.append(f"<td>{esc(c)}</td>")
        trs.append("<tr>" + "".join(cells) + "</tr>")
    path.write_text(f"<html><head><title>{TITLE}</title></head><body><h1>{TITLE}</h1><p>{NUMBER}</p>"
                    f"<p>附件：重点任务分解表</p><table>{''.join(trs)}</table></body></html>", encoding="utf-8")


def write_docx(rows, path):
    import docx
    d = docx.Document()
    d.add_paragraph(TITLE)
    d.add_paragraph(NUMBER)
    d.add_paragraph("附件：重点任务分解表")
    t = d.add_table(rows=len(rows) + 1, cols=5)
    for j, c in enumerate(rows[0]):
        t.cell(0, j).text = c
    cat = t.cell(1, 0).merge(t.cell(1, 4))     # a category row merged across
    cat.text = "一、海绵城市建设任务"
    for i, r in enumerate(rows[1:], start=2):
        for j, c in enumerate(r):
            t.cell(i, j).text = c
    d.save(path)


def write_xlsx(rows, path):
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([TITLE])
    ws.append([NUMBER])
    ws.append(rows[0])
    ws.append(["一、海绵城市建设任务"] + [None] * 4)
    ws.merge_cells(start_row=4, start_column=1, end_row=4, end_column=5)
    for r in rows[1:]:
        ws.append([int(r[0]) if r[0].isdigit() else r[0], *r[1:]])
    wb.save(path)


@pytest.fixture(scope="module")
def renderings(tmp_path_factory) -> dict[str, Path]:
    rows = annex_rows()
    d = tmp_path_factory.mktemp("tables")
    out = {}
    for fmt, writer, suffix in (("markdown", write_md, ".md"), ("html", write_html, ".html"),
                                ("docx", write_docx, ".docx"), ("xlsx", write_xlsx, ".xlsx")):
        p = d / f"annex_31{suffix}"
        writer([list(r) for r in rows], p)
        out[fmt] = p
    return out


def test_the_flattened_original_gives_the_annex_roles():
    got = pairs(SOURCE, set(range(1, 13)))
    assert len({n for n, _, _ in got}) == 12
    assert (1, "上海市嘉定区建设和管理委员会", "LEADS") in got        # 区建设管理委负责…会同… in the row
    assert (1, "上海市嘉定区水务局", "RESPONSIBLE_FOR") in got
    assert (10, "上海市嘉定区水务局", "RESPONSIBLE_FOR") in got


@pytest.mark.parametrize("fmt", ["markdown", "html", "docx", "xlsx"])
def test_every_rendering_gives_the_same_pairs(renderings, fmt):
    expected = pairs(SOURCE, set(range(1, 13)))
    assert pairs(renderings[fmt]) == expected


def test_xlsx_is_read_with_its_jurisdiction(renderings):
    g = extract_path(renderings["xlsx"])
    assert g.document.properties["jurisdiction"]["name"] == "嘉定区"
    assert sorted(e.properties["number"] for e in g.entities if e.type == "Clause") == list(range(1, 13))


def write_pdf(rows, path):
    """A ruled table in a CJK font over several pages, its header repeated on each (reportlab)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate
    from reportlab.platypus import Table as PdfTable
    from reportlab.platypus import TableStyle
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("cjk", fontName="STSong-Light", fontSize=8, leading=10, wordWrap="CJK")
    body = [r for r in rows[1:] if r[0] != "序号"]           # the header repeats by itself on each page
    cells = [[Paragraph(html.escape(c).replace("\n", "<br/>"), style) for c in r] for r in [rows[0], *body]]
    table = PdfTable(cells, colWidths=[30, 60, 250, 100, 90], repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    doc = SimpleDocTemplate(str(path), pagesize=A4)
    doc.build([Paragraph(TITLE, style), Paragraph(NUMBER, style), Paragraph("附件：重点任务分解表", style), table])


def test_the_pdf_rendering_gives_the_same_pairs(tmp_path):
    path = tmp_path / "annex_31.pdf"
    write_pdf([list(r) for r in annex_rows()], path)
    from pypdf import PdfReader
    assert len(PdfReader(str(path)).pages) >= 2        # the table runs over pages
    assert pairs(path) == pairs(SOURCE, set(range(1, 13)))


def write_xls(rows, path):
    """The old binary .xls (xlwt), with a merged category row."""
    import xlwt
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("任务分解表")
    ws.write(0, 0, TITLE)
    ws.write(1, 0, NUMBER)
    for j, c in enumerate(rows[0]):
        ws.write(2, j, c)
    ws.write_merge(3, 3, 0, 4, "一、海绵城市建设任务")
    for i, r in enumerate(rows[1:], start=4):
        for j, c in enumerate(r):
            ws.write(i, j, int(c) if c.isdigit() else c)
    wb.save(str(path))


def test_the_old_xls_rendering_gives_the_same_pairs(tmp_path):
    path = tmp_path / "annex_31.xls"
    write_xls([list(r) for r in annex_rows()], path)
    assert pairs(path) == pairs(SOURCE, set(range(1, 13)))
