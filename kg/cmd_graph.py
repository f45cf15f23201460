"""`kg build|stats|search|show|leads|neighbors|path|export|cypher`: the graph from the command line.

Every command takes `--backend memory|neo4j` (default: KG_BACKEND, else memory). Errors are the
project's one-line errors (unknown entity, Neo4j unreachable with its URI, bad format).
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path
from typing import Any, Iterable, Iterator

from extract.reader import DOCUMENT_SUFFIXES
from common.errors import ConfigError, InputError, KGError
from graph.model import LABELS, REL_TYPES, ROLE_LABELS_ZH, ROLE_TYPES

DOC_SUFFIXES = DOCUMENT_SUFFIXES   # the reader's one list of readable suffixes
# Extraction output (`kg extract --out DIR`, docs/domain.md §5) is loaded as is, without extracting again.
GRAPH_SUFFIXES = (".json", ".jsonl")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the graph commands to the `kg` parser."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--backend", choices=("memory", "neo4j"),
                        help="graph store (default: KG_BACKEND, else memory)")

    p = subparsers.add_parser("build", parents=[common], help="extract documents and load them into the graph",
                              description="Extract PATHs (files or folders; default seeds/) and merge them "
                                          "into the graph. Rebuilding the same input changes nothing.")
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="documents, folders of documents, or extraction JSON/JSONL files")
    p.add_argument("--reset", action="store_true", help="empty the store first")
    p.add_argument("--jurisdiction", metavar="PLACE",
                   help="issuing jurisdiction of every document (上海市青浦区, 广州市, 国家), overriding their own")
    p.set_defaults(func=cmd_build)

    p = subparsers.add_parser("stats", parents=[common], help="counts by label and relationship type")
    p.add_argument("--json", action="store_true", help="print {nodes, relationships, total_nodes, total_relationships}")
    p.set_defaults(func=cmd_stats)

    p = subparsers.add_parser("search", parents=[common], help="find entities by name or alias")
    p.add_argument("query")
    _multi(p, "--label", "labels", LABELS, "only these labels")
    p.add_argument("--jurisdiction", metavar="PLACE", help="only bodies of this jurisdiction (上海市, 上海市松江区)")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_search)

    p = subparsers.add_parser("documents", parents=[common], help="the documents in the graph",
                              description="Documents with date, issuing jurisdiction and clause count; "
                                          "--jurisdiction keeps those issued in a place or inside it.")
    p.add_argument("--jurisdiction", metavar="PLACE", help="上海市 (its districts and towns too), 上海市松江区 …")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_documents)

    p = subparsers.add_parser("show", parents=[common], help="an entity with every relationship and its evidence")
    p.add_argument("name", help="id, canonical name or alias")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_show)

    p = subparsers.add_parser("leads", parents=[common],
                              help="who leads what: an agency's measures, or a clause/task's agencies, by role")
    p.add_argument("name", help="agency, clause or task (id, name or alias)")
    _multi(p, "--document", "documents", None, "only evidence from these documents")
    _multi(p, "--role", "roles", ROLE_TYPES, "only these roles")
    _multi(p, "--area", "areas", None, "only measures in these policy areas")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_leads)

    p = subparsers.add_parser("neighbors", parents=[common], help="the k-hop neighbourhood of entities")
    p.add_argument("names", nargs="+", metavar="NAME")
    p.add_argument("--depth", type=int, default=1)
    _filters(p)
    p.add_argument("--cap", type=int, default=300, help="node cap (default %(default)s)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_neighbors)

    p = subparsers.add_parser("path", parents=[common], help="shortest paths between two entities")
    p.add_argument("source")
    p.add_argument("target")
    _multi(p, "--type", "types", REL_TYPES, "only through these relationship types")
    p.add_argument("--max-length", type=int, default=6)
    p.add_argument("--limit", type=int, default=5)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_path)

    p = subparsers.add_parser("export", parents=[common], help="export the graph or a subgraph",
                              description="Export the whole graph, a filter result, or the neighbourhood of "
                                          "--center entities. --out names a file, or a folder for csv.")
    p.add_argument("--format", required=True, help="graphml, json, csv, cypher or xlsx")
    p.add_argument("--out", required=True, help="output file (a folder for csv)")
    p.add_argument("--center", nargs="+", default=[], metavar="NAME", help="export around these entities")
    p.add_argument("--depth", type=int, default=1)
    p.add_argument("--cap", type=int, default=10000, help="node cap around --center (default %(default)s)")
    _filters(p)
    _multi(p, "--area", "areas", None, "only measures in these policy areas (without --center)")
    p.set_defaults(func=cmd_export)

    p = subparsers.add_parser("cypher", parents=[common], help="read-only Cypher (Neo4j backend)")
    p.add_argument("query")
    p.add_argument("--timeout", type=float, default=10.0, help="seconds (default %(default)s)")
    p.add_argument("--limit", type=int, default=1000, help="row cap (default %(default)s)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_cypher)


def _multi(p: argparse.ArgumentParser, flag: str, dest: str, choices: Iterable[str] | None, help_: str) -> None:
    p.add_argument(flag, dest=dest, nargs="+", action="extend", default=[],
                   choices=list(choices) if choices else None, metavar=flag.strip("-").upper(), help=help_)


def _filters(p: argparse.ArgumentParser) -> None:
    _multi(p, "--label", "labels", LABELS, "only nodes with these labels")
    _multi(p, "--type", "types", REL_TYPES, "only these relationship types")
    _multi(p, "--document", "documents", None, "only relationships with evidence from these documents")


def _store(args: argparse.Namespace):
    from graph import open_store
    return open_store(args.backend)


def _dump(obj: Any) -> None:
    def default(o: Any) -> Any:
        if dataclasses.is_dataclass(o):
            return dataclasses.asdict(o)
        return str(o)
    print(json.dumps(obj, ensure_ascii=False, indent=2, default=default))


def _short(text: Any, n: int = 60) -> str:
    s = str(text).replace("\n", " ")
    return s if len(s) <= n else s[:n - 1] + "…"


# -- build -------------------------------------------------------------------------------------

def document_files(paths: Iterable[str]) -> list[Path]:
    """Files to extract: the given files, and the documents inside given folders (sorted)."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            # A folder gives its documents (data files such as gazetteers next to them are not read).
            out += sorted(f for f in p.iterdir() if f.is_file() and f.suffix.lower() in DOC_SUFFIXES
                          and not f.name.startswith(".") and f.name.lower() != "readme.md")
        elif p.is_file():
            out.append(p)
        else:
            raise InputError(f"no such file or folder: {raw}")
    if not out:
        raise InputError(f"no documents found in {', '.join(map(str, paths))}")
    return out


