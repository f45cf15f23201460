"""The Streamlit app, page by page, on the seed graph (streamlit.testing.v1.AppTest).

The seed graph is built once per session into a temporary KG_DATA by extracting `seeds/` and merging
through the store; each test points the app at it (or at a fresh empty store) via the environment.
"""
from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import networkx as nx
import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

from tests.support.apptest import app_test  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
SEED_002 = "002_5c908e72577d78e6"
PAGES = ["overview", "who_leads", "explore", "paths", "map", "console", "export", "ingest"]
FINANCE = ["上海市财政部门", "江苏省财政部门", "浙江省财政部门"]
EXEC_COMMITTEE = "长三角生态绿色一体化发展示范区执行委员会"


def seed_files() -> list[Path]:
    return sorted(p for p in SEEDS.iterdir() if p.suffix == ".txt")


@pytest.fixture(scope="session")
def seed_graph_file(tmp_path_factory) -> Path:
    """The five seeds, extracted and merged into an embedded store file."""
    import extract
    from graph import open_store

    path = tmp_path_factory.mktemp("app_seed") / "graph.json"
    store = open_store("memory", path=str(path))
    store.merge([extract.extract_path(p) for p in seed_files()])
    store.close()
    return path


@pytest.fixture
def seed_env(seed_graph_file, monkeypatch) -> Path:
    monkeypatch.setenv("KG_BACKEND", "memory")
    monkeypatch.setenv("KG_DATA", str(seed_graph_file))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    return seed_graph_file


@pytest.fixture
def seed_store(seed_env):
    from graph import open_store
    return open_store("memory", path=str(seed_env))


def run_page(page: str, query: dict[str, str] | None = None) -> AppTest:
    at = app_test()
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()  # the navigation's default page (switch_page needs a first run)
    if page != "overview":
        at.switch_page(f"ui/pages/{page}.py").run()
    return at


