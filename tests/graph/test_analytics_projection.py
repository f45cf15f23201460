"""The store's aggregations and the document-scoped analytics: the same numbers from both backends."""
from __future__ import annotations

import pytest

from graph import analytics as A
from graph.memory_store import MemoryStore
from tests.support.samples import sample_graphs
from tests.support.stores import BACKENDS, make_store

EXEC = "agency:长三角生态绿色一体化发展示范区执行委员会"


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    store = make_store(request.param, tmp_path, request)
    store.merge(sample_graphs())
    return store


@pytest.fixture
def sub(store):
    return store.subgraph()


def test_co_responsibility_weights_shared_measures(store):
    pairs = store.co_responsible(limit=1000)
    top = {(p.a_name, p.b_name): p.weight for p in pairs}
    # the three development departments and the 执委会 share clauses 1 and 2
    assert top[("上海市发展改革部门", "江苏省发展改革部门")] == 2
    assert top[("上海市财政部门", "江苏省财政部门")] == 1
    assert [p.weight for p in pairs] == sorted((p.weight for p in pairs), reverse=True)
    assert ("南京海关", "杭州海关") in top and ("上海海关", "南京海关") in top
    assert all(p.a < p.b for p in pairs)
    assert store.co_responsible(limit=2) == pairs[:2]


def test_load_by_agency_and_by_province(store):
    loads = store.role_load()
    load = {x.name: x for x in loads}
    assert load["长三角生态绿色一体化发展示范区执行委员会"].by_role == {"LEADS": 1, "RESPONSIBLE_FOR": 2}
    assert load["上海海关"].total == 1
    assert [x.total for x in loads] == sorted((x.total for x in loads), reverse=True)
    hierarchy = store.hierarchy()
    prov = {x.name: x.total for x in A.load_by_province(loads, hierarchy)}
    # by name: 上海市财政部门 1 + 上海市发展改革部门 2 + 上海海关 1 (alias 上海); 江苏省, 浙江省 1 + 2
    assert prov == {"上海市": 4, "江苏省": 3, "浙江省": 3}
    assert A.province_of(hierarchy, [("county:青浦区", "青浦区")])["county:青浦区"] == "province:上海市"  # via LOCATED_IN
    finance = {x.name for x in store.role_load(areas=["财政"])}
    assert "上海市发展改革部门" not in finance and "上海市财政部门" in finance
    news = {x.name for x in store.role_load(documents=["000_sample_news"])}
    assert {"上海海关", "南京海关", "杭州海关"} <= news
    assert "上海市财政部门" not in news


def test_areas_counts_and_area_load(store):
    assert store.areas() == ["体制机制", "海关贸易", "财政"]
    rows = store.area_load(top=2)
    assert len({r.actor_id for r in rows}) == 2
    assert all(r.area in store.areas() and r.measures >= 1 for r in rows)
    nodes, edges = store.count()
    assert (nodes, edges) == (store.stats().total_nodes, store.stats().total_relationships)
    sub = store.subgraph(rel_types=["LEADS"], documents=["002_sample_policy"])
    assert store.count(rel_types=["LEADS"], documents=["002_sample_policy"]) == (len(sub.nodes), len(sub.edges))


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
    from graph.export import to_networkx
    g = to_networkx(store.subgraph())
    assert g.number_of_nodes() == store.stats().total_nodes


@pytest.mark.parametrize("node_id, parsed", [
    ("clause:002_sample_policy#3", ("002_sample_policy", None, 3)),
    ("clause:31_jiading#2.4", ("31_jiading", "2", 4)),
    ("clause:31_jiading#2.1.3", ("31_jiading", "2.1", 3)),
    ("clause:a#b#5", ("a#b", None, 5)),
    ("agency:上海海关", None),
    ("clause:no-number", None),
])
def test_clause_ids_parse_back(node_id, parsed):
    from graph.model import clause_document, clause_id, parse_clause_id
    assert parse_clause_id(node_id) == parsed
    if parsed:
        doc, section, number = parsed
        assert clause_id(doc, number, section) == node_id
        assert clause_document(node_id) == doc


def test_subgraph_algebra_on_the_sample_graph(sub):
    """filter_areas, without, passes and merged: the filters pages apply to a subgraph they hold."""
    clause_areas = {n.id: set(n.properties.get("areas") or []) for n in sub.nodes if n.label == "Clause"}
    fin = sub.filter_areas(["财政"])
    kept = {n.id for n in fin.nodes}
    assert {c for c, a in clause_areas.items() if "财政" in a} <= kept
    assert not {c for c, a in clause_areas.items() if "财政" not in a} & kept
    assert all(e.source in kept and e.target in kept for e in fin.edges)
    assert sub.filter_areas([]) is sub and sub.filter_areas(None) is sub
    gone = sub.without([EXEC])
    assert EXEC not in {n.id for n in gone.nodes} and all(EXEC not in (e.source, e.target) for e in gone.edges)
    assert gone.merged(sub).node(EXEC) is not None and len(gone.merged(sub).edges) == len(sub.edges)
    assert sub.passes() and not sub.passes(areas=["no-such-area"])
    one_doc = sub.filter_areas(["海关贸易"])
    assert one_doc.passes(documents=[d for e in one_doc.edges for d in e.documents] or None)


@pytest.mark.parametrize("limit", [0, 1, 2, 3, 15, 10_000])
def test_co_responsible_and_area_load_keep_the_full_orderings_top(limit, tmp_path):
    """The embedded aggregations pick their top rows without sorting every pair or actor: the same
    rows as the full orderings on the extracted seeds, ties included."""
    from collections import Counter, defaultdict
    from itertools import combinations
    from tests.support.stores import seed_graphs
    store = MemoryStore(tmp_path / "g.json")
    store.merge(seed_graphs())
    facts = store._role_facts()
    by_measure, names = defaultdict(set), {}
    for f in facts:
        by_measure[f.measure_id].add(f.actor_id)
        names[f.actor_id] = f.actor
    weight = Counter(p for actors in by_measure.values() for p in combinations(sorted(actors), 2))
    ranked = sorted(weight.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    assert A.co_responsible(facts, limit) == [A.Pair(a, names[a], b, names[b], w) for (a, b), w in ranked]
    measures, per_area = defaultdict(set), defaultdict(set)
    for f in facts:
        for area in f.areas:
            measures[f.actor_id].add(f.measure_id)
            per_area[(f.actor_id, area)].add(f.measure_id)
    top = set(sorted(measures, key=lambda a: (-len(measures[a]), names[a], a))[:limit])
    rows = sorted((A.AreaLoad(a, names[a], area, len(ms)) for (a, area), ms in per_area.items() if a in top),
                  key=lambda r: (-r.measures, r.actor, r.area))
    assert A.area_load(facts, limit) == rows
    assert limit == 0 or len(rows) > 0
