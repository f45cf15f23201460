"""`kg extract`: JSON Lines or one file per document; a bad file is one line on stderr, the rest go on."""
from __future__ import annotations

import json

from tests.support.extracted import SEEDS


def test_extract_seeds_prints_one_json_object_per_document(kg):
    res = kg("extract", *sorted(str(p) for p in SEEDS.values()))
    assert res.returncode == 0, res.stderr
    docs = [json.loads(line) for line in res.stdout.splitlines()]
    assert [d["document"]["id"] for d in docs] == sorted(p.stem for p in SEEDS.values())
    first_batch = next(d for d in docs if d["document"]["id"].startswith("002"))
    assert sum(1 for e in first_batch["entities"] if e["type"] == "Clause") == 22


def test_bad_file_gives_one_line_error_and_nonzero_exit_but_others_are_written(kg, tmp_path):
    bad = tmp_path / "broken.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    out = tmp_path / "out"
    res = kg("extract", str(bad), str(SEEDS["003"]), "--out", str(out))
    assert res.returncode != 0
    err = [line for line in res.stderr.splitlines() if line.startswith("kg: error:")]
    assert len(err) == 1 and "broken.txt" in err[0] and "Traceback" not in res.stderr
    written = json.loads((out / f"{SEEDS['003'].stem}.json").read_text(encoding="utf-8"))
    assert written["document"]["id"] == SEEDS["003"].stem
