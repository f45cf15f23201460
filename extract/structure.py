"""Document structure: numbered headings and clauses, Q&A turns, paragraphs and sentences.

Numbering recognised (rank = `Block.level`): 第X章 (1), 第X节 (2), 第X条 and 一、 (3), （一）/(一) (4), 1．/1./1、
and bare table-row numbers (5), （1） (6), ① (7), 一是…二是… (8, inline enumerations).

One linear scan finds every candidate marker; a stack walk accepts a candidate only if it continues
a sequence (previous sibling + 1), starts one (number 1), or opens a document fragment at a line
start. A marker inside running text (seed 002 runs all 22 articles on a few lines) must follow a
sentence/bracket boundary and continue the sequence, so a stray `二、` does not split an article.

A clause is the innermost numbered item carrying a measure: the leaf items of the numbering rank
with the most leaves (and deeper leaves), plus shallower leaf items that carry a responsibility
note; items with numbered children are headings. `一是` enumerations are
clauses only where the document has no other numbering (news articles). Where numbering restarts
in each section, `section` is the number of the enclosing item (章 for 节; task （X） for 1．).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from extract.document import Block, NormalisedDocument, NormalisedText
from extract.lexicon import cues
from extract.numerals import to_int

_CN = "一二三四五六七八九十百零〇两"
_CN_DIGITS = frozenset("一二三四五六七八九十")
_CANDIDATE = re.compile(
    r"(?=[第一二三四五六七八九十百（(0-9①-⑳])(?:"   # cheap first-character filter: 7x faster scan
    rf"(?P<chap>第(?P<chap_n>[{_CN}]{{1,5}}|\d{{1,3}})章)"
    rf"|(?P<sect>第(?P<sect_n>[{_CN}]{{1,5}}|\d{{1,3}})节)"
    rf"|(?P<tiao>第(?P<tiao_n>[{_CN}]{{1,5}}|\d{{1,3}})条)"
    r"|(?P<cn>(?P<cn_n>[一二三四五六七八九十百]{1,4})、)"
    r"|(?P<pcn>[（(](?P<pcn_n>[一二三四五六七八九十百]{1,4})[）)])"
    r"|(?P<arab>(?P<arab_n>\d{1,3})(?:\.(?![.．\d])|\.(?=(?:19|20)\d\d年)|．|、))"   # 11.2035年…: a title
    r"|(?P<parab>[（(](?P<parab_n>\d{1,3})[）)])"
    r"|(?P<circ>[①-⑳])"
    r"|(?P<shi>(?P<shi_n>[一二三四五六七八九十]{1,3})是)"
    r"|(?P<row>(?<=\n)\d{1,4}(?=\n)))"
)
RANK = {"chap": 1, "sect": 2, "tiao": 3, "cn": 3, "pcn": 4, "arab": 5, "row": 5, "parab": 6, "circ": 7, "shi": 8}
_LINE_ONLY = {"chap", "sect", "row"}                 # never inside running text
_BOUNDARY = frozenset("。；;：:）)」”！？!?】")
_SHI_BOUNDARY = _BOUNDARY | frozenset("，,、")

# Q&A turns: `姓名:` / `人民日报：` at a line start.
_TURN = re.compile(r"^([\u4e00-\u9fff·]{2,12}(?:[（(][\u4e00-\u9fff·]{1,8}[）)])?)[:：][ \t]*(?=\S)", re.M)
_NOT_SPEAKER = frozenset(cues("not_speakers")["words"]) | frozenset(cues("prefix_cues")["cues"])
_MEDIA_WORD = re.compile(r"报|社|台|网|记者|新闻|电视|频道|财经|杂志|传媒|媒体|通讯")


def is_media(speaker: str) -> bool:
    """A newspaper/broadcaster asking (人民日报, 中央广播电视总台(央视)) rather than a person answering."""
    m = _MEDIA_WORD.search(speaker)
    return m is not None and (len(speaker) >= 4 or m.end() == len(speaker))

# A responsibility note at the end of an item; one level of nested brackets allowed (中国（上海）…).
_NOTE_WORDS = "|".join(map(re.escape, cues("note_markers")["words"]))
_NOTE = re.compile(r"[（(](?:[^（）()\n]|[（(][^（）()\n]{0,40}[）)]){0,300}?"
                   r"(?:" + _NOTE_WORDS + r")(?:[^（）()\n]|[（(][^（）()\n]{0,40}[）)]){0,300}?[）)]")
_CLOSING = re.compile(r"(?:本(?:意见|办法|政策措施|措施|通知|规定|方案|细则|规划|决定)|各地区、各部门要|"
                      r"各有关(?:部门|单位)要|特此通知|附件[:：]|国务院(?:办公厅)?\s*$|\d{4}年\d{1,2}月\d{1,2}日\s*$|"
                      r"[（(](?:此件公开发布|本文有删减)[）)])")
_TITLE_END = re.compile(r"[。！？；!?;：:\n]")
_SENTENCE = re.compile(r"[^。！？；!?;\n]+(?:[。！？；!?;]+[”’」』）)】]*)?|[。！？；!?;]+[”’」』）)】]*")


@dataclass
class _Item:
    kind: str            # candidate type: chap, sect, cn, …, or "turn"/"reset"/"root"
    rank: int
    number: int | None
    start: int
    marker_end: int
    marker: str
    line_start: bool
    parent: "_Item | None" = None
    last: dict = field(default_factory=dict)     # type → (number, start, item) of the last accepted child
    children: list = field(default_factory=list)
    end: int = -1
    speaker: str = ""
    has_next_sibling: bool = False


def _line_start(text: str, pos: int) -> bool:
    return pos == 0 or text[pos - 1] == "\n"


def _prev_char(text: str, pos: int) -> str:
    i = pos - 1
    while i >= 0 and text[i] == " ":
        i -= 1
    return text[i] if i >= 0 else "\n"


def _candidates(text: str):
    for m in _CANDIDATE.finditer(text):
        kind = m.lastgroup   # the outer named group closes last: chap, sect, …
        num_text = m.group(kind + "_n") if kind not in ("circ", "row") else m.group(kind)
        number = to_int(num_text)
        if number is None:
            continue
        start = m.start()
        ls = _line_start(text, start)
        if kind in _LINE_ONLY and not ls:
            continue
        if kind == "cn" and text[m.end():m.end() + 1] in _CN_DIGITS:
            continue   # 二、三产业 / 一、二级: a run of numbers, not an item
        yield _Item(kind, RANK[kind], number, start, m.end(), m.group(0), ls)


_ATTACHMENT = re.compile(r"^(?:附件|附表|附：)", re.M)


def find_resets(text: str) -> list[_Item]:
    """`附件…` lines: an attachment's numbering does not nest under the last article."""
    return [_Item("reset", 0, None, m.start(), m.start(), "", True) for m in _ATTACHMENT.finditer(text)]


