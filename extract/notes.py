"""Responsibility notes: find them and read who does what in which role.

A note is a bracketed annotation carrying a role cue (`（牵头单位：X，配合单位：Y）`, `（X、Y负责）`),
an unbracketed label line (`责任单位：…`), or a `【牵头单位】…` label. Roles come from one lexicon
(`role_words` of `data/cues.jsonl`: 牵头 → LEADS, 配合/协同/支撑/参与 → SUPPORTS, 责任/负责 → RESPONSIBLE_FOR): a
prefix label (any `…单位：`/`…部门：`/`…主体：` word) takes the role of the first lexicon word it contains,
and a label the lexicon does not know gives RESPONSIBLE_FOR, never a lead. Suffix verbs (`X牵头`,
`X牵头负责`, `X、Y按职责分工负责`, `X配合`) are the cues of `data/cues.jsonl`; `X会同Y负责` makes X lead.
A stated rule (`排在第一位的部门为牵头部门，下同`) is flagged on the note.

Rule families (registered in `SEGMENT_RULES`, tried in order on each segment between `，；`):
`prefix_label`, `bracket_label`, `joint_suffix` (会同), `suffix_verb`; segments without a cue take the
prefix role before them or the suffix role after them.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from extract.lexicon import cues

CJK = "\u4e00-\u9fff"


@dataclass
class Segment:
    start: int
    end: int
    role: str | None        # LEADS, CO_LEADS, RESPONSIBLE_FOR, SUPPORTS, APPLIES_TO or None
    cue: str = ""           # the rule family that set the role


@dataclass
class Note:
    start: int
    end: int
    segments: list[Segment]
    lead_rule: bool         # the note states "first listed leads" (applies from here on)


def bracket_spans(text: str, max_len: int = 800) -> list[tuple[int, int]]:
    """(start, end) of every top-level bracketed span （…） / (…) up to `max_len` characters."""
    stack: list[int] = []
    spans: list[tuple[int, int]] = []
    for m in BRACKET.finditer(text):
        if m.group(0) in "（(":
            stack.append(m.start())
        elif stack:
            s = stack.pop()
            if not stack and m.end() - s <= max_len:
                spans.append((s, m.end()))
    return spans


def bare_list_notes(text: str, is_actor_list: Callable[[int, int], bool], clause_end_at: Callable[[int], bool],
                    min_count: int = 3) -> list[Note]:
    """Bracketed lists of bodies closing measures without any label (`…。（区发展改革委、区财政局）`):
    notes with RESPONSIBLE_FOR, in a document whose measures are annotated that way (at least
    `min_count` such lists, each ending its measure)."""
    found = []
    for s, e in bracket_spans(text, 200):
        if "\n" in text[s:e] or not clause_end_at(e):
            continue
        if is_actor_list(s + 1, e - 1):
            found.append(Note(s, e, [Segment(s + 1, e - 1, "RESPONSIBLE_FOR", "bare_list")], False))
    return found if len(found) >= min_count else []


class RoleLexicon:
    """Role words (`role_words` of data/cues.jsonl), first match in file order wins."""

    def __init__(self) -> None:
        self.words = [(w, role) for w, role in cues("role_words")["words"]]

    def role_of(self, label: str, default: str | None = "RESPONSIBLE_FOR") -> str | None:
        for w, role in self.words:
            if w in label:
                return role
        return default


@lru_cache(maxsize=1)
def load_roles() -> RoleLexicon:
    return RoleLexicon()


BRACKET = re.compile(r"[（()）]")
_LABEL_HEAD = rf"[{CJK}]{{0,8}}?(?:单位|部门|主体|机构|处室|科室|范围)"
PREFIX_LABEL = re.compile(rf"\s*(?P<label>{_LABEL_HEAD})\s*[:：]\s*")
BRACKET_LABEL = re.compile(rf"\s*【(?P<label>{_LABEL_HEAD})】\s*[:：]?\s*")
# rule family type: (reader, text, segment) -> True when it set the segment's role
SegmentRule = Callable[["NoteReader", str, Segment], bool]
SEGMENT_RULES: list[tuple[str, SegmentRule]] = []


def segment_rule(name: str):
    def register(fn: SegmentRule) -> SegmentRule:
        SEGMENT_RULES.append((name, fn))
        return fn
    return register


@segment_rule("prefix_label")
def prefix_label(reader: "NoteReader", text: str, sg: Segment) -> bool:
    """`牵头单位：X` / `协同单位：Y` / `适用范围：Z`: role from the label's words."""
    m = PREFIX_LABEL.match(text, sg.start, sg.end) or reader.prefix_re.match(text, sg.start, sg.end)
    if not m:
        return False
    label = m.group(0).strip().rstrip(":：").strip()
    sg.role = reader.prefix.get(label) or reader.roles.role_of(label)
    sg.start = m.end()
    return True


