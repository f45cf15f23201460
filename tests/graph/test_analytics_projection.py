"""Analytics on the networkx projection: same numbers from both backends."""
from __future__ import annotations

import pytest

from graph import analytics as A
from graph.memory_store import MemoryStore
from tests.support.samples import sample_graphs
from tests.support.stores import BACKENDS, make_store

EXEC = "agency:长三角生态绿色一体化发展示范区执行委员会"


@pytest.fixture(params=BACKENDS)
def sub(request, tmp_path):
    store = make_store(request.param, tmp_path, request)
    store.merge(sample_graphs())
    return store.subgraph()


def test_co_responsibility_weights_shared_measures(sub):
    pairs = A.co_responsibility(sub)
    top = {(p.a_name, p.b_name): p.weight for p in pairs}
    # the three development departments and the 执委会 share clauses 1 and 2
    assert top[("上海市发展改革部门", "江苏省发展改革部门")] == 2
    assert top[("上海市财政部门", "江苏省财政部门")] == 1
    assert pairs[0].weight == max(p.weight for p in pairs)
    assert ("南京海关", "杭州海关") in top and ("上海海关", "南京海关") in top
    g = A.co_responsibility_graph(sub, min_weight=2)
    assert all(d["weight"] >= 2 for _a, _b, d in g.edges(data=True))


def test_load_by_agency_and_by_province(sub):
    load = {x.name: x for x in A.responsibility_load(sub)}
    assert load["长三角生态绿色一体化发展示范区执行委员会"].by_role == {"LEADS": 1, "RESPONSIBLE_FOR": 2}
    assert load["上海海关"].total == 1
    prov = {x.name: x.total for x in A.load_by_province(sub)}
    # by name: 上海市财政部门 1 + 上海市发展改革部门 2 + 上海海关 1 (alias 上海); 江苏省, 浙江省 1 + 2
    assert prov == {"上海市": 4, "江苏省": 3, "浙江省": 3}
    assert A.province_of(sub)["county:青浦区"] == "province:上海市"      # via LOCATED_IN
    finance = {x.name for x in A.responsibility_load(sub, areas=["财政"])}
    assert "上海市发展改革部门" not in finance and "上海市财政部门" in finance


def test_degree_and_pagerank_rankings(sub):
    deg = A.degree_ranking(sub, limit=100)
    assert deg[0].value == max(r.value for r in deg)
    pr = A.pagerank_ranking(sub, limit=1000)
    assert abs(sum(r.value for r in pr) - 1.0) < 1e-6
    assert [r.id for r in A.pagerank_ranking(sub, labels=["Agency"], limit=1)] == [EXEC]


def test_compare_documents(sub):
    c = A.compare_documents(sub, "002_sample_policy", "document:000_sample_news")
    assert c.agencies_gained == ["上海海关", "南京海关", "杭州海关"]
    assert "上海市财政部门" in c.agencies_lost and "上海市发展改革部门" in c.agencies_kept
    assert (c.areas_gained, c.areas_lost, c.areas_kept) == (["海关贸易"], ["财政"], ["体制机制"])


def test_responsibility_matrix(sub):
    m = A.responsibility_matrix(sub, "002_sample_policy")
    table = m.table()
    assert [r[0] for r in table[1:]] == [1, 2, 3]
    assert table[0][2] == "长三角生态绿色一体化发展示范区执行委员会"     # busiest actor first
    assert [row[2] for row in table[1:]] == ["负责", "牵头", "负责"]
    col = table[0].index("上海市发展改革部门")
    assert [row[col] for row in table[1:]] == ["负责", "配合", ""]


def test_graph_stats_match_the_store(tmp_path):
    store = MemoryStore(tmp_path / "g.json")
    store.merge(sample_graphs())
    assert A.graph_stats(store.subgraph()) == store.stats()
    g = A.to_networkx(store.subgraph())
    assert g.number_of_nodes() == store.stats().total_nodes
