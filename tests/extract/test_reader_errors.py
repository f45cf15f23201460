"""Unreadable input raises InputError with a one-line message (never a traceback for the user)."""
from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from extract.normalise import load_document
from extract.reader import read_document
from graph.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
SEED_002 = ROOT / "seeds" / "002_5c908e72577d78e6.txt"


def _expect_input_error(path: Path, **kw) -> str:
    with pytest.raises(InputError) as info:
        load_document(path, **kw)
    message = str(info.value)
    assert message and "\n" not in message
    assert path.name in message
    return message


def test_empty_and_blank_files(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert "empty" in _expect_input_error(empty)
    blank = tmp_path / "blank.md"
    blank.write_text(" \n\n\t\n", encoding="utf-8")
    _expect_input_error(blank)


def test_missing_file_and_directory(tmp_path):
    assert "no such file" in _expect_input_error(tmp_path / "nope.txt")
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    _expect_input_error(folder)


@pytest.mark.parametrize("name", ["policy.doc", "table.numbers", "scan.png", "noext"])
def test_unsupported_formats(tmp_path, name):
    target = tmp_path / name
    target.write_bytes(SEED_002.read_bytes())
    assert "unsupported" in _expect_input_error(target)


def test_image_renamed_to_txt(tmp_path):
    png = tmp_path / "picture.txt"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(2000))
    assert "PNG" in _expect_input_error(png)


def test_random_binary_is_not_text(tmp_path):
    blob = tmp_path / "blob.txt"
    blob.write_bytes(bytes(range(256)) * 40)
    assert "binary" in _expect_input_error(blob)
    noise = tmp_path / "noise.txt"
    noise.write_bytes(os.urandom(5000).replace(b"\x00", b"\x01"))
    _expect_input_error(noise)


def test_too_large(tmp_path):
    target = tmp_path / "big.txt"
    target.write_bytes(SEED_002.read_bytes())
    assert "too large" in _expect_input_error(target, max_bytes=1000)
    assert len(load_document(target).clauses()) == 22  # the default limit reads it


def test_encrypted_pdf(tmp_path):
    from pypdf import PdfWriter
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    target = tmp_path / "locked.pdf"
    with open(target, "wb") as fh:
        writer.write(fh)
    assert "encrypted" in _expect_input_error(target)


def test_image_only_pdf(tmp_path):
    from reportlab.pdfgen import canvas
    target = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(target))
    c.rect(50, 50, 300, 400, fill=1)
    c.showPage()
    c.save()
    assert "no text layer" in _expect_input_error(target)


def test_broken_pdf(tmp_path):
    target = tmp_path / "broken.pdf"
    target.write_bytes(b"%PDF-1.4\n" + os.urandom(3000))
    _expect_input_error(target)


def test_docx_that_is_not_a_zip(tmp_path):
    target = tmp_path / "fake.docx"
    target.write_bytes(SEED_002.read_bytes())
    assert "not a valid .docx" in _expect_input_error(target)


def test_zip_without_word_document(tmp_path):
    target = tmp_path / "other.docx"
    with zipfile.ZipFile(target, "w") as zf:
        zf.writestr("hello.txt", "hi")
    _expect_input_error(target)


def test_zip_bomb_docx(tmp_path):
    target = tmp_path / "bomb.docx"
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", b"<w:document>" + b" " * 30_000_000 + b"</w:document>")
    assert target.stat().st_size < 200_000
    assert "zip bomb" in _expect_input_error(target)


def test_html_with_nothing_but_markup(tmp_path):
    target = tmp_path / "empty.html"
    target.write_text("<html><head><style>p{color:red}</style></head><body><script>x=1</script>"
                      "<div> </div></body></html>", encoding="utf-8")
    assert "no text" in _expect_input_error(target)
