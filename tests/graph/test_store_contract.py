"""The store contract: one suite, run on both backends (embedded networkx and the real Neo4j).

The last tests build both backends from the same input and require identical answers.
"""
from __future__ import annotations

import pytest

from common.errors import ConfigError, EntityNotFound
from graph.model import ROLE_TYPES, DocumentGraph, Entity
from graph.store import GraphStore
from tests.support.samples import HOSTILE, LONG_TEXT, hostile_doc, news_doc, policy_doc, sample_graphs
from tests.support.stores import BACKENDS, GRAPH_SETS, make_store

EXEC = "agency:长三角生态绿色一体化发展示范区执行委员会"
CLAUSE1 = "clause:002_sample_policy#1"


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path) -> GraphStore:
    return make_store(request.param, tmp_path, request)


@pytest.fixture
def loaded(store) -> GraphStore:
    store.merge(sample_graphs())
    return store


def _unique_entities(graphs: list[DocumentGraph]) -> dict[str, Entity]:
    out = {}
    for g in graphs:
        for e in [g.document, *g.entities]:
            out[e.id] = e
    return out


# -- writes ----------------------------------------------------------------------------------------

def test_rebuild_is_idempotent(store):
    first = store.merge(sample_graphs())
    stats, sub = store.stats(), store.subgraph()
    again = store.merge(sample_graphs())
    assert first.nodes_created == stats.total_nodes > 0
    assert (again.nodes_created, again.relationships_created) == (0, 0)
    assert store.stats() == stats
    assert store.subgraph() == sub      # no evidence, alias or document was duplicated


def test_stats_count_each_entity_once(loaded):
    graphs = sample_graphs()
    st = loaded.stats()
    assert st.total_nodes == len(_unique_entities(graphs)) == sum(st.nodes.values())
    keys = {r.key for g in graphs for r in g.relations}
    assert st.total_relationships == len(keys) == sum(st.relationships.values())
    assert st.nodes["Agency"] == sum(1 for e in _unique_entities(graphs).values() if e.type == "Agency")
    assert set(st.to_dict()) == {"nodes", "relationships", "total_nodes", "total_relationships"}


def test_provenance_accumulates_across_documents(store):
    store.merge([policy_doc()])
    _, edges = store.entity(EXEC)
    (before,) = [e for e in edges if e.type == "RESPONSIBLE_FOR" and e.target == CLAUSE1]
    assert [ev["doc_id"] for ev in before.evidence] == ["002_sample_policy"]
    store.merge([news_doc()])
    store.merge([news_doc()])          # a second time: nothing new
    _, edges = store.entity(EXEC)
    (after,) = [e for e in edges if e.type == "RESPONSIBLE_FOR" and e.target == CLAUSE1]
    assert [ev["doc_id"] for ev in after.evidence] == ["000_sample_news", "002_sample_policy"]
    assert {ev["text"] for ev in after.evidence} == {
        "执委会负责推进重大改革系统集成", "(责任单位:两省一市发展改革部门、示范区执委会)"}
    node, _ = store.entity(EXEC)
    assert node.documents == ["002_sample_policy", "000_sample_news"]
    assert node.aliases == ["示范区执委会", "执委会"]    # union, no duplicate


def test_merge_with_a_bad_label_writes_nothing(loaded):
    before = loaded.stats()
    bad = news_doc()
    bad.entities.append(Entity(id="x:1", type="NotALabel", name="x"))
    with pytest.raises(ValueError):
        loaded.merge([hostile_doc(), bad])
    assert loaded.stats() == before


def test_relations_with_a_missing_end_are_skipped(store):
    g = news_doc()
    report = store.merge([g])
    # news_doc points at the policy's clause 1, which is not in the store yet
    assert report.relationships_skipped == 2
    assert store.stats().relationships.get("RESPONSIBLE_FOR", 0) == 0
    store.merge([policy_doc()])
    again = store.merge([g])
    # now both ends exist: the two relations are merged into the policy's (evidence added)
    assert again.relationships_skipped == 0 and again.relationships_created == 0
    _, edges = store.entity(CLAUSE1)
    by_source = {e.source: e.documents for e in edges if e.type == "RESPONSIBLE_FOR"}
    assert by_source["agency:上海市发展改革部门"] == ["000_sample_news", "002_sample_policy"]


