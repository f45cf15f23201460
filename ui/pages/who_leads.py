"""谁牵头 Who leads: an agency's measures by role, a measure's agencies by role, and a document's
responsibility matrix (任务分工表)."""
import pandas as pd
import streamlit as st

from graph.model import ACTOR_LABELS, MEASURE_LABELS, ROLE_TYPES, doc_stem
from ui import analysis, state
from ui.downloads import sheets_xlsx, table_downloads
from ui.labels import document_caption, role_caption
from ui.pickers import entity_picker

st.title("谁牵头 Who leads")
sess = state.session()
f = sess.filters
MODES = {"agency": "机构 → 措施 Agency → measures", "measure": "措施 → 机构 Measure → agencies",
         "matrix": "任务分工表 Responsibility matrix"}
if "who_mode" not in st.session_state and st.query_params.get("mode") in MODES:
    st.session_state["who_mode"] = st.query_params["mode"]
mode = st.radio("查询 Query", list(MODES), format_func=MODES.get, horizontal=True, key="who_mode",
                label_visibility="collapsed")
st.query_params["mode"] = mode

with state.page_guard():
    if mode in ("agency", "measure"):
        labels = ACTOR_LABELS if mode == "agency" else MEASURE_LABELS
        title = "机构 Agency" if mode == "agency" else "条款或任务 Clause or task"
        c1, c2 = st.columns([3, 2])
        with c1:
            chosen = entity_picker(sess, title, key=f"who_{mode}", labels=labels, url_param="entity")
        with c2:
            roles = st.multiselect("角色 Roles", ROLE_TYPES, format_func=role_caption, key="who_roles",
                                   placeholder="全部 all")
        if chosen:
            rows = state.cached_who_leads(sess.store, sess.key, chosen, f.documents, tuple(roles), f.areas)
            table = pd.DataFrame([{
                "角色 role": role_caption(r.role), "机构 agency": r.agency, "文件 document": r.doc_id,
                "条 no.": r.number, "措施 measure": r.measure, "类型 kind": r.measure_label,
                "领域 areas": "、".join(r.areas), "完成时限 deadline": r.deadline or "",
                "证据 evidence": " / ".join(ev.get("text", "") for ev in r.evidence)} for r in rows])
            if table.empty:
                st.info("没有匹配的职责 No responsibilities match.")
            else:
                st.caption(f"{len(table)} 条 rows")
                shown = ["机构 agency"] if mode == "measure" else ["文件 document", "条 no.", "措施 measure", "类型 kind"]
                if table["完成时限 deadline"].astype(bool).any():
                    shown.append("完成时限 deadline")
                for role in ROLE_TYPES:
                    part = table[table["角色 role"] == role_caption(role)]
                    if len(part):
                        st.subheader(f"{role_caption(role)} ({len(part)})")
                        st.dataframe(part[shown + ["领域 areas", "证据 evidence"]], hide_index=True,
                                     width="stretch")
                table_downloads(table, "who_leads", key="who_dl", sheet="who_leads")
    else:
        docs = state.cached_documents(sess.store, sess.key)
        load = state.cached_document_load(sess.store, sess.key)
        # Documents that assign responsibilities first (the others have an empty table).
        ordered = sorted(docs, key=lambda d: (-load.get(doc_stem(d.id), 0), doc_stem(d.id)))
        options = {doc_stem(d.id): f"{document_caption(d)} · {load.get(doc_stem(d.id), 0)} 项分工 assignments"
                   for d in ordered}
        if st.query_params.get("doc") in options and "who_matrix_doc" not in st.session_state:
            st.session_state["who_matrix_doc"] = st.query_params["doc"]
        doc = st.selectbox("文件 Document", list(options), format_func=options.get, key="who_matrix_doc")
        if doc:
            st.query_params["doc"] = doc
        if doc:
            scope = state.cached_document_scope(sess.store, sess.key, (doc,))
            matrix = analysis.responsibility_matrix(scope, doc)
            if matrix.empty:
                st.info("这份文件没有职责分工 This document assigns no responsibilities.")
            else:
                st.caption(f"{matrix.shape[0]} 项措施 measures × {matrix.shape[1]} 个机构 agencies · "
                           "牵头 / 共同牵头 / 负责 / 配合")
                st.dataframe(matrix.style.map(analysis.role_cell_style), width="stretch",
                             height=min(700, 40 + 35 * len(matrix)))
                title = next((d.properties.get("title") for d in docs if doc_stem(d.id) == doc), "") or ""
                # sheet 1, the 任务分工表 as governments publish it (kg build / 导入 read it back); sheet 2, the matrix
                book = sheets_xlsx({"任务分工表": analysis.division_table(scope, doc, title)}, {"矩阵 matrix": matrix})
                table_downloads(matrix, f"任务分工表_{doc}", key="matrix_dl", index=True, xlsx=book)
