"""Panel forms; the answer form is built from the survey's questions (see parse_answers)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from app.core.focus_areas import FOCUS_AREAS
from app.core.forms import (
    CONTROL_MESSAGE,
    BaseForm,
    CheckboxListField,
    ChoiceField,
    DayField,
    WholeNumberField,
    has_control_characters,
    strip_text,
    valid_birth_year,
)
from app.panel.models import USER_GROUPS, Audience, FollowUpStatus, Question, QuestionKind

#: Numbers answers may take at most, and a new number question's range until changed
NUMBER_LIMIT = 10**9
DEFAULT_NUMBER_RANGE = (0, 100)

DIMENSIONS = [
    "Informasjon",
    "Brukermedvirkning",
    "Respektfull behandling",
    "Tilgjengelighet",
    "Trivsel",
    "Helhetsvurdering",
]
KIND_LABELS = {
    QuestionKind.scale6: _l("Skala 1–6"),
    QuestionKind.single: _l("Ett valg"),
    QuestionKind.multi: _l("Flere valg"),
    QuestionKind.text: _l("Fritekst"),
    QuestionKind.number: _l("Tall"),
}
STATUS_LABELS = {
    FollowUpStatus.planned: _l("Planlagt"),
    FollowUpStatus.in_progress: _l("Pågår"),
    FollowUpStatus.done: _l("Gjennomført"),
}
TEXT_MAX = 2000


class MembershipForm(BaseForm):
    birth_year = WholeNumberField(_l("Fødselsår"), validators=[Optional(), valid_birth_year])
    area = ChoiceField(_l("Område (grend)"), default="")
    user_groups = CheckboxListField(
        _l("Tjenester du eller familien bruker"),
        choices=lambda: [SelectChoice(k, str(v)) for k, v in USER_GROUPS],
        validators=[Optional()],
    )
    submit = SubmitField(_l("Lagre"))


class SurveyForm(BaseForm):
    title = StringField(
        _l("Tittel"),
        filters=[strip_text],
        validators=[DataRequired(_l("Skriv en tittel.")), Length(max=200)],
    )
    intro = TextAreaField(
        _l("Innledning"), filters=[strip_text], validators=[Optional(), Length(max=5000)]
    )
    audience = ChoiceField(
        _l("Hvem spørres"),
        choices=lambda: [
            SelectChoice(Audience.panel.value, str(_l("Hele brukerpanelet"))),
            SelectChoice(Audience.subpanel.value, str(_l("Et trukket underpanel"))),
            SelectChoice(Audience.residents.value, str(_l("Alle innbyggere"))),
        ],
    )
    subpanel_id = ChoiceField(_l("Underpanel"), coerce=str, default="")
    opens_on = DayField(_l("Åpner"), validators=[InputRequired(_l("Velg en dato."))])
    closes_on = DayField(_l("Stenger"), validators=[InputRequired(_l("Velg en dato."))])
    results_public = BooleanField(_l("Resultatene blir offentlige når undersøkelsen stenger"))
    submit = SubmitField(_l("Lagre undersøkelsen"))

    def validate_subpanel_id(self, field: ChoiceField) -> None:
        if self.audience.data == Audience.subpanel.value and not field.data:
            raise ValidationError(str(_l("Velg hvilket underpanel som skal spørres.")))

    def validate_closes_on(self, field: DayField) -> None:
        if self.opens_on.data and field.data and field.data < self.opens_on.data:
            raise ValidationError(str(_l("Undersøkelsen må stenge etter at den åpner.")))


class QuestionForm(BaseForm):
    kind = ChoiceField(
        _l("Type"), choices=lambda: [SelectChoice(k.value, str(v)) for k, v in KIND_LABELS.items()]
    )
    text = StringField(
        _l("Spørsmål"),
        filters=[strip_text],
        validators=[DataRequired(_l("Skriv spørsmålet.")), Length(max=500)],
    )
    options = TextAreaField(
        _l("Svaralternativer (ett per linje)"),
        filters=[strip_text],
        validators=[Optional(), Length(max=3000)],
    )
    low_label = StringField(
        _l("Tekst ved 1"), filters=[strip_text], validators=[Optional(), Length(max=80)]
    )
    high_label = StringField(
        _l("Tekst ved 6"), filters=[strip_text], validators=[Optional(), Length(max=80)]
    )
    min_value = WholeNumberField(
        _l("Laveste tall"),
        default=DEFAULT_NUMBER_RANGE[0],
        description=_l("For tallspørsmål: svarene må ligge mellom laveste og høyeste tall."),
        validators=[Optional()],
    )
    max_value = WholeNumberField(
        _l("Høyeste tall"), default=DEFAULT_NUMBER_RANGE[1], validators=[Optional()]
    )
    dimension = ChoiceField(
        _l("Dimensjon"),
        default="",
        choices=lambda: [
            SelectChoice("", str(_l("Ingen"))),
            *[SelectChoice(d, d) for d in DIMENSIONS],
        ],
    )
    focus_area = ChoiceField(
        _l("Fokusområde"),
        default="",
        choices=lambda: [
            SelectChoice("", str(_l("Ingen"))),
            *[SelectChoice(str(n), f"{n}. {v}") for n, v in FOCUS_AREAS.items()],
        ],
    )
    required = BooleanField(_l("Må besvares"), default=True)
    submit = SubmitField(_l("Legg til spørsmålet"))

    def validate_options(self, field: TextAreaField) -> None:
        if self.kind.data in ("single", "multi") and len(self.option_list()) < 2:
            raise ValidationError(str(_l("Skriv minst to svaralternativer.")))
        if len(self.option_list()) > 30:
            raise ValidationError(str(_l("Høyst 30 svaralternativer.")))

    def validate(self, extra_validators=None) -> bool:  # type: ignore[no-untyped-def]
        """A number question needs its range (the fields' own validators let them be empty,
        as every other kind leaves them)."""
        ok = super().validate(extra_validators)
        if self.kind.data != QuestionKind.number.value:
            return ok
        low, high = self.min_value, self.max_value
        for field in (low, high):
            message = _range_error(field.data)
            if message and not field.errors:
                field.errors.append(message)
        if not low.errors and not high.errors and high.data <= low.data:
            high.errors.append(str(_l("Høyeste tall må være større enn laveste.")))
        return ok and not low.errors and not high.errors

    def option_list(self) -> list[str]:
        return [o.strip() for o in (self.options.data or "").splitlines() if o.strip()]

    def values(self) -> dict[str, Any]:
        kind = QuestionKind(self.kind.data)
        return {
            "kind": kind,
            "text": self.text.data,
            "required": bool(self.required.data),
            "options": self.option_list()
            if kind in (QuestionKind.single, QuestionKind.multi)
            else [],
            "low_label": self.low_label.data or None,
            "high_label": self.high_label.data or None,
            "min_value": self.min_value.data if kind == QuestionKind.number else None,
            "max_value": self.max_value.data if kind == QuestionKind.number else None,
            "dimension": self.dimension.data or None,
            "focus_area": int(self.focus_area.data) if self.focus_area.data else None,
        }


def _range_error(value: int | None) -> str | None:
    """What is wrong with a number question's bound: missing, or beyond what answers may be."""
    if value is None:
        return str(_l("Et tallspørsmål trenger laveste og høyeste tall."))
    if not -NUMBER_LIMIT <= value <= NUMBER_LIMIT:
        return str(
            _l("Velg et tall mellom %(low)s og %(high)s.", low=-NUMBER_LIMIT, high=NUMBER_LIMIT)
        )
    return None


