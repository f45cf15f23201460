"""The app reads its Neo4j connection from the environment or from Streamlit secrets (`st.secrets`:
a [neo4j] table or top-level NEO4J_* keys), the environment winning; no secrets file is fine. The
sidebar names the URI it uses, and the (fake) password never appears in any element of the app."""
from __future__ import annotations

import socket

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.apptest import app_test

FAKE = "Fake-Secret-Pw-55120-never-shown"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def no_store_env(monkeypatch, tmp_path):
    """No KG_*/NEO4J_* variable: only the secrets (if any) can choose the store."""
    for name in ("KG_BACKEND", "KG_DATA", "NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KG_NEO4J_RETRY_S", "0")          # Neo4j is down in most of these: fail fast
    monkeypatch.chdir(tmp_path)          # no .streamlit/secrets.toml of the project's working dir
    return tmp_path


def _run(secrets: dict | None = None) -> AppTest:
    at = app_test()
    for key, value in (secrets or {}).items():
        at.secrets[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _every_text(at: AppTest) -> str:
    """Each element of the page and the sidebar, as its full protobuf text (labels, bodies, options)."""
    return "\n".join(str(getattr(node, "proto", "")) for node in at._tree)


def _sidebar_text(at: AppTest) -> str:
    return "\n".join(str(getattr(node, "proto", "")) for node in at.sidebar)


@pytest.mark.parametrize("layout", ["table", "top-level"])
def test_secrets_choose_neo4j_and_the_password_is_never_shown(no_store_env, layout):
    uri = f"bolt://127.0.0.1:{_closed_port()}"
    secrets = ({"neo4j": {"uri": uri, "user": "neo4j", "password": FAKE}} if layout == "table" else
               {"NEO4J_URI": uri, "NEO4J_USER": "neo4j", "NEO4J_PASSWORD": FAKE})
    at = _run(secrets)
    assert uri.split("://", 1)[1] in _sidebar_text(at), "the sidebar names the address it tried"
    assert FAKE not in _every_text(at)
    at.switch_page("ui/pages/console.py").run()
    assert not at.exception and FAKE not in _every_text(at)


def test_secrets_connect_to_a_running_neo4j(no_store_env, neo4j_settings):
    if neo4j_settings.password:
        pytest.skip("needs the no-auth local engine (it accepts any password)")
    table = {"uri": neo4j_settings.uri, "user": "neo4j", "password": FAKE}
    if neo4j_settings.database:
        table["database"] = neo4j_settings.database
    at = _run({"neo4j": table})
    sidebar = _sidebar_text(at)
    assert "neo4j" in sidebar and neo4j_settings.uri in sidebar, sidebar
    assert not at.warning and not at.error, [w.value for w in at.warning] + [e.value for e in at.error]
    assert FAKE not in _every_text(at)


def test_the_environment_wins_over_secrets(no_store_env, monkeypatch):
    env_uri, secret_uri = (f"bolt://127.0.0.1:{_closed_port()}" for _ in range(2))
    monkeypatch.setenv("KG_BACKEND", "neo4j")
    monkeypatch.setenv("NEO4J_URI", env_uri)
    at = _run({"neo4j": {"uri": secret_uri, "user": "neo4j", "password": FAKE}})
    sidebar = _sidebar_text(at)
    assert env_uri.split("://", 1)[1] in sidebar and secret_uri.split("://", 1)[1] not in sidebar, sidebar
    assert FAKE not in _every_text(at)
    monkeypatch.setenv("KG_BACKEND", "memory")       # an explicit backend in the env wins as well
    monkeypatch.setenv("KG_DATA", str(no_store_env / "graph.json"))
    monkeypatch.delenv("NEO4J_URI")
    at = _run({"neo4j": {"uri": secret_uri, "password": FAKE}})
    assert "memory" in _sidebar_text(at) and secret_uri.split("://", 1)[1] not in _every_text(at)


def test_no_secrets_file_is_no_error(no_store_env, monkeypatch):
    import streamlit as st
    from streamlit import config
    before = config.get_option("secrets.files")
    config.set_option("secrets.files", [str(no_store_env / "absent" / "secrets.toml")])
    try:
        assert not st.secrets.load_if_toml_exists(), "no secrets file in this test"
        monkeypatch.setenv("KG_DATA", str(no_store_env / "graph.json"))
        at = _run()
    finally:
        config.set_option("secrets.files", before)
    assert not at.error and not at.warning, [e.value for e in at.error] + [w.value for w in at.warning]
    assert "memory" in _sidebar_text(at)