def find_turns(text: str) -> list[_Item]:
    """Speaker turns of a Q&A transcript (empty unless the text looks like one)."""
    found = [(m.start(), m.end(), m.group(1)) for m in _TURN.finditer(text) if m.group(1) not in _NOT_SPEAKER]
    speakers = {s for _, _, s in found}
    if len(found) < 3 or len(speakers) < 2 or not any(is_media(s) for s in speakers):
        return []
    return [_Item("turn", 0, k, s, e, text[s:e].strip(), True, speaker=sp)
            for k, (s, e, sp) in enumerate(found, start=1)]


def _accept(text: str, c: _Item, parent: _Item, last_any: dict) -> bool:
    """Does candidate `c` continue or start a numbering sequence under `parent`?

    last_any: type → number of the last accepted item of that type anywhere (numbering that runs on
    across sections, e.g. （十六） under 一、 then （十七） under 二、).
    """
    prev = parent.last.get(c.kind)
    if prev is not None:
        expected = c.number == prev[0] + 1
    else:
        expected = c.number == 1 or (c.kind in last_any and c.number == last_any[c.kind] + 1)
    bracketed = c.kind in ("pcn", "parab", "circ")
    boundary = c.line_start or _prev_char(text, c.start) in (_SHI_BOUNDARY if c.kind == "shi" else _BOUNDARY)
    if not boundary and not (bracketed and expected):
        return False   # a （三） right after a run-in heading has no punctuation before it
    if expected:
        return True
    if c.kind == "row" and last_any.get("row", 0) < c.number < 1000:
        return True   # a table's number column may skip rows the source left out
    if prev is not None:
        if c.number == 1:
            if c.line_start:
                return True
            # a new 一是… list in another paragraph
            return c.kind == "shi" and "\n" in text[prev[1]:c.start]
        return False
    # a document fragment that starts in the middle of a sequence (e.g. a newspaper page from 第二节 on)
    return c.line_start and c.kind not in last_any


