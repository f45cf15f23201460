"""What the relation rules (extract.role_rules, extract.relation_rules) work on: the graph of one
document being built (`GraphBuilder`), the readers and cue patterns read once (`RelationCues`), and
one document's hits, clauses and Tasks with the lookups over them (`Build`)."""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Any

from graph.model import ACTOR_LABELS, ROLE_TYPES, Entity, Evidence, Mention, Relation, entity_id

from extract.areas import load_areas
from extract.document import NormalisedDocument
from extract.duties import DutyReader
from extract.gazetteer import Gazetteer
from extract.hits import Hit, Target
from extract.lexicon import cues, read_jsonl
from extract.notes import load_note_reader

ROLE_RANK = {t: i for i, t in enumerate(ROLE_TYPES)}


class GraphBuilder:
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


class RelationCues:
    """The readers and running-text cue patterns (data/cues.jsonl `running_text`, titles.jsonl), read once."""

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
        t = {r["kind"]: r for r in read_jsonl("titles.jsonl")}
        titles = sorted(t["titles"]["titles"], key=len, reverse=True)
        self.title_end_re = re.compile(rf"({'|'.join(map(re.escape, titles))})$")


@dataclass
class Build:
    """One document while the relation rules run: its graph, hits (all, and the top-level ones in text
    order), numbered clauses as (block, clause id), Tasks by name, and what the pipeline read before."""
    cues: RelationCues
    g: GraphBuilder
    hits: list[Hit]
    top: list[Hit]
    area_spans: list[tuple[int, int]] | None = None
    jurisdiction: Any = None
    notes: list | None = None             # the pipeline's notes (None: the rules find them)
    tables: list = field(default_factory=list)
    clauses: list[tuple[Any, str]] = field(default_factory=list)
    tasks: dict[str, str] = field(default_factory=dict)
    n_notes: int = 0                       # role notes and table cells read (gates running-text duties)

    def __post_init__(self) -> None:
        self.starts = [h.start for h in self.top]
        self.cstarts: list[int] = []

    @property
    def text(self) -> str:
        return self.g.nd.text

    def set_clauses(self, clauses: list[tuple[Any, str]]) -> None:
        self.clauses = clauses
        self.cstarts = [b.start for b, _ in clauses]

    # ------------------------------------------------------------------ lookups
    def clause_at(self, pos: int) -> str | None:
        """The innermost clause containing `pos` (clauses are in document order)."""
        i = bisect_right(self.cstarts, pos) - 1
        while i >= 0:
            b, cid = self.clauses[i]
            if b.start <= pos < b.end:
                return cid
            if pos - b.start > 100_000:
                break
            i -= 1
        return None

    def actors(self, s: int, e: int) -> list[Target]:
        """The actor targets of the top-level hits starting in [s, e), each once."""
        out: list[Target] = []
        top = self.top
        n = len(top)
        i = bisect_left(self.starts, s)
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

    def actor_before(self, pos: int) -> Hit | None:
        """The actor hit ending right at `pos`."""
        i = bisect_right(self.starts, pos) - 1
        while i >= 0:
            h = self.top[i]
            if h.end == pos and h.kind not in ("generic", "person") and \
                    any(t.type in ACTOR_LABELS for t in h.targets):
                return h
            if h.start < pos - 80:
                return None
            i -= 1
        return None

    def actor_at(self, pos: int) -> Hit | None:
        """The actor hit starting right at `pos`."""
        top = self.top
        i = bisect_left(self.starts, pos)
        if i < len(top) and top[i].start == pos and top[i].kind not in ("generic", "person") and \
                any(t.type in ACTOR_LABELS for t in top[i].targets):
            return top[i]
        return None

    def hit_covering(self, s: int, e: int, t: Target) -> Hit | None:
        """The top-level hit inside [s, e) that names `t`."""
        for i in range(bisect_left(self.starts, s), len(self.top)):
            h = self.top[i]
            if h.start >= e:
                break
            if h.end <= e and t in h.targets:
                return h
        return None

    def covered_by_actors(self, s: int, e: int) -> bool:
        """text[s:e] holds nothing but hits and list punctuation (区财政局、区税务局等)."""
        covered = bytearray(e - s)
        for i in range(bisect_left(self.starts, s), len(self.top)):
            h = self.top[i]
            if h.start >= e:
                break
            if h.end <= e:
                covered[h.start - s:h.end - s] = b"\x01" * (h.end - h.start)
        rest = "".join(ch for i, ch in enumerate(self.text[s:e]) if not covered[i])
        return not rest.strip(" 、，,及和与等\t")

    # ------------------------------------------------------------------ Tasks
    def task(self, name: str, s: int) -> str:
        """The Task named `name` first written at `s` (created once, with its sentence and areas)."""
        g = self.g
        tid = entity_id("Task", name)
        if tid not in g.entities:
            sent = g.sentence(s)
            areas, terms = self.cues.areas.of(name + sent.text)
            g.entities[tid] = Entity(tid, "Task", name, [], {"text": sent.text, "areas": areas,
                                                              "area_terms": terms},
                                     [Mention(s, s + len(name), name)])
        else:
            g.mention(tid, s, s + len(name))
        self.tasks[name] = tid
        return tid

    def heading_task(self, pos: int) -> str | None:
        """The Task a numbered heading above `pos` states (task-division plans: （一）… then 具体措施：1．…)."""
        g = self.g
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
            areas, terms = self.cues.areas.of(g.nd.text, h.start, end, self.area_spans)
            props: dict[str, Any] = {"text": g.nd.text[h.start:end]}
            if h.number is not None:
                props["number"] = h.number
            props["areas"], props["area_terms"] = areas, terms
            k = g.nd.text.find(name, h.start, end)
            ms, me = (k, k + len(name)) if k >= 0 else (h.start, max(end, h.end))
            mentions = [Mention(ms, me, g.nd.text[ms:me])] if me > ms else []
            g.entities[tid] = Entity(tid, "Task", name, [], props, mentions)
        return tid
