"""Own data: one registry of exporters and anonymisers that every domain plugs into.

A domain calls ``register_own_data("proposals", export_fn, anonymise_fn)`` at import time.
``export_user_data`` gathers every section for /account/export; ``delete_account`` lets each
domain anonymise or remove what it holds about the person, then removes the account itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

#: The person whose data it is: an app.auth.models.User, named loosely here because core
#: imports no domain (the accounts included)
User = Any

Exporter = Callable[[User], Any]
Anonymiser = Callable[[User], None]


@dataclass(frozen=True)
class OwnDataHandler:
    section: str
    export: Exporter
    anonymise: Anonymiser


_handlers: dict[str, OwnDataHandler] = {}


def register_own_data(section: str, export: Exporter, anonymise: Anonymiser) -> None:
    """Add (or replace, on re-import) a domain's exporter and anonymiser."""
    _handlers[section] = OwnDataHandler(section, export, anonymise)


def handlers() -> list[OwnDataHandler]:
    """In registration order; the account itself (registered first) is anonymised last."""
    return list(_handlers.values())


def export_user_data(user: User) -> dict[str, Any]:
    return {handler.section: handler.export(user) for handler in handlers()}


def anonymise_everywhere(user: User) -> None:
    for handler in reversed(handlers()):
        handler.anonymise(user)
