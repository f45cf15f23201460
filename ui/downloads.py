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


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def sheets_xlsx(sheets: dict[str, list[list]], frames: dict[str, pd.DataFrame] | None = None) -> bytes:
    """A workbook: row lists first (in order), then DataFrames (with their index)."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        for name, rows in sheets.items():
            width = max((len(r) for r in rows), default=0)
            padded = [list(r) + [None] * (width - len(r)) for r in rows]
            pd.DataFrame(padded).to_excel(writer, sheet_name=name[:31], index=False, header=False)
        for name, df in (frames or {}).items():
            df.to_excel(writer, sheet_name=name[:31], index=True)
    return buf.getvalue()


def table_downloads(df: pd.DataFrame, stem: str, key: str, index: bool = False, sheet: str = "Sheet1",
                    xlsx: bytes | None = None) -> None:
    """CSV and xlsx download buttons side by side (`xlsx`: the workbook to offer instead of `df`'s)."""
    a, b, _ = st.columns([1, 1, 4])
    a.download_button("⬇ CSV", csv_bytes(df, index), f"{stem}.csv", "text/csv", key=f"{key}_csv")
    b.download_button("⬇ xlsx", xlsx if xlsx is not None else xlsx_bytes(df, sheet, index), f"{stem}.xlsx",
                      XLSX_MIME, key=f"{key}_xlsx")
