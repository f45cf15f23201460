"""Title, dates, source and kind, from front matter, corpus headers or the text itself."""
from __future__ import annotations

from pathlib import Path

import pytest

from extract.loader import load_document, normalise_text

ROOT = Path(__file__).resolve().parents[2]
SEED = {p.name[:3]: p for p in (ROOT / "seeds").glob("*.txt")}
CORPUS = {p.name[:2]: p for p in (ROOT / "corpus").glob("0*.txt")}


def test_front_matter_of_news_articles():
    doc = load_document(SEED["000"])
    assert doc.meta["title"] == "加强跨省域政策协同 长三角示范区第二批17条支持措施发布"
    assert doc.meta["date"] == "2022-09-15"          # from 'Thu, 15 Sep 2022 15:16:00 GMT'
    assert doc.meta["author"] == "证券时报网"
    assert doc.meta["kind"] == "news"
    assert "title:" not in doc.text and "---" not in doc.text
    doc3 = load_document(SEED["003"])
    assert doc3.meta["date"] == "2021-05-10" and doc3.meta["author"] == "新浪财经"
    assert doc3.meta["kind"] == "news"


def test_title_and_dates_from_the_text_of_seed_002():
    doc = load_document(SEED["002"])
    assert doc.meta["title"] == "关于支持长三角生态绿色一体化发展示范区高质量发展的若干政策措施"
    assert doc.meta["date"] == "2020-06-10"
    assert doc.meta["effective_date"] == "2020-07-01"   # 本政策措施自2020年7月1日起施行
    assert doc.meta["issuers"] == ["上海市人民政府", "浙江省人民政府"]
    assert doc.meta["kind"] == "policy"


def test_transcript_header_and_source():
    doc = load_document(SEED["001"])
    assert doc.meta["title"] == "2022年9月15日市政府新闻发布会问答实录"
    assert doc.meta["date"] == "2022-09-15"
    assert doc.meta["source"] == "上海市人民政府新闻办公室"
    assert doc.meta["kind"] == "transcript"


def test_newspaper_page_date_with_spaces():
    doc = load_document(SEED["004"])
    assert doc.meta["date"] == "2019-12-02"            # 2019 年 12 月 2 日 星期一
    assert doc.meta["kind"] == "plan"
    assert doc.meta["title"] == ""                     # the page names no title; not invented


@pytest.mark.parametrize("key,date,issuer", [("01", "2018-11-07", "国务院"), ("02", "2019-01-12", "国务院"),
                                             ("03", "2020-07-15", "国务院办公厅"), ("04", "2020-11-01", "国务院办公厅"),
                                             ("06", "2018-12-23", "国务院办公厅")])
def test_corpus_signature_dates(key, date, issuer):
    doc = load_document(CORPUS[key])
    assert doc.meta["date"] == date
    assert issuer in doc.meta["issuers"]
    assert doc.meta["kind"] == "policy"
    title_line = CORPUS[key].read_text(encoding="utf-8").split("\n")[1]
    assert doc.meta["title"] == title_line.removeprefix("TITLE:").strip()


def test_undated_corpus_document_has_no_date():
    doc = load_document(CORPUS["05"])
    assert doc.meta["date"] is None and doc.meta["effective_date"] is None


def test_markdown_front_matter_with_yaml_date(tmp_path):
    body = load_document(SEED["002"]).text
    target = tmp_path / "policy.md"
    target.write_text("---\ntitle: 第一批支持政策\ndate: 2020-06-10\nauthor: 两省一市人民政府\n---\n# 标题\n\n"
                      + body, encoding="utf-8")
    doc = load_document(target)
    assert doc.meta["title"] == "第一批支持政策" and doc.meta["date"] == "2020-06-10"
    assert doc.meta["author"] == "两省一市人民政府"
    assert doc.text.startswith("标题\n上海市人民政府")
    assert len(doc.clauses()) == 22


@pytest.mark.parametrize("line,date", [("2022-09-15", "2022-09-15"), ("2019 年 12 月 2 日 星期一", "2019-12-02"),
                                       ("2020年6月10日关于促进发展的若干措施", "2020-06-10")])
def test_dates_in_the_header(line, date):
    doc = normalise_text(line + "\n正文第一句。", "x")
    assert doc.meta["date"] == date


def test_effective_on_issue():
    doc = normalise_text("2021年3月1日关于某事的通知\n本通知自印发之日起施行。", "x")
    assert doc.meta["effective_date"] == "2021-03-01"


def test_invalid_front_matter_stays_text():
    doc = normalise_text("---\ntitle: [unclosed\n---\n正文。", "x")
    assert "正文。" in doc.text


@pytest.mark.parametrize("key", ["01", "02", "03", "04", "06"])
def test_title_and_doc_number_from_the_text_when_no_header(key):
    """Without the corpus header the title is read from the (wrapped or run-in) first lines."""
    raw = CORPUS[key].read_text(encoding="utf-8")
    header_title = raw.split("\n")[1].removeprefix("TITLE:").strip()
    body = raw.split("\n", 3)[3]
    doc = normalise_text(body, "x")
    title, _, number = header_title.rpartition("（")
    assert doc.meta["title"] == title
    assert doc.meta["doc_number"] == number.rstrip("）")


def test_html_page_title_without_site_name(tmp_path):
    body = load_document(SEED["003"]).text
    page = ("<html><head><title>长三角自由贸易试验区联盟成立，沪苏浙皖要联手做这些事_新浪财经_新浪网</title></head><body>"
            + "".join(f"<p>{line}</p>" for line in body.split("\n")) + "</body></html>")
    target = tmp_path / "sina.html"
    target.write_text(page, encoding="utf-8")
    doc = load_document(target)
    assert doc.meta["title"] == "长三角自由贸易试验区联盟成立，沪苏浙皖要联手做这些事"
    assert [c.number for c in doc.clauses()] == list(range(1, 11))
