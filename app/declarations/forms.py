"""Forms for services, declarations, feedback, reports and answers."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import FieldList, Form, FormField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import ListWidget, RadioInput

from app.core.focus_areas import FOCUS_AREAS
from app.core.forms import (
    CONTROL_MESSAGE,
    LINE_BREAK_MESSAGE,
    BaseForm,
    CheckboxListField,
    ChoiceField,
    DayField,
    WholeNumberField,
    has_control_characters,
    strip_text,
)
from app.core.i18n import LANGUAGE_NAMES
from app.declarations.models import CONTENT_LANGUAGES, TargetUnit
from app.declarations.services import PromiseInput

#: Each content language named in itself; South Sami has no UI catalogue, only content
CONTENT_LANGUAGE_NAMES = {**LANGUAGE_NAMES, "sma": "Åarjelsaemien"}
UNIT_LABELS = {TargetUnit.working_days: _l("virkedager"), TargetUnit.hours: _l("timer")}
#: Addresses under /declarations/ that are not services
RESERVED_SLUGS = {"manage"}
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PROSE_MAX = 20_000
#: Empty promise rows offered below the existing ones (no JavaScript needed to add more)
SPARE_ROWS = 3
MAX_PROMISES = 30


class RadioChoiceField(ChoiceField):
    """Radio buttons with the site's translated "choose one of the options" message."""

    widget = ListWidget(prefix_label=False)
    option_widget = RadioInput()


def _prose(label: str, description: str | None = None) -> TextAreaField:
    return TextAreaField(
        label,
        description=description,
        filters=[strip_text],
        validators=[Optional(),
                    Length(max=PROSE_MAX, message=_l("Teksten kan ha høyst 20 000 tegn."))],
    )  # fmt: skip


class ServiceForm(BaseForm):
    name = StringField(
        _l("Navn"),
        filters=[strip_text],
        validators=[DataRequired(_l("Skriv navnet på tjenesten.")),
                    Length(max=120, message=_l("Navnet kan ha høyst 120 tegn."))],
    )  # fmt: skip
    slug = StringField(
        _l("Kortnavn i adressen"),
        description=_l("Små bokstaver a–z, tall og bindestrek, for eksempel «byggesak»."),
        filters=[strip_text],
        validators=[DataRequired(_l("Skriv et kortnavn.")),
                    Length(max=60, message=_l("Kortnavnet kan ha høyst 60 tegn."))],
    )  # fmt: skip
    unit_id = ChoiceField(_l("Enhet"), coerce=int)
    description = _prose(_l("Kort beskrivelse"), _l("Vises i oversikten. Du kan bruke Markdown."))
    focus_areas = CheckboxListField(
        _l("Fokusområder"),
        choices=lambda: [SelectChoice(str(n), f"{n}. {label}") for n, label in FOCUS_AREAS.items()],
        validators=[Optional()],
    )
    owner_ids = CheckboxListField(_l("Tjenesteledere (eiere)"), validators=[Optional()])
    active = RadioChoiceField(
        _l("Vises offentlig"),
        choices=[SelectChoice("1", _l("Ja")), SelectChoice("0", _l("Nei"))],
        default="1",
    )
    submit = SubmitField(_l("Lagre tjenesten"))

    def validate_slug(self, field: StringField) -> None:
        if field.data in RESERVED_SLUGS:
            raise ValidationError(str(_l("Dette kortnavnet er reservert. Velg et annet.")))
        if field.data and not SLUG.match(field.data):
            raise ValidationError(
                str(_l("Bruk bare små bokstaver a–z, tall og bindestrek mellom ordene."))
            )

    def values(self) -> dict[str, object]:
        return {
            "name": self.name.data,
            "slug": self.slug.data,
            "unit_id": self.unit_id.data,
            "description": self.description.data or "",
            "focus_areas": sorted(int(n) for n in self.focus_areas.data or []),
            "owner_ids": [int(n) for n in self.owner_ids.data or []],
            "active": self.active.data == "1",
        }


def _no_control_characters(_form: Form, field: StringField) -> None:
    if isinstance(field.data, str) and has_control_characters(field.data):
        raise ValidationError(str(CONTROL_MESSAGE))
    if isinstance(field.data, str) and re.search(r"[\r\n\u2028\u2029]", field.data):
        raise ValidationError(str(LINE_BREAK_MESSAGE))


class PromiseRowForm(Form):
    """One promise; a row with no text is left out."""

    position = WholeNumberField(
        _l("Nr."), validators=[Optional(), NumberRange(min=1, max=MAX_PROMISES,
                                                       message=_l("Bruk et tall fra 1 til 30."))]
    )  # fmt: skip
    text = StringField(
        _l("Løftet"),
        filters=[strip_text],
        validators=[_no_control_characters,
                    Length(max=500, message=_l("Et løfte kan ha høyst 500 tegn."))],
    )  # fmt: skip
    target_value = WholeNumberField(
        _l("Målbart: innen"),
        validators=[Optional(), NumberRange(min=1, max=10_000,
                                            message=_l("Skriv et helt tall fra 1 til 10 000."))],
    )  # fmt: skip
    target_unit = ChoiceField(
        _l("Enhet for målet"),
        choices=lambda: [SelectChoice("", _l("Ikke målbart")),
                         *[SelectChoice(u.value, str(label)) for u, label in UNIT_LABELS.items()]],
        default="",
    )  # fmt: skip

    def validate_target_unit(self, field: ChoiceField) -> None:
        if bool(field.data) != (self.target_value.data is not None):
            raise ValidationError(str(_l("Et målbart løfte trenger både et tall og en enhet.")))


