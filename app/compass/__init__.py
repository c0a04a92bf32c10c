"""Kompass: focus-area tracking (evaluations, strategies and measures, live indicators from
every domain, monthly snapshots, the annual report) and the open-data export."""

from flask import Blueprint

bp = Blueprint(
    "compass",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)

from app.compass import cli, demo, frontpage, jobs, manage, owndata, routes  # noqa: E402, F401
