"""Sentence spans for evidence, lookups by offset, and linear behaviour on a huge one-line document."""
from __future__ import annotations

from pathlib import Path

import pytest

from extract.loader import load_document, normalise_text
from extract.structure import split_sentences

ROOT = Path(__file__).resolve().parents[2]
SEED = {p.name[:3]: p for p in (ROOT / "seeds").glob("*.txt")}
ALL = sorted(SEED.values()) + sorted((ROOT / "corpus").glob("0*.txt"))
ENDERS = set("。！？；!?;")


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem[:6])
def test_sentences_cover_the_text_in_order(path):
    doc = load_document(path)
    prev_end = 0
    for s, e in doc.sentences:
        assert prev_end <= s < e
        piece = doc.text[s:e]
        assert "\n" not in piece and piece == piece.strip()
        inner = piece.rstrip("”’」』）)】")
        assert not any(c in ENDERS for c in inner[:-1].rstrip("。！？；!?;")), piece
        prev_end = e
    # every character but spaces and line breaks is inside some sentence
    covered = bytearray(len(doc.text))
    for s, e in doc.sentences:
        covered[s:e] = b"\x01" * (e - s)
    assert all(covered[i] or c in " \n" for i, c in enumerate(doc.text))


def test_no_sentence_runs_across_a_clause_start():
    doc = load_document(SEED["002"])
    starts = {c.start for c in doc.clauses()}
    for s, e in doc.sentences:
        assert not any(s < x < e for x in starts)
    # the responsibility note after an article's last sentence is its own evidence sentence
    note = doc.text.index("(责任单位:两省一市发展改革、规划资源部门)")
    s, e = doc.sentence_at(note + 3)
    assert doc.text[s:e] == "(责任单位:两省一市发展改革、规划资源部门)"


def test_split_on_terminators_with_closing_quotes():
    text = "他说：“好。”然后走了！真的？是；否\n新行"
    assert [text[s:e] for s, e in split_sentences(text)] == ["他说：“好。”", "然后走了！", "真的？", "是；", "否", "新行"]


def test_sentence_at_and_block_at():
    doc = load_document(SEED["002"])
    offset = doc.text.index("统一管理跨区域项目")
    s, e = doc.sentence_at(offset)
    assert doc.text[s:e].startswith("赋予示范区执委会省级项目管理权限")
    assert doc.block_at(offset).number == 2
    assert doc.block_at(0) is None
    assert doc.sentence_at(len(doc.text) + 10) == doc.sentences[-1]
    outer = doc.blocks_at(offset)
    assert [b.number for b in outer] == [2]


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_three_megabyte_document_on_one_line():
    body = load_document(SEED["002"]).text.replace("\n", "")
    huge = (body * (3_000_000 // len(body) + 1))[:3_000_000]
    doc = normalise_text(huge, "huge")
    assert len(doc.text) == 3_000_000
    assert len(doc.sentences) >= huge.count("。")
    # the first copy's 22 articles are found; later copies restart at 一、 inside running text
    assert [c.number for c in doc.clauses()[:22]] == list(range(1, 23))
