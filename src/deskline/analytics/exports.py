"""Report tables to CSV and XLSX (tablib with openpyxl)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from deskline.analytics.reports import Table

if TYPE_CHECKING:
    import tablib

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _dataset(table: Table) -> tablib.Dataset:
    import tablib  # imported on use: tablib loads pandas, tens of MB in every process

    data = tablib.Dataset(headers=[str(label) for _key, label in table.columns])
    data.title = table.name[:31]
    for row in table.rows:
        data.append(["" if row.get(key) is None else row.get(key) for key, _label in table.columns])
    return data


def table_export(*, table: Table, fmt: str) -> bytes:
    """The table as CSV (UTF-8 with BOM, for spreadsheets) or XLSX bytes."""
    data = _dataset(table)
    if fmt == "csv":
        return ("\ufeff" + str(data.export("csv"))).encode("utf-8")
    if fmt == "xlsx":
        return bytes(data.export("xlsx"))
    raise ValueError(f"unknown format {fmt!r}")
