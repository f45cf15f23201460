"""The read-only Cypher console's guard and value conversion (used by the Neo4j store).

The real guard is the server: the console runs in a read transaction, so any write fails there.
This module adds a lexical check for what a read transaction could still do or would report
obscurely (LOAD CSV, admin procedures, `CALL { … } IN TRANSACTIONS`), and turns driver values
(nodes, relationships, paths) into the store's plain result types.
"""
from __future__ import annotations

import re
from typing import Any

from common.errors import QueryRefused

_STRINGS_AND_COMMENTS = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`(?:[^`]|``)*`|//[^\n]*|/\*.*?\*/", re.S)
_REFUSED = (
    (re.compile(r"\bLOAD\s+CSV\b", re.I), "LOAD CSV"),
    (re.compile(r"\bIN\s+(?:\d+\s+)?(?:CONCURRENT\s+)?TRANSACTIONS\b", re.I), "CALL { … } IN TRANSACTIONS"),
    (re.compile(r"\bCALL\s+dbms\s*\.", re.I), "dbms.* procedures"),
    # server-state procedures a read transaction still runs (query caches, statistics collection)
    (re.compile(r"\bCALL\s+db\s*\.\s*(?:clearQueryCaches|stats\s*\.|prepareForReplanning|resample)", re.I),
     "db.* procedures that change the server"),
    # other sessions' transactions and the accounts: killing or listing them is administration
    (re.compile(r"\b(?:TERMINATE\s+(?:TRANSACTIONS?|QUERIES|QUERY)|SHOW\s+(?:(?:ALL|POPULATED|CURRENT)\s+)?"
                r"(?:USERS?|ROLES?|PRIVILEGES|SETTINGS?|TRANSACTIONS?|SERVERS?)\b)", re.I), "administration commands"),
    (re.compile(r"\b(?:CREATE|DROP|ALTER|GRANT|REVOKE|DENY|START|STOP)\s+(?:OR\s+REPLACE\s+)?"
                r"(?:COMPOSITE\s+)?(?:DATABASE|USER|ROLE|ALIAS|SERVER)\b", re.I), "administration commands"),
)


def check_read_only(query: str) -> None:
    """QueryRefused for statements the console never runs; writes are refused by the server."""
    if not query or not query.strip():
        raise QueryRefused("empty query")
    # strings and comments → a space; a backtick-quoted name → its text (`dbms`.x is dbms.x)
    bare = _STRINGS_AND_COMMENTS.sub(
        lambda m: m.group(0)[1:-1].replace("``", "`") if m.group(0).startswith("`") else " ", query)
    for pattern, what in _REFUSED:
        if pattern.search(bare):
            raise QueryRefused(f"read-only console: {what} is refused")


def plain(value: Any) -> Any:
    """Driver values → NodeView / EdgeView / Subgraph / Python values."""
    from neo4j.graph import Node, Path, Relationship

    from graph.model import ENTITY_LABEL, LABELS
    from graph.records import evidence_from_lists, sort_evidence
    from graph.store import EdgeView, NodeView, Subgraph

    def node(n: Node) -> NodeView:
        raw = dict(n.items())
        labels = [lab for lab in n.labels if lab != ENTITY_LABEL]
        label = next((lab for lab in labels if lab in LABELS), labels[0] if labels else "")
        props = {k: v for k, v in raw.items()
                 if k not in ("id", "name", "aliases", "docs", "search_keys", "search_text")}
        props["aliases"] = list(raw.get("aliases") or [])
        props["documents"] = list(raw.get("docs") or [])
        return NodeView(id=str(raw.get("id", n.element_id)), label=label, name=str(raw.get("name", "")),
                        properties=props)

    def rel(r: Relationship) -> EdgeView:
        raw = dict(r.items())
        start = r.start_node.get("id") if r.start_node is not None else None
        end = r.end_node.get("id") if r.end_node is not None else None
        return EdgeView(source=str(start or (r.start_node.element_id if r.start_node is not None else "")),
                        type=r.type, target=str(end or (r.end_node.element_id if r.end_node is not None else "")),
                        properties={k: v for k, v in raw.items() if not k.startswith("ev_")},
                        evidence=sort_evidence(evidence_from_lists(raw)))

    if isinstance(value, Node):
        return node(value)
    if isinstance(value, Relationship):
        return rel(value)
    if isinstance(value, Path):
        return Subgraph(nodes=[node(n) for n in value.nodes], edges=[rel(r) for r in value.relationships])
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return value
