"""Load: 20 concurrent reader threads (who-leads, neighbourhood, search, export) against each backend
while an ingest of new documents runs. Zero errors; every answer about entities the ingest does not
touch is identical before, during and after; answers about entities it does touch are either the
before or the after answer (never a half-merged graph). p50/p95 latencies are printed and written to
test-artifacts/load_readers_<backend>.json (bounded: a fixed number of rounds per thread)."""
from __future__ import annotations

import json
import statistics
import threading
import time
from pathlib import Path

import pytest

from graph import export
from tests.support.samples import sample_graphs
from tests.support.stores import BACKENDS, make_store
from tests.support.synthetic import synthetic_graphs

pytestmark = pytest.mark.slow          # bounded, runs in CI; deselect locally with -m 'not slow'
ROOT = Path(__file__).resolve().parents[2]
READERS = 20
ROUNDS = 8
MAX_ROUNDS = 400
STABLE_AGENCY = "customs:上海海关"
STABLE_CENTRE = "agency:长三角生态绿色一体化发展示范区执行委员会"
SHARED_AGENCY = "agency:上海市发展改革委"          # gains clauses from the ingested documents


def _answers(store) -> dict:
    """One round of the four reads; a canonical, comparable form of each answer."""
    lead = store.who_leads(STABLE_AGENCY)
    hood = store.neighbourhood([STABLE_CENTRE], depth=2)
    hits = store.search("上海海关", limit=5)
    data, _, _ = export.to_bytes(store.neighbourhood([STABLE_AGENCY], depth=1), "json")
    shared = store.who_leads(SHARED_AGENCY)
    return {
        "who_leads": [(r.role, r.measure_id) for r in lead],
        "neighbourhood": (sorted(n.id for n in hood.nodes), sorted(e.key for e in hood.edges)),
        "search": [h.id for h in hits],
        "export": sorted(n["id"] for n in json.loads(data)["nodes"]),
        "shared": sorted((r.role, r.measure_id) for r in shared),
    }


def _percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


@pytest.mark.parametrize("backend", BACKENDS)
def test_twenty_readers_during_an_ingest(backend, tmp_path, request):
    base = sample_graphs() + synthetic_graphs(6, 100, first=0)
    incoming = synthetic_graphs(6, 100, first=100)
    store = make_store(backend, tmp_path, request)
    store.merge(base)
    before = _answers(store)
    # the expected "after" answers, computed on a private copy
    if backend == "memory":
        ref = make_store("memory", tmp_path, request, name="reference.json")
        ref.merge(base + incoming)
        after_expected = _answers(ref)
        writer = make_store("memory", tmp_path, request)       # another object on the same file (another process in real life)
    else:
        from graph.neo4j_store import Neo4jStore
        settings = request.getfixturevalue("neo4j_settings")
        writer = Neo4jStore(settings.uri, user=settings.user, password=settings.password, database=settings.database)
        request.addfinalizer(writer.close)
        after_expected = None
    assert before["shared"], "the shared agency has clauses before the ingest"

    errors: list[str] = []
    latencies: dict[str, list[float]] = {k: [] for k in ("who_leads", "neighbourhood", "search", "export")}
    observed_shared: list[list] = []
    reads_during_ingest = [0]
    lock = threading.Lock()
    start = threading.Barrier(READERS + 1)
    ingest_done = threading.Event()

    def reader(i: int) -> None:
        start.wait()
        rounds = 0
        # at least ROUNDS rounds, and keep reading until the ingest is over (hard cap: bounded)
        while (rounds < ROUNDS or not ingest_done.is_set()) and rounds < MAX_ROUNDS:
            rounds += 1
            during = not ingest_done.is_set()
            try:
                t0 = time.perf_counter()
                lead = store.who_leads(STABLE_AGENCY)
                t1 = time.perf_counter()
                hood = store.neighbourhood([STABLE_CENTRE], depth=2)
                t2 = time.perf_counter()
                hits = store.search("上海海关", limit=5)
                t3 = time.perf_counter()
                data, _, _ = export.to_bytes(store.neighbourhood([STABLE_AGENCY], depth=1), "json")
                t4 = time.perf_counter()
                shared = sorted((r.role, r.measure_id) for r in store.who_leads(SHARED_AGENCY))
                got = {"who_leads": [(r.role, r.measure_id) for r in lead],
                       "neighbourhood": (sorted(n.id for n in hood.nodes), sorted(e.key for e in hood.edges)),
                       "search": [h.id for h in hits],
                       "export": sorted(n["id"] for n in json.loads(data)["nodes"])}
                with lock:
                    for k, (a, b) in zip(latencies, ((t0, t1), (t1, t2), (t2, t3), (t3, t4))):
                        latencies[k].append(b - a)
                    observed_shared.append(shared)
                    reads_during_ingest[0] += 5 if during else 0
                    for k, v in got.items():
                        if v != before[k]:
                            errors.append(f"reader {i}: {k} changed during the ingest")
            except Exception as err:  # noqa: BLE001 - any error is a failure of this test
                with lock:
                    errors.append(f"reader {i}: {type(err).__name__}: {err}")

    def ingest() -> None:
        start.wait()
        try:
            for g in incoming:                    # several commits while the readers run
                writer.merge([g])
        except Exception as err:  # noqa: BLE001
            errors.append(f"ingest: {type(err).__name__}: {err}")
        finally:
            ingest_done.set()

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(READERS)]
    threads.append(threading.Thread(target=ingest))
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(600)
    wall = time.perf_counter() - began
    assert ingest_done.is_set()
    assert not errors, errors[:5]
    assert reads_during_ingest[0] >= READERS * 5, "the readers really ran while the ingest did"
    after = _answers(store)
    for k in ("who_leads", "neighbourhood", "search", "export"):
        assert after[k] == before[k], k
    if after_expected is not None:
        assert after == after_expected
    assert len(after["shared"]) > len(before["shared"])
    # every observation of the touched agency is a state the merges could produce: it only grows,
    # from the before answer to the after answer, one whole document at a time
    for obs in observed_shared:
        assert set(before["shared"]) <= set(obs) <= set(after["shared"])
    figures = {"backend": backend, "readers": READERS, "rounds": ROUNDS, "ops": sum(map(len, latencies.values())) + len(observed_shared),
               "reads_during_ingest": reads_during_ingest[0],
               "wall_s": round(wall, 2), "errors": len(errors),
               **{f"{k}_p50_ms": round(1000 * statistics.median(v), 1) for k, v in latencies.items()},
               **{f"{k}_p95_ms": round(1000 * _percentile(v, 0.95), 1) for k, v in latencies.items()}}
    out = ROOT / "test-artifacts"
    out.mkdir(exist_ok=True)
    (out / f"load_readers_{backend}.json").write_text(json.dumps(figures, indent=1), encoding="utf-8")
    print("\n" + json.dumps(figures, ensure_ascii=False))
