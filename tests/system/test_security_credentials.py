"""Credentials come from the environment and are never logged, printed or shown: a fake password is
set (in NEO4J_PASSWORD and inside a user:password@ URI) and searched for in every CLI output, in
every log record (DEBUG, driver included) and in every text element of the app, while Neo4j is
unreachable and while it answers. No real password is committed."""
from __future__ import annotations

import logging
import re
import socket
import subprocess
from pathlib import Path

import pytest

from common.errors import EXIT_CODES, KGError

ROOT = Path(__file__).resolve().parents[2]
FAKE = "Fake-Pw-93847-do-not-print"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env_variants(uri_host: str) -> list[dict]:
    """Nothing listens at `uri_host`: no retry window (KG_NEO4J_RETRY_S=0), the driver fails at once."""
    return [
        {"KG_BACKEND": "neo4j", "NEO4J_URI": f"bolt://{uri_host}", "NEO4J_USER": "neo4j", "NEO4J_PASSWORD": FAKE},
        {"KG_BACKEND": "neo4j", "NEO4J_URI": f"bolt://neo4j:{FAKE}@{uri_host}"},
        {"KG_BACKEND": "neo4j", "NEO4J_URI": f"neo4j://neo4j:{FAKE}@{uri_host}", "NEO4J_PASSWORD": FAKE},
    ]


@pytest.mark.parametrize("cmd", [["stats"], ["stats", "--json"], ["search", "上海"], ["show", "上海海关"],
                                 ["cypher", "RETURN 1"], ["build", "tests/gold/GUIDELINES.md"]])
def test_cli_never_prints_the_password_when_neo4j_is_unreachable(cmd, kg, caplog):
    caplog.set_level(logging.DEBUG)        # in a process, a WARNING record would reach stderr too
    port = _closed_port()
    for env in _env_variants(f"127.0.0.1:{port}"):
        res = kg(*cmd, env={**env, "KG_NEO4J_RETRY_S": "0"})
        out = res.stdout + res.stderr
        assert FAKE not in out, out
        assert not [r for r in caplog.records if FAKE in r.getMessage() or FAKE in str(r.args)]
        assert "Traceback" not in out
        assert res.returncode in (EXIT_CODES["StoreUnavailable"], EXIT_CODES["InputError"],
                                  EXIT_CODES["ConfigError"]), (cmd, res.returncode, out)
        if res.returncode == EXIT_CODES["StoreUnavailable"]:
            assert f"127.0.0.1:{port}" in res.stderr       # it names the URI it tried, redacted


def test_store_errors_and_logs_never_contain_the_password(caplog):
    from graph.neo4j_store import Neo4jStore
    caplog.set_level(logging.DEBUG)
    port = _closed_port()
    for uri, password in [(f"bolt://127.0.0.1:{port}", FAKE), (f"bolt://neo4j:{FAKE}@127.0.0.1:{port}", None)]:
        try:
            store = Neo4jStore(uri, user="neo4j", password=password, retry_s=0, connect_timeout_s=1)
        except KGError as err:
            assert FAKE not in str(err)
            continue
        for call in (store.stats, lambda: store.search("上海"), store.describe, store.ping):
            with pytest.raises(KGError) as err:
                call()
            assert FAKE not in str(err.value) and FAKE not in repr(err.value.args)
            assert FAKE not in store.address
        store.close()
    for rec in caplog.records:
        assert FAKE not in rec.getMessage() and FAKE not in str(rec.args)


@pytest.mark.neo4j
def test_store_and_driver_logs_never_contain_the_password_while_connected(neo4j_settings, caplog):
    """The local test engine has auth disabled and accepts any credentials: the driver still sends
    them (HELLO/LOGON), and its DEBUG log must mask them."""
    if neo4j_settings.password:
        pytest.skip("a real password is configured; this test needs the no-auth local engine")
    from graph.neo4j_store import Neo4jStore
    caplog.set_level(logging.DEBUG)
    store = Neo4jStore(neo4j_settings.uri, user="neo4j", password=FAKE, database=neo4j_settings.database)
    try:
        store.describe()
        store.search("上海")
        assert FAKE not in store.address and FAKE not in repr(store.describe())
    finally:
        store.close()
    assert any("neo4j" in rec.name for rec in caplog.records), "driver DEBUG records were captured"
    for rec in caplog.records:
        assert FAKE not in rec.getMessage(), rec.getMessage()


def _all_app_text(at) -> str:
    parts = []
    for kind in ("markdown", "caption", "warning", "error", "info", "success", "code", "text", "title",
                 "header", "subheader", "exception", "json", "metric", "latex"):
        for el in getattr(at, kind, []):
            parts.append(str(getattr(el, "value", "")) + " " + str(getattr(el, "label", "")))
    for el in at.sidebar:
        parts.append(str(getattr(el, "value", "")))
    return "\n".join(parts)


@pytest.mark.parametrize("reachable", [pytest.param(False, id="neo4j-down"),
                                       pytest.param(True, id="neo4j-up", marks=pytest.mark.neo4j)])
def test_the_app_never_shows_the_password(reachable, monkeypatch, request):
    from tests.support.apptest import app_test
    if reachable:
        settings = request.getfixturevalue("neo4j_settings")
        if settings.password:
            pytest.skip("needs the no-auth local engine")
        host = settings.uri.split("://", 1)[1]
    else:
        host = f"127.0.0.1:{_closed_port()}"
    monkeypatch.setenv("KG_BACKEND", "neo4j")
    monkeypatch.setenv("KG_NEO4J_RETRY_S", "0")          # fail fast while it is down
    monkeypatch.setenv("NEO4J_URI", f"bolt://{host}")
    monkeypatch.setenv("NEO4J_USER", "neo4j")
    monkeypatch.setenv("NEO4J_PASSWORD", FAKE)
    for page in ["ui/pages/overview.py", "ui/pages/console.py", "ui/pages/who_leads.py"]:
        at = app_test()
        at.run()
        if page != "ui/pages/overview.py":
            at.switch_page(page).run()
        assert not at.exception, [e.value for e in at.exception]
        text = _all_app_text(at)
        assert FAKE not in text
        assert host in text or reachable, "the unreachable address is named"


def test_no_real_password_is_committed():
    """Only .env.example carries NEO4J_PASSWORD, with a placeholder; .env is git-ignored."""
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert ".env" in ignored
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60).stdout.split("\n")
    # an env-file/shell/YAML assignment, or a quoted literal given to a password key
    assignment = re.compile(r"""(?m)^\s*(?:export\s+|-\s+)?NEO4J_(?:PASSWORD|AUTH)\s*[=:]\s*["']?([^\s"'$]{4,})"""
                            r"""|password["']?\s*[:=]\s*["']([^"'$]{4,})["']""", re.I)
    offenders = []
    for name in filter(None, listed):
        p = ROOT / name
        if p.suffix.lower() in (".json", ".jsonl", ".csv", ".tsv", ".txt") or not p.is_file() or p.stat().st_size > 500_000:
            continue
        try:
            text = p.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        for m in assignment.finditer(text):
            value = m.group(1) or m.group(2)
            if name.startswith("tests/") or value.lower().startswith(("change-me", "<", "your", "example", "none",
                                                                       "os.environ", "neo4j_settings", "settings")):
                continue
            offenders.append(f"{name}: {m.group(0)}")
    assert not offenders, offenders
