"""Shared platform code, and the pages that belong to no domain."""

from flask import Blueprint

bp = Blueprint("core", __name__, template_folder="templates")

from app.core import routes  # noqa: E402, F401
