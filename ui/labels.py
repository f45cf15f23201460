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
assert set(LABEL_COLOURS) == set(LABELS)
assert set(REL_COLOURS) <= set(REL_TYPES)


def label_caption(label: str) -> str:
    return f"{LABEL_ZH.get(label, label)} {label}"


def role_caption(role: str) -> str:
    """`牵头 LEADS` for a responsibility role, the bare type for any other relationship."""
    return f"{ROLE_ZH[role]} {role}" if role in ROLE_ZH else role


def document_caption(doc: NodeView) -> str:
    title = doc.properties.get("title") or doc.name
    date = doc.properties.get("date") or ""
    short = title if len(title) <= 28 else title[:27] + "…"
    return f"{doc_stem(doc.id)[:3]} · {short}" + (f" ({date})" if date else "")


def entity_caption(label: str, name: str) -> str:
    return f"{name} · {LABEL_ZH.get(label, label)}"
