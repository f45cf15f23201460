"""The data files of extract/data (JSON Lines), and the cue lexicon of `data/cues.jsonl` read once.

Every stage reads its tables through `read_jsonl`; the cue lexicon (role words, prefix and suffix cues,
duty verbs, note markers, labels that are no speaker) is one file whose rows are keyed by `kind`, so
structure, notes, tables, duties and relations share one copy of each cue word.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).with_name("data")


def read_jsonl(name: str) -> list[dict]:
    """Rows of `extract/data/<name>`; blank lines and `//` comment lines are skipped."""
    with open(DATA_DIR / name, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip() and not line.lstrip().startswith("//")]


@lru_cache(maxsize=1)
def _cue_rows() -> dict[str, dict[str, Any]]:
    return {r["kind"]: r for r in read_jsonl("cues.jsonl")}


def cues(kind: str) -> dict[str, Any]:
    """One row of the cue lexicon by kind: prefix_cues, suffix_cues, lead_rule, duties, running_text,
    role_words, note_markers, not_speakers (KeyError for an unknown kind)."""
    return _cue_rows()[kind]
