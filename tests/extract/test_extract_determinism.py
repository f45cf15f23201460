"""The same input gives byte-identical JSON, also across processes with different hash seeds."""
from __future__ import annotations

import pytest

from extract import extract_path
from tests.support.extracted import CORPUS, SEEDS
from tests.support.kg import run_kg_process


def test_same_input_same_json_in_one_process():
    for p in (SEEDS["001"], SEEDS["002"], CORPUS["03"]):
        assert extract_path(p).to_json(include_text=True) == extract_path(p).to_json(include_text=True)


@pytest.mark.slow
def test_same_json_across_processes_with_different_hash_seeds():
    """Two real processes: the hash seed is fixed when the interpreter starts."""
    files = [str(SEEDS["002"]), str(SEEDS["003"]), str(CORPUS["02"])]
    outs = []
    for seed in ("1", "99"):
        res = run_kg_process("extract", "--quiet", *files, env={"PYTHONHASHSEED": seed}, text=False)
        assert res.returncode == 0, res.stderr
        outs.append(res.stdout)
    assert outs[0] == outs[1] and outs[0].count(b"\n") == 3
