"""Accounts: registration, confirmation, login, password reset, own profile."""

from flask import Blueprint

bp = Blueprint("auth", __name__, template_folder="templates")
account_bp = Blueprint("account", __name__, template_folder="templates")

from app.auth import jobs, routes  # noqa: E402, F401
