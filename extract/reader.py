"""Read a document file into a `RawDocument`: pick the format by extension, decode, refuse bad input.

Formats: .txt/.text, .md/.markdown, .html/.htm, .pdf (text layer via pypdf), .docx (python-docx).
Encodings for text files: UTF-16 with BOM, UTF-8 (with or without BOM, tried strictly first), then
charset-normalizer's guess (GB18030/GBK government files). Anything unreadable raises
`common.errors.InputError` with a one-line message.
"""
from __future__ import annotations

import io
import logging
import re
import zipfile
from pathlib import Path

from common.errors import InputError

from extract.document import RawDocument
from extract.table_model import Table as TableModel
from extract.table_model import clean_cell, is_header_row, render_table

FORMATS = {".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md", ".html": "html",
           ".htm": "html", ".pdf": "pdf", ".docx": "docx", ".xlsx": "xlsx", ".xlsm": "xlsx",
           ".xls": "xls"}
DOCUMENT_SUFFIXES = tuple(FORMATS)      # the one list of readable suffixes (CLI folders, app uploads)
XLSX_MAX_CELLS = 2_000_000

# Signatures of common binary files someone may rename to .txt.
_MAGIC = [(b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
          (b"BM", None), (b"%PDF", "a PDF file"), (b"PK\x03\x04", "a ZIP/Office file"),
          (b"\x7fELF", "an executable"), (b"MZ", None), (b"\xd0\xcf\x11\xe0", "an old MS Office file"),
          (b"RIFF", "a RIFF media file"), (b"II*\x00", "a TIFF image"), (b"MM\x00*", "a TIFF image"),
          (b"\x1f\x8b", "a gzip archive")]

DOCX_MAX_UNCOMPRESSED = 200_000_000   # total bytes inside the zip
DOCX_MAX_RATIO = 200                  # uncompressed/compressed: beyond this it is a zip bomb
DOCX_MAX_ENTRIES = 10_000


def read_document(path: str | Path, max_bytes: int = 20_000_000) -> RawDocument:
    """Read one file; raise InputError (one line) if it is missing, empty, too large or unreadable."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file")
    if not p.is_file():
        raise InputError(f"{p}: not a regular file")
    fmt = FORMATS.get(p.suffix.lower())
    if fmt is None:
        raise InputError(f"{p.name}: unsupported format {p.suffix or '(no extension)'!r}; "
                         f"use one of {', '.join(sorted(set(FORMATS)))}")
    size = p.stat().st_size
    if size == 0:
        raise InputError(f"{p.name}: empty file")
    if size > max_bytes:
        raise InputError(f"{p.name}: too large ({size / 1e6:.1f} MB > {max_bytes / 1e6:.1f} MB limit)")
    data = p.read_bytes()
    text = decode_by_format(data, fmt, p.name, max_bytes)
    if not text.strip():
        raise InputError(f"{p.name}: no text found")
    return RawDocument(doc_id=p.stem, text=text, fmt=fmt, path=str(p))


def decode_by_format(data: bytes, fmt: str, name: str, max_bytes: int = 20_000_000) -> str:
    """The text of a file's bytes in its format (tables rendered by extract.table_model)."""
    if fmt == "pdf":
        return pdf_text(data, name)
    if fmt == "docx":
        return docx_text(data, name, max_bytes=max_bytes)
    if fmt in ("xlsx", "xls"):
        return xlsx_text(data, name, max_bytes=max_bytes, legacy=fmt == "xls")
    return decode_bytes(data, name)


def decode_bytes(data: bytes, name: str = "input") -> str:
    """Decode a text file: UTF-16 BOM, strict UTF-8 (BOM dropped), else charset-normalizer's best guess."""
    if not data:
        raise InputError(f"{name}: empty file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _check_text(data.decode("utf-16"), name)
        except UnicodeDecodeError:
            raise InputError(f"{name}: broken UTF-16 text") from None
    for magic, what in _MAGIC:
        if what and data.startswith(magic):
            raise InputError(f"{name}: looks like {what}, not text")
    if b"\x00" in data[:4096]:
        raise InputError(f"{name}: binary data, not text (NUL bytes; UTF-16 needs a BOM)")
    try:
        return _check_text(data.decode("utf-8").removeprefix("\ufeff"), name)
    except UnicodeDecodeError:
        pass
    text = _guess_decode(data)
    if text is None:
        raise InputError(f"{name}: cannot detect the text encoding (not UTF-8/UTF-16/GB18030)")
    return _check_text(text, name)


def _guess_decode(data: bytes) -> str | None:
    from charset_normalizer import from_bytes
    logging.getLogger("charset_normalizer").setLevel(logging.ERROR)
    best = from_bytes(data[:2_000_000] if len(data) > 2_000_000 else data).best()
    candidates = []
    if best is not None:
        candidates.append(best.encoding)
    candidates.append("gb18030")  # most common non-UTF-8 encoding of Chinese government files
    for enc in candidates:
        try:
            text = data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        if enc != "gb18030" and _cjk_ratio(text) < 0.05:
            # e.g. a Latin-1 guess for what is really GBK: prefer GB18030 if that reads as Chinese
            try:
                alt = data.decode("gb18030")
                if _cjk_ratio(alt) > 0.3:
                    return alt
            except UnicodeDecodeError:
                pass
        return text
    return None


def _cjk_ratio(text: str) -> float:
    sample = text[:20000]
    if not sample:
        return 0.0
    return sum(1 for c in sample if "\u4e00" <= c <= "\u9fff") / len(sample)


# control characters (but line breaks and tabs), private-use code points, the replacement character
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f\ue000-\uf8ff\ufffd]")


def _check_text(text: str, name: str) -> str:
    """Refuse decoded text that is mostly control characters / private-use code points (binary)."""
    sample = text[:100_000]
    if not sample.strip():
        raise InputError(f"{name}: no text found")
    bad = len(_BAD_CHARS.findall(sample))
    if bad > max(8, len(sample) // 100):
        raise InputError(f"{name}: binary data, not text")
    return text


def pdf_text(data: bytes, name: str = "input.pdf") -> str:
    """Text layer of a PDF, pages separated by a blank line; encrypted or image-only PDFs are refused."""
    from pypdf import PdfReader
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception:  # noqa: BLE001 - pypdf raises several types (missing crypto backend, …)
                ok = 0
            if not ok:
                raise InputError(f"{name}: encrypted PDF (needs a password)")
        pages = [page.extract_text() or "" for page in reader.pages]
    except InputError:
        raise
    except Exception as err:  # noqa: BLE001 - a broken PDF fails in many ways inside pypdf
        raise InputError(f"{name}: unreadable PDF ({type(err).__name__})") from None
    if any(pages):
        pages = _pdf_tables(data, pages)
    text = "\n\n".join(pages)
    if not text.strip():
        raise InputError(f"{name}: PDF has no text layer (scanned images need OCR first)")
    return text


def _pdf_tables(data: bytes, pages: list[str]) -> list[str]:
    """Pages that hold ruled tables (pdfplumber's table finder on the text layer) get them as tables:
    the text above, between and below each table as pypdf would give it, the table rendered by
    extract.table_model; a table continued on the next page (same header) goes on without it."""
    try:
        import pdfplumber
    except ImportError:          # the plain text layer still serves
        return pages
    out = list(pages)
    last_header: list[str] | None = None
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for k, page in enumerate(pdf.pages[:len(pages)]):
                found = sorted(page.find_tables(), key=lambda t: t.bbox[1])
                if not found:
                    last_header = None
                    page.close()
                    continue
                parts: list[str] = []
                top = 0.0
                for t in found:
                    x0, y0, x1, y1 = t.bbox
                    if y0 > top:
                        parts.append(page.crop((0, top, page.width, y0)).extract_text() or "")
                    grid = [[c or "" for c in row] for row in t.extract()]
                    header = [clean_cell(c) for c in grid[0]] if grid else []
                    if last_header and len(header) == len(last_header) and \
                            (header == last_header or not is_header_row(header)):
                        # the table goes on from the last page (its header repeated, or none): rows only
                        if header != last_header:
                            grid = [last_header] + grid
                        skip = len(last_header) + (0 if last_header[0] in ("序号", "编号") else 1)
                        lines = render_table(TableModel(grid))[skip:]
                    else:
                        lines = render_table(TableModel(grid))
                        last_header = header if is_header_row(header) else None
                    parts.append("\n".join(lines))
                    top = y1
                if top < page.height:
                    parts.append(page.crop((0, top, page.width, page.height)).extract_text() or "")
                out[k] = "\n".join(p for p in parts if p.strip())
                page.close()          # free the page's parsed objects: memory stays bounded by one page
    except Exception:  # noqa: BLE001 - pdfminer fails in many ways on odd PDFs: keep pypdf's text
        return pages
    return out


def _check_zip(data: bytes, name: str, kind: str, member: str, max_bytes: int) -> None:
    """An Office file is a zip: refuse what is no zip, a zip bomb, or a zip without `member`."""
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise InputError(f"{name}: password-protected or old-format Office file (remove the password, "
                         f"or save it as {kind})")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        names = set(zf.namelist())
    except Exception:  # noqa: BLE001 - BadZipFile, NotImplementedError (odd zip versions), …
        raise InputError(f"{name}: not a valid {kind} (not a zip archive)") from None
    infos = zf.infolist()
    if len(infos) > DOCX_MAX_ENTRIES:
        raise InputError(f"{name}: {kind} has too many parts ({len(infos)})")
    total = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if total > max(DOCX_MAX_UNCOMPRESSED, 10 * max_bytes) or total / packed > DOCX_MAX_RATIO:
        raise InputError(f"{name}: {kind} expands to {total / 1e6:.0f} MB (zip bomb?)")
    if member not in names:
        raise InputError(f"{name}: not a {kind} file (no {member})")


def docx_text(data: bytes, name: str = "input.docx", max_bytes: int = 20_000_000) -> str:
    """Paragraphs and tables of a .docx in body order, one per line (tables rendered by
    extract.table_model, merged cells repeated where they span); zip bombs are refused."""
    _check_zip(data, name, ".docx", "word/document.xml", max_bytes)
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as err:  # noqa: BLE001 - python-docx/lxml raise many types on broken files
        raise InputError(f"{name}: unreadable .docx ({type(err).__name__})") from None
    lines: list[str] = []
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            lines.append(item.text)
        elif isinstance(item, Table):
            # row.cells has one entry per grid column: a merged cell repeats where it spans
            lines += render_table(TableModel([[cell.text for cell in row.cells] for row in item.rows]))
    return "\n".join(lines)


def xlsx_text(data: bytes, name: str = "input.xlsx", max_bytes: int = 20_000_000, legacy: bool = False) -> str:
    """Every sheet of a workbook as a table (merged ranges filled, formulas as their cached values),
    rendered by extract.table_model; read with calamine (12× faster than openpyxl here, and it reads
    the old binary .xls too). Password-protected files and zip bombs are refused."""
    if not legacy:
        _check_zip(data, name, ".xlsx", "xl/workbook.xml", max_bytes)
    from python_calamine import CalamineWorkbook
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = [wb.get_sheet_by_name(n) for n in wb.sheet_names]
    except Exception as err:  # noqa: BLE001 - calamine raises its own errors on broken/encrypted files
        kind = "password-protected or unreadable" if legacy else "unreadable"
        raise InputError(f"{name}: {kind} {'.xls' if legacy else '.xlsx'} ({type(err).__name__})") from None
    grids: list[list[list[str]]] = []
    cells = 0
    for sh in sheets:
        cells += (sh.total_height or 0) * (sh.total_width or 0)
        if cells > XLSX_MAX_CELLS:
            raise InputError(f"{name}: more than {XLSX_MAX_CELLS:,} cells")
        try:
            grid = [[_cell_text(v) for v in row] for row in sh.to_python(skip_empty_area=False)]
            merged = sh.merged_cell_ranges or []
        except Exception as err:  # noqa: BLE001
            raise InputError(f"{name}: unreadable sheet {sh.name!r} ({type(err).__name__})") from None
        for (r0, c0), (r1, c1) in merged:
            if r0 >= len(grid) or c0 >= len(grid[r0]):
                continue
            value = grid[r0][c0]
            for r in range(r0, min(r1 + 1, len(grid))):
                for c in range(c0, min(c1 + 1, len(grid[r]))):
                    grid[r][c] = value
        grids.append(grid)
    # a workbook with task tables: those sheets (a matrix or notes beside them are no document text)
    tables = [g for g in grids if any(is_header_row([clean_cell(c) for c in row]) for row in g[:5])]
    return "\n".join(line for g in (tables or grids) for line in render_table(TableModel(g)))


def _cell_text(value: object) -> str:
    """A cell value as printed: integers without .0, dates as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        text = value.isoformat()
        return text[:10] if text.endswith("00:00:00") else text
    return str(value)
