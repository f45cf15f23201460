"""Duties stated in running text: who does which measure when no annotation says so.

The grammar (cue words are data in `data/cues.jsonl`, kind `duties`): a subject — one actor or a list
of actors (X、Y / X和Y), optionally after 由 or 经 — at a sentence or clause start, then
- `牵头` / `牵头负责` → LEADS;
- `会同` Y… → the subject LEADS, the named Y are RESPONSIBLE_FOR (会同有关部门: nobody more);
- `配合` / `参与` / `协助` / `协同` → SUPPORTS;
- `负责`, `联合`/`共同` + verb, a duty verb (制定, 实施, 组织, 预审 …), a duty phrase (各司其职) or
  any predicate after a modal (X须…, X要…, X应当…) → RESPONSIBLE_FOR.
A sentence that starts with 会同 continues the previous subject. Inside a numbered item the duty
attaches to that clause; elsewhere the predicate up to the next `，。；` is a Task.

A working group (`成立由X、Y牵头的…工作小组，成员单位由A、B…组成`) is a Task led by X and Y and
supported by its member units.

Each family is a function of `DutyReader` registered in `DUTY_RULES`, with its own table test.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from itertools import chain
from typing import Callable

from extract.lexicon import cues

CJK = "\u4e00-\u9fff"
CLAUSE_BREAK = re.compile(r"[，,；;：:]")
PREDICATE_END = re.compile(r"[，,。；;！？\n]")
GENERIC_CO = re.compile(r"(?:有关|相关|各)[^，。；]{0,8}?(?:部门|单位)")


@dataclass
class Duty:
    subjects: list           # actor hits
    role: str
    start: int               # where the duty's wording starts (evidence)
    end: int
    others: list = field(default_factory=list)      # (hit, role) of co-actors (会同 Y, 成员单位)
    task: tuple[int, int] | None = None             # span of the predicate, a Task's name outside clauses
    rule: str = ""


RUNNING_DUTY_MODAL = "running-duty-modal"     # rule id of a bare obligation (X须…), matched in extract.role_rules
DUTY_RULES: list[tuple[str, Callable]] = []
SENTENCE_RULES = frozenset({"working-group", "group-members"})   # tried once per sentence


def duty_rule(name: str):
    def register(fn):
        DUTY_RULES.append((name, fn))
        return fn
    return register


class DutyReader:
    """Reads duties from text given the actor hits (`actor_at(pos)` → hit starting at pos or None,
    `generic_at(pos)` → generic hit starting at pos or None)."""

    def __init__(self) -> None:
        cfg = cues("duties")
        self.verbs = tuple(sorted(cfg["verbs"], key=len, reverse=True))
        self.modal = tuple(sorted(cfg["modal"], key=len, reverse=True))
        self.phrases = tuple(sorted(cfg.get("phrases", []), key=len, reverse=True))
        self.group_heads = "|".join(map(re.escape, cfg["group_heads"]))
        self.group_re = re.compile(rf"由(?P<leads>[^。；，]{{2,80}}?)牵头的(?P<name>[{CJK}“”]{{2,30}}?(?:{self.group_heads}))")
        self.made_of_re = re.compile(rf"由(?P<list>[^。；]{{2,300}}?)(?:组成|构成)的(?P<name>[{CJK}“”]{{2,30}}?(?:{self.group_heads}))")
        self.lead_unit_re = re.compile(r"为[^，。；]{0,16}?牵头(?:单位|部门)")
        self.members_re = re.compile(r"成员单位(?:由|包括|为)(?P<list>[^。；]{2,400}?)(?:组成|构成|等)")

    # -- pieces ----------------------------------------------------------------------------
    def actor_list(self, text: str, pos: int, actor_at, generic_at, end: int) -> tuple[list, list, int]:
        """Actors (and generic units) listed from `pos`: (actor hits, generic hits, end offset)."""
        actors, generic = [], []
        p = pos
        while p < end:
            h = actor_at(p)
            g = None if h is not None else generic_at(p)
            if h is None and g is None:
                break
            (actors if h is not None else generic).append(h or g)
            p = (h or g).end
            if text.startswith("等", p):
                p += 1
                g2 = generic_at(p)
                if g2 is not None:
                    p = g2.end
                elif text.startswith(("部门", "单位"), p):
                    p += 2
                break
            if p < end and text[p] in "、和与及":
                q = p + 1
                if actor_at(q) is not None or generic_at(q) is not None:
                    p = q
                    continue
            break
        return actors, generic, p

    def predicate(self, text: str, pos: int, end: int) -> tuple[int, int]:
        """The predicate from `pos` to the next `，。；` (a comma right after the subject is skipped:
        X会同有关部门，针对…加强统筹协调)."""
        while pos < end and text[pos] in "，, ":
            pos += 1
        m = PREDICATE_END.search(text, pos, end)
        return pos, (m.start() if m else end)

    NOT_TASK = re.compile(r"了|^(?:制定|制订|印发|出台|起草)《")

    def task_span(self, text: str, ts: int, te: int) -> tuple[int, int] | None:
        """A predicate that names a task: not past events (制定了…) nor this document itself (制定《…》)."""
        if te - ts < 4 or self.NOT_TASK.search(text, ts, te):
            return None
        return ts, te

    def read(self, text: str, sentences: list[tuple[int, int]], actor_at, generic_at) -> list[Duty]:
        out: list[Duty] = []
        last_subjects: list = []
        commas = [m.end() for m in CLAUSE_BREAK.finditer(text)]
        for s, e in sentences:
            if s == 0 or text[s - 1] == "\n":
                last_subjects = []      # a subject carries over sentences of one paragraph only
            m = self.MARKER.match(text, s, e)
            first_start = m.end() if m else s
            # later starts: after a comma, only where a subject (or 会同) begins
            later = (p for p in commas[bisect_right(commas, s):bisect_left(commas, e + 1)]
                     if actor_at(p) is not None or actor_at(p + 1) is not None or text.startswith("会同", p))
            for k, start in enumerate(chain((first_start,), later)):
                first = k == 0
                subject = not first or actor_at(start) is not None or actor_at(start + 1) is not None \
                    or text.startswith("会同", start)
                for name, rule in DUTY_RULES:
                    if (name in SENTENCE_RULES and not first) or (name not in SENTENCE_RULES and not subject):
                        continue
                    d = rule(self, text, start, e, actor_at, generic_at, last_subjects)
                    if d is not None:
                        out.append(d)
                        last_subjects = d.subjects
                        break
        return out

    MARKER = re.compile(r"\s*(?:[（(][一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十]{1,3}[、是]|\d{1,3}[.．、]"
                        r"|第[一二三四五六七八九十百\d]{1,5}条\s*)")

    def _after_modal(self, text: str, p: int) -> int:
        for w in self.modal:
            if text.startswith(w, p):
                return p + len(w)
        return p


@duty_rule("working-group")
def working_group(reader: DutyReader, text: str, start: int, end: int, actor_at, generic_at, last) -> Duty | None:
    """成立由X、Y牵头的…工作小组，成员单位由A、B…组成 → a Task led by X, Y and supported by A, B."""
    if text.find("牵头的", start, end) < 0:
        return None
    m = reader.group_re.search(text, start, end)
    if not m or text[start:m.start()].strip("成立设立组建建立 ，,") != "":
        return None
    leads, _, _ = reader.actor_list(text, m.start("leads"), actor_at, generic_at, m.end("leads"))
    if not leads:
        return None
    others = []
    mm = reader.members_re.search(text, m.end(), end)
    if mm:
        p = mm.start("list")
        while p < mm.end("list"):
            h = actor_at(p)
            if h is not None:
                others.append((h, "SUPPORTS"))
                p = h.end
            else:
                p += 1
    return Duty(leads, "LEADS", start, end, others, (m.start("name"), m.end("name")), "working-group")


@duty_rule("group-members")
def group_members(reader: DutyReader, text: str, start: int, end: int, actor_at, generic_at, last) -> Duty | None:
    """设立由A、B…组成的…工作小组 → the members support the group's work (the clause it stands in)."""
    if text.find("组成的", start, end) < 0 and text.find("构成的", start, end) < 0:
        return None
    m = reader.made_of_re.search(text, start, end)
    if not m or m.start() - start > 20:
        return None
    members = []
    p = m.start("list")
    while p < m.end("list"):
        h = actor_at(p)
        if h is not None:
            members.append(h)
            p = h.end
        else:
            p += 1
    if not members:
        return None
    return Duty(members, "SUPPORTS", start, end, [], (m.start("name"), m.end("name")), "group-members")


