"""Small Altair charts shared by pages (sorted, stacked, Chinese-friendly)."""
from __future__ import annotations

import altair as alt
import pandas as pd

from graph.model import ROLE_TYPES
from ui.labels import REL_COLOURS, ROLE_ZH


def stacked_roles(table: pd.DataFrame, height_per_row: int = 22) -> alt.Chart:
    """Horizontal bars of a name × role(中文) table, heaviest on top, coloured by role."""
    long = table.rename_axis("name").reset_index().melt("name", var_name="role", value_name="measures")
    long = long[long.measures > 0]
    order = [ROLE_ZH[r] for r in ROLE_TYPES]
    colours = [REL_COLOURS[r] for r in ROLE_TYPES]
    return alt.Chart(long).mark_bar().encode(
        x=alt.X("sum(measures):Q", title="措施 measures"),
        y=alt.Y("name:N", title=None, sort="-x", axis=alt.Axis(labelLimit=220, labelOverlap=False)),
        color=alt.Color("role:N", title="角色 role", scale=alt.Scale(domain=order, range=colours)),
        order=alt.Order("role_rank:Q"),
        tooltip=["name", "role", "measures"],
    ).transform_calculate(role_rank=f"indexof({order!r}, datum.role)").properties(
        height=alt.Step(height_per_row))


def counts(values: dict[str, int], title: str) -> alt.Chart:
    df = pd.DataFrame({"name": list(values), "n": list(values.values())})
    return alt.Chart(df).mark_bar(color="#1f77b4").encode(
        x=alt.X("n:Q", title=title), y=alt.Y("name:N", title=None, sort="-x", axis=alt.Axis(labelLimit=200, labelOverlap=False)),
        tooltip=["name", "n"]).properties(height=alt.Step(20))
