"""Normalisation on the real seeds and corpus: clean text, joined lines, offsets that hold."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from extract.loader import load_document, normalise_text
from extract.normalise import html_to_text, join_wrapped

ROOT = Path(__file__).resolve().parents[2]
SEED = {p.name[:3]: p for p in (ROOT / "seeds").glob("*.txt")}
CORPUS = sorted((ROOT / "corpus").glob("0*.txt"))
ALL = sorted(SEED.values()) + CORPUS


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem[:6])
def test_text_is_clean_lines(path):
    doc = load_document(path)
    assert doc.text and doc.text == doc.text.strip()
    for line in doc.text.split("\n"):
        assert line and line == line.strip() and "  " not in line
    assert "\r" not in doc.text and "\ufeff" not in doc.text and "\u3000" not in doc.text
    assert not re.search(r"<(?:p|div|span|style|script|font|br)\b|&#\d+;|&nbsp;|\{[^}]*\}", doc.text)


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem[:6])
def test_normalising_the_normalised_text_changes_nothing(path):
    doc = load_document(path)
    assert normalise_text(doc.text, doc.doc_id).text == doc.text


def test_html_junk_of_seed_002_is_gone():
    text = load_document(SEED["002"]).text
    assert "helvetica" not in text and "style=" not in text
    assert text.split("\n")[:3] == ["上海市人民政府", "浙江省人民政府",
                                    "2020年6月10日关于支持长三角生态绿色一体化发展示范区高质量发展的若干政策措施"]


def test_css_and_comments_at_the_end_of_seed_003_are_gone():
    doc = load_document(SEED["003"])
    assert "appendQr" not in doc.text and "正文下iframe" not in doc.text and "&#123;" not in doc.text
    assert "新浪财经APP" not in doc.text  # the QR-code advert
    assert doc.text.split("\n")[0] == "澎湃新闻记者 张静"
    assert "十是自贸试验区建设智力支持服务功能。" in doc.text


def test_seed_000_paragraphs_from_html():
    lines = load_document(SEED["000"]).text.split("\n")
    assert lines[0] == "证券时报记者 张淑贤"
    assert lines[1].startswith("9月15日，由沪苏浙两省一市联合印发的")
    assert "已形成88项制度创新成果 第二批政策更加注重先行先试" in lines  # the <strong> subheading


def test_seed_004_hard_wrapped_lines_are_joined():
    raw_lines = SEED["004"].read_text(encoding="utf-8").split("\n")
    doc = load_document(SEED["004"])
    lines = doc.text.split("\n")
    assert len(lines) < len(raw_lines) / 5
    # words split across printed lines (even across a blank line) are whole again
    for word in ["推动港航资源整合", "加快构建新一代信息基础设施", "合力保护重要生态空间。切实加强生态环境分区管治",
                 "加强内河高等级航道网建设"]:
        assert word in doc.text
    # headings are never merged into the text around them; a wrapped heading is one line
    assert "第二节 共同打造数字长三角" in lines
    assert "第十章 高水平建设长三角生态绿色一体化发展示范区" in lines
    assert "第六章 强化生态环境共保联治" in lines
    # page markers are gone
    assert "上接" not in doc.text and "下转" not in doc.text and "版）" not in doc.text
    assert lines[2].startswith("协同推进港口航道建设。推动港航资源整合")


def test_wrapped_list_items_stay_separate():
    """Re-wrap a real document at 22 characters: items keep their own lines, text joins again."""
    reference = load_document(ROOT / "corpus" / "01_ftz_deepening_reform_measures_2018.txt")
    wrapped = []
    for para in reference.text.split("\n"):
        wrapped.extend(para[i:i + 22] for i in range(0, len(para), 22))
    lines = join_wrapped(wrapped)
    assert len(lines) < len(wrapped) / 3
    item_lines = [ln for ln in lines if re.match(r"（[一二三四五六七八九十]+）", ln)]
    assert len(item_lines) >= 50
    doc = normalise_text("\n".join(wrapped), "rewrapped")
    assert [(b.number, b.title) for b in doc.clauses()] == [(b.number, b.title) for b in reference.clauses()]


def test_text_without_wrapping_is_not_joined():
    lines = load_document(SEED["001"]).text.split("\n")
    assert join_wrapped(lines) == lines


def test_entities_are_unescaped_in_plain_text():
    doc = normalise_text("关于&#25903;持示范区&amp;联盟&nbsp;发展", "x")
    assert doc.text == "关于支持示范区&联盟 发展"


def test_html_to_text_keeps_paragraph_breaks_and_drops_scripts():
    text = html_to_text("<div><p>第一段</p><p>第二段<br>换行</p><script>x=1</script>"
                        "<ul><li>一、甲</li><li>二、乙</li></ul>尾</div>")
    assert [ln for ln in text.split("\n") if ln] == ["第一段", "第二段", "换行", "一、甲", "二、乙", "尾"]


def test_fullwidth_digits_and_odd_spaces():
    doc = normalise_text("\ufeff２０２０年７月１日\u00a0起施行\u200b。\r\n\r\n第二行\t结束", "x")
    assert doc.text == "2020年7月1日 起施行。\n第二行 结束"


def test_corpus_header_lines_are_metadata_not_text():
    path = ROOT / "corpus" / "01_ftz_deepening_reform_measures_2018.txt"
    doc = load_document(path)
    assert not doc.text.startswith(("SOURCE:", "TITLE:", "NOTE:"))
    assert "SOURCE:" not in doc.text and "NOTE:" not in doc.text
    assert doc.text.startswith("国务院关于支持自由贸易试验区")
    assert doc.meta["source"].startswith("github ZhouYNF/platform-1")
    assert "53 numbered measures" in doc.meta["note"]


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem[:6])
def test_offsets_point_into_the_text(path):
    doc = load_document(path)
    n = len(doc.text)
    for b in doc.blocks:
        assert 0 <= b.start < b.end <= n
        assert doc.text[b.start] not in " \n" and doc.text[b.end - 1] not in " \n"
        if b.kind in ("heading", "clause") and b.marker:
            assert doc.text.startswith(b.marker, b.start)
        if b.kind == "turn":
            assert doc.text.startswith(b.speaker, b.start)
        if b.parent is not None:
            p = doc.blocks[b.parent]
            assert p.start <= b.start and b.end <= p.end
    paragraphs = [doc.text[b.start:b.end] for b in doc.blocks if b.kind == "paragraph"]
    assert paragraphs == doc.text.split("\n")


def test_a_list_of_short_lines_is_not_a_wrapped_column():
    doc = load_document(ROOT / "corpus" / "06_innovation_reform_measures_batch2_2018.txt")
    cells = [ln for ln in doc.text.split("\n") if len(ln) <= 16 and ("部" in ln or "委" in ln or "局" in ln)]
    assert len(cells) >= 12
    assert join_wrapped(cells) == cells


def test_page_numbers_of_printed_documents_are_dropped():
    lines = load_document(ROOT / "corpus" / "02_comprehensive_bonded_zones_opinions_2019.txt").text.split("\n")
    paged = lines[:10] + ["— 2 —"] + lines[10:20] + ["第 3 页 共 9 页"] + lines[20:30] + ["- 4 -"] + lines[30:]
    assert normalise_text("\n".join(paged), "paged").text.split("\n") == lines
