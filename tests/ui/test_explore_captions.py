"""Captions of the graph views (short names, edge words, sizes by degree, no overlaps in the SVG) and the
details panel's one row per relationship, on the seed graph."""
from __future__ import annotations

from pathlib import Path

import pytest

from graph.model import REL_TYPES
from ui.details import EVIDENCE_SEP, relationship_rows
from ui.graphview import caption_size, edge_styles, node_styles, to_elements
from ui.labels import rel_caption, role_caption, short_name
from ui.svg import captions, layout, render_svg

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
EXEC_COMMITTEE = "长三角生态绿色一体化发展示范区执行委员会"


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory):
    import extract
    from graph import open_store

    store = open_store("memory", path=str(tmp_path_factory.mktemp("captions") / "graph.json"))
    store.merge([extract.extract_path(p) for p in sorted(SEEDS.glob("*.txt"))])
    return store


def test_short_names_keep_eight_chinese_characters_with_an_ellipsis():
    assert short_name("上海海关") == "上海海关"
    assert short_name("上海市松江区规划和自然资源局") == "上海市松江区规…"
    assert short_name(EXEC_COMMITTEE) == "长三角生态绿色…"
    assert short_name("长三角示范区执委会") == "长三角示范区执…"  # 9 characters: cut too
    assert short_name("Tesla上海超级工厂") == "Tesla上海超级…"   # Latin letters count half
    assert short_name("  浦东\n机场海关 ") == "浦东 机场海关"


def test_edges_say_their_role_in_chinese():
    assert [rel_caption(t) for t in ("LEADS", "CO_LEADS", "RESPONSIBLE_FOR", "SUPPORTS")] == \
        ["牵头", "共同牵头", "负责", "配合"]
    assert rel_caption("SUBORDINATE_TO") == "隶属"
    assert all(rel_caption(t) != t for t in REL_TYPES), "every type has a Chinese word"
    assert role_caption("SUBORDINATE_TO") == "隶属 SUBORDINATE_TO"


def test_canvas_elements_carry_short_and_full_names(seed_store):
    customs = seed_store.resolve("上海海关")
    sub = seed_store.neighbourhood([customs], depth=1)
    elements = to_elements(sub)
    nodes = {n["data"]["id"]: n["data"] for n in elements["nodes"]}
    for data in nodes.values():
        assert data["caption"] == short_name(data["name"])
        assert sum(2 if ord(c) >= 0x2E80 else 1 for c in data["caption"]) <= 16   # 8 Chinese characters
    task = next(d for d in nodes.values() if d["name"] == "建立三地海关跨境电商协同监管机制")
    assert task["caption"] == "建立三地海关跨…"
    # The hub's caption is bigger than a leaf's.
    assert nodes[customs]["font"] > min(d["font"] for d in nodes.values())
    words = {(e["data"]["source"], e["data"]["target"]): e["data"]["caption"] for e in elements["edges"]}
    assert words[(customs, task["id"])] == "牵头"
    assert words[(customs, seed_store.resolve("海关总署"))] == "隶属"


def test_styles_draw_captions_and_the_full_name_on_hover():
    rules: dict[str, dict] = {}
    for rule in node_styles() + edge_styles():   # later rules add to (and win over) earlier ones
        rules.setdefault(rule.dump()["selector"], {}).update(rule.dump()["style"])
    assert rules["node[label='Customs']"]["label"] == "data(caption)"
    assert rules["node.kg-hover, node:selected"]["label"] == "data(name)"
    assert rules["node.kg-nocap"]["label"] == ""
    assert rules["edge[label='LEADS']"]["label"] == "data(caption)"
    assert rules["edge[label='LEADS']"]["color"] == "#d62728"   # 牵头 in the role's red
    assert rules["node"]["font-size"] == "data(font)" and rules["node"]["text-valign"] == "bottom"
    assert caption_size(0) < caption_size(9) < caption_size(100) <= 34


def test_svg_captions_every_node_of_a_small_view_and_never_overlap(seed_store):
    small = seed_store.neighbourhood([seed_store.resolve("上海海关")], depth=1)
    placed = captions(layout(small))
    assert set(placed) == {n.id for n in small.nodes}
    svg = render_svg(small)
    assert "建立三地海关跨…" in svg and "牵头" in svg and "<title>Task: 建立三地海关跨境电商协同监管机制</title>" in svg

    big = seed_store.neighbourhood([seed_store.resolve(EXEC_COMMITTEE)], depth=2, node_cap=400)
    d = layout(big)
    placed = captions(d)
    assert len(placed) > 20
    boxes = []
    for x, y, size, text in placed.values():
        w = sum(size if ord(c) > 0x2E80 else size * 0.55 for c in text)
        boxes.append((x - w / 2, y - size, x + w / 2, y))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not (a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5), (a, b)
    hub = max(big.nodes, key=lambda n: d.radius[n.id])
    assert hub.id in placed, "the biggest node is always named"


def test_details_list_each_relationship_once_with_its_evidence_grouped(seed_store):
    customs = seed_store.resolve("上海海关")
    node, edges = seed_store.entity(customs)
    rows = relationship_rows(node.id, edges, lambda i: i.split(":", 1)[1])
    keys = [(r["方向 dir"], r["关系 type"], r["对象 other"]) for r in rows]
    assert len(keys) == len(set(keys)) == len(edges)
    leads = [r for r in rows if r["关系 type"] == "牵头 LEADS"]
    assert {r["对象 other"] for r in leads} == {"建立三地海关跨境电商协同监管机制", "建立长三角区域内直属海关一体协同工作机制"}
    both = next(r for r in leads if r["对象 other"] == "建立三地海关跨境电商协同监管机制")
    assert both["证据数 n"] == 2 and len(both["证据 evidence"].split(EVIDENCE_SEP)) == 2
    assert both["文件 docs"] == "000_240b27bb87115fef、001_3fb05db176bced71"
    # The same sentence in two documents (full- vs half-width commas) is shown once.
    down = next(r for r in rows if r["方向 dir"] == "←" and r["对象 other"] == "浦东机场海关")
    assert down["关系 type"] == "隶属 SUBORDINATE_TO" and down["证据数 n"] == 2
    assert EVIDENCE_SEP not in down["证据 evidence"]