class DraftForm(BaseForm):
    about = _prose(_l("Tjenesten"), _l("Hva tjenesten er. Du kan bruke Markdown."))
    audience = _prose(_l("Hvem tjenesten er for"))
    promises = FieldList(FormField(PromiseRowForm), min_entries=1, max_entries=MAX_PROMISES)
    expectations = _prose(_l("Hva vi forventer av deg"))
    price = _prose(_l("Pris"))
    complaints = _prose(_l("Klageadgang"), _l("Hvordan du klager, og til hvem."))
    contact = _prose(_l("Kontakt"))
    save = SubmitField(_l("Lagre utkastet"))

    def validate(self, extra_validators=None) -> bool:  # type: ignore[no-untyped-def]
        """The error summary lists a promise row's errors as "Promise 2: …", each row's
        fields show their own."""
        ok = super().validate(extra_validators)
        for n, entry in enumerate(self.promises, start=1):
            for field in entry.form:
                for message in field.errors:
                    self.form_errors.append(
                        str(_l("Løfte %(n)s, %(field)s: %(message)s", n=n,
                               field=field.label.text, message=message))
                    )  # fmt: skip
        self.promises.errors = []
        return ok

    def sections(self) -> dict[str, str]:
        names = ("about", "audience", "expectations", "price", "complaints", "contact")
        return {name: getattr(self, name).data or "" for name in names}

    def promise_inputs(self) -> list[PromiseInput]:
        """The rows with text, in the order of their numbers (rows without one keep their
        place)."""
        rows = [
            (row.position.data or index, index, row)
            for index, row in enumerate((entry.form for entry in self.promises), start=1)
            if row.text.data
        ]
        return [
            PromiseInput(row.text.data, row.target_value.data,
                         TargetUnit(row.target_unit.data) if row.target_unit.data else None)
            for _pos, _index, row in sorted(rows, key=lambda r: (r[0], r[1]))
        ]  # fmt: skip


class NewDraftForm(BaseForm):
    language = ChoiceField(
        _l("Språk"),
        choices=lambda: [SelectChoice(code, CONTENT_LANGUAGE_NAMES[code], {"lang": code})
                         for code in CONTENT_LANGUAGES],
    )  # fmt: skip
    submit = SubmitField(_l("Skriv et nytt utkast"))


class PublishForm(BaseForm):
    effective_from = DayField(
        _l("Gjelder fra"), validators=[InputRequired(_l("Velg datoen erklæringen gjelder fra."))]
    )
    submit = SubmitField(_l("Publiser"))


def _honeypot() -> StringField:
    #: Hidden from people by the stylesheet; a bot that fills in every field fills this one
    return StringField(_l("Ikke fyll ut dette feltet"), filters=[strip_text])


def _promise_choice(label: str) -> ChoiceField:
    return ChoiceField(
        label,
        coerce=int,
        placeholder=_l("Velg et løfte"),
        validators=[InputRequired(_l("Velg et løfte."))],
    )


class FeedbackForm(BaseForm):
    promise_id = _promise_choice(_l("Hvilket løfte gjelder det?"))
    kept = RadioChoiceField(
        _l("Holdt vi løftet til deg?"),
        choices=[SelectChoice("yes", _l("Ja")), SelectChoice("no", _l("Nei"))],
    )
    comment = TextAreaField(
        _l("Kommentar"),
        description=_l("Ikke skriv personopplysninger. Høyst 2 000 tegn."),
        filters=[strip_text],
        validators=[Optional(),
                    Length(max=2000, message=_l("Kommentaren kan ha høyst 2 000 tegn."))],
    )  # fmt: skip
    website = _honeypot()
    submit = SubmitField(_l("Send tilbakemeldingen"))


class ReportForm(BaseForm):
    promise_id = _promise_choice(_l("Hvilket løfte ble brutt?"))
    description = TextAreaField(
        _l("Hva skjedde?"),
        filters=[strip_text],
        validators=[DataRequired(_l("Skriv hva som skjedde.")),
                    Length(max=5000, message=_l("Beskrivelsen kan ha høyst 5 000 tegn."))],
    )  # fmt: skip
    happened_on = DayField(
        _l("Når skjedde det?"), validators=[InputRequired(_l("Velg datoen det skjedde."))]
    )
    name = StringField(
        _l("Navn"),
        filters=[strip_text],
        validators=[Optional(), Length(max=120, message=_l("Navnet kan ha høyst 120 tegn."))],
    )
    email = StringField(
        _l("E-post"),
        description=_l("Vi sender kvittering og svar hit. Adressen slettes når saken er lukket."),
        filters=[strip_text],
        validators=[Optional(), Length(max=254), Email(_l("Skriv en gyldig e-postadresse."))],
    )
    website = _honeypot()
    submit = SubmitField(_l("Meld avviket"))


class AnswerForm(BaseForm):
    answer = TextAreaField(
        _l("Svar til den som meldte avviket"),
        description=_l("Sendes på e-post. Høyst 5 000 tegn."),
        filters=[strip_text],
        validators=[DataRequired(_l("Skriv svaret.")),
                    Length(max=5000, message=_l("Svaret kan ha høyst 5 000 tegn."))],
    )  # fmt: skip
    submit = SubmitField(_l("Send svaret"))


class DiffForm(BaseForm):
    class Meta:
        csrf = False

    a = ChoiceField(
        _l("Fra versjon"), coerce=int, validators=[InputRequired(_l("Velg en versjon."))]
    )
    b = ChoiceField(
        _l("Til versjon"), coerce=int, validators=[InputRequired(_l("Velg en versjon."))]
    )
    submit = SubmitField(_l("Vis endringene"))
