"""关系探索 Explore: pick entities → interactive graph; click for details, expand in place."""
from urllib.parse import quote

import streamlit as st

from graph.model import LABELS, MEASURE_LABELS, REL_TYPES
from ui import graphview, state
from ui.details import details_panel
from ui.labels import label_caption
from ui.pickers import entities_picker

st.title("关系探索 Explore")
sess = state.session()
f = sess.filters
GRAPH_KEY = "explore_graph"
WIDE_VIEW = 150   # above this many nodes the graph takes the full width (and more height), details below

with state.page_guard():
    seeds = entities_picker(sess, "实体 Entities", key="explore_seeds")
    st.session_state.setdefault("explore_depth", 1)
    st.session_state.setdefault("explore_cap", 200)
    # Depth and node cap can come from the URL too (`?entity=…&depth=2&cap=500`).
    for name, key, lo, hi in (("depth", "explore_depth", 1, 4), ("cap", "explore_cap", 10, 2000)):
        raw = st.query_params.get(name)
        if raw and raw.isdigit() and st.session_state.get(f"_{key}_url") != raw:
            st.session_state[key] = min(max(int(raw), lo), hi)
            st.session_state[f"_{key}_url"] = raw
    with st.expander("筛选 Filters", expanded=False):
        c1, c2, c3, c4 = st.columns([3, 3, 1, 1])
        labels = c1.multiselect("节点类型 Labels", LABELS, format_func=label_caption, key="explore_labels",
                                placeholder="全部 all")
        rel_types = c2.multiselect("关系类型 Relationship types", REL_TYPES, key="explore_rels",
                                   placeholder="全部 all")
        depth = c3.number_input("深度 Depth", 1, 4, key="explore_depth")
        cap = c4.number_input("节点上限 Node cap", 10, 2000, step=50, key="explore_cap")
        layout = st.radio("布局 Layout", ["cose", "fcose", "concentric", "breadthfirst", "circle", "grid"],
                          horizontal=True, key="explore_layout")
    if not seeds:
        st.info("选择一个或多个实体开始探索 Pick one or more entities to start "
                "(e.g. 上海海关, 长三角生态绿色一体化发展示范区执行委员会).")
        st.stop()

    # Expansions and removals belong to one set of seeds and filters.
    st.query_params["depth"], st.query_params["cap"] = str(depth), str(cap)
    st.session_state["_explore_depth_url"], st.session_state["_explore_cap_url"] = str(depth), str(cap)
    view_id = (tuple(seeds), tuple(labels), tuple(rel_types), depth, cap, f.documents, f.areas)
    if st.session_state.get("explore_view_id") != view_id:
        st.session_state.update(explore_view_id=view_id, explore_expanded=[], explore_removed=[])
    args = (tuple(labels), tuple(rel_types), f.documents)
    base = state.cached_neighbourhood(sess.store, sess.key, tuple(seeds), int(depth), *args, int(cap))
    parts = [base] + [state.cached_neighbourhood(sess.store, sess.key, (node,), 1, *args, int(cap))
                      for node in st.session_state["explore_expanded"]]
    sub = graphview.without(graphview.filter_areas(graphview.merge_subgraphs(parts), f.areas),
                            st.session_state["explore_removed"])
    st.session_state["current_subgraph"] = sub
    st.session_state["current_subgraph_name"] = "explore"

    if any(p.truncated for p in parts):
        st.warning(f"节点上限 {cap} 截断了视图 The node cap ({cap}) cut this view; raise it or narrow the filters.")
    st.caption(f"{len(sub.nodes)} 节点 nodes · {len(sub.edges)} 关系 relationships · "
               "双击节点展开 double-click a node to expand · 点击查看详情 click for details")
    wide = len(sub.nodes) > WIDE_VIEW
    left, right = (st.container(), st.container()) if wide else st.columns([3, 2])
    with left:
        key = f"{GRAPH_KEY}_wide" if wide else GRAPH_KEY   # the component's height is fixed per key
        event = graphview.new_event(key, graphview.show_graph(sub, key=key, layout=layout,
                                                              height=780 if wide else 560))
    if event:
        action, data = event.get("action"), event.get("data") or {}
        if action == "expand":
            fresh = [n for n in data.get("node_ids", []) if n not in st.session_state["explore_expanded"]]
            if fresh:
                st.session_state["explore_expanded"] += fresh
                st.rerun()
        elif action == "remove":
            st.session_state["explore_removed"] += list(data.get("node_ids", []))
        elif action == "node_click" and data.get("target_id"):
            st.session_state["explore_selected"] = data["target_id"]
    with right:
        names = {n.id: f"{n.name} · {n.label}" for n in sub.nodes}
        labels_of = {n.id: n.label for n in sub.nodes}
        selected = st.session_state.get("explore_selected")
        if selected not in names:
            selected = seeds[0] if seeds[0] in names else next(iter(names), None)
        if names:
            pick = st.selectbox("详情 Details", list(names), index=list(names).index(selected),
                                format_func=names.get, key=f"explore_detail_{selected}")
            c1, c2 = st.columns(2)
            if c1.button("展开邻居 Expand", key="explore_expand_btn", width="stretch"):
                if pick not in st.session_state["explore_expanded"]:
                    st.session_state["explore_expanded"] += [pick]
                    st.rerun()
            mode = "measure" if labels_of.get(pick) in MEASURE_LABELS else "agency"
            c2.link_button("谁牵头 Who leads", f"who-leads?mode={mode}&entity={quote(pick)}", width="stretch")
            details_panel(sess, pick)
