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

from extract.notes import Note, Segment, load_roles

HEADER_START = re.compile(r"^(?:序号|编号)\s*$", re.M)
DEADLINE_LABELS = ("完成时限", "时间进度", "时间节点", "完成时间", "时限要求", "进度安排", "时间安排")
ROW_NUMBER = re.compile(r"\d{1,3}")
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
            if not line or len(line) > 8 or ROW_NUMBER.fullmatch(line) or len(header) >= 10:
                break
            header.append(line)
            pos = e + 1
        role_cols = [roles.role_of(h, None) for h in header]
        role_cols = [r for h, r in zip(header, role_cols) if r and r != "APPLIES_TO" and
                     h.endswith(("单位", "部门", "主体", "处室", "科室"))]
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
            _assign(text, r, header, role_cols, is_actor_line)
        out.append(FlatTable(header, role_cols, rows))
    return out


def _assign(text: str, row: FlatRow, header: list[str], role_cols: list[str],
            is_actor_line: Callable[[int, int], bool]) -> None:
    groups: list[list[tuple[int, int]]] = []
    prev_actor = False
    for s, e in row.cells:
        line = text[s:e].strip()
        actor = line in ("——", "—", "/", "无") or is_actor_line(s, e)
        if actor and prev_actor and groups and text[groups[-1][-1][1] - 1] in "、，,":
            groups[-1].append((s, e))       # a cell wrapped over lines
        elif actor:
            groups.append([(s, e)])
        prev_actor = actor
    for k, g in enumerate(groups[:len(role_cols)]):
        row.role_cells.append((role_cols[k], g[0][0], g[-1][1]))
    if len(row.cells) == len(header) - 1:
        for label, (s, e) in zip(header[1:], row.cells):
            if label in DEADLINE_LABELS:
                row.deadline = text[s:e].strip()


def table_notes(tables: list[FlatTable]) -> list[Note]:
    """Each role cell as a one-segment note (so the note machinery reads it like `（牵头单位：…）`)."""
    return [Note(s, e, [Segment(s, e, role, "table-cell")], False)
            for t in tables for r in t.rows for role, s, e in r.role_cells]
