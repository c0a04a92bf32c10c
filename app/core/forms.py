"""Form base class and validators shared by every domain."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from babel import support
from flask import has_request_context
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm
from flask_wtf.csrf import _FlaskFormCSRF
from wtforms import (
    DateField,
    Field,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import Choice, SelectChoice
from wtforms.i18n import messages_path
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.core.i18n import LANGUAGE_NAMES

#: C0/C1 control characters except tab, newline and carriage return (which text areas need).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: Bidirectional overrides and isolates, used to disguise text (e.g. "gpj.exe").
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
T = TypeVar("T")
_LINE_BREAK = re.compile(r"[\r\n\u2028\u2029]")

CONTROL_MESSAGE = _l("Teksten inneholder usynlige kontrolltegn som ikke er tillatt. Fjern dem.")
LINE_BREAK_MESSAGE = _l("Dette feltet kan bare ha én linje.")


def has_control_characters(text: str) -> bool:
    """Whether ``text`` holds control characters or bidirectional overrides (refused)."""
    return bool(_CONTROL.search(text) or _BIDI.search(text))


def strip_text(value: str | None) -> str | None:
    """Trim surrounding white space and normalise to NFC, so 'å' is always one character."""
    if value is None:
        return None
    return unicodedata.normalize("NFC", value).strip()


class _TokenWhenShown:
    """A form's CSRF token, made only when a page shows it. Making one writes it to the
    session, and a session cookie keeps its holder out of the page cache from then on: a
    page that builds a form it shows only to logged-in readers must not hand every visitor
    a cookie."""

    def __init__(self, csrf: _FlaskFormCSRF) -> None:
        self.csrf = csrf

    def __str__(self) -> str:
        return _FlaskFormCSRF.generate_csrf_token(self.csrf, None)

    def __html__(self) -> str:
        return str(self)  # URL-safe characters only


class _CSRFWhenShown(_FlaskFormCSRF):
    def generate_csrf_token(self, csrf_token_field: object) -> Any:
        return _TokenWhenShown(self)


_in_language: dict[tuple[int, str], tuple[LazyString, str]] = {}


def in_language(text: Any, language: str) -> Any:
    """A form's lazy label or help text (a class-level ``_l`` constant) as the text of
    ``language``, translated once per process and language: a page shows the same labels on
    every request, and each would otherwise go through Flask-Babel's lookup when shown.
    Anything else is returned as it is."""
    if not isinstance(text, LazyString):
        return text
    key = (id(text), language)
    found = _in_language.get(key)
    if found is None or found[0] is not text:
        found = _in_language[key] = (text, str(text))
    return found[1]


def per_language(name: str, build: Callable[[], T]) -> T:
    """``build()`` (choices made of translated labels, say), once per process and language."""
    key = (name, str(get_locale()))
    found = _per_language.get(key)
    if found is None:
        found = _per_language[key] = build()
    return found  # type: ignore[no-any-return]


_per_language: dict[tuple[str, str], Any] = {}


class BaseForm(FlaskForm):
    """A FlaskForm (so CSRF applies) that refuses control characters in every text field,
    and whose CSRF token is made only when a page shows it (``_TokenWhenShown``).

    Hostile input gets a clear message here, before anything reaches the database
    (PostgreSQL cannot store NUL, so it must never get that far).
    """

    class Meta:
        csrf_class = _CSRFWhenShown

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if has_request_context():  # labels and help texts in the reader's language, as text
            language = str(get_locale())
            for field in self._fields.values():
                field.label.text = in_language(field.label.text, language)
                field.description = in_language(field.description, language)

        def get_translations(self, form: Any) -> Any:
            """WTForms' own messages in the reader's language, loaded once per process and
            language (Flask-WTF reads the catalogue from disk on each request that builds
            a form with a field it has not labelled)."""
            if not has_request_context():
                return super().get_translations(form)
            return _wtforms_translations(str(get_locale()))

    def validate(self, extra_validators=None) -> bool:  # type: ignore[no-untyped-def]
        ok = super().validate(extra_validators)
        for field in self:
            if isinstance(field, StringField | TextAreaField) and not isinstance(
                field, HiddenField
            ):
                ok = _check_text(field) and ok
        return ok


@lru_cache(maxsize=8)
def _wtforms_translations(locale: str) -> support.Translations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


def _check_text(field: Field) -> bool:
    value = field.data if isinstance(field.data, str) else ""
    message = None
    if has_control_characters(value):
        message = CONTROL_MESSAGE
    elif not isinstance(field, TextAreaField) and _LINE_BREAK.search(value):
        message = LINE_BREAK_MESSAGE
    if message is None:
        return True
    if str(message) not in [str(e) for e in field.errors]:
        field.errors = [*field.errors, message]
    return False


class DayField(DateField):
    """A date (yyyy-mm-dd, as <input type=date> sends it) with a translated parse error."""

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(
                str(_l("Skriv datoen som åååå-mm-dd, for eksempel 2026-05-17."))
            ) from exc


class ChoiceField(SelectField):
    """A SelectField whose 'not a valid choice' message is in the site's catalogues.

    With a ``placeholder`` ("Choose a promise") the list starts with that label and an empty
    value, chosen while the field has no value: a required list whose first option is a
    real one has chosen for the reader before they looked (and is invalid HTML). An empty
    answer is then left to the field's InputRequired, which says what to do.
    """

    def __init__(self, *args: Any, placeholder: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.placeholder = placeholder

    def iter_choices(self) -> list[Choice]:
        choices = super().iter_choices()
        if self.placeholder is None:
            return choices
        return [Choice("", self.placeholder, self.data is None, None), *choices]

    def pre_validate(self, form: object) -> None:
        if self.placeholder is not None and not (self.raw_data and self.raw_data[0]):
            return
        for choice in self.iter_choices():
            try:
                if self.coerce(choice[0]) == self.data:
                    return
            except (TypeError, ValueError):
                continue
        raise ValidationError(str(_l("Velg et av alternativene i listen.")))

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:  # coerce failed: "abc" for a number; pre_validate says why
            self.data = None


class CheckboxListField(SelectMultipleField):
    """Several choices as checkboxes, usable without JavaScript."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form: object) -> None:
        allowed = {choice[0] for choice in self.iter_choices()}
        if any(value not in allowed for value in self.data or []):
            raise ValidationError(str(_l("Velg blant alternativene i listen.")))


