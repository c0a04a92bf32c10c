"""What a form POST carried, put in a new form to be sent again.

Two pages use it: the one for a form left open until its CSRF token ran out (the text the
user wrote is shown for them to check and send again), and the one that asks an
administrator for the password before a sensitive action (what they posted rides along).
A password or a file is never repeated, and every value is escaped by the template.

Which posted field is text, a button or a password is read from the form class that
fits the posted names best, so the text gets its label; a name no form declares is
shown as text (never hidden from the user) unless it looks like a password.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass

from flask import Request
from wtforms import FieldList, FileField, HiddenField, PasswordField, StringField, SubmitField
from wtforms.fields.core import UnboundField

from app.core.forms import BaseForm

TEXT, HIDDEN, BUTTON, SECRET = "text", "hidden", "button", "secret"


@dataclass(frozen=True)
class Posted:
    """One posted value: ``kind`` says how it is shown again."""

    name: str
    value: str
    label: str
    kind: str

    @property
    def rows(self) -> int:
        """Rows for a textarea that shows the whole text (at most 20)."""
        lines = self.value.count("\n") + 1 + len(self.value) // 70
        return min(max(lines, 2), 20)


@dataclass(frozen=True)
class Repost:
    fields: list[Posted]
    #: The button that was pressed (a form with "preview" and "save" needs to know)
    button: Posted | None
    #: Whether a password or a file was left out (the user types or chooses it again)
    left_out: bool


def _form_classes() -> Iterator[type[BaseForm]]:
    pending = [BaseForm]
    while pending:
        form_class = pending.pop()
        pending.extend(form_class.__subclasses__())
        yield form_class


@functools.cache
def _declared(form_class: type[BaseForm]) -> dict[str, UnboundField]:
    """The fields a form class declares (its own and inherited), by name."""
    fields = {}
    for name in dir(form_class):
        value = getattr(form_class, name, None)
        if isinstance(value, UnboundField):
            fields[name] = value
    return fields


def _best_form(names: set[str]) -> dict[str, UnboundField]:
    """The fields of the form class that declares most of ``names`` and least else."""
    return max(
        (_declared(form_class) for form_class in _form_classes()),
        key=lambda fields: (len(names & fields.keys()), -len(fields.keys() - names)),
        default={},
    )


def _kind(name: str, unbound: UnboundField | None) -> str:
    field_class = unbound.field_class if unbound is not None else None
    if "password" in name.lower() or (field_class and issubclass(field_class, PasswordField)):
        return SECRET
    if field_class is None or issubclass(field_class, FieldList):
        return TEXT
    if issubclass(field_class, FileField):
        return SECRET
    if issubclass(field_class, SubmitField):
        return BUTTON
    if issubclass(field_class, StringField) and not issubclass(field_class, HiddenField):
        return TEXT
    return HIDDEN  # a choice, a box, a number, a date: sent again as it came


def _label(name: str, unbound: UnboundField | None) -> str:
    if unbound is None:
        return name
    label = unbound.kwargs.get("label") or (unbound.args[0] if unbound.args else None)
    return str(label) if label else name


def repost_of(request: Request, skip: tuple[str, ...] = ("csrf_token",)) -> Repost:
    """What ``request`` posted, sorted for a new form; ``skip`` names what is never sent
    again as it came (the old CSRF token)."""
    names = {name for name in request.form if name not in skip}
    declared = _best_form(names)
    fields, button, left_out = [], None, bool(request.files)
    for name, value in request.form.items(multi=True):
        if name in skip:
            continue
        unbound = declared.get(name) or declared.get(name.split("-")[0])
        posted = Posted(name, value, _label(name, unbound), _kind(name, unbound))
        if posted.kind == SECRET:
            left_out = True
        elif posted.kind == BUTTON:
            button = posted
        else:
            fields.append(posted)
    return Repost(fields, button, left_out)
