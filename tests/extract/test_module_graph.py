"""The layering rules, read from the source: extract/ has no import cycle, never imports neo4j;
graph/ never imports spaCy."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _imports(pkg: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for f in sorted((ROOT / pkg).glob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
            elif isinstance(node, ast.Import):
                names |= {a.name for a in node.names}
        out[f.stem] = names
    return out


def test_extract_has_no_import_cycle():
    mods = {m: {n.split(".")[1] for n in names if n.startswith("extract.")} - {m}
            for m, names in _imports("extract").items()}
    state: dict[str, int] = {}

    def visit(m: str, path: list[str]) -> None:
        state[m] = 1
        for d in sorted(mods.get(m, ())):
            assert state.get(d) != 1, " → ".join(path + [d])
            if d not in state:
                visit(d, path + [d])
        state[m] = 2

    for m in sorted(mods):
        if m not in state:
            visit(m, [m])


def test_extract_never_imports_neo4j_and_graph_never_imports_spacy():
    for m, names in _imports("extract").items():
        assert not any(n == "neo4j" or n.startswith("neo4j.") for n in names), m
    for m, names in _imports("graph").items():
        assert not any(n == "spacy" or n.startswith("spacy.") for n in names), m