def test_reset_empties_the_store(loaded):
    loaded.reset()
    assert loaded.stats().total_nodes == 0
    assert loaded.search("上海") == []


# -- reads -----------------------------------------------------------------------------------------

def test_search_ranks_exact_then_prefix_then_substring_then_fuzzy(loaded):
    hits = loaded.search("执委会")
    assert hits[0].id == EXEC and hits[0].score > hits[1].score
    names = [h.name for h in loaded.search("上海")]
    assert names[0] == "上海市"                       # alias, exact
    assert names.index("上海海关") < names.index("上海市财政部门")   # shorter prefix match first
    fuzzy = loaded.search("长三角示范区执行委员会")        # not a substring of any name
    assert fuzzy and fuzzy[0].id == EXEC and fuzzy[0].score < 1
    assert loaded.search("(长三角生态绿色一体化发展示范区执行委员会)".strip("()"))[0].score == 4.0


def test_search_label_filter_and_limit(loaded):
    hits = loaded.search("海关", labels=["Task"])
    assert [h.label for h in hits] == ["Task"]
    assert len(loaded.search("部门", limit=2)) == 2
    with pytest.raises(ConfigError):
        loaded.search("海关", labels=["Nope"])


def test_resolve_by_id_name_alias_and_unknown(loaded):
    assert loaded.resolve(EXEC) == EXEC
    assert loaded.resolve("长三角生态绿色一体化发展示范区执行委员会") == EXEC
    assert loaded.resolve("示范区执委会") == EXEC
    assert loaded.resolve("沪") == "province:上海市"
    with pytest.raises(EntityNotFound, match="did you mean"):
        loaded.resolve("上海海关总署")
    with pytest.raises(EntityNotFound):
        loaded.entity("agency:does-not-exist")


def test_entity_detail_lists_every_relationship_with_evidence(loaded):
    node, edges = loaded.entity("customs:上海海关")
    assert node.label == "Customs" and node.name == "上海海关"
    assert {(e.source, e.type, e.target) for e in edges} == {
        ("customs:上海海关", "LEADS", "task:建立三地海关跨境电商协同监管机制"),
        ("customs:上海海关", "SUBORDINATE_TO", "customs:海关总署"),
        ("person:叶建", "HOLDS_POSITION", "customs:上海海关")}
    post = next(e for e in edges if e.type == "HOLDS_POSITION")
    assert post.properties == {"title": "副关长"} and post.source_name == "叶建"
    assert all(e.evidence and e.evidence[0]["text"] for e in edges)


def test_who_leads_for_an_agency_and_for_a_measure(loaded):
    rows = loaded.who_leads(EXEC)
    assert [(r.role, r.number) for r in rows] == [("LEADS", 2), ("RESPONSIBLE_FOR", 1), ("RESPONSIBLE_FOR", 3)]
    assert rows[0].measure == "赋予示范区执委会相关管理权限" and rows[0].doc_id == "002_sample_policy"
    task = loaded.who_leads("task:建立三地海关跨境电商协同监管机制")
    assert [(r.role, r.agency) for r in task] == [("LEADS", "上海海关"), ("SUPPORTS", "南京海关"),
                                                 ("SUPPORTS", "杭州海关")]
    assert task[0].areas == ["海关贸易"] and "牵头" in task[0].evidence[0]["text"]
    assert [r.role for r in rows] == sorted((r.role for r in rows), key=ROLE_TYPES.index)


def test_who_leads_filters(loaded):
    assert [r.number for r in loaded.who_leads(EXEC, roles=["RESPONSIBLE_FOR"])] == [1, 3]
    assert [r.number for r in loaded.who_leads(EXEC, areas=["财政"])] == [3]
    only_news = loaded.who_leads(EXEC, documents=["000_sample_news"])
    assert [(r.number, r.doc_id) for r in only_news] == [(1, "000_sample_news")]
    assert [ev["doc_id"] for ev in only_news[0].evidence] == ["000_sample_news"]
    assert loaded.who_leads(EXEC, documents=["document:000_sample_news"]) == only_news
    with pytest.raises(ConfigError):
        loaded.who_leads(EXEC, roles=["BOSSES"])


