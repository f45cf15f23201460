"""The embedded store's file format: save time, file size, reload time and peak memory per format.

    .venv/bin/python -m bench.bench_store_file --scale 1 --repeat 3

Builds the synthetic corpus (bench/synthetic.py, ≈ 105k nodes, 366k relationships at scale 1) through
the public path (`MemoryStore.merge`), then saves that one graph in each candidate format and reloads
each file in a fresh process (`--repeat` times, formats interleaved, medians shown): reload = open until
the first query has answered (a name search, which also builds the search index). Peak RSS is the
child's VmHWM (its `ru_maxrss` would start at the parent's peak), CPU seconds its own (`os.wait4`),
the interpreter's start and imports included. The old JSON (format 1 with the code that wrote and read it:
stdlib json, `add_node`/`add_edge` one by one, the old search index) is the baseline, in the same run.

Formats: `json-v1` (baseline), `json-v1-new` (the same format-1 file read by the current store),
`jsonl-v2` (the store's format: orjson JSON lines, graph/store_file.py), `jsonl-v2-nx` (the same file
read with networkx's `add_nodes_from`/`add_edges_from` and the garbage collector on: what the decoder
alone gives), `msgpack` (the same rows as a msgpack stream) and `sqlite` (tables nodes/edges, JSON
columns). Every candidate is built by the same `GraphBuilder`, so only the container differs.
Results: bench/results/store-file-*.json and a Markdown table on stdout.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import networkx as nx  # noqa: E402

from graph import store_file  # noqa: E402
from graph.memory_store import MemoryStore  # noqa: E402

RESULTS = ROOT / "bench" / "results"
FORMATS = ("json-v1", "json-v1-new", "jsonl-v2", "jsonl-v2-nx", "msgpack", "sqlite")
FILE_OF = {"json-v1": "v1.json", "json-v1-new": "v1.json", "jsonl-v2": "graph.json", "jsonl-v2-nx": "graph.json",
           "msgpack": "graph.msgpack", "sqlite": "graph.sqlite"}
LABEL = {"json-v1": "JSON format 1, old code (baseline)", "json-v1-new": "JSON format 1 file, read by the new store",
         "jsonl-v2": "**orjson JSON lines, format 2 (adopted)**",
         "jsonl-v2-nx": "format 2, add_nodes_from/add_edges_from, GC on",
         "msgpack": "msgpack stream, same rows", "sqlite": "SQLite tables, JSON columns"}


# -- writers (each ends with fsync, like the store's atomic save) ----------------------------------------
def _synced(path: Path, write: Callable[[Any], None]) -> None:
    with open(path, "wb") as fh:
        write(fh)
        fh.flush()
        os.fsync(fh.fileno())


def write_json_v1(g: nx.MultiDiGraph, path: Path) -> None:
    """The format-1 writer as it was: one JSON object through the stdlib."""
    data = {
        "format": "yrd-policy-graph/1",
        "nodes": [{"id": n, "label": a["label"], "name": a["name"], "aliases": a["aliases"],
                   "docs": a["docs"], "props": a["props"]} for n, a in g.nodes(data=True)],
        "edges": [{"source": s, "type": k, "target": t, "props": a["props"], "evidence": a["evidence"]}
                  for s, t, k, a in g.edges(keys=True, data=True)],
    }
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, separators=(",", ":"))
        fh.flush()
        os.fsync(fh.fileno())


def write_msgpack(g: nx.MultiDiGraph, path: Path) -> None:
    import msgpack
    packer = msgpack.Packer()
    index = {n: i for i, n in enumerate(g)}

    def write(fh) -> None:
        fh.write(packer.pack({"format": "msgpack-candidate", "nodes": len(index), "edges": g.number_of_edges()}))
        for chunk in store_file.chunks(store_file.node_rows(g)):
            fh.write(packer.pack(chunk))
        for chunk in store_file.chunks(store_file.edge_rows(g, index)):
            fh.write(packer.pack(chunk))
    _synced(path, write)


def write_sqlite(g: nx.MultiDiGraph, path: Path) -> None:
    import sqlite3

    import orjson
    path.unlink(missing_ok=True)
    index = {n: i for i, n in enumerate(g)}
    dump = orjson.dumps
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA journal_mode=OFF")
        con.execute("PRAGMA synchronous=OFF")
        con.execute("CREATE TABLE nodes (i INTEGER PRIMARY KEY, id TEXT, label TEXT, name TEXT, aliases TEXT, "
                    "docs TEXT, props TEXT)")
        con.execute("CREATE TABLE edges (s INTEGER, t INTEGER, type TEXT, props TEXT, evidence TEXT)")
        con.executemany("INSERT INTO nodes VALUES (?, ?, ?, ?, ?, ?, ?)",
                        ((index[r[0]], r[0], r[1], r[2], dump(r[3]), dump(r[4]), dump(r[5]))
                         for r in store_file.node_rows(g)))
        con.executemany("INSERT INTO edges VALUES (?, ?, ?, ?, ?)",
                        ((r[0], r[1], r[2], dump(r[3]), dump(r[4])) for r in store_file.edge_rows(g, index)))
        con.commit()
    finally:
        con.close()
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())


# -- readers (in the child) ------------------------------------------------------------------------------
def read_json_v1(path: Path) -> nx.MultiDiGraph:
    """The format-1 reader as it was: stdlib json, then add_node/add_edge one by one."""
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    g = nx.MultiDiGraph()
    for n in data.get("nodes", []):
        g.add_node(n["id"], label=n["label"], name=n["name"], aliases=n.get("aliases", []),
                   docs=n.get("docs", []), props=n.get("props", {}))
    for e in data.get("edges", []):
        g.add_edge(e["source"], e["target"], key=e["type"], props=e.get("props", {}),
                   evidence=e.get("evidence", []))
    return g


def read_jsonl_nx(path: Path) -> nx.MultiDiGraph:
    import orjson
    g = nx.MultiDiGraph()
    ids: list[str] = []
    with open(path, "rb") as fh:
        n_nodes = orjson.loads(fh.readline())["nodes"]
        for line in fh:
            rows = orjson.loads(line)
            if len(ids) < n_nodes:
                ids += [r[0] for r in rows]
                g.add_nodes_from((r[0], {"label": r[1], "name": r[2], "aliases": r[3], "docs": r[4], "props": r[5]})
                                 for r in rows)
            else:
                g.add_edges_from((ids[r[0]], ids[r[1]], r[2], {"props": r[3], "evidence": r[4]}) for r in rows)
    return g


def read_msgpack(path: Path) -> nx.MultiDiGraph:
    import msgpack
    b = store_file.GraphBuilder()
    with open(path, "rb") as fh, store_file.gc_paused(collect=True):   # as the store does
        unpacker = msgpack.Unpacker(fh, max_buffer_size=2**31 - 1)
        n_nodes = next(unpacker)["nodes"]
        for rows in unpacker:
            if len(b.ids) < n_nodes:
                b.add_nodes(rows)
            else:
                b.add_edges(rows)
    return b.graph


def read_sqlite(path: Path) -> nx.MultiDiGraph:
    import sqlite3

    import orjson
    load = orjson.loads
    b = store_file.GraphBuilder()
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        with store_file.gc_paused(collect=True):
            b.add_nodes((r[0], r[1], r[2], load(r[3]), load(r[4]), load(r[5]))
                        for r in con.execute("SELECT id, label, name, aliases, docs, props FROM nodes ORDER BY i"))
            b.add_edges((r[0], r[1], r[2], load(r[3]), load(r[4]))
                        for r in con.execute("SELECT s, t, type, props, evidence FROM edges"))
    finally:
        con.close()
    return b.graph


class OldSearchIndex:
    """The search index as it was (one token-index entry per entity and key, GC on): the baseline's."""

    def __init__(self, g: nx.MultiDiGraph):
        from graph.search_rank import search_keys, tokens
        texts: list[str] = []
        self.node_of_text: list[str] = []
        self.exact: dict[str, list[str]] = {}
        self.verbatim: dict[str, list[str]] = {}
        self.key_node: list[str] = []
        self.key_size: list[int] = []
        self.by_token: dict[str, list[int]] = {}
        for n, a in g.nodes(data=True):
            keys = search_keys(a["name"], a["aliases"])
            texts.append("\n" + "\n".join(keys) + "\n")
            self.node_of_text.append(n)
            for k in keys:
                self.exact.setdefault(k, []).append(n)
                toks = tokens(k)
                ki = len(self.key_node)
                self.key_node.append(n)
                self.key_size.append(len(toks))
                for t in toks:
                    self.by_token.setdefault(t, []).append(ki)
            for v in [a["name"], *a["aliases"]]:
                self.verbatim.setdefault(v, []).append(n)
        self.starts: list[int] = []
        pos = 0
        for t in texts:
            self.starts.append(pos)
            pos += len(t)
        self.blob = "".join(texts)

    def candidates(self, q: str, qtokens: set[str]) -> set[str]:
        import bisect
        import re

        from graph.search_rank import FUZZY_MIN
        found: set[str] = set()
        if q and "\n" not in q:
            for m in re.finditer(re.escape(q), self.blob):
                found.add(self.node_of_text[bisect.bisect_right(self.starts, m.start()) - 1])
        if qtokens:
            counts: dict[int, int] = {}
            for t in qtokens:
                for ki in self.by_token.get(t, ()):
                    counts[ki] = counts.get(ki, 0) + 1
            nq = len(qtokens)
            for ki, c in counts.items():
                if 2.0 * c / (nq + self.key_size[ki]) >= FUZZY_MIN:
                    found.add(self.key_node[ki])
        return found


