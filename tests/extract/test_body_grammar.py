"""Rule families of the public-body grammar (extract.bodies), table-driven."""
from __future__ import annotations

import pytest

from extract.bodies import load_body_grammar, split_items
from extract.jurisdiction import load_jurisdiction_reader
from extract.recognise import Target

G = load_body_grammar()
JR = load_jurisdiction_reader()
SONGJIANG = JR.from_name("上海市松江区")
GUANGZHOU = JR.from_name("广州市")
SHANGHAI = JR.from_name("上海市")
TOWN = JR.read({"doc_number": "闵吴府发〔2021〕3号"}, "")
NATIONAL = JR.from_name("国家")


@pytest.mark.parametrize("text, items", [
    ("区发展改革委、建设管理委、财政局", ["区发展改革委", "建设管理委", "财政局"]),
    ("区规划资源局、区交通委，各街镇", ["区规划资源局", "区交通委", "各街镇"]),
    ("市总工会、团市委和市妇联", ["市总工会", "团市委", "市妇联"]),
    ("区规划和自然资源局；区水务局", ["区规划和自然资源局", "区水务局"]),   # 和 inside a name stays
    ("建设管理委（交通委）、商务委", ["建设管理委（交通委）", "商务委"]),    # other names in brackets
    ("区绿化市容局等相关部门，\n各街镇", ["区绿化市容局", "各街镇"]),
    ("市财政局、市监察局等部门", ["市财政局", "市监察局"]),
])
def test_split_items(text, items):
    assert [text[s:e] for s, e in split_items(text, 0, len(text))] == items


@pytest.mark.parametrize("item, rel, chain, stem", [
    ("区规划资源局", "区", None, "规划资源局"),
    ("团市委", "市", None, "团委"),
    ("市委组织部", "市", None, "委组织部"),
    ("市场监管局", None, None, "市场监管局"),           # 市场 is no prefix
    ("市政府办公厅", "市", None, "政府办公厅"),
    ("上海市松江区财政局", None, ("上海市", "松江区"), "财政局"),
    ("街道城运中心", "街道", None, "城运中心"),
    ("发展改革委", None, None, "发展改革委"),
])
def test_strip_prefix(item, rel, chain, stem):
    r, c, s = G.strip_prefix(item)
    assert (r, tuple(p.name for p in c) if c else None, s) == (rel, chain, stem)


@pytest.mark.parametrize("item, jur, expected", [
    # relative names take the jurisdiction and the official full form
    ("区规划资源局", SONGJIANG, ("Agency", "上海市松江区规划和自然资源局")),
    ("区建设管理委", SONGJIANG, ("Agency", "上海市松江区建设和管理委员会")),
    ("区财政局", SONGJIANG, ("Agency", "上海市松江区财政局")),
    ("市发展改革委", SONGJIANG, ("Agency", "上海市发展和改革委员会")),
    ("市发展改革委", GUANGZHOU, ("Agency", "广州市发展和改革委员会")),
    ("市委办公厅", GUANGZHOU, ("Agency", "中共广州市委办公厅")),
    ("市委政研室", GUANGZHOU, ("Agency", "中共广州市委政策研究室")),
    ("市纪委", GUANGZHOU, ("Agency", "中共广州市纪律检查委员会")),
    ("团市委", GUANGZHOU, ("Organization", "共青团广州市委员会")),
    ("市总工会", GUANGZHOU, ("Organization", "广州市总工会")),
    ("市妇联", GUANGZHOU, ("Organization", "广州市妇女联合会")),
    ("市法院", GUANGZHOU, ("Agency", "广州市中级人民法院")),
    ("区法院", SONGJIANG, ("Agency", "上海市松江区人民法院")),
    ("市检察院", GUANGZHOU, ("Agency", "广州市人民检察院")),
    ("市政府", GUANGZHOU, ("Agency", "广州市人民政府")),
    ("区府办", SONGJIANG, ("Agency", "上海市松江区人民政府办公室")),
    ("区城市更新工作专班", SONGJIANG, ("Agency", "上海市松江区城市更新工作专班")),
    ("镇城运中心", TOWN, ("Agency", "上海市闵行区吴泾镇城运中心")),
    ("区城管执法局", TOWN, ("Agency", "上海市闵行区城市管理行政执法局")),
    # unprefixed names in a local document are the jurisdiction's own
    ("发展改革委", JR.from_name("上海市静安区"), ("Agency", "上海市静安区发展和改革委员会")),
    ("九里亭街道", SONGJIANG, ("Agency", "上海市松江区九里亭街道")),
    ("经开区", SONGJIANG, ("Zone", "上海市松江区经济技术开发区")),
    ("环卫公司", TOWN, ("Organization", "上海市闵行区吴泾镇环卫公司")),
    # a name that carries its place keeps it
    ("松江区财政局", SHANGHAI, ("Agency", "上海市松江区财政局")),
    ("广州广播电视台", GUANGZHOU, ("Organization", "广州广播电视台")),
    ("吴泾镇人民政府", TOWN, ("Agency", "上海市闵行区吴泾镇人民政府")),
])
def test_resolve_qualifies_by_jurisdiction(item, jur, expected):
    t = G.resolve(item, jur)
    assert isinstance(t, Target), t
    assert (t.type, t.name) == expected


@pytest.mark.parametrize("item", ["各街镇", "相关街镇", "各镇", "园区", "区相关部门", "区各有关部门",
                                  "各区、县级市政府", "各有关单位", "市应急委成员单位", "相关部门", "区政府各委"])
def test_generic_units_name_no_body(item):
    assert G.resolve(item, SONGJIANG) == "generic"


@pytest.mark.parametrize("item", ["16.大学", "选拔大学", "30家学会", "推进项目建设", "2025年", "成立由区规划资源局"])
def test_fragments_are_no_name(item):
    assert not isinstance(G.resolve(item, SONGJIANG), Target)


def test_a_relative_name_without_its_level_names_no_one():
    """区X in a city document: no one district is meant."""
    assert G.resolve("区财政局", GUANGZHOU) is None


def test_national_forms_stay_national_in_local_documents():
    known = Target("Agency", "生态环境部")
    assert G.resolve("生态环境部", SONGJIANG, known=known) is known
    known = Target("Agency", "国家发展和改革委员会")
    assert G.resolve("国家发展改革委", SONGJIANG, known=known) is known


def test_national_short_forms_in_national_documents_stay_national():
    known = Target("Agency", "国家发展和改革委员会")
    assert G.resolve("发展改革委", NATIONAL, known=known) is known