def _walk(text: str, cands: list[_Item], turns: list[_Item]) -> list[_Item]:
    """Accept candidates with a numbering stack; turns reset the stack. Returns accepted items."""
    root = _Item("root", 0, None, 0, 0, "", True)
    events = sorted(turns + cands, key=lambda it: (it.start, it.rank))
    stack = [root]
    last_any: dict = {}
    accepted: list[_Item] = []
    for c in events:
        if c.kind == "turn":
            stack = [c]
            accepted.append(c)
            continue
        if c.kind == "reset":
            stack = [root]
            accepted.append(c)
            continue
        k = len(stack) - 1
        while stack[k].rank >= c.rank:
            k -= 1
        parent = stack[k]
        if not _accept(text, c, parent, last_any):
            continue
        del stack[k + 1:]
        c.parent = parent if parent.kind != "root" else None
        if c.kind in parent.last:
            parent.last[c.kind][2].has_next_sibling = True
        parent.last[c.kind] = (c.number, c.start, c)
        parent.children.append(c)
        last_any[c.kind] = c.number
        stack.append(c)
        accepted.append(c)
    _drop_lonely_inline(accepted, root)
    return accepted


def _drop_lonely_inline(accepted: list[_Item], root: _Item) -> None:
    """A list started inside running text needs a second item; a lone inline `1．` is not a list."""
    lonely = set()
    parents = [root] + [a for a in accepted]
    for p in parents:
        by_kind: dict = {}
        for ch in p.children:
            by_kind.setdefault(ch.kind, []).append(ch)
        for kind, chs in by_kind.items():
            # split into runs that restart at 1
            run: list[_Item] = []
            for ch in chs + [None]:
                if ch is None or (ch.number == 1 and run):
                    if len(run) == 1 and run[0].number == 1 and not run[0].line_start and run[0].kind != "shi":
                        lonely.add(id(run[0]))
                    run = []
                if ch is not None:
                    run.append(ch)
    if not lonely:
        return
    for a in accepted:
        if id(a) in lonely:
            owner = a.parent
            for ch in a.children:
                ch.parent = owner
            if owner is not None:
                owner.children = [c for c in owner.children if id(c) != id(a)] + a.children
            else:
                root.children = [c for c in root.children if id(c) != id(a)] + a.children
    accepted[:] = [a for a in accepted if id(a) not in lonely]


def _set_ends(text: str, accepted: list[_Item]) -> None:
    """Each item ends where the next item of the same or a higher rank (or a turn) starts."""
    n = len(text)
    open_items: list[_Item] = []
    for it in accepted:
        while open_items and (it.rank == 0 or open_items[-1].rank >= it.rank):
            closing = open_items.pop()
            closing.end = it.start
        open_items.append(it)
    for it in open_items:
        it.end = n
    for it in accepted:
        if it.kind == "shi":
            nl = text.find("\n", it.start)
            if 0 <= nl < it.end:
                it.end = nl
        it.end = _rstrip(text, it.start, it.end)


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in " \n":
        end -= 1
    return end


def _trim_tail(text: str, it: _Item) -> None:
    """The last item of a list must not swallow the closing text of the document."""
    window_start = max(it.marker_end, it.end - 3000)
    last_note = None
    for last_note in _NOTE.finditer(text, window_start, it.end):
        pass
    if last_note is not None:
        if text[last_note.end():it.end].strip():
            it.end = last_note.end()   # what follows the last note is the document's closing text
        return
    nl = text.find("\n", it.marker_end, it.end)
    while 0 <= nl < it.end:
        if _CLOSING.match(text, nl + 1):
            it.end = _rstrip(text, it.start, nl)
            return
        nl = text.find("\n", nl + 1, it.end)


def _clause_rank(numbered: list[_Item]) -> int:
    """The numbering rank that carries the measures: the rank with the most leaf items (ties: deeper).

    Shallower leaves (一、指导思想, the four 基本原则) are headings unless they carry a note; deeper
    leaves (an article split into （一）（二）) are clauses too.
    """
    if not numbered:
        return RANK["shi"]
    leaves: dict[int, int] = {}
    for it in numbered:
        if not any(c.kind != "shi" for c in it.children):
            leaves[it.rank] = leaves.get(it.rank, 0) + 1
    return max(leaves, key=lambda r: (leaves[r], r))