READERS: dict[str, Callable[[Path], nx.MultiDiGraph]] = {
    "json-v1": read_json_v1, "jsonl-v2-nx": read_jsonl_nx, "msgpack": read_msgpack, "sqlite": read_sqlite}


def reload_child(fmt: str, path: Path, query: str) -> dict[str, Any]:
    """Open the file until the first search answers; the store itself for its own formats."""
    t, c = time.perf_counter(), time.process_time()
    if fmt == "none":
        return {"peak_rss_mb": peak_rss_mb()}
    store = MemoryStore(path)
    if fmt in READERS:                      # a candidate: serve its graph through the same store code
        store._g, store._stamp = READERS[fmt](path), store._file_stamp()
    g = store.graph
    loaded, loaded_cpu = time.perf_counter() - t, time.process_time() - c
    if fmt == "json-v1":
        store._index = OldSearchIndex(g)    # the old store built this index on the first search
    hits = store.search(query, limit=5)
    first, first_cpu = time.perf_counter() - t, time.process_time() - c
    return {"peak_rss_mb": peak_rss_mb(), "nodes": g.number_of_nodes(), "relationships": g.number_of_edges(),
            "load_seconds": round(loaded, 2), "load_cpu": round(loaded_cpu, 2), "first_query_seconds": round(first, 2),
            "first_query_cpu": round(first_cpu, 2), "hits": len(hits)}


