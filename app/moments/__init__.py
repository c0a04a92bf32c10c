"""Månedens gylne serviceøyeblikk: nominations, moderation with consent, the monthly winner,
and ukas servicerefleksjon."""

from flask import Blueprint

bp = Blueprint("moments", __name__, template_folder="templates")

from app.moments import demo, frontpage, owndata, routes  # noqa: E402, F401
