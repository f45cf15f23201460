"""Synthetic extraction output (DocumentGraphs) for fault, concurrency and load tests: big enough
that a save or a Neo4j load takes a while, built in pure Python (no extractor) and deterministic.

Agencies are shared across documents (as in real corpora), so merging documents accumulates
provenance on the same nodes instead of only adding new ones.
"""
from __future__ import annotations

import json
from pathlib import Path

from graph.model import DocumentGraph, Entity, Evidence, Relation, clause_id, document_id, entity_id

PROVINCES = ("上海市", "江苏省", "浙江省", "安徽省")
DEPARTMENTS = ("发展改革委", "财政厅", "教育厅", "科技厅", "商务厅", "生态环境厅", "交通运输厅", "人力资源社会保障厅",
               "自然资源厅", "卫生健康委", "文化和旅游厅", "市场监管局", "地方金融监管局", "大数据局", "住房城乡建设厅")
ROLES = ("LEADS", "RESPONSIBLE_FOR", "SUPPORTS", "CO_LEADS")
AREAS = ("财政", "金融", "教育", "科技创新", "海关贸易", "生态环境", "交通", "营商环境")


def _agencies() -> list[Entity]:
    out = []
    for p in PROVINCES:
        for d in DEPARTMENTS:
            name = f"{p}{d}"
            out.append(Entity(id=entity_id("Agency", name), type="Agency", name=name, aliases=[d]))
    return out


def synthetic_document(index: int, clauses: int = 200) -> DocumentGraph:
    """One policy document: `clauses` clauses, each with 3 responsible agencies and a province."""
    stem = f"synthetic_{index:04d}"
    doc = Entity(id=document_id(stem), type="Document", name=f"关于第{index}批支持政策的若干措施",
                 properties={"title": f"关于第{index}批支持政策的若干措施", "date": f"20{20 + index % 5}-0{1 + index % 9}-15",
                             "kind": "policy"})
    agencies = _agencies()
    provinces = [Entity(id=entity_id("Province", p), type="Province", name=p) for p in PROVINCES]
    ents: list[Entity] = [*provinces, *agencies]
    rels: list[Relation] = []
    pos = 0
    for n in range(1, clauses + 1):
        title = f"第{index}批第{n}项措施：加强区域协同"
        text = f"{n}．{title}。支持示范区建设。（责任单位：{agencies[(index + n) % len(agencies)].name}等）"
        cid = clause_id(stem, n)
        ents.append(Entity(id=cid, type="Clause", name=title,
                           properties={"number": n, "title": title, "text": text,
                                       "areas": [AREAS[(index * 7 + n) % len(AREAS)]]}))
        ev = Evidence(text=text, start=pos, end=pos + len(text))
        rels.append(Relation("HAS_CLAUSE", doc.id, cid, ev, "numbering"))
        for k in range(3):
            a = agencies[(index * 13 + n * 3 + k) % len(agencies)]
            rels.append(Relation(ROLES[k % len(ROLES)], a.id, cid, ev, "responsibility-note"))
        rels.append(Relation("APPLIES_TO", cid, provinces[n % 4].id, ev, "scope"))
        pos += len(text) + 1
    for a in agencies:
        prov = next(p for p in provinces if a.name.startswith(p.name))
        rels.append(Relation("SUBORDINATE_TO", a.id, prov.id, Evidence(a.name, 0, len(a.name)), "hierarchy"))
    rels.append(Relation("ISSUED_BY", doc.id, provinces[index % 4].id, Evidence(doc.name, 0, len(doc.name)), "issuer"))
    return DocumentGraph(document=doc, entities=ents, relations=rels)


def synthetic_graphs(documents: int, clauses: int = 200, first: int = 0) -> list[DocumentGraph]:
    return [synthetic_document(i, clauses) for i in range(first, first + documents)]


def write_jsonl(graphs: list[DocumentGraph], path: Path) -> Path:
    """Extraction output as JSON Lines (what `kg extract` prints; `kg build` reads it)."""
    with open(path, "w", encoding="utf-8") as fh:
        for g in graphs:
            fh.write(json.dumps(g.to_dict(), ensure_ascii=False) + "\n")
    return path


def expected_counts(graphs: list[DocumentGraph]) -> tuple[int, int]:
    """(nodes, relationships) after merging `graphs` into an empty store (entities whose id or name
    is over the stores' key limit are skipped with their relations, see graph.records)."""
    from graph.records import MAX_KEY_CHARS
    nodes = {g.document.id for g in graphs} | {e.id for g in graphs for e in g.entities
                                               if len(e.id) <= MAX_KEY_CHARS and len(e.name) <= MAX_KEY_CHARS}
    rels = {(r.source, r.type, r.target) for g in graphs for r in g.relations
            if r.source in nodes and r.target in nodes}
    return len(nodes), len(rels)
