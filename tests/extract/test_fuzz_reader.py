"""Property-based tests of the reader: any bytes, any extension → text or a one-line InputError.

Targets: `decode_bytes` (random bytes, text in UTF-8/UTF-8-BOM/UTF-16/GB18030, mixed encodings),
`read_document` on random files of every supported extension, and byte-level mutations of a real
PDF and a real .docx (what a broken download looks like).
"""
from __future__ import annotations

import io
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extract.reader import decode_bytes, docx_text, pdf_text, read_document
from common.errors import InputError, KGError
from tests.support.fuzz import ANY_CHAR, CJK, DOCUMENT_TEXT, fuzz_settings

pytestmark = pytest.mark.slow          # a fuzz run (budgets in tests/support/fuzz.py)

ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "gb18030", "gbk", "big5", "latin-1", "shift_jis"]


def _one_line(err: KGError) -> None:
    msg = str(err)
    assert msg and "\n" not in msg and len(msg) < 500, msg


def _decode(data: bytes):
    try:
        return decode_bytes(data, "fuzz.txt")
    except InputError as err:
        _one_line(err)
        return err


@fuzz_settings("decode_bytes")
@given(st.one_of(
    st.binary(max_size=4000),
    st.builds(lambda t, enc: t.encode(enc, errors="replace"), DOCUMENT_TEXT, st.sampled_from(ENCODINGS)),
    st.builds(lambda a, b, ea, eb: a.encode(ea, errors="replace") + b.encode(eb, errors="replace"),
              DOCUMENT_TEXT, DOCUMENT_TEXT, st.sampled_from(ENCODINGS), st.sampled_from(ENCODINGS)),
    st.builds(lambda head, body: head + body, st.sampled_from([b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf",
                                                                b"\x89PNG", b"%PDF-1.4", b"PK\x03\x04", b"\x00"]),
              st.binary(max_size=2000)),
))
def test_decode_bytes_gives_text_or_one_line_input_error(data):
    first = _decode(data)
    second = _decode(data)
    if isinstance(first, InputError):
        assert isinstance(second, InputError) and str(first) == str(second)
    else:
        assert isinstance(first, str) and first == second and first.strip()


# Text a user would save: no control characters, no private-use code points (those mean "binary").
_USER_CHAR = st.one_of(CJK, st.characters(min_codepoint=0x20, max_codepoint=0x7E), st.sampled_from("，。；：（）\n"))


@fuzz_settings("decode_roundtrip")
@given(st.text(_USER_CHAR, min_size=1, max_size=400).filter(lambda t: t.strip()),
       st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-be-bom", "utf-16-le-bom"]))
def test_utf8_and_utf16_text_round_trips_exactly(text, encoding):
    if encoding == "utf-16-be-bom":
        data = b"\xfe\xff" + text.encode("utf-16-be")
    elif encoding == "utf-16-le-bom":
        data = b"\xff\xfe" + text.encode("utf-16-le")
    else:
        data = text.encode(encoding)
    assert decode_bytes(data, "t.txt") == text


@fuzz_settings("reader_files")
@given(st.one_of(st.binary(min_size=0, max_size=3000),
                 st.builds(lambda t: t.encode("utf-8", errors="replace"), st.text(ANY_CHAR, max_size=500))),
       st.sampled_from([".txt", ".md", ".html", ".htm", ".pdf", ".docx", ".TXT", ".markdown", ".exe", ""]))
def test_read_document_of_any_file_is_text_or_input_error(tmp_path_factory, data, ext):
    folder = tmp_path_factory.mktemp("f", numbered=True)
    p = folder / f"doc{ext}"
    p.write_bytes(data)
    try:
        raw = read_document(p)
    except InputError as err:
        _one_line(err)
        return
    assert raw.doc_id == "doc" and raw.text.strip()


def _pdf_bytes() -> bytes:
    from reportlab.pdfgen import canvas
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for i in range(3):
        c.drawString(72, 720 - 20 * i, f"Article {i + 1}. Support policy measures for the zone.")
    c.showPage()
    c.drawString(72, 720, "Page two text layer")
    c.save()
    return buf.getvalue()


def _docx_bytes() -> bytes:
    import docx
    d = docx.Document()
    for i in range(5):
        d.add_paragraph(f"{i + 1}．加大财政支持力度。（责任单位：两省一市财政部门）")
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text = "序号"
    t.cell(1, 1).text = "上海海关"
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _mutate(data: bytes, seed: int, flips: int, cut: bool) -> bytes:
    rnd = random.Random(seed)
    b = bytearray(data)
    for _ in range(flips):
        i = rnd.randrange(len(b))
        b[i] = rnd.randrange(256)
    if cut:
        del b[rnd.randrange(len(b)):]
    return bytes(b)


@pytest.fixture(scope="module")
def pdf_sample() -> bytes:
    return _pdf_bytes()


@pytest.fixture(scope="module")
def docx_sample() -> bytes:
    return _docx_bytes()


def _text_or_one_line_error(read, data: bytes, name: str) -> str | None:
    """The reader's text, or None after checking its InputError is one line (anything else fails)."""
    try:
        return read(data, name)
    except InputError as err:
        _one_line(err)
        return None


@fuzz_settings("pdf_mutations")
@given(seed=st.integers(0, 2**32), flips=st.integers(0, 40), cut=st.booleans())
def test_mutated_pdf_is_text_or_input_error(pdf_sample, seed, flips, cut):
    text = _text_or_one_line_error(pdf_text, _mutate(pdf_sample, seed, flips, cut), "m.pdf")
    assert text is None or (isinstance(text, str) and text.strip())


@fuzz_settings("docx_mutations")
@given(seed=st.integers(0, 2**32), flips=st.integers(0, 40), cut=st.booleans())
def test_mutated_docx_is_text_or_input_error(docx_sample, seed, flips, cut):
    text = _text_or_one_line_error(docx_text, _mutate(docx_sample, seed, flips, cut), "m.docx")
    assert text is None or isinstance(text, str)
