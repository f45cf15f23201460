"""Load on the app: a real `streamlit run app.py` on loopback and 10 simultaneous browser-like
sessions (Streamlit's own websocket protocol: BackMsg rerun requests, ForwardMsg replies), each
walking overview → who-leads from a shared link → explore → paths → map → export → console on one
embedded graph. Every page run must finish successfully with no exception element and no error
alert, who-leads must show its answer, and the server log must hold no traceback. Bounded: 10
sessions × 7 pages, per-page timeout 180 s; p50/p95 page times go to test-artifacts/load_app.json."""
from __future__ import annotations

import json
import statistics
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("streamlit")
pytest.importorskip("websockets")
from streamlit.proto.Alert_pb2 import Alert  # noqa: E402
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402
from websockets.sync.client import connect  # noqa: E402

from tests.support.samples import sample_graphs  # noqa: E402
from tests.support.server import serve_app  # noqa: E402
from tests.support.synthetic import synthetic_graphs  # noqa: E402

pytestmark = pytest.mark.slow          # bounded, runs in CI; deselect locally with -m 'not slow'
ROOT = Path(__file__).resolve().parents[2]
SESSIONS = 10
WALK = [("overview", ""), ("who-leads", "mode=agency&entity=上海海关"), ("explore", "entity=customs:上海海关"),
        ("paths", ""), ("map", ""), ("export", ""), ("console", "")]
EXPECT = {"who-leads": "跨境电商".encode("utf-8")}      # the task 上海海关 leads, inside the answer table


@pytest.fixture
def server(tmp_path):
    from graph.memory_store import MemoryStore
    data = tmp_path / "graph.json"
    MemoryStore(data).merge(sample_graphs() + synthetic_graphs(4, 100))
    with serve_app(data, tmp_path / "streamlit.log") as app:
        yield app.port, app.log


def _run_page(ws, page: str, query: str) -> tuple[float, list[str], bytes]:
    """Ask for one page run and read replies until the script finishes."""
    msg = BackMsg()
    msg.rerun_script.query_string = query
    msg.rerun_script.page_name = page
    began = time.perf_counter()
    ws.send(msg.SerializeToString())
    problems: list[str] = []
    payload = b""
    while True:
        fm = ForwardMsg()
        fm.ParseFromString(ws.recv(timeout=180))
        kind = fm.WhichOneof("type")
        if kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
            el = fm.delta.new_element
            et = el.WhichOneof("type")
            if et == "exception":
                problems.append(f"exception: {el.exception.type}: {el.exception.message[:200]} "
                                f"{' | '.join(el.exception.stack_trace[-4:])}")
            elif et == "alert" and el.alert.format == Alert.ERROR:
                problems.append(f"error: {el.alert.body[:200]}")
            elif et in ("dataframe", "table"):
                payload += el.SerializeToString()      # Arrow bytes: the cells' UTF-8 text is inside
        elif kind == "script_finished":
            if fm.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                problems.append(f"script finished with status {fm.script_finished}")
            return time.perf_counter() - began, problems, payload


def test_ten_simultaneous_browser_sessions_have_no_errors(server):
    port, log = server
    problems: list[str] = []
    page_times: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(SESSIONS)

    def session(i: int) -> None:
        try:
            with connect(f"ws://127.0.0.1:{port}/_stcore/stream", subprotocols=["streamlit"],
                         max_size=None, open_timeout=60) as ws:
                barrier.wait(60)
                walk = WALK[:1] + WALK[1 + i % (len(WALK) - 1):] + WALK[1:1 + i % (len(WALK) - 1)]
                for page, query in walk:
                    took, found, payload = _run_page(ws, page, query)
                    if page in EXPECT and EXPECT[page] not in payload:
                        found.append(f"{page}: the answer table is missing")
                    with lock:
                        page_times.append(took)
                        problems.extend(f"session {i} {page}: {p}" for p in found)
        except Exception as err:  # noqa: BLE001
            with lock:
                problems.append(f"session {i}: {type(err).__name__}: {err}")

    threads = [threading.Thread(target=session, args=(i,)) for i in range(SESSIONS)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(900)
    wall = time.perf_counter() - began
    assert not any(t.is_alive() for t in threads), "a session hung"
    assert not problems, problems[:5]
    assert len(page_times) == SESSIONS * len(WALK)
    server_log = log.read_text(errors="replace")
    assert "Traceback" not in server_log, server_log[-3000:]
    st = sorted(page_times)
    figures = {"sessions": SESSIONS, "page_runs": len(page_times), "errors": 0, "wall_s": round(wall, 1),
               "page_p50_s": round(statistics.median(st), 2), "page_p95_s": round(st[int(0.95 * (len(st) - 1))], 2),
               "page_max_s": round(st[-1], 2)}
    out = ROOT / "test-artifacts"
    out.mkdir(exist_ok=True)
    (out / "load_app.json").write_text(json.dumps(figures, indent=1), encoding="utf-8")
    print("\n" + json.dumps(figures))
