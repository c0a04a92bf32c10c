"""The one CSV writer of the app: every CSV it writes (downloads and open data) goes
through ``Writer``.

A spreadsheet takes a cell that begins with ``=``, ``+``, ``-`` or ``@`` for a formula, and
some do the same after a leading tab or carriage return, so text from anyone (a title, a
story, a free-text answer) could run ``=HYPERLINK(…)`` on the reader's machine (OWASP's
"CSV injection"). Text that begins so gets a leading apostrophe, which spreadsheets show
as text. Numbers stay numbers: -3 is a negative number, not a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal
from typing import IO

from flask import Response

#: What a spreadsheet may read as the start of a formula
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """The value as the CSV holds it: text that a spreadsheet would run is quoted with
    a leading apostrophe; numbers and empty cells are left as they are."""
    if value is None or isinstance(value, int | float | Decimal):
        return value
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _safe_row(row: Iterable[object]) -> list[object]:
    return [safe_cell(value) for value in row]


class Writer:
    """``csv.writer`` with every cell made safe (``safe_cell``)."""

    def __init__(self, out: IO[str]) -> None:
        self._writer = csv.writer(out)

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow(_safe_row(row))

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        self._writer.writerows(map(_safe_row, rows))


def to_csv(rows: Iterable[Iterable[object]]) -> str:
    buffer = io.StringIO()
    Writer(buffer).writerows(rows)
    return buffer.getvalue()


def csv_response(filename: str, rows: Iterable[Iterable[object]]) -> Response:
    """A download of ``rows`` as ``filename``."""
    return Response(
        to_csv(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
