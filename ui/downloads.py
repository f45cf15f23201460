"""Tables as downloadable CSV (UTF-8 with BOM, so Excel shows Chinese) and xlsx bytes."""
from __future__ import annotations

import io

import pandas as pd
import streamlit as st


def csv_bytes(df: pd.DataFrame, index: bool = False) -> bytes:
    return df.to_csv(index=index).encode("utf-8-sig")


def xlsx_bytes(df: pd.DataFrame, sheet: str = "Sheet1", index: bool = False) -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        df.to_excel(writer, sheet_name=sheet[:31], index=index)
    return buf.getvalue()


def table_downloads(df: pd.DataFrame, stem: str, key: str, index: bool = False, sheet: str = "Sheet1") -> None:
    """CSV and xlsx download buttons side by side."""
    a, b, _ = st.columns([1, 1, 4])
    a.download_button("⬇ CSV", csv_bytes(df, index), f"{stem}.csv", "text/csv", key=f"{key}_csv")
    b.download_button("⬇ xlsx", xlsx_bytes(df, sheet, index), f"{stem}.xlsx",
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key=f"{key}_xlsx")