class RoundForm(BaseForm):
    opens_on = DayField(_l("Ny runde åpner"), validators=[InputRequired(_l("Velg en dato."))])
    closes_on = DayField(_l("Ny runde stenger"), validators=[InputRequired(_l("Velg en dato."))])
    submit = SubmitField(_l("Kopier som ny runde"))


class FollowUpForm(BaseForm):
    what = StringField(
        _l("Hva gjør vi?"),
        filters=[strip_text],
        validators=[DataRequired(_l("Skriv tiltaket.")), Length(max=500)],
    )
    owner = StringField(
        _l("Ansvarlig"),
        filters=[strip_text],
        validators=[DataRequired(_l("Skriv hvem som er ansvarlig.")), Length(max=120)],
    )
    due_on = DayField(_l("Frist"), validators=[Optional()])
    submit = SubmitField(_l("Legg til tiltaket"))


def parse_answers(questions: list[Question], form: Any) -> tuple[dict[int, Any], dict[int, str]]:
    """Read the answer form: (values by question id, error message by question id)."""
    values: dict[int, Any] = {}
    errors: dict[int, str] = {}
    for q in questions:
        name = f"q{q.id}"
        raw = form.getlist(name) if q.kind == QuestionKind.multi else form.get(name, "").strip()
        try:
            value = _value(q, raw)
        except ValueError as error:
            errors[q.id] = str(error)
            continue
        if value in (None, "", []) and q.required:
            errors[q.id] = str(_l("Dette spørsmålet må besvares."))
        values[q.id] = value
    return values, errors


def _value(q: Question, raw: Any) -> Any:
    if raw in ("", []):
        return None
    if q.kind == QuestionKind.text:
        if len(raw) > TEXT_MAX:
            raise ValueError(str(_l("Svaret kan ha høyst 2 000 tegn.")))
        if has_control_characters(raw):
            raise ValueError(str(CONTROL_MESSAGE))
        return raw
    if q.kind == QuestionKind.scale6:
        if raw == "dont_know":
            return raw
        return _int_in(raw, 1, 6)
    if q.kind == QuestionKind.single:
        return _int_in(raw, 0, len(q.options) - 1)
    if q.kind == QuestionKind.multi:
        return sorted({_int_in(r, 0, len(q.options) - 1) for r in raw})
    return _int_in(raw, *number_range(q))


def number_range(q: Question) -> tuple[int, int]:
    """A number question's range (the limits, for one stored before ranges were required)."""
    low = q.min_value if q.min_value is not None else -NUMBER_LIMIT
    high = q.max_value if q.max_value is not None else NUMBER_LIMIT
    return low, high


def _int_in(raw: str, low: int, high: int) -> int:
    try:
        value = int(str(raw).strip())
    except ValueError as error:
        raise ValueError(str(_l("Skriv et helt tall."))) from error
    if not low <= value <= high:
        raise ValueError(str(_l("Velg en verdi mellom %(low)s og %(high)s.", low=low, high=high)))
    return value


class LotteryForm(BaseForm):
    name = StringField(
        _l("Navn på underpanelet"),
        filters=[strip_text],
        validators=[DataRequired(_l("Skriv et navn.")), Length(max=120)],
    )
    size = WholeNumberField(
        _l("Antall som skal trekkes"),
        validators=[InputRequired(_l("Skriv antallet.")), NumberRange(min=1, max=10_000)],
    )
    seed = WholeNumberField(
        _l("Frø (valgfritt)"),
        description=_l(
            "Samme frø og samme frivillige gir samme trekning. La stå tomt for et "
            "tilfeldig frø, som blir vist etterpå."
        ),
        validators=[Optional(), NumberRange(min=0, max=10**12)],
    )
    submit = SubmitField(_l("Trekk underpanelet"))
