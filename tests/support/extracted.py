"""Shared helpers for the extraction tests: graphs of the real seed and corpus documents, built once."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from graph.model import DocumentGraph
from tests.support import ROOT
SEEDS = {p.name[:3]: p for p in (ROOT / "seeds").glob("*.txt")}
CORPUS = {p.name[:2]: p for p in (ROOT / "corpus").glob("0*.txt")}


@lru_cache(maxsize=None)
def graph_of(path: Path) -> DocumentGraph:
    from extract import extract_path
    return extract_path(path)


def seed(key: str) -> DocumentGraph:
    return graph_of(SEEDS[key])


def corpus(key: str) -> DocumentGraph:
    return graph_of(CORPUS[key])


def names(g: DocumentGraph, typ: str | None = None) -> set[str]:
    return {e.name for e in g.entities if typ is None or e.type == typ}


def name_of(g: DocumentGraph, eid: str) -> str:
    for e in g.entities:
        if e.id == eid:
            return e.name
    return g.document.name if eid == g.document.id else eid


def rels(g: DocumentGraph, typ: str) -> set[tuple[str, str]]:
    """(source name, target name-or-id) of one relation type; clauses/tasks keep their ids."""
    out = set()
    kinds = {e.id: e.type for e in g.entities}
    for r in g.relations:
        if r.type == typ:
            tgt = r.target if kinds.get(r.target) in ("Clause", "Task") else name_of(g, r.target)
            out.add((name_of(g, r.source), tgt))
    return out


def clause(g: DocumentGraph, number: int, section: int | None = None):
    for e in g.entities:
        if e.type == "Clause" and e.properties.get("number") == number and e.properties.get("section") == section:
            return e
    raise AssertionError(f"no clause {section}.{number} in {g.doc_id}")


def actors_of(g: DocumentGraph, target_id: str, roles=("LEADS", "CO_LEADS", "RESPONSIBLE_FOR", "SUPPORTS")) -> dict[str, str]:
    """actor name → role for one clause/task."""
    return {name_of(g, r.source): r.type for r in g.relations if r.target == target_id and r.type in roles}


# a Q&A transcript (seeds/001, shortened), for the rule tables: turns are detected from three on
TRANSCRIPT = ("2022年9月15日市政府新闻发布会问答实录\n\n"
              "人民日报:2020年两省一市政府出台的对示范区第一批支持政策的落地实施情况怎样?\n\n"
              "华源:2020年两省一市政府出台的第一批支持政策,共22条。\n\n"
              "解放日报:上海海关在促进长三角生态绿色一体化发展示范区建设方面采取了哪些具体措施?\n\n"
              "叶建:示范区内三地隶属海关发挥基层首创精神,在我关牵头建立的长三角区域内直属海关一体协同工作机制的基础上,"
              "加大改革探索力度。\n")
