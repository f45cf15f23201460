"""Backend-independent preparation of writes: DocumentGraphs → node rows and relationship rows.

Both stores (and the exporters) go through these functions, so they store exactly the same values:
properties cleaned to scalars / lists of scalars, aliases and documents as ordered unions, and
relationship provenance as a list of evidence entries keyed by (document, start, end, rule).
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any, Iterable

from graph.model import DocumentGraph, Entity, check_label, check_rel_type, doc_stem
from graph.search_rank import search_keys, search_text

# Property names the stores use themselves; an entity property with one of these names is renamed.
NODE_RESERVED = frozenset({"id", "name", "label", "labels", "aliases", "docs", "documents",
                           "search_keys", "search_text", "type", "mentions"})
EDGE_RESERVED = frozenset({"source", "target", "type", "evidence", "ev_keys", "ev_docs", "ev_text",
                           "ev_start", "ev_end", "ev_rule"})
# Ids, names and aliases longer than this are not stored (Neo4j's range indexes hold keys up to about
# 8 kB; such a "name" is extraction garbage). Both backends skip the same entities.
MAX_KEY_CHARS = 1000


def _scalar(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def clean_value(value: Any) -> Any:
    """A value every store can hold: a scalar, or a homogeneous list of scalars (else JSON text)."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return _scalar(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        items = list(value) if not isinstance(value, (set, frozenset)) else sorted(value, key=str)
        items = [v for v in items if v is not None]
        if all(isinstance(v, str) for v in items):
            return items
        if all(isinstance(v, bool) for v in items):
            return items
        if all(isinstance(v, int) and not isinstance(v, bool) for v in items):
            return items
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in items):
            return [_scalar(float(v)) for v in items]
        if all(isinstance(v, (str, int, float, bool)) for v in items):
            return [str(v) for v in items]
        return json.dumps(items, ensure_ascii=False, sort_keys=True, default=str)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return str(value)


def clean_props(props: dict[str, Any], reserved: frozenset[str]) -> dict[str, Any]:
    """Cleaned properties; None dropped; reserved names prefixed with `prop_`."""
    out: dict[str, Any] = {}
    for key, value in props.items():
        value = clean_value(value)
        if value is None:
            continue
        key = str(key)
        out[f"prop_{key}" if key in reserved else key] = value
    return out


def evidence_key(doc_id: str, start: int, end: int, rule: str) -> str:
    """Identity of one piece of provenance: the same sentence and rule in the same document."""
    return f"{doc_id}\x1f{start}\x1f{end}\x1f{rule}"


@dataclass
class NodeRow:
    id: str
    label: str
    name: str
    aliases: list[str] = field(default_factory=list)
    docs: list[str] = field(default_factory=list)
    props: dict[str, Any] = field(default_factory=dict)

    @property
    def keys(self) -> list[str]:
        return search_keys(self.name, self.aliases)

    def to_param(self) -> dict[str, Any]:
        keys = self.keys
        return {"id": self.id, "name": self.name, "aliases": self.aliases, "docs": self.docs,
                "props": self.props, "keys": keys, "text": search_text(keys)}


@dataclass
class EdgeRow:
    source: str
    type: str
    target: str
    props: dict[str, Any] = field(default_factory=dict)
    evidence: list[dict[str, Any]] = field(default_factory=list)

    def to_param(self) -> dict[str, Any]:
        ev = self.evidence
        return {"source": self.source, "target": self.target, "props": self.props,
                "ev_keys": [evidence_key(e["doc_id"], e["start"], e["end"], e["rule"]) for e in ev],
                "ev_docs": [e["doc_id"] for e in ev], "ev_text": [e["text"] for e in ev],
                "ev_start": [e["start"] for e in ev], "ev_end": [e["end"] for e in ev],
                "ev_rule": [e["rule"] for e in ev]}


def _union(into: list[str], more: Iterable[str], exclude: str | None = None) -> None:
    seen = set(into)
    for item in more:
        if isinstance(item, str) and item and item not in seen and item != exclude:
            into.append(item)
            seen.add(item)