def peak_rss_mb() -> int:
    """This process's peak RSS: VmHWM, reset at exec (a child's ru_maxrss starts at its parent's peak)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024)
    raise SystemExit("no /proc/self/status: peak memory needs Linux")


def run_child(fmt: str, path: Path, query: str) -> dict[str, Any]:
    proc = subprocess.Popen([sys.executable, "-m", "bench.bench_store_file", "--reload", fmt, str(path),
                             "--query", query], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    out = proc.stdout.read()
    proc.stdout.close()
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"the {fmt} reload child failed (exit {proc.returncode})")
    res = json.loads(out.strip().splitlines()[-1])
    res["cpu_seconds"] = round(usage.ru_utime + usage.ru_stime, 2)      # the child's own (os.wait4)
    return res


def save_timed(fmt: str, store: MemoryStore, g: nx.MultiDiGraph, path: Path) -> dict[str, float]:
    t, c = time.perf_counter(), time.process_time()
    if fmt == "json-v1":
        write_json_v1(g, path)
    elif fmt == "jsonl-v2":
        store._write(g)                         # the store's own atomic save (temp file, fsync, replace)
    elif fmt == "msgpack":
        write_msgpack(g, path)
    elif fmt == "sqlite":
        write_sqlite(g, path)
    return {"seconds": time.perf_counter() - t, "cpu": time.process_time() - c}


def table(res: dict[str, Any]) -> str:
    lines = ["| format | save: CPU s (wall) | file MB | reload until the first search answers: CPU s (wall) | "
             "of it, graph loaded: CPU s | peak RSS MB |", "|---|---|---|---|---|---|"]
    for fmt, r in res["formats"].items():
        save = f"{r['save_cpu']} ({r['save_seconds']})" if "save_seconds" in r else "same file"
        lines.append(f"| {LABEL[fmt]} | {save} | {r['file_mb']} | {r['first_query_cpu']} ({r['first_query_seconds']}) | "
                     f"{r['load_cpu']} | {r['peak_rss_mb']} |")
    bare = res["bare"]
    lines.append(f"| (a child's interpreter and imports alone) | | | | | {bare['peak_rss_mb']} |")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=3, help="reloads (and saves) per format; medians shown")
    ap.add_argument("--formats", default=",".join(FORMATS))
    ap.add_argument("--reload", nargs=2, metavar=("FORMAT", "PATH"), help=argparse.SUPPRESS)
    ap.add_argument("--query", default="发展改革委", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.reload:
        print(json.dumps(reload_child(args.reload[0], Path(args.reload[1]), args.query)), flush=True)
        os._exit(0)                             # not timing the interpreter freeing the graph at exit
    from bench.synthetic import corpus
    formats = [f for f in FORMATS if f in args.formats.split(",")]
    res: dict[str, Any] = {"scale": args.scale, "seed": args.seed, "repeat": args.repeat,
                           "machine": {"cpus": os.cpu_count(), "load_avg_start": os.getloadavg()},
                           "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "formats": {}}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        graphs = list(corpus(args.scale, args.seed))
        store = MemoryStore(folder / FILE_OF["jsonl-v2"])
        t = time.perf_counter()
        store.merge(graphs)                     # the public path: prepare, merge, save
        res["merge_seconds"] = round(time.perf_counter() - t, 1)
        del graphs
        g = store.graph
        res["nodes"], res["relationships"] = g.number_of_nodes(), g.number_of_edges()
        print(f"built {res['nodes']:,} nodes, {res['relationships']:,} relationships in {res['merge_seconds']} s",
              file=sys.stderr)
        saves: dict[str, list[dict[str, float]]] = {}
        for _ in range(args.repeat):
            for fmt in formats:
                if fmt in ("json-v1", "jsonl-v2", "msgpack", "sqlite"):
                    saves.setdefault(fmt, []).append(save_timed(fmt, store, g, folder / FILE_OF[fmt]))
        if "json-v1-new" in formats and "json-v1" not in saves:
            write_json_v1(g, folder / FILE_OF["json-v1"])
        del g
        store._g = store._index = None          # the parent holds no graph while children run
        reloads: dict[str, list[dict[str, Any]]] = {}
        res["bare"] = run_child("none", folder / "none", args.query)
        for i in range(args.repeat):
            for fmt in formats:
                reloads.setdefault(fmt, []).append(run_child(fmt, folder / FILE_OF[fmt], args.query))
            print(f"reload round {i + 1}/{args.repeat} done", file=sys.stderr)
        for fmt in formats:
            runs = reloads[fmt]
            row: dict[str, Any] = {"file_mb": round((folder / FILE_OF[fmt]).stat().st_size / 2**20, 1),
                                   "runs": runs}
            for key in ("load_seconds", "load_cpu", "first_query_seconds", "first_query_cpu", "cpu_seconds",
                        "peak_rss_mb"):
                row[key] = round(statistics.median(r[key] for r in runs), 2)
            row["peak_rss_mb"] = round(row["peak_rss_mb"])
            if fmt in saves:
                row["save_seconds"] = round(statistics.median(s["seconds"] for s in saves[fmt]), 2)
                row["save_cpu"] = round(statistics.median(s["cpu"] for s in saves[fmt]), 2)
            assert len({(r["nodes"], r["relationships"], r["hits"]) for r in runs}) == 1, runs
            res["formats"][fmt] = row
    counts = {(r["runs"][0]["nodes"], r["runs"][0]["relationships"], r["runs"][0]["hits"])
              for r in res["formats"].values()}
    assert len(counts) == 1, f"formats disagree on the graph: {counts}"
    res["machine"]["load_avg_end"] = os.getloadavg()
    res["finished"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"store-file-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(res, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"{res['nodes']:,} nodes, {res['relationships']:,} relationships (merge through the store: "
          f"{res['merge_seconds']} s); medians of {args.repeat}\n")
    print(table(res))
    print(f"\nresults: {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
