"""Graph-layer benchmark, one run: Neo4j load throughput (batched vs naive), query latency on Neo4j
and on the embedded store, and the embedded store's build time and peak memory, on a synthetic
policy corpus of ≥ 100k nodes and ≥ 300k relationships (bench/synthetic.py).

    NEO4J_URI=bolt://127.0.0.1:7710 .venv/bin/python -m bench.bench_graph --scale 1

The Neo4j database at NEO4J_URI is EMPTIED (use a test engine). Results: bench/results/graph-*.json
and a Markdown table on stdout.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synthetic import corpus  # noqa: E402
from graph.records import prepare  # noqa: E402

RESULTS = ROOT / "bench" / "results"
GOALS = {"load_elements_per_s": 20000, "speedup_vs_naive": 20, "p95_ms_who_leads": 50, "p95_ms_neighbourhood_2hop": 50}


def peak_rss_mb() -> int:
    """This process's peak RSS (VmHWM: reset at exec, unlike ru_maxrss which a child inherits)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def percentiles(samples: list[float]) -> dict[str, float]:
    s = sorted(samples)
    def pct(p: float) -> float:
        return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]
    return {"n": len(s), "p50_ms": round(pct(50) * 1000, 2), "p95_ms": round(pct(95) * 1000, 2),
            "mean_ms": round(statistics.fmean(s) * 1000, 2), "max_ms": round(s[-1] * 1000, 2)}


def time_calls(fn: Callable[[Any], Any], args: list[Any], warmup: int = 10) -> dict[str, float]:
    for a in args[:warmup]:
        fn(a)
    out = []
    for a in args:
        t = time.perf_counter()
        fn(a)
        out.append(time.perf_counter() - t)
    return percentiles(out)


