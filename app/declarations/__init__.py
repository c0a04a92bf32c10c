"""Serviceerklæringer: versioned service declarations, promises, feedback and reports."""

from flask import Blueprint

bp = Blueprint("declarations", __name__, template_folder="templates")

from app.declarations import demo, feeds, jobs, owndata, routes  # noqa: E402, F401
