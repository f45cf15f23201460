"""Score the extractor against the gold annotations (tests/gold/{seeds,corpus}/*.json).

Compared as sets per document (conventions: tests/gold/GUIDELINES.md):
- entities: (type, canonical name) for Province … Person;
- clauses: (section, number);
- relations per type: (type, source, target), with a clause as `clause:[section.]number`, a Task as
  `task:<gold key>` when the extracted task's name contains the key, the Document as `Document`;
- "responsibility pairs": untyped (actor, measure) over LEADS/CO_LEADS/RESPONSIBLE_FOR/SUPPORTS;
- "lead pairs": LEADS only.

`python -m extract.score [--set seeds|corpus|holdout|all] [--details]` prints the table (and misses/extras).
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from graph.model import ROLE_TYPES, DocumentGraph

ROOT = Path(__file__).resolve().parent.parent
GOLD_DIR = ROOT / "tests" / "gold"
# holdout: gold written after the extractor was built, never used to tune it (corpus 04, 06)
DOC_DIRS = {"seeds": ROOT / "seeds", "corpus": ROOT / "corpus", "holdout": ROOT / "corpus"}
ENTITY_TYPES = ("Province", "City", "County", "Zone", "FTZ", "Customs", "Agency", "Organization", "Person")
UNSCORED_RELS = ("HAS_CLAUSE", "MENTIONS")


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list = field(default_factory=list)
    extras: list = field(default_factory=list)

    def add(self, doc: str, gold: set, pred: set) -> None:
        self.tp += len(gold & pred)
        self.fp += len(pred - gold)
        self.fn += len(gold - pred)
        self.misses += [(doc, x) for x in sorted(gold - pred, key=str)]
        self.extras += [(doc, x) for x in sorted(pred - gold, key=str)]

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def gold_files(which: str = "all") -> list[tuple[str, Path]]:
    sets = ("seeds", "corpus", "holdout") if which == "all" else (which,)
    out = []
    for s in sets:
        d = GOLD_DIR / s
        if d.is_dir():
            out += [(s, p) for p in sorted(d.glob("*.json"))]
    return out


def source_path(which: str, stem: str) -> Path | None:
    for p in sorted(DOC_DIRS[which].glob(stem + ".*")):
        return p
    return None


def _pred_refs(g: DocumentGraph, gold_tasks: list[dict]) -> tuple[dict[str, str], set, set]:
    """Map entity ids to gold-style references; return (id→ref, entity set, clause set)."""
    refs: dict[str, str] = {g.document.id: "Document"}
    ents, clauses = set(), set()
    for e in g.entities:
        if e.type == "Clause":
            num, sec = e.properties.get("number"), e.properties.get("section")
            ref = f"clause:{sec}.{num}" if sec is not None else f"clause:{num}"
            refs[e.id] = ref
            clauses.add(ref)
        elif e.type == "Task":
            key = next((t["key"] for t in gold_tasks if t["key"] in e.name), None)
            refs[e.id] = f"task:{key or e.name}"
        else:
            refs[e.id] = f"{e.type}:{e.name}"
            if e.type in ENTITY_TYPES:
                ents.add((e.type, e.name))
    return refs, ents, clauses


def score(which: str = "all", graphs: dict[str, DocumentGraph] | None = None,
          per_doc: dict[str, dict[str, PRF]] | None = None) -> dict[str, PRF]:
    """Run the extractor over every gold document and compare; returns metric name → PRF.
    `per_doc`, when given, is filled with document → metric name → PRF."""
    from extract import extract_path
    from extract.relation_rules import JURISDICTION_PARENT
    res: dict[str, PRF] = {}
    doc = ""

    def m(name: str) -> PRF:
        if per_doc is not None:
            per_doc.setdefault(doc, {}).setdefault(name, PRF())
            return _Both(res.setdefault(name, PRF()), per_doc[doc][name])
        return res.setdefault(name, PRF())

    for s, gpath in gold_files(which):
        gold = json.loads(gpath.read_text(encoding="utf-8"))
        stem = gold.get("doc_id") or gpath.stem
        src = source_path(s, stem)
        if src is None:
            continue
        g = graphs[stem] if graphs and stem in graphs else extract_path(src)
        doc = f"{s}/{stem}"
        refs, pents, pclauses = _pred_refs(g, gold.get("tasks", []))
        gents = {(e["type"], e["name"]) for e in gold.get("entities", []) if e["type"] in ENTITY_TYPES}
        m("entities").add(doc, gents, pents)
        gclauses = {f"clause:{c['section']}.{c['number']}" if c.get("section") is not None
                    else f"clause:{c['number']}" for c in gold.get("clauses", [])}
        m("clauses").add(doc, gclauses, pclauses)
        grels: dict[str, set] = {}
        for r in gold.get("relations", []):
            grels.setdefault(r["type"], set()).add((r["source"], r["target"]))
        prels: dict[str, set] = {}
        for r in g.relations:
            if r.type in UNSCORED_RELS or r.rule == JURISDICTION_PARENT:
                continue   # a body → its jurisdiction's place is structure, not a stated fact (GUIDELINES)
            prels.setdefault(r.type, set()).add((refs.get(r.source, r.source), refs.get(r.target, r.target)))
        for t in sorted(set(grels) | set(prels)):
            m(t).add(doc, grels.get(t, set()), prels.get(t, set()))
        gpairs = set().union(*(grels.get(t, set()) for t in ROLE_TYPES))
        ppairs = set().union(*(prels.get(t, set()) for t in ROLE_TYPES))
        m("responsibility pairs").add(doc, gpairs, ppairs)
        m("lead pairs").add(doc, grels.get("LEADS", set()), prels.get("LEADS", set()))
        if "jurisdiction" in gold:
            gj, pj = gold["jurisdiction"], g.document.properties.get("jurisdiction") or {}
            gset = {(gj["name"], tuple(gj.get("parents") or []))}
            pset = {(pj.get("name"), tuple(pj.get("parents") or []))} if pj else set()
            m("jurisdiction").add(doc, gset, pset)
    return res


class _Both:
    """Adds to the set's PRF and the document's at once."""

    def __init__(self, *prfs: PRF) -> None:
        self.prfs = prfs

    def add(self, doc: str, gold: set, pred: set) -> None:
        for p in self.prfs:
            p.add(doc, gold, pred)


def doc_table(per_doc: dict[str, dict[str, PRF]]) -> str:
    """One line per document: responsibility, lead and entity F1 (with gold counts), jurisdiction."""
    lines = [f"{'document':<58} {'resp F1':>7} {'(gold)':>6} {'lead F1':>7} {'(gold)':>6} {'ent F1':>6} {'juris':>5}"]
    for d, r in sorted(per_doc.items()):
        rp, lp, ep = r.get("responsibility pairs", PRF()), r.get("lead pairs", PRF()), r.get("entities", PRF())
        j = r.get("jurisdiction")
        jt = "-" if j is None else ("ok" if j.fn == 0 and j.fp == 0 else "WRONG")
        lines.append(f"{d:<58} {rp.f1:7.3f} {rp.tp + rp.fn:6d} {lp.f1:7.3f} {lp.tp + lp.fn:6d} {ep.f1:6.3f} {jt:>5}")
    return "\n".join(lines)


def table(res: dict[str, PRF]) -> str:
    head = ["responsibility pairs", "lead pairs", "entities", "clauses"]
    order = head + sorted(k for k in res if k not in head)
    lines = [f"{'metric':<22} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}"]
    for k in order:
        if k in res:
            x = res[k]
            lines.append(f"{k:<22} {x.precision:6.3f} {x.recall:6.3f} {x.f1:6.3f} {x.tp:5d} {x.fp:5d} {x.fn:5d}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m extract.score", description=__doc__.splitlines()[0])
    ap.add_argument("--set", choices=("seeds", "corpus", "holdout", "all"), default="all")
    ap.add_argument("--details", action="store_true", help="list misses (gold only) and extras (extracted only)")
    ap.add_argument("--metric", action="append", help="limit --details to these metrics")
    ap.add_argument("--per-doc", action="store_true", help="one line per document")
    ap.add_argument("--doc", help="limit --details to documents whose id contains this")
    args = ap.parse_args(argv)
    sets = ("seeds", "corpus", "holdout") if args.set == "all" else (args.set,)
    for s in sets:
        per: dict[str, dict[str, PRF]] = {}
        res = score(s, per_doc=per)
        print(f"== {s} ==")
        print(table(res))
        if args.per_doc:
            print(doc_table(per))
        if args.details:
            for k, x in res.items():
                if args.metric and k not in args.metric:
                    continue
                for d, item in x.misses:
                    if not args.doc or args.doc in d:
                        print(f"  MISS  {k:<20} {d}  {item}")
                for d, item in x.extras:
                    if not args.doc or args.doc in d:
                        print(f"  EXTRA {k:<20} {d}  {item}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