@dataclass
class Batch:
    """Everything one merge call writes, aggregated (one row per node id and per edge key)."""
    nodes: dict[str, NodeRow] = field(default_factory=dict)
    edges: dict[tuple[str, str, str], EdgeRow] = field(default_factory=dict)
    documents: int = 0
    skipped_entities: list[str] = field(default_factory=list)

    def nodes_by_label(self) -> dict[str, list[NodeRow]]:
        out: dict[str, list[NodeRow]] = {}
        for row in self.nodes.values():
            out.setdefault(row.label, []).append(row)
        return out

    def edges_by_type(self) -> dict[str, list[EdgeRow]]:
        out: dict[str, list[EdgeRow]] = {}
        for row in self.edges.values():
            out.setdefault(row.type, []).append(row)
        return out

    @property
    def size(self) -> int:
        return len(self.nodes) + len(self.edges)


def _add_entity(batch: Batch, ent: Entity, doc_id: str) -> None:
    label = check_label(ent.type)
    if len(ent.id) > MAX_KEY_CHARS or len(ent.name) > MAX_KEY_CHARS:
        batch.skipped_entities.append(ent.id[:80])
        return
    row = batch.nodes.get(ent.id)
    if row is None:
        row = batch.nodes[ent.id] = NodeRow(id=ent.id, label=label, name=ent.name)
    elif row.label != label:
        raise ValueError(f"entity {ent.id!r} has two labels: {row.label} and {label}")
    row.name = ent.name or row.name
    _union(row.aliases, (a for a in ent.aliases if len(a) <= MAX_KEY_CHARS), exclude=row.name)
    _union(row.docs, [doc_id])
    row.props.update(clean_props(ent.properties, NODE_RESERVED))


def prepare(graphs: Iterable[DocumentGraph]) -> Batch:
    """Aggregate documents into one batch. Relations whose ends are not entities of the batch are
    kept (they may point to entities already stored); the stores skip them if an end is missing."""
    batch = Batch()
    for g in graphs:
        batch.documents += 1
        doc_id = g.doc_id
        _add_entity(batch, g.document, doc_id)
        for ent in g.entities:
            _add_entity(batch, ent, doc_id)
        for rel in g.relations:
            check_rel_type(rel.type)
            key = (rel.source, rel.type, rel.target)
            row = batch.edges.get(key)
            if row is None:
                row = batch.edges[key] = EdgeRow(source=rel.source, type=rel.type, target=rel.target)
            row.props.update(clean_props(rel.properties, EDGE_RESERVED))
            ev = rel.evidence
            entry = {"doc_id": (ev.doc_id if ev and ev.doc_id else doc_id),
                     "text": ev.text if ev else "", "start": int(ev.start) if ev else -1,
                     "end": int(ev.end) if ev else -1, "rule": rel.rule or ""}
            k = evidence_key(entry["doc_id"], entry["start"], entry["end"], entry["rule"])
            if all(evidence_key(e["doc_id"], e["start"], e["end"], e["rule"]) != k for e in row.evidence):
                row.evidence.append(entry)
    return batch


def sort_evidence(evidence: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Evidence in a backend-independent order: document, start, end, rule."""
    return sorted(evidence, key=lambda e: (e.get("doc_id", ""), e.get("start", -1), e.get("end", -1),
                                           e.get("rule", ""), e.get("text", "")))


def evidence_from_lists(props: dict[str, Any]) -> list[dict[str, Any]]:
    """Rebuild evidence dicts from the parallel ev_* lists used by Neo4j (and the exports)."""
    docs = props.get("ev_docs") or []
    text = props.get("ev_text") or []
    start = props.get("ev_start") or []
    end = props.get("ev_end") or []
    rule = props.get("ev_rule") or []
    return [{"doc_id": docs[i], "text": text[i] if i < len(text) else "",
             "start": start[i] if i < len(start) else -1, "end": end[i] if i < len(end) else -1,
             "rule": rule[i] if i < len(rule) else ""} for i in range(len(docs))]


def doc_filter(documents: Iterable[str] | None) -> list[str] | None:
    if not documents:
        return None
    return sorted({doc_stem(d) for d in documents})
