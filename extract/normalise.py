"""Normalise a decoded document: one clean text (paragraph = line) that all offsets point into.

Steps, each linear in the input size: front matter and corpus header lines → metadata; HTML → text
with paragraph breaks (selectolax; CSS/script/comments dropped, entities unescaped); character
clean-up (full-width digits/letters → ASCII, odd spaces, zero-width and control characters);
hard-wrapped newspaper columns re-joined (headings and list items are never merged); page markers
such as `（上接 6 版）` and web boilerplate removed. Then metadata (title, dates, issuers, 文号) is read
from the text. The result is a `NormalisedText`; `extract.structure` adds blocks, sentences and kind.
"""
from __future__ import annotations

import datetime as _dt
import email.utils
import html
import re
from statistics import quantiles

from common.errors import InputError

from extract.document import NormalisedText, RawDocument
from extract.table_model import Table, html_table_grid, markdown_tables, render_table

# ---------------------------------------------------------------- front matter / corpus header

_CORPUS_HEADER = re.compile(r"(?:SOURCE|TITLE|NOTE|URL|DATE|AUTHOR):[^\n]*\n?")


def split_front_matter(text: str) -> tuple[dict, str]:
    """YAML front matter (python-frontmatter) → (metadata, body); invalid YAML leaves the text as is."""
    stripped = text.lstrip()
    if not stripped.startswith("---"):
        return {}, text
    import frontmatter
    try:
        post = frontmatter.loads(stripped)
    except Exception:  # noqa: BLE001 - YAML errors come in many types; the text is then just text
        return {}, text
    if not post.metadata:
        return {}, text
    return dict(post.metadata), post.content


def split_corpus_header(text: str) -> tuple[dict, str]:
    """Leading `SOURCE:`/`TITLE:`/`NOTE:` lines of corpus files → metadata (lower-case keys)."""
    meta: dict = {}
    pos = 0
    while True:
        m = _CORPUS_HEADER.match(text, pos)
        if not m:
            break
        key, _, value = m.group(0).partition(":")
        meta[key.lower()] = value.strip()
        pos = m.end()
    return meta, text[pos:]


# ---------------------------------------------------------------- HTML

_HTML_HINT = re.compile(r"</?(?:p|div|br|span|font|strong|table|tr|td|li|ul|ol|h[1-6]|section|article|"
                        r"style|script|img|a|b|em|center|body|html)\b[^<>\n]{0,1000}>", re.I)
_SKIP_TAGS = ["style", "script", "noscript", "template", "head", "iframe", "svg", "object", "select",
              "button", "canvas", "title"]
_BLOCK_TAGS = frozenset("p div br li ul ol h1 h2 h3 h4 h5 h6 tr table section article header footer "
                        "blockquote pre dd dt dl hr center form address figure figcaption main nav td th "
                        "caption tbody thead tfoot".split())
_EXIT = object()
_NL_RUN = re.compile(r"[ \t\r\f\v]*\n\s*")
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")


def looks_like_html(text: str) -> bool:
    return _HTML_HINT.search(text, 0, 200_000) is not None


def html_to_text(markup: str, keep_newlines: bool = False) -> str:
    """HTML → text: block elements start new lines, CSS/script/comments dropped, entities decoded.

    keep_newlines: keep line breaks inside text nodes (text files with some embedded HTML);
    otherwise they are whitespace as in a browser (dropped between Chinese characters).
    """
    from selectolax.lexbor import LexborHTMLParser
    tree = LexborHTMLParser(markup)
    tree.strip_tags(_SKIP_TAGS)
    tables = _render_tables(tree)
    root = tree.body or tree.root
    if root is None:
        return ""
    out: list[str] = []
    stack: list = [root]
    while stack:
        node = stack.pop()
        if node is _EXIT:
            if out and not out[-1].endswith("\n"):
                out.append("\n")
            continue
        tag = node.tag
        if tag == "-text":
            text = node.text_content or ""
            if not text.strip() and (not out or out[-1].endswith("\n")):
                continue  # indentation between block elements
            out.append(text if keep_newlines else _soft_newlines(text))
            continue
        if tag == "table" and node.mem_id in tables:
            out.append("\n" + "\n".join(tables[node.mem_id]) + "\n")
            continue
        if tag == "-comment" or tag in _SKIP_TAGS:
            continue
        if tag in _BLOCK_TAGS:
            if out and not out[-1].endswith("\n"):
                out.append("\n")
            stack.append(_EXIT)
        stack.extend(reversed(list(node.iter(include_text=True))))
    return "".join(out)


