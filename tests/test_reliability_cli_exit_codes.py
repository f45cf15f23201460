"""Every documented CLI exit code (graph.errors.EXIT_CODES) is what `kg` returns for its error, with
exactly one `kg: error: …` line on stderr and no traceback; upload limits of the app are enforced."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from graph import errors
from graph.errors import EXIT_CODES

ROOT = Path(__file__).resolve().parents[1]


def _kg(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "KG_"))}
    full.update({"KG_DATA": str(tmp_path / "graph.json"), "KG_BACKEND": "memory", **env})
    return subprocess.run([sys.executable, "-m", "kg.cli", *args], cwd=ROOT, env=full, capture_output=True,
                          text=True, timeout=300)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _one_error_line(res: subprocess.CompletedProcess) -> str:
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
    from nasties.graphs import write_jsonl
    from store_samples import sample_graphs
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
    res = subprocess.run([sys.executable, "-m", "kg.cli", "search", os.fsdecode(b"\xff\xfe")], cwd=ROOT,
                         env={**os.environ, "KG_DATA": str(built / "graph.json"), "KG_BACKEND": "memory"},
                         capture_output=True, timeout=120)
    assert b"Traceback" not in res.stderr, res.stderr.decode(errors="replace")
    assert res.returncode in (0, 1, EXIT_CODES["ConfigError"])     # 1: `kg search` found no match


def test_success_is_exit_0(built):
    for args in (["stats", "--json"], ["search", "上海"], ["show", "上海海关"], ["leads", "上海海关"]):
        res = _kg(args, built)
        assert res.returncode == 0, (args, res.stderr)
        assert res.stdout.strip()


def test_upload_limits_type_size_and_emptiness():
    ingest = pytest.importorskip("ui.ingest")
    from graph.errors import InputError
    assert ingest.MAX_UPLOAD_BYTES <= 50 * 2**20
    assert ingest.check_upload("a.TXT", 10) == ".txt"
    for name, size in [("a.exe", 10), ("a.txt.exe", 10), ("noext", 10), ("a.numbers", 10), ("a.txt", 0),
                       ("a.pdf", ingest.MAX_UPLOAD_BYTES + 1), ("a.docx", 10**10)]:
        with pytest.raises(InputError) as err:
            ingest.check_upload(name, size)
        assert "\n" not in str(err.value)


def test_uploads_are_written_only_inside_a_private_temp_folder(monkeypatch, tmp_path):
    """Hostile upload names stay inside the fresh temp folder, which is removed afterwards."""
    ingest = pytest.importorskip("ui.ingest")
    import tempfile

    import nasties
    created: list[str] = []
    real_mkdtemp = tempfile.mkdtemp

    def spy_mkdtemp(*a, **k):
        d = real_mkdtemp(*a, dir=str(tmp_path), **{kk: vv for kk, vv in k.items() if kk != "dir"})
        created.append(d)
        return d
    monkeypatch.setattr(tempfile, "mkdtemp", spy_mkdtemp)
    written: list[Path] = []
    real_write = Path.write_bytes

    def spy_write(self, data):
        written.append(self.resolve())
        return real_write(self, data)
    monkeypatch.setattr(Path, "write_bytes", spy_write)
    data = nasties.SEED_002.read_bytes()
    for name in ["../../evil.txt", "/etc/evil.txt", "..\\..\\evil.txt", "a/../../b.txt", "....txt",
                 "x\x00y.txt", "C:\\evil.txt", "正常文件.txt", ".hidden.txt", "~/evil.txt"]:
        try:
            ingest.extract_upload(name, data)
        except Exception as err:  # noqa: BLE001 - only where it wrote matters here
            from graph.errors import KGError
            assert isinstance(err, KGError), err
    assert written, "uploads were written"
    for w in written:
        assert any(str(w).startswith(str(Path(d).resolve()) + os.sep) for d in created), w
    assert all(not Path(d).exists() for d in created), "temp folders are removed"
    assert not (tmp_path.parent / "evil.txt").exists() and not Path("/etc/evil.txt").exists()
