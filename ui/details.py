"""The details panel of one entity: properties, aliases, documents and every relationship with its
evidence sentences."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from graph.errors import EntityNotFound
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
    names = {}
    rows = []
    for e in edges[:max_edges]:
        out = e.source == node.id
        other = e.target if out else e.source
        names.setdefault(other, other)
        for ev in (e.evidence or [{}]):
            rows.append({"方向 dir": "→" if out else "←", "关系 type": role_caption(e.type),
                         "对象 other": _short_name(sess, other),
                         "证据 evidence": ev.get("text", ""), "文件 doc": ev.get("doc_id", ""),
                         "规则 rule": ev.get("rule", "")})
    st.markdown(f"**关系 Relationships ({len(edges)})**")
    if rows:
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", height=min(420, 40 + 35 * len(rows)))
    if len(edges) > max_edges:
        st.caption(f"仅显示前 {max_edges} 条 first {max_edges} shown")


def _short_name(sess: state.Session, entity_id: str) -> str:
    """Name of a neighbour from the entity index (ids stay readable if it is missing)."""
    idx = _name_index(sess.store, sess.key)
    return idx.get(entity_id, entity_id)


@st.cache_data(show_spinner=False, max_entries=8)
def _name_index(_store, key: str) -> dict[str, str]:
    return {i: name for i, _lab, name in state.cached_entity_index(_store, key)}
