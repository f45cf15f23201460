"""Name resolution on real text: canonical names, administrative divisions from cpca, collective
terms, distributive expansion, local agencies, generic units."""
from __future__ import annotations

from extract import extract_text
from extract.gazetteer import load_gazetteer
from tests.support.extracted import corpus, names, seed


def test_ministries_short_and_full_forms_resolve_to_one_canonical_entity():
    g = corpus("03")  # 国家发展改革委, 人民银行, 住房城乡建设部, 国家卫生健康委 …
    agencies = names(g, "Agency")
    assert {"国家发展和改革委员会", "中国人民银行", "住房和城乡建设部", "国家卫生健康委员会"} <= agencies
    assert not {"国家发展改革委", "人民银行", "住房城乡建设部"} & agencies
    ndrc = next(e for e in g.entities if e.name == "国家发展和改革委员会")
    assert "国家发展改革委" in ndrc.aliases


def test_administrative_divisions_come_from_cpca_with_code_parent_and_coordinates():
    gaz = load_gazetteer()
    wuyuan = gaz.place("越秀区")
    assert wuyuan.type == "County" and wuyuan.parent == "广州市" and wuyuan.props["adcode"] == "440104"
    assert gaz.place("郑州市").parent == "河南省" and "lat" in gaz.place("郑州市").props
    assert len([e for e in gaz.entries.values() if e.type == "County"]) > 2800


def test_places_are_recognised_in_real_documents_without_being_typed_in():
    assert "北京市" in names(corpus("01"), "Province")        # 借鉴北京市服务业扩大开放…
    assert "平潭县" in names(corpus("01"), "County")          # 支持平潭口岸建设…
    g = seed("004")
    assert {"宁波市", "舟山市", "南通市", "太仓市"} <= names(g)  # 宁波舟山港, 苏州（太仓）港
    assert "如东县" in names(g, "County")                      # 江苏如东 LNG 接收站


def test_common_words_are_not_taken_for_county_names():
    for key in ("000", "001", "002", "003"):
        counties = names(seed(key), "County")
        assert not counties & {"比如县", "资源县", "合作市", "解放区", "前进区"}, (key, counties)


def test_collective_terms_name_their_members():
    g = seed("002")  # 两省一市, 两区一县
    assert {"上海市", "江苏省", "浙江省"} <= names(g, "Province")
    assert {"青浦区", "吴江区", "嘉善县"} <= names(g, "County")
    assert "安徽省" in names(seed("003"), "Province")       # 沪苏浙皖 / 三省一市


def test_distributive_notes_expand_to_one_agency_per_member_and_department():
    g = seed("002")
    agencies = names(g, "Agency")
    for prov in ("上海市", "江苏省", "浙江省"):
        assert {f"{prov}发展改革部门", f"{prov}规划资源部门", f"{prov}人民银行", f"{prov}地方金融监管部门"} <= agencies
    assert "长三角生态绿色一体化发展示范区执行委员会" in agencies      # 示范区执委会, not multiplied
    assert not any(a.startswith(("上海市示范区", "江苏省示范区")) for a in agencies)


def test_local_agency_in_a_provinces_own_document_belongs_to_that_province():
    text = ("上海市人民政府关于加强营商环境建设的若干意见\n"
            "一、优化审批。由市发展改革委会同市财政局制定实施细则。（责任单位：市发展改革委）")
    g = extract_text(text, "local_doc")
    assert "上海市发展和改革委员会" in names(g, "Agency")


def test_generic_units_are_not_entities():
    g = corpus("03")
    assert not names(g) & {"有关部门", "各地区", "国务院相关部门", "各部门"}
    assert "国务院" not in names(g, "Agency") or any(
        r.type == "ISSUED_BY" for r in g.relations)  # only as an issuer, never from 国务院相关部门


def test_people_get_their_titles_and_organisations():
    g = seed("000")
    assert {"华源", "叶建", "凌鸣", "陈建忠", "张淑贤"} <= names(g, "Person")
    assert "上海市发展和改革委员会" in names(g, "Agency")   # 上海市政府副秘书长、发展改革委主任
    assert "国家发展和改革委员会" not in names(g, "Agency")
