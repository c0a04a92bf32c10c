"""/opendata/: the open-data files with their sizes, build time, tables and licence, and
``flask opendata export PATH``. A blueprint of its own (the URL is not under /compass)."""

from __future__ import annotations

from datetime import datetime

import click
from flask import Blueprint, abort, current_app, render_template, send_from_directory
from flask_babel import format_datetime, format_decimal
from flask_babel import gettext as _

from app.compass.export import (
    DATABASE_FILE,
    LICENCE,
    METADATA_FILE,
    export_open_data,
    offered_files,
    read_manifest,
)

opendata_bp = Blueprint("opendata", __name__, template_folder="templates", cli_group="opendata")


def file_size(size: int) -> str:
    """Bytes as the reader's language writes them: "12,4 MB"."""
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("kB", 1 << 10)):
        if size >= scale:
            return f"{format_decimal(size / scale, format='#,##0.#')} {unit}"
    return _("%(n)s byte", n=size)


@opendata_bp.get("/")
def index():  # type: ignore[no-untyped-def]
    """The files of the last export, each table's description, and the licence."""
    manifest = read_manifest(current_app.config["OPENDATA_DIR"])
    built = None
    if manifest:
        built = format_datetime(datetime.fromisoformat(manifest["built_at"]), "long")
    return render_template(
        "opendata/index.html",
        manifest=manifest,
        built=built,
        licence=LICENCE,
        file_size=file_size,
        database_file=DATABASE_FILE,
        metadata_file=METADATA_FILE,
    )


@opendata_bp.get("/<path:filename>")
def download(filename: str):  # type: ignore[no-untyped-def]
    """One file of the last export; only the names the manifest lists."""
    manifest = read_manifest(current_app.config["OPENDATA_DIR"])
    if manifest is None or filename not in offered_files(manifest):
        abort(404)
    return send_from_directory(
        current_app.config["OPENDATA_DIR"],
        filename,
        as_attachment=filename != METADATA_FILE,
        max_age=300,
    )


@opendata_bp.cli.command("export", help="Build the open-data files in PATH (a folder).")
@click.argument("path", type=click.Path(file_okay=False, writable=True))
def export_command(path: str) -> None:
    manifest = export_open_data(path)
    for table in manifest["tables"]:
        click.echo(f"{table['name']}: {table['rows']} row(s)")
    click.echo(f"Wrote {DATABASE_FILE}, {METADATA_FILE} and {len(manifest['tables'])} CSV files "
               f"to {path}.")  # fmt: skip
