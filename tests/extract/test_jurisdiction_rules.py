"""Rule family: the issuing jurisdiction (extract.jurisdiction), table-driven."""
from __future__ import annotations

import pytest

from extract.jurisdiction import Place, load_jurisdiction_reader, name_prefix

JR = load_jurisdiction_reader()


@pytest.mark.parametrize("meta, text, expected", [
    # 文号 prefix (data/doc_numbers.jsonl)
    ({"doc_number": "沪松府办〔2025〕31号"}, "", ("松江区", "County", ["上海市"])),
    ({"doc_number": "闵吴府发〔2021〕3号"}, "", ("吴泾镇", "Town", ["上海市", "闵行区"])),
    ({"doc_number": "国办发〔2018〕129号"}, "", ("中华人民共和国", "National", [])),
    # issuer / title head, with a place of the same name elsewhere (宝山区 of 双鸭山市)
    ({"title": "上海市宝山区经济委员会关于印发方案的通知"}, "", ("宝山区", "County", ["上海市"])),
    ({"issuers": ["广州市人民政府"]}, "", ("广州市", "City", ["广东省"])),
    ({"title": "上海市徐汇区发展和改革委员会关于印发《节能方案》的通知"}, "", ("徐汇区", "County", ["上海市"])),
    ({"title": "闵行区马桥镇人民政府关于加强管理的通知"}, "", ("马桥镇", "Town", ["上海市", "闵行区"])),
    ({"title": "中共广州市委办公厅关于…的通知"}, "", ("广州市", "City", ["广东省"])),
    # self-reference with the place most named
    ({"title": "关于加强管理的意见"}, "本区将推进静安区建设。全区各部门……静安区", ("静安区", "County", ["上海市"])),
    # the text's own 文号 when the metadata has none
    ({"title": "通知"}, "青府办发〔2016〕97号\n各委办局：", ("青浦区", "County", ["上海市"])),
])
def test_jurisdiction_is_read_from_the_document(meta, text, expected):
    j = JR.read(meta, text)
    assert j is not None
    assert (j.name, j.level, [p.name for p in j.chain[:-1]]) == expected


def test_no_clue_gives_no_jurisdiction():
    assert JR.read({"title": "关于加强管理的意见"}, "加强管理。") is None


@pytest.mark.parametrize("name, expected", [
    ("上海市青浦区", ("青浦区", ["上海市"])),
    ("青浦区", ("青浦区", ["上海市"])),
    ("广州市", ("广州市", ["广东省"])),
    ("国家", ("中华人民共和国", [])),
])
def test_a_user_override_names_the_jurisdiction(name, expected):
    j = JR.read({"doc_number": "国发〔2018〕38号"}, "", override=name)
    assert (j.name, [p.name for p in j.chain[:-1]]) == expected


def test_an_unknown_override_is_a_configuration_error():
    from common.errors import ConfigError
    with pytest.raises(ConfigError):
        JR.from_name("不存在区")


@pytest.mark.parametrize("chain, prefix, owner, named", [
    (("上海市", "Province"), "市", "上海市", "上海市"),
    (("上海市", "Province", "松江区", "County"), "区", "松江区", "上海市松江区"),
    (("上海市", "Province", "松江区", "County"), "市", "上海市", "上海市"),
    (("广东省", "Province", "广州市", "City"), "市", "广州市", "广州市"),
    (("上海市", "Province", "闵行区", "County", "吴泾镇", "Town"), "镇", "吴泾镇", "上海市闵行区吴泾镇"),
    (("上海市", "Province", "闵行区", "County", "吴泾镇", "Town"), "区", "闵行区", "上海市闵行区"),
    (("广东省", "Province", "广州市", "City"), "区", None, None),   # 区X in a city document: no one district
])
def test_relative_prefix_owner_and_naming(chain, prefix, owner, named):
    from extract.jurisdiction import Jurisdiction
    places = tuple(Place(chain[i], chain[i + 1]) for i in range(0, len(chain), 2))
    got = Jurisdiction(places).owner(prefix)
    assert (got[-1].name if got else None) == owner
    assert (name_prefix(got) if got else None) == named
