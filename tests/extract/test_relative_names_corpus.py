"""Over every corpus document and the seeds: a printed relative name (市X, 区X, 镇X, 团市委, 市委X …)
never resolves to a national body or to a body of another jurisdiction."""
from __future__ import annotations

from pathlib import Path

import pytest

from extract import extract_path
from extract.bodies import load_body_grammar
from extract.gazetteer import read_jsonl
from extract.jurisdiction import JurisdictionReader, Place, load_jurisdiction_reader, name_prefix

ROOT = Path(__file__).resolve().parents[2]
DOCS = sorted(p for p in (ROOT / "corpus").iterdir() if p.suffix in (".txt", ".md")) + \
    sorted((ROOT / "seeds").glob("*.txt"))
NATIONAL = {r["name"] for r in read_jsonl("national_agencies.jsonl")}
G = load_body_grammar()


def _chain(jur: dict) -> tuple[Place, ...] | None:
    if not jur or jur.get("level") == "National":
        return None
    jr: JurisdictionReader = load_jurisdiction_reader()
    return jr.from_name("".join(jur.get("parents", [])[-1:]) + jur["name"]
                        if jur["level"] == "Town" else jur["name"]).chain


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.stem[:24])
def test_relative_names_stay_in_their_jurisdiction(path):
    g = extract_path(path)
    jur = g.document.properties.get("jurisdiction") or {}
    checked = 0
    for e in g.entities:
        if e.type not in ("Agency", "Organization", "Zone"):
            continue
        for m in e.mentions:
            rel = G.relative_prefix(m.text)
            if rel is None or len(m.text) <= len(rel) + 1:
                continue
            checked += 1
            assert e.name not in NATIONAL, (m.text, e.name)
            chain = _chain(jur)
            assert chain is not None, f"{m.text} → {e.name} in a document without a local jurisdiction"
            from extract.jurisdiction import Jurisdiction
            owner = Jurisdiction(chain).owner(rel)
            if owner is None:
                # 省政府 in a Shanghai transcript: the document's own chain has no province; the name
                # is the province the speaker named (never a national body, checked above)
                continue
            prefix = name_prefix(owner)
            assert prefix in e.name, (m.text, e.name, prefix)
    if path.stem.startswith(("21_", "30_", "33_", "35_")):
        assert checked > 10   # these documents are full of relative names: the test really looks


def test_the_same_printed_name_in_two_cities_gives_two_entities():
    from extract import extract_text
    a = extract_text("广州市人民政府关于…的意见\n1.推进。（牵头单位：市财政局）\n2.完成。（牵头单位：市财政局）", "gz")
    b = extract_text("苏州市人民政府关于…的意见\n1.推进。（牵头单位：市财政局）\n2.完成。（牵头单位：市财政局）", "sz")
    ida = {e.id for e in a.entities if e.type == "Agency"}
    idb = {e.id for e in b.entities if e.type == "Agency"}
    assert "agency:广州市财政局" in ida and "agency:苏州市财政局" in idb and not ida & idb