def test_neighbourhood_depth_filters_and_cap(loaded):
    one = loaded.neighbourhood(["customs:上海海关"], depth=1)
    assert {n.name for n in one.nodes} == {"上海海关", "建立三地海关跨境电商协同监管机制", "海关总署", "叶建"}
    assert not one.truncated and len(one.edges) == 3
    two = loaded.neighbourhood(["customs:上海海关"], depth=2)
    assert {"南京海关", "杭州海关"} <= {n.name for n in two.nodes}
    typed = loaded.neighbourhood(["customs:上海海关"], depth=2, rel_types=["LEADS"])
    assert {n.name for n in typed.nodes} == {"上海海关", "建立三地海关跨境电商协同监管机制"}
    labelled = loaded.neighbourhood(["customs:上海海关"], depth=2, labels=["Customs"])
    assert {n.name for n in labelled.nodes} == {"上海海关", "海关总署"}
    capped = loaded.neighbourhood([EXEC], depth=3, node_cap=5)
    assert capped.truncated and len(capped.nodes) == 5 and capped.nodes[0].id == EXEC
    by_doc = loaded.neighbourhood([EXEC], depth=1, documents=["000_sample_news"])
    assert {n.id for n in by_doc.nodes} == {EXEC, CLAUSE1}


def test_paths_are_shortest_and_respect_types(loaded):
    paths = loaded.paths("customs:南京海关", "customs:海关总署")
    assert [[n.name for n in p.nodes] for p in paths] == [["南京海关", "建立三地海关跨境电商协同监管机制", "上海海关", "海关总署"]]
    assert [e.type for e in paths[0].edges] == ["SUPPORTS", "LEADS", "SUBORDINATE_TO"]
    assert loaded.paths("customs:南京海关", "customs:海关总署", rel_types=["SUPPORTS", "LEADS"]) == []
    assert loaded.paths("customs:南京海关", "customs:海关总署", max_length=2) == []
    many = loaded.paths("agency:上海市发展改革部门", "agency:江苏省发展改革部门")
    assert len(many) == 2 and all(len(p.nodes) == 3 for p in many)


def test_subgraph_filters(loaded):
    everything = loaded.subgraph()
    assert len(everything.nodes) == loaded.stats().total_nodes
    assert len(everything.edges) == loaded.stats().total_relationships
    clauses = loaded.subgraph(labels=["Clause"])
    assert sorted(n.properties["number"] for n in clauses.nodes) == [1, 2, 3] and clauses.edges == []
    finance = loaded.subgraph(labels=["Clause", "Agency"], areas=["财政"])
    assert [n.properties.get("number") for n in finance.nodes if n.label == "Clause"] == [3]
    news = loaded.subgraph(documents=["000_sample_news"])
    assert all("000_sample_news" in e.documents for e in news.edges)
    assert {n.id for n in news.nodes} >= {"customs:上海海关", EXEC}


def test_documents_list_title_date_kind_clauses(loaded):
    docs = loaded.documents()
    assert [(d.id, d.properties["date"], d.properties["kind"], d.properties["clauses"]) for d in docs] == [
        ("document:002_sample_policy", "2020-06-10", "policy", 3),
        ("document:000_sample_news", "2022-09-15", "news", 0)]


def test_hostile_values_are_stored_and_found_verbatim(loaded):
    before = loaded.stats()
    report = loaded.merge([hostile_doc()])
    assert report.entities_skipped == 1 and report.relationships_skipped == 1
    for name in HOSTILE:
        eid = loaded.resolve(name)
        node, edges = loaded.entity(eid)
        assert node.name == name and node.properties["note"] == name
        assert node.properties["long_note"] == LONG_TEXT
        assert node.aliases == [name + " alias'`", "$x"]
        assert edges[0].evidence[0]["text"] == name + LONG_TEXT
        assert edges[0].evidence[0]["rule"] == "rule'`}) DETACH DELETE n //"
        assert loaded.search(name, limit=1)[0].name == name
    # the hostile merge added exactly its own entities and nothing was deleted
    after = loaded.stats()
    assert after.total_nodes == before.total_nodes + len(HOSTILE) + 2
    assert loaded.resolve("上海海关") == "customs:上海海关"
    for q in HOSTILE + ["'", '"', "`", "}) DETACH DELETE n //", "$param", "\\", "\x00"]:
        loaded.search(q)
        with pytest.raises(EntityNotFound):
            loaded.resolve(q + "不存在")
    assert loaded.stats() == after


