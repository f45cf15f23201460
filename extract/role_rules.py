"""Relation rule families for roles: who LEADS, is RESPONSIBLE_FOR or SUPPORTS which measure (a numbered
clause) or Task, read from responsibility notes, role columns of tables, running-text duties
(extract.duties) and `X作为…的牵头单位`-style sentences. Each family is a function `(build) -> None`;
extract.relations runs them in the order of its `RELATION_RULES`. The rule ids below are the `rule` of
the relations each family makes (running-text duties keep the ids of extract.duties)."""
from __future__ import annotations

import re
from bisect import bisect_right

from graph.model import ACTOR_LABELS

from extract.duties import RUNNING_DUTY_MODAL
from extract.graph_builder import Build
from extract.hits import PLACE_TYPES

RESPONSIBILITY_NOTE = "responsibility-note"
NOTE_LEAD_RULE = "note-lead-rule"
NOTE_SCOPE = "note-scope"
TABLE_COLUMN = "table-column"
LEAD_IN_TEXT = "lead-in-text"
LEAD_JOINTLY = "lead-jointly"
COORDINATION_PARTNER = "coordination-partner"

GENERIC_AT = re.compile(r"(?:各|有关|相关|其他)[^，。；、\n]{0,6}?(?:部门|单位|街镇|镇|园区|政府|机构|企业)")


class _Span:
    """A matched generic unit (start, end) for the duty grammar."""

    def __init__(self, start: int, end: int) -> None:
        self.start, self.end = start, end


def responsibility_notes(b: Build) -> None:
    """Notes `（牵头单位：X，配合单位：Y）` / `（X、Y负责）` / `适用范围：Z` → roles on the clause noted."""
    # a note above sub-items states its heading's Task; a stated lead rule (排在第一位…) makes leads
    g, clauses = b.g, b.clauses
    lead_rule = False
    found = 0
    notes = b.notes if b.notes is not None else b.cues.notes.find_notes(b.text)
    for note in notes:
        found += 1
        lead_rule = lead_rule or note.lead_rule
        target = b.clause_at(note.start)
        if target is None:
            # a note right after a clause's end (trailing punctuation trimmed) belongs to it
            i = bisect_right(b.cstarts, note.start) - 1
            if i >= 0 and note.start - clauses[i][0].end <= 2:
                target = clauses[i][1]
        if target is None:
            # a numbered heading that states a task and its own note above its sub-items
            # (task-division plans: （一）… （财政部…按职责分工负责） 具体措施：1．…) → a Task
            target = b.heading_task(note.start)
        if target is None:
            continue
        ev = g.span(note.start, note.end)
        first = True
        for sg in note.segments:
            if sg.role is None:
                continue
            actors = b.actors(sg.start, sg.end)
            if sg.role == "APPLIES_TO":
                for t in actors:
                    if t.type in ("FTZ", "Zone", "Province", "County", "City"):
                        g.rel("APPLIES_TO", target, g.entity(t), ev, NOTE_SCOPE)
                continue
            for t in actors:
                role = sg.role
                if lead_rule and first and role == "RESPONSIBLE_FOR":
                    role = "LEADS"
                rule = NOTE_LEAD_RULE if role != sg.role else RESPONSIBILITY_NOTE
                g.role(role, g.entity(t), target, ev, rule)
                first = False
    b.n_notes = found


def table_columns(b: Build) -> None:
    """Cell lines made only of actors under a role column (指导部门, 责任单位), when no table was read as rows."""
    if any(t.rows for t in b.tables):
        return
    g, text = b.g, b.text
    m = b.cues.table_head_re.search(text)
    if not m:
        return
    role = b.cues.table_roles[m.group(1)]
    for blk, cid in b.clauses:
        pos = blk.start
        for line in text[blk.start:blk.end].split("\n"):
            s, e = pos, pos + len(line)
            pos = e + 1
            if not line.strip() or len(line) > 200:
                continue
            actors = b.actors(s, e)
            if actors and b.covered_by_actors(s, e):
                ev = g.span(s, e)
                for t in actors:
                    g.role(role, g.entity(t), cid, ev, TABLE_COLUMN)
                    b.n_notes += 1


