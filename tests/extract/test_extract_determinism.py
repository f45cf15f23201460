"""The same input gives byte-identical JSON, also across processes with different hash seeds."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from extract import extract_path
from tests.extract_graphs import CORPUS, ROOT, SEEDS


def test_same_input_same_json_in_one_process():
    for p in (SEEDS["001"], SEEDS["002"], CORPUS["03"]):
        assert extract_path(p).to_json(include_text=True) == extract_path(p).to_json(include_text=True)


def test_same_json_across_processes_with_different_hash_seeds():
    files = [str(SEEDS["002"]), str(SEEDS["003"]), str(CORPUS["02"])]
    outs = []
    for seed in ("1", "99"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        res = subprocess.run([sys.executable, "-m", "kg.cli", "extract", "--quiet", *files],
                             capture_output=True, env=env, cwd=ROOT, check=True)
        outs.append(res.stdout)
    assert outs[0] == outs[1] and outs[0].count(b"\n") == 3
