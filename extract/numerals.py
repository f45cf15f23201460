"""Printed numbers of headings and list items → int (Chinese numerals via cn2an, circled digits via unicodedata)."""
from __future__ import annotations

import unicodedata
from functools import lru_cache

import cn2an

CN_DIGITS = "零〇一二三四五六七八九十百两"


@lru_cache(maxsize=4096)
def to_int(numeral: str) -> int | None:
    """'二十二' → 22, '五十三' → 53, '12' → 12, '⑤' → 5; None if it is not a number."""
    s = numeral.strip()
    if not s:
        return None
    if s.isascii() and s.isdigit():
        return int(s)
    if len(s) == 1 and not ("\u4e00" <= s <= "\u9fff" or s == "〇"):
        try:
            value = unicodedata.numeric(s)
        except (TypeError, ValueError):
            return None
        return int(value) if value == int(value) else None
    if all(c in CN_DIGITS for c in s):
        try:
            return int(cn2an.cn2an(s, "smart"))
        except (ValueError, KeyError, TypeError):
            return None
    return None
