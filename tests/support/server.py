"""`streamlit run app.py` headless on a free loopback port against an embedded store, for the browser
and load tests; stopped (terminate, then kill) when the block ends."""
from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, NamedTuple

from tests.support import ROOT, free_port
from tests.support.kg import process_env


class AppServer(NamedTuple):
    url: str          # http://127.0.0.1:PORT
    port: int
    log: Path         # the server's stdout and stderr
    proc: subprocess.Popen    # the `streamlit run` process (a test may signal it)


@contextmanager
def serve_app(data: Path, log: Path, start_timeout_s: float = 120,
              store_env: dict[str, str] | None = None) -> Iterator[AppServer]:
    """The app on the embedded store at `data` (no NEO4J_*/KG_* of the caller's shell), or on the
    store `store_env` names (KG_BACKEND, NEO4J_URI, …). No module reloading when source files change:
    other work in the tree edits them, and a reload racing the sessions' imports is a dev-only artefact.
    Used by the browser tests and bench/bench_app.py."""
    port = free_port()
    env = process_env(store_env or {"KG_BACKEND": "memory", "KG_DATA": str(data)})
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless=true",
           f"--server.port={port}", "--server.address=127.0.0.1", "--browser.gatherUsageStats=false",
           "--server.fileWatcherType=none", "--server.runOnSave=false"]
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + start_timeout_s
        while True:
            try:
                if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start: {log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.2)
        yield AppServer(f"http://127.0.0.1:{port}", port, log, proc)
    finally:
        if proc.poll() is None:
            proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
