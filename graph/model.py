"""The typed graph model shared by `extract/` (producer) and `graph/` (stores, queries, export).

This module is the contract between the layers: it imports neither spaCy nor neo4j.
Its JSON form (`DocumentGraph.to_dict`) is the extraction output contract of `docs/domain.md` §5.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Iterable

from common.errors import SchemaError

# The schema's closed sets: the only labels and relationship types that may reach Cypher.
LABELS: tuple[str, ...] = (
    "Province", "City", "County", "Zone", "FTZ", "Customs", "Agency", "Organization",
    "Person", "Project", "Document", "Clause", "Task",
)
ENTITY_LABEL = "Entity"
REL_TYPES: tuple[str, ...] = (
    "RESPONSIBLE_FOR", "LEADS", "CO_LEADS", "SUPPORTS", "LOCATED_IN", "SUBORDINATE_TO",
    "PART_OF", "MEMBER_OF", "APPLIES_TO", "HOLDS_POSITION", "ISSUED_BY", "HAS_CLAUSE",
    "FOLLOWS", "MENTIONS",
)
# Responsibility roles, strongest first; the app and `who_leads` group by these.
ROLE_TYPES: tuple[str, ...] = ("LEADS", "CO_LEADS", "RESPONSIBLE_FOR", "SUPPORTS")
ROLE_LABELS_ZH: dict[str, str] = {
    "LEADS": "牵头", "CO_LEADS": "共同牵头", "RESPONSIBLE_FOR": "负责", "SUPPORTS": "配合",
}
# Labels that can carry responsibility (the "actors").
ACTOR_LABELS: tuple[str, ...] = (
    "Province", "City", "County", "Zone", "FTZ", "Customs", "Agency", "Organization",
)
MEASURE_LABELS: tuple[str, ...] = ("Clause", "Task")


def check_label(label: str) -> str:
    """The label if it is in the schema's closed set, else SchemaError (labels reach Cypher as text)."""
    if label not in LABELS:
        raise SchemaError(f"unknown label {label!r}: choose from {', '.join(LABELS)}")
    return label


def check_rel_type(rel_type: str) -> str:
    """The relationship type if it is in the schema's closed set, else SchemaError."""
    if rel_type not in REL_TYPES:
        raise SchemaError(f"unknown relationship type {rel_type!r}: choose from {', '.join(REL_TYPES)}")
    return rel_type


def check_labels(labels: Iterable[str] | None) -> list[str] | None:
    """A label filter: None for no filter, else the sorted labels (SchemaError for one outside the schema)."""
    if not labels:
        return None
    return sorted({check_label(lab) for lab in labels})


def check_types(rel_types: Iterable[str] | None) -> list[str] | None:
    """A relationship-type filter: None for no filter, else the sorted types (SchemaError likewise)."""
    if not rel_types:
        return None
    return sorted({check_rel_type(t) for t in rel_types})


def passes_areas(label: str, node_areas: Iterable[Any] | None, wanted: set[str] | frozenset[str] | None) -> bool:
    """The area filter, one definition for every store and page: a measure (Clause, Task) passes when
    it carries one of the `wanted` areas; any other node always passes; no `wanted` = no filter."""
    if not wanted or label not in MEASURE_LABELS:
        return True
    return any(str(a) in wanted for a in node_areas or ())


def entity_id(label: str, name: str) -> str:
    """Stable id of a named entity: the same name and label in any document gives the same id."""
    return f"{label.lower()}:{name}"


def clause_id(doc_id: str, number: int, section: int | str | None = None) -> str:
    """Id of a clause: document, then (where numbering restarts per section) section, then number."""
    return f"clause:{doc_id}#{section}.{number}" if section is not None else f"clause:{doc_id}#{number}"


def section_key(section: int | str | None) -> tuple[int, ...]:
    """A clause's section as a sortable tuple: None → (), 3 → (3,), "2.1" → (2, 1)."""
    if section is None or section == "":
        return ()
    out = []
    for part in str(section).split("."):
        out.append(int(part) if part.isdigit() else 0)
    return tuple(out)


def document_id(doc_id: str) -> str:
    """Id of a document node: `document:<stem>`."""
    return f"document:{doc_id}"


def doc_stem(doc: str) -> str:
    """`document:002_x` or `002_x` → `002_x` (filters accept both; evidence carries the stem)."""
    return doc.split(":", 1)[1] if doc.startswith("document:") else doc


def parse_clause_id(node_id: str) -> tuple[str, str | None, int | str] | None:
    """`clause:<doc>#[section.]number` → (doc stem, section or None, number); None for another id.
    The inverse of `clause_id` (a section may itself be dotted: `clause:d#2.1.3` → ("d", "2.1", 3))."""
    if not node_id.startswith("clause:") or "#" not in node_id:
        return None
    doc, _, tail = node_id[len("clause:"):].rpartition("#")
    section, _, number = tail.rpartition(".")
    num: int | str = int(number) if number.isdigit() else number
    return doc, (section or None), num


