"""From resolved hits and document structure to a `DocumentGraph`.

The core here makes the entities of the hits, the numbered clauses (HAS_CLAUSE) with their policy
`areas` (data/areas.jsonl) and table deadlines, and the Document; then the relation rule families of
`RELATION_RULES` run in order, each relation with evidence (sentence or note, offsets into the
normalised text) and a `rule` id:
- roles (extract.role_rules): from responsibility notes and table cells (extract.notes,
  extract.tables), from running-text duties (extract.duties: X牵头, X会同Y, 由X负责, X须…) and
  `X作为…的牵头单位`; Tasks;
- the rest (extract.relation_rules): LOCATED_IN / SUBORDINATE_TO / PART_OF (gazetteer parents,
  `A隶属B`), qualified bodies LOCATED_IN their jurisdiction's place, MEMBER_OF (`由A、B和C联合发起设立`),
  HOLDS_POSITION (title chains), APPLIES_TO (`适用范围：`, `在…内`), ISSUED_BY and MENTIONS.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

from graph.model import DocumentGraph, Entity, Mention, clause_id, document_id, entity_id

from extract.document import NormalisedDocument
from extract.graph_builder import Build, GraphBuilder, RelationCues
from extract.hits import Hit
from extract.jurisdiction import name_prefix
from extract.relation_rules import (co_occurrence, founding_members, in_zone, issuers, jurisdiction_parent,
                                    parents, stated_subordination, title_chain)
from extract.role_rules import (lead_as_task, lead_bare, lead_built, lead_jointly, responsibility_notes,
                                running_duties, table_columns)
from extract.tables import deadline_date

STRUCTURE = "structure"     # rule id of HAS_CLAUSE

# rule family type: (one document's build) -> None, adding to build.g
RelationRule = Callable[[Build], None]
# run in this order: a relation already stated is kept (roles: the strongest), so order is precedence
RELATION_RULES: list[tuple[str, RelationRule]] = [
    ("responsibility_notes", responsibility_notes),
    ("table_columns", table_columns),
    ("running_duties", running_duties),
    ("lead_as_task", lead_as_task),
    ("lead_built", lead_built),
    ("lead_jointly", lead_jointly),
    ("lead_bare", lead_bare),
    ("parents", parents),
    ("stated_subordination", stated_subordination),
    ("jurisdiction_parent", jurisdiction_parent),
    ("founding_members", founding_members),
    ("title_chain", title_chain),
    ("in_zone", in_zone),
    ("issuers", issuers),
    ("co_occurrence", co_occurrence),
]
PERSON_TITLES_NOT_KEPT = ("记者", "编辑", "责任编辑")


class RelationExtractor(RelationCues):
    """Holds the readers and cue patterns; `build(...)` returns the graph of one document."""

    def build(self, nd: NormalisedDocument, hits: list[Hit],
              area_spans: list[tuple[int, int]] | None = None, jurisdiction=None,
              notes: list | None = None, tables: list | None = None,
              rules: Sequence[tuple[str, RelationRule]] = RELATION_RULES) -> DocumentGraph:
        """The graph of one document (`rules`: the families to run, all by default). Per-document state
        lives on a `Build`, so one extractor can serve several threads (the app's sessions)."""
        b = Build(self, GraphBuilder(nd), hits, _top_level(hits), area_spans, jurisdiction, notes, tables or [])
        self._entities(b)
        b.set_clauses(self._clauses(b))
        self._deadlines(b)
        for _, rule in rules:
            rule(b)
        document = self._document(b)
        g = b.g
        return DocumentGraph(document=document, entities=_ordered_entities(g), relations=list(g.relations.values()),
                             text=nd.text)

    def _entities(self, b: Build) -> None:
        """An entity per hit target with its mentions; every other occurrence of a person's name."""
        g, text = b.g, b.text
        persons: dict[str, None] = {}
        for h in b.hits:
            for t in h.targets:
                eid = g.entity(t)
                g.mention(eid, h.start, h.end)
            if h.kind == "person":
                persons[h.targets[0].name] = None
                if h.title and h.title not in PERSON_TITLES_NOT_KEPT:
                    g.entities[entity_id("Person", h.targets[0].name)].properties.setdefault("title", h.title)
        for name in persons:
            eid = entity_id("Person", name)
            i = text.find(name)
            while i >= 0:
                g.mention(eid, i, i + len(name))
                i = text.find(name, i + len(name))
            g.entities[eid].mentions.sort(key=lambda m: (m.start, m.end))

    def _clauses(self, b: Build) -> list[tuple[Any, str]]:
        """A Clause per numbered block outside Q&A answers, HAS_CLAUSE from the Document."""
        g = b.g
        nd, out = g.nd, []
        seen: dict[str, int] = {}
        turns = nd.turns()
        for blk in nd.clauses():
            if blk.number is None:
                continue
            if turns and any(t.start <= blk.start < t.end for t in turns):
                continue  # enumerations inside a speaker's answer talk about measures, they are not clauses
            cid = clause_id(nd.doc_id, blk.number, blk.section)
            if cid in seen:  # a second run of the same numbering (e.g. 一是… in another turn)
                seen[cid] += 1
                cid = f"{cid}~{seen[cid]}"
            else:
                seen[cid] = 1
            body = nd.text[blk.start:blk.end]
            areas, terms = self.areas.of(nd.text, blk.start, blk.end, b.area_spans)
            title = blk.title or body[:40]
            props: dict[str, Any] = {"number": blk.number, "title": title, "text": body}
            if blk.section is not None:
                props["section"] = blk.section
            props["areas"] = areas
            props["area_terms"] = terms
            g.entities[cid] = Entity(cid, "Clause", title, [], props, [Mention(blk.start, blk.end, body[:60])])
            g.rel("HAS_CLAUSE", document_id(nd.doc_id), cid, g.span(blk.start, min(blk.end, blk.start + 200)),
                  STRUCTURE)
            out.append((blk, cid))
        return out

    @staticmethod
    def _deadlines(b: Build) -> None:
        """A table row's deadline (2025年底前) on the clause of that row."""
        for t in b.tables:
            for r in t.rows:
                cid = b.clause_at(r.start) if r.deadline else None
                if cid is not None:
                    b.g.entities[cid].properties["deadline"] = r.deadline
                    iso = deadline_date(r.deadline)
                    if iso:
                        b.g.entities[cid].properties["deadline_date"] = iso

    @staticmethod
    def _document(b: Build) -> Entity:
        """The Document entity: title, jurisdiction and the metadata worth filtering on."""
        nd = b.g.nd
        meta = nd.meta or {}
        title = meta.get("title") or ""
        props: dict[str, Any] = {"title": title}
        if b.jurisdiction is not None:
            props["jurisdiction"] = b.jurisdiction.to_dict()
            props["jurisdiction_name"] = name_prefix(b.jurisdiction.chain)   # for filters
        for k in ("date", "effective_date", "kind", "source", "author"):
            v = meta.get(k)
            if v is not None and v != "":
                props[k] = v if isinstance(v, (str, int, float, bool)) else str(v)
        return Entity(document_id(nd.doc_id), "Document", title or nd.doc_id, [], props)


def _top_level(hits: list[Hit]) -> list[Hit]:
    """The hits not inside an earlier, longer one (hits are sorted by (start, -length))."""
    out, cover = [], -1
    for h in hits:
        if h.end <= cover:
            continue
        out.append(h)
        cover = max(cover, h.end)
    return out


def _ordered_entities(g: GraphBuilder) -> list[Entity]:
    named = [e for e in g.entities.values() if e.type not in ("Clause", "Task")]
    named.sort(key=lambda e: (e.mentions[0].start if e.mentions else 0, e.type, e.name))
    rest = [e for e in g.entities.values() if e.type in ("Clause", "Task")]
    return named + rest
