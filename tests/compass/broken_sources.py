"""A source that fails halfway through its rows (the export must leave the old files)."""

from __future__ import annotations

from sqlalchemy.orm import Session


def _rows():
    yield {"id": 1}
    raise RuntimeError("the database went away")


def open_data_tables(session: Session) -> list[dict]:
    return [{"name": "broken", "description": "Fails.", "pk": "id", "fts": [], "rows": _rows()}]


def indicators(session, start, end):
    return []
