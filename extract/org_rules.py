"""Name rule family: bodies the gazetteer does not know, by their suffix (…研究院, …实验室, …联盟, …科创圈;
the suffixes and cue words are data in `data/organisations.jsonl`)."""
from __future__ import annotations

from extract.hits import PLACE_TYPES, Hit, Scan, Target
from extract.name_patterns import NamePatterns

NAME_SUFFIX = "name-suffix"


def organisations(p: NamePatterns, scan: Scan) -> None:
    """Unknown bodies by their suffix (向中国证券投资基金业协会申请登记, “环太湖科创圈、吴淞江科创带”)."""
    # the name starts after a delimiter or a cue word (依托, 建立, 和 …), whichever leaves a plausible name
    text = scan.text
    name_ends = {h.end for h in scan.hits if h.kind == "name"}
    for m in p.org_suffix_re.finditer(text):
        a, b = m.start(), m.end()
        if b < len(text) and text[b] in "区园仓城":   # 中心区, 中心仓: a place or a thing, not the body
            continue
        if b in name_ends:  # ends like a known name (浙江自贸试验区, 示范区): the known name wins
            continue
        lo = max(0, a - 24)
        i = a - 1
        while i >= lo:
            ch = text[i]
            if ch == "”":
                j = text.rfind("“", lo, i)
                if j < 0:
                    break
                i = j - 1
                continue
            if ch in p.delims or (ch in "及和与" and i in name_ends):
                break  # `…人民政府及苏州大学`: a conjunction right after a known name
            i -= 1
        start = i + 1
        name = trim_left(p, text[start:b])
        if name is None:
            continue
        start = b - len(name)
        if m.group(0) in p.cue_only:
            quoted = start > 0 and text[start - 1] == "“" or name.startswith("“")
            if not quoted and not text[max(0, start - 4):start].endswith(p.cue_only_cues):
                continue
            if any(c in name for c in "和与及"):
                continue
        if m.group(0) in p.place_start and not _starts_with_place(p, name):
            continue
        typ = p.org_types[m.group(0)]
        scan.hits.append(Hit(start, b, name, [Target(typ, name)], NAME_SUFFIX, "name"))


def _starts_with_place(p: NamePatterns, name: str) -> bool:
    if any(name.startswith(f) for f in p.gaz.feature_names):
        return True
    for k in (4, 3, 2):
        sf = p.gaz.lookup(name[:k])
        if sf and sf.entries[0].type in PLACE_TYPES:
            return True
    return False


def trim_left(p: NamePatterns, cand: str) -> str | None:
    """Strip cue words from the left until the candidate is a plausible name (4–20 chars)."""
    while True:
        stripped = False
        for cue in p.left_cues:
            if cand.startswith(cue) and len(cand) > len(cue):
                cand = cand[len(cue):]
                stripped = True
                break
        if len(cand) <= 20 and not any(w in cand for w in p.not_in_names):
            inner = max((m.end() for m in p.long_cue_re.finditer(cand, 1)), default=-1)
            if 0 < inner < len(cand):
                cand = cand[inner:]
                continue
            if not stripped:
                break
            continue
        # too long or phrase-like: restart after the earliest cue that leaves a plausible name
        cuts = sorted({m.end() for m in p.cue_re.finditer(cand, 1) if m.end() < len(cand)})
        ok = [k for k in cuts if len(cand) - k <= 20 and not any(w in cand[k:] for w in p.not_in_names)]
        if not ok:
            return None
        cand = cand[ok[0]:]
    if len(cand) < p.min_org_len or cand in p.generic_heads:
        return None
    if cand.startswith(("“", "”")) and cand.count("“") != cand.count("”"):
        cand = cand.strip("“”")
    return cand
