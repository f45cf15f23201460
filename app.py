"""YRD Policy Graph (长三角政策知识图谱): the Streamlit explorer.

Run with `streamlit run app.py`. The store comes from `graph.open_store()` (embedded by default,
Neo4j with KG_BACKEND=neo4j or NEO4J_URI; the connection comes from the environment or from
Streamlit secrets, see ui/state.py); pages live in ui/pages/ and stay thin. Every page has its own
URL (`/overview`, `/who-leads?entity=…`, …; `/` forwards to `/overview`), and the process exits
within STOP_GRACE_S of SIGTERM or SIGINT (see `_prompt_exit`).
"""
from __future__ import annotations

import atexit
import fcntl
import functools
import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent))  # `streamlit run` from anywhere

from ui import state  # noqa: E402
from ui.sidebar import render_sidebar  # noqa: E402

PAGES = Path(__file__).resolve().parent / "ui" / "pages"
STOP_GRACE_S = 1.5   # from SIGTERM/SIGINT to the end of the process, at most (plus a store close)


def _settle(store, until: float) -> None:
    """Wait (until `until`) for a write of the embedded store in progress, keep further writes out
    (its `<file>.lock`, held until the process ends), then close the store's connections."""
    path = getattr(store, "path", None)
    if path is not None:
        try:
            lock = open(Path(path).with_name(Path(path).name + ".lock"), "a")  # noqa: SIM115 - kept to the end
            while True:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= until:
                        break   # cut off: the save is atomic, the previous file stays whole
                    time.sleep(0.02)
        except OSError:
            pass
    closer = threading.Thread(target=store.close, name="kg-store-close", daemon=True)
    closer.start()
    closer.join(max(0.0, until - time.monotonic()) + 0.2)


@st.cache_resource(show_spinner=False)
def _prompt_exit() -> list:
    """Under `streamlit run`, once per process: end the process within STOP_GRACE_S of a stop signal.

    Streamlit stops its server at once on SIGTERM, but the process then waits for worker threads
    and for the interpreter to free every object, which takes seconds while a script is busy (an
    extraction, a big graph in memory). Streamlit's own handler still runs first; then an atexit
    hook ends the process as soon as Streamlit's shutdown is done, and a watchdog ends it when the
    grace time is over. Both let a store write in progress finish (within the grace time) and close
    the stores. Returns the list of stores to close (the app adds the one it uses)."""
    stores: list = []
    if Path(sys.argv[0]).resolve() != Path(__file__).resolve():
        return stores   # AppTest or bare mode: not our process to end
    deadline = [float("inf")]

    def finish() -> None:
        until = min(deadline[0], time.monotonic() + STOP_GRACE_S)
        for store in list(stores):
            _settle(store, until)
        logging.shutdown()
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(0)

    def on_signal(signum, frame, previous) -> None:
        deadline[0] = time.monotonic() + STOP_GRACE_S
        watchdog = threading.Timer(STOP_GRACE_S - 0.3, finish)
        watchdog.daemon = True
        watchdog.start()
        if callable(previous):
            previous(signum, frame)   # Streamlit's graceful stop

    def install() -> None:   # runs on the main thread, the only one that may set signal handlers
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, functools.partial(on_signal, previous=signal.getsignal(sig)))

    from streamlit.runtime import Runtime
    Runtime.instance()._get_async_objs().eventloop.call_soon_threadsafe(install)
    atexit.register(finish)
    return stores

st.set_page_config(page_title="长三角政策知识图谱 YRD Policy Graph", page_icon="🕸️", layout="wide")

OVERVIEW = st.Page(PAGES / "overview.py", title="总览 Overview", icon=":material/dashboard:", url_path="overview")


def _home() -> None:
    """The root URL. st.navigation serves its default page at `/` and at no other path (its
    `url_path` is only reserved), so `/overview` would be "Page not found": the overview is an
    ordinary page and the root forwards to it, query parameters included."""
    st.switch_page(OVERVIEW, query_params=st.query_params.to_dict())


pages = [
    st.Page(_home, title="总览 Overview", url_path="home", default=True, visibility="hidden"),
    OVERVIEW,
    st.Page(PAGES / "who_leads.py", title="谁牵头 Who leads", icon=":material/account_balance:", url_path="who-leads"),
    st.Page(PAGES / "explore.py", title="关系探索 Explore", icon=":material/hub:", url_path="explore"),
    st.Page(PAGES / "paths.py", title="路径 Paths", icon=":material/route:", url_path="paths"),
    st.Page(PAGES / "map.py", title="地图 Map", icon=":material/map:", url_path="map"),
    st.Page(PAGES / "console.py", title="Cypher 控制台 Console", icon=":material/terminal:", url_path="console"),
    st.Page(PAGES / "export.py", title="导出 Export", icon=":material/download:", url_path="export"),
    st.Page(PAGES / "ingest.py", title="导入 Ingest", icon=":material/upload_file:", url_path="ingest"),
]
nav = st.navigation(pages)
if nav.url_path == "":
    nav.run()   # forwards to the overview before anything is drawn
_stores = _prompt_exit()
_store = state.get_store()
if _store is not None and all(_store is not s for s in _stores):
    _stores.append(_store)
render_sidebar()
nav.run()
