"""The project's local Neo4j: Neo4j 5.26 community, embedded in a tiny Java launcher, with Bolt on loopback.

No Docker needed, only Java 17+ (and Maven the first time, to fetch the jars from Maven Central).
`kg neo4j start|stop|status` drives it; the store code calls `local_uri()` /
`ensure_running()` (through `graph.config.StoreConfig.open`) so that any `--backend neo4j` command with no NEO4J_URI set uses this engine.

Layout under the engine home (env KG_NEO4J_HOME, default `<project>/.neo4j`, git-ignored):
    lib/                      the Neo4j jars (`mvn dependency:copy-dependencies`), reused between runs
    classes/Launcher.class    the launcher, compiled with javac from graph/neo4j_launcher/Launcher.java
    instances/<port>/         one engine per Bolt port: neo4j.pid (JSON), neo4j.log, db/ (DBMS home)
One engine per port, so several people (or test runs) can each use their own port at the same time.
Auth and encryption are off: this engine listens on 127.0.0.1 only and is meant for development and tests.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Mapping

from common.errors import ConfigError, StoreUnavailable
from graph.file_lock import locked as _locked   # two concurrent starts never fetch/compile/launch twice

DEFAULT_PORT = 7687
HOST = "127.0.0.1"
START_TIMEOUT_S = 180.0
STOP_TIMEOUT_S = 30.0

LAUNCHER_DIR = Path(__file__).resolve().parent / "neo4j_launcher"
# What Neo4j itself asks for on Java 17 (its own start scripts pass the same flags).
JVM_FLAGS = (
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-XX:+ExitOnOutOfMemoryError",
    "-XX:-OmitStackTraceInFastThrow",
    "-Dfile.encoding=UTF-8",
)

# Popen objects of engines started by this process, so `stop` can reap them (no zombie left behind).
_CHILDREN: dict[int, subprocess.Popen] = {}


@dataclass
class EngineStatus:
    """What `status` reports for one port: `running` = the JVM is alive, `ready` = Neo4j is up."""
    port: int
    running: bool
    pid: int | None = None
    data_dir: str | None = None
    log: str | None = None
    ready: bool = False
    reused: bool = False   # set by start(): True when it found this engine already running

    @property
    def uri(self) -> str:
        return f"bolt://{HOST}:{self.port}"

    def describe(self) -> str:
        if self.running:
            state = "running" if self.ready else "starting"
            return f"{state}: {self.uri} (pid {self.pid}, data {self.data_dir}, log {self.log})"
        return f"not running (port {self.port})"


# ---------------------------------------------------------------- configuration

def engine_home() -> Path:
    """Where jars, compiled launcher and instances live (KG_NEO4J_HOME, else `<project>/.neo4j`)."""
    env = os.environ.get("KG_NEO4J_HOME")
    if env:
        return Path(env).expanduser().resolve()
    project = Path(__file__).resolve().parent.parent
    if (project / "pyproject.toml").exists():
        return project / ".neo4j"
    return Path.home() / ".cache" / "yrd-policy-graph" / "neo4j"  # installed non-editable


def default_port() -> int:
    """The Bolt port used when none is given: env KG_NEO4J_PORT, else 7687."""
    raw = os.environ.get("KG_NEO4J_PORT", "").strip()
    return _check_port(raw, "KG_NEO4J_PORT") if raw else DEFAULT_PORT


def _check_port(value: int | str, what: str = "--port") -> int:
    try:
        port = int(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{what} must be a port number, not {value!r}") from None
    if not 1 <= port <= 65535:
        raise ConfigError(f"{what} must be between 1 and 65535, not {port}")
    return port


def _heap() -> str:
    heap = os.environ.get("KG_NEO4J_HEAP", "1g").strip()
    if not re.fullmatch(r"\d+[mMgG]", heap):
        raise ConfigError(f"KG_NEO4J_HEAP must look like 512m or 1g, not {heap!r}")
    return heap


def _java_opts() -> list[str]:
    """KG_NEO4J_JAVA_OPTS: extra -X… or -D… options for the engine's JVM, separated by spaces (e.g.
    `-XX:TieredStopAtLevel=1`, which `make test-fast` uses: less JIT work for a short-lived engine)."""
    opts = os.environ.get("KG_NEO4J_JAVA_OPTS", "").split()
    bad = [o for o in opts if not re.fullmatch(r"-[XD]\S+", o)]
    if bad:
        raise ConfigError(f"KG_NEO4J_JAVA_OPTS takes -X… or -D… JVM options only, not {bad[0]!r}")
    return opts


def _page_cache_mb() -> int:
    raw = os.environ.get("KG_NEO4J_PAGECACHE_MB", "256").strip()
    if not raw.isdigit() or int(raw) < 8:
        raise ConfigError(f"KG_NEO4J_PAGECACHE_MB must be a number of megabytes >= 8, not {raw!r}")
    return int(raw)


_SETTING_NAME = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+")


def _check_settings(settings: Mapping[str, str]) -> list[str]:
    """NAME=VALUE launcher arguments; ConfigError for a name or value that cannot be one."""
    out = []
    for name, value in settings.items():
        value = str(value)
        if not _SETTING_NAME.fullmatch(name) or not value or any(c in value for c in "\n\r\0"):
            raise ConfigError(f"not a Neo4j setting: {name!r}={value!r}")
        out.append(f"{name}={value}")
    return out


def _instance_dir(port: int) -> Path:
    return engine_home() / "instances" / str(port)


# ---------------------------------------------------------------- build (jars + launcher)

def _require_tool(name: str, why: str) -> str:
    path = shutil.which(name)
    if not path:
        raise ConfigError(f"{name} not found on PATH: the local Neo4j needs {why} "
                          f"(Debian: apt-get install {_DEBIAN_PACKAGE[name]}), or set NEO4J_URI to another Neo4j")
    return path


_DEBIAN_PACKAGE = {"java": "openjdk-17-jre-headless", "javac": "openjdk-17-jdk-headless", "mvn": "maven"}


def _java_major(java: str) -> int:
    out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60).stderr
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out)
    if not match:
        raise ConfigError(f"cannot tell the Java version from `{java} -version`")
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major


def _digest(*files: Path) -> str:
    h = hashlib.sha256()
    for f in files:
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def _fetch_jars(home: Path) -> Path:
    """Copy the Neo4j jars from Maven Central into `home/lib` once (stamp = hash of the pom)."""
    lib = home / "lib"
    pom = LAUNCHER_DIR / "pom.xml"
    stamp = lib / ".fetched"
    wanted = _digest(pom)
    if stamp.exists() and stamp.read_text().strip() == wanted:
        return lib
    mvn = _require_tool("mvn", "Maven once, to fetch the Neo4j jars from Maven Central")
    build = home / "build"
    build.mkdir(parents=True, exist_ok=True)
    shutil.copy2(pom, build / "pom.xml")  # keep Maven's target/ out of the source tree
    if lib.exists():
        shutil.rmtree(lib)
    cmd = [mvn, "-B", "-q", "-f", str(build / "pom.xml"), "dependency:copy-dependencies",
           f"-DoutputDirectory={lib}"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    if proc.returncode != 0 or not any(lib.glob("neo4j-*.jar")):
        detail = (proc.stdout + proc.stderr).strip().splitlines()
        last = detail[-1] if detail else f"exit code {proc.returncode}"
        raise ConfigError(f"fetching the Neo4j jars with Maven failed: {last}")
    stamp.write_text(wanted)
    return lib


def _compile_launcher(home: Path, lib: Path) -> Path:
    """Compile Launcher.java into `home/classes` when the source changed."""
    classes = home / "classes"
    source = LAUNCHER_DIR / "Launcher.java"
    stamp = classes / ".compiled"
    wanted = _digest(source, lib / ".fetched")
    if stamp.exists() and stamp.read_text().strip() == wanted and (classes / "Launcher.class").exists():
        return classes
    javac = _require_tool("javac", "a JDK 17+ to compile its small launcher")
    if classes.exists():
        shutil.rmtree(classes)
    classes.mkdir(parents=True)
    proc = subprocess.run([javac, "-encoding", "UTF-8", "-d", str(classes), "-cp", f"{lib}/*", str(source)],
                          capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        first = (proc.stderr or proc.stdout).strip().splitlines()
        raise ConfigError(f"compiling the Neo4j launcher failed: {first[0] if first else proc.returncode}")
    stamp.write_text(wanted)
    return classes


def prepare() -> str:
    """Check Java, fetch the jars and compile the launcher if needed; return the Java classpath."""
    java = _require_tool("java", "Java 17 or newer")
    if _java_major(java) < 17:
        raise ConfigError("the local Neo4j (5.26) needs Java 17 or newer; "
                          f"`{java} -version` reports {_java_major(java)}")
    home = engine_home()
    with _locked(home / ".build.lock"):
        lib = _fetch_jars(home)
        classes = _compile_launcher(home, lib)
    return f"{classes}{os.pathsep}{lib}/*"


# ---------------------------------------------------------------- process bookkeeping

def _read_pidfile(port: int) -> dict | None:
    path = _instance_dir(port) / "neo4j.pid"
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def _alive(pid: int) -> bool:
    """True when pid is a live (not zombie) process."""
    child = _CHILDREN.get(pid)
    if child is not None and child.poll() is not None:
        _CHILDREN.pop(pid, None)
        return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def _is_our_engine(pid: int, port: int) -> bool:
    """The pid is a live launcher JVM for this port (guards against a recycled pid)."""
    if not _alive(pid):
        return False
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return True  # no /proc: trust the pid file
    return b"Launcher" in args and str(port).encode() in args


def _port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((HOST, port)) == 0


def status(port: int | None = None) -> EngineStatus:
    """Whether the local engine for `port` (default: default_port()) runs; cleans a stale pid file."""
    port = _check_port(port) if port is not None else default_port()
    info = _read_pidfile(port)
    if info and _is_our_engine(int(info["pid"]), port):
        log = info.get("log")
        ready = bool(log) and "READY" in _read(Path(log))
        return EngineStatus(port, True, int(info["pid"]), info.get("data_dir"), log, ready)
    if info:
        with contextlib.suppress(OSError):
            (_instance_dir(port) / "neo4j.pid").unlink()
    return EngineStatus(port, False)


def _bolt_answers(uri: str) -> bool:
    from neo4j import GraphDatabase
    from neo4j.exceptions import Neo4jError, DriverError

    try:
        with GraphDatabase.driver(uri, auth=None, connection_timeout=3) as driver:
            driver.verify_connectivity()
            records, _, _ = driver.execute_query("RETURN 1 AS ok")
            return records[0]["ok"] == 1
    except (Neo4jError, DriverError, OSError):
        return False


def _read(path: Path) -> str:
    try:
        return path.read_text(errors="replace")
    except OSError:
        return ""


def _tail(path: Path, lines: int = 3) -> str:
    """The last lines of a log, joined into one line for an error message."""
    return " | ".join(line.strip() for line in _read(path).strip().splitlines()[-lines:])


# ---------------------------------------------------------------- start / stop

def start(port: int | None = None, data_dir: str | Path | None = None,
          timeout: float = START_TIMEOUT_S, settings: Mapping[str, str] | None = None) -> EngineStatus:
    """Start the engine on `port` in the background and wait until Bolt answers.

    A second start on the same port reuses the running engine (whatever its settings). `data_dir`
    is the DBMS home (default `instances/<port>/db`). `settings` are further Neo4j settings for a
    new engine, e.g. {"db.memory.transaction.max": "8m"} for a test engine with a small
    transaction-memory limit (Community Neo4j cannot change them at run time). Raises ConfigError
    (Java/Maven missing, port taken, bad setting) or StoreUnavailable (it did not come up in time).
    """
    extra = _check_settings(settings or {})
    jvm = [f"-Xmx{_heap()}", "-Xms256m", *JVM_FLAGS, *_java_opts()]   # refused before anything starts
    port = _check_port(port) if port is not None else default_port()
    current = status(port)
    if current.ready:
        current.reused = True
        return current
    classpath = prepare()
    inst = _instance_dir(port)
    deadline = time.monotonic() + timeout
    # The lock is held until Bolt answers, so a concurrent start waits here and then reuses the engine.
    with _locked(inst / ".start.lock"):
        current = status(port)
        if current.running:  # started by another `start` (which held the lock until it was ready)
            current.reused = True
            return current if current.ready else _wait_ready(current, deadline)
        if _port_in_use(port):
            raise ConfigError(f"port {port} on {HOST} is already in use by another program; "
                              "choose another with --port or KG_NEO4J_PORT")
        db_home = Path(data_dir).expanduser().resolve() if data_dir else inst / "db"
        try:
            db_home.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise ConfigError(f"cannot use {db_home} as the Neo4j data directory: {err.strerror}") from None
        log = inst / "neo4j.log"
        cmd = [shutil.which("java") or "java", *jvm,
               "-cp", classpath, "Launcher", str(db_home), str(port), str(_page_cache_mb()), *extra]
        with open(log, "w") as out:
            proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                    start_new_session=True, close_fds=True)
        _CHILDREN[proc.pid] = proc
        (inst / "neo4j.pid").write_text(json.dumps(
            {"pid": proc.pid, "port": port, "data_dir": str(db_home), "log": str(log),
             "started": time.time()}, ensure_ascii=False))
        try:
            with _sigterm_as_interrupt():
                return _wait_ready(EngineStatus(port, True, proc.pid, str(db_home), str(log)), deadline)
        except KeyboardInterrupt:  # Ctrl-C or SIGTERM while waiting: leave no half-started engine behind
            _terminate(proc.pid)
            (inst / "neo4j.pid").unlink(missing_ok=True)
            raise


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Turn SIGTERM into KeyboardInterrupt for the block (main thread only), so cleanup code runs."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _wait_ready(engine: EngineStatus, deadline: float) -> EngineStatus:
    """Wait until the engine printed READY and Bolt answers; stop it and raise if it never does."""
    log, pidfile = Path(str(engine.log)), _instance_dir(engine.port) / "neo4j.pid"
    while time.monotonic() < deadline:
        if not _alive(int(engine.pid)):
            child = _CHILDREN.pop(int(engine.pid), None)
            code = f"exit {child.returncode}" if child is not None else "it exited"
            pidfile.unlink(missing_ok=True)
            raise StoreUnavailable(f"the local Neo4j on {engine.uri} stopped during start-up "
                                   f"({code}): {_tail(log)} — see {log}")
        if "READY" in _read(log) and _bolt_answers(engine.uri):
            engine.ready = True
            return engine
        time.sleep(0.25)
    _terminate(int(engine.pid))
    pidfile.unlink(missing_ok=True)
    raise StoreUnavailable(f"the local Neo4j on {engine.uri} did not answer in time — see {log}")


def _terminate(pid: int, timeout: float = STOP_TIMEOUT_S) -> None:
    """SIGTERM (clean Neo4j shutdown), then SIGKILL after `timeout`; reap our own child."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if _alive(pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        while _alive(pid):
            time.sleep(0.05)
    child = _CHILDREN.pop(pid, None)
    if child is not None:
        child.wait()


