"""Administration forms."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from app.core.forms import (
    BaseForm,
    CheckboxListField,
    ChoiceField,
    DayField,
    WholeNumberField,
    strip_text,
)
from app.core.models import MunicipalityKind
from app.core.permissions import ROLE_LABELS, Role

KIND_LABELS = {
    MunicipalityKind.kommune: _l("Kommune"),
    MunicipalityKind.fylkeskommune: _l("Fylkeskommune"),
}


def role_choices() -> list[SelectChoice]:
    return [SelectChoice(role.value, str(ROLE_LABELS[role])) for role in Role]


class UserFilterForm(BaseForm):
    class Meta:
        csrf = False  # a GET search form changes nothing

    q = StringField(
        _l("Søk etter navn eller e-post"),
        filters=[strip_text],
        validators=[Optional(), Length(max=100)],
    )
    role = ChoiceField(
        _l("Rolle"), choices=lambda: [SelectChoice("", _l("Alle")), *role_choices()], default=""
    )
    status = ChoiceField(
        _l("Status"),
        choices=lambda: [
            SelectChoice("", _l("Alle")),
            SelectChoice("active", _l("Aktive")),
            SelectChoice("inactive", _l("Deaktiverte")),
            SelectChoice("unconfirmed", _l("Ikke bekreftet")),
        ],
        default="",
    )
    submit = SubmitField(_l("Søk"))


class RolesForm(BaseForm):
    roles = CheckboxListField(_l("Roller"), choices=role_choices, validators=[Optional()])
    submit = SubmitField(_l("Lagre roller"))


def _lines(value: str | None, separators: str = r"[\n,;]+") -> list[str]:
    """Non-empty, stripped, de-duplicated items of a list typed into a text area."""
    parts = re.split(separators, value or "")
    return list(dict.fromkeys(p.strip() for p in parts if p.strip()))


def _postal_codes(_form: object, field: TextAreaField) -> None:
    bad = [code for code in _lines(field.data) if not re.fullmatch(r"\d{4}", code)]
    if bad:
        raise ValidationError(
            str(_l("Disse er ikke postnumre med fire sifre: %(codes)s", codes=", ".join(bad[:5])))
        )


def _shares(text: str | dict[str, float] | None) -> dict[str, float]:
    """Lines of "name: percent" as a dict; a clear message for a line that is not one."""
    if isinstance(text, dict):  # not in the submitted form: the saved value stands
        return {str(k): float(v) for k, v in text.items()}
    shares: dict[str, float] = {}
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        name, _sep, number = line.rpartition(":")
        try:
            value = float(number.replace(",", ".").strip())
        except ValueError:
            value = -1
        if not name.strip() or not 0 <= value <= 100:
            raise ValidationError(
                str(_l("Skriv hver linje som «navn: prosent», for eksempel «Brekken: 9»."))
            )
        shares[name.strip()] = value
    return shares


class SettingsForm(BaseForm):
    name = StringField(
        _l("Navn"),
        filters=[strip_text],
        validators=[DataRequired(_l("Skriv inn navnet.")), Length(max=120)],
    )
    number = StringField(
        _l("Kommunenummer"),
        filters=[strip_text],
        validators=[
            DataRequired(_l("Skriv inn kommunenummeret.")),
            Regexp(r"^\d{4}$", message=_l("Kommunenummeret har fire sifre.")),
        ],
    )
    kind = ChoiceField(
        _l("Type"),
        choices=lambda: [SelectChoice(k.value, str(label)) for k, label in KIND_LABELS.items()],
    )
    population = WholeNumberField(
        _l("Innbyggertall"),
        description=_l("Brukes til terskelen for innbyggerforslag (2 prosent av innbyggerne)."),
        validators=[
            InputRequired(_l("Skriv inn innbyggertallet.")),
            NumberRange(min=1, max=10_000_000, message=_l("Innbyggertallet må være minst 1.")),
        ],
    )
    postal_codes = TextAreaField(
        _l("Postnumre i kommunen"),
        description=_l("Ett per linje eller skilt med komma."),
        validators=[DataRequired(_l("Skriv inn minst ett postnummer.")), _postal_codes],
    )
    areas = TextAreaField(
        _l("Områder (grender)"),
        description=_l("Ett per linje. Innbyggerne velger blant disse i brukerpanelet."),
        validators=[Optional(), Length(max=5000)],
    )
    age_shares = TextAreaField(
        _l("Befolkningen etter aldersgruppe (prosent)"),
        description=_l(
            "Én gruppe per linje, for eksempel «18-29: 13». Brukes i loddtrekningen "
            "til brukerpanelet."
        ),
        validators=[Optional(), Length(max=2000)],
    )
    area_shares = TextAreaField(
        _l("Befolkningen etter område (prosent)"),
        description=_l("Ett område per linje, for eksempel «Brekken: 9»."),
        validators=[Optional(), Length(max=5000)],
    )
    electoral_period_start = DayField(
        _l("Valgperioden starter"), validators=[InputRequired(_l("Velg en dato."))]
    )
    electoral_period_end = DayField(
        _l("Valgperioden slutter"), validators=[InputRequired(_l("Velg en dato."))]
    )
    submit = SubmitField(_l("Lagre innstillingene"))

    def validate_electoral_period_end(self, field: DayField) -> None:
        start = self.electoral_period_start.data
        if start and field.data and field.data <= start:
            raise ValidationError(str(_l("Valgperioden må slutte etter at den starter.")))

    def validate_age_shares(self, field: TextAreaField) -> None:
        _shares(field.data)

    def validate_area_shares(self, field: TextAreaField) -> None:
        _shares(field.data)

    def values(self) -> dict[str, object]:
        return {
            "name": self.name.data,
            "number": self.number.data,
            "kind": MunicipalityKind(self.kind.data),
            "population": self.population.data,
            "postal_codes": _lines(self.postal_codes.data),
            "areas": _lines(self.areas.data, r"[\r\n]+"),
            "age_shares": _shares(self.age_shares.data),
            "area_shares": _shares(self.area_shares.data),
            "electoral_period_start": self.electoral_period_start.data,
            "electoral_period_end": self.electoral_period_end.data,
        }


class AuditFilterForm(BaseForm):
    class Meta:
        csrf = False

    action = StringField(
        _l("Handling"), filters=[strip_text], validators=[Optional(), Length(max=80)]
    )
    actor = StringField(
        _l("Utført av (e-post)"), filters=[strip_text], validators=[Optional(), Length(max=254)]
    )
    target_type = StringField(
        _l("Gjelder (type)"), filters=[strip_text], validators=[Optional(), Length(max=40)]
    )
    target_id = StringField(
        _l("Gjelder (nummer)"), filters=[strip_text], validators=[Optional(), Length(max=40)]
    )
    date_from = DayField(_l("Fra dato"), validators=[Optional()])
    date_to = DayField(_l("Til dato"), validators=[Optional()])
    submit = SubmitField(_l("Filtrer"))


class UnitForm(BaseForm):
    name = StringField(
        _l("Navn på enheten"),
        filters=[strip_text],
        validators=[DataRequired(_l("Skriv navnet på enheten.")),
                    Length(max=120, message=_l("Navnet kan ha høyst 120 tegn."))],
    )  # fmt: skip
    contact = ChoiceField(
        _l("Kontaktperson"),
        description=_l("En tjenesteleder. Får beskjed når enheten får månedens gylne "
                       "serviceøyeblikk, og registrerer ukas servicerefleksjon."),
        coerce=int,
    )  # fmt: skip
    submit = SubmitField(_l("Lagre enheten"))