@duty_rule("lead-unit")
def lead_unit(reader: DutyReader, text: str, start: int, end: int, actor_at, generic_at, last) -> Duty | None:
    """X为（工作小组办公室、）牵头单位 → X leads."""
    subjects, _, q = reader.actor_list(text, start, actor_at, generic_at, end)
    if not subjects:
        return None
    m = reader.lead_unit_re.match(text, q)
    if not m:
        return None
    return Duty(subjects, "LEADS", start, m.end(), [], None, "lead-unit")


@duty_rule("subject-duty")
def subject_duty(reader: DutyReader, text: str, start: int, end: int, actor_at, generic_at, last) -> Duty | None:
    """X牵头… / X会同Y… / X负责… / 由X负责… / 经X初审… / X制定… at a sentence or clause start."""
    p = start
    via = ""
    if text.startswith(("由", "经"), p):
        via, p = text[p], p + 1
    subjects, _, q = reader.actor_list(text, p, actor_at, generic_at, end)
    if not subjects:
        if via or not text.startswith("会同", p) or not last:
            return None
        subjects, q = last, p           # 会同Y… continues the previous sentence's subject
    if q < end and text[q] in ":：":
        q += 1                           # 镇城运中心：负责…
    q0 = q
    rule = "running-duty"
    q = reader._after_modal(text, q)
    modal = q > q0
    others: list = []
    if text.startswith(("牵头负责", "负责牵头"), q) or text.startswith("牵头", q):
        role, q = "LEADS", q + (4 if text.startswith(("牵头负责", "负责牵头"), q) else 2)
    elif text.startswith("会同", q):
        role = "LEADS"
        co, gen, q2 = reader.actor_list(text, q + 2, actor_at, generic_at, end)
        if not co and not gen:
            m = GENERIC_CO.match(text, q + 2)
            if not m:
                return None
            q2 = m.end()
        others = [(h, "RESPONSIBLE_FOR") for h in co]
        q = q2
    elif text.startswith("负责", q):
        role, q = "RESPONSIBLE_FOR", q + 2
    elif text.startswith(("配合", "参与", "协助", "协同"), q):
        role, q = "SUPPORTS", q + 2
    elif text.startswith(("联合", "共同"), q):
        role, q = "RESPONSIBLE_FOR", q + 2
    elif text.startswith(reader.verbs, q) or text.startswith(reader.phrases, q):
        role = "RESPONSIBLE_FOR"
    elif modal and via != "经":
        role = "RESPONSIBLE_FOR"         # X须…/X要…/X应当…: an obligation whatever the verb
        rule = RUNNING_DUTY_MODAL
    else:
        return None
    if via == "经" and role != "RESPONSIBLE_FOR":
        return None
    ts, te = reader.predicate(text, q, end)
    return Duty(subjects, role, start, te, others, reader.task_span(text, ts, te), rule)
