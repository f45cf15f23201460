"""Task-division tables flattened one cell per line (how HTML-to-text copies of 任务分工表 arrive).

A header is a run of short lines starting with `序号` (序号 / 重点任务 / 具体工作 / 时间进度 / 责任部门 …);
its role columns are the header cells whose label has a role word (牵头单位, 配合部门, 责任部门 …: the
same lexicon as the notes). A row starts at a line holding only its number; its role cells are the
lines made of actor names and generic units (a cell may wrap over several lines), taken in header
order; its deadline is the cell under 完成时限 / 时间进度 / 时间节点 when the columns line up.

`flattened_tables(text, is_actor_line)` returns each table's rows with their role cells as spans, so
the caller reads the cells with the body grammar like any responsibility list.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from extract.lexicon import read_jsonl
from extract.notes import Note, Segment, load_roles
from extract.table_model import EMPTY_CELL, header_words

HEADER_START = re.compile(r"^(?:序号|编号)\s*$", re.M)
DEADLINE_LABELS = frozenset(r["label"] for r in read_jsonl("table_headers.jsonl") if r["meaning"] == "deadline")
_QUALIFIER = re.compile(r"[（(][^）)]*[）)]$")     # 牵头单位（部门）
ROW_NUMBER = re.compile(r"\d{1,4}")
CATEGORY = re.compile(r"[一二三四五六七八九十]{1,3}、")
DATE_LINE = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")


@dataclass
class FlatRow:
    number: int
    start: int
    end: int
    cells: list[tuple[int, int]] = field(default_factory=list)           # every cell line after 序号
    role_cells: list[tuple[str, int, int]] = field(default_factory=list)  # (role, start, end)
    deadline: str | None = None


@dataclass
class FlatTable:
    header: list[str]
    roles: list[str]
    rows: list[FlatRow]


def _is_label(line: str) -> bool:
    exact, words = header_words()
    return line in exact or any(w in line for w in words)


def _lines(text: str, start: int, end: int):
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl < 0 else nl
        yield pos, stop
        pos = stop + 1


def flattened_tables(text: str, is_actor_line: Callable[[int, int], bool]) -> list[FlatTable]:
    roles = load_roles()
    out: list[FlatTable] = []
    for m in HEADER_START.finditer(text):
        header: list[str] = []
        pos = m.start()
        for s, e in _lines(text, m.start(), len(text)):
            line = text[s:e].strip()
            if not line or len(line) > 12 or ROW_NUMBER.fullmatch(line) or len(header) >= 12 or \
                    CATEGORY.match(line) or not (len(line) <= 6 or _is_label(line)):
                break
            header.append(line)
            pos = e + 1
        role_at = {k: roles.role_of(h, None) for k, h in enumerate(header)}
        role_at = {k: r for k, r in role_at.items() if r and r != "APPLIES_TO" and
                   _QUALIFIER.sub("", header[k]).endswith(("单位", "部门", "主体", "处室", "科室"))}
        role_cols = [role_at[k] for k in sorted(role_at)]
        if len(header) < 3 or not role_cols:
            continue
        rows: list[FlatRow] = []
        row: FlatRow | None = None
        for s, e in _lines(text, pos, len(text)):
            line = text[s:e].strip()
            if ROW_NUMBER.fullmatch(line) and (row is None or int(line) != row.number):
                if row is not None:
                    row.end = s - 1
                row = FlatRow(int(line), s, e)
                rows.append(row)
                continue
            if line in header:          # a header row repeated on a later page
                continue
            if row is None:
                continue
            if DATE_LINE.fullmatch(line):      # the signature after the table: issuer, then date
                if row.cells and len(text[row.cells[-1][0]:row.cells[-1][1]]) <= 40:
                    row.cells.pop()
                row.end = s - 1
                row = None
                break
            if CATEGORY.match(line) and len(line) <= 30:
                row.end = s - 1
                row = None
                continue
            row.cells.append((s, e))
        if row is not None:
            row.end = len(text)
        for r in rows:
            _assign(text, r, header, role_at, is_actor_line)
        out.append(FlatTable(header, role_cols, rows))
    return out


def _assign(text: str, row: FlatRow, header: list[str], role_at: dict[int, str],
            is_actor_line: Callable[[int, int], bool]) -> None:
    """Role cells and deadline of a row: by column when the row has a cell for every column (a table
    rendered by a reader, or a clean copy), else the cell lines made of names, in header order."""
    aligned = len(row.cells) == len(header) - 1 and all(
        text[s:e].strip() == EMPTY_CELL or is_actor_line(s, e)
        for k, (s, e) in enumerate(row.cells, start=1) if k in role_at)
    if aligned:    # a cell for every column, and names where the role columns are
        for k, (s, e) in enumerate(row.cells, start=1):
            cell = text[s:e].strip()
            if k in role_at and cell != EMPTY_CELL:
                row.role_cells.append((role_at[k], s, e))
            elif header[k] in DEADLINE_LABELS and cell != EMPTY_CELL:
                row.deadline = cell
        return
    role_cols = [role_at[k] for k in sorted(role_at)]
    groups: list[list[tuple[int, int]]] = []
    prev_actor = False
    for s, e in row.cells:
        line = text[s:e].strip()
        actor = line in (EMPTY_CELL, "—", "/", "无") or is_actor_line(s, e)
        if actor and prev_actor and groups and text[groups[-1][-1][1] - 1] in "、，,":
            groups[-1].append((s, e))       # a cell wrapped over lines
        elif actor:
            groups.append([(s, e)])
        prev_actor = actor
    for k, g in enumerate(groups[:len(role_cols)]):
        if text[g[0][0]:g[-1][1]].strip() != EMPTY_CELL:
            row.role_cells.append((role_cols[k], g[0][0], g[-1][1]))


def table_notes(tables: list[FlatTable]) -> list[Note]:
    """Each role cell as a one-segment note (so the note machinery reads it like `（牵头单位：…）`)."""
    return [Note(s, e, [Segment(s, e, role, "table-cell")], False)
            for t in tables for r in t.rows for role, s, e in r.role_cells]


_ISO = re.compile(r"(\d{4})[-/.年](\d{1,2})(?:[-/.月](\d{1,2})日?)?")
_YEAR_END = re.compile(r"(\d{4})\s*年\s*(?:底|末|年底|年末|12月底)")
_HALF = re.compile(r"(\d{4})\s*年\s*(上|下)半年")
_QUARTER = re.compile(r"(\d{4})\s*年\s*(?:第)?([一二三四1-4])季度")
_QUARTER_MONTH = {"一": 3, "二": 6, "三": 9, "四": 12, "1": 3, "2": 6, "3": 9, "4": 12}


def deadline_date(text: str | None) -> str | None:
    """An ISO date or year-month read from a deadline as printed: 2026年3月31日 → 2026-03-31,
    2025年6月 → 2025-06, 2026年底 → 2026-12, 2025年上半年 → 2025-06, 2026年三季度 → 2026-09;
    None where none can be read (全年推进, 持续推进, 三季度完成 without a year)."""
    if not text:
        return None
    m = _YEAR_END.search(text)
    if m:
        return f"{m.group(1)}-12"
    m = _HALF.search(text)
    if m:
        return f"{m.group(1)}-{'06' if m.group(2) == '上' else '12'}"
    m = _QUARTER.search(text)
    if m:
        return f"{m.group(1)}-{_QUARTER_MONTH[m.group(2)]:02d}"
    m = _ISO.search(text)
    if m and 1 <= int(m.group(2)) <= 12:
        if m.group(3) and 1 <= int(m.group(3)) <= 31:
            return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
        return f"{m.group(1)}-{int(m.group(2)):02d}"
    return None