@segment_rule("bracket_label")
def bracket_label(reader: "NoteReader", text: str, sg: Segment) -> bool:
    """`【牵头单位】X`."""
    m = BRACKET_LABEL.match(text, sg.start, sg.end)
    if not m:
        return False
    sg.role = reader.roles.role_of(m.group("label"))
    sg.start = m.end()
    return True


@segment_rule("suffix_verb")
def suffix_verb(reader: "NoteReader", text: str, sg: Segment) -> bool:
    """`X、Y牵头` / `X牵头负责` / `X、Y按职责分工负责` / `X配合`."""
    m = reader.suffix_re.search(text, sg.start, sg.end)
    if not m or m.start() == sg.start:
        return False
    sg.role = reader.suffix[m.group(0).strip()]
    sg.end = m.start()
    return True


class NoteReader:
    def __init__(self) -> None:
        self.roles = load_roles()
        self.prefix: dict[str, str] = cues("prefix_cues")["cues"]
        self.suffix: dict[str, str] = cues("suffix_cues")["cues"]
        self.lead_rule_re = re.compile("|".join(map(re.escape, cues("lead_rule")["phrases"])))
        pre = sorted(self.prefix, key=len, reverse=True)
        self.prefix_re = re.compile(rf"\s*(?:{'|'.join(map(re.escape, pre))})\s*[:：]\s*")
        suf = sorted(self.suffix, key=len, reverse=True)
        self.suffix_re = re.compile(rf"(?:{'|'.join(map(re.escape, suf))})\s*$")
        words = sorted(set(self.prefix) | set(self.suffix), key=len, reverse=True)
        self.cue_re = re.compile(rf"{'|'.join(map(re.escape, words))}|{_LABEL_HEAD}\s*[:：]|【{_LABEL_HEAD}】")
        self.line_note_re = re.compile(
            rf"(?:^|(?<=[。；]))\s*(?:【{_LABEL_HEAD}】|{_LABEL_HEAD}\s*[:：])[^\n。（(]*", re.M)
        self.joint_re = re.compile(r"会同")

    def _is_role_label(self, label: str) -> bool:
        return label in self.prefix or self.roles.role_of(label, None) is not None

    def find_notes(self, text: str) -> list[Note]:
        """Top-level bracketed notes carrying a cue, plus unbracketed label lines."""
        notes: list[Note] = []
        for s, e in bracket_spans(text):
            inner = text[s + 1:e - 1]
            if "\n" in inner or not self.cue_re.search(inner):
                continue
            note = self.read(text, s + 1, e - 1)
            if note:
                note.start, note.end = s, e
                notes.append(note)
        starts = [n.start for n in notes]
        ends = [n.end for n in notes]
        for m in self.line_note_re.finditer(text):
            i = bisect_right(starts, m.start()) - 1
            if i >= 0 and notes[i].start <= m.start() < ends[i]:
                continue
            note = self.read(text, m.start(), m.end())
            if note:
                notes.append(note)
        notes.sort(key=lambda n: n.start)
        return notes

    def split_joint(self, text: str, sg: Segment) -> list[Segment]:
        """`X会同Y负责` → X leads, Y takes the segment's role."""
        m = self.joint_re.search(text, sg.start, sg.end)
        if not m or m.start() == sg.start or sg.role is None:
            return [sg]
        return [Segment(sg.start, m.start(), "LEADS", "joint_suffix"),
                Segment(m.end(), sg.end, sg.role, "joint_suffix")]

    def read(self, text: str, start: int, end: int) -> Note | None:
        segs: list[Segment] = []
        pos = start
        for m in re.finditer(r"[，,；;]", text[start:end]):
            segs.append(Segment(pos, start + m.start(), None))
            pos = start + m.end()
        segs.append(Segment(pos, end, None))
        found = False
        current_prefix: str | None = None
        out: list[Segment] = []
        for sg in segs:
            for name, rule in SEGMENT_RULES:
                if rule(self, text, sg):
                    sg.cue = name
                    break
            if sg.cue == "prefix_label" or sg.cue == "bracket_label":
                current_prefix = sg.role
                found = True
            elif sg.cue == "suffix_verb":
                current_prefix = None
                found = True
            elif current_prefix:
                sg.role = current_prefix
            out += self.split_joint(text, sg) if sg.cue == "suffix_verb" else [sg]
        # cue-less segments before a suffix-cued one take its role (`A，B负责`)
        pending: list[Segment] = []
        for sg in out:
            if sg.role is None:
                pending.append(sg)
            else:
                for p in pending:
                    p.role = sg.role
                pending = []
        if not found:
            return None
        return Note(start, end, out, bool(self.lead_rule_re.search(text, start, end)))


@lru_cache(maxsize=1)
def load_note_reader() -> NoteReader:
    return NoteReader()
