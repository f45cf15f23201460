"""The map's coordinates: the data file matches cpca's divisions, and places resolve by name and parent."""
from __future__ import annotations

import csv

from ui import geo


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
