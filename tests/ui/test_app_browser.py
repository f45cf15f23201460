"""End to end in a real browser: `streamlit run app.py` headless on a free port, driven with Playwright
through Debian's chromium (/usr/bin/chromium; never `playwright install`).

Flow: search an agency on Who leads, open Explore, check the graph canvas holds nodes (through the
component's own JSON export), expand one node, download a GraphML export and read it back.
Screenshots of every page go to test-artifacts/.
"""
from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import networkx as nx
import pytest

from tests.support import ROOT
from tests.support.browser import chromium_page
from tests.support.server import serve_app

pytestmark = pytest.mark.browser

SEEDS = ROOT / "seeds"
ARTIFACTS = ROOT / "test-artifacts"
PAGES = {"overview": "", "who-leads": "who-leads", "explore": "explore", "paths": "paths", "map": "map",
         "console": "console", "export": "export", "ingest": "ingest"}


def wait_for_app(page, timeout_ms: int = 60_000) -> None:
    """The script finished: a title is there and Streamlit shows no running indicator."""
    page.wait_for_selector("h1", timeout=timeout_ms)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " || !document.querySelector('[data-testid=\"stStatusWidget\"]').innerText.includes('Running')",
        timeout=timeout_ms)
    page.wait_for_timeout(600)


def graph_frame(page):
    """The st-link-analysis iframe's frame, once its Cytoscape canvas exists."""
    iframe = page.wait_for_selector("iframe[title*='st_link_analysis']", timeout=60_000)
    frame = iframe.content_frame()
    frame.wait_for_selector("#cy canvas", timeout=60_000)
    return frame


def canvas_nodes(frame) -> dict[str, tuple[float, float]]:
    """Node id → rendered position, read from the Cytoscape instance on the component's container."""
    nodes = frame.evaluate("""() => { const reg = document.getElementById('cy')._cyreg;
        return reg ? reg.cy.nodes().map(n => [n.id(), n.renderedPosition().x, n.renderedPosition().y]) : []; }""")
    return {i: (x, y) for i, x, y in nodes}


def click_node(page, frame, node_id: str, double: bool = False) -> None:
    """Click (or double-click) a node where Cytoscape drew it."""
    iframe = page.locator("iframe[title*='st_link_analysis']").bounding_box()
    cy = frame.evaluate("() => { const r = document.getElementById('cy').getBoundingClientRect();"
                        " return [r.x, r.y]; }")
    x, y = canvas_nodes(frame)[node_id]
    (page.mouse.dblclick if double else page.mouse.click)(iframe["x"] + cy[0] + x, iframe["y"] + cy[1] + y)


def exported_elements(page, frame) -> list[dict]:
    """Elements currently on the canvas, via the component's own JSON export button."""
    with page.expect_download(timeout=30_000) as dl:
        frame.click("#toolbarExport")
    return json.loads(Path(dl.value.path()).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def browser_graph(tmp_path_factory) -> Path:
    import extract
    from graph import open_store

    path = tmp_path_factory.mktemp("app_browser") / "graph.json"
    store = open_store("memory", path=str(path))
    store.merge([extract.extract_path(p) for p in sorted(SEEDS.glob("*.txt"))])
    return path


def test_browser_search_explore_expand_export(browser_graph, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    with serve_app(browser_graph, ARTIFACTS / "streamlit.log") as app, chromium_page() as page:
        base = app.url
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))

        # Who leads: type an agency into the search-as-you-type box.
        page.goto(f"{base}/who-leads")
        wait_for_app(page)
        box = page.locator("[data-testid='stSelectbox']").filter(has_text="机构 Agency")
        box.click()
        page.keyboard.type("上海海关")
        page.get_by_role("option", name="上海海关 · 海关").first.click()
        wait_for_app(page)
        page.get_by_text("跨境电商", exact=False).first.wait_for(state="attached", timeout=30_000)
        assert "entity=" in page.url, "the selected entity is in the URL"
        page.screenshot(path=str(ARTIFACTS / "who-leads.png"))
        page.goto(f"{base}/who-leads?mode=matrix")
        wait_for_app(page)
        page.screenshot(path=str(ARTIFACTS / "who-leads-matrix.png"))
        page.goto(f"{base}/who-leads?mode=agency&entity={quote('上海海关')}")
        wait_for_app(page)

        # Explore from the shared link, check the canvas has nodes, expand one.
        entity = page.url.split("entity=", 1)[1].split("&", 1)[0]
        page.goto(f"{base}/explore?entity={entity}")
        wait_for_app(page)
        frame = graph_frame(page)
        page.wait_for_timeout(1500)  # layout animation
        before = exported_elements(page, frame)
        nodes_before = {e["data"]["id"] for e in before if e["group"] == "nodes"}
        assert len(nodes_before) > 1, before
        page.screenshot(path=str(ARTIFACTS / "explore.png"))
        # Click a node: its details panel opens; double-click it: its neighbours join the view.
        task = next(i for i in canvas_nodes(frame) if i.startswith("task:"))
        click_node(page, frame, task)
        wait_for_app(page)
        page.locator("h4").filter(has_text="跨境电商").first.wait_for(timeout=30_000)
        click_node(page, frame, task, double=True)
        wait_for_app(page)
        frame.wait_for_function(f"() => document.getElementById('cy')._cyreg.cy.nodes().length > {len(nodes_before)}",
                                timeout=30_000)
        page.wait_for_timeout(1500)
        after = exported_elements(page, frame)
        nodes_after = {e["data"]["id"] for e in after if e["group"] == "nodes"}
        assert nodes_before <= nodes_after
        page.screenshot(path=str(ARTIFACTS / "explore-expanded.png"))

        # Export the current view as GraphML and read it back.
        page.get_by_role("link", name="导出 Export").click()
        wait_for_app(page)
        with page.expect_download(timeout=60_000) as dl:
            page.get_by_role("button", name="GraphML").click()
        target = tmp_path / dl.value.suggested_filename
        dl.value.save_as(target)
        g = nx.read_graphml(target)
        assert g.number_of_nodes() == len(nodes_after)
        page.screenshot(path=str(ARTIFACTS / "export.png"))

        # Ingest: upload a seed, see its clauses and the evidence highlighted in the text.
        page.goto(f"{base}/ingest")
        wait_for_app(page)
        page.locator("[data-testid='stFileUploader'] input[type=file]").set_input_files(
            str(SEEDS / "002_5c908e72577d78e6.txt"))
        page.get_by_role("tab", name="原文 Text").wait_for(timeout=120_000)
        wait_for_app(page)
        page.get_by_role("tab", name="原文 Text").click()
        page.locator("mark").first.wait_for(timeout=30_000)
        page.screenshot(path=str(ARTIFACTS / "ingest-preview.png"))

        for name, path in PAGES.items():
            if name in ("who-leads", "explore", "export"):
                continue
            query = f"?from={quote('上海海关')}&to={quote('杭州海关')}" if name == "paths" else ""
            page.goto(f"{base}/{path}{query}")
            wait_for_app(page)
            page.wait_for_timeout(1500)
            assert not page.locator("[data-testid='stException']").count(), name
            assert "TypeError" not in page.inner_text("body"), f"{name}: a frontend element failed"
            if name == "map":
                page.wait_for_selector("[data-testid='stDeckGlJsonChart'] canvas", timeout=60_000)
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
        assert not errors, errors
