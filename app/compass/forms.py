"""Kompass forms (administrators only)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from app.compass.labels import STATUS_LABELS
from app.compass.models import MeasureStatus
from app.core.focus_areas import FOCUS_AREAS
from app.core.forms import (
    BaseForm,
    CheckboxListField,
    ChoiceField,
    DayField,
    WholeNumberField,
    strip_text,
)

TEXT_MAX = 5000
YEAR_MESSAGE = _l("Skriv et årstall mellom 1990 og 2100.")
POINTS_MESSAGE = _l("Skriv et tall fra 0 til 800.")
AREA_MESSAGE = _l("Skriv et tall fra 0 til 100, eller la feltet stå tomt hvis det ikke er oppgitt.")
REQUIRED = _l("Fyll ut feltet.")


def _year() -> list[object]:
    return [InputRequired(REQUIRED), NumberRange(1990, 2100, YEAR_MESSAGE)]


def _points(required: bool = False) -> list[object]:
    first = InputRequired(REQUIRED) if required else Optional()
    return [first, NumberRange(0, 800, POINTS_MESSAGE)]


def _text(limit: int, required: bool = True) -> list[object]:
    first = DataRequired(REQUIRED) if required else Optional()
    return [first, Length(max=limit, message=_l("Teksten er for lang."))]


def web_address(form: object, field: StringField) -> None:
    """Only http(s) addresses with a host: never javascript: or data: links."""
    if not field.data:
        return
    parts = urlsplit(field.data)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in field.data:
        raise ValidationError(str(_l("Skriv en nettadresse som begynner med https://.")))


class EvaluationForm(BaseForm):
    year = WholeNumberField(_l("År"), validators=_year())
    evaluator = StringField(_l("Evaluert av"), filters=[strip_text], validators=_text(200))
    total = WholeNumberField(
        _l("Totalpoeng"),
        validators=_points(required=True),
        description=_l("Av 800. Når alle åtte områdene er oppgitt, er totalen summen av dem; "
                       "ellers skriver du totalen slik den ble publisert."),
    )  # fmt: skip
    area_1 = WholeNumberField(validators=[Optional(), NumberRange(0, 100, AREA_MESSAGE)])
    area_2 = WholeNumberField(validators=[Optional(), NumberRange(0, 100, AREA_MESSAGE)])
    area_3 = WholeNumberField(validators=[Optional(), NumberRange(0, 100, AREA_MESSAGE)])
    area_4 = WholeNumberField(validators=[Optional(), NumberRange(0, 100, AREA_MESSAGE)])
    area_5 = WholeNumberField(validators=[Optional(), NumberRange(0, 100, AREA_MESSAGE)])
    area_6 = WholeNumberField(validators=[Optional(), NumberRange(0, 100, AREA_MESSAGE)])
    area_7 = WholeNumberField(validators=[Optional(), NumberRange(0, 100, AREA_MESSAGE)])
    area_8 = WholeNumberField(validators=[Optional(), NumberRange(0, 100, AREA_MESSAGE)])
    national_average = WholeNumberField(_l("Landsgjennomsnitt"), validators=_points())
    group_average = WholeNumberField(
        _l("Gjennomsnitt for kommuner av samme størrelse"), validators=_points()
    )
    best_municipality = WholeNumberField(_l("Beste kommune"), validators=_points())
    source_url = StringField(
        _l("Kilde (nettadresse)"),
        filters=[strip_text],
        validators=[Optional(), Length(max=500, message=_l("Teksten er for lang.")), web_address],
    )
    notes = TextAreaField(_l("Merknader"), filters=[strip_text], validators=_text(TEXT_MAX, False))
    submit = SubmitField(_l("Lagre evalueringen"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for area, name in FOCUS_AREAS.items():
            self[f"area_{area}"].label.text = _l("Område %(n)s: %(name)s", n=area, name=name)

    def area_fields(self) -> list[object]:
        return [self[f"area_{area}"] for area in FOCUS_AREAS]

    def scores(self) -> dict[int, int | None]:
        return {area: self[f"area_{area}"].data for area in FOCUS_AREAS}

    def values(self) -> dict[str, object]:
        return {
            "year": self.year.data,
            "evaluator": self.evaluator.data,
            "total": self.total.data,
            "scores": self.scores(),
            "source_url": self.source_url.data or None,
            "notes": self.notes.data or "",
            "national_average": self.national_average.data,
            "group_average": self.group_average.data,
            "best_municipality": self.best_municipality.data,
        }


class TargetForm(BaseForm):
    score = WholeNumberField(_l("Mål (poeng)"), validators=_points(required=True))
    year = WholeNumberField(_l("Innen år"), validators=_year())
    submit = SubmitField(_l("Lagre målet"))


class StrategyForm(BaseForm):
    title = StringField(_l("Tittel"), filters=[strip_text], validators=_text(200))
    description = TextAreaField(
        _l("Beskrivelse"), filters=[strip_text], validators=_text(TEXT_MAX, False)
    )
    position = WholeNumberField(
        _l("Rekkefølge"), default=0, validators=[Optional(), NumberRange(0, 999, _l(
            "Skriv et tall fra 0 til 999."))]
    )  # fmt: skip
    submit = SubmitField(_l("Lagre delstrategien"))


def _area_choices() -> list[SelectChoice]:
    return [SelectChoice(str(n), f"{n}. {label}") for n, label in FOCUS_AREAS.items()]


class MeasureForm(BaseForm):
    title = StringField(_l("Tittel"), filters=[strip_text], validators=_text(300))
    description = TextAreaField(
        _l("Beskrivelse"), filters=[strip_text], validators=_text(TEXT_MAX, False)
    )
    focus_areas = CheckboxListField(
        _l("Fokusområder"), choices=_area_choices, validators=[Optional()]
    )
    owner = StringField(_l("Ansvarlig"), filters=[strip_text], validators=_text(120))
    due_on = DayField(_l("Frist"), validators=[Optional()])
    position = WholeNumberField(
        _l("Rekkefølge"), default=0, validators=[Optional(), NumberRange(0, 999, _l(
            "Skriv et tall fra 0 til 999."))]
    )  # fmt: skip
    submit = SubmitField(_l("Lagre tiltaket"))

    def values(self) -> dict[str, object]:
        return {
            "title": self.title.data,
            "description": self.description.data or "",
            "focus_areas": [int(a) for a in self.focus_areas.data or []],
            "owner": self.owner.data,
            "due_on": self.due_on.data,
            "position": self.position.data or 0,
        }


class UpdateForm(BaseForm):
    noted_on = DayField(_l("Dato"), validators=[InputRequired(REQUIRED)])
    text = TextAreaField(_l("Hva har skjedd?"), filters=[strip_text], validators=_text(TEXT_MAX))
    status = ChoiceField(
        _l("Status"),
        choices=lambda: [SelectChoice(s.value, str(label)) for s, label in STATUS_LABELS.items()],
    )
    progress = WholeNumberField(
        _l("Fremdrift (prosent)"),
        validators=[InputRequired(REQUIRED), NumberRange(0, 100, _l(
            "Skriv et tall fra 0 til 100."))],
        description=_l("Når status er «Gjennomført», settes fremdriften til 100."),
    )  # fmt: skip
    submit = SubmitField(_l("Legg til oppdateringen"))

    def values(self) -> dict[str, object]:
        return {
            "noted_on": self.noted_on.data,
            "text": self.text.data,
            "status": MeasureStatus(self.status.data),
            "progress": self.progress.data,
        }
