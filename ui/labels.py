"""Display helpers: colours per label, Chinese names of labels and roles, captions."""
from __future__ import annotations

from graph.model import LABELS, REL_TYPES, ROLE_LABELS_ZH, doc_stem
from graph.store import NodeView

LABEL_COLOURS: dict[str, str] = {
    "Province": "#d62728", "City": "#ff7f0e", "County": "#bcbd22", "Zone": "#8c564b",
    "FTZ": "#e377c2", "Customs": "#17becf", "Agency": "#1f77b4", "Organization": "#9467bd",
    "Person": "#2ca02c", "Project": "#7f7f7f", "Document": "#393b79", "Clause": "#637939",
    "Task": "#ad494a",
}
LABEL_ZH: dict[str, str] = {
    "Province": "省级", "City": "市", "County": "区县", "Zone": "示范区", "FTZ": "自贸区",
    "Customs": "海关", "Agency": "机构", "Organization": "组织", "Person": "人物", "Project": "项目",
    "Document": "文件", "Clause": "条款", "Task": "任务",
}
REL_COLOURS: dict[str, str] = {
    "LEADS": "#d62728", "CO_LEADS": "#ff7f0e", "RESPONSIBLE_FOR": "#1f77b4", "SUPPORTS": "#2ca02c",
}
ROLE_ZH = dict(ROLE_LABELS_ZH)
# The word drawn on an edge of the graph view: the role (牵头 / 共同牵头 / 负责 / 配合) or a short verb.
REL_ZH: dict[str, str] = {
    **ROLE_ZH, "LOCATED_IN": "位于", "SUBORDINATE_TO": "隶属", "PART_OF": "属于", "MEMBER_OF": "成员",
    "APPLIES_TO": "适用于", "HOLDS_POSITION": "任职", "ISSUED_BY": "发文", "HAS_CLAUSE": "条款",
    "FOLLOWS": "接续", "MENTIONS": "提及",
}
SHORT_NAME_WIDTH = 16   # a caption on the canvas: 8 Chinese characters (or 16 Latin ones)
assert set(LABEL_COLOURS) == set(LABELS)
assert set(REL_COLOURS) <= set(REL_TYPES)
assert set(REL_ZH) == set(REL_TYPES)


def label_caption(label: str) -> str:
    return f"{LABEL_ZH.get(label, label)} {label}"


def role_caption(role: str) -> str:
    """`牵头 LEADS` for a responsibility role, `隶属 SUBORDINATE_TO` for another relationship type."""
    return f"{REL_ZH[role]} {role}" if role in REL_ZH else role


def rel_caption(rel_type: str) -> str:
    """The short Chinese word for a relationship type (`LEADS` → `牵头`); unknown types stay as they are."""
    return REL_ZH.get(rel_type, rel_type)


def _width(ch: str) -> int:
    """Display width of one character: CJK and full-width forms count 2, the rest 1."""
    return 2 if ord(ch) >= 0x2E80 else 1


def short_name(name: str, width: int = SHORT_NAME_WIDTH) -> str:
    """`name` cut to `width` display columns with an ellipsis (`上海市松江区规划和自然资源局` →
    `上海市松江区规…`); names that fit are returned whole."""
    name = " ".join(name.split())
    if sum(map(_width, name)) <= width:
        return name
    out, used = [], 0
    for ch in name:
        if used + _width(ch) > width - 2:   # leave room for the ellipsis
            break
        out.append(ch)
        used += _width(ch)
    return "".join(out).rstrip() + "…"


def document_caption(doc: NodeView) -> str:
    title = doc.properties.get("title") or doc.name
    date = doc.properties.get("date") or ""
    short = title if len(title) <= 28 else title[:27] + "…"
    return f"{doc_stem(doc.id)[:3]} · {short}" + (f" ({date})" if date else "")


def entity_caption(label: str, name: str) -> str:
    return f"{name} · {LABEL_ZH.get(label, label)}"
