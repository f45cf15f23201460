"""Every documented CLI exit code (common.errors.EXIT_CODES) is what `kg` returns for its error, with
exactly one `kg: error: …` line on stderr and no traceback (the app's upload limits: tests/ui/test_uploads.py)."""
from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from common import errors
from common.errors import EXIT_CODES
from tests.support.kg import KgResult, run_kg


def _kg(args: list[str], tmp_path: Path, **env: str) -> KgResult:
    """`kg ARGS` in-process on the embedded store in `tmp_path` (no Neo4j retries: it is never up here)."""
    return run_kg(*args, env={"KG_DATA": str(tmp_path / "graph.json"), "KG_BACKEND": "memory",
                              "KG_NEO4J_RETRY_S": "0", **env})


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _one_error_line(res: KgResult) -> str:
    assert "Traceback" not in res.stderr + res.stdout, res.stderr
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    errs = [ln for ln in lines if ln.startswith(("kg: error:", "kg: skipped:"))]   # build: skipped files
    assert len(errs) == 1, res.stderr
    return errs[0]


def test_exit_codes_are_distinct_and_documented():
    assert EXIT_CODES == {"KGError": 1, "InputError": 2, "EntityNotFound": 3, "StoreUnavailable": 4,
                          "QueryRefused": 5, "ConfigError": 6, "StoreResourceError": 7}
    doc = errors.__doc__ or ""
    assert "EXIT_CODES" in doc
    for cls in (errors.InputError, errors.EntityNotFound, errors.StoreUnavailable, errors.QueryRefused,
                errors.ConfigError, errors.StoreResourceError):
        assert cls.__doc__ and issubclass(cls, errors.KGError)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A small embedded graph built from the hand-made samples (no extractor needed)."""
    from tests.support.samples import sample_graphs
    from tests.support.synthetic import write_jsonl
    folder = tmp_path_factory.mktemp("cli_codes")
    src = write_jsonl(sample_graphs(), folder / "samples.jsonl")
    res = _kg(["build", str(src)], folder)
    assert res.returncode == 0, res.stderr
    return folder


CASES = [
    ("InputError", ["build", "no/such/folder"], {}),
    ("InputError", ["build", "seeds/data/coordinates.csv"], {}),            # not a document format
    ("EntityNotFound", ["show", "不存在的机构XYZ"], {}),
    ("EntityNotFound", ["leads", "'}) DETACH DELETE n //"], {}),
    ("EntityNotFound", ["path", "上海海关", "不存在"], {}),
    ("QueryRefused", ["cypher", "MATCH (n) RETURN n"], {}),                 # the embedded store has no console
    ("ConfigError", ["export", "--format", "pdf", "--out", "x.pdf"], {}),
    ("ConfigError", ["neighbors", "上海海关", "--depth", "-1"], {}),
    ("ConfigError", ["stats"], {"KG_BACKEND": "bogus"}),
    ("ConfigError", ["stats", "--backend", "neo4j"], {"NEO4J_URI": "http://127.0.0.1:1"}),
    ("StoreUnavailable", ["stats", "--backend", "neo4j"], {"NEO4J_URI": "bolt://127.0.0.1:{port}",
                                                          "KG_NEO4J_RETRY_S": "0"}),
]


@pytest.mark.parametrize("expected,args,env", CASES, ids=[f"{c[0]}-{' '.join(c[1])[:30]}" for c in CASES])
def test_each_error_has_its_exit_code_and_one_line(built, expected, args, env):
    env = {k: v.format(port=_closed_port()) for k, v in env.items()}
    res = _kg(args, built, **env)
    if "invalid choice" in res.stderr:
        pytest.skip(f"`kg {args[0]}` is not registered")
    assert res.returncode == EXIT_CODES[expected], (res.returncode, res.stderr)
    line = _one_error_line(res)
    assert len(line) < 600


def test_corrupt_embedded_store_file_is_store_unavailable(tmp_path):
    (tmp_path / "graph.json").write_bytes(b'{"format": "yrd-policy-graph/1", "nodes": [')   # truncated
    res = _kg(["stats"], tmp_path)
    assert res.returncode == EXIT_CODES["StoreUnavailable"]
    assert "graph.json" in _one_error_line(res)
    (tmp_path / "graph.json").write_bytes(b"\x00\xff binary")
    assert _kg(["stats"], tmp_path).returncode == EXIT_CODES["StoreUnavailable"]


def test_non_utf8_shell_argument_is_a_one_line_error_or_an_answer(built):
    # bytes that are not UTF-8 reach Python as lone surrogates (surrogateescape)
    res = _kg(["search", os.fsdecode(b"\xff\xfe")], built)
    assert "Traceback" not in res.stderr, res.stderr
    assert res.returncode in (0, 1, EXIT_CODES["ConfigError"])     # 1: `kg search` found no match


def test_success_is_exit_0(built):
    for args in (["stats", "--json"], ["search", "上海"], ["show", "上海海关"], ["leads", "上海海关"]):
        res = _kg(args, built)
        assert res.returncode == 0, (args, res.stderr)
        assert res.stdout.strip()
