"""Responsibility notes: find them and read who does what in which role.

Forms handled (cue words are data in `data/cues.jsonl`):
`（责任单位：…）`, `（负责部门：…；适用范围：…）`, `（X、Y负责）`, `（X牵头，Y…按职责分工负责）`,
`（X、Y负责，排在第一位的部门为牵头部门，下同）` (a lead rule stated once), `牵头单位：…，配合单位：…`,
`X作为牵头单位`, `X牵头`, `X、Y共同牵头`, `X配合`.
A note is split into segments at `，；`; a segment's role comes from a prefix cue (`责任单位：`) or a
suffix cue (`…牵头`); segments without a cue take the prefix role before them or the suffix role after.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from extract.gazetteer import read_jsonl


@dataclass
class Segment:
    start: int
    end: int
    role: str | None        # LEADS, CO_LEADS, RESPONSIBLE_FOR, SUPPORTS, APPLIES_TO or None


@dataclass
class Note:
    start: int
    end: int
    segments: list[Segment]
    lead_rule: bool         # the note states "first listed leads" (applies from here on)


class NoteReader:
    def __init__(self) -> None:
        cfg = {r["kind"]: r for r in read_jsonl("cues.jsonl")}
        self.prefix = cfg["prefix_cues"]["cues"]
        self.suffix = cfg["suffix_cues"]["cues"]
        self.lead_rule_re = re.compile("|".join(map(re.escape, cfg["lead_rule"]["phrases"])))
        pre = sorted(self.prefix, key=len, reverse=True)
        self.prefix_re = re.compile(rf"^\s*(?:{'|'.join(map(re.escape, pre))})\s*[:：]")
        suf = sorted(self.suffix, key=len, reverse=True)
        self.suffix_re = re.compile(rf"(?:{'|'.join(map(re.escape, suf))})\s*$")
        self.cue_re = re.compile("|".join(map(re.escape, sorted(set(self.prefix) | set(self.suffix),
                                                                 key=len, reverse=True))))
        self.line_note_re = re.compile(rf"(?:{'|'.join(map(re.escape, pre))})\s*[:：][^\n。（(]*")

    def find_notes(self, text: str) -> list[Note]:
        """Top-level bracketed notes carrying a cue, plus unbracketed `牵头单位：…` lines."""
        notes: list[Note] = []
        stack: list[int] = []
        spans: list[tuple[int, int]] = []
        for m in re.finditer(r"[（()）]", text):
            ch = m.group(0)
            if ch in "（(":
                stack.append(m.start())
            elif stack:
                s = stack.pop()
                if not stack and m.end() - s <= 800:
                    spans.append((s, m.end()))
        covered_until = -1
        for s, e in spans:
            inner = text[s + 1:e - 1]
            if "\n" in inner or not self.cue_re.search(inner):
                continue
            note = self.read(text, s + 1, e - 1)
            if note:
                note.start, note.end = s, e
                notes.append(note)
                covered_until = max(covered_until, e)
        starts = [n.start for n in notes]
        for m in self.line_note_re.finditer(text):
            i = bisect_right(starts, m.start()) - 1
            if i >= 0 and notes[i].start <= m.start() < notes[i].end:
                continue
            note = self.read(text, m.start(), m.end())
            if note:
                notes.append(note)
        notes.sort(key=lambda n: n.start)
        return notes

    def read(self, text: str, start: int, end: int) -> Note | None:
        segs: list[Segment] = []
        pos = start
        for m in re.finditer(r"[，,；;]", text[start:end]):
            segs.append(Segment(pos, start + m.start(), None))
            pos = start + m.end()
        segs.append(Segment(pos, end, None))
        found = False
        current_prefix: str | None = None
        for sg in segs:
            st = text[sg.start:sg.end]
            pm = self.prefix_re.match(st)
            if pm:
                cue = pm.group(0).strip().rstrip(":：").strip()
                current_prefix = self.prefix[cue]
                sg.role = current_prefix
                sg.start += pm.end()
                found = True
                continue
            sm = self.suffix_re.search(st)
            if sm:
                cue = sm.group(0).strip()
                sg.role = self.suffix[cue]
                sg.end = sg.start + sm.start()
                current_prefix = None
                found = True
                continue
            if current_prefix:
                sg.role = current_prefix
        # cue-less segments before a suffix-cued one take its role (`A，B负责`)
        pending: list[Segment] = []
        for sg in segs:
            if sg.role is None:
                pending.append(sg)
            else:
                for p in pending:
                    p.role = sg.role
                pending = []
        if not found:
            return None
        return Note(start, end, segs, bool(self.lead_rule_re.search(text, start, end)))
