"""The sidebar on every page: backend, address, graph size, and the global filters."""
from __future__ import annotations

import streamlit as st

from graph.store import in_jurisdiction
from ui import state
from ui.labels import document_caption
from graph.model import doc_stem


def render_sidebar() -> None:
    """Backend status (one line if unreachable) and the document / policy-area filters."""
    with st.sidebar:
        store = state.get_store()
        if store is None:
            st.warning(f"图谱不可用 Graph unavailable: {state.store_error()}")
            return
        key = state.store_key(store)
        try:
            info = state.cached_describe(store, key)
            docs = state.cached_documents(store, key)
            areas = state.cached_areas(store, key)
            juris = state.cached_jurisdictions(store, key)
        except Exception as err:  # noqa: BLE001 - the sidebar must never break a page
            state._open_store.clear()
            st.warning(f"图谱不可用 Graph unavailable: {str(err).splitlines()[0] if str(err) else type(err).__name__}")
            return
        st.caption(
            f"**{info.get('backend', store.backend)}** · `{info.get('address', '')}`  \n"
            f"{info.get('total_nodes', 0)} 节点 nodes · {info.get('total_relationships', 0)} 关系 relationships")
        _keep_valid(state.FILTER_JURISDICTIONS, juris)
        st.multiselect("发文辖区 Jurisdiction", options=list(juris), key=state.FILTER_JURISDICTIONS,
                       format_func=lambda j: f"{j} ({juris.get(j, 0)})", placeholder="全部 all",
                       help="只看这些辖区（含下辖区、镇）发布的文件 · documents issued in these places or inside them")
        chosen = st.session_state.get(state.FILTER_JURISDICTIONS) or []
        doc_options = {doc_stem(d.id): document_caption(d) for d in docs
                       if not chosen or any(in_jurisdiction(d.properties.get("jurisdiction_name"), j) for j in chosen)}
        _keep_valid(state.FILTER_DOCS, doc_options)
        _keep_valid(state.FILTER_AREAS, areas)
        st.multiselect("文件 Documents", options=list(doc_options), key=state.FILTER_DOCS,
                       format_func=lambda d: doc_options.get(d, d), placeholder="全部 all")
        st.multiselect("政策领域 Policy areas", options=areas, key=state.FILTER_AREAS,
                       placeholder="全部 all")


def _keep_valid(key: str, options) -> None:
    """Drop filter values that no longer exist (e.g. after switching store)."""
    current = st.session_state.get(key)
    if current:
        st.session_state[key] = [v for v in current if v in options]
