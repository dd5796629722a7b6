"""CSV and XLSX writers of the coordinator's downloads (billing statement, funding report,
registry exports), and the audit entry every download gets.

- **Formula injection**: a text cell starting with ``=``, ``+``, ``-``, ``@`` (or a tab or
  carriage return) is written with a leading ``'``, in CSV and XLSX alike, so a spreadsheet
  never runs a name like ``=HYPERLINK(…)`` as a formula. Numbers stay numbers.
- **CSV for Excel**: UTF-8 with a byte-order mark, ``;`` as separator and, in the German
  UI, the decimal comma (what Excel expects in a German locale).
- Column headers are translated: the German UI gets German ones.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import formats, translation
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.models import AuditEvent, Center, User
from core.services import audit_log
from reports import selectors

Cell = str | int | Decimal | dt.date | None

#: Characters a spreadsheet may read as the start of a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

def safe_text(value: str) -> str:
    """``value`` with a leading ``'`` when a spreadsheet would take it for a formula."""
    return "'" + value if value.startswith(FORMULA_START) else value


def suppressed(count: int) -> int | str:
    """A count for the state as a cell: the one rule of :func:`reports.selectors.suppressed`,
    written ``"<3"`` where it hides the count."""
    shown = selectors.suppressed(count, state=True)
    return "<3" if shown is None else shown


@dataclass
class Table:
    """One sheet: a title (the sheet's name), headers and rows."""

    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[Any]] = field(default_factory=list)


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, Decimal):
        return formats.number_format(value, decimal_pos=abs(int(value.as_tuple().exponent)))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return safe_text(str(value))


def csv_bytes(table: Table) -> bytes:
    """The table as CSV for Excel: UTF-8 with BOM, ``;``-separated, every cell safe."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([safe_text(str(h)) for h in table.headers])
    for row in table.rows:
        writer.writerow([_csv_cell(value) for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _xlsx_cell(value: Cell) -> Any:
    if isinstance(value, str):
        return safe_text(value)
    return value


def sheet_title(title: str) -> str:
    """A title Excel accepts for a sheet: none of ``[]:*?/\\``, at most 31 characters
    ("Aufträge je Klient/in" becomes "Aufträge je Klient-in")."""
    return re.sub(r"[\[\]:*?/\\]", "-", title)[:31]


def xlsx_bytes(tables: Iterable[Table]) -> bytes:
    """The tables as one workbook, a sheet each: bold headers, amounts as numbers with two
    decimals, dates as dates, text cells safe."""
    book = Workbook()
    book.remove(book.active)
    for table in tables:
        sheet = book.create_sheet(title=sheet_title(table.title))
        sheet.append([_xlsx_cell(h) for h in table.headers])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([_xlsx_cell(value) for value in row])
        for column, _header in enumerate(table.headers, start=1):
            letter = get_column_letter(column)
            width = max(
                [len(str(table.headers[column - 1]))]
                + [len(str(row[column - 1] or "")) for row in table.rows[:200]]
            )
            sheet.column_dimensions[letter].width = min(max(10, width + 2), 60)
            for cell in sheet[letter][1:]:
                if isinstance(cell.value, Decimal):
                    cell.number_format = "#,##0.00"
                elif isinstance(cell.value, dt.date):
                    cell.number_format = "DD.MM.YYYY"
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def download(content: bytes, *, filename: str, fmt: str) -> HttpResponse:
    """A download response (``fmt``: ``csv`` or ``xlsx``), never cached."""
    content_type = "text/csv; charset=utf-8" if fmt == "csv" else XLSX_TYPE
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response


def table_download(tables: Sequence[Table], *, filename: str, fmt: str) -> HttpResponse:
    """CSV (the first table) or XLSX (every table) of ``tables``."""
    if fmt == "csv":
        return download(csv_bytes(tables[0]), filename=filename, fmt=fmt)
    return download(xlsx_bytes(tables), filename=filename, fmt=fmt)


def export_audit(
    *, actor: User, center: Center | int | None, export: str, fmt: str, rows: int, **detail: Any
) -> AuditEvent:
    """Record a download (action ``export``): what, in which format, how many rows and the
    filters used (no personal data)."""
    return audit_log(
        actor=actor,
        action=AuditEvent.Action.EXPORT,
        center=center,
        object_type=f"reports.{export}",
        detail={"format": fmt, "rows": rows, "language": translation.get_language(), **detail},
    )
