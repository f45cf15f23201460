"""Coordinates of provinces, cities and districts for the map page.

The data file `seeds/data/coordinates.csv` is generated once from the `cpca` package's
`resources/adcodes.csv` (national administrative divisions with centroids) by
`python -m ui.geo`, so the app never reads another package's internals at run time.
Columns: adcode, name, level (province/city/county), province, city, longitude, latitude.
"""
from __future__ import annotations

import csv
import json
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

# A base-map style with no sources, as a data: URL (Streamlit wants a string): nothing is fetched from
# the internet, and the map gets a plain background instead of tiles.
OFFLINE_MAP_STYLE = "data:application/json;charset=utf-8," + quote(json.dumps({
    "version": 8, "sources": {},
    "layers": [{"id": "background", "type": "background", "paint": {"background-color": "#f3f5f7"}}]}))
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


if __name__ == "__main__":
    print(f"{build_coordinates_csv()} rows → {COORDINATES_CSV}")


def context_places(provinces: set[str], level: str = "city") -> list[dict[str, str]]:
    """Every place of a level inside the given provinces (grey context dots on the map)."""
    out = []
    for rows in coordinates().values():
        for r in rows:
            if r["level"] == level and r["province"] in provinces:
                out.append(r)
    return out
