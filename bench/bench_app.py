"""Streamlit app speed: first render of every page on the seed graph, and Explore with 500 nodes.

    .venv/bin/python bench/bench_app.py            # AppTest (server side) + real browser
    .venv/bin/python bench/bench_app.py --no-browser
    .venv/bin/python bench/bench_app.py --scale 1 [--backend memory|neo4j|both]   # seed graph vs ~105k nodes

With `--scale S` every page is measured on the seed graph and on the seeds plus the synthetic corpus
of bench/synthetic.py at scale S (S=1: ≈105k nodes, ≈365k relationships), both built through the
public path (`kg build file.jsonl --reset`), in one run, on each backend asked for (Neo4j: the
project's local engine, or NEO4J_URI); the table gives each page's ratio scale/seed.

Measured:
- server: AppTest script time of each page with cold query caches (st.cache_data cleared, the store
  already open), and the very first run of the app (store opened, nothing cached);
- browser: from navigation to the script finishing in headless Chromium (what a user waits for), per
  page, a fresh tab each time; for Explore also until the Cytoscape canvas holds the nodes;
- Explore with 500 nodes (a synthetic hub graph): server time, time until 500 nodes are on the canvas,
  and frame times while panning the canvas (responsiveness).
Results are printed as a table and written to bench/results/app.json.
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
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
APP = str(ROOT / "app.py")
PAGES = {"overview": "", "who_leads": "who-leads", "explore": "explore", "paths": "paths", "map": "map",
         "console": "console", "export": "export", "ingest": "ingest"}
QUERIES = {"who_leads": "?mode=agency&entity=" + quote("上海海关"), "explore": "?entity=" + quote("上海海关"),
           "paths": f"?from={quote('上海海关')}&to={quote('杭州海关')}"}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
HUB = "基准测试牵头中心"


def build_seed_graph(path: Path) -> None:
    import extract
    from graph import open_store
    store = open_store("memory", path=str(path))
    store.reset()
    store.merge([extract.extract_path(p) for p in sorted((ROOT / "seeds").glob("*.txt"))])


def build_hub_graph(path: Path, clauses: int = 250) -> str:
    """One agency leading `clauses` clauses, each supported by its own agency: 2·clauses + 1 nodes
    within two hops of the hub (plus the document)."""
    from graph import open_store
    from graph.model import DocumentGraph, Entity, Evidence, Relation, clause_id, document_id, entity_id

    doc = "bench_hub"
    hub = Entity(entity_id("Agency", HUB), "Agency", HUB)
    ents, rels = [hub], []
    for i in range(1, clauses + 1):
        c = Entity(clause_id(doc, i), "Clause", f"第{i}条 基准措施", properties={"number": i, "title": f"基准措施{i}",
                                                                           "areas": ["体制机制"]})
        a = Entity(entity_id("Agency", f"基准配合单位{i:03d}"), "Agency", f"基准配合单位{i:03d}")
        ev = Evidence(f"（牵头单位：{HUB}；配合单位：基准配合单位{i:03d}）", i * 40, i * 40 + 30, doc)
        ents += [c, a]
        rels += [Relation("LEADS", hub.id, c.id, ev, "bench"), Relation("SUPPORTS", a.id, c.id, ev, "bench")]
    g = DocumentGraph(Entity(document_id(doc), "Document", "基准文件", properties={"title": "基准文件",
                                                                             "kind": "policy"}), ents, rels)
    store = open_store("memory", path=str(path))
    store.reset()
    store.merge([g])
    return hub.id


# -- server side (AppTest) ----------------------------------------------------------------------

def apptest_times(data: Path, repeat: int = 3, env: dict[str, str] | None = None) -> dict[str, dict[str, float]]:
    import streamlit as st
    from tests.support.apptest import app_test   # one component scan per process, as a real server

    os.environ.update(env or {"KG_BACKEND": "memory", "KG_DATA": str(data)})
    st.cache_resource.clear()
    st.cache_data.clear()
    at = app_test(300)
    t = time.perf_counter()
    at.run()
    out: dict[str, dict[str, float]] = {"_first_run_overview": {"median_s": time.perf_counter() - t}}
    for page in PAGES:
        times = []
        for _ in range(repeat):
            at = app_test(300)
            for k, v in _query(page).items():
                at.query_params[k] = v
            if page != "overview":
                at.run()
                at.switch_page(f"ui/pages/{page}.py")
            st.cache_data.clear()
            t = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - t)
            assert not at.exception, (page, [e.value for e in at.exception])
            if page == "who_leads":
                assert any("跨境电商" in df.value.to_csv() for df in at.dataframe), "who-leads answered"
        out[page] = {"median_s": statistics.median(times), "max_s": max(times)}
    return out


def _query(page: str) -> dict[str, str]:
    from urllib.parse import parse_qsl
    return dict(parse_qsl(QUERIES.get(page, "").lstrip("?")))


def apptest_explore(data: Path, hub_id: str, cap: int = 600) -> dict[str, float]:
    import streamlit as st
    from tests.support.apptest import app_test

    os.environ.update(KG_BACKEND="memory", KG_DATA=str(data))
    times, nodes = [], 0
    for _ in range(3):
        at = app_test(300)
        at.query_params.update({"entity": hub_id, "depth": "2", "cap": str(cap)})
        at.run()
        at.switch_page("ui/pages/explore.py")
        st.cache_data.clear()
        t = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - t)
        nodes = len(at.session_state["current_subgraph"].nodes)
    return {"nodes": nodes, "server_median_s": statistics.median(times)}


# -- browser --------------------------------------------------------------------------------------

@contextmanager
def serve(data: Path, backend_env: dict[str, str] | None = None):
    """`streamlit run app.py` on a free port (tests.support.server, the one starter): its base URL."""
    from tests.support.server import serve_app
    log = Path(tempfile.gettempdir()) / f"kg-bench-app-{os.getpid()}.log"
    with serve_app(data, log, store_env=backend_env) as app:
        yield app.url


WAIT_DONE = ("() => document.querySelector('h1') && (!document.querySelector('[data-testid=\"stStatusWidget\"]')"
             " || !document.querySelector('[data-testid=\"stStatusWidget\"]').innerText.includes('Running'))")


def browser_times(base: str, browser, warm: bool) -> dict[str, dict[str, float]]:
    """Per page: seconds until the script finished and until the page is drawn (graph canvas, map).
    warm=False: a fresh browser context per page (first visit, empty HTTP cache);
    warm=True: one context, pages visited once before (a user moving around the app)."""
    out = {}
    context = browser.new_context(viewport={"width": 1500, "height": 1000})
    for page, path in PAGES.items():
        if not warm:
            context.close()
            context = browser.new_context(viewport={"width": 1500, "height": 1000})
        tab = context.new_page()
        t = time.perf_counter()
        tab.goto(f"{base}/{path}{QUERIES.get(page, '')}")
        tab.wait_for_function(WAIT_DONE, timeout=120_000)
        script = time.perf_counter() - t
        if page in ("explore", "paths"):
            tab.wait_for_selector("iframe[title*='st_link_analysis']", timeout=120_000) \
               .content_frame().wait_for_selector("#cy canvas", timeout=120_000)
        if page == "map":
            tab.wait_for_selector("[data-testid='stDeckGlJsonChart'] canvas", timeout=120_000)
        assert "TypeError" not in tab.inner_text("body"), page
        out[page] = {"script_s": script, "drawn_s": time.perf_counter() - t}
        tab.close()
    context.close()
    return out


def browser_explore(base: str, browser, hub_id: str, cap: int = 600) -> dict[str, float]:
    tab = browser.new_context(accept_downloads=True, viewport={"width": 1500, "height": 1000}).new_page()
    t = time.perf_counter()
    tab.goto(f"{base}/explore?entity={quote(hub_id)}&depth=2&cap={cap}")
    tab.wait_for_function(WAIT_DONE, timeout=120_000)
    frame = tab.wait_for_selector("iframe[title*='st_link_analysis']", timeout=120_000).content_frame()
    frame.wait_for_selector("#cy canvas", timeout=120_000)
    # Elements on the canvas, through the component's JSON export (what the user would save).
    deadline = time.time() + 120
    count = 0
    while time.time() < deadline:
        with tab.expect_download(timeout=60_000) as dl:
            frame.click("#toolbarExport")
        elements = json.loads(Path(dl.value.path()).read_text(encoding="utf-8"))
        count = sum(1 for e in elements if e.get("group") == "nodes")
        if count >= 500:
            break
        tab.wait_for_timeout(300)
    drawn = time.perf_counter() - t
    tab.wait_for_timeout(1500)  # let the layout animation finish
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    tab.screenshot(path=str(ROOT / "test-artifacts" / "explore-500.png"))
    # Responsiveness: frame intervals while dragging (panning) the canvas for ~2 s.
    box = tab.locator("iframe[title*='st_link_analysis']").bounding_box()
    frame.evaluate("""() => { window.__frames = []; let last = performance.now();
        const tick = (t) => { window.__frames.push(t - last); last = t;
                              if (window.__frames.length < 2000) requestAnimationFrame(tick); };
        requestAnimationFrame(tick); }""")
    cx, cy = box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.5
    tab.mouse.move(cx, cy)
    tab.mouse.down()
    for i in range(120):
        tab.mouse.move(cx + 120 * ((i % 40) / 40 - 0.5), cy + 60 * ((i % 20) / 20 - 0.5))
        tab.wait_for_timeout(16)
    tab.mouse.up()
    tab.mouse.wheel(0, -300)
    tab.wait_for_timeout(300)
    frames = sorted(frame.evaluate("() => window.__frames.slice(1)"))
    tab.close()
    p95 = frames[int(0.95 * (len(frames) - 1))] if frames else float("nan")
    return {"nodes_on_canvas": count, "until_drawn_s": drawn,
            "pan_frame_median_ms": statistics.median(frames) if frames else float("nan"),
            "pan_frame_p95_ms": p95, "frames": len(frames)}


# -- scale: the seed graph against ~100k nodes, same pages, same run --------------------------------

def write_scale_file(path: Path, scale: float) -> int:
    """The seeds' extraction plus the synthetic corpus, as extraction-contract JSON Lines."""
    import extract
    from bench.synthetic import corpus
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        for p in sorted((ROOT / "seeds").glob("*.txt")):
            fh.write(extract.extract_path(p).to_json() + "\n")
            n += 1
        for g in (corpus(scale=scale) if scale > 0 else ()):
            fh.write(g.to_json() + "\n")
            n += 1
    return n