def _render_tables(tree) -> dict[int, list[str]]:
    """The rendered lines (extract.table_model) of every innermost <table>; the walker
    of `html_to_text` writes them in place of the table (keyed by the node's memory id)."""
    out: dict[int, list[str]] = {}
    for table in tree.css("table"):
        if len(table.css("table")) > 1:   # (css() includes the node itself)
            continue                      # a layout table around a data table: its inner one counts
        out[table.mem_id] = render_table(Table(html_table_grid(table)))
    return out


_TITLE_TAG = re.compile(r"<title[^>]{0,200}>([^<]{1,300})</title>", re.I)
_SITE_SUFFIX = re.compile(r"\s*(?:[_|｜]|\s-\s|——).{1,30}$")


def html_title(markup: str) -> str:
    """The page's <title>, without a trailing site name ('…措施_新浪财经', '… | 中国政府网')."""
    m = _TITLE_TAG.search(markup, 0, 100_000)
    if not m:
        return ""
    title = " ".join(html.unescape(m.group(1)).split())
    short = _SITE_SUFFIX.sub("", title)
    return short if len(short) >= 6 else title


def _soft_newlines(text: str) -> str:
    """Browser-like: a line break in HTML source is a space, or nothing between Chinese characters."""
    if "\n" not in text:
        return text

    def repl(m: re.Match) -> str:
        s, e = m.start(), m.end()
        before = text[s - 1] if s > 0 else ""
        after = text[e] if e < len(text) else ""
        if (before and _CJK.match(before)) or (after and _CJK.match(after)):
            return ""
        return " "
    return _NL_RUN.sub(repl, text)


# ---------------------------------------------------------------- characters and lines

_FULLWIDTH_ALNUM = {c: c - 0xFEE0 for c in list(range(0xFF10, 0xFF1A)) + list(range(0xFF21, 0xFF3B))
                    + list(range(0xFF41, 0xFF5B))}
_SPACES = {c: " " for c in (0x00A0, 0x2002, 0x2003, 0x2009, 0x200A, 0x202F, 0x205F, 0x3000, 0x0009,
                            0x000B, 0x000C)}
_DROP = {c: None for c in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD)}
_DROP.update({c: None for c in range(0x00, 0x20) if c not in (0x0A, 0x09, 0x0B, 0x0C)})
_DROP.update({0x7F: None})
_CHAR_TABLE = {**_FULLWIDTH_ALNUM, **_SPACES, **_DROP}
_CHAR_MAP = {chr(k): (v if isinstance(v, str) else chr(v) if v is not None else "") for k, v in _CHAR_TABLE.items()}
_CHAR_RE = re.compile("[" + "".join(re.escape(c) for c in sorted(_CHAR_MAP)) + "]+")


def _translate(text: str) -> str:
    """str.translate over the few characters that need it (much faster than a dict translate)."""
    return _CHAR_RE.sub(lambda m: "".join(_CHAR_MAP[c] for c in m.group()), text)
_MULTI_SPACE = re.compile(r" {2,}")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});")
_PAGE_MARKER = re.compile(r"[（(]\s*(?:[上下]接|[上下]?转)\s*第?\s*[\d一二三四五六七八九十]{1,3}\s*版\s*[）)]")
_CSS_LINE = re.compile(r"[\w.#\-\s,:>*\[\]=\"'()]{1,200}\{[^{}\n]{0,2000}\}\s*")
_COMMENT_LINE = re.compile(r"<!--.{0,2000}?-->")
_BOILERPLATE = frozenset(["分享按钮", "分享到", "分享", "打印本页", "关闭窗口", "【打印】", "【关闭】", "【关闭窗口】",
                          "返回顶部", "扫一扫在手机打开当前页", "【字体：大中小】", "字体：大中小", "打印", "关闭"])
_AD_LINE = re.compile(r".{0,30}(?:尽在.{1,12}(?:APP|App|客户端)|下载.{1,12}客户端|扫码关注|关注.{1,12}公众号).{0,10}")
_PAGE_NUMBER = re.compile(r"[-—–－]\s*\d{1,4}\s*[-—–－]|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|"
                          r"\d{1,4}\s*/\s*\d{1,4}")