def _load_json(path: Path) -> Iterator[Any]:
    """DocumentGraphs from an extraction output file (one JSON object, or JSON Lines)."""
    from graph.model import DocumentGraph
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix.lower() == ".jsonl":
            items = [json.loads(line) for line in text.splitlines() if line.strip()]
        else:
            data = json.loads(text)
            items = data if isinstance(data, list) else [data]
        return iter([DocumentGraph.from_dict(d) for d in items])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{path}: not an extraction output file ({type(exc).__name__}: {exc})") from None


def _extract(files: list[Path], errors: list[str], jurisdiction: str | None = None) -> Iterator[Any]:
    """DocumentGraphs of the files, one at a time; unreadable files are reported and skipped."""
    docs = [f for f in files if f.suffix.lower() not in GRAPH_SUFFIXES]
    for f in files:
        if f.suffix.lower() in GRAPH_SUFFIXES:
            try:
                yield from _load_json(f)
            except KGError as err:
                errors.append(str(err))
    if not docs:
        return
    import extract
    for path, result in extract.extract_many([str(f) for f in docs], jurisdiction=jurisdiction):
        if isinstance(result, KGError):
            errors.append(str(result) if Path(path).name in str(result) else f"{path}: {result}")
        else:
            yield result


def cmd_build(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    files = document_files(args.paths or ["seeds"])
    from extract.api import check_jurisdiction
    check_jurisdiction(args.jurisdiction)      # a bad name fails before the store is touched
    store = _store(args)
    try:
        errors: list[str] = []
        graphs = []
        with tqdm(total=len(files), desc="extract", unit="doc", file=sys.stderr,
                  disable=None, leave=False) as bar:
            for g in _extract(files, errors, args.jurisdiction):
                graphs.append(g)
                bar.update(1)
        from extract.follows import link_documents
        # FOLLOWS (第二批 → 第一批) needs the whole batch; extraction JSON given as input (no text)
        # is loaded exactly as it is.
        link_documents([g for g in graphs if g.text is not None])
        if args.reset:
            store.reset()
        with tqdm(total=len(graphs), desc="load", unit="doc", file=sys.stderr, disable=None,
                  leave=False) as bar:
            report = store.merge(graphs, progress=bar.update)
        for e in errors:
            print(f"kg: skipped: {e}", file=sys.stderr)
        st = store.stats()
        print(f"{report.documents} documents merged into {store.backend}: "
              f"{report.nodes_created} nodes and {report.relationships_created} relationships created; "
              f"graph has {st.total_nodes} nodes, {st.total_relationships} relationships")
        if report.relationships_skipped or report.entities_skipped:
            print(f"kg: note: {report.relationships_skipped} relations with a missing end and "
                  f"{report.entities_skipped} over-long entities were skipped", file=sys.stderr)
        return 2 if errors else 0
    finally:
        store.close()


# -- reads -------------------------------------------------------------------------------------

def cmd_stats(args: argparse.Namespace) -> int:
    store = _store(args)
    try:
        st = store.stats()
        if args.json:
            print(json.dumps(st.to_dict(), ensure_ascii=False))
            return 0
        info = store.describe()
        print(f"{info['backend']} · {info['address']}")
        print(f"nodes: {st.total_nodes}")
        for k, v in st.nodes.items():
            print(f"  {k:<16}{v:>8}")
        print(f"relationships: {st.total_relationships}")
        for k, v in st.relationships.items():
            print(f"  {k:<16}{v:>8}")
        return 0
    finally:
        store.close()


def cmd_search(args: argparse.Namespace) -> int:
    store = _store(args)
    try:
        hits = store.search(args.query, labels=args.labels or None, limit=args.limit,
                            jurisdiction=args.jurisdiction)
        if args.json:
            _dump(hits)
            return 0
        if not hits:
            print(f"kg: no match for {args.query!r}", file=sys.stderr)
            return 1
        for h in hits:
            alias = f"  ({'、'.join(h.aliases[:4])})" if h.aliases else ""
            print(f"{h.score:6.3f}  {h.label:<12} {_short(h.name)}{alias}  [{h.id}]")
        return 0
    finally:
        store.close()


def cmd_documents(args: argparse.Namespace) -> int:
    store = _store(args)
    try:
        docs = store.documents_in(args.jurisdiction)
        if args.json:
            _dump([{"id": d.id, "title": d.properties.get("title") or d.name, "date": d.properties.get("date"),
                    "jurisdiction": d.properties.get("jurisdiction_name"),
                    "clauses": d.properties.get("clauses")} for d in docs])
            return 0
        if not docs:
            print("kg: no documents" + (f" in {args.jurisdiction}" if args.jurisdiction else ""), file=sys.stderr)
            return 1
        for d in docs:
            print(f"{d.properties.get('date') or '—':<10}  {d.properties.get('jurisdiction_name') or '—':<14} "
                  f"{d.properties.get('clauses', 0):>4}  {_short(d.properties.get('title') or d.name, 60)}  [{d.id}]")
        return 0
    finally:
        store.close()


def cmd_show(args: argparse.Namespace) -> int:
    store = _store(args)
    try:
        node, edges = store.entity(store.resolve(args.name))
        if args.json:
            _dump({"node": node, "edges": edges})
            return 0
        print(f"{node.name}  [{node.label}]  {node.id}")
        for k, v in node.properties.items():
            if v not in (None, "", []):
                print(f"  {k}: {_short('、'.join(map(str, v)) if isinstance(v, list) else v, 100)}")
        print(f"relationships ({len(edges)}):")
        for e in edges:
            out = e.source == node.id
            other = (e.target_name or e.target) if out else (e.source_name or e.source)
            arrow = f"-[{e.type}]->" if out else f"<-[{e.type}]-"
            print(f"  {arrow} {_short(other)}")
            for ev in e.evidence:
                print(f"      {ev.get('doc_id')} [{ev.get('start')}:{ev.get('end')}] {ev.get('rule')}: "
                      f"{_short(ev.get('text', ''), 90)}")
        return 0
    finally:
        store.close()


def cmd_leads(args: argparse.Namespace) -> int:
    store = _store(args)
    try:
        rows = store.who_leads(store.resolve(args.name), documents=args.documents or None,
                               roles=args.roles or None, areas=args.areas or None)
        if args.json:
            _dump(rows)
            return 0
        if not rows:
            print("no responsibilities found", file=sys.stderr)
            return 1
        for r in rows:
            num = f"#{r.number} " if r.number is not None else ""
            print(f"{ROLE_LABELS_ZH[r.role]:<4} {_short(r.agency, 30):<30}  {r.doc_id} {num}{_short(r.measure, 50)}")
        return 0
    finally:
        store.close()


def _print_subgraph(sub: Any) -> None:
    for n in sub.nodes:
        print(f"  {n.label:<12} {_short(n.name)}  [{n.id}]")
    print(f"{len(sub.edges)} relationships:")
    for e in sub.edges:
        print(f"  {_short(e.source_name or e.source, 40)} -[{e.type}]-> {_short(e.target_name or e.target, 40)}")


def cmd_neighbors(args: argparse.Namespace) -> int:
    store = _store(args)
    try:
        ids = [store.resolve(n) for n in args.names]
        sub = store.neighbourhood(ids, depth=args.depth, labels=args.labels or None,
                                  rel_types=args.types or None, documents=args.documents or None,
                                  node_cap=args.cap)
        if args.json:
            _dump(sub)
            return 0
        print(f"{len(sub.nodes)} nodes:")
        _print_subgraph(sub)
        if sub.truncated:
            print(f"kg: note: the node cap ({sub.node_cap}) cut the neighbourhood; raise --cap",
                  file=sys.stderr)
        return 0
    finally:
        store.close()


def cmd_path(args: argparse.Namespace) -> int:
    store = _store(args)
    try:
        paths = store.paths(store.resolve(args.source), store.resolve(args.target),
                            rel_types=args.types or None, max_length=args.max_length, limit=args.limit)
        if args.json:
            _dump(paths)
            return 0
        if not paths:
            print(f"no path of at most {args.max_length} hops", file=sys.stderr)
            return 1
        for i, p in enumerate(paths, 1):
            hops = []
            for a, b in zip(p.nodes, p.nodes[1:]):
                types = sorted({e.type for e in p.edges if {e.source, e.target} == {a.id, b.id}})
                hops.append(f" -[{'|'.join(types)}]- {_short(b.name, 30)}")
            print(f"{i}. {_short(p.nodes[0].name, 30)}" + "".join(hops))
        return 0
    finally:
        store.close()


def cmd_export(args: argparse.Namespace) -> int:
    from graph import export

    fmt = export.check_format(args.format)
    store = _store(args)
    try:
        if args.center:
            ids = [store.resolve(n) for n in args.center]
            sub = store.neighbourhood(ids, depth=args.depth, labels=args.labels or None,
                                      rel_types=args.types or None, documents=args.documents or None,
                                      node_cap=args.cap)
            if sub.truncated:
                print(f"kg: note: the node cap ({sub.node_cap}) cut the export; raise --cap", file=sys.stderr)
        else:
            sub = store.subgraph(labels=args.labels or None, rel_types=args.types or None,
                                 documents=args.documents or None, areas=args.areas or None)
        try:
            files = export.export(sub, fmt, args.out)
        except OSError as exc:
            raise ConfigError(f"cannot write {args.out}: {exc.strerror or exc}") from None
        print(f"{len(sub.nodes)} nodes, {len(sub.edges)} relationships → " + ", ".join(map(str, files)))
        return 0
    finally:
        store.close()


def cmd_cypher(args: argparse.Namespace) -> int:
    store = _store(args)
    try:
        keys, rows = store.cypher(args.query, timeout_s=args.timeout, row_cap=args.limit)
        if args.json:
            _dump({"columns": keys, "rows": rows})
            return 0
        print("\t".join(keys))
        for row in rows:
            print("\t".join(_cell(v) for v in row))
        if len(rows) >= args.limit:
            print(f"kg: note: stopped at the row cap ({args.limit})", file=sys.stderr)
        return 0
    finally:
        store.close()


def _cell(value: Any) -> str:
    if dataclasses.is_dataclass(value):
        name = getattr(value, "name", None) or getattr(value, "type", "")
        return _short(f"({name})", 60)
    return _short(json.dumps(value, ensure_ascii=False, default=str) if isinstance(value, (list, dict))
                  else value, 80)
