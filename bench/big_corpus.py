"""A big extraction-output file (JSON Lines, what `kg build` reads) made from the real corpus.

The corpus documents' extraction JSON (`kg extract corpus/*.txt corpus/*.md --out DIR`) is repeated
until `--documents` documents are written. Copy c > 0 of a document gets its own document id
(`<stem>~c<c>`), its own clauses, and its own copy of every entity except places (Province, City,
County keep their ids: geography is shared, as in real corpora), so the copies do not merge into one
document but stay real-looking: real names, evidence sentences, roles and offsets. Deterministic.

    kg extract corpus/*.txt corpus/*.md --out /tmp/corpus-json
    .venv/bin/python -m bench.big_corpus /tmp/corpus-json --documents 2000 --out /tmp/big.jsonl
    kg build /tmp/big.jsonl --backend neo4j --reset

Without a folder, the corpus is extracted first (a few seconds). 2,000 documents give about
100k nodes and 500k relationships.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SHARED_TYPES = frozenset({"Province", "City", "County"})   # geography: one node for every copy


def corpus_json(folder: Path | None) -> list[dict[str, Any]]:
    """The extraction JSON of each corpus document: read from `folder`, else extracted now."""
    if folder is not None:
        files = sorted(p for p in folder.glob("*.json") if p.stem.lower() != "readme")
        if not files:
            raise SystemExit(f"big_corpus: no extraction JSON in {folder}")
        return [json.loads(p.read_text(encoding="utf-8")) for p in files]
    import extract
    docs = sorted(p for p in (ROOT / "corpus").iterdir()
                  if p.suffix in (".txt", ".md") and p.name.lower() != "readme.md")
    return [extract.extract_path(str(p)).to_dict() for p in docs]


def copy_document(doc: dict[str, Any], c: int) -> dict[str, Any]:
    """Copy `c` of one document's JSON: copy 0 is the document itself; later copies rename the
    document, its clauses and every non-place entity (ids, names) so that nothing merges across copies."""
    if c == 0:
        return doc
    stem = doc["document"]["id"]
    new_stem = f"{stem}~c{c}"
    tag = f"~c{c}"
    renamed: dict[str, str] = {f"document:{stem}": f"document:{new_stem}"}
    entities = []
    for e in doc["entities"]:
        e = dict(e)
        if e["type"] not in SHARED_TYPES:
            old = e["id"]
            if old.startswith(f"clause:{stem}#"):
                e["id"] = f"clause:{new_stem}#" + old.split("#", 1)[1]
            else:
                e["id"] = old + tag
                e["name"] = f"{e['name']}（{c}）"
            renamed[old] = e["id"]
        entities.append(e)
    relations = []
    for r in doc["relations"]:
        r = dict(r)
        r["source"] = renamed.get(r["source"], r["source"])
        r["target"] = renamed.get(r["target"], r["target"])
        relations.append(r)
    head = dict(doc["document"], id=new_stem)
    head["name"] = f"{head.get('name') or head.get('title') or stem}（{c}）"
    return {"document": head, "entities": entities, "relations": relations}


def big_corpus(docs: list[dict[str, Any]], n: int) -> Iterator[dict[str, Any]]:
    """`n` documents: the corpus, then its copies 1, 2, … in turn."""
    for k in range(n):
        yield copy_document(docs[k % len(docs)], k // len(docs))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", nargs="?", type=Path, help="extraction JSON of the corpus (default: extract it now)")
    ap.add_argument("--documents", type=int, default=2000)
    ap.add_argument("--out", type=Path, required=True, help="the JSON Lines file to write")
    args = ap.parse_args()
    docs = corpus_json(args.folder)
    nodes: set[str] = set()
    rels: set[tuple[str, str, str]] = set()
    with open(args.out, "w", encoding="utf-8") as fh:
        for d in big_corpus(docs, args.documents):
            nodes.add("document:" + d["document"]["id"])
            nodes.update(e["id"] for e in d["entities"])
            rels.update((r["source"], r["type"], r["target"]) for r in d["relations"])
            fh.write(json.dumps(d, ensure_ascii=False) + "\n")
    print(f"{args.out}: {args.documents} documents, about {len(nodes):,} nodes and {len(rels):,} relationships "
          f"({args.out.stat().st_size / 2**20:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
