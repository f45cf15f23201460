"""Property-based tests of the extractor (`extract.extract_text`): random policy-like text with
numbering, responsibility notes, collective terms, HTML residue and control characters.

Properties: no exception other than common.errors.KGError; every mention and evidence span lies inside
the normalised text and quotes it; relations join entities of the same graph; labels and types come
from the schema; the same input gives byte-identical JSON.
"""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from common.errors import KGError
from graph.model import LABELS, REL_TYPES
from tests.support.fuzz import ANNOTATION, DOCUMENT_TEXT, LONG_LINE, NUMBERING, PROSE, fuzz_settings

pytestmark = pytest.mark.slow          # a fuzz run (budgets in tests/support/fuzz.py)

extract = pytest.importorskip("extract.api")

# Text that looks like a policy: numbered items with notes and known names, plus noise.
POLICY_LIKE = st.lists(st.one_of(st.builds(lambda n, p, a: f"\n{n}{p}{a}", NUMBERING, PROSE, ANNOTATION),
                                 PROSE, ANNOTATION, DOCUMENT_TEXT), max_size=25).map("".join)


@pytest.fixture(scope="module", autouse=True)
def nlp():
    return extract.load_nlp()


def _extract(text: str, fmt: str):
    try:
        return extract.extract_text(text, "fuzz_doc", fmt)
    except KGError as err:
        assert "\n" not in str(err)
        return None


def _quotes(text: str, start: int, end: int, quoted: str) -> bool:
    """The span quotes the text (long clause previews may be cut short)."""
    span = text[start:end]
    return span == quoted or (len(quoted) < len(span) and span.startswith(quoted))


@fuzz_settings("extract")
@given(st.one_of(POLICY_LIKE, POLICY_LIKE, DOCUMENT_TEXT, LONG_LINE), st.sampled_from(["txt", "md", "html"]))
def test_extraction_is_safe_inside_the_text_and_deterministic(text, fmt):
    g = _extract(text, fmt)
    if g is None:
        return
    t = g.text
    assert t is not None
    ids = {e.id for e in g.entities} | {g.document.id}
    for e in g.entities:
        assert e.type in LABELS, e
        assert e.name and e.id
        for m in e.mentions:
            assert 0 <= m.start < m.end <= len(t), (e.name, m)
            assert _quotes(t, m.start, m.end, m.text), (e.name, m, t[m.start:m.end])
    for r in g.relations:
        assert r.type in REL_TYPES, r
        assert r.source in ids and r.target in ids, r
        if r.evidence is not None:
            ev = r.evidence
            assert 0 <= ev.start <= ev.end <= len(t), (r, len(t))
            assert _quotes(t, ev.start, ev.end, ev.text), (r, t[ev.start:ev.end])
    again = _extract(text, fmt)
    assert again is not None and again.to_json(include_text=True) == g.to_json(include_text=True)
