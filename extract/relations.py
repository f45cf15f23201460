"""From resolved hits and document structure to a `DocumentGraph`.

Relations, each with evidence (sentence or note, offsets into the normalised text) and a `rule`:
role relations from responsibility notes and table cells (extract.notes, extract.tables), from
running-text duties (extract.duties: X牵头, X会同Y, 由X负责, X须…) and `X作为…的牵头单位`; Tasks;
qualified bodies LOCATED_IN their jurisdiction's place; APPLIES_TO (`适用范围：`, `在…内`), LOCATED_IN / SUBORDINATE_TO / PART_OF (gazetteer parents,
`A隶属B`), MEMBER_OF (`由A、B和C联合发起设立`), HOLDS_POSITION (title chains), ISSUED_BY,
HAS_CLAUSE and MENTIONS. Clauses and Tasks get policy `areas` from keyword rules (data/areas.jsonl).
"""
from __future__ import annotations

import copy
import re
from bisect import bisect_left, bisect_right
from typing import Any

from graph.model import (ACTOR_LABELS, ROLE_TYPES, DocumentGraph, Entity, Evidence, Mention, Relation,
                         clause_id, document_id, entity_id)

from extract.bodies import load_body_grammar
from extract.areas import load_areas
from extract.document import NormalisedDocument
from extract.duties import DutyReader
from extract.gazetteer import Gazetteer
from extract.lexicon import cues, read_jsonl
from extract.notes import load_note_reader
from extract.recognise import PLACE_TYPES, Hit, Target
from extract.tables import deadline_date

ROLE_RANK = {t: i for i, t in enumerate(ROLE_TYPES)}
CJK = "\u4e00-\u9fff"


class _Span:
    """A matched generic unit (start, end) for the duty grammar."""

    def __init__(self, start: int, end: int) -> None:
        self.start, self.end = start, end


class _Graph:
    """Accumulates entities (by id) and relations (deduplicated by key) for one document."""

    def __init__(self, nd: NormalisedDocument) -> None:
        self.nd = nd
        self.doc_id = nd.doc_id
        self.entities: dict[str, Entity] = {}
        self.relations: dict[tuple[str, str, str], Relation] = {}
        self._ids: dict[tuple[str, str], str] = {}

    def entity(self, t: Target) -> str:
        key = (t.type, t.name)
        eid = self._ids.get(key)
        if eid is None:
            eid = self._ids[key] = entity_id(t.type, t.name)
        ent = self.entities.get(eid)
        if ent is None:
            ent = Entity(eid, t.type, t.name, [], {k: v for k, v in t.props.items()})
            self.entities[eid] = ent
        if t.alias and t.alias != t.name and t.alias not in ent.aliases:
            ent.aliases.append(t.alias)
        return eid

    def mention(self, eid: str, start: int, end: int) -> None:
        ent = self.entities[eid]
        if not ent.mentions or ent.mentions[-1].start != start or ent.mentions[-1].end != end:
            ent.mentions.append(Mention(start, end, self.nd.text[start:end]))

    def sentence(self, pos: int) -> Evidence:
        s, e = self.nd.sentence_at(pos)
        return Evidence(self.nd.text[s:e], s, e)

    def span(self, s: int, e: int) -> Evidence:
        return Evidence(self.nd.text[s:e], s, e)

    def rel(self, typ: str, src: str, tgt: str, ev: Evidence | None, rule: str, **props: Any) -> None:
        if src == tgt:
            return
        key = (src, typ, tgt)
        if key not in self.relations:
            self.relations[key] = Relation(typ, src, tgt, ev, rule, dict(props))

    def role(self, typ: str, src: str, tgt: str, ev: Evidence, rule: str) -> None:
        """One role per (actor, measure): the strongest stated wins."""
        for other in ROLE_TYPES:
            key = (src, other, tgt)
            if key in self.relations:
                if ROLE_RANK[other] <= ROLE_RANK[typ]:
                    return
                del self.relations[key]
        self.relations[(src, typ, tgt)] = Relation(typ, src, tgt, ev, rule)