def test_cypher_console_is_read_only(loaded):
    from common.errors import QueryRefused
    if loaded.backend == "memory":
        with pytest.raises(QueryRefused, match="Neo4j backend"):
            loaded.cypher("MATCH (n) RETURN n")
        return
    cols, rows = loaded.cypher("MATCH (n:Customs) RETURN n.name AS name ORDER BY name")
    assert cols == ["name"] and [r[0] for r in rows] == ["上海海关", "南京海关", "杭州海关", "海关总署"]
    assert len(loaded.cypher("UNWIND range(1, 5000) AS x RETURN x", row_cap=10)[1]) == 10
    _, rows = loaded.cypher("MATCH (n:Entity {id: $id}) RETURN n", params={"id": EXEC})
    assert rows[0][0].name == "长三角生态绿色一体化发展示范区执行委员会"
    for q in ["CREATE (n:Agency {id: 'x'})", "MATCH (n) DETACH DELETE n", "MATCH (n) SET n.x = 1",
              "MERGE (n:Entity {id: 'y'})", "MATCH (n) REMOVE n.name",
              "LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l",
              "CALL { CREATE (n:X) } IN TRANSACTIONS", "CALL dbms.listConfig()",
              "CREATE INDEX x FOR (n:Agency) ON (n.x)"]:
        with pytest.raises(QueryRefused):
            loaded.cypher(q)
    with pytest.raises(QueryRefused, match="timeout"):
        loaded.cypher("UNWIND range(1, 100000000) AS x WITH x WHERE x % 7 = 99 RETURN count(x)", timeout_s=0.5)
    assert loaded.stats() == loaded.stats() and loaded.resolve("上海海关")


# -- identical answers on both backends ---------------------------------------------------------------

# the extracted seeds: hundreds of entities, thousands of queries on each backend (a bulk sweep)
@pytest.fixture(params=[pytest.param(k, marks=[pytest.mark.slow] if k == "seeds" else []) for k in sorted(GRAPH_SETS)])
def both(request, tmp_path):
    graphs = GRAPH_SETS[request.param]()
    mem = make_store("memory", tmp_path, request)
    neo = make_store("neo4j", tmp_path, request)
    mem.merge(graphs)
    neo.merge(graphs)
    return mem, neo, graphs