def _inside(it: _Item, kind: str) -> bool:
    """Is `it` nested in an item of `kind` (a 第X条 article, a table row)?"""
    p = it.parent
    while p is not None:
        if p.kind == kind:
            return True
        p = p.parent
    return False


def _title(text: str, it: _Item, next_start: int) -> str:
    if it.kind in ("chap", "sect"):
        nl = text.find("\n", it.marker_end)
        return text[it.marker_end: nl if nl >= 0 else len(text)].strip()
    if it.kind == "row":
        nl = text.find("\n", it.marker_end + 1)
        return text[it.marker_end + 1: nl if nl >= 0 else len(text)].strip()
    limit = min(next_start, it.marker_end + 160, len(text))
    m = _TITLE_END.search(text, it.marker_end, limit)
    return text[it.marker_end: m.start() if m else limit].strip(" ：:，,")


def _has_note(text: str, it: _Item) -> bool:
    return _NOTE.search(text, max(it.marker_end, it.end - 3000), it.end) is not None


def parse_structure(text: str, fragment_start: int | None = None) -> list[Block]:
    """Blocks of a normalised text: headings, clauses, turns, paragraphs (document order).

    fragment_start: offset where a continued text starts in the middle of an item (a newspaper page
    `（上接 6 版）…`): the text from there to the first numbered item becomes an inferred clause
    (marker "", number = first printed number - 1).
    """
    turns = find_turns(text)
    accepted = _walk(text, list(_candidates(text)), turns + find_resets(text))
    _set_ends(text, accepted)
    accepted = [a for a in accepted if a.kind != "reset"]
    items = [a for a in accepted if a.kind != "turn"]
    numbered = [a for a in items if a.kind != "shi"]
    clause_rank = _clause_rank(numbered)
    if clause_rank != RANK["shi"]:
        # 一是…二是… inside a numbered item are its text, unless each carries its own note
        items = [a for a in items if a.kind != "shi" or (a.parent is not None and _has_note(text, a))]
    kinds: dict[int, str] = {}
    # a table row is one measure: numbered items inside its cells stay in its text
    items = [a for a in items if not _inside(a, "row")]
    for it in items:
        if it.kind == "row":
            it.children = []
    if sum(1 for a in items if a.kind == "tiao") >= 2:
        # regulations: the article (第X条) is the clause; its 项/款 stay inside its text
        items = [a for a in items if not _inside(a, "tiao")]
        for it in items:
            kinds[id(it)] = "clause" if it.kind == "tiao" else "heading"
        items_to_classify: list[_Item] = []
    else:
        items_to_classify = items
    kept = {id(a) for a in items if a.kind == "shi"}
    for it in items_to_classify:
        kids = [c for c in it.children if c.kind != "shi" or clause_rank == RANK["shi"] or id(c) in kept]
        if it.kind == "row":
            kinds[id(it)] = "clause"          # a table row is a measure, whatever its cells hold
        elif kids:
            kinds[id(it)] = "heading"
        elif it.rank >= clause_rank or _has_note(text, it):
            kinds[id(it)] = "clause"
        else:
            kinds[id(it)] = "heading"
    live = _drop_unannotated_parts(text, items, kinds)
    for it in items:
        if kinds[id(it)] == "clause" and not it.has_next_sibling:
            _trim_tail(text, it)

    sections = _sections(live, kinds)
    _separate_kinds(live, kinds, sections)
    accepted = [a for a in accepted if a.kind == "turn" or id(a) in kinds]
    starts = [a.start for a in accepted] + [len(text)]
    blocks: list[tuple[Block, object, object]] = []
    for idx, it in enumerate(accepted):
        if it.kind == "turn":
            end = _turn_end(text, it)
            level = 1 if is_media(it.speaker) else 2
            blocks.append((Block("turn", it.start, end, level=level, number=it.number, speaker=it.speaker,
                                 marker=it.marker), it, None))
            continue
        if id(it) not in kinds:
            continue
        blocks.append((Block(kinds[id(it)], it.start, it.end, level=it.rank, number=it.number,
                             section=sections.get(id(it)), title=_title(text, it, starts[idx + 1]),
                             marker=it.marker), it, it.parent))
    fragment = _leading_fragment(text, items, kinds, sections, fragment_start) if fragment_start is not None else None
    if fragment is not None:
        blocks.append((fragment, None, None))
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            blocks.append((Block("paragraph", pos, pos + len(line)), None, None))
        pos += len(line) + 1
    order = {"heading": 0, "turn": 0, "clause": 1, "paragraph": 2}
    blocks.sort(key=lambda t: (t[0].start, order[t[0].kind], -t[0].end))
    index = {id(t[1]): i for i, t in enumerate(blocks) if t[1] is not None}
    out = []
    for b, it, parent in blocks:
        if it is not None and it.kind != "turn":
            b.parent = index.get(id(parent)) if parent is not None else None
        out.append(b)
    return out