_MARKDOWN_PREFIX = re.compile(r"#{1,6}\s+|>\s?")
_MARKDOWN_EMPH = re.compile(r"\*\*|__")


def clean_lines(text: str, fmt: str = "txt") -> list[str]:
    """Normalise characters, strip and de-space every line (empty lines kept for the wrap joiner)."""
    text = _translate(text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = []
    for line in text.split("\n"):
        line = line.strip()
        if line and fmt == "md":
            line = _MARKDOWN_EMPH.sub("", _MARKDOWN_PREFIX.sub("", line, count=1) if line[0] in "#>" else line)
        if "  " in line:
            line = _MULTI_SPACE.sub(" ", line)
        lines.append(line)
    return lines


def _is_junk(line: str) -> bool:
    if line in _BOILERPLATE:
        return True
    if "{" in line and _CSS_LINE.fullmatch(line):
        return True
    if line.startswith("<!--") and _COMMENT_LINE.fullmatch(line):
        return True
    if len(line) <= 50 and _AD_LINE.fullmatch(line):
        return True
    if len(line) <= 20 and _PAGE_NUMBER.fullmatch(line):
        return True
    return False


# ---------------------------------------------------------------- hard-wrapped text

_ITEM_START = re.compile(r"第[一二三四五六七八九十百零〇两\d]{1,5}[章节条]|[一二三四五六七八九十百]{1,4}、|"
                         r"[（(][一二三四五六七八九十百\d]{1,4}[）)]|\d{1,3}(?:\.(?!\d)|．|、)|[①-⑳]")
_HEADING_START = re.compile(r"第[一二三四五六七八九十百零〇两\d]{1,5}[章节]")
_TERMINAL = frozenset("。！？!?")
_NO_HEADING_CONT = re.compile(r"[，。；：、,.;:（）()！？]")


def _ascii_letter(c: str) -> bool:
    return c.isascii() and c.isalpha()


def _width(line: str) -> int:
    """Display width, about: Chinese characters (3 UTF-8 bytes) count 2, ASCII 1."""
    n = len(line)
    return n + (len(line.encode("utf-8", "surrogatepass")) - n) // 2


def _wrap_width(lines: list[str]) -> float | None:
    """If the text is a hard-wrapped column (most lines near one width), that width; else None."""
    sample = [ln for ln in lines if ln][:3000]
    if len(sample) < 12:
        return None
    widths = [_width(ln) for ln in sample]
    w90 = quantiles(widths, n=10)[-1]
    if w90 > 160 or w90 < 30:   # 15–80 Chinese characters a line: a column or a page, not a list
        return None
    full = [ln for ln, w in zip(sample, widths) if w >= 0.75 * w90]
    if len(full) < 0.5 * len(sample):
        return None
    open_ended = sum(1 for ln in full if ln[-1] not in _TERMINAL)
    return w90 if open_ended >= 0.5 * len(full) else None


def join_wrapped(lines: list[str]) -> list[str]:
    """Re-join hard-wrapped lines (newspaper columns, PDF text) into paragraphs.

    A line continues into the next non-empty line when it is (nearly) full width and does not end a
    sentence, and the next line does not start a heading or list item. A wrapped 第X章/节 heading
    continues into a short unpunctuated line. Other texts are returned unchanged.
    """
    w = _wrap_width(lines)
    if w is None:
        return lines
    out: list[str] = []
    n = len(lines)
    i = 0
    while i < n:
        cur = lines[i]
        last = cur  # the last physical line of the paragraph being built
        parts = [cur]
        i += 1
        if not cur:
            out.append(cur)
            continue
        while True:
            j = i
            while j < n and not lines[j] and j - i < 2:
                j += 1
            if j >= n or not lines[j] or _ITEM_START.match(lines[j]):
                break
            nxt = lines[j]
            if len(parts) == 1 and _HEADING_START.match(cur):
                if (not _NO_HEADING_CONT.search(cur) and not _NO_HEADING_CONT.search(nxt)
                        and _width(nxt) < 0.6 * w and _width(cur) + _width(nxt) < 2 * w):
                    parts.append(nxt)
                    i = j + 1
                break
            if _width(last) < 0.75 * w or last[-1] in _TERMINAL:
                break
            if _ascii_letter(last[-1]) and _ascii_letter(nxt[0]):
                parts.append(" ")  # English words; 2|020 stays 2020
            parts.append(nxt)
            last = nxt
            i = j + 1
        out.append("".join(parts))
    return out


# ---------------------------------------------------------------- metadata

_DATE_CN = r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
_DATE_ANY = re.compile(_DATE_CN + r"|(\d{4})[-./](\d{1,2})[-./](\d{1,2})(?!\d)")
_DATE_LINE = re.compile(r"(?:" + _DATE_CN + r"|(\d{4})[-./](\d{1,2})[-./](\d{1,2}))\s*(?:星期.|周.)?\s*"
                        r"(?:[（(](?:此件公开发布|本文有删减)[）)])?")
_SIGNATURE = re.compile(r"(?:^|[。\n])([^\s。，；：:\n（）()]{2,20}?)" + _DATE_CN
                        + r"\s*[（(](?:此件公开发布|本文有删减)[）)]")
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}[〔\[［(（]\d{4}[〕\]］)）]\s*\d{1,4}\s*号")
_TITLE_END_WORD = re.compile(r"(?:通知|意见|办法|措施|方案|规定|决定|规划|纲要|实录|条例|细则|公告|通告|批复|报告|函|"
                             r"答记者问|[〕）)]\d*号?[）)]?)$")
