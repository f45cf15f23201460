"""地图 Map: provinces, cities and districts sized by responsibility counts; select one to list its measures."""
import pandas as pd
import pydeck as pdk
import streamlit as st

from graph.model import ROLE_TYPES
from ui import analysis, geo, state
from ui.labels import LABEL_COLOURS

st.title("地图 Map")
sess = state.session()
f = sess.filters

with state.page_guard():
    by_province = st.toggle("按省汇总 Roll up to provinces", key="map_by_province")
    roles = state.cached_subgraph(sess.store, sess.key, rel_types=ROLE_TYPES, documents=f.documents, areas=f.areas)
    everything = state.cached_subgraph(sess.store, sess.key)
    df = analysis.responsibility_frame(roles)
    points, placed = analysis.place_points(df, analysis.PlaceResolver(everything), everything, by_province)
    if not points:
        st.info("当前筛选下没有可定位的职责 No responsibilities with a known place under the current filters.")
        st.stop()
    top = max(p.measures for p in points)
    data = pd.DataFrame([{
        "name": p.name, "label": p.label, "province": p.province, "lng": p.lng, "lat": p.lat,
        "measures": p.measures, "actors": p.actors, "radius": 4000 + 26000 * (p.measures / top) ** 0.5,
        # Province names above their dot, other names below: a province and its capital share a point.
        "offset": [0, -14] if p.label == "Province" else [0, 10],
        "color": [int(LABEL_COLOURS.get(p.label, "#1f77b4")[i:i + 2], 16) for i in (1, 3, 5)] + [170],
    } for p in points])
    # Offline there is no base map: prefecture cities of the provinces in view give the orientation.
    provinces = {p.province for p in points if p.province} | {p.name for p in points if p.label == "Province"}
    context = pd.DataFrame([{"name": r["name"], "lng": float(r["longitude"]), "lat": float(r["latitude"])}
                            for r in geo.context_places(provinces)
                            if all(abs(float(r["longitude"]) - p.lng) + abs(float(r["latitude"]) - p.lat) > 0.1
                                   for p in points)] or [{"name": "", "lng": 0.0, "lat": 0.0}])
    # pydeck turns lists into expressions; a quoted string reaches deck.gl as the plain string.
    chars = "'" + "".join(sorted(set("".join(data.name) + "".join(context.name)) - {"'"})) + "'"
    deck = pdk.Deck(
        layers=[
            pdk.Layer("ScatterplotLayer", data=context, id="context", get_position=["lng", "lat"],
                      get_radius=2500, get_fill_color=[160, 160, 160, 120], pickable=False),
            pdk.Layer("TextLayer", data=context, id="context_names", get_position=["lng", "lat"],
                      get_text="name", get_size=11, size_units="'pixels'", get_color=[140, 140, 140], character_set=chars,
                      get_alignment_baseline="'top'", font_family="'Noto Sans CJK SC, Noto Sans SC, Microsoft YaHei, sans-serif'"),
            pdk.Layer("ScatterplotLayer", data=data, id="places", get_position=["lng", "lat"],
                      get_radius="radius", get_fill_color="color", pickable=True, stroked=True,
                      get_line_color=[255, 255, 255], line_width_min_pixels=1),
            pdk.Layer("TextLayer", data=data, id="names", get_position=["lng", "lat"], get_text="name",
                      get_size=15, size_units="'pixels'", get_color=[20, 20, 20], get_alignment_baseline="'center'", get_pixel_offset="offset",
                      character_set=chars, font_family="'Noto Sans CJK SC, Noto Sans SC, Microsoft YaHei, sans-serif'"),
        ],
        initial_view_state=pdk.ViewState(longitude=float(data.lng.median()), latitude=float(data.lat.median()),
                                         zoom=6.2, pitch=0),
        tooltip={"text": "{name}\n措施 measures: {measures}\n机构 actors: {actors}"},
        map_style=geo.OFFLINE_MAP_STYLE,
    )
    event = st.pydeck_chart(deck, on_select="rerun", selection_mode="single-object", key="map_chart",
                            height=520)
    clicked = None
    try:
        objs = event.selection.get("objects", {}).get("places", []) if event else []
        clicked = objs[0]["name"] if objs else None
    except (AttributeError, KeyError, IndexError, TypeError):
        clicked = None
    names = data.name.tolist()
    linked = st.query_params.get("place")   # `?place=上海市` opens that place
    if linked in names and st.session_state.get("_map_place_url") != linked:
        st.session_state["map_place"] = st.session_state["_map_place_url"] = linked
    if clicked in names:
        st.session_state["map_place"] = clicked
    measures = data.set_index("name").measures
    c1, c2 = st.columns([1, 2])
    place = c1.selectbox("地点 Place (或点击地图 or click the map)", names, key="map_place",
                         format_func=lambda n: f"{n} ({int(measures[n])})")
    st.query_params["place"] = st.session_state["_map_place_url"] = place
    rows = placed[placed.place == place]
    c2.markdown(f"**{place}** · {rows.measure_id.nunique()} 项措施 measures · "
                f"{rows.actor.nunique()} 个机构 agencies")
    st.dataframe(rows.sort_values(["doc_id", "number", "actor"])[
        ["actor", "role_zh", "doc_id", "number", "measure", "evidence"]].rename(columns={
            "actor": "机构 agency", "role_zh": "角色 role", "doc_id": "文件 doc", "number": "条 no.",
            "measure": "措施 measure", "evidence": "证据 evidence"}),
        hide_index=True, width="stretch", height=min(460, 40 + 35 * len(rows)))
    st.caption("坐标 Coordinates: seeds/data/coordinates.csv (from cpca's adcodes.csv); "
               "no base map tiles are fetched, so the background stays plain offline.")
