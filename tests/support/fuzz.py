"""Hypothesis settings and strategies shared by the fuzz tests (tests/extract/test_fuzz_*.py).

Example counts: each fuzz test asks for `examples(n)`; in CI (env CI set) or with KG_FUZZ_SCALE=1 it
gets n, locally a quarter (KG_FUZZ_SCALE scales it either way). CI runs are derandomised, so a
failure found there reproduces on every machine. The CI budgets sum to FUZZ_BUDGET_CI (≥ 10,000).
"""
from __future__ import annotations

import os

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tests.support import in_ci

# Per-target example budgets in CI; their sum is what the README reports as "inputs fuzzed".
BUDGET = {
    "decode_bytes": 2500,
    "decode_roundtrip": 1000,
    "reader_files": 600,
    "pdf_mutations": 300,
    "docx_mutations": 300,
    "normalise": 2000,
    "structure": 2000,
    "sentences": 1000,
    "extract": 1200,
    "tables": 600,
}
FUZZ_BUDGET_CI = sum(BUDGET.values())


def scale() -> float:
    env = os.environ.get("KG_FUZZ_SCALE", "").strip()
    if env:
        return max(0.001, float(env))
    return 1.0 if in_ci() else 0.25


def examples(target: str) -> int:
    return max(10, int(BUDGET[target] * scale()))


def fuzz_settings(target: str) -> settings:
    """Fast targets, many examples: no deadline (the machine is shared), derandomised in CI."""
    return settings(max_examples=examples(target), deadline=None, derandomize=in_ci(),
                    database=None if in_ci() else settings.default.database, print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much, HealthCheck.large_base_example])


# ---------------------------------------------------------------- strategies

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
ANY_CHAR = st.characters(codec=None, exclude_categories=("Cs",))   # every code point but surrogates
NUMERAL_CN = st.sampled_from(list("一二三四五六七八九十百零〇两") + ["二十二", "五十三", "九十九", "一百", "十"])
NUMERAL_AR = st.integers(min_value=0, max_value=1200).map(str)
FULLWIDTH_DIGITS = st.integers(0, 99).map(lambda n: "".join(chr(0xFF10 + int(c)) for c in str(n)))

NUMBERING = st.one_of(
    st.builds(lambda n: f"第{n}章", st.one_of(NUMERAL_CN, NUMERAL_AR)),
    st.builds(lambda n: f"第{n}节", st.one_of(NUMERAL_CN, NUMERAL_AR)),
    st.builds(lambda n: f"{n}、", NUMERAL_CN),
    st.builds(lambda n, l, r: f"{l}{n}{r}", NUMERAL_CN, st.sampled_from("（("), st.sampled_from("）)")),
    st.builds(lambda n, dot: f"{n}{dot}", st.one_of(NUMERAL_AR, FULLWIDTH_DIGITS), st.sampled_from([".", "．", "、"])),
    st.builds(lambda n: f"（{n}）", NUMERAL_AR),
    st.sampled_from([chr(c) for c in range(0x2460, 0x2474)]),
    st.builds(lambda n: f"{n}是", NUMERAL_CN),
)
ANNOTATION = st.one_of(
    st.builds(lambda a: f"（责任单位：{a}）", st.text(CJK, max_size=30)),
    st.builds(lambda a, b: f"（负责部门：{a}；适用范围：{b}）", st.text(CJK, max_size=20), st.text(CJK, max_size=20)),
    st.builds(lambda a, b: f"（{a}、{b}负责）", st.text(CJK, max_size=10), st.text(CJK, max_size=10)),
    st.builds(lambda a, b: f"（{a}牵头，{b}按职责分工负责）", st.text(CJK, max_size=10), st.text(CJK, max_size=10)),
    st.builds(lambda a, b: f"牵头单位：{a}，配合单位：{b}", st.text(CJK, max_size=10), st.text(CJK, max_size=10)),
    st.sampled_from(["（责任单位：两省一市发展改革、规划资源部门）", "排在第一位的部门为牵头部门，下同",
                     "（上海海关牵头，南京海关、杭州海关配合）", "示范区执委会作为牵头单位", "共同牵头", "配合",
                     "（责任单位：", "负责部门：）", "（（（（", "））））", "（上接 6 版）", "（下转第3版）",
                     "两省一市", "三地海关", "三级八方", "沪苏浙皖", "中国（上海）自由贸易试验区", "临港新片区",
                     "上海海关副关长叶建", "华源：", "人民日报：", "来源：新华社"]),
)
HTML_FRAGMENT = st.one_of(
    st.sampled_from(["<p>", "</p>", "<div class='x'>", "</div>", "<br>", "<br/>", "<script>var a='</p>';",
                     "</script>", "<style>.a{color:red}</style>", "<style>", "<!--", "-->", "<!-- c -->",
                     "&nbsp;", "&#123;", "&#x4e00;", "&amp;", "&lt;p&gt;", "&#99999999;", "&bogus;", "<p",
                     "<table><tr><td>", "</td></tr></table>", "<![CDATA[", "]]>", "<img src=x onerror=1>",
                     "<html><body>", "</body></html>", "<h1>", "</h1>", "<li>", "<a href='javascript:x'>",
                     ".TRS_Editor P{margin:0}", "{}", "}", "{"]),
    st.builds(lambda t, x: f"<{t}>{x}</{t}>", st.sampled_from(["p", "div", "span", "td", "li", "b"]),
              st.text(CJK, max_size=15)),
)
WHITESPACE = st.sampled_from(["\n", "\n\n", " ", "\u3000", "\t", "\r\n", "\r", "\u200b", "\ufeff", "\x0c",
                              "\u2028", "\u00a0", "\x00", "\x1b"])
PROSE = st.text(st.one_of(CJK, st.sampled_from("。，；：、！？…—“”《》（）()0123456789abcXYZ ")), max_size=60)

FRAGMENT = st.one_of(PROSE, NUMBERING, ANNOTATION, HTML_FRAGMENT, WHITESPACE, st.text(ANY_CHAR, max_size=20))
DOCUMENT_TEXT = st.lists(FRAGMENT, max_size=40).map("".join)
LONG_LINE = st.builds(lambda unit, n: unit * n, st.text(st.one_of(CJK, st.sampled_from("。，；、（）1.")),
                                                        min_size=1, max_size=12),
                      st.integers(min_value=500, max_value=6000))
FRONT_MATTER = st.builds(lambda title, date, body: f"---\ntitle: {title}\ndate: {date}\n---\n{body}",
                         st.text(ANY_CHAR, max_size=20),
                         st.one_of(st.dates().map(str), st.text(ANY_CHAR, max_size=12)), DOCUMENT_TEXT)
ANY_DOCUMENT = st.one_of(DOCUMENT_TEXT, DOCUMENT_TEXT, DOCUMENT_TEXT, LONG_LINE, FRONT_MATTER,
                         st.text(ANY_CHAR, max_size=200))
