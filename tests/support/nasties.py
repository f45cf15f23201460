"""Generators for nasty inputs: files analysts really feed the tool, made on the fly (nothing large
is committed). Each `make_*` writes one file under `folder` and returns its path.

The catalogue (`CATALOGUE`) pairs every nasty with its expected outcome: an `InputError` whose message
contains a phrase, or a readable document.
"""
from __future__ import annotations

import io
import os
import random
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from tests.support import ROOT

SEED_002 = ROOT / "seeds" / "002_5c908e72577d78e6.txt"
SEED_004 = ROOT / "seeds" / "004_1c4db03652775c40.txt"


def seed_text(path: Path = SEED_002) -> str:
    return path.read_text(encoding="utf-8")


def make_empty(folder: Path) -> Path:
    p = folder / "empty.txt"
    p.write_bytes(b"")
    return p


def make_whitespace_only(folder: Path) -> Path:
    p = folder / "blank.txt"
    p.write_text(" \n\t\n\u3000\n" * 50, encoding="utf-8")
    return p


def make_binary(folder: Path, size: int = 64_000) -> Path:
    p = folder / "random.txt"
    p.write_bytes(random.Random(7).randbytes(size))
    return p


def png_bytes(width: int = 32, height: int = 32) -> bytes:
    """A valid small RGB PNG (no external library)."""
    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
    rows = b"".join(b"\x00" + bytes(v for x in range(width) for v in (x * 7 % 256, y * 5 % 256, 128))
                    for y in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def make_image_as_txt(folder: Path) -> Path:
    p = folder / "photo.txt"
    p.write_bytes(png_bytes())
    return p


def make_gb18030(folder: Path) -> Path:
    p = folder / "gb18030_policy.txt"
    p.write_bytes(seed_text().encode("gb18030"))
    return p


def make_utf16_bom(folder: Path) -> Path:
    p = folder / "utf16_policy.txt"
    p.write_bytes(seed_text().encode("utf-16"))       # Python writes a BOM
    return p


def make_mixed_encodings(folder: Path) -> Path:
    """Half UTF-8, half GB18030 in one file: no encoding reads it all; it must not crash."""
    text = seed_text()
    half = len(text) // 2
    p = folder / "mixed.txt"
    p.write_bytes(text[:half].encode("utf-8") + text[half:].encode("gb18030"))
    return p


def make_encrypted_pdf(folder: Path) -> Path:
    from pypdf import PdfReader, PdfWriter
    src = _text_pdf("Encrypted policy text 1. measures")
    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(src)).pages:
        writer.add_page(page)
    writer.encrypt(user_password="s3cret-user", owner_password="s3cret-owner", algorithm="RC4-128")
    p = folder / "encrypted.pdf"
    with open(p, "wb") as fh:
        writer.write(fh)
    return p


def _text_pdf(text: str) -> bytes:
    from reportlab.pdfgen import canvas
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(72, 720, text)
    c.showPage()
    c.save()
    return buf.getvalue()


