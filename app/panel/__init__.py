"""Brukerpanel: panel membership, anonymous surveys, results and follow-up."""

from flask import Blueprint

bp = Blueprint("panel", __name__, template_folder="templates")

from app.panel import demo, frontpage, jobs, owndata, routes  # noqa: E402, F401
