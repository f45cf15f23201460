"""Property-based tests of the normaliser, the structure parser and the sentence splitter.

Inputs: random Unicode, broken HTML, random numbering and responsibility-note fragments, front matter,
control characters and very long lines. Properties: only project errors, every offset inside the
text, block/sentence spans well formed, and the same input always gives the same output.
"""
from __future__ import annotations

from dataclasses import asdict

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extract.loader import normalise_text
from extract.structure import parse_structure, split_sentences
from common.errors import KGError
from tests.support.fuzz import ANY_DOCUMENT, DOCUMENT_TEXT, LONG_LINE, fuzz_settings

pytestmark = pytest.mark.slow          # a fuzz run (budgets in tests/support/fuzz.py)


def _check_blocks(text: str, blocks) -> None:
    n = len(text)
    for i, b in enumerate(blocks):
        assert b.kind in ("heading", "clause", "turn", "paragraph")
        assert 0 <= b.start <= b.end <= n, (b, n)
        if b.number is not None:
            assert isinstance(b.number, int) and b.number >= 0
        if b.section is not None:
            assert isinstance(b.section, int)
        if b.parent is not None:
            assert 0 <= b.parent < len(blocks) and b.parent != i
            parent = blocks[b.parent]
            assert parent.kind in ("heading", "clause", "turn"), parent
    paragraphs = [b for b in blocks if b.kind == "paragraph"]
    for b in paragraphs:
        assert "\n" not in text[b.start:b.end]


def _check_sentences(text: str, spans) -> None:
    prev_end = 0
    for s, e in spans:
        assert 0 <= s < e <= len(text), (s, e, len(text))
        assert s >= prev_end, "sentences overlap or are out of order"
        prev_end = e


def _snapshot(nd) -> tuple:
    return (nd.text, repr(sorted(nd.meta.items(), key=lambda kv: kv[0])),
            [asdict(b) for b in nd.blocks], list(nd.sentences))


def _normalise(text: str, fmt: str):
    try:
        return normalise_text(text, "fuzz", fmt)
    except KGError as err:      # the only failure allowed: a documented one-line error
        assert "\n" not in str(err)
        return None


@fuzz_settings("normalise")
@given(ANY_DOCUMENT, st.sampled_from(["txt", "txt", "md", "html", "pdf", "docx"]))
def test_normalise_keeps_offsets_inside_and_is_deterministic(text, fmt):
    nd = _normalise(text, fmt)
    if nd is None:
        return
    assert "\x00" not in nd.text and "\r" not in nd.text
    _check_blocks(nd.text, nd.blocks)
    _check_sentences(nd.text, nd.sentences)
    for off in {0, len(nd.text) // 2, max(0, len(nd.text) - 1)}:
        s, e = nd.sentence_at(off)
        assert 0 <= s <= e <= len(nd.text)
        blk = nd.block_at(off)
        assert blk is None or blk.start <= off < blk.end
    again = _normalise(text, fmt)
    assert again is not None and _snapshot(nd) == _snapshot(again)
    # re-ingesting the normalised text (an exported text) raises nothing but project errors
    _normalise(nd.text, "txt")


@fuzz_settings("structure")
@given(st.one_of(DOCUMENT_TEXT, DOCUMENT_TEXT, LONG_LINE), st.one_of(st.none(), st.integers(0, 400)))
def test_structure_parser_offsets_inside_and_deterministic(text, fragment_start):
    if fragment_start is not None:
        fragment_start = min(fragment_start, len(text))
    blocks = parse_structure(text, fragment_start=fragment_start)
    _check_blocks(text, blocks)
    clauses = [b for b in blocks if b.kind == "clause"]
    for c in clauses:
        assert c.number is not None
    assert [asdict(b) for b in parse_structure(text, fragment_start=fragment_start)] == [asdict(b) for b in blocks]


@fuzz_settings("sentences")
@given(st.one_of(DOCUMENT_TEXT, LONG_LINE), st.lists(st.integers(0, 3000), max_size=20))
def test_sentence_spans_are_ordered_and_inside(text, breaks):
    spans = split_sentences(text, [b for b in breaks if b <= len(text)])
    _check_sentences(text, spans)
    assert split_sentences(text, [b for b in breaks if b <= len(text)]) == spans
    # every non-space character that is not a line break lies in some sentence
    covered = bytearray(len(text))
    for s, e in spans:
        covered[s:e] = b"\x01" * (e - s)
    for i, ch in enumerate(text):
        if not covered[i]:
            assert ch in " \n", (i, ch)
