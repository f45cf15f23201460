"""Concurrent readers against a backend while ingests run, at a chosen scale (CI runs a bounded
version: tests/graph/test_load_readers.py).

    .venv/bin/python bench/stress_load.py --backend memory --readers 20 --seconds 30
    NEO4J_URI=bolt://127.0.0.1:7730 .venv/bin/python bench/stress_load.py --backend neo4j --docs 40

Loads `--docs` synthetic documents (tests/nasties/graphs.py), then runs `--readers` threads doing
who-leads, 2-hop neighbourhood, search and a JSON export of a neighbourhood in a loop for `--seconds`,
while a writer merges `--ingest` more documents one at a time. Reports ops, errors and p50/p95/p99 per
operation; writes bench/results/stress_load_<backend>.json.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _pct(v: list[float], q: float) -> float:
    v = sorted(v)
    return round(1000 * v[min(len(v) - 1, int(q * (len(v) - 1)))], 1) if v else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backend", choices=("memory", "neo4j"), default="memory")
    ap.add_argument("--readers", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--docs", type=int, default=20)
    ap.add_argument("--clauses", type=int, default=200)
    ap.add_argument("--ingest", type=int, default=10)
    args = ap.parse_args()

    from graph import export
    from graph.memory_store import MemoryStore
    from tests.support.synthetic import synthetic_graphs
    tmp = tempfile.mkdtemp()
    if args.backend == "memory":
        path = Path(tmp) / "graph.json"
        store, writer = MemoryStore(path), MemoryStore(path)
    else:
        from graph.neo4j_store import Neo4jStore
        uri = os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7687")
        store, writer = Neo4jStore(uri), Neo4jStore(uri)
        store.reset()
    store.merge(synthetic_graphs(args.docs, args.clauses))
    agency = "agency:上海市发展改革委"
    lat: dict[str, list[float]] = {k: [] for k in ("who_leads", "neighbourhood", "search", "export")}
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + args.seconds

    def reader() -> None:
        while time.monotonic() < stop:
            for name, fn in (("who_leads", lambda: store.who_leads(agency)),
                             ("neighbourhood", lambda: store.neighbourhood([agency], depth=2, node_cap=500)),
                             ("search", lambda: store.search("发展改革", limit=10)),
                             ("export", lambda: export.to_bytes(store.neighbourhood([agency], depth=1), "json"))):
                t0 = time.perf_counter()
                try:
                    fn()
                except Exception as err:  # noqa: BLE001
                    with lock:
                        errors.append(f"{name}: {type(err).__name__}: {err}")
                    continue
                with lock:
                    lat[name].append(time.perf_counter() - t0)

    def ingest() -> None:
        for g in synthetic_graphs(args.ingest, args.clauses, first=1000):
            if time.monotonic() > stop:
                break
            try:
                writer.merge([g])
            except Exception as err:  # noqa: BLE001
                errors.append(f"ingest: {type(err).__name__}: {err}")

    threads = [threading.Thread(target=reader) for _ in range(args.readers)] + [threading.Thread(target=ingest)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    st = store.stats()
    out = {"backend": args.backend, "readers": args.readers, "seconds": args.seconds,
           "graph_nodes": st.total_nodes, "graph_relationships": st.total_relationships,
           "ops": sum(map(len, lat.values())), "errors": len(errors), "first_errors": errors[:3],
           **{f"{k}_p50_ms": _pct(v, 0.5) for k, v in lat.items()},
           **{f"{k}_p95_ms": _pct(v, 0.95) for k, v in lat.items()},
           **{f"{k}_p99_ms": _pct(v, 0.99) for k, v in lat.items()}}
    print(json.dumps(out, ensure_ascii=False, indent=1))
    res = ROOT / "bench" / "results"
    res.mkdir(parents=True, exist_ok=True)
    (res / f"stress_load_{args.backend}.json").write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    store.close()
    writer.close()


if __name__ == "__main__":
    main()
