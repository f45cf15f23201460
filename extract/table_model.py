"""One table model for every reader, and its rendering into the normalised text.

A `Table` is a grid of cell strings (merged cells already repeated into every position they cover:
python-docx does that itself, the HTML and XLSX readers expand rowspan/colspan and merged ranges).
`render_table` turns it into the text the extractor reads: the header cells one per line (a 序号
column first, numbered here when the table has none), then per row its number and every other cell
on a line of its own (an empty cell as ——), a category row (一、构建… across the whole row) as one
line. Header rows repeated on later pages are dropped. That is the shape task tables arrive in when
copied from web pages, so one parser (`extract.tables`) reads every format, and evidence offsets
point into the rendered lines.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from extract.lexicon import read_jsonl

EMPTY_CELL = "——"
_SPACE = re.compile(r"[ \t\u3000\xa0]+")
_LINE_BREAK = re.compile(r"\s*\n\s*")
_NUMBER = re.compile(r"\d{1,4}")
_CATEGORY = re.compile(r"[一二三四五六七八九十]{1,3}[、.．]|（[一二三四五六七八九十]{1,3}）|第[一二三四五六七八九十]{1,3}[部分类]")


@dataclass
class Table:
    rows: list[list[str]]

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


@lru_cache(maxsize=1)
def header_words() -> tuple[frozenset[str], tuple[str, ...]]:
    """(exact header labels, words that make a cell a header label) from data/table_headers.jsonl."""
    rows = read_jsonl("table_headers.jsonl")
    exact = frozenset(r["label"] for r in rows)
    words = tuple(sorted({w for r in rows for w in r.get("words", [])}, key=len, reverse=True))
    return exact, words


def clean_cell(value: object) -> str:
    """A cell's text on one line: line breaks inside a cell are dropped (区A、\\n区B → 区A、区B)."""
    text = "" if value is None else str(value)
    return _SPACE.sub(" ", _LINE_BREAK.sub("", text.strip())).strip()


def is_header_row(row: list[str]) -> bool:
    """Most non-empty cells of the row are column labels (序号, 重点任务, 牵头单位（部门）…)."""
    exact, words = header_words()
    cells = [c for c in row if c]
    if len(cells) < 2:
        return False
    hits = sum(1 for c in cells if len(c) <= 12 and (c in exact or any(w in c for w in words)))
    return hits >= max(2, (len(cells) + 1) // 2)


def render_table(table: Table) -> list[str]:
    """The table as lines (see the module docstring); a table without a header row is rendered as
    its cells line by line, so its text is not lost."""
    rows = [[clean_cell(c) for c in r] for r in table.rows]
    rows = [r for r in rows if any(r)]
    head_i = next((i for i, r in enumerate(rows[:5]) if is_header_row(r)), None)
    if head_i is None:       # no header: the cells line by line (a merged block once)
        return _dedupe([c for r in _dedupe(rows) for c in _dedupe(r) if c])
    header = rows[head_i]
    while header and not header[-1]:
        header = header[:-1]              # a sheet wider than its table (a long row, a stray cell)
    header = [c or "其他" for c in header]  # an unlabelled column keeps its place
    width = len(header)
    numbered = bool(header) and header[0] in ("序号", "编号")
    out = [c for r in rows[:head_i] for c in _dedupe(r) if c]     # a caption above the header
    out += (header if numbered else ["序号"] + header)
    n = 0
    for r in rows[head_i + 1:]:
        r = (r + [""] * width)[:width]
        if r == header:
            continue                                             # header repeated on a later page
        filled = [c for c in r if c]
        if len(set(filled)) == 1 and (len(filled) > 1 or _CATEGORY.match(filled[0])):
            out.append(filled[0])                                # a category row across the table
            continue
        if numbered:
            number = r[0] if _NUMBER.fullmatch(r[0]) else str(n + 1)
            cells = r[1:]
        else:
            number, cells = str(n + 1), r
        n = int(number)
        out.append(number)
        out += [c or EMPTY_CELL for c in cells]
    return out


def _dedupe(row: list[str]) -> list[str]:
    """Consecutive repeats of a merged cell once."""
    out: list[str] = []
    for c in row:
        if not out or c != out[-1]:
            out.append(c)
    return out


# -- Markdown pipe tables ---------------------------------------------------------------------------

_PIPE_ROW = re.compile(r"^\s*\|(.*)\|\s*$")
_PIPE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")


def markdown_tables(text: str) -> str:
    """Markdown pipe tables (a header row, a |---| rule, rows) rendered as table lines."""
    if "|" not in text:
        return text
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        if i + 1 < len(lines) and _PIPE_ROW.match(lines[i]) and _PIPE_RULE.match(lines[i + 1]):
            rows = [_pipe_cells(lines[i])]
            j = i + 2
            while j < len(lines) and _PIPE_ROW.match(lines[j]):
                rows.append(_pipe_cells(lines[j]))
                j += 1
            out += render_table(Table(rows))
            i = j
            continue
        out.append(lines[i])
        i += 1
    return "\n".join(out)


def _pipe_cells(line: str) -> list[str]:
    inner = _PIPE_ROW.match(line).group(1)
    return [c.replace("<br>", "").replace("<br/>", "").strip() for c in re.split(r"(?<!\\)\|", inner)]


# -- HTML tables --------------------------------------------------------------------------------------

def html_table_grid(table_node) -> list[list[str]]:
    """A selectolax <table> node as a grid: rowspan and colspan repeat a cell where it spans."""
    grid: list[list[str | None]] = []
    pending: dict[tuple[int, int], str] = {}          # (row, col) → text carried down by a rowspan
    for r, tr in enumerate(table_node.css("tr")):
        row: list[str | None] = []
        col = 0
        for cell in tr.iter():
            if cell.tag not in ("td", "th"):
                continue
            while (r, col) in pending:
                row.append(pending.pop((r, col)))
                col += 1
            text = cell.text(separator="\n", strip=True)
            span = _span(cell.attributes.get("colspan"))
            down = _span(cell.attributes.get("rowspan"))
            for c in range(col, col + span):
                row.append(text)
                for k in range(1, down):
                    pending[(r + k, c)] = text
            col += span
        while (r, col) in pending:
            row.append(pending.pop((r, col)))
            col += 1
        grid.append([c or "" for c in row])
    return grid


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 200))
    except ValueError:
        return 1
