"""导入 Ingest: upload → preview (entities, relations, evidence highlighted) → confirm to merge."""
import streamlit as st

from common.errors import KGError
from ui import ingest, state

st.title("导入 Ingest")
sess = state.session()
st.caption(f"txt / md / html / pdf / docx · ≤ {ingest.MAX_UPLOAD_BYTES // 2**20} MB · "
           "nothing is written to the graph before you confirm")

upload = st.file_uploader("文件 Document", type=[s.lstrip(".") for s in ingest.ALLOWED_SUFFIXES],
                          key="ingest_file", max_upload_size=ingest.MAX_UPLOAD_BYTES // 2**20)
with state.page_guard():
    if upload is None:
        st.session_state.pop("ingest_preview", None)
        st.stop()
    token = (upload.name, upload.size, getattr(upload, "file_id", ""))
    preview = st.session_state.get("ingest_preview")
    if not preview or preview[0] != token:
        with st.spinner("抽取中 Extracting…"):
            g = ingest.extract_upload(upload.name, upload.getvalue(), state.get_nlp())
        st.session_state["ingest_preview"] = preview = (token, g)
        st.session_state.pop("ingest_result", None)
    g = preview[1]
    st.subheader(f"{g.document.name}")
    st.caption(f"id `{g.doc_id}` · {len(g.entities)} 实体 entities · {len(g.relations)} 关系 relations · "
               + " · ".join(f"{k} {v}" for k, v in g.document.properties.items()
                            if k in ("date", "kind", "effective_date") and v))
    tabs = st.tabs(["条款 Clauses", "实体 Entities", "关系 Relations", "原文 Text"])
    with tabs[0]:
        st.dataframe(ingest.clause_frame(g), hide_index=True, width="stretch")
    with tabs[1]:
        st.dataframe(ingest.entity_frame(g), hide_index=True, width="stretch")
    with tabs[2]:
        st.dataframe(ingest.relation_frame(g), hide_index=True, width="stretch")
    with tabs[3]:
        st.markdown(ingest.highlight_html(g), unsafe_allow_html=True)
    if st.button("确认导入 Confirm and merge", type="primary", key="ingest_confirm"):
        try:
            report = sess.store.merge([g])
        except KGError as err:
            st.error(f"导入失败，图谱未改变 Merge failed, the graph is unchanged: {err}")
        except Exception as err:  # noqa: BLE001 - the store's merge is all-or-nothing
            st.error(f"导入失败，图谱未改变 Merge failed, the graph is unchanged: {type(err).__name__}: {err}")
        else:
            state.clear_query_cache()
            st.session_state["ingest_result"] = report
    report = st.session_state.get("ingest_result")
    if report is not None:
        st.success(f"已导入 Merged: {report.nodes_created} new nodes, "
                   f"{report.relationships_created} new relationships "
                   f"(0 and 0 means the document was already in the graph).")
