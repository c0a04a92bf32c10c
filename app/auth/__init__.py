"""Accounts: registration, confirmation, login, password reset, own profile."""

from flask import Blueprint

#: cli_group=None: its commands (flask users …) are top-level, as they were before auth had them
bp = Blueprint("auth", __name__, template_folder="templates", cli_group=None)
account_bp = Blueprint("account", __name__, template_folder="templates")

from app.auth import cli, demo, jobs, routes  # noqa: E402, F401
