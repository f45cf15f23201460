"""The project's local Neo4j (graph/local_neo4j.py, `kg neo4j …`): a real engine on its own port.

Starts one JVM on a free port with its own data directory, talks Bolt to it with the official driver,
and checks that `stop` leaves no process behind. Needs Java (skipped without it, failing in CI).
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from graph import local_neo4j
from common.errors import ConfigError, StoreUnavailable
from tests.support import skip_or_fail
from tests.support.kg import spawn_kg
from tests.support.neo4j import empty_neo4j


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def port() -> int:
    """A free port; its instance folder (log, lock) under .neo4j/instances is removed afterwards."""
    chosen = _free_port()
    yield chosen
    if not local_neo4j.status(chosen).running:
        shutil.rmtree(local_neo4j._instance_dir(chosen), ignore_errors=True)


def _process_gone(pid: int, wait_s: float = 10.0) -> bool:
    """True once /proc/<pid> is gone or a zombie waiting for init to reap it."""
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[0]
        except OSError:
            return True
        if state == "Z":
            return True
        time.sleep(0.1)
    return False


def _launcher_pids(port: int) -> list[int]:
    """Live launcher JVMs serving `port`, found by their command line."""
    pids = []
    for proc in Path("/proc").iterdir():
        try:
            args = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if proc.name.isdigit() and b"Launcher" in args and str(port).encode() in args:
            pids.append(int(proc.name))
    return pids


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.neo4j
@pytest.mark.slow
def test_start_status_roundtrip_reuse_stop_leaves_no_process(tmp_path, port, kg):
    if not shutil.which("java"):
        skip_or_fail("the local Neo4j needs Java 17+ on PATH")
    from neo4j import GraphDatabase

    # Two starts at once (as when two test runs race): one JVM, both get the same ready engine.
    cmd = ["neo4j", "start", "--port", str(port), "--data-dir", str(tmp_path / "db")]
    opts = {"KG_NEO4J_JAVA_OPTS": "-XX:TieredStopAtLevel=1 -Dkg.test.marker=1"}
    racers = [spawn_kg(*cmd, env=opts, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
              for _ in range(2)]
    outputs = [r.communicate(timeout=300) for r in racers]
    try:
        assert [r.returncode for r in racers] == [0, 0], [err for _, err in outputs]
        uris = {out.strip().splitlines()[-1] for out, _ in outputs}
        assert uris == {f"bolt://127.0.0.1:{port}"}
        uri = uris.pop()
        assert sorted(out.split()[0] for out, _ in outputs) == ["already", "started"]
        assert len(_launcher_pids(port)) == 1

        status = kg("neo4j", "status", "--port", str(port))
        assert status.returncode == 0 and "running" in status.stdout and uri in status.stdout
        pid = local_neo4j.status(port).pid
        assert pid and Path(f"/proc/{pid}").exists()
        args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        assert b"-XX:TieredStopAtLevel=1" in args and b"-Dkg.test.marker=1" in args, "KG_NEO4J_JAVA_OPTS reach the JVM"
        assert (tmp_path / "db" / "data").is_dir(), "the engine keeps its data where --data-dir says"

        marker = uuid.uuid4().hex
        with GraphDatabase.driver(uri, auth=None) as driver:
            driver.execute_query("CREATE (:Probe {marker: $marker, n: $n, name: $name})",
                                 marker=marker, n=42, name="长三角")
            records, _, _ = driver.execute_query(
                "MATCH (p:Probe {marker: $marker}) RETURN p.n AS n, p.name AS name", marker=marker)
            assert [(r["n"], r["name"]) for r in records] == [(42, "长三角")]
            version = driver.execute_query("CALL dbms.components() YIELD versions, edition "
                                           "RETURN versions[0] AS v, edition").records[0]
            assert version["v"].startswith("5.26") and version["edition"] == "community"

        again = kg("neo4j", "start", "--port", str(port))
        assert again.returncode == 0 and "already running" in again.stdout
        assert local_neo4j.status(port).pid == pid, "a second start reuses the running engine"
    finally:
        stopped = kg("neo4j", "stop", "--port", str(port))
    assert stopped.returncode == 0 and "stopped" in stopped.stdout
    assert _process_gone(pid), f"JVM {pid} still running after stop"
    assert not _port_open(port)
    after = kg("neo4j", "status", "--port", str(port))
    assert after.returncode == 1 and "not running" in after.stdout
    assert not local_neo4j.stop(port), "stopping a stopped engine reports nothing was running"


def test_status_of_unused_port_is_not_running_and_local_uri_says_how_to_start(port):
    assert not local_neo4j.status(port).running
    with pytest.raises(StoreUnavailable, match=f"kg neo4j start --port {port}"):
        local_neo4j.local_uri(port)


def test_start_without_java_is_a_one_line_config_error(kg, tmp_path, port):
    result = kg("neo4j", "start", "--port", str(port), env={"PATH": str(tmp_path)})  # no java, javac or mvn here
    assert result.returncode == ConfigError.exit_code
    assert result.stderr.count("\n") == 1 and "java not found" in result.stderr
    assert "Traceback" not in result.stderr


def test_start_without_maven_before_the_jars_are_fetched_is_a_config_error(monkeypatch, tmp_path, port):
    java, javac = shutil.which("java"), shutil.which("javac")
    if not (java and javac):
        skip_or_fail("needs java and javac on PATH")
    bin_dir = tmp_path / "bin"  # java and javac, but no mvn
    bin_dir.mkdir()
    for tool in (java, javac):
        (bin_dir / Path(tool).name).symlink_to(Path(tool).resolve())
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("KG_NEO4J_HOME", str(tmp_path / "home"))  # no jars fetched there yet
    with pytest.raises(ConfigError, match="mvn not found .* Maven"):
        local_neo4j.start(port)
    assert not (tmp_path / "home" / "instances").exists(), "nothing was launched"


def test_start_on_a_port_taken_by_another_program_is_a_config_error(tmp_path):
    if not shutil.which("java"):
        skip_or_fail("the local Neo4j needs Java 17+ on PATH")
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        with pytest.raises(ConfigError, match=f"port {port} .* in use"):
            local_neo4j.start(port, data_dir=tmp_path / "db")
    assert not local_neo4j.status(port).running
    shutil.rmtree(local_neo4j._instance_dir(port), ignore_errors=True)


def test_data_dir_that_is_a_file_is_a_config_error(tmp_path, port):
    if not shutil.which("java"):
        skip_or_fail("the local Neo4j needs Java 17+ on PATH")
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    with pytest.raises(ConfigError, match="data directory"):
        local_neo4j.start(port, data_dir=not_a_dir / "db")


@pytest.mark.parametrize("settings", [{"db memory": "1"}, {"db.memory.transaction.max": ""},
                                      {"db.memory.transaction.max": "8m\ndbms.security.auth_enabled=false"},
                                      {"nodots": "1"}])
def test_bad_extra_settings_are_a_config_error_before_anything_starts(settings, port):
    with pytest.raises(ConfigError, match="not a Neo4j setting"):
        local_neo4j.start(port, settings=settings)
    assert not local_neo4j.status(port).running


@pytest.mark.parametrize("opts", ["-cp /tmp/evil.jar", "-XX:+UseSerialGC Launcher", "--add-opens=x", "-jar x"])
def test_bad_java_opts_are_a_config_error_before_anything_starts(opts, port, monkeypatch):
    monkeypatch.setenv("KG_NEO4J_JAVA_OPTS", opts)
    with pytest.raises(ConfigError, match="KG_NEO4J_JAVA_OPTS takes -X… or -D…"):
        local_neo4j.start(port)
    assert not local_neo4j.status(port).running


@pytest.mark.parametrize("bad", ["0", "70000", "bolt"])
def test_bad_port_is_rejected(bad, monkeypatch):
    with pytest.raises(ConfigError):
        local_neo4j.status(bad)
    monkeypatch.setenv("KG_NEO4J_PORT", bad)
    with pytest.raises(ConfigError, match="KG_NEO4J_PORT"):
        local_neo4j.default_port()


def test_store_config_prefers_neo4j_uri(monkeypatch):
    from graph.config import StoreConfig
    monkeypatch.setenv("NEO4J_URI", "bolt://db.example:7687")
    monkeypatch.setenv("NEO4J_USER", "reader")
    monkeypatch.setenv("NEO4J_PASSWORD", "s3cret-pass")
    monkeypatch.delenv("NEO4J_DATABASE", raising=False)
    conf = StoreConfig.from_env()
    assert (conf.uri, conf.auth, conf.database, conf.source) == (
        "bolt://db.example:7687", ("reader", "s3cret-pass"), None, "env")
    assert "s3cret" not in repr(conf) and "s3cret" not in "".join(conf.key())


def test_clean_neo4j_gives_an_empty_database_and_keeps_indexes(clean_neo4j, neo4j_settings):
    db = neo4j_settings.database
    assert clean_neo4j.execute_query("MATCH (n) RETURN count(n) AS c", database_=db).records[0]["c"] == 0
    clean_neo4j.execute_query("CREATE INDEX probe_name IF NOT EXISTS FOR (p:Probe) ON (p.name)", database_=db)
    clean_neo4j.execute_query("UNWIND range(1, $n) AS i CREATE (:Probe {name: 'p' + i})-[:NEXT]->(:Probe)",
                              n=5, database_=db)
    assert clean_neo4j.execute_query("MATCH (n) RETURN count(n) AS c", database_=db).records[0]["c"] == 10

    empty_neo4j(clean_neo4j, db)
    assert clean_neo4j.execute_query("MATCH (n) RETURN count(n) AS c", database_=db).records[0]["c"] == 0
    indexes = clean_neo4j.execute_query("SHOW INDEXES YIELD name RETURN collect(name) AS names",
                                        database_=db).records[0]["names"]
    assert "probe_name" in indexes
    clean_neo4j.execute_query("DROP INDEX probe_name IF EXISTS", database_=db)


class _DeleteCounter:
    """Wraps a driver and records how many nodes each query deleted."""

    def __init__(self, driver):
        self.driver, self.deleted = driver, []

    def execute_query(self, *args, **kwargs):
        result = self.driver.execute_query(*args, **kwargs)
        self.deleted.append(result.summary.counters.nodes_deleted)
        return result


def test_empty_neo4j_deletes_in_bounded_transactions(clean_neo4j, neo4j_settings):
    """One transaction for everything runs out of transaction memory on ~100k nodes: each
    transaction deletes at most `batch` nodes, and together they delete everything."""
    db = neo4j_settings.database
    clean_neo4j.execute_query("UNWIND range(1, $n) AS i CREATE (:Probe {i: i})-[:NEXT]->(:Probe)",
                              n=1250, database_=db)
    counter = _DeleteCounter(clean_neo4j)
    empty_neo4j(counter, db, batch=1000)
    assert clean_neo4j.execute_query("MATCH (n) RETURN count(n) AS c", database_=db).records[0]["c"] == 0
    assert sum(counter.deleted) == 2500
    assert len(counter.deleted) >= 3 and max(counter.deleted) <= 1000, counter.deleted