def no_errors(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def frames_text(at: AppTest) -> str:
    return "\n".join(df.value.to_csv() for df in at.dataframe)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_the_seed_graph(seed_env, page):
    at = run_page(page)
    no_errors(at)
    assert at.title and at.title[0].value, "every page has a title"
    sidebar = " ".join(c.value for c in at.sidebar.caption)
    assert "memory" in sidebar and "节点 nodes" in sidebar


def test_who_leads_shanghai_customs_lists_the_cross_border_ecommerce_task(seed_env, seed_store):
    customs = seed_store.resolve("上海海关")
    at = run_page("who_leads")
    at.selectbox(key="who_agency").select(customs).run()
    no_errors(at)
    text = frames_text(at)
    assert "跨境电商" in text, text[:500]
    assert at.query_params.get("entity") == customs  # shareable link


def test_who_leads_opens_from_a_shared_link(seed_env, seed_store):
    at = run_page("who_leads", {"mode": "agency", "entity": "上海海关"})
    no_errors(at)
    assert at.selectbox(key="who_agency").value == seed_store.resolve("上海海关")
    assert "跨境电商" in frames_text(at)


def _clause(store, doc: str, number: int) -> str:
    clauses = [n for n in store.subgraph(labels=["Clause"], documents=[doc]).nodes
               if n.properties.get("number") == number and not n.properties.get("section")]
    assert clauses, f"no clause {number} in {doc}"
    return clauses[0].id


def test_who_leads_first_batch_clause_3_lists_finance_departments_and_committee(seed_env, seed_store):
    clause = _clause(seed_store, SEED_002, 3)
    at = run_page("who_leads")
    at.radio(key="who_mode").set_value("measure").run()
    at.selectbox(key="who_measure").select(clause).run()
    no_errors(at)
    agencies = set()
    for df in at.dataframe:
        if "机构 agency" in df.value.columns:
            agencies.update(df.value["机构 agency"])
    for name in [*FINANCE, EXEC_COMMITTEE]:
        assert name in agencies, (name, agencies)


def test_who_leads_matrix_of_the_first_batch(seed_env, seed_store):
    at = run_page("who_leads", {"mode": "matrix"})
    at.selectbox(key="who_matrix_doc").select(SEED_002).run()
    no_errors(at)
    matrix = at.dataframe[0].value
    row = next(i for i in matrix.index if "加大财政支持力度" in i)
    for name in [*FINANCE, EXEC_COMMITTEE]:
        assert matrix.loc[row, name] in ("负责", "牵头", "共同牵头", "配合"), (name, matrix.loc[row].to_dict())
    assert len(at.get("download_button")) == 2  # CSV and xlsx


def test_explore_draws_the_neighbourhood_and_expands_in_place(seed_env, seed_store):
    customs = seed_store.resolve("上海海关")
    at = run_page("explore", {"entity": customs})
    no_errors(at)
    before = at.session_state["current_subgraph"]
    assert customs in {n.id for n in before.nodes} and len(before.nodes) > 1
    neighbour = next(n.id for n in before.nodes if n.id != customs)
    at.selectbox(key=f"explore_detail_{customs}").select(neighbour).run()
    at.button(key="explore_expand_btn").click().run()
    no_errors(at)
    after = at.session_state["current_subgraph"]
    assert neighbour in at.session_state["explore_expanded"]
    assert {n.id for n in before.nodes} <= {n.id for n in after.nodes}
    expected = seed_store.neighbourhood([neighbour], depth=1)
    assert {n.id for n in expected.nodes} <= {n.id for n in after.nodes}


def test_explore_details_list_each_relationship_once(seed_env, seed_store):
    customs = seed_store.resolve("上海海关")
    at = run_page("explore", {"entity": customs})
    no_errors(at)
    table = next(df.value for df in at.dataframe if "证据数 n" in df.value.columns)
    _node, edges = seed_store.entity(customs)
    assert len(table) == len(edges) == len(table.drop_duplicates(["方向 dir", "关系 type", "对象 other"]))
    leads = table[table["关系 type"] == "牵头 LEADS"]
    assert len(leads) == 2 and leads["证据数 n"].sum() == 3
    assert "跨境电商" in " ".join(leads["证据 evidence"])


def test_map_place_comes_from_the_url_and_goes_back_to_it(seed_env):
    at = run_page("map", {"place": "江苏省"})
    no_errors(at)
    assert at.selectbox(key="map_place").value == "江苏省"
    at.selectbox(key="map_place").select("上海市").run()
    assert at.query_params.get("place") == "上海市"


def test_paths_between_two_customs_houses(seed_env, seed_store):
    a, b = seed_store.resolve("上海海关"), seed_store.resolve("杭州海关")
    at = run_page("paths", {"from": a, "to": b})
    no_errors(at)
    assert at.dataframe, "each path is listed with its edges"
    assert "上海海关" in " ".join(m.value for m in at.markdown)


def test_map_lists_places_and_their_measures(seed_env):
    at = run_page("map")
    no_errors(at)
    places = at.selectbox(key="map_place").options
    assert any("上海市" in p for p in places), places
    at.selectbox(key="map_place").select("上海市").run()
    assert len(at.dataframe[0].value) > 0


def map_regions(at: AppTest) -> dict[str, str]:
    """Filled regions of the page's map: place → level (from the deck.gl JSON the page sends)."""
    spec = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    regions = next(layer for layer in spec["layers"] if layer["id"] == "regions")
    return {f["properties"]["place"]: f["properties"]["level"] for f in regions["data"]["features"]}


def test_map_colours_cities_or_provinces_by_their_measures(seed_env):
    at = run_page("map")
    no_errors(at)
    # 上海市 fills its city outline (a municipality); 江苏省/浙江省 stay bubbles at city level.
    assert map_regions(at) == {"上海市": "city", "南京市": "city", "杭州市": "city"}
    at.toggle(key="map_by_province").set_value(True).run()
    no_errors(at)
    assert map_regions(at) == {"上海市": "province", "江苏省": "province", "浙江省": "province"}


def test_console_is_explained_on_the_embedded_store(seed_env):
    at = run_page("console")
    no_errors(at)
    assert any("Neo4j" in i.value for i in at.info)
    assert not at.text_area  # no query box on the embedded store


def test_export_produces_every_format(seed_env, seed_store):
    at = run_page("export")
    no_errors(at)
    files = {fmt: make() for fmt, _label, _name, _mime, make in at.session_state["export_files"]}
    assert set(files) == {"graphml", "json", "csv", "cypher", "xlsx", "svg", "png"}
    assert all(len(data) > 0 for data in files.values())
    whole = seed_store.subgraph()
    g = nx.read_graphml(io.BytesIO(files["graphml"]))
    assert g.number_of_nodes() == len(whole.nodes)
    assert set(zipfile.ZipFile(io.BytesIO(files["csv"])).namelist()) >= {"nodes.csv", "relationships.csv"}
    assert len(json.loads(files["json"])["nodes"]) == len(whole.nodes)
    assert zipfile.is_zipfile(io.BytesIO(files["xlsx"]))
    assert "MERGE" in files["cypher"].decode("utf-8")
    assert "上海海关" in files["svg"].decode("utf-8")
    assert files["png"].startswith(b"\x89PNG")
    assert len(at.get("download_button")) == 7


def test_export_of_the_current_explore_view(seed_env, seed_store):
    customs = seed_store.resolve("上海海关")
    at = run_page("explore", {"entity": customs})
    at.switch_page("ui/pages/export.py").run()
    no_errors(at)
    assert at.radio(key="export_scope").value == "current"
    make = next(m for fmt, _l, _n, _m, m in at.session_state["export_files"] if fmt == "graphml")
    g = nx.read_graphml(io.BytesIO(make()))
    assert g.number_of_nodes() == len(at.session_state["current_subgraph"].nodes)


@pytest.fixture
def empty_env(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "graph.json"
    monkeypatch.setenv("KG_BACKEND", "memory")
    monkeypatch.setenv("KG_DATA", str(path))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    return path


def _upload_seed(at: AppTest, name: str = f"{SEED_002}.txt") -> AppTest:
    at.file_uploader(key="ingest_file").upload(name, (SEEDS / name).read_bytes(), "text/plain")
    return at.run()


def test_ingest_previews_then_merges_idempotently(empty_env):
    import extract
    from graph import open_store

    store = open_store("memory", path=str(empty_env))
    at = _upload_seed(run_page("ingest"))
    no_errors(at)
    clauses = at.dataframe[0].value
    expected = [e for e in extract.extract_path(SEEDS / f"{SEED_002}.txt").entities if e.type == "Clause"]
    assert len(clauses) == len(expected) > 0
    assert any("加大财政支持力度" in str(t) for t in clauses["标题 title"])
    assert "<mark" in " ".join(m.value for m in at.markdown), "evidence is highlighted in the text"
    assert store.stats().total_nodes == 0, "nothing is written before confirmation"

    at.button(key="ingest_confirm").click().run()
    no_errors(at)
    assert at.success
    first = store.stats().to_dict()
    assert first["total_nodes"] > 0
    at.button(key="ingest_confirm").click().run()
    no_errors(at)
    assert store.stats().to_dict() == first, "a second confirm changes nothing"


def test_ingest_failed_merge_leaves_graph_unchanged(seed_graph_file, tmp_path, monkeypatch):
    from graph import open_store
    from common.errors import StoreUnavailable
    from graph.memory_store import MemoryStore

    path = tmp_path / "graph.json"
    shutil.copy(seed_graph_file, path)
    monkeypatch.setenv("KG_BACKEND", "memory")
    monkeypatch.setenv("KG_DATA", str(path))
    before = open_store("memory", path=str(path)).stats().to_dict()

    def broken(self, graphs, progress=None):
        raise StoreUnavailable("disk full (simulated)")
    monkeypatch.setattr(MemoryStore, "merge", broken)
    at = _upload_seed(run_page("ingest"), "000_240b27bb87115fef.txt")
    at.button(key="ingest_confirm").click().run()
    assert not at.exception
    assert any("unchanged" in e.value and "disk full" in e.value for e in at.error)
    assert open_store("memory", path=str(path)).stats().to_dict() == before


def test_ingest_refuses_a_disallowed_type(empty_env):
    at = run_page("ingest")
    assert set(at.file_uploader(key="ingest_file").allowed_type) >= {".txt", ".pdf", ".docx"}
    from common.errors import InputError
    from ui.ingest import check_upload
    with pytest.raises(InputError):
        check_upload("evil.exe", 10)
    with pytest.raises(InputError):
        check_upload("huge.txt", 50 * 2**20)


@pytest.mark.parametrize("page", PAGES)
def test_pages_load_when_neo4j_is_unreachable(page, monkeypatch):
    monkeypatch.setenv("KG_BACKEND", "neo4j")
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:9")  # nothing listens on the discard port
    monkeypatch.setenv("NEO4J_USER", "neo4j")
    monkeypatch.setenv("NEO4J_PASSWORD", "unused")
    monkeypatch.setenv("KG_NEO4J_RETRY_S", "0")           # fail fast, no retry window
    at = run_page(page)
    assert not at.exception, [e.value for e in at.exception]
    messages = [w.value for w in at.warning] + [w.value for w in at.sidebar.warning]
    assert messages and all("\n" not in m and "Traceback" not in m for m in messages)


# ---------------------------------------------------------------- the same pages on Neo4j

@pytest.fixture
def neo4j_seed_env(clean_neo4j, neo4j_settings, monkeypatch):
    """The seed graph merged into a clean Neo4j; the app pointed at it."""
    import extract
    from graph import open_store

    store = open_store("neo4j", uri=neo4j_settings.uri, user=neo4j_settings.user,
                       password=neo4j_settings.password, database=neo4j_settings.database)
    store.merge([extract.extract_path(p) for p in seed_files()])
    monkeypatch.setenv("KG_BACKEND", "neo4j")
    yield store
    store.close()


def test_every_page_renders_on_neo4j(neo4j_seed_env):
    customs = neo4j_seed_env.resolve("上海海关")
    for page, query in [("overview", {}), ("who_leads", {"mode": "agency", "entity": customs}),
                        ("explore", {"entity": customs}), ("paths", {"from": "上海海关", "to": "杭州海关"}),
                        ("map", {}), ("console", {}), ("export", {}), ("ingest", {})]:
        at = run_page(page, query)
        no_errors(at)
        assert "neo4j" in " ".join(c.value for c in at.sidebar.caption), page
        if page == "who_leads":
            assert "跨境电商" in frames_text(at)


def test_console_on_neo4j_shows_table_and_graph_and_refuses_writes(neo4j_seed_env):
    at = run_page("console")
    no_errors(at)
    at.text_area(key="console_query").input(
        "MATCH (a:Customs)-[r:LEADS]->(t:Task) RETURN a, r, t LIMIT 10").run()
    at.button(key="console_run").click().run()
    no_errors(at)
    table = at.dataframe[0].value
    assert len(table) > 0 and "上海海关" in table.to_csv()
    assert len(at.session_state["current_subgraph"].nodes) >= 2, "nodes in the result are drawn"

    before = neo4j_seed_env.stats().to_dict()
    at.text_area(key="console_query").input("MATCH (n) DETACH DELETE n").run()
    at.button(key="console_run").click().run()
    assert not at.exception
    assert at.error and all("\n" not in e.value for e in at.error)
    assert neo4j_seed_env.stats().to_dict() == before


def test_sidebar_document_filter_narrows_who_leads(seed_env, seed_store):
    customs = seed_store.resolve("上海海关")
    at = run_page("who_leads", {"mode": "agency", "entity": customs})
    assert "跨境电商" in frames_text(at)
    at.sidebar.multiselect(key="filter_documents").set_value([SEED_002]).run()
    no_errors(at)
    assert "跨境电商" not in frames_text(at), "the customs task is not in the first batch"
    assert any("No responsibilities" in i.value for i in at.info)


def test_big_graphs_switch_pickers_to_server_search(seed_env, seed_store, monkeypatch):
    import ui.pickers
    monkeypatch.setattr(ui.pickers, "MAX_CLIENT_OPTIONS", 10)  # the seed graph counts as big
    at = run_page("who_leads")
    at.text_input(key="who_agency_q").input("上海海关").run()
    no_errors(at)
    assert at.selectbox(key="who_agency").value == seed_store.resolve("上海海关")
    assert "跨境电商" in frames_text(at)
    at = run_page("explore", {"entity": "上海海关"})
    no_errors(at)
    assert seed_store.resolve("上海海关") in {n.id for n in at.session_state["current_subgraph"].nodes}


@pytest.fixture(scope="session")
def local_graph_file(tmp_path_factory) -> Path:
    """Two district documents (松江区, 嘉定区) and the seeds, extracted and merged."""
    import extract
    from graph import open_store

    path = tmp_path_factory.mktemp("app_local") / "graph.json"
    store = open_store("memory", path=str(path))
    store.merge([extract.extract_path(p) for p in seed_files()] +
                [extract.extract_path(ROOT / "corpus" / n) for n in
                 ("30_songjiang_urban_renewal_plan_2025.md", "31_jiading_sponge_city_plan_2024.md")])
    store.close()
    return path


def test_sidebar_jurisdiction_filter_narrows_documents_and_who_leads(local_graph_file, monkeypatch):
    monkeypatch.setenv("KG_BACKEND", "memory")
    monkeypatch.setenv("KG_DATA", str(local_graph_file))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    from graph import open_store
    store = open_store("memory", path=str(local_graph_file))
    bureau = store.resolve("上海市松江区建设和管理委员会")
    at = run_page("who_leads", {"mode": "agency", "entity": bureau})
    no_errors(at)
    juris = at.sidebar.multiselect(key="filter_jurisdictions")
    assert {"上海市松江区 (1)", "上海市嘉定区 (1)", "上海市 (3)"} <= set(juris.options)
    assert "燃气" in frames_text(at)
    juris.set_value(["上海市嘉定区"]).run()
    no_errors(at)
    docs = at.sidebar.multiselect(key="filter_documents")
    assert len(docs.options) == 1 and "嘉定" in docs.options[0]
    assert "燃气" not in frames_text(at), "松江区's measures are outside 嘉定区"


def test_ingest_an_xlsx_task_table_previews_and_merges(empty_env, tmp_path):
    """An .xlsx 任务分工表 uploaded in 导入: its rows are previewed as clauses, then merged with their roles."""
    import openpyxl
    from graph import open_store

    wb = openpyxl.Workbook()
    ws = wb.active
    for row in (["上海市松江区人民政府办公室关于印发重点任务分工的通知"],
                ["序号", "重点任务", "牵头单位", "配合单位", "完成时限"],
                [1, "推进光伏建设", "区发展改革委", "区机管局、各街道", "2026年底"],
                [2, "推进新型储能", "区建设管理委", "区水务局", "2026年6月"]):
        ws.append(row)
    path = tmp_path / "分工表.xlsx"
    wb.save(path)
    store = open_store("memory", path=str(empty_env))
    at = run_page("ingest")
    at.file_uploader(key="ingest_file").upload(
        "分工表.xlsx", path.read_bytes(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    at.run()
    no_errors(at)
    clauses = at.dataframe[0].value
    assert len(clauses) == 2 and any("推进光伏建设" in str(t) for t in clauses["标题 title"])
    at.button(key="ingest_confirm").click().run()
    no_errors(at)
    leads = store.who_leads(store.resolve("上海市松江区发展和改革委员会"))
    assert [(r.role, r.number, r.deadline) for r in leads] == [("LEADS", 1, "2026年底")]


def test_overview_compares_two_seed_documents(seed_env, seed_store):
    """The comparison of the seed policy (002) with the customs news (000): the customs offices appear."""
    docs = [d.id.removeprefix("document:") for d in seed_store.documents()]
    a = next(d for d in docs if d.startswith("002_"))
    b = next(d for d in docs if d.startswith("000_"))
    at = run_page("overview")
    at.toggle(key="compare_on").set_value(True).run()
    at.selectbox(key="compare_a").select(a).run()
    at.selectbox(key="compare_b").select(b).run()
    no_errors(at)
    table = at.dataframe[-1].value
    gained = table[(table["变化 change"] == "新增 gained") & (table[""] == "机构 agencies")]["名称 names"].iloc[0]
    assert "上海海关" in gained and "南京海关" in gained, gained
