"""总览 Overview: counts by type, responsibility load by agency and province, areas, top pairs, documents."""
import altair as alt
import pandas as pd
import streamlit as st

from ui import analysis, charts, state
from ui.labels import document_caption, label_caption
from graph.model import doc_stem

st.title("总览 Overview")
sess = state.session()
f = sess.filters
with state.page_guard():
    stats = state.cached_stats(sess.store, sess.key)
    cols = st.columns(4)
    cols[0].metric("节点 Nodes", stats.total_nodes)
    cols[1].metric("关系 Relationships", stats.total_relationships)
    cols[2].metric("条款 Clauses", stats.nodes.get("Clause", 0))
    cols[3].metric("机构 Agencies", stats.nodes.get("Agency", 0) + stats.nodes.get("Customs", 0))

    left, right = st.columns(2)
    with left:
        st.subheader("按类型计数 Counts by type")
        st.altair_chart(charts.counts({label_caption(k): v for k, v in stats.nodes.items()}, "节点 nodes"),
                        width="stretch")
    with right:
        st.subheader("关系类型 Relationship types")
        st.altair_chart(charts.counts(stats.relationships, "关系 relationships"), width="stretch")

    loads = state.cached_role_load(sess.store, sess.key, f.documents, f.areas)
    if not loads:
        st.info("当前筛选下没有职责关系 No responsibilities under the current filters.")
    else:
        left, right = st.columns(2)
        with left:
            st.subheader("机构职责量 Load by agency")
            st.altair_chart(charts.stacked_roles(analysis.load_by_agency(loads)), width="stretch")
        with right:
            st.subheader("按省份 Load by province")
            provinces = state.cached_province_load(sess.store, sess.key, f.documents, f.areas)
            st.altair_chart(charts.stacked_roles(analysis.load_by_agency(provinces, top=None)), width="stretch")
        st.subheader("政策领域 × 机构 Areas by agency")
        areas = analysis.areas_by_agency(state.cached_area_load(sess.store, sess.key, f.documents, f.areas))
        if areas.empty:
            st.caption("没有领域标注 No areas on these measures.")
        else:
            st.altair_chart(alt.Chart(areas).mark_rect().encode(
                x=alt.X("area:N", title="领域 area"),
                y=alt.Y("actor:N", title=None, sort="-color", axis=alt.Axis(labelLimit=240, labelOverlap=False)),
                color=alt.Color("measures:Q", title="措施 measures"),
                tooltip=["actor", "area", "measures"]), width="stretch")
        st.subheader("共同负责 Top co-responsible pairs")
        pairs = state.cached_co_responsible(sess.store, sess.key, f.documents, f.areas)
        st.dataframe(analysis.co_responsible_pairs(pairs), hide_index=True, width="stretch")

    st.subheader("文件 Documents")
    docs = state.cached_documents(sess.store, sess.key)
    load = state.cached_document_load(sess.store, sess.key)
    st.dataframe(pd.DataFrame([{
        "id": doc_stem(d.id), "标题 title": d.properties.get("title") or d.name,
        "类型 kind": d.properties.get("kind", ""), "日期 date": d.properties.get("date", ""),
        "施行 effective": d.properties.get("effective_date", ""),
        "条款 clauses": d.properties.get("clauses", 0),
        "分工 assignments": load.get(doc_stem(d.id), 0)} for d in docs]), hide_index=True, width="stretch")

    if len(docs) >= 2 and st.toggle("比较两份文件 Compare two documents", key="compare_on"):
        with st.container(border=True):
            options = {doc_stem(d.id): document_caption(d) for d in docs}
            c1, c2 = st.columns(2)
            a = c1.selectbox("文件 A", list(options), format_func=options.get, key="compare_a")
            b = c2.selectbox("文件 B", list(options), index=1, format_func=options.get, key="compare_b")
            if a and b and a != b:
                scope = state.cached_document_scope(sess.store, sess.key, (a, b))
                st.dataframe(analysis.compare_documents(scope, a, b), hide_index=True, width="stretch")
