"""A busy app stops cleanly: `streamlit run app.py` on a copy of the seed graph, two browser tabs
extracting an upload and a third merging one, then SIGTERM: the process is gone within 2 s and the
graph file is whole (the graph before, or the graph with the merged document), its lock free."""
from __future__ import annotations

import fcntl
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.support import ROOT
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, wait_for_app
from tests.support.server import serve_app
from tests.support.store_file_check import read_raw

SEEDS = ROOT / "seeds"
ARTIFACTS = ROOT / "test-artifacts"

pytestmark = pytest.mark.browser

MERGED = SEEDS / "002_5c908e72577d78e6.txt"
EXIT_WITHIN_S = 2.0


@pytest.fixture
def big_upload(tmp_path) -> Path:
    """The corpus's plain-text documents one after another (~220 KB): seconds of extraction."""
    path = tmp_path / "corpus_all.txt"
    path.write_text("\n\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").glob("*.txt"))),
                    encoding="utf-8")
    return path


@pytest.fixture
def seed_graph_copy(tmp_path) -> Path:
    """Seeds 000, 001, 003, 004 (002 is merged during the test) in a fresh embedded store."""
    import extract
    from graph import open_store

    path = tmp_path / "graph.json"
    store = open_store("memory", path=str(path))
    store.merge([extract.extract_path(p) for p in sorted(SEEDS.glob("*.txt")) if p != MERGED])
    return path


def _running(page) -> bool:
    return page.locator("[data-test-script-state='running']").count() > 0


def test_a_busy_app_exits_within_2_s_of_sigterm_and_leaves_the_store_whole(seed_graph_copy, big_upload):
    from playwright.sync_api import sync_playwright

    from graph import open_store

    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium")
    before = open_store("memory", path=str(seed_graph_copy)).stats().to_dict()
    ARTIFACTS.mkdir(exist_ok=True)
    with serve_app(seed_graph_copy, ARTIFACTS / "streamlit-sigterm.log") as app, sync_playwright() as p:
        proc, base = app.proc, app.url
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            tabs = [browser.new_context().new_page() for _ in range(3)]
            for tab in tabs:
                tab.goto(f"{base}/ingest")
                wait_for_app(tab)
            merging = tabs[2]
            merging.locator("[data-testid='stFileUploader'] input[type=file]").set_input_files(str(MERGED))
            merging.get_by_role("button", name="确认导入", exact=False).wait_for(timeout=120_000)
            wait_for_app(merging)
            for tab in tabs[:2]:
                tab.locator("[data-testid='stFileUploader'] input[type=file]").set_input_files(str(big_upload))
            tabs[0].wait_for_selector("[data-test-script-state='running']", state="attached", timeout=30_000)
            merging.get_by_role("button", name="确认导入", exact=False).click()
            # The big previews are being extracted, drawn and sent (the slow moment to stop in).
            tabs[0].wait_for_timeout(2500)
            busy = [_running(tab) for tab in tabs]
            started = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass
            elapsed = time.monotonic() - started
        finally:
            browser.close()
    assert elapsed < EXIT_WITHIN_S, f"exit took {elapsed:.2f} s after SIGTERM (busy tabs: {busy})"

    data = read_raw(seed_graph_copy)        # a whole store file (header counts held), not a cut-off one
    assert data["format"] in ("yrd-policy-graph/1", "yrd-policy-graph/2")
    after = open_store("memory", path=str(seed_graph_copy)).stats().to_dict()
    docs = {n["id"] for n in data["nodes"] if n["label"] == "Document"}
    if "document:002_5c908e72577d78e6" in docs:
        assert after["total_nodes"] > before["total_nodes"], "the merge is in whole"
    else:
        assert after == before, "the merge left nothing behind"
    with open(seed_graph_copy.with_name(seed_graph_copy.name + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)   # no writer left holding the lock
