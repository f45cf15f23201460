"""YRD Policy Graph (长三角政策知识图谱): the Streamlit explorer.

Run with `streamlit run app.py`. The store comes from `graph.open_store()` (embedded by default,
Neo4j with KG_BACKEND=neo4j or NEO4J_URI; the connection comes from the environment or from
Streamlit secrets, see ui/state.py); pages live in ui/pages/ and stay thin.
"""
from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent))  # `streamlit run` from anywhere

from ui.sidebar import render_sidebar  # noqa: E402

PAGES = Path(__file__).resolve().parent / "ui" / "pages"

st.set_page_config(page_title="长三角政策知识图谱 YRD Policy Graph", page_icon="🕸️", layout="wide")

pages = [
    st.Page(PAGES / "overview.py", title="总览 Overview", icon=":material/dashboard:", url_path="overview", default=True),
    st.Page(PAGES / "who_leads.py", title="谁牵头 Who leads", icon=":material/account_balance:", url_path="who-leads"),
    st.Page(PAGES / "explore.py", title="关系探索 Explore", icon=":material/hub:", url_path="explore"),
    st.Page(PAGES / "paths.py", title="路径 Paths", icon=":material/route:", url_path="paths"),
    st.Page(PAGES / "map.py", title="地图 Map", icon=":material/map:", url_path="map"),
    st.Page(PAGES / "console.py", title="Cypher 控制台 Console", icon=":material/terminal:", url_path="console"),
    st.Page(PAGES / "export.py", title="导出 Export", icon=":material/download:", url_path="export"),
    st.Page(PAGES / "ingest.py", title="导入 Ingest", icon=":material/upload_file:", url_path="ingest"),
]
nav = st.navigation(pages)
render_sidebar()
nav.run()
