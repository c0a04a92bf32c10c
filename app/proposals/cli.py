"""flask proposals restem: the search's stems written again from the proposals' text."""

from __future__ import annotations

import click

from app.extensions import db
from app.proposals import bp, search


@bp.cli.command(
    "restem",
    help="Stem every proposal's text again for SQLite's search (after writes outside the app).",
)
def restem() -> None:
    written = search.restem()
    db.session.commit()
    click.echo(f"{written} proposals stemmed again")