def make_image_only_pdf(folder: Path) -> Path:
    """A 'scanned' PDF: one page holding only a raster image, no text layer."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    img = folder / "scan.png"
    img.write_bytes(png_bytes(64, 64))
    c.drawImage(ImageReader(str(img)), 72, 500, width=300, height=300)
    c.rect(50, 50, 100, 100, fill=1)
    c.showPage()
    c.save()
    p = folder / "scanned.pdf"
    p.write_bytes(buf.getvalue())
    return p


def make_truncated_pdf(folder: Path) -> Path:
    data = _text_pdf("Truncated policy")
    p = folder / "truncated.pdf"
    p.write_bytes(data[: len(data) // 2])
    return p


def make_zip_bomb_docx(folder: Path, inflated_mb: int = 60) -> Path:
    """A .docx whose document.xml inflates ~1000:1 (streamed, so making it stays small in memory)."""
    p = folder / "bomb.docx"
    chunk = b"<w:t>" + b" " * (1 << 20) + b"</w:t>"
    with zipfile.ZipFile(p, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with zf.open("word/document.xml", "w", force_zip64=True) as fh:
            fh.write(b'<?xml version="1.0"?><w:document><w:body><w:p><w:r>')
            for _ in range(inflated_mb):
                fh.write(chunk)
            fh.write(b"</w:r></w:p></w:body></w:document>")
    return p


def make_not_a_zip_docx(folder: Path) -> Path:
    p = folder / "fake.docx"
    p.write_text("这不是一个Word文件", encoding="utf-8")
    return p


def make_big_text(folder: Path, mb: int = 50) -> Path:
    """A `mb` MB UTF-8 text (written in chunks; the file is sparse-free but never held in memory)."""
    p = folder / f"big_{mb}mb.txt"
    line = ("长三角生态绿色一体化发展示范区加大财政支持力度（责任单位：两省一市财政部门）。" * 4 + "\n").encode("utf-8")
    target = mb * 1_000_000
    with open(p, "wb") as fh:
        written = 0
        block = line * max(1, 1_000_000 // len(line))
        while written < target:
            fh.write(block)
            written += len(block)
    return p


def many_clauses_text(chapters: int = 100, per_chapter: int = 100) -> str:
    """A document with chapters × clauses numbered `1．` restarting in each `第X章`."""
    agencies = ("上海市财政局", "江苏省发展改革委", "浙江省教育厅", "上海海关", "示范区执委会")
    parts = ["关于压力测试的若干政策措施", ""]
    for c in range(1, chapters + 1):
        parts.append(f"第{c}章 第{c}部分措施")
        for n in range(1, per_chapter + 1):
            a = agencies[(c * per_chapter + n) % len(agencies)]
            parts.append(f"{n}．加强第{c}章第{n}项工作。支持有关事项。（责任单位：{a}）")
    return "\n".join(parts) + "\n"


def make_many_clauses(folder: Path, chapters: int = 100, per_chapter: int = 100) -> Path:
    p = folder / "ten_thousand_clauses.txt"
    p.write_text(many_clauses_text(chapters, per_chapter), encoding="utf-8")
    return p


def make_one_line(folder: Path, mb: float = 3.0) -> Path:
    """A document of `mb` MB on a single line (no newline at all)."""
    unit = "推进长三角一体化发展，加强上海市、江苏省、浙江省和安徽省合作；"
    n = int(mb * 1_000_000 / len(unit.encode("utf-8"))) + 1
    p = folder / "one_line.txt"
    p.write_text(unit * n, encoding="utf-8")
    return p


def make_unsupported(folder: Path) -> Path:
    p = folder / "data.numbers"
    p.write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 512)
    return p


def make_fifo(folder: Path) -> Path | None:
    p = folder / "pipe.txt"
    try:
        os.mkfifo(p)
    except (AttributeError, OSError):
        return None
    return p


@dataclass(frozen=True)
class Nasty:
    """One catalogue entry: how to make it and what must happen (error phrase, or None = readable)."""
    name: str
    make: Callable[[Path], Path]
    error: str | None


CATALOGUE: tuple[Nasty, ...] = (
    Nasty("empty file", make_empty, "empty"),
    Nasty("whitespace only", make_whitespace_only, "no text"),
    Nasty("random binary", make_binary, "binary"),
    Nasty("PNG renamed .txt", make_image_as_txt, "PNG"),
    Nasty("GB18030 text", make_gb18030, None),
    Nasty("UTF-16 with BOM", make_utf16_bom, None),
    Nasty("encrypted PDF", make_encrypted_pdf, "encrypted"),
    Nasty("image-only PDF", make_image_only_pdf, "no text layer"),
    Nasty("truncated PDF", make_truncated_pdf, "PDF"),
    Nasty("zip-bomb docx", make_zip_bomb_docx, "zip bomb"),
    Nasty("docx that is not a zip", make_not_a_zip_docx, "not a valid .docx"),
    Nasty("50 MB text", make_big_text, "too large"),
    Nasty("unsupported extension", make_unsupported, "unsupported format"),
)
