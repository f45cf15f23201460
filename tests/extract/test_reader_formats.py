"""Every supported format and encoding of the same real document reads to the same normalised text."""
from __future__ import annotations

import html
from pathlib import Path

import pytest

from extract.loader import load_document
from extract.reader import read_document

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
SEED_002 = ROOT / "seeds" / "002_5c908e72577d78e6.txt"
SEED_004 = ROOT / "seeds" / "004_1c4db03652775c40.txt"


def _raw(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _source_lines(seed: Path) -> list[str]:
    """Lines to re-typeset a seed in another format: 004 as printed (hard-wrapped, page markers),
    the others as normalised (their raw files carry HTML junk that a real .docx would not)."""
    if seed == SEED_004:
        return _raw(seed).split("\n")
    return load_document(seed).text.split("\n")


def _clauses(doc):
    return [(b.number, b.section, b.title) for b in doc.clauses()]


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem[:3])
@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-16", "utf-16-be-bom"])
def test_encodings_give_the_same_text(tmp_path, seed, encoding):
    reference = load_document(seed)
    raw = _raw(seed)
    if encoding == "utf-16-be-bom":
        data = b"\xfe\xff" + raw.encode("utf-16-be")
    else:
        data = raw.encode(encoding)
    target = tmp_path / seed.name
    target.write_bytes(data)
    doc = load_document(target)
    assert doc.text == reference.text
    assert doc.meta["title"] == reference.meta["title"]
    assert _clauses(doc) == _clauses(reference)


def test_gbk_file_is_detected(tmp_path):
    raw = _raw(SEED_002)
    target = tmp_path / "gbk.txt"
    target.write_bytes(raw.encode("gbk"))
    doc = load_document(target)
    assert doc.text == load_document(SEED_002).text
    assert len(doc.clauses()) == 22


def test_doc_id_is_the_file_stem(tmp_path):
    assert read_document(SEED_002).doc_id == "002_5c908e72577d78e6"
    copy = tmp_path / "my policy.md"
    copy.write_text(_raw(SEED_002), encoding="utf-8")
    assert read_document(copy).doc_id == "my policy"
    assert read_document(copy).fmt == "md"


@pytest.mark.parametrize("seed", [SEED_002, SEED_004], ids=["002", "004"])
def test_html_version_gives_the_same_text(tmp_path, seed):
    reference = load_document(seed)
    body = "".join(f"<p class=\"x\">{html.escape(line)}</p>\n" for line in _source_lines(seed))
    page = ("<html><head><title>ignored</title><style>.a&#123;color:red&#125;</style>"
            "<script>var a = '<p>no</p>';</script></head><body><div>\n" + body
            + "<!-- 正文下iframe --><style>.appendQr_wrap{border:1px solid #E6E6E6;}</style></div></body></html>")
    target = tmp_path / (seed.stem + ".html")
    target.write_text(page, encoding="utf-8")
    doc = load_document(target)
    assert doc.text == reference.text
    assert _clauses(doc) == _clauses(reference)


def test_html_source_line_breaks_inside_a_paragraph_are_not_text(tmp_path):
    target = tmp_path / "wrapped.htm"
    target.write_text("<p>两省一市共同出资设立示范区先行启动区\n  财政专项资金，支持 green\nfinance。</p>"
                      "<p>第二段&nbsp;&#20013;&#25991;&amp;</p>", encoding="utf-8")
    doc = load_document(target)
    assert doc.text.split("\n") == ["两省一市共同出资设立示范区先行启动区财政专项资金，支持 green finance。",
                                    "第二段 中文&"]


@pytest.mark.parametrize("seed", [SEED_002, SEED_004], ids=["002", "004"])
def test_docx_version_gives_the_same_text(tmp_path, seed):
    import docx
    reference = load_document(seed)
    document = docx.Document()
    for line in _source_lines(seed):
        document.add_paragraph(line)
    target = tmp_path / (seed.stem + ".docx")
    document.save(target)
    doc = load_document(target)
    assert doc.text == reference.text
    assert _clauses(doc) == _clauses(reference)
    assert doc.meta["format"] == "docx"


def test_docx_tables_are_read_in_body_order(tmp_path):
    import docx
    document = docx.Document()
    document.add_paragraph("附件 推广清单")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "序号"
    table.cell(0, 1).text = "改革举措"
    table.cell(1, 0).text = "1"
    table.cell(1, 1).text = "知识产权民事、刑事、行政案件“三合一”审判"
    document.add_paragraph("国务院办公厅")
    target = tmp_path / "table.docx"
    document.save(target)
    assert read_document(target).text.split("\n") == [
        "附件 推广清单", "序号", "改革举措", "1", "知识产权民事、刑事、行政案件“三合一”审判", "国务院办公厅"]


def _write_pdf(path: Path, text: str, per_line: int = 28, lines_per_page: int = 40) -> int:
    """A text-layer PDF with hard-wrapped lines, like a typeset page (reportlab, CJK CID font)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    wrapped: list[str] = []
    for para in text.split("\n"):
        wrapped.extend(para[i:i + per_line] for i in range(0, len(para), per_line))
    c = canvas.Canvas(str(path))
    for start in range(0, len(wrapped), lines_per_page):
        c.setFont("STSong-Light", 10)
        y = 800
        for line in wrapped[start:start + lines_per_page]:
            c.drawString(30, y, line)
            y -= 18
        c.showPage()
    c.save()
    return len(wrapped)


@pytest.mark.parametrize("seed", [SEED_002, SEED_004], ids=["002", "004"])
def test_pdf_version_gives_the_same_clauses(tmp_path, seed):
    reference = load_document(seed)
    target = tmp_path / (seed.stem + ".pdf")
    printed_lines = _write_pdf(target, "\n".join(_source_lines(seed)))
    doc = load_document(target)
    assert _clauses(doc) == _clauses(reference)
    # the hard-wrapped lines are joined again: same characters, same order
    assert doc.text.replace("\n", "") == reference.text.replace("\n", "")
    assert doc.text.count("\n") < printed_lines / 4
