"""Unreadable input raises InputError with a one-line message (never a traceback for the user).

One table: each row makes a file (or leaves it missing) and names the phrase its message must hold
(None: any one-line message naming the file will do).
"""
from __future__ import annotations

import os
import zipfile
from pathlib import Path
from typing import Callable

import pytest

from extract.loader import load_document
from common.errors import InputError
from tests.support import ROOT

SEED_002 = ROOT / "seeds" / "002_5c908e72577d78e6.txt"


def _expect_input_error(path: Path, **kw) -> str:
    with pytest.raises(InputError) as info:
        load_document(path, **kw)
    message = str(info.value)
    assert message and "\n" not in message
    assert path.name in message
    return message


def _bytes(data: bytes | Callable[[], bytes]) -> Callable[[Path], None]:
    return lambda target: target.write_bytes(data() if callable(data) else data)


def _seed_copy(target: Path) -> None:
    target.write_bytes(SEED_002.read_bytes())


def _encrypted_pdf(target: Path) -> None:
    from pypdf import PdfWriter
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    with open(target, "wb") as fh:
        writer.write(fh)


def _image_only_pdf(target: Path) -> None:
    from reportlab.pdfgen import canvas
    c = canvas.Canvas(str(target))
    c.rect(50, 50, 300, 400, fill=1)
    c.showPage()
    c.save()


def _zip_without_word_document(target: Path) -> None:
    with zipfile.ZipFile(target, "w") as zf:
        zf.writestr("hello.txt", "hi")


def _zip_bomb_docx(target: Path) -> None:
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", b"<w:document>" + b" " * 30_000_000 + b"</w:document>")
    assert target.stat().st_size < 200_000


def _markup_only_html(target: Path) -> None:
    target.write_text("<html><head><style>p{color:red}</style></head><body><script>x=1</script>"
                      "<div> </div></body></html>", encoding="utf-8")


CASES = [
    # id, file name, how to make it, phrase in the message, load_document keywords
    ("empty", "empty.txt", _bytes(b""), "empty", {}),
    ("blank", "blank.md", lambda t: t.write_text(" \n\n\t\n", encoding="utf-8"), None, {}),
    ("missing", "nope.txt", lambda t: None, "no such file", {}),
    ("directory", "folder.txt", Path.mkdir, None, {}),
    ("unsupported-doc", "policy.doc", _seed_copy, "unsupported", {}),
    ("unsupported-numbers", "table.numbers", _seed_copy, "unsupported", {}),
    ("unsupported-png", "scan.png", _seed_copy, "unsupported", {}),
    ("unsupported-noext", "noext", _seed_copy, "unsupported", {}),
    ("png-renamed-txt", "picture.txt", _bytes(lambda: b"\x89PNG\r\n\x1a\n" + os.urandom(2000)), "PNG", {}),
    ("binary", "blob.txt", _bytes(bytes(range(256)) * 40), "binary", {}),
    ("random-noise", "noise.txt", _bytes(lambda: os.urandom(5000).replace(b"\x00", b"\x01")), None, {}),
    ("too-large", "big.txt", _seed_copy, "too large", {"max_bytes": 1000}),
    ("encrypted-pdf", "locked.pdf", _encrypted_pdf, "encrypted", {}),
    ("image-only-pdf", "scan.pdf", _image_only_pdf, "no text layer", {}),
    ("broken-pdf", "broken.pdf", _bytes(lambda: b"%PDF-1.4\n" + os.urandom(3000)), None, {}),
    ("docx-not-a-zip", "fake.docx", _seed_copy, "not a valid .docx", {}),
    ("zip-without-word-document", "other.docx", _zip_without_word_document, None, {}),
    ("zip-bomb-docx", "bomb.docx", _zip_bomb_docx, "zip bomb", {}),
    ("html-markup-only", "empty.html", _markup_only_html, "no text", {}),
]


@pytest.mark.parametrize("name,make,phrase,kw", [pytest.param(*c[1:], id=c[0]) for c in CASES])
def test_unreadable_input_is_a_one_line_input_error(tmp_path, name, make, phrase, kw):
    target = tmp_path / name
    make(target)
    message = _expect_input_error(target, **kw)
    if phrase is not None:
        assert phrase in message


def test_the_default_size_limit_reads_a_seed(tmp_path):
    target = tmp_path / "big.txt"
    target.write_bytes(SEED_002.read_bytes())
    assert len(load_document(target).clauses()) == 22  # the "too-large" row's file, under the default limit
