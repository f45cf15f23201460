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


# extract/ is a straight line: each module imports only modules of its own stage or earlier ones.
STAGES = {
    "model": ["document", "lexicon", "numerals"],
    "read": ["table_model", "reader"],
    "normalise": ["normalise"],
    "structure": ["structure", "notes", "tables", "loader"],
    "recognise": ["gazetteer", "hits", "name_patterns", "name_rules", "org_rules", "person_rules", "recognise",
                  "areas"],
    "resolve": ["jurisdiction", "bodies"],
    "relate": ["duties", "graph_builder", "role_rules", "relation_rules", "relations", "follows"],
    "pipeline": ["pipeline", "api", "score", "__init__"],
}


def test_every_extract_module_has_a_stage():
    staged = {m for ms in STAGES.values() for m in ms}
    assert staged == set(_imports("extract")), "give each new extract/ module its stage in STAGES"


def test_each_stage_imports_only_itself_and_earlier_stages():
    rank = {m: i for i, ms in enumerate(STAGES.values()) for m in ms}
    later = []
    for m, names in _imports("extract").items():
        for n in names:
            if n.startswith("extract.") and rank[n.split(".")[1]] > rank[m]:
                later.append(f"{m} ({list(STAGES)[rank[m]]}) imports {n}")
    assert not later, later


def test_extract_never_imports_neo4j_and_graph_never_imports_spacy():
    for m, names in _imports("extract").items():
        assert not any(n == "neo4j" or n.startswith("neo4j.") for n in names), m
    for m, names in _imports("graph").items():
        assert not any(n == "spacy" or n.startswith("spacy.") for n in names), m
