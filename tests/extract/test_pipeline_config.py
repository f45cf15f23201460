"""The components' declared config: each setting changes what the pipeline finds, on real documents."""
from __future__ import annotations

from pathlib import Path

from spacy.language import Language

from extract.api import extract_document
from extract.loader import load_document
from extract.pipeline import build_nlp
from graph.model import ROLE_TYPES

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
TASK_TABLE = CORPUS / "34_jingan_carbon_peak_task_table_2026.md"


def _roles(nlp, path: Path) -> set[tuple[str, str, str]]:
    g = extract_document(load_document(path), nlp=nlp)
    return {(r.source, r.type, r.target) for r in g.relations if r.type in ROLE_TYPES}


def test_factories_declare_config_and_what_they_assign():
    for name, keys in (("kg_phrases", {"match_areas"}), ("kg_entities", {"tables", "bare_lists"})):
        meta = Language.get_factory_meta(name)
        assert set(meta.default_config) == keys
        assert meta.assigns == ["doc._.kg"]


def test_without_tables_a_task_table_loses_most_of_its_roles():
    full, no_tables = _roles(build_nlp(), TASK_TABLE), _roles(build_nlp({"kg_entities": {"tables": False}}), TASK_TABLE)
    assert len(full) > 100
    assert len(no_tables) < len(full) / 2


def test_areas_are_the_same_with_or_without_the_phrase_matcher():
    """match_areas=false: relations find area keywords with their own regex, and find the same ones."""
    nd = load_document(TASK_TABLE)
    def areas(nlp):
        return {e.id: e.properties.get("areas") for e in extract_document(nd, nlp=nlp).entities
                if e.type in ("Clause", "Task")}
    with_matcher, without = areas(build_nlp()), areas(build_nlp({"kg_phrases": {"match_areas": False}}))
    assert any(with_matcher.values())
    assert with_matcher == without
