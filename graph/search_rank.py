"""Chinese-aware name search, shared by both backends so they rank identically.

Matching works on normalised keys (NFKC, lower case, so `（）`/`()` and full-width letters agree).
Tiers: exact (name, then alias) > prefix > substring > fuzzy. Fuzzy similarity is the Dice coefficient
over the tokens Lucene's `cjk` analyzer produces (bigrams of adjacent Han/Kana/Hangul characters, a
lone CJK character as a unigram, latin/digit words whole), so Neo4j's full-text index finds exactly the
candidates the embedded store scores.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Iterable

FUZZY_MIN = 0.5          # minimum Dice similarity for a fuzzy hit
_CJK = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_RUNS = re.compile(rf"[{_CJK}]+|[^\W_{_CJK}]+", re.UNICODE)
_IS_CJK = re.compile(rf"[{_CJK}]")
# Lucene's English stop words, removed by the cjk analyzer.
_STOP = frozenset("a an and are as at be but by for if in into is it no not of on or such that the "
                  "their then there these they this to was will with".split())
_LUCENE_SPECIAL = re.compile(r'([+\-!(){}\[\]^"~*?:\\/&|])')


@lru_cache(maxsize=262144)
def norm(text: str) -> str:
    """The comparison form of a name: NFKC, lower case, stripped, separators removed."""
    text = unicodedata.normalize("NFKC", text or "").lower().strip()
    return text.replace("\n", " ").replace("\x00", "")


def search_keys(name: str, aliases: Iterable[str]) -> list[str]:
    """Normalised name first, then normalised aliases (unique, in order)."""
    out: list[str] = []
    for s in [name, *aliases]:
        k = norm(s)
        if k and k not in out:
            out.append(k)
    return out


def search_text(keys: Iterable[str]) -> str:
    """One string holding every key between newlines: CONTAINS '\\n'+q finds prefixes."""
    return "\n" + "".join(k + "\n" for k in keys)


def tokens(text: str) -> set[str]:
    """cjk-analyzer tokens of a (normalised) string."""
    return set(_tokens(text))


@lru_cache(maxsize=262144)
def _tokens(text: str) -> frozenset[str]:
    out: set[str] = set()
    for run in _RUNS.findall(norm(text)):
        if _IS_CJK.match(run):
            if len(run) == 1:
                out.add(run)
            else:
                out.update(run[i:i + 2] for i in range(len(run) - 1))
        elif run not in _STOP:
            out.add(run)
    return frozenset(out)


def dice(a: set[str] | frozenset[str], b: set[str] | frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return 2.0 * len(a & b) / (len(a) + len(b))


def lucene_query(query: str) -> str | None:
    """An OR query over the query's tokens, escaped for Lucene; None when it has no token."""
    toks = sorted(tokens(query))
    if not toks:
        return None
    return " OR ".join('"' + _LUCENE_SPECIAL.sub(r"\\\1", t) + '"' for t in toks)


def score(query: str, name: str, aliases: Iterable[str], qtokens: set[str] | None = None) -> float:
    """Rank of one entity for a query; 0 when it does not match. Higher is better.

    exact name 4, exact alias 3.9, prefix 3 + coverage, substring 2 + coverage, fuzzy Dice (≤ 1)."""
    q = norm(query)
    if not q:
        return 0.0
    keys = search_keys(name, aliases)
    if not keys:
        return 0.0
    if keys[0] == q:
        return 4.0
    if q in keys[1:]:
        return 3.9
    best = 0.0
    for k in keys:
        if k.startswith(q):
            best = max(best, 3.0 + len(q) / len(k) * 0.5)
        elif q in k:
            best = max(best, 2.0 + len(q) / len(k) * 0.5)
    if best:
        return round(best, 6)
    qt = qtokens if qtokens is not None else _tokens(q)
    sim = max(dice(qt, _tokens(k)) for k in keys)
    return round(sim, 6) if sim >= FUZZY_MIN else 0.0


def rank_key(score_: float, name: str, entity_id: str) -> tuple:
    """Sort key: score desc, shorter name, name, id."""
    return (-score_, len(name), name, entity_id)
