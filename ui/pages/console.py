"""Cypher 控制台 Console: read-only Cypher on the Neo4j backend, with a timeout and a row cap."""
import streamlit as st

from ui import console, graphview, state

st.title("Cypher 控制台 Console")
sess = state.session()

if sess.store.backend != "neo4j":
    st.info(f"控制台需要 Neo4j 后端 The console needs the Neo4j backend; this app runs on the "
            f"**{sess.store.backend}** store. Start it with `KG_BACKEND=neo4j` (and `NEO4J_URI`, or "
            "`kg neo4j start` for the local engine). Every other page works on either store.")
    st.stop()

with state.page_guard():
    st.caption("只读 Read-only transaction · writes are refused · timeout and row cap apply")
    example = st.selectbox("示例 Examples", list(console.EXAMPLES), index=None, key="console_example",
                           placeholder="选择示例 pick an example")
    if example and st.session_state.get("_console_example_used") != example:
        st.session_state["console_query"] = console.EXAMPLES[example]
        st.session_state["_console_example_used"] = example
    query = st.text_area("Cypher", key="console_query", height=120,
                         placeholder="MATCH (a:Agency)-[r:LEADS]->(c) RETURN a, r, c LIMIT 25")
    c1, c2, c3 = st.columns([1, 1, 4])
    timeout = c1.number_input("超时 Timeout (s)", 1, 60, 10, key="console_timeout")
    cap = c2.number_input("行数上限 Row cap", 1, 5000, 500, key="console_cap")
    if st.button("运行 Run", type="primary", key="console_run") and query.strip():
        st.session_state.pop("console_result", None)
        columns, rows = sess.store.cypher(query, timeout_s=float(timeout), row_cap=int(cap))
        st.session_state["console_result"] = (columns, rows)
    result = st.session_state.get("console_result")
    if result:
        columns, rows = result
        st.caption(f"{len(rows)} 行 rows" + (" (已截断 capped)" if len(rows) >= cap else ""))
        st.dataframe(console.result_frame(columns, rows), hide_index=True, width="stretch")
        sub = console.result_subgraph(rows)
        if sub.nodes:
            st.session_state["current_subgraph"] = sub
            st.session_state["current_subgraph_name"] = "console"
            graphview.show_graph(sub, key="console_graph", height=460, expandable=False)
