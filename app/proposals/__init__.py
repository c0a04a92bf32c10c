"""Innbyggerforslag (kommuneloven § 12-1): proposals, signatures and council decisions."""

from flask import Blueprint

bp = Blueprint("proposals", __name__, template_folder="templates")

from app.proposals import cli, demo, feeds, frontpage, jobs, owndata, routes  # noqa: E402, F401
