"""Reads an embedded store file with the stdlib `json` only, independently of graph/store_file.py, for
tests that check what is on disk: whole (never torn), no dangling relationship, no duplicate node.

`read_raw(path)` → {"format", "nodes": [{id, label, name, aliases, docs, props}], "edges": [{source,
type, target, props, evidence}]} for format 2 (JSON lines) and the old format 1 (one JSON object);
an AssertionError when the file is truncated or does not match its header."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

NODE_FIELDS = ("id", "label", "name", "aliases", "docs", "props")


def read_raw(path: Path) -> dict[str, Any]:
    data = Path(path).read_bytes()
    first = data.split(b"\n", 1)[0]
    head = json.loads(first)
    if head["format"] == "yrd-policy-graph/1":
        return head
    assert head["format"] == "yrd-policy-graph/2", head
    assert data.endswith(b"\n"), "the last line is cut"
    rows = [json.loads(line) for line in data[len(first) + 1:].split(b"\n")[:-1]]
    flat = [r for chunk in rows for r in chunk]
    nodes = [dict(zip(NODE_FIELDS, r)) for r in flat[:head["nodes"]]]
    ids = [n["id"] for n in nodes]
    edges = [{"source": ids[s], "target": ids[t], "type": k, "props": p, "evidence": ev}
             for s, t, k, p, ev in flat[head["nodes"]:]]
    assert (len(nodes), len(edges)) == (head["nodes"], head["edges"]), "the file does not hold its header's counts"
    assert all(0 <= r[0] < len(ids) and 0 <= r[1] < len(ids) for r in flat[head["nodes"]:]), "dangling edge"
    return {"format": head["format"], "nodes": nodes, "edges": edges}


def write_format_1(nodes: list[dict[str, Any]], edges: list[dict[str, Any]], path: Path) -> None:
    """A store file exactly as the format-1 writer made it (one compact JSON object, UTF-8)."""
    data = {"format": "yrd-policy-graph/1", "nodes": nodes, "edges": edges}
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, separators=(",", ":"))
