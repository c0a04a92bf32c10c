"""A large synthetic open-data table for bench/opendata.py (never registered in the app):
shows that the export streams rows, so memory stays flat however many there are."""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from typing import Any

from sqlalchemy.orm import Session

WORDS = "sykkelvei gatelys benker badstu skatebane bibliotek buss barnehage turvei".split()


def _rows(n: int) -> Iterator[dict[str, Any]]:
    rng = random.Random(n)
    for i in range(1, n + 1):
        yield {"id": i, "text": " ".join(rng.choices(WORDS, k=12)),
               "value": None if i % 7 == 0 else rng.random() * 100,
               "area": rng.randrange(1, 9)}  # fmt: skip


def open_data_tables(session: Session) -> list[dict[str, Any]]:
    n = int(os.environ.get("OPENDATA_BENCH_ROWS", "0"))
    return [{"name": "synthetic", "description": "Synthetic rows for the export benchmark.",
             "pk": "id", "fts": ["text"], "rows": _rows(n),
             "columns": {"value": float}}]  # fmt: skip


def main() -> None:
    """Export with this table added to the registry (run as a child by bench/opendata.py)."""
    import sys

    from app import create_app
    from app.compass import registry
    from app.compass.export import export_open_data
    from config import config_from_env

    registry.OPEN_DATA_SOURCES.append("bench.synthetic_opendata")
    app = create_app(config_from_env())
    with app.app_context():
        export_open_data(sys.argv[1])


if __name__ == "__main__":
    main()