_TITLE_CUT = re.compile(r".*(?:通知|意见|办法|措施|方案|规定|决定|规划|纲要|条例|细则|公告|通告|批复|[）)])")
_NOT_TITLE_CONT = re.compile(r"[。，；：:,;！？!?]")
_EFFECTIVE = re.compile(r"自\s*" + _DATE_CN + r"\s*起\s*(?:正式)?(?:施行|实施|执行|生效)")
_EFFECTIVE_ON_ISSUE = re.compile(r"自(?:印发|发布|公布)之日起(?:施行|实施|执行|生效)")
_TITLE_DATE_PREFIX = re.compile(_DATE_CN + r"\s*(?=关于)")
_ISSUER_LINE = re.compile(r"[\u4e00-\u9fff（）]{0,24}(?:人民政府|办公厅|办公室|委员会|国务院)")
_SOURCE_LINE = re.compile(r"(?:来源|来自|出处)\s*[:：]\s*(\S[^\n]{0,60})")


def iso_date(y: str, m: str, d: str) -> str | None:
    try:
        return _dt.date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return None


def _date_of(m: re.Match) -> str | None:
    g = [x for x in m.groups() if x is not None]
    return iso_date(*g[:3]) if len(g) >= 3 else None


def meta_date(value) -> str | None:
    """A front-matter date (YAML date, ISO string, RFC 2822 'Thu, 15 Sep 2022 …') → ISO yyyy-mm-dd."""
    if value is None:
        return None
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.strftime("%Y-%m-%d")
    s = str(value).strip()
    m = _DATE_ANY.search(s)
    if m:
        return _date_of(m)
    try:
        return email.utils.parsedate_to_datetime(s).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def _doc_number(s: str) -> str:
    """'…的实施意见国办发〔2020〕24号' → '国办发〔2020〕24号'."""
    cut = _TITLE_CUT.match(s)
    return s[cut.end():] if cut else s