def _top(it: _Item) -> _Item:
    while it.parent is not None:
        it = it.parent
    return it


def _drop_unannotated_parts(text: str, items: list[_Item], kinds: dict) -> list[_Item]:
    """In a document whose measures carry responsibility notes, a top-level part none of whose
    clauses has a note (一、指导思想 … 五、工作机制 before 六、工作安排; 二、工作保障 after the tasks) holds
    principles and procedures, not measures: its items become headings. Returns the items left in
    the measure-bearing parts (for section numbering)."""
    clauses = [it for it in items if kinds[id(it)] == "clause"]
    noted = [c for c in clauses if _has_note(text, c)]
    if len(noted) < 3:
        return items
    live_tops = {id(_top(c)) for c in noted}
    tops = {id(_top(c)) for c in clauses}
    if len(tops) < 2:
        return items
    out = []
    for it in items:
        t = _top(it)
        if id(t) in live_tops or t is it and any(id(_top(c)) in live_tops for c in clauses if c is it):
            out.append(it)
        elif kinds[id(it)] == "clause" and it.kind != "row":   # a task table's rows are its measures
            kinds[id(it)] = "heading"
        else:
            out.append(it)
    return out


def _turn_end(text: str, it: _Item) -> int:
    """A turn runs to the next turn; trailing `来源:` lines and the like are not part of it."""
    end = it.end
    nl = text.find("\n", it.marker_end, end)
    while 0 <= nl < end:
        m = re.match(r"([\u4e00-\u9fff]{2,6})[:：]", text[nl + 1: nl + 10])
        if m and m.group(1) in _NOT_SPEAKER:
            return _rstrip(text, it.start, nl)
        nl = text.find("\n", nl + 1, end)
    return end


def _sections(items: list[_Item], kinds: dict) -> dict:
    """section = the enclosing items' numbers, for clause kinds whose numbering restarts per section.

    The path goes up while the enclosing item's own numbering restarts too (二、（一）1. and
    三、（一）1. → "2.1"; a （1） under 1. under （一） under 三、 → "3.1.1"); one level gives an int."""
    out: dict = {}
    by_kind: dict = {}
    numbers_of: dict = {}
    for it in items:
        numbers_of.setdefault(it.kind, []).append(it.number)
        if kinds[id(it)] == "clause":
            by_kind.setdefault(it.kind, []).append(it)
    restarts = {k for k, ns in numbers_of.items() if len(ns) != len(set(ns))}

    def path(c: _Item) -> list:
        p = c.parent
        if p is None or p.number is None:
            return []
        sec = [p.number]
        while p.kind in restarts and p.parent is not None and p.parent.number is not None:
            p = p.parent
            sec.insert(0, p.number)
        return sec

    for kind, clauses in by_kind.items():
        # numbering restarts when the same number recurs among the clauses, or among all items of
        # the kind (三、（一） after 二、（一）… where only the last （一） are clauses)
        numbers = [c.number for c in clauses]
        if len(set(numbers)) == len(numbers) and kind not in restarts and kind != "shi":
            continue   # (一是 under an item always counts within it)
        first_parent = next((c.parent for c in clauses if c.parent is not None and c.parent.number), None)
        for c in clauses:
            sec = path(c)
            if sec:
                out[id(c)] = sec[0] if len(sec) == 1 else ".".join(map(str, sec))
            elif first_parent is not None and c.start < first_parent.start and first_parent.number > 1:
                out[id(c)] = first_parent.number - 1   # fragment before the first printed section
    return out


