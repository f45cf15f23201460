"""路径 Paths: shortest paths between two entities, drawn and listed with their evidence."""
import pandas as pd
import streamlit as st

from graph.model import REL_TYPES
from ui import graphview, state
from ui.pickers import entity_picker

st.title("路径 Paths")
sess = state.session()

with state.page_guard():
    c1, c2 = st.columns(2)
    with c1:
        source = entity_picker(sess, "起点 From", key="path_from", url_param="from")
    with c2:
        target = entity_picker(sess, "终点 To", key="path_to", url_param="to")
    c1, c2, c3 = st.columns([4, 1, 1])
    rel_types = c1.multiselect("经由关系 Through relationship types", REL_TYPES, key="path_rels",
                               placeholder="全部 all")
    max_len = c2.number_input("最长 Max length", 1, 10, 6, key="path_max")
    limit = c3.number_input("条数 Paths", 1, 20, 5, key="path_limit")
    if not (source and target):
        st.info("选择两个实体 Pick two entities (e.g. 上海海关 → 杭州海关).")
        st.stop()
    if source == target:
        st.info("起点与终点相同 From and To are the same entity.")
        st.stop()
    found = state.cached_paths(sess.store, sess.key, source, target, tuple(rel_types), int(max_len), int(limit))
    f = sess.filters
    paths = [p for p in found if graphview.path_allowed(p, f.documents, f.areas)]
    if len(paths) < len(found):
        st.caption(f"侧栏筛选隐藏了 {len(found) - len(paths)} 条路径 The sidebar filters hide "
                   f"{len(found) - len(paths)} of {len(found)} shortest paths.")
    if not paths:
        st.warning(f"{max_len} 步内没有路径 No path within {max_len} steps.")
        st.stop()
    union = graphview.merge_subgraphs(paths)
    st.session_state["current_subgraph"] = union
    st.session_state["current_subgraph_name"] = "paths"
    st.caption(f"{len(paths)} 条路径 paths, 长度 length {len(paths[0].edges)}")
    graphview.show_graph(union, key="paths_graph", height=460, layout="breadthfirst", expandable=False)
    for i, path in enumerate(paths, 1):
        names = {n.id: n.name for n in path.nodes}
        st.markdown(f"**{i}.** " + " — ".join(n.name for n in path.nodes))
        st.dataframe(pd.DataFrame([{
            "从 from": names.get(e.source, e.source), "关系 type": e.type, "到 to": names.get(e.target, e.target),
            "证据 evidence": " / ".join(ev.get("text", "") for ev in e.evidence),
            "文件 doc": "、".join(sorted({str(ev.get("doc_id", "")) for ev in e.evidence}))} for e in path.edges]),
            hide_index=True, width="stretch")
