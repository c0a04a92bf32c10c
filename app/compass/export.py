"""The open-data export: every registered module's public tables in one SQLite database
(built with sqlite-utils, full-text search on the listed columns, ready for Datasette), a
``metadata.json`` for Datasette, a CSV file per table, and ``manifest.json`` for /opendata/.

Each module in ``app.compass.registry.OPEN_DATA_SOURCES`` has
``open_data_tables(session) -> list[dict]``, one dict per table::

    {"name": "proposals",                      # lower-case letters, digits, underscores
     "description": "One English sentence.",
     "pk": "id",                               # a column every row has, unique
     "fts": ["title", "summary"],              # text columns to search ([] for none)
     "rows": <iterable of dicts of plain JSON-able values>,
     "columns": {"value": float}}              # optional: types sqlite-utils cannot guess

Rows are streamed: they are read from the iterable in batches and written at once, so
memory stays flat however large a table is. Everything is built in a temporary folder
beside the target and renamed into place when complete; the manifest goes last, so the
page never lists a file that is not whole.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import itertools
import json
import os
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import sqlite_utils
from flask import current_app
from sqlalchemy.orm import Session

from app.compass.registry import collect_tables
from app.core.csvfiles import Writer
from app.core.db import utcnow
from app.core.settings import get_settings
from app.extensions import db

DATABASE_FILE = "medvirke.db"
METADATA_FILE = "metadata.json"
MANIFEST_FILE = "manifest.json"
BATCH = 1000
#: Rows looked at to find each column's type before the table is created
LOOKAHEAD = 5000
LICENCE = {
    "name": "Norsk lisens for offentlige data (NLOD) 2.0",
    "short": "NLOD 2.0",
    "url": "https://data.norge.no/nlod/no/2.0",
    "url_en": "https://data.norge.no/nlod/en/2.0",
}
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_TYPES = {bool: int, int: int, float: float, str: str, bytes: bytes}


class ExportError(Exception):
    """A source gave a table the export cannot write (a bad name, a missing key)."""


def export_open_data(
    directory: str | Path, session: Session | None = None, sources: Iterable[str] | None = None
) -> dict[str, Any]:
    """Build every file in a temporary folder inside ``directory``, then move them in."""
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    build = Path(tempfile.mkdtemp(prefix=".build-", dir=target))
    try:
        manifest = _build(build, session or db.session, sources)
        _move_into_place(build, target, manifest)
    finally:
        shutil.rmtree(build, ignore_errors=True)
    return manifest


def read_manifest(directory: str | Path) -> dict[str, Any] | None:
    """The last complete export's manifest, or None when there is none."""
    try:
        return json.loads((Path(directory) / MANIFEST_FILE).read_text("utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def offered_files(manifest: dict[str, Any]) -> set[str]:
    """The file names /opendata/ serves: exactly those the manifest lists."""
    return {DATABASE_FILE, METADATA_FILE, *(t["csv"] for t in manifest["tables"])}


def _build(build: Path, session: Session, sources: Iterable[str] | None) -> dict[str, Any]:
    database = sqlite_utils.Database(build / DATABASE_FILE)
    tables: list[dict[str, Any]] = []
    try:
        for table in collect_tables(session, sources):
            tables.append(_write_table(database, table, {t["name"] for t in tables}))
    finally:
        database.close()
    for entry in tables:
        entry["csv_bytes"] = _write_csv(build / DATABASE_FILE, entry["name"], build / entry["csv"])
    metadata = _metadata(tables)
    (build / METADATA_FILE).write_text(json.dumps(metadata, ensure_ascii=False, indent=2), "utf-8")
    return {
        "built_at": utcnow().isoformat(),
        "database": DATABASE_FILE,
        "database_bytes": (build / DATABASE_FILE).stat().st_size,
        "metadata": METADATA_FILE,
        "metadata_bytes": (build / METADATA_FILE).stat().st_size,
        "licence": LICENCE,
        "tables": tables,
    }


def _check(table: dict[str, Any], taken: set[str]) -> None:
    name = table.get("name")
    if not isinstance(name, str) or not _NAME.match(name) or name in taken:
        raise ExportError(f"bad or repeated table name: {name!r}")
    if not isinstance(table.get("description"), str) or not table["description"]:
        raise ExportError(f"{name}: a description is needed")
    if not isinstance(table.get("pk"), str) or not isinstance(table.get("fts", []), list):
        raise ExportError(f"{name}: pk must be a column name and fts a list")


def _write_table(
    database: sqlite_utils.Database, table: dict[str, Any], taken: set[str]
) -> dict[str, Any]:
    """Create the table with the columns' types, stream its rows in, index the text."""
    _check(table, taken)
    name, pk, fts = table["name"], table["pk"], list(table.get("fts") or [])
    rows = (_plain_row(row) for row in table["rows"])
    head = list(itertools.islice(rows, LOOKAHEAD))
    columns = _column_types(head, table.get("columns") or {}, pk, fts)
    database[name].create(columns, pk=pk)
    database[name].insert_all(itertools.chain(head, rows), batch_size=BATCH, alter=True)
    if fts:
        database[name].enable_fts(
            fts, fts_version="FTS5", tokenize="unicode61 remove_diacritics 0", replace=True
        )
    return {
        "name": name,
        "description": table["description"],
        "pk": pk,
        "fts": fts,
        "rows": database[name].count,
        "csv": f"{name}.csv",
    }


def _column_types(
    head: list[dict[str, Any]], declared: dict[str, type], pk: str, fts: list[str]
) -> dict[str, type]:
    """Each column's type from the first value that is not None (SQLite would turn a float
    into text in a column created as TEXT); the declared ones win; text when unknown."""
    types: dict[str, type] = {}
    for row in head:
        for key, value in row.items():
            if key not in types and value is not None:
                types[key] = _TYPES.get(type(value), str)
    for row in head:
        for key in row:
            types.setdefault(key, str)
    for key in fts:
        types.setdefault(key, str)
    types.update(declared)
    if head and pk not in head[0]:
        raise ExportError(f"the rows have no column {pk!r}")
    return {pk: types.get(pk, int), **{k: t for k, t in types.items() if k != pk}}


def _plain_row(row: dict[str, Any]) -> dict[str, Any]:
    return {key: _plain(value) for key, value in row.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


def _write_csv(database: Path, table: str, path: Path) -> int:
    """The table as CSV, read straight from the exported file (streamed), through the app's
    one CSV writer: text a spreadsheet would run as a formula starts with an apostrophe
    here (the database keeps it as it is)."""
    conn = sqlite3.connect(database)
    try:
        cursor = conn.execute(f'SELECT * FROM "{table}" ORDER BY rowid')  # noqa: S608 - checked name
        with path.open("w", newline="", encoding="utf-8") as out:
            writer = Writer(out)
            writer.writerow([c[0] for c in cursor.description])
            while batch := cursor.fetchmany(BATCH):
                writer.writerows(batch)
    finally:
        conn.close()
    return path.stat().st_size


def _metadata(tables: list[dict[str, Any]]) -> dict[str, Any]:
    """Datasette's metadata: title, licence, source, and each table's description."""
    settings = get_settings()
    site = current_app.config["SITE_URL"]
    return {
        "title": f"Medvirke – {settings.name}: open data",
        "description": (
            f"Public data from {settings.name}'s participation platform Medvirke: citizen "
            "proposals, survey results, service declarations, golden service moments and "
            "the Kommunekompasset focus-area tracking."
        ),
        "license": LICENCE["short"],
        "license_url": LICENCE["url"],
        "source": f"{settings.name} – Medvirke",
        "source_url": f"{site.rstrip('/')}/opendata/",
        "databases": {
            Path(DATABASE_FILE).stem: {
                "tables": {
                    t["name"]: {
                        "description": t["description"],
                        "license": LICENCE["short"],
                        "license_url": LICENCE["url"],
                    }
                    for t in tables
                }  # fmt: skip
            }
        },
    }


def _move_into_place(build: Path, target: Path, manifest: dict[str, Any]) -> None:
    """Rename each finished file over the old one; the manifest last; stale CSVs go."""
    old = read_manifest(target)
    for entry in manifest["tables"]:
        os.replace(build / entry["csv"], target / entry["csv"])
    os.replace(build / DATABASE_FILE, target / DATABASE_FILE)
    os.replace(build / METADATA_FILE, target / METADATA_FILE)
    partial = target / f".{MANIFEST_FILE}.partial"
    partial.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), "utf-8")
    os.replace(partial, target / MANIFEST_FILE)
    if old:
        for stale in offered_files(old) - offered_files(manifest):
            (target / stale).unlink(missing_ok=True)


def iter_dicts(result: Iterable[Any]) -> Iterator[dict[str, Any]]:
    """Rows of a SQLAlchemy result as dicts, one at a time (for sources' "rows")."""
    for row in result:
        yield dict(row._mapping)