class ConfirmForm(BaseForm):
    """A one-button action; Flask-WTF still checks its CSRF token."""

    submit = SubmitField(_l("Bekreft"))


class LogoutForm(BaseForm):
    """The logout button every page's header shows to a signed-in reader."""

    submit = SubmitField(_l("Logg ut"))


def language_choices() -> list[SelectChoice]:
    """The languages with a catalogue, each named in its own language."""
    return [SelectChoice(code, name, {"lang": code}) for code, name in LANGUAGE_NAMES.items()]


def safe_next(target: str | None, fallback: str = "/") -> str:
    """A redirect target that stays on this site (a path, never another host)."""
    # Browsers drop tabs and line breaks in URLs, so "/\t/evil.example" would become
    # "//evil.example": refuse every control character and space before anything else
    if not target or re.search(r"[\x00-\x20\x7f-\x9f\\]", target):
        return fallback
    if not target.startswith("/") or target.startswith("//"):
        return fallback
    return target.removesuffix("?")


class WholeNumberField(IntegerField):
    """An IntegerField whose parse error is translated with the rest of the site."""

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = int(valuelist[0].strip())
        except ValueError as exc:
            self.data = None
            raise ValueError(str(_l("Skriv et helt tall, for eksempel 1985."))) from exc


def valid_birth_year(_form: object, field: Field) -> None:
    """A birth year from 1900 to this year (Oslo time), the same on every form."""
    this_year = datetime.now(ZoneInfo("Europe/Oslo")).year
    if field.data is not None and not 1900 <= field.data <= this_year:
        raise ValidationError(str(_l("Fødselsåret må være mellom 1900 og i år.")))