class RelationExtractor:
    def __init__(self, gaz: Gazetteer) -> None:
        self.gaz = gaz
        self.notes = load_note_reader()
        self.duty_reader = DutyReader()
        self.areas = load_areas()
        cfg = cues("running_text")
        self.cfg = cfg
        lead_as = "|".join(map(re.escape, cfg["lead_as"]))
        verbs = "|".join(map(re.escape, cfg["task_verbs"]))
        heads = "|".join(map(re.escape, cfg["task_heads"]))
        intro = "|".join(map(re.escape, cfg["task_intro"]))
        self.lead_of_re = re.compile(rf"作为(?P<task>(?:{verbs})[^，。；！？\n]{{2,40}}?(?:{heads}))的牵头(?:单位|部门)")
        self.lead_bare_re = re.compile(rf"(?:{lead_as})")
        self.task_re = re.compile(rf"(?:{intro})[，,：:]?(?P<task>(?:{verbs})[^，。；！？\n]{{2,40}}?(?:{heads}))(?=[。；，])")
        self.partner_re = re.compile(rf"与(?P<list>[^，。；]{{2,60}}?)的?(?:{'|'.join(cfg['partner'])})")
        self.lead_built_re = re.compile(
            rf"牵头(?P<verb>建立|设立|组建|构建|成立)的(?P<task>[^，。；！？\n]{{2,40}}?(?:{heads}))")
        self.jointly_re = re.compile(
            rf"会同[^。；，\n]{{0,12}}?(?P<task>(?:建立完善|建立健全|{verbs})[^。；，\n]{{2,40}}?(?:{heads}))(?=[。；，])")
        self.member_re = re.compile(rf"由(?P<list>[^。；\n]{{4,300}}?)(?:{'|'.join(cfg['member'])})")
        self.subord_re = re.compile(r"隶属(于)?")
        self.table_roles: dict[str, str] = cfg["table_columns"]
        self.table_head_re = re.compile(rf"^({'|'.join(map(re.escape, self.table_roles))})\s*$", re.M)

    # ------------------------------------------------------------------ entry point
    def build(self, nd: NormalisedDocument, hits: list[Hit],
              area_spans: list[tuple[int, int]] | None = None, jurisdiction=None,
              notes: list | None = None, tables: list | None = None) -> DocumentGraph:
        """The graph of one document. Per-document state lives on a shallow copy, so one extractor
        can serve several threads (the app's sessions)."""
        return copy.copy(self)._build(nd, hits, area_spans, jurisdiction, notes, tables)

    def _build(self, nd: NormalisedDocument, hits: list[Hit],
               area_spans: list[tuple[int, int]] | None, jurisdiction=None,
               notes: list | None = None, tables: list | None = None) -> DocumentGraph:
        self._area_spans = area_spans
        self._jurisdiction = jurisdiction
        self._found_notes = notes
        g = _Graph(nd)
        text = nd.text
        top = self._top_level(hits)
        self._starts = [h.start for h in top]
        self._ends = [h.end for h in top]
        self._entities(g, hits)
        clauses = self._clauses(g)
        self._cstarts = [b.start for b, _ in clauses]
        for t in tables or []:
            for r in t.rows:
                cid = self._clause_at(clauses, r.start) if r.deadline else None
                if cid is not None:
                    g.entities[cid].properties["deadline"] = r.deadline
                    iso = deadline_date(r.deadline)
                    if iso:
                        g.entities[cid].properties["deadline_date"] = iso
        tasks: dict[str, str] = {}
        n_notes = self._notes(g, top, clauses)
        if not any(t.rows for t in tables or []):
            n_notes += self._table_columns(g, top, clauses)
        if (nd.meta or {}).get("kind") in ("policy", "plan"):
            self._duties(g, top, clauses, tasks, bool(n_notes))
        self._tasks(g, top, tasks)
        self._hierarchy(g, hits, top)
        self._jurisdiction_links(g)
        self._members(g, top)
        self._positions(g, hits, top)
        self._applies_to(g, top, clauses)
        document = self._document(g)
        self._mentions(g, clauses, document.id)
        ents = self._ordered_entities(g)
        rels = list(g.relations.values())
        return DocumentGraph(document=document, entities=ents, relations=rels, text=text)

    # ------------------------------------------------------------------ pieces
    @staticmethod
    def _top_level(hits: list[Hit]) -> list[Hit]:
        out, cover = [], -1
        for h in hits:  # sorted by (start, -length)
            if h.end <= cover:
                continue
            out.append(h)
            cover = max(cover, h.end)
        return out

    def _entities(self, g: _Graph, hits: list[Hit]) -> None:
        text = g.nd.text
        persons: dict[str, None] = {}
        for h in hits:
            for t in h.targets:
                eid = g.entity(t)
                g.mention(eid, h.start, h.end)
            if h.kind == "person":
                persons[h.targets[0].name] = None
                title = h.title
                if title and title not in ("记者", "编辑", "责任编辑"):
                    g.entities[entity_id("Person", h.targets[0].name)].properties.setdefault("title", title)
        for name in persons:  # every other occurrence of a person's name
            eid = entity_id("Person", name)
            i = text.find(name)
            while i >= 0:
                g.mention(eid, i, i + len(name))
                i = text.find(name, i + len(name))
            g.entities[eid].mentions.sort(key=lambda m: (m.start, m.end))

    def _clauses(self, g: _Graph) -> list[tuple[Any, str]]:
        nd, out = g.nd, []
        seen: dict[str, int] = {}
        turns = nd.turns()
        for b in nd.clauses():
            if b.number is None:
                continue
            if turns and any(t.start <= b.start < t.end for t in turns):
                continue  # enumerations inside a speaker's answer talk about measures, they are not clauses
            cid = clause_id(nd.doc_id, b.number, b.section)
            if cid in seen:  # a second run of the same numbering (e.g. 一是… in another turn)
                seen[cid] += 1
                cid = f"{cid}~{seen[cid]}"
            else:
                seen[cid] = 1
            body = nd.text[b.start:b.end]
            areas, terms = self.areas.of(nd.text, b.start, b.end, self._area_spans)
            title = b.title or body[:40]
            props: dict[str, Any] = {"number": b.number, "title": title, "text": body}
            if b.section is not None:
                props["section"] = b.section
            props["areas"] = areas
            props["area_terms"] = terms
            ent = Entity(cid, "Clause", title, [], props, [Mention(b.start, b.end, body[:60])])
            g.entities[cid] = ent
            g.rel("HAS_CLAUSE", document_id(nd.doc_id), cid, g.span(b.start, min(b.end, b.start + 200)),
                  "structure")
            out.append((b, cid))
        return out

    def _clause_at(self, clauses: list[tuple[Any, str]], pos: int) -> str | None:
        """The innermost clause containing `pos` (clauses are in document order)."""
        i = bisect_right(self._cstarts, pos) - 1
        while i >= 0:
            b, cid = clauses[i]
            if b.start <= pos < b.end:
                return cid
            if pos - b.start > 100_000:
                break
            i -= 1
        return None

    def _actors(self, top: list[Hit], s: int, e: int) -> list[Target]:
        out: list[Target] = []
        n = len(top)
        i = bisect_left(self._starts, s)
        while i < n:
            h = top[i]
            i += 1
            if h.start >= e:
                break
            if h.kind in ("generic", "person"):
                continue
            for t in h.targets:
                if t.type in ACTOR_LABELS and all(o.name != t.name or o.type != t.type for o in out):
                    out.append(t)
        return out

    def _notes(self, g: _Graph, top: list[Hit], clauses) -> None:
        text = g.nd.text
        lead_rule = False
        starts = [b.start for b, _ in clauses]
        found = 0
        notes = self._found_notes if self._found_notes is not None else self.notes.find_notes(text)
        for note in notes:
            found += 1
            lead_rule = lead_rule or note.lead_rule
            target = self._clause_at(clauses, note.start)
            if target is None:
                # a note right after a clause's end (trailing punctuation trimmed) belongs to it
                i = bisect_right(starts, note.start) - 1
                if i >= 0 and note.start - clauses[i][0].end <= 2:
                    target = clauses[i][1]
            if target is None:
                # a numbered heading that states a task and its own note above its sub-items
                # (task-division plans: （一）… （财政部…按职责分工负责） 具体措施：1．…) → a Task
                target = self._heading_task(g, note.start)
            if target is None:
                continue
            ev = g.span(note.start, note.end)
            first = True
            for sg in note.segments:
                if sg.role is None:
                    continue
                actors = self._actors(top, sg.start, sg.end)
                if sg.role == "APPLIES_TO":
                    for t in actors:
                        if t.type in ("FTZ", "Zone", "Province", "County", "City"):
                            g.rel("APPLIES_TO", target, g.entity(t), ev, "note-scope")
                    continue
                for t in actors:
                    role = sg.role
                    if lead_rule and first and role == "RESPONSIBLE_FOR":
                        role = "LEADS"
                    rule = "note-lead-rule" if role != sg.role else "responsibility-note"
                    g.role(role, g.entity(t), target, ev, rule)
                    first = False
        return found

    def _heading_task(self, g: _Graph, pos: int) -> str | None:
        heads = [b for b in g.nd.blocks_at(pos) if b.kind == "heading" and b.title]
        if not heads:
            return None
        h = heads[-1]
        name = h.title.strip()
        if len(name) < 6:
            return None
        tid = entity_id("Task", name)
        if tid not in g.entities:
            end = min(h.end, pos)
            areas, terms = self.areas.of(g.nd.text, h.start, end, self._area_spans)
            props: dict[str, Any] = {"text": g.nd.text[h.start:end]}
            if h.number is not None:
                props["number"] = h.number
            props["areas"], props["area_terms"] = areas, terms
            k = g.nd.text.find(name, h.start, end)
            ms, me = (k, k + len(name)) if k >= 0 else (h.start, max(end, h.end))
            mentions = [Mention(ms, me, g.nd.text[ms:me])] if me > ms else []
            g.entities[tid] = Entity(tid, "Task", name, [], props, mentions)
        return tid

    def _table_columns(self, g: _Graph, top: list[Hit], clauses) -> int:
        """Tables whose header names a role column (指导部门, 责任单位 …): in each row (clause), a cell
        line made only of actors gets that column's role."""
        text = g.nd.text
        m = self.table_head_re.search(text)
        if not m:
            return 0
        role = self.table_roles[m.group(1)]
        found = 0
        for b, cid in clauses:
            pos = b.start
            for line in text[b.start:b.end].split("\n"):
                s, e = pos, pos + len(line)
                pos = e + 1
                if not line.strip() or len(line) > 200:
                    continue
                actors = self._actors(top, s, e)
                if actors and self._covered_by_actors(top, text, s, e):
                    ev = g.span(s, e)
                    for t in actors:
                        g.role(role, g.entity(t), cid, ev, "table-column")
                        found += 1
        return found

    def _covered_by_actors(self, top: list[Hit], text: str, s: int, e: int) -> bool:
        covered = bytearray(e - s)
        for i in range(bisect_left(self._starts, s), len(top)):
            h = top[i]
            if h.start >= e:
                break
            if h.end <= e:
                covered[h.start - s:h.end - s] = b"\x01" * (h.end - h.start)
        rest = "".join(ch for i, ch in enumerate(text[s:e]) if not covered[i])
        return not rest.strip(" 、，,及和与等\t")

    GENERIC_AT = re.compile(r"(?:各|有关|相关|其他)[^，。；、\n]{0,6}?(?:部门|单位|街镇|镇|园区|政府|机构|企业)")

    def _duties(self, g: _Graph, top: list[Hit], clauses, tasks: dict[str, str], noted: bool) -> None:
        """Duties in running text (extract.duties): in a clause they attach to it, elsewhere to a Task.
        In an annotated document only the explicit forms (牵头, 会同, working groups) make Tasks."""
        text = g.nd.text
        by_start = {h.start: h for h in top if h.kind not in ("generic", "person")
                    and any(t.type in ACTOR_LABELS for t in h.targets)}

        def actor_at(pos: int):
            return by_start.get(pos)

        def generic_at(pos: int):
            m = self.GENERIC_AT.match(text, pos)
            return _Span(m.start(), m.end()) if m else None

        noted_clauses = {self._clause_at(clauses, n.start) for n in (self._found_notes or [])}
        for d in self.duty_reader.read(text, g.nd.sentences, actor_at, generic_at):
            target = self._clause_at(clauses, d.start)
            if target in noted_clauses:
                # an annotated measure: places named as subjects are its scope, not its actors, and
                # a bare obligation (X要…) restates the note rather than adding an actor
                if d.rule == "running-duty-modal":
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
                target = self._task(g, name, d.task[0], tasks)
            ev = g.span(d.start, d.end)
            for h in d.subjects:
                for t in h.targets:
                    g.role(d.role, g.entity(t), target, ev, d.rule)
            for h, role in d.others:
                for t in h.targets:
                    g.role(role, g.entity(t), target, ev, d.rule)

    def _actor_before(self, top: list[Hit], pos: int) -> Hit | None:
        i = bisect_right(self._starts, pos) - 1
        while i >= 0:
            h = top[i]
            if h.end == pos and h.kind not in ("generic", "person") and \
                    any(t.type in ACTOR_LABELS for t in h.targets):
                return h
            if h.start < pos - 80:
                return None
            i -= 1
        return None

    def _task(self, g: _Graph, name: str, s: int, tasks: dict[str, str]) -> str:
        tid = entity_id("Task", name)
        if tid not in g.entities:
            sent = g.sentence(s)
            areas, terms = self.areas.of(name + sent.text)
            g.entities[tid] = Entity(tid, "Task", name, [], {"text": sent.text, "areas": areas,
                                                              "area_terms": terms},
                                     [Mention(s, s + len(name), name)])
        else:
            g.mention(tid, s, s + len(name))
        tasks[name] = tid
        return tid

    def _tasks(self, g: _Graph, top: list[Hit], tasks: dict[str, str]) -> None:
        text = g.nd.text
        cands: list[tuple[int, str]] = []
        for m in self.task_re.finditer(text):
            cands.append((m.start("task"), m.group("task")))
        for m in self.lead_of_re.finditer(text):
            h = self._actor_before(top, m.start())
            if h is None:
                continue
            tid = self._task(g, m.group("task"), m.start("task"), tasks)
            for t in h.targets:
                g.role("LEADS", g.entity(t), tid, g.sentence(m.start()), "lead-in-text")
            self._partners(g, top, m.end(), tid)
        for m in self.lead_built_re.finditer(text):
            h = self._actor_before(top, m.start())
            if h is None:
                continue
            tid = self._task(g, m.group("verb") + m.group("task"), m.start("task"), tasks)
            for t in h.targets:
                g.role("LEADS", g.entity(t), tid, g.sentence(m.start()), "lead-in-text")
        for m in self.jointly_re.finditer(text):
            ls = text.rfind("\n", 0, m.start()) + 1
            h = self._actor_at(top, ls)
            if h is None or not re.match(r"(?:要|将|应|负责|牵头)", text[h.end:h.end + 2]):
                continue
            tid = self._task(g, m.group("task"), m.start("task"), tasks)
            for t in h.targets:
                g.role("LEADS", g.entity(t), tid, g.sentence(m.start()), "lead-jointly")
        for name, tid in list(tasks.items()):
            for mm in g.entities[tid].mentions[:1]:
                cands.append((mm.start, name))
        cands.sort()
        for m in self.lead_bare_re.finditer(text):
            h = self._actor_before(top, m.start())
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
            tid = self._task(g, name, s, tasks)
            for t in h.targets:
                g.role("LEADS", g.entity(t), tid, g.sentence(m.start()), "lead-in-text")
            self._partners(g, top, m.end(), tid)

    def _actor_at(self, top: list[Hit], pos: int) -> Hit | None:
        i = bisect_left(self._starts, pos)
        if i < len(top) and top[i].start == pos and top[i].kind not in ("generic", "person") and \
                any(t.type in ACTOR_LABELS for t in top[i].targets):
            return top[i]
        return None

    def _partners(self, g: _Graph, top: list[Hit], pos: int, tid: str) -> None:
        """`…作为牵头单位…加强与南京海关、杭州海关的协调配合` → the partners support the task."""
        s, e = g.nd.sentence_at(pos)
        m = self.partner_re.search(g.nd.text, pos, e)
        if not m:
            return
        ev = g.sentence(pos)
        for t in self._actors(top, m.start("list"), m.end("list")):
            g.role("SUPPORTS", g.entity(t), tid, ev, "coordination-partner")

    def _hierarchy(self, g: _Graph, hits: list[Hit], top: list[Hit]) -> None:
        text = g.nd.text
        present = g.entities
        first_pos: dict[str, int] = {eid: e.mentions[0].start for eid, e in present.items() if e.mentions}
        built: dict[tuple[str, str], tuple[str, str]] = {}
        inner_place: dict[str, str] = {}   # zone id → first place written inside its name
        last_zone: list = []
        for h in hits:  # hits are in text order; places inside a zone's span follow the zone
            if h.kind == "name" and h.targets and h.targets[0].type == "Zone":
                last_zone = [h]
            elif h.kind == "place" and last_zone and h.start < last_zone[0].end:
                for t in last_zone[0].targets:
                    inner_place.setdefault(entity_id("Zone", t.name), h.targets[0].name)
        for h in hits:
            for t in h.targets:
                if t.parent and (t.type, t.name) not in built:
                    built[(t.type, t.name)] = (t.parent, t.parent_rel)
        for eid, ent in list(present.items()):
            if ent.type in ("Clause", "Task", "Person"):
                continue
            src_entry = self.gaz.get(ent.name, ent.type)
            parent, prel, parts = None, None, []
            if src_entry is not None:
                parent, prel, parts = src_entry.parent, src_entry.parent_rel, src_entry.parts
            if parent is None:  # names built by patterns carry their parent on the target
                parent, prel = built.get((ent.type, ent.name), (None, None))
            if ent.type in ("Zone", "FTZ"):
                # zones are placed in their province (domain.md: FTZ/Zone → Province)
                prov = self._zone_province(ent, parent, inner_place.get(eid))
                pid = entity_id("Province", prov) if prov else None
                if pid and pid in g.entities:
                    g.rel("LOCATED_IN", eid, pid, g.sentence(first_pos.get(eid, 0)), "zone-province")
                if prel == "LOCATED_IN":
                    prel = None
            if parent and prel:
                pent = self._present(g, parent)
                if pent:
                    ev = g.sentence(first_pos.get(eid, 0))
                    g.rel(prel, eid, pent, ev, "gazetteer-parent")
            for p in parts:
                pid = self._present(g, p)
                if pid:
                    g.rel("PART_OF", pid, eid, g.sentence(first_pos.get(pid, 0)), "gazetteer-parts")
        # stated subordination: `上海海关隶属浦东机场海关` (B under A), `A隶属于B`
        ends = {h.end: h for h in top}
        starts = {h.start: h for h in top}
        for m in self.subord_re.finditer(text):
            a, b = ends.get(m.start()), starts.get(m.end())
            if a is None:
                a = ends.get(m.start() - 0)
            if not a or not b:
                continue
            ta, tb = a.targets[0], b.targets[0]
            if ta.type not in ("Customs", "Agency") or tb.type not in ("Customs", "Agency"):
                continue
            src, dst = (ta, tb) if m.group(1) else (tb, ta)
            g.rel("SUBORDINATE_TO", g.entity(src), g.entity(dst), g.sentence(m.start()), "stated-subordination")

    def _jurisdiction_links(self, g: _Graph) -> None:
        """A body qualified by the jurisdiction (上海市松江区财政局) is LOCATED_IN its place when the
        document names that place (County:松江区)."""
        from extract.jurisdiction import load_jurisdiction_reader
        jr = load_jurisdiction_reader()
        places: dict[str, str | None] = {}
        for eid, ent in list(g.entities.items()):
            prefix = ent.properties.get("jurisdiction_name")
            if not prefix or ent.type in PLACE_TYPES:
                continue
            if prefix not in places:
                chain, used = jr.parse_chain(prefix)
                last = chain[-1] if chain and used == len(prefix) else None
                pid = entity_id(last.level, last.name) if last and last.level in PLACE_TYPES else None
                places[prefix] = pid if pid in g.entities else None
            pid = places[prefix]
            if pid:
                m = ent.mentions[0] if ent.mentions else None
                g.rel("LOCATED_IN", eid, pid, g.sentence(m.start) if m else None, "jurisdiction-parent")

    def _zone_province(self, ent: Entity, parent: str | None, inner: str | None) -> str | None:
        for name in (parent, inner):
            seen = 0
            while name and seen < 5:
                pe = self.gaz.place(name)
                if pe is not None:
                    if pe.type == "Province":
                        return pe.name
                    name = pe.parent
                else:
                    other = self.gaz.get(name)
                    name = other.parent if other is not None else None
                seen += 1
        return None

    def _present(self, g: _Graph, name: str) -> str | None:
        for typ in ("Province", "City", "County", "Zone", "FTZ", "Customs", "Agency", "Organization"):
            eid = entity_id(typ, name)
            if eid in g.entities:
                return eid
        return None

    def _members(self, g: _Graph, top: list[Hit]) -> None:
        text = g.nd.text
        for m in self.member_re.finditer(text):
            org = self._actor_before(top, m.start())
            if org is None or org.targets[0].type != "Organization":
                continue
            oid = g.entity(org.targets[0])
            ev = g.sentence(m.start())
            for t in self._actors(top, m.start("list"), m.end("list")):
                g.rel("MEMBER_OF", g.entity(t), oid, ev, "founding-members")

    def _positions(self, g: _Graph, hits: list[Hit], top: list[Hit]) -> None:
        text = g.nd.text
        title_re = re.compile(rf"({'|'.join(map(re.escape, self._titles()))})$")
        for h in hits:
            if h.rule != "title-name":
                continue
            pid = entity_id("Person", h.targets[0].name)
            tstart = h.title_start
            title = h.title
            lo = max(0, tstart - 120)
            chunk = text[lo:tstart]
            b = max(chunk.rfind(c) for c in "，。；：:\n“”\"！？")
            cstart = lo + b + 1
            chain_end = tstart + len(title)
            seg_start = cstart
            last_place: Target | None = None
            segs = [m.start() for m in re.finditer("、", text[cstart:chain_end])]
            bounds = [cstart] + [cstart + i + 1 for i in segs] + [chain_end + 1]
            for k in range(len(bounds) - 1):
                s, e = bounds[k], bounds[k + 1] - 1
                seg = text[s:e]
                tm = title_re.search(seg)
                if not tm:
                    continue
                post = tm.group(1)
                org_end = s + tm.start()
                orgs = [x for x in self._actors(top, s, org_end)]
                if not orgs:
                    continue
                org = orgs[-1]
                hit = self._hit_covering(top, s, org_end, org)
                if org.type == "Agency" and hit is not None and hit.rule == "gazetteer" and last_place \
                        and hit.text != org.name:
                    org = self._requalify(last_place, hit.text) or org
                if hit is not None and hit.rule in ("place-department", "local-agency"):
                    last_place = self._place_of(org)
                elif org.type in PLACE_TYPES:
                    last_place = org
                g.rel("HOLDS_POSITION", pid, g.entity(org), g.sentence(h.start), "title-chain", title=post)

    def _titles(self) -> list[str]:
        if not hasattr(self, "_title_list"):
            t = {r["kind"]: r for r in read_jsonl("titles.jsonl")}
            self._title_list = sorted(t["titles"]["titles"], key=len, reverse=True)
        return self._title_list

    def _hit_covering(self, top: list[Hit], s: int, e: int, t: Target) -> Hit | None:
        for i in range(bisect_left(self._starts, s), len(top)):
            h = top[i]
            if h.start >= e:
                break
            if h.end <= e and t in h.targets:
                return h
        return None

    def _place_of(self, org: Target) -> Target | None:
        for k in range(2, len(org.name)):
            pe = self.gaz.place(org.name[:k])
            if pe:
                return Target(pe.type, pe.name)
        return None

    def _requalify(self, place: Target, written: str) -> Target | None:
        from extract.recognise import load_recogniser
        return load_recogniser().local_agency(place, written)

    def _applies_to(self, g: _Graph, top: list[Hit], clauses) -> None:
        text = g.nd.text
        for h in top:
            t = h.targets[0] if h.targets else None
            if t is None or t.type not in ("Zone", "FTZ"):
                continue
            before = h.start > 0 and text[h.start - 1] == "在"
            inside = text.startswith(("内", "范围内"), h.end)
            if not (before or inside):
                continue
            cid = self._clause_at(clauses, h.start)
            if cid:
                g.rel("APPLIES_TO", cid, g.entity(t), g.sentence(h.start), "in-zone")

    def _document(self, g: _Graph) -> Entity:
        nd = g.nd
        meta = nd.meta or {}
        did = document_id(nd.doc_id)
        title = meta.get("title") or ""
        props: dict[str, Any] = {"title": title}
        if self._jurisdiction is not None:
            from extract.jurisdiction import name_prefix
            props["jurisdiction"] = self._jurisdiction.to_dict()
            props["jurisdiction_name"] = name_prefix(self._jurisdiction.chain)   # for filters
        for k in ("date", "effective_date", "kind", "source", "author"):
            v = meta.get(k)
            if v is not None and v != "":
                props[k] = v if isinstance(v, (str, int, float, bool)) else str(v)
        issuers = list(meta.get("issuers") or [])
        if not issuers and meta.get("kind") == "transcript" and meta.get("source"):
            src = str(meta["source"])
            if self.gaz.get(src) or src.endswith(("办公室", "人民政府", "政府")):
                issuers.append(src)
        for key in ("author", "source"):  # the publishing medium is named by the document
            v = meta.get(key)
            if isinstance(v, str) and v:
                ent = self.gaz.get(v)
                if ent is not None and ent.type == "Organization":
                    g.entity(Target(ent.type, ent.name, v if v != ent.name else ""))
        if not issuers and meta.get("kind") == "policy" and "关于" in title:
            head = title.split("关于", 1)[0]
            if head and self.gaz.get(head):
                issuers.append(head)
        grammar = load_body_grammar()
        for name in issuers:
            ent = self.gaz.get(name)
            t = Target(ent.type, ent.name) if ent else Target("Agency", name)
            if self._jurisdiction is not None and not self._jurisdiction.national:
                res = grammar.resolve(name, self._jurisdiction, None, t if ent else None)
                if isinstance(res, Target):
                    t = res
            eid = g.entity(t)
            i = nd.text.find(name)
            if i >= 0:
                g.mention(eid, i, i + len(name))
                ev = g.sentence(i)
            else:
                ev = None  # named only in the metadata
            g.rel("ISSUED_BY", did, eid, ev, "issuer-metadata" if ev is None else "issuer")
        return Entity(did, "Document", title or nd.doc_id, [], props)

    def _mentions(self, g: _Graph, clauses, did: str) -> None:
        starts = [b.start for b, _ in clauses]
        for eid, ent in list(g.entities.items()):
            if ent.type in ("Clause", "Task") or not ent.mentions:
                continue
            m0 = ent.mentions[0]
            g.rel("MENTIONS", did, eid, g.sentence(m0.start), "co-occurrence")
            seen: set = set()
            for m in ent.mentions:
                i = bisect_right(starts, m.start) - 1
                if i >= 0 and clauses[i][0].start <= m.start < clauses[i][0].end:
                    cid = clauses[i][1]
                    if cid not in seen:
                        seen.add(cid)
                        g.rel("MENTIONS", cid, eid, g.sentence(m.start), "co-occurrence")

    @staticmethod
    def _ordered_entities(g: _Graph) -> list[Entity]:
        named = [e for e in g.entities.values() if e.type not in ("Clause", "Task")]
        named.sort(key=lambda e: (e.mentions[0].start if e.mentions else 0, e.type, e.name))
        rest = [e for e in g.entities.values() if e.type in ("Clause", "Task")]
        return named + rest