def kg_build(source: Path, env: dict[str, str]) -> float:
    """`kg build <source> --reset` into the store `env` names; seconds."""
    t = time.perf_counter()
    subprocess.run([str(Path(sys.executable).with_name("kg")), "build", str(source), "--reset"],
                   env=dict(os.environ, **env), cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def backend_env(backend: str, data: Path) -> dict[str, str]:
    if backend == "memory":
        return {"KG_BACKEND": "memory", "KG_DATA": str(data)}
    from graph import local_neo4j
    uri = os.environ.get("NEO4J_URI") or local_neo4j.ensure_running()
    return {"KG_BACKEND": "neo4j", "NEO4J_URI": uri}


def scale_run(args, tmp: Path) -> dict:
    """Per backend: build seeds, measure pages; build seeds + synthetic, measure pages again."""
    seed_file = tmp / "seed.jsonl"
    write_scale_file(seed_file, 0)
    big_file = tmp / "scale.jsonl"
    docs = write_scale_file(big_file, args.scale)
    results: dict = {"scale": args.scale, "documents": docs}
    backends = ["memory", "neo4j"] if args.backend == "both" else [args.backend]
    browser = None
    if not args.no_browser:
        from playwright.sync_api import sync_playwright
        pw = sync_playwright().start()
        browser = pw.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
    try:
        for backend in backends:
            for name, source in (("seed", seed_file), ("scale", big_file)):
                data = tmp / f"{backend}-{name}.json"
                env = backend_env(backend, data)
                build_s = kg_build(source, env)
                from graph.config import StoreConfig
                with StoreConfig.from_env(env).open() as store:
                    stats = store.stats()
                row = {"build_s": build_s, "nodes": stats.total_nodes, "relationships": stats.total_relationships,
                       "server": apptest_times(data, repeat=args.repeat, env=env)}
                if browser is not None:
                    with serve(data, env) as base:
                        visits = [browser_times(base, browser, warm=False) for _ in range(args.repeat)]
                    row["browser"] = {page: {k: statistics.median(v[page][k] for v in visits)
                                             for k in ("script_s", "drawn_s")} for page in PAGES}
                results[f"{backend}/{name}"] = row
                print(f"{backend}/{name}: {stats.total_nodes} nodes, {stats.total_relationships} relationships, "
                      f"built in {build_s:.1f} s", flush=True)
    finally:
        if browser is not None:
            browser.close()
            pw.stop()
    print(f"\n{'backend':<8} {'page':<10} {'seed s':>7} {'scale s':>8} {'ratio':>6} | "
          f"{'browser seed':>12} {'scale':>6} {'ratio':>6}")
    for backend in backends:
        seed, big = results[f"{backend}/seed"], results[f"{backend}/scale"]
        for page in ["_first_run_overview", *PAGES]:
            a, b = seed["server"][page]["median_s"], big["server"][page]["median_s"]
            line = f"{backend:<8} {page.strip('_'):<10} {a:7.2f} {b:8.2f} {b / a:6.2f}"
            if "browser" in seed and page in seed["browser"]:
                x, y = seed["browser"][page]["drawn_s"], big["browser"][page]["drawn_s"]
                line += f" | {x:12.2f} {y:6.2f} {y / x:6.2f}"
            print(line)
    return results


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    ap.add_argument("--scale", type=float, default=None, help="compare the seed graph with seeds + synthetic × S")
    ap.add_argument("--backend", choices=("memory", "neo4j", "both"), default="memory")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    if args.scale is not None:
        with tempfile.TemporaryDirectory(prefix="kg-bench-scale-") as tmp:
            results = scale_run(args, Path(tmp))
        out = ROOT / "bench" / "results"
        out.mkdir(exist_ok=True)
        (out / f"app_scale_{args.backend}.json").write_text(json.dumps(results, ensure_ascii=False, indent=1),
                                                            encoding="utf-8")
        return 0
    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="kg-bench-app-") as tmp:
        seed, hub = Path(tmp) / "seed.json", Path(tmp) / "hub.json"
        build_seed_graph(seed)
        hub_id = build_hub_graph(hub)
        results["server_pages"] = apptest_times(seed)
        results["server_explore_500"] = apptest_explore(hub, hub_id)
        if not args.no_browser:
            from playwright.sync_api import sync_playwright
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
                with serve(seed) as base:
                    results["browser_pages_first_visit"] = browser_times(base, browser, warm=False)
                    browser_times(base, browser, warm=True)  # visit every page once
                    results["browser_pages_warm"] = browser_times(base, browser, warm=True)
                with serve(hub) as base:
                    results["browser_explore_500"] = browser_explore(base, browser, hub_id)
                browser.close()
    print(f"{'page':<10} {'server':>7} | {'first visit: script':>19} {'drawn':>6} | {'warm: script':>12} {'drawn':>6}")
    for page in PAGES:
        cells = [f"{results['server_pages'][page]['median_s']:7.2f}"]
        for key in ("browser_pages_first_visit", "browser_pages_warm"):
            b = results.get(key, {}).get(page)
            cells.append(f"{b['script_s']:>{19 if 'first' in key else 12}.2f} {b['drawn_s']:6.2f}" if b else "-")
        print(f"{page:<10} {cells[0]} | {cells[1]} | {cells[2]}")
    print(f"first app run (store load, cold caches): {results['server_pages']['_first_run_overview']['median_s']:.2f} s")
    print("explore 500:", json.dumps({**results["server_explore_500"], **results.get("browser_explore_500", {})},
                                     ensure_ascii=False))
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "app.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
