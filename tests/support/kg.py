"""Running `kg`: in-process (the default, through the `kg` fixture) or as a real process.

`run_kg(*argv, env=…)` calls `kg.cli.main(argv)` in this interpreter with stdout/stderr captured
and returns `KgResult(returncode, stdout, stderr)`. Environment variables the CLI reads are set for
the call only (a `pytest.MonkeyPatch` context), starting from a clean slate: the store-selecting
variables of the caller's shell (STORE_VARS) are removed first, so `make test`'s NEO4J_URI never
leaks into a test that did not ask for it. The working directory is the project root, as for
`make`. Usage errors (argparse's SystemExit) and `--help` give their exit code like a process.

`spawn_kg` / `run_kg_process` start `python -m kg.cli` as a real process: only for tests where the
process itself is under test (signals, exit status of the real entry point, locks between
processes, hash seeds).
"""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Mapping, NamedTuple

import pytest

from tests.support import ROOT

# What chooses and reaches a store; removed before every in-process call and from a spawned
# process's environment (KG_NEO4J_HOME, the local engine's jars, stays).
STORE_VARS = ("KG_BACKEND", "KG_DATA", "KG_NEO4J_RETRY_S", "NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD",
              "NEO4J_DATABASE")
KG_MODULE = [sys.executable, "-m", "kg.cli"]


class KgResult(NamedTuple):
    """What a `kg` run left: exit code, stdout, stderr (the fields of subprocess.CompletedProcess)."""
    returncode: int
    stdout: str
    stderr: str


def _stream(errors: str) -> io.TextIOWrapper:
    """A UTF-8 text stream like a real process's (stdout strict, stderr backslashreplace)."""
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors=errors, newline="\n", write_through=True)


def _text(stream: io.TextIOWrapper) -> str:
    stream.flush()
    return stream.buffer.getvalue().decode("utf-8", errors="replace")


def _exit_code(exc: SystemExit) -> int:
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code
    print(exc.code, file=sys.stderr)      # sys.exit("message"), as the interpreter does
    return 1


def run_kg(*argv: str, env: Mapping[str, str | None] | None = None, cwd: Path = ROOT) -> KgResult:
    """`kg ARGV…` in-process; `env` values of None remove a variable."""
    from kg.cli import main

    out, err = _stream("strict"), _stream("backslashreplace")
    with pytest.MonkeyPatch.context() as mp:
        for name in STORE_VARS:
            mp.delenv(name, raising=False)
        for name, value in (env or {}).items():
            if value is None:
                mp.delenv(name, raising=False)
            else:
                mp.setenv(name, str(value))
        mp.chdir(cwd)
        mp.setattr(sys, "stdout", out)
        mp.setattr(sys, "stderr", err)
        try:
            code = main([str(a) for a in argv])
        except SystemExit as exc:
            code = _exit_code(exc)
    return KgResult(int(code or 0), _text(out), _text(err))


class Kg:
    """The `kg` fixture: `kg(*argv, env=…)` → KgResult, with `base_env` under each call's `env`."""

    def __init__(self, base_env: Mapping[str, str | None] | None = None) -> None:
        self.base_env = dict(base_env or {})

    def __call__(self, *argv: str, env: Mapping[str, str | None] | None = None, cwd: Path = ROOT) -> KgResult:
        return run_kg(*argv, env={**self.base_env, **(env or {})}, cwd=cwd)


def kg_stats(env: Mapping[str, str | None], backend: str) -> dict:
    """`kg stats --json --backend BACKEND` in-process, which must succeed; its JSON."""
    res = run_kg("stats", "--json", "--backend", backend, env=env)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def process_env(env: Mapping[str, str | None] | None = None) -> dict[str, str]:
    """The caller's environment without STORE_VARS, plus `env` (None removes): for a real `kg`."""
    full = {k: v for k, v in os.environ.items() if k not in STORE_VARS}
    for name, value in (env or {}).items():
        if value is None:
            full.pop(name, None)
        else:
            full[name] = str(value)
    return full


def spawn_kg(*argv: str, env: Mapping[str, str | None] | None = None, **popen) -> subprocess.Popen:
    """`python -m kg.cli ARGV…` as a real, running process (output discarded unless `popen` says)."""
    popen.setdefault("stdout", subprocess.DEVNULL)
    popen.setdefault("stderr", subprocess.DEVNULL)
    return subprocess.Popen([*KG_MODULE, *map(str, argv)], cwd=ROOT, env=process_env(env), **popen)


def run_kg_process(*argv: str, env: Mapping[str, str | None] | None = None, timeout: float = 300,
                   text: bool = True) -> subprocess.CompletedProcess:
    """`python -m kg.cli ARGV…` to completion in a real process; output captured."""
    return subprocess.run([*KG_MODULE, *map(str, argv)], cwd=ROOT, env=process_env(env), capture_output=True,
                          text=text, timeout=timeout)