def clause_document(node_id: str) -> str | None:
    """The document stem of a clause id, else None."""
    parsed = parse_clause_id(node_id)
    return parsed[0] if parsed else None


@dataclass(frozen=True)
class Mention:
    """One occurrence of an entity in the normalised text of a document."""
    start: int
    end: int
    text: str
    doc_id: str = ""

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"start": self.start, "end": self.end, "text": self.text}
        if self.doc_id:
            d["doc_id"] = self.doc_id
        return d


@dataclass(frozen=True)
class Evidence:
    """The sentence (or note) a relation was read from, with offsets into the normalised text."""
    text: str
    start: int
    end: int
    doc_id: str = ""

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"text": self.text, "start": self.start, "end": self.end}
        if self.doc_id:
            d["doc_id"] = self.doc_id
        return d


@dataclass
class Entity:
    """A node: `type` is one label of LABELS, `name` the canonical name.

    `properties` holds label-specific values: Clause `number`/`title`/`text`/`section`/`areas`/
    `area_terms`; Document `title`/`date`/`effective_date`/`kind`/`source`; Person `title`; places
    `adcode`/`lat`/`lng`. Values are scalars or lists of scalars (so every store can hold them).
    """
    id: str
    type: str
    name: str
    aliases: list[str] = field(default_factory=list)
    properties: dict[str, Any] = field(default_factory=dict)
    mentions: list[Mention] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"id": self.id, "type": self.type, "name": self.name,
                             "aliases": list(self.aliases)}
        d.update(self.properties)
        d["mentions"] = [m.to_dict() for m in self.mentions]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Entity":
        core = {"id", "type", "name", "aliases", "mentions"}
        return cls(
            id=d["id"], type=d["type"], name=d["name"], aliases=list(d.get("aliases", [])),
            properties={k: v for k, v in d.items() if k not in core},
            mentions=[Mention(**m) for m in d.get("mentions", [])],
        )


@dataclass
class Relation:
    """A typed edge with provenance: evidence sentence and the rule that produced it."""
    type: str
    source: str
    target: str
    evidence: Evidence | None = None
    rule: str = ""
    properties: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.source, self.type, self.target)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"type": self.type, "source": self.source, "target": self.target}
        if self.evidence is not None:
            d["evidence"] = self.evidence.to_dict()
        d["rule"] = self.rule
        d.update(self.properties)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Relation":
        core = {"type", "source", "target", "evidence", "rule"}
        ev = d.get("evidence")
        return cls(
            type=d["type"], source=d["source"], target=d["target"],
            evidence=Evidence(**ev) if ev else None, rule=d.get("rule", ""),
            properties={k: v for k, v in d.items() if k not in core},
        )


@dataclass
class DocumentGraph:
    """Everything extracted from one document: the unit that crosses from extract/ to graph/.

    `document` is the Document entity (id `document:<stem>`); `text` is the normalised text that all
    offsets point into (optional in JSON: it can be reproduced from the same input).
    """
    document: Entity
    entities: list[Entity] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    text: str | None = None

    @property
    def doc_id(self) -> str:
        """The document's stable id: the file stem."""
        return self.document.id.split(":", 1)[1]

    def to_dict(self, include_text: bool = False) -> dict[str, Any]:
        doc = {"id": self.doc_id, "type": "Document", "name": self.document.name}
        doc.update(self.document.properties)
        d: dict[str, Any] = {
            "document": doc,
            "entities": [e.to_dict() for e in self.entities],
            "relations": [r.to_dict() for r in self.relations],
        }
        if include_text and self.text is not None:
            d["text"] = self.text
        return d

    def to_json(self, include_text: bool = False, indent: int | None = None) -> str:
        """Deterministic JSON (Chinese kept readable)."""
        return json.dumps(self.to_dict(include_text), ensure_ascii=False, indent=indent,
                          sort_keys=False)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "DocumentGraph":
        doc = dict(d["document"])
        stem = doc.pop("id")
        doc.pop("type", None)
        name = doc.pop("name", None) or doc.get("title") or stem
        document = Entity(id=document_id(stem), type="Document", name=name, properties=doc)
        return cls(
            document=document,
            entities=[Entity.from_dict(e) for e in d.get("entities", [])],
            relations=[Relation.from_dict(r) for r in d.get("relations", [])],
            text=d.get("text"),
        )

    @classmethod
    def from_json(cls, s: str) -> "DocumentGraph":
        return cls.from_dict(json.loads(s))
