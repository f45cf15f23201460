"""The app's upload limits (ui.ingest): type, size and emptiness are checked before reading, and
uploads are written only inside a private temporary folder that is removed afterwards."""
from __future__ import annotations

import os
from pathlib import Path

import pytest


def test_upload_limits_type_size_and_emptiness():
    ingest = pytest.importorskip("ui.ingest")
    from common.errors import InputError
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

    from tests.support import nasties
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
            from common.errors import KGError
            assert isinstance(err, KGError), err
    assert written, "uploads were written"
    for w in written:
        assert any(str(w).startswith(str(Path(d).resolve()) + os.sep) for d in created), w
    assert all(not Path(d).exists() for d in created), "temp folders are removed"
    assert not (tmp_path.parent / "evil.txt").exists() and not Path("/etc/evil.txt").exists()
