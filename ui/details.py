"""The details panel of one entity: properties, aliases, documents and each of its relationships once,
with the evidence sentences that support it grouped in its row."""
from __future__ import annotations

import unicodedata
from typing import Callable, Sequence

import pandas as pd
import streamlit as st

from common.errors import EntityNotFound
from graph.store import EdgeView
from ui import state
from ui.labels import label_caption, role_caption


def details_panel(sess: state.Session, entity_id: str, max_edges: int = 200) -> None:
    try:
        node, edges = state.cached_entity(sess.store, sess.key, entity_id)
    except EntityNotFound as err:
        st.info(str(err))
        return
    st.markdown(f"#### {node.name}")
    st.caption(f"{label_caption(node.label)} · `{node.id}`")
    props = {k: v for k, v in node.properties.items() if k not in ("mentions",) and v not in (None, "", [])}
    aliases = props.pop("aliases", None)
    text = props.pop("text", None)
    if aliases:
        st.markdown("**别名 Aliases:** " + "、".join(map(str, aliases)))
    if props:
        st.dataframe(pd.DataFrame({"属性 property": list(props),
                                   "值 value": ["、".join(map(str, v)) if isinstance(v, list) else str(v)
                                               for v in props.values()]}),
                     hide_index=True, width="stretch")
    if text:
        with st.expander("条文 Text"):
            st.write(text)
    names = {**{e.source: e.source_name for e in edges}, **{e.target: e.target_name for e in edges}}
    rows = relationship_rows(node.id, edges[:max_edges], lambda i: names.get(i) or i)
    st.markdown(f"**关系 Relationships ({len(rows)})**")
    if rows:
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", height=min(420, 40 + 35 * len(rows)))
    if len(edges) > max_edges:
        st.caption(f"仅显示前 {max_edges} 条 first {max_edges} shown")


EVIDENCE_SEP = " ⏐ "   # between the distinct evidence sentences of one relationship


def relationship_rows(node_id: str, edges: Sequence[EdgeView], name_of: Callable[[str], str]) -> list[dict]:
    """One row per (source, type, target) around `node_id`, its evidence grouped in the row: the
    distinct sentences (in document order), the documents and the rules that found them."""
    grouped: dict[tuple[str, str, str], list[dict]] = {}
    for e in edges:
        grouped.setdefault((e.source, e.type, e.target), []).extend(e.evidence or [])
    rows = []
    for (source, rel_type, target), evidence in grouped.items():
        out = source == node_id
        rows.append({"方向 dir": "→" if out else "←", "关系 type": role_caption(rel_type),
                     "对象 other": name_of(target if out else source), "证据数 n": len(evidence),
                     "证据 evidence": EVIDENCE_SEP.join(_distinct_texts(evidence)),
                     "文件 docs": "、".join(sorted({str(ev["doc_id"]) for ev in evidence if ev.get("doc_id")})),
                     "规则 rules": "、".join(sorted({str(ev["rule"]) for ev in evidence if ev.get("rule")}))})
    return rows


def _distinct_texts(evidence: Sequence[dict]) -> list[str]:
    """The evidence sentences in order, each once: sentences that differ only in full- or half-width
    punctuation or spacing (the same sentence in two documents) count as one."""
    texts, seen = [], set()
    for ev in evidence:
        text = str(ev.get("text") or "").strip()
        same = "".join(unicodedata.normalize("NFKC", text).split())
        if text and same not in seen:
            seen.add(same)
            texts.append(text)
    return texts