def _separate_kinds(items: list[_Item], kinds: dict, out: dict) -> None:
    """Clauses of two numbering kinds that would share an id (（二） under 一、 and 二、 itself a clause):
    the deeper ones take their enclosing item's number as section."""
    seen: dict = {}
    for it in items:
        if kinds.get(id(it)) == "clause":
            seen.setdefault((out.get(id(it)), it.number), []).append(it)
    for group in seen.values():
        if len({it.kind for it in group}) < 2:
            continue
        top_rank = min(it.rank for it in group)
        for it in group:
            if it.rank > top_rank and it.parent is not None and it.parent.number is not None:
                kind_items = [c for c in items if c.kind == it.kind and kinds.get(id(c)) == "clause"]
                for c in kind_items:
                    if id(c) not in out and c.parent is not None and c.parent.number is not None:
                        out[id(c)] = c.parent.number


def _leading_fragment(text: str, items: list[_Item], kinds: dict, sections: dict, start: int) -> Block | None:
    clauses = [it for it in items if kinds[id(it)] == "clause"]
    if not clauses or not items:
        return None
    first = items[0]
    lead = clauses[0]
    if first is not lead or not lead.line_start or lead.number <= 1 or not text[start:lead.start].strip():
        return None
    end = _rstrip(text, start, lead.start)
    m = _TITLE_END.search(text, start, min(end, start + 60))
    section = sections.get(id(lead))
    return Block("clause", start, end, level=lead.rank, number=lead.number - 1, section=section,
                 title=text[start: m.start() if m else min(end, start + 60)].strip(), marker="")


def split_sentences(text: str, breaks: list[int] | None = None) -> list[tuple[int, int]]:
    """Sentence spans: split after 。！？；(and ASCII !?;) with closing quotes/brackets, and at line breaks.

    breaks: extra offsets where a new sentence must start (e.g. clause starts). Linear time.
    """
    spans = []
    for m in _SENTENCE.finditer(text):
        s, e = m.start(), m.end()
        while s < e and text[s] == " ":
            s += 1
        while e > s and text[e - 1] == " ":
            e -= 1
        if e > s:
            spans.append((s, e))
    if not breaks:
        return spans
    out = []
    bi = 0
    breaks = sorted(set(breaks))
    for s, e in spans:
        while bi < len(breaks) and breaks[bi] <= s:
            bi += 1
        cur = s
        while bi < len(breaks) and breaks[bi] < e:
            if breaks[bi] > cur:
                end = breaks[bi]
                while end > cur and text[end - 1] == " ":
                    end -= 1
                if end > cur:
                    out.append((cur, end))
                cur = breaks[bi]
            bi += 1
        out.append((cur, e))
    return out


# ---------------------------------------------------------------- document kind and the stage's entry

_NEWS_HINT = re.compile(r"记者|新华社|通讯员|日电|本报讯|澎湃新闻")
_TRANSCRIPT_HINT = re.compile(r"实录|答记者问|问答|发布会")
_PLAN_HINT = re.compile(r"规划|纲要")


def document_kind(meta: dict, blocks, text: str, front_matter: dict) -> str:
    """policy | news | transcript | plan."""
    turns = sum(1 for b in blocks if b.kind == "turn")
    if turns >= 2 or _TRANSCRIPT_HINT.search(meta.get("title", "")):
        return "transcript"
    if front_matter.get("author") or front_matter.get("categories") or _NEWS_HINT.search(text[:300]):
        return "news"
    if _PLAN_HINT.search(meta.get("title", "")):
        return "plan"
    chapters = any(b.level == 1 and b.marker.endswith("章") for b in blocks)
    if chapters and not any(b.marker.endswith("条") for b in blocks):   # regulations have 章 and 条
        return "plan"
    return "policy"


def structure_document(nt: NormalisedText) -> NormalisedDocument:
    """The structure stage: blocks (items, clauses, turns), sentence spans and the document's kind."""
    blocks = parse_structure(nt.text, fragment_start=nt.fragment_start)
    meta = {**nt.meta, "kind": document_kind(nt.meta, blocks, nt.text, nt.front_matter)}
    return NormalisedDocument(doc_id=nt.doc_id, text=nt.text, meta=meta, blocks=blocks,
                              sentences=split_sentences(nt.text, [b.start for b in blocks if b.kind != "paragraph"]))