def running_duties(b: Build) -> None:
    """Running-text duties of a policy or plan (extract.duties: X牵头…, 由X负责…, X会同Y…) on their clause."""
    # outside clauses a duty names a Task; in an annotated document only the explicit forms
    # (牵头, 会同, working groups) make Tasks
    g, text = b.g, b.text
    if (g.nd.meta or {}).get("kind") not in ("policy", "plan"):
        return
    noted = bool(b.n_notes)
    by_start = {h.start: h for h in b.top if h.kind not in ("generic", "person")
                and any(t.type in ACTOR_LABELS for t in h.targets)}

    def actor_at(pos: int):
        return by_start.get(pos)

    def generic_at(pos: int):
        m = GENERIC_AT.match(text, pos)
        return _Span(m.start(), m.end()) if m else None

    noted_clauses = {b.clause_at(n.start) for n in (b.notes or [])}
    for d in b.cues.duty_reader.read(text, g.nd.sentences, actor_at, generic_at):
        target = b.clause_at(d.start)
        if target in noted_clauses:
            # an annotated measure: places named as subjects are its scope, not its actors, and
            # a bare obligation (X要…) restates the note rather than adding an actor
            if d.rule == RUNNING_DUTY_MODAL:
                continue
            d.subjects = [h for h in d.subjects if h.targets[0].type not in PLACE_TYPES]
            if not d.subjects:
                continue
        if target is None:
            if d.task is None or (noted and d.role != "LEADS"):
                continue
            name = text[d.task[0]:d.task[1]].strip()
            if len(name) < 4:
                continue
            target = b.task(name, d.task[0])
        ev = g.span(d.start, d.end)
        for h in d.subjects:
            for t in h.targets:
                g.role(d.role, g.entity(t), target, ev, d.rule)
        for h, role in d.others:
            for t in h.targets:
                g.role(role, g.entity(t), target, ev, d.rule)


def lead_as_task(b: Build) -> None:
    """`X作为建立…机制的牵头单位` → X LEADS that Task (and the partners named after it support it)."""
    g = b.g
    for m in b.cues.lead_of_re.finditer(b.text):
        h = b.actor_before(m.start())
        if h is None:
            continue
        tid = b.task(m.group("task"), m.start("task"))
        for t in h.targets:
            g.role("LEADS", g.entity(t), tid, g.sentence(m.start()), LEAD_IN_TEXT)
        _partners(b, m.end(), tid)


def lead_built(b: Build) -> None:
    """`X牵头建立的…机制` → X LEADS the Task of building it."""
    g = b.g
    for m in b.cues.lead_built_re.finditer(b.text):
        h = b.actor_before(m.start())
        if h is None:
            continue
        tid = b.task(m.group("verb") + m.group("task"), m.start("task"))
        for t in h.targets:
            g.role("LEADS", g.entity(t), tid, g.sentence(m.start()), LEAD_IN_TEXT)


def lead_jointly(b: Build) -> None:
    """A line starting `X要/将/负责…会同…建立…机制` → X LEADS that Task."""
    g, text = b.g, b.text
    for m in b.cues.jointly_re.finditer(text):
        ls = text.rfind("\n", 0, m.start()) + 1
        h = b.actor_at(ls)
        if h is None or not re.match(r"(?:要|将|应|负责|牵头)", text[h.end:h.end + 2]):
            continue
        tid = b.task(m.group("task"), m.start("task"))
        for t in h.targets:
            g.role("LEADS", g.entity(t), tid, g.sentence(m.start()), LEAD_JOINTLY)


def lead_bare(b: Build) -> None:
    """`X作为牵头单位` alone: X LEADS the Task stated before that shares most words with the sentence."""
    g, text = b.g, b.text
    cands: list[tuple[int, str]] = [(m.start("task"), m.group("task")) for m in b.cues.task_re.finditer(text)]
    for name, tid in list(b.tasks.items()):
        for mm in g.entities[tid].mentions[:1]:
            cands.append((mm.start, name))
    cands.sort()
    for m in b.cues.lead_bare_re.finditer(text):
        h = b.actor_before(m.start())
        if h is None:
            continue
        prev = [c for c in cands if c[0] < m.start() and m.start() - c[0] <= 3000]
        if not prev:
            continue
        # the task the lead sentence talks about: most shared character pairs, then the nearest
        ss, se = g.nd.sentence_at(m.start())
        sent = text[ss:se]
        s, name = max(prev, key=lambda c: (sum(1 for k in range(len(c[1]) - 1) if c[1][k:k + 2] in sent),
                                           c[0]))
        tid = b.task(name, s)
        for t in h.targets:
            g.role("LEADS", g.entity(t), tid, g.sentence(m.start()), LEAD_IN_TEXT)
        _partners(b, m.end(), tid)


def _partners(b: Build, pos: int, tid: str) -> None:
    """`…作为牵头单位…加强与南京海关、杭州海关的协调配合` → the partners support the task."""
    g = b.g
    s, e = g.nd.sentence_at(pos)
    m = b.cues.partner_re.search(b.text, pos, e)
    if not m:
        return
    ev = g.sentence(pos)
    for t in b.actors(m.start("list"), m.end("list")):
        g.role("SUPPORTS", g.entity(t), tid, ev, COORDINATION_PARTNER)
