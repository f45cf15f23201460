"""导出 Export: the current view or a filter result as GraphML, JSON, CSV, Cypher, xlsx and SVG."""
import streamlit as st

from graph.model import LABELS, REL_TYPES
from ui import exporting, state
from ui.labels import label_caption

st.title("导出 Export")
sess = state.session()
f = sess.filters

with state.page_guard():
    current = st.session_state.get("current_subgraph")
    scopes = {"filter": "筛选结果 Filter result"}
    if current is not None and current.nodes:
        name = st.session_state.get("current_subgraph_name", "view")
        scopes = {"current": f"当前视图 Current view ({name}: {len(current.nodes)} nodes)", **scopes}
    scope = st.radio("范围 Scope", list(scopes), format_func=scopes.get, horizontal=True, key="export_scope")
    if scope == "filter":
        c1, c2 = st.columns(2)
        labels = c1.multiselect("节点类型 Labels", LABELS, format_func=label_caption, key="export_labels",
                                placeholder="全部 all")
        rel_types = c2.multiselect("关系类型 Relationship types", REL_TYPES, key="export_rels",
                                   placeholder="全部 all")
        st.caption("文件和领域筛选取自侧栏 Documents and areas come from the sidebar filters.")
        # Only the counts now: the subgraph itself is read from the store when a button is clicked.
        n_nodes, n_edges = state.cached_count(sess.store, sess.key, tuple(labels), tuple(rel_types),
                                              f.documents, f.areas)
        store, key, docs, areas = sess.store, sess.key, f.documents, f.areas

        def sub():
            return state.cached_subgraph(store, key, tuple(labels), tuple(rel_types), docs, areas)
        stem = "yrd_graph"
    else:
        sub, stem = current, f"yrd_{st.session_state.get('current_subgraph_name', 'view')}"
        n_nodes, n_edges = len(current.nodes), len(current.edges)
    st.caption(f"{n_nodes} 节点 nodes · {n_edges} 关系 relationships")
    if not n_nodes:
        st.info("没有可导出的内容 Nothing to export under these filters.")
        st.stop()
    files = exporting.deferred(sub, stem)
    st.session_state["export_files"] = files  # what the buttons will produce (tests call these)
    cols = st.columns(3)
    for i, (fmt, label, filename, mime, make) in enumerate(files):
        cols[i % 3].download_button(f"⬇ {label}", make, filename, mime, key=f"export_{fmt}", width="stretch",
                                    on_click="ignore")
    st.caption("文件在点击时生成 Files are generated when you click.")
    if n_nodes <= 2000 and st.toggle("图片预览 Picture preview (SVG)", value=n_nodes <= 150, key="export_preview"):
        st.image(exporting.export_bytes(sub() if callable(sub) else sub, "svg").decode("utf-8"), width=900)