@pytest.mark.neo4j
def test_backends_give_identical_answers(both):
    mem, neo, graphs = both
    assert mem.stats() == neo.stats() and mem.stats().total_nodes > 0
    assert mem.documents() == neo.documents()
    assert mem.subgraph() == neo.subgraph()
    sub = mem.subgraph()
    for n in sub.nodes:
        for q in {n.name, n.name[:2], n.name[1:4], *n.aliases}:
            assert mem.search(q) == neo.search(q), q
        assert mem.resolve(n.name) == neo.resolve(n.name)
        assert mem.entity(n.id) == neo.entity(n.id)
        assert mem.who_leads(n.id) == neo.who_leads(n.id)
    ids = sorted(n.id for n in sub.nodes)
    for eid in ids[:: max(1, len(ids) // 12)]:
        for depth in (1, 2):
            assert mem.neighbourhood([eid], depth=depth) == neo.neighbourhood([eid], depth=depth)
        assert mem.neighbourhood([eid], depth=3, node_cap=7) == neo.neighbourhood([eid], depth=3, node_cap=7)
        for other in ids[:: max(1, len(ids) // 6)]:
            assert mem.paths(eid, other) == neo.paths(eid, other), (eid, other)
    docs = [d.id for d in mem.documents()]
    assert mem.subgraph(documents=docs[:1]) == neo.subgraph(documents=docs[:1])
    for role in ROLE_TYPES:
        assert mem.subgraph(rel_types=[role]) == neo.subgraph(rel_types=[role])
    # the aggregations (graph.analytics for the embedded store, Cypher on Neo4j)
    assert mem.areas() == neo.areas()
    assert mem.hierarchy() == neo.hierarchy()
    assert mem.document_load() == neo.document_load() and sum(mem.document_load().values()) > 0
    for filters in ({}, {"documents": docs[:1]}, {"areas": mem.areas()[:1]}):
        assert mem.role_load(**filters) == neo.role_load(**filters), filters
        assert mem.role_load(limit=3, **filters) == neo.role_load(**filters)[:3], filters
        assert mem.province_load(**filters) == neo.province_load(**filters), filters
        assert mem.co_responsible(limit=50, **filters) == neo.co_responsible(limit=50, **filters), filters
        assert mem.area_load(top=5, **filters) == neo.area_load(top=5, **filters), filters
        assert mem.count(**filters) == neo.count(**filters), filters
    # Neo4j keeps the unfiltered answers after each write: they equal the live Cypher aggregations
    assert neo._saved("role_load") is not None
    assert neo.role_load() == neo._live_role_load() and neo.hierarchy() == neo._live_hierarchy()
    assert neo.co_responsible(limit=7) == neo._live_co_responsible(None, None, 7)
    assert neo.area_load() == neo._live_area_load(None, None, 15)
    assert neo.document_load() == neo._live_document_load()


@pytest.mark.neo4j
def test_maintained_aggregates_follow_every_write(tmp_path, request):
    """Neo4j: after a merge, a second merge and a reset, the kept answers are the live ones (never
    stale). (The embedded store memoises per loaded graph object instead.)"""
    store = make_store("neo4j", tmp_path, request)
    graphs = sample_graphs()
    store.merge(graphs[:1])
    first = store.role_load()
    assert first == store._live_role_load()
    store.merge(graphs)
    assert store.role_load() == store._live_role_load() != first
    from graph.cypher import AGGREGATES_LABEL
    kept = f"MATCH (m:{AGGREGATES_LABEL}) RETURN elementId(m) AS id"
    before = [r["id"] for r in store._read(kept)]
    store.reset()
    assert store.role_load() == [] and store.document_load() == {} and store.areas() == []
    # cleared and refilled, never deleted: a reader holding it during a write never meets a deleted node
    assert [r["id"] for r in store._read(kept)] == before and len(before) == 1


@pytest.mark.neo4j
def test_rebuild_with_neo4j_matches_the_embedded_store(both):
    mem, neo, graphs = both
    assert neo.merge(graphs).relationships_created == 0
    assert mem.merge(graphs).relationships_created == 0
    assert mem.stats() == neo.stats()


# -- jurisdictions -----------------------------------------------------------------------------------

def _jurisdiction_graphs() -> list[DocumentGraph]:
    """Two real local documents (松江区, 嘉定区) and a national one, extracted for real."""
    from pathlib import Path
    from extract import extract_path
    root = Path(__file__).resolve().parents[2] / "corpus"
    return [extract_path(root / n) for n in ("30_songjiang_urban_renewal_plan_2025.md",
                                             "31_jiading_sponge_city_plan_2024.md",
                                             "02_comprehensive_bonded_zones_opinions_2019.txt")]


def test_documents_and_bodies_filter_by_jurisdiction(store):
    store.merge(_jurisdiction_graphs())
    assert store.jurisdictions() == {"上海市松江区": 1, "上海市嘉定区": 1, "中华人民共和国": 1}
    assert sorted(d.id for d in store.documents_in("上海市")) == [
        "document:30_songjiang_urban_renewal_plan_2025", "document:31_jiading_sponge_city_plan_2024"]
    assert [d.id for d in store.documents_in("上海市松江区")] == ["document:30_songjiang_urban_renewal_plan_2025"]
    assert len(store.documents_in(None)) == 3
    # two districts' planning bureaus are two entities; a jurisdiction picks its own
    all_hits = {h.name for h in store.search("规划和自然资源局", labels=["Agency"], limit=10)}
    assert {"上海市松江区规划和自然资源局", "上海市嘉定区规划和自然资源局"} <= all_hits
    sj = [h.name for h in store.search("规划和自然资源局", labels=["Agency"], limit=10, jurisdiction="上海市松江区")]
    assert sj == ["上海市松江区规划和自然资源局"]
    assert store.search("规划和自然资源局", limit=10, jurisdiction="广州市") == []