def pick_workload(batch, n: int, seed: int = 11) -> dict[str, list[Any]]:
    """Random agencies with responsibilities, measures, search strings and agency pairs."""
    rng = random.Random(seed)
    actors = sorted({r.source for r in batch.edges.values() if r.type in ("LEADS", "RESPONSIBLE_FOR", "SUPPORTS",
                                                                           "CO_LEADS")})
    measures = sorted({r.target for r in batch.edges.values() if r.type in ("LEADS", "RESPONSIBLE_FOR")})
    names = sorted(row.name for row in batch.nodes.values() if row.label in ("Agency", "City", "County", "Task"))
    queries = []
    for name in rng.sample(names, n):
        k = rng.random()
        if k < 0.4:
            queries.append(name)                                  # exact
        elif k < 0.7:
            queries.append(name[: rng.randint(2, 4)])              # prefix
        else:
            i = rng.randint(0, max(0, len(name) - 3))
            queries.append(name[i:i + 3])                          # substring / fuzzy
    who = rng.sample(actors, n // 2) + rng.sample(measures, n - n // 2)
    rng.shuffle(who)
    return {"who_leads": who, "neighbourhood": rng.sample(actors, n), "search": queries,
            "paths": [tuple(rng.sample(actors, 2)) for _ in range(n)]}


def query_latency(store, work: dict[str, list[Any]], path_n: int) -> dict[str, Any]:
    return {
        "who_leads": time_calls(lambda e: store.who_leads(e), work["who_leads"]),
        "neighbourhood_2hop": time_calls(lambda e: store.neighbourhood([e], depth=2, node_cap=300),
                                         work["neighbourhood"]),
        "search": time_calls(lambda q: store.search(q, limit=20), work["search"]),
        "path": time_calls(lambda p: store.paths(p[0], p[1], max_length=6, limit=5), work["paths"][:path_n],
                           warmup=3),
    }


def server_cpu_s(uri: str) -> Callable[[], float | None]:
    """CPU seconds used so far by the local engine serving `uri` (None when it is not ours)."""
    from graph import local_neo4j
    try:
        st = local_neo4j.status(int(uri.rsplit(":", 1)[1]))
    except Exception:  # noqa: BLE001 - not a local engine URI
        return lambda: None
    stat = Path(f"/proc/{st.pid}/stat")

    def read() -> float | None:
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return read if st.running else (lambda: None)


def previous_merge(store, graphs) -> tuple[int, int]:
    """The bulk loader before bounded transactions (for the same-run comparison): all rows built
    first, then one transaction per statement of at most 5,000 rows (nodes by label, then
    relationships by type), search indexes dropped and rebuilt as now."""
    from graph import cypher
    batch = prepare(graphs)
    store._ensure_schema()
    store._count_skipped(batch)
    work = [(stmt, [r.to_param() for r in rows]) for _kind, stmt, rows in store._statements(batch)]
    store._schema_run(cypher.DROP_SEARCH_INDEXES)
    nodes = rels = 0
    for stmt, params in work:
        for i in range(0, len(params), 5000):
            c = store._tx(True, lambda tx, s=stmt, p=params[i:i + 5000]: tx.run(s, rows=p).consume().counters)
            nodes, rels = nodes + c.nodes_created, rels + c.relationships_created
    store._schema_run(cypher.search_index_statements(), wait=True)
    return nodes, rels


def current_merge(store, graphs) -> tuple[int, int]:
    r = store.merge(graphs, bulk=True)
    return r.nodes_created, r.relationships_created


# The loaders compared on the full graph, interleaved in one run.
LOADERS = {"previous": previous_merge, "current": current_merge}


def full_load(store, graphs, loader: str, cpu: Callable[[], float | None]) -> dict[str, Any]:
    """Reset, then one bulk load of the whole corpus with `loader`: wall, client and server CPU s."""
    store.reset()
    s0, c0, t = cpu(), time.process_time(), time.perf_counter()
    el = sum(LOADERS[loader](store, graphs))
    wall = time.perf_counter() - t
    client, s1 = time.process_time() - c0, cpu()
    return {"loader": loader, "tx_rows": 5000 if loader == "previous" else store.tx_rows, "elements": el,
            "seconds": round(wall, 2), "elements_per_s": round(el / wall), "client_cpu_s": round(client, 2),
            "server_cpu_s": round(s1 - s0, 2) if s0 is not None and s1 is not None else None,
            "load_avg": round(os.getloadavg()[0], 1)}


INGEST_LOOP = r"""
import sys, time
sys.path.insert(0, sys.argv[1])
from bench.synthetic import corpus
from graph.neo4j_store import Neo4jStore
docs = list(corpus(float(sys.argv[3]), int(sys.argv[4])))[:100]
store = Neo4jStore(sys.argv[2])
print("ready", flush=True)
while True:
    for i in range(0, len(docs), 10):
        store.merge(docs[i:i + 10])
"""


def neighbourhood_under_ingest(store, uri: str, seeds: list[str], scale: float, seed: int) -> dict[str, Any]:
    """2-hop latency while another process keeps re-merging 100 documents (writes and locks on
    the same hubs), as when the app is read during a `kg build`."""
    proc = subprocess.Popen([sys.executable, "-c", INGEST_LOOP, str(ROOT), uri, str(scale), str(seed)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        time.sleep(2)
        return time_calls(lambda e: store.neighbourhood([e], depth=2, node_cap=300), seeds)
    finally:
        proc.kill()
        proc.wait()


def bench_neo4j(graphs, batch, uri: str, sample_docs: int, n_queries: int, path_n: int,
                loader_runs: int = 2, scale: float = 1.0, seed: int = 7) -> dict[str, Any]:
    from graph.neo4j_store import Neo4jStore
    store = Neo4jStore(uri, user=os.environ.get("NEO4J_USER"), password=os.environ.get("NEO4J_PASSWORD"),
                       database=os.environ.get("NEO4J_DATABASE") or None)
    out: dict[str, Any] = {"uri": uri}
    try:
        store.reset()
        sample = graphs[:sample_docs]
        sb = prepare(sample)
        t = time.perf_counter()
        n = store.merge_naive(sample)
        naive_s = time.perf_counter() - t
        out["naive_sample"] = {"documents": len(sample), "elements": n, "seconds": round(naive_s, 2),
                               "elements_per_s": round(n / naive_s)}
        # The batched loader on the same sample, twice: the first run also pays Cypher planning of
        # each statement (once per label/type); the second shows the steady state.
        timings = []
        for _ in range(2):
            store.reset()
            t = time.perf_counter()
            r = store.merge(sample)
            timings.append(time.perf_counter() - t)
            el = r.nodes_created + r.relationships_created
            assert el == sb.size, (el, sb.size)
        out["batched_sample"] = {"documents": len(sample), "elements": el, "seconds": round(timings[1], 3),
                                 "elements_per_s": round(el / timings[1]),
                                 "first_run_seconds": round(timings[0], 3),
                                 "first_run_elements_per_s": round(el / timings[0])}
        cpu = server_cpu_s(uri)
        runs = [full_load(store, graphs, name, cpu) for _ in range(loader_runs) for name in LOADERS]
        out["full_loads"] = runs
        best = {name: max((r for r in runs if r["loader"] == name), key=lambda r: r["elements_per_s"])
                for name in LOADERS}
        current = best["current"]           # the graph of the last run stays for the queries
        if runs[-1]["loader"] != "current":
            current = full_load(store, graphs, "current", cpu)
        st = store.stats()
        out["batched_full"] = {"documents": len(graphs), "nodes": st.total_nodes,
                               "relationships": st.total_relationships, "elements": current["elements"],
                               "seconds": current["seconds"], "elements_per_s": current["elements_per_s"],
                               "batch_size": store.batch_size, "tx_rows": current["tx_rows"]}
        out["loader_speedup"] = round(best["current"]["elements_per_s"] / best["previous"]["elements_per_s"], 2)
        out["speedup_vs_naive_same_sample"] = round(out["batched_sample"]["elements_per_s"]
                                                    / out["naive_sample"]["elements_per_s"], 1)
        out["speedup_vs_naive_full_load"] = round(out["batched_full"]["elements_per_s"]
                                                  / out["naive_sample"]["elements_per_s"], 1)
        work = pick_workload(batch, n_queries)
        out["queries"] = query_latency(store, work, path_n)
        out["queries"]["neighbourhood_2hop_during_ingest"] = neighbourhood_under_ingest(
            store, uri, work["neighbourhood"], scale, seed)
        t = time.perf_counter()
        again = store.merge(graphs[:50], bulk=True)
        out["rebuild_50_docs"] = {"created": again.nodes_created + again.relationships_created,
                                  "seconds": round(time.perf_counter() - t, 2)}
    finally:
        store.reset()             # leave the test engine empty (batched delete)
        store.close()
    return out


def memory_child(scale: float, seed: int, path: str) -> dict[str, Any]:
    """Build the embedded store in a fresh process (peak RSS includes the corpus in memory)."""
    from graph.memory_store import MemoryStore
    graphs = list(corpus(scale, seed))
    rss0 = peak_rss_mb()
    store = MemoryStore(path)
    t = time.perf_counter()
    store.merge(graphs)
    build_s = time.perf_counter() - t
    rss1 = peak_rss_mb()
    return {"build_seconds": round(build_s, 2), "file_mb": round(Path(path).stat().st_size / 2**20, 1),
            "peak_rss_mb_build": rss1, "peak_rss_mb_corpus_only": rss0}


def memory_serve_child(scale: float, seed: int, path: str, n_queries: int, path_n: int) -> dict[str, Any]:
    """Open the saved store in a fresh process and query it: its peak RSS is the store's own."""
    from graph.memory_store import MemoryStore
    work = json.loads(Path(path + ".workload.json").read_text(encoding="utf-8"))   # chosen by the parent
    rss0 = peak_rss_mb()
    store = MemoryStore(path)
    t = time.perf_counter()
    st = store.stats()
    load_s = time.perf_counter() - t
    q = query_latency(store, work, path_n)
    return {"nodes": st.total_nodes, "relationships": st.total_relationships, "load_seconds": round(load_s, 2),
            "peak_rss_mb_serving": peak_rss_mb(), "peak_rss_mb_before_load": rss0, "queries": q}


def table(res: dict[str, Any]) -> str:
    neo, mem = res.get("neo4j", {}), res.get("memory", {})
    lines = ["| measure | value | goal |", "|---|---|---|"]
    if neo:
        bf, ns, bs = neo["batched_full"], neo["naive_sample"], neo["batched_sample"]
        lines += [
            f"| graph | {bf['nodes']:,} nodes, {bf['relationships']:,} relationships | ≥ 100k / ≥ 300k |",
            f"| Neo4j batched load (full graph) | {bf['elements_per_s']:,} elements/s ({bf['elements']:,} in {bf['seconds']} s) | ≥ 20,000/s |",
            *[f"| … full load, {r['loader']} loader (≤ {r['tx_rows']:,} rows/transaction) | "
              f"{r['elements_per_s']:,} elements/s in {r['seconds']} s; CPU client {r['client_cpu_s']} s, "
              f"server {r['server_cpu_s']} s; load avg {r['load_avg']} | |" for r in neo.get("full_loads", [])],
            f"| current / previous loader (best of each, same run) | {neo.get('loader_speedup')}× | |",
            f"| Neo4j batched load, same sample ({bs['documents']} docs, one transaction, indexes live) | "
            f"{bs['elements_per_s']:,} elements/s (first run, planning included: {bs['first_run_elements_per_s']:,}/s) | |",
            f"| Neo4j naive one-MERGE-per-element (same sample, {ns['elements']:,} elements) | {ns['elements_per_s']:,} elements/s | |",
            f"| speed-up batched / naive | {neo['speedup_vs_naive_same_sample']}× same sample; {neo['speedup_vs_naive_full_load']}× full load | ≥ 20× |",
        ]
        for k, v in neo["queries"].items():
            goal = "p95 ≤ 50 ms" if k.startswith(("who_leads", "neighbourhood_2hop")) else ""
            lines.append(f"| Neo4j {k} (n={v['n']}) | p50 {v['p50_ms']} ms, p95 {v['p95_ms']} ms | {goal} |")
    if mem:
        lines += [f"| embedded build ({mem['nodes']:,} nodes, {mem['relationships']:,} rels) | {mem['build_seconds']} s, "
                  f"file {mem['file_mb']} MB, reload {mem['load_seconds']} s | |",
                  f"| embedded peak memory | build: {mem['peak_rss_mb_build']} MB RSS (the corpus alone "
                  f"{mem['peak_rss_mb_corpus_only']} MB); serving the loaded store: {mem['peak_rss_mb_serving']} MB "
                  f"(process before load {mem['peak_rss_mb_before_load']} MB) | |"]
        for k, v in mem["queries"].items():
            lines.append(f"| embedded {k} (n={v['n']}) | p50 {v['p50_ms']} ms, p95 {v['p95_ms']} ms | |")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--queries", type=int, default=200, help="samples per query type")
    ap.add_argument("--paths", type=int, default=100, help="samples for path queries")
    ap.add_argument("--sample-docs", type=int, default=20, help="documents loaded by the naive loader")
    ap.add_argument("--loader-runs", type=int, default=2, help="full loads per loader (interleaved)")
    ap.add_argument("--skip-neo4j", action="store_true")
    ap.add_argument("--skip-memory", action="store_true")
    ap.add_argument("--memory-child", metavar="PATH", help=argparse.SUPPRESS)
    ap.add_argument("--memory-serve", metavar="PATH", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.memory_child:
        print(json.dumps(memory_child(args.scale, args.seed, args.memory_child)))
        return 0
    if args.memory_serve:
        print(json.dumps(memory_serve_child(args.scale, args.seed, args.memory_serve, args.queries, args.paths)))
        return 0

    t = time.perf_counter()
    graphs = list(corpus(args.scale, args.seed))
    batch = prepare(graphs)
    res: dict[str, Any] = {"scale": args.scale, "seed": args.seed, "documents": len(graphs),
                           "nodes": len(batch.nodes), "relationships": len(batch.edges),
                           "generate_seconds": round(time.perf_counter() - t, 1),
                           "machine": {"cpus": os.cpu_count(), "load_avg": os.getloadavg()},
                           "goals": GOALS, "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    print(f"corpus: {len(graphs)} documents, {len(batch.nodes):,} nodes, {len(batch.edges):,} relationships",
          file=sys.stderr)
    if not args.skip_neo4j:
        uri = os.environ.get("NEO4J_URI")
        if not uri:
            print("NEO4J_URI is not set (use a test engine: it is emptied)", file=sys.stderr)
            return 2
        res["neo4j"] = bench_neo4j(graphs, batch, uri, args.sample_docs, args.queries, args.paths, args.loader_runs,
                                   args.scale, args.seed)
        print("neo4j done", file=sys.stderr)
    workload = pick_workload(batch, args.queries)
    if not args.skip_memory:
        del graphs, batch
        common = ["--scale", str(args.scale), "--seed", str(args.seed), "--queries", str(args.queries),
                  "--paths", str(args.paths)]
        with tempfile.TemporaryDirectory() as tmp:
            path = str(Path(tmp) / "graph.json")
            Path(path + ".workload.json").write_text(json.dumps(workload, ensure_ascii=False), encoding="utf-8")
            res["memory"] = {}
            for flag in ("--memory-child", "--memory-serve"):
                child = subprocess.run([sys.executable, "-m", "bench.bench_graph", flag, path, *common],
                                       cwd=ROOT, capture_output=True, text=True, check=True)
                res["memory"].update(json.loads(child.stdout.strip().splitlines()[-1]))
    res["finished"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"graph-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(res, ensure_ascii=False, indent=2), encoding="utf-8")
    print(table(res))
    print(f"\nresults: {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
