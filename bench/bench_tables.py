"""Task tables: rows per second and peak memory per input format, on one 5,000-row table.

The same table (序号 / 重点任务 / 具体内容 / 牵头单位 / 配合单位 / 完成时限, district-relative names) is
written as Markdown, HTML, DOCX, XLSX and a ruled PDF (40 rows a page, header repeated), and as the
flattened one-cell-per-line text of web copies;
each format is read + normalised + extracted (`extract_path`, as `kg extract` does) in its own process,
so peak memory (ru_maxrss) belongs to that format alone. The flattened text is the baseline.

Usage: .venv/bin/python bench/bench_tables.py [--rows 5000]
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TITLE = "上海市松江区人民政府办公室关于印发《重点任务分工表》的通知"
HEADER = ["序号", "重点任务", "具体内容", "牵头单位", "配合单位", "完成时限"]
FORMATS = ("flattened", "markdown", "html", "docx", "xlsx", "pdf")


def rows(n: int) -> list[list[str]]:
    leads = ["区发展改革委", "区建设管理委", "区规划资源局", "区经委", "区水务局"]
    out = []
    for i in range(1, n + 1):
        out.append([str(i), f"推进第{i}项重点任务", f"开展第{i}项具体工作，按期完成。", leads[i % 5],
                    "区财政局、区生态环境局、各街镇", "2026年底"])
    return out


def write(fmt: str, n: int, folder: Path) -> Path:
    data = rows(n)
    if fmt == "flattened":
        p = folder / "t.md"
        p.write_text("\n".join([TITLE, *HEADER] + [c for r in data for c in r]) + "\n", encoding="utf-8")
    elif fmt == "markdown":
        p = folder / "t_pipe.md"
        lines = [TITLE, "", "| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
        p.write_text("\n".join(lines + ["| " + " | ".join(r) + " |" for r in data]) + "\n", encoding="utf-8")
    elif fmt == "html":
        p = folder / "t.html"
        trs = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in data)
        head = "<tr>" + "".join(f"<th>{c}</th>" for c in HEADER) + "</tr>"
        p.write_text(f"<html><body><p>{TITLE}</p><table>{head}{trs}</table></body></html>", encoding="utf-8")
    elif fmt == "docx":
        import docx
        p = folder / "t.docx"
        d = docx.Document()
        d.add_paragraph(TITLE)
        t = d.add_table(rows=1, cols=len(HEADER))
        for cell, c in zip(t.rows[0].cells, HEADER):
            cell.text = c
        for r in data:                       # add_row + its own cells: linear (t.cell(i, j) is not)
            for cell, c in zip(t.add_row().cells, r):
                cell.text = c
        d.save(p)
    elif fmt == "pdf":
        p = folder / "t.pdf"
        write_pdf(p, data)
    else:
        import openpyxl
        p = folder / "t.xlsx"
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append([TITLE])
        ws.append(HEADER)
        for r in data:
            ws.append(r)
        wb.save(p)
    return p


def write_pdf(path: Path, data: list[list[str]]) -> None:
    """A ruled table, 40 rows a page, its header on every page (reportlab canvas, CJK CID font)."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    widths = [40, 110, 230, 90, 190, 70]
    xs = [30]
    for w in widths:
        xs.append(xs[-1] + w)
    c = canvas.Canvas(str(path), pagesize=landscape(A4))
    height = landscape(A4)[1]
    per_page, row_h = 40, 12
    for start in range(0, len(data), per_page):
        rows = [HEADER] + data[start:start + per_page]
        top = height - 40
        c.setFont("STSong-Light", 7)
        if start == 0:
            c.drawString(30, top + 10, TITLE)
        for k, row in enumerate(rows):
            y = top - (k + 1) * row_h
            for x, cell in zip(xs, row):
                c.drawString(x + 2, y + 3, cell)
        for k in range(len(rows) + 1):
            c.line(xs[0], top - k * row_h, xs[-1], top - k * row_h)
        for x in xs:
            c.line(x, top, x, top - len(rows) * row_h)
        c.showPage()
    c.save()


def child(path: str, n: int) -> dict:
    from extract import extract_path, load_nlp
    load_nlp()
    t0, c0 = time.perf_counter(), time.process_time()
    g = extract_path(path)
    dt, cpu = time.perf_counter() - t0, time.process_time() - c0
    clauses = sum(1 for e in g.entities if e.type == "Clause")
    leads = sum(1 for r in g.relations if r.type == "LEADS")
    return {"clauses": clauses, "leads": leads, "seconds": dt, "cpu_s": cpu, "rows_per_cpu_s": n / cpu,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=5000)
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child[0], int(args.child[1]))))
        return 0
    print(f"{'format':<10} {'rows':>6} {'clauses':>8} {'leads':>6} {'CPU s':>7} {'rows/CPU-s':>11} {'peak MB':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in FORMATS:
            p = write(fmt, args.rows, Path(tmp))
            res = subprocess.run([sys.executable, __file__, "--child", str(p), str(args.rows)],
                                 capture_output=True, text=True)
            if res.returncode != 0:
                print(res.stderr, file=sys.stderr)
                return 1
            r = json.loads(res.stdout.strip().splitlines()[-1])
            print(f"{fmt:<10} {args.rows:>6} {r['clauses']:>8} {r['leads']:>6} {r['cpu_s']:>7.2f} "
                  f"{r['rows_per_cpu_s']:>11,.0f} {r['peak_mb']:>8.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
