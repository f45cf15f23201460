"""Name rule families for people (news prose, Q&A transcripts) and the first person of an answer
(titles, speech verbs, surnames and honorifics are data in `data/titles.jsonl`)."""
from __future__ import annotations

import re

from extract.hits import Hit, Scan, Target
from extract.name_patterns import NamePatterns

TITLE_NAME = "title-name"
NAME_HONORIFIC = "name-honorific"
SPEAKER_TURN = "speaker-turn"
FIRST_PERSON = "first-person"


def titled_people(p: NamePatterns, scan: Scan) -> None:
    """`<title><name>` before a speech verb or punctuation: 发展改革委主任华源介绍 → Person 华源 (title 主任)."""
    for m in p.person_re.finditer(scan.text):
        name = m.group("name")
        scan.hits.append(Hit(m.start("name"), m.end("name"), name, [Target("Person", name)], TITLE_NAME,
                             "person", title=m.group("title"), title_start=m.start("title")))


def honorific_people(p: NamePatterns, scan: Scan) -> None:
    """`<…大学/公司/中心><name><院士/教授…>` (苏州大学李述汤院士): the name before the honorific."""
    for m in p.honorific_re.finditer(scan.text):
        name = m.group("name")
        scan.hits.append(Hit(m.start("name"), m.end("name"), name, [Target("Person", name)], NAME_HONORIFIC,
                             "person", title=m.group("title")))


def speaker_turns(p: NamePatterns, scan: Scan) -> None:
    """Q&A turns whose speaker label is a person's name (`华源:…`), not a known name (`人民日报:…`)."""
    for s, e, spk, level in scan.speakers:
        base = re.sub(r"[（(].*$", "", spk)
        if is_person_name(p, base) and p.gaz.lookup(base) is None:
            scan.hits.append(Hit(s, s + len(base), base, [Target("Person", base)], SPEAKER_TURN, "person"))


def is_person_name(p: NamePatterns, s: str) -> bool:
    """Two to four Han characters starting with a known surname."""
    if not 2 <= len(s) <= 4 or not all("\u4e00" <= c <= "\u9fff" for c in s):
        return False
    return s[0] in p.surname_single or s.startswith(p.surname_double)


def first_person(p: NamePatterns, scan: Scan) -> None:
    """`我关` / `我局` in an answer is the customs office or agency the preceding question addressed."""
    text, hits = scan.text, scan.hits
    question: tuple[int, int] | None = None
    added: list[Hit] = []
    for s, e, spk, level in sorted(scan.speakers):
        if level == 1:
            question = (s, e)
            continue
        if question is None:
            continue
        for m in re.finditer(r"我(关|局|委|厅|办)", text[s:e]):
            kind = "Customs" if m.group(1) == "关" else "Agency"
            addressed = next((h for h in hits if question[0] <= h.start < question[1] and h.targets
                              and h.targets[0].type == kind and h.kind == "name"), None)
            if addressed is not None:
                added.append(Hit(s + m.start(), s + m.end(), m.group(0), [addressed.targets[0]],
                                 FIRST_PERSON, "name"))
    if added:
        hits.extend(added)
        hits.sort(key=lambda h: (h.start, -h.length))