def text_metadata(lines: list[str], text: str) -> dict:
    """Title, date, effective date, issuers and source read from the normalised text."""
    meta: dict = {"title": "", "date": None, "effective_date": None, "issuers": [], "source": ""}
    head = lines[:8]
    title_open = False   # the previous header line was the title and may wrap onto this one
    for line in head:
        if _DOC_NUMBER.fullmatch(line):
            meta.setdefault("doc_number", _doc_number(line))
            title_open = False
            continue
        if title_open and len(line) <= 40 and not _NOT_TITLE_CONT.search(line) \
                and not _DATE_ANY.search(line) and not _ISSUER_LINE.fullmatch(line):
            meta["title"] += line
            title_open = not _TITLE_END_WORD.search(meta["title"])
            continue
        title_open = False
        if _DATE_LINE.fullmatch(line):
            meta["date"] = meta["date"] or _date_of(_DATE_ANY.search(line))
            continue
        if len(line.replace(" ", "")) <= 4:
            continue  # page labels such as 要 闻
        if _ISSUER_LINE.fullmatch(line) and len(line) <= 24:
            meta["issuers"].append(line)
            continue
        if len(line) <= 80 and "。" not in line and "，" not in line and not meta["title"]:
            m = _TITLE_DATE_PREFIX.match(line)
            if m:
                meta["date"] = meta["date"] or iso_date(*m.groups())
                meta["title"] = line[m.end():].strip()
            else:
                meta["title"] = line
            title_open = not _TITLE_END_WORD.search(meta["title"])
            continue
        break
    m = _DOC_NUMBER.search(meta["title"])
    if m:
        number = _doc_number(m.group(0))
        meta.setdefault("doc_number", number)
        if meta["title"].endswith(number) and len(meta["title"]) > len(number):
            meta["title"] = meta["title"][:-len(number)]   # a run-in 文号 is not part of the title
    for k, line in enumerate(lines[len(head):], start=len(head)):
        if len(line) <= 30 and _DATE_LINE.fullmatch(line):
            # a signature: issuer line, then the date line
            if meta["date"] is None:
                meta["date"] = _date_of(_DATE_ANY.search(line))
            issuer = lines[k - 1]
            if _ISSUER_LINE.fullmatch(issuer) and issuer not in meta["issuers"]:
                meta["issuers"].append(issuer)
            break
    sig = None
    for sig in _SIGNATURE.finditer(text):
        break
    if sig is not None:
        meta["date"] = meta["date"] or iso_date(sig.group(2), sig.group(3), sig.group(4))
        if sig.group(1) not in meta["issuers"]:
            meta["issuers"].append(sig.group(1))
    eff = _EFFECTIVE.search(text)
    if eff:
        meta["effective_date"] = iso_date(*eff.groups())
    elif _EFFECTIVE_ON_ISSUE.search(text):
        meta["effective_date"] = meta["date"]
    tail = text[-2000:]
    src = None
    for src in _SOURCE_LINE.finditer(tail):
        pass
    if src:
        meta["source"] = src.group(1).strip()
    return meta


# ---------------------------------------------------------------- main entry

def normalise(raw: RawDocument) -> NormalisedText:
    """Normalise a RawDocument: clean text and metadata (structure comes next, in extract.structure)."""
    text = raw.text.lstrip("\ufeff")
    fm: dict = {}
    header: dict = {}
    if raw.fmt in ("txt", "md", "html"):
        fm, text = split_front_matter(text)
        header, text = split_corpus_header(text.lstrip("\n"))
    page_title = ""
    if raw.fmt in ("md", "txt"):
        text = markdown_tables(text)        # before any HTML: <br> inside a pipe cell stays in the cell
    if raw.fmt == "html":
        page_title = html_title(text)
        text = html_to_text(text, keep_newlines=False)
    elif raw.fmt in ("txt", "md") and looks_like_html(text):
        text = html_to_text(text, keep_newlines=True)
    elif "&" in text and _ENTITY.search(text):
        text = html.unescape(text)
    lines = join_wrapped(clean_lines(text, raw.fmt))
    continued_line = None
    kept: list[str] = []
    for line in lines:
        if "版" in line and _PAGE_MARKER.search(line):
            if len(kept) < 5 and re.match(r"[（(]\s*上接", line):
                continued_line = len(kept)
            line = _MULTI_SPACE.sub(" ", _PAGE_MARKER.sub("", line)).strip()
        if line and not _is_junk(line):
            kept.append(line)
    text = "\n".join(kept)
    if not text:
        name = raw.path.replace("\\", "/").rsplit("/", 1)[-1] if raw.path else (raw.doc_id or "input")
        raise InputError(f"{name}: no text left after removing markup and layout residue")
    fragment_start = None
    if continued_line is not None:
        fragment_start = sum(len(ln) + 1 for ln in kept[:continued_line])

    meta = text_metadata(kept, text)
    if fm.get("title"):
        meta["title"] = str(fm["title"]).strip()
    elif header.get("title"):
        meta["title"] = header["title"]
    elif page_title:
        meta["title"] = page_title
    date = meta_date(fm.get("date")) or meta_date(header.get("date"))
    if date:
        meta["date"] = date
    meta["author"] = str(fm.get("author") or header.get("author") or "")
    if header.get("source"):
        meta["source"] = header["source"]
    elif fm.get("author") and not meta["source"]:
        meta["source"] = str(fm["author"])
    if header.get("note"):
        meta["note"] = header["note"]
    if fm.get("categories"):
        meta["categories"] = [str(c) for c in fm["categories"]] if isinstance(fm["categories"], list) \
            else [str(fm["categories"])]
    meta["format"] = raw.fmt

    return NormalisedText(doc_id=raw.doc_id, text=text, meta=meta, front_matter=fm, fragment_start=fragment_start)