def stop(port: int | None = None) -> bool:
    """Stop the engine on `port`; True if one was running. Leaves no process behind."""
    port = _check_port(port) if port is not None else default_port()
    current = status(port)
    if not current.running:
        return False
    _terminate(int(current.pid))
    (_instance_dir(port) / "neo4j.pid").unlink(missing_ok=True)
    return True


def running_instances() -> list[EngineStatus]:
    """Every local engine that currently runs (one per port)."""
    root = engine_home() / "instances"
    found = []
    for child in sorted(root.iterdir()) if root.is_dir() else []:
        if child.name.isdigit() and (child / "neo4j.pid").exists():
            st = status(int(child.name))
            if st.running:
                found.append(st)
    return found


# ---------------------------------------------------------------- for the Neo4j store

def local_uri(port: int | None = None) -> str:
    """The Bolt URI of the running local engine; StoreUnavailable (with the fix) if it is not running."""
    st = status(port)
    if not st.ready:
        raise StoreUnavailable(f"no NEO4J_URI set and the local Neo4j is not running on {st.uri}: "
                               f"run `kg neo4j start --port {st.port}` or set NEO4J_URI")
    return st.uri


def ensure_running(port: int | None = None) -> str:
    """Start the local engine if needed (reusing a running one) and return its Bolt URI."""
    return start(port).uri
