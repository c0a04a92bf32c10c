"""Golden service moment forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from app.core.forms import BaseForm, ChoiceField, DayField, strip_text
from app.moments.services import STORY_MAX

STORY_HELP = _l("Hva skjedde, og hva gjorde det gylne? Du kan bruke Markdown: **fet**, *kursiv* "
                "og lister. Høyst 3 000 tegn.")  # fmt: skip
STORY_LENGTH = Length(max=STORY_MAX, message=_l("Fortellingen kan ha høyst 3 000 tegn."))
NAME_LENGTH = Length(max=120, message=_l("Navnet kan ha høyst 120 tegn."))
REASON_LENGTH = Length(max=500, message=_l("Begrunnelsen kan ha høyst 500 tegn."))


def text_area(label: object, required: object, length: Length, description: object = None
              ) -> TextAreaField:  # fmt: skip
    """A required, trimmed text area with a length limit and its messages."""
    return TextAreaField(label, description=description, filters=[strip_text],
                         validators=[DataRequired(required), length])  # fmt: skip


class NominationForm(BaseForm):
    unit = ChoiceField(
        _l("Enhet"),
        description=_l("Hvilken av kommunens enheter gjelder det?"),
        coerce=int,
    )
    employee_name = StringField(
        _l("Den ansattes navn"),
        description=_l("Navnet publiseres bare hvis den ansatte selv sier ja. Ellers vises bare "
                       "enheten."),
        filters=[strip_text],
        validators=[Optional(), NAME_LENGTH],
    )  # fmt: skip
    happened_on = DayField(
        _l("Når skjedde det?"),
        validators=[InputRequired(_l("Velg datoen det skjedde."))],
    )
    story = text_area(_l("Hva skjedde?"), _l("Fortell hva som skjedde."), STORY_LENGTH,
                      STORY_HELP)  # fmt: skip
    nominator_name = StringField(
        _l("Ditt navn"),
        filters=[strip_text],
        validators=[DataRequired(_l("Skriv navnet ditt.")), NAME_LENGTH],
    )
    nominator_email = EmailField(
        _l("Din e-postadresse"),
        description=_l("Vi sender deg en lenke du må åpne for å bekrefte nominasjonen."),
        filters=[strip_text],
        validators=[
            DataRequired(_l("Skriv e-postadressen din.")),
            Email(_l("Skriv en gyldig e-postadresse."), check_deliverability=False),
            Length(max=254),
        ],
    )
    may_contact = BooleanField(_l("Utvalget kan kontakte meg om nominasjonen"))
    #: A honeypot: hidden from people, filled in by bots
    website = StringField(_l("Nettsted (la feltet stå tomt)"), filters=[strip_text])
    submit = SubmitField(_l("Send nominasjonen"))


class ApproveForm(BaseForm):
    #: Its own id: the editing form on the same page has a field of the same name
    name_consent = BooleanField(
        _l("Den ansatte har sagt ja til at navnet publiseres"), id="approve-name_consent"
    )
    submit = SubmitField(_l("Godkjenn"))


class RejectForm(BaseForm):
    reason = text_area(_l("Begrunnelse til den som nominerte"), _l("Skriv en begrunnelse."),
                       REASON_LENGTH)  # fmt: skip
    submit = SubmitField(_l("Avvis nominasjonen"))


class EditForm(BaseForm):
    employee_name = StringField(
        _l("Den ansattes navn"), filters=[strip_text], validators=[Optional(), NAME_LENGTH]
    )
    name_consent = BooleanField(_l("Den ansatte har sagt ja til at navnet publiseres"))
    story = text_area(
        _l("Fortellingen"), _l("Fortell hva som skjedde."), STORY_LENGTH,
        _l("Ta bort navn på andre enn den ansatte før nominasjonen publiseres."),
    )  # fmt: skip
    submit = SubmitField(_l("Lagre endringene"))


class WinnerForm(BaseForm):
    nomination = RadioField(_l("Vinneren"), coerce=int, validate_choice=False,
                            validators=[InputRequired(_l("Velg en vinner."))])  # fmt: skip
    citation = text_area(
        _l("Begrunnelse for kåringen"), _l("Skriv en kort begrunnelse."), REASON_LENGTH,
        _l("Noen få setninger som vises i galleriet. Høyst 500 tegn."),
    )  # fmt: skip
    submit = SubmitField(_l("Publiser månedens vinner"))


class PromptForm(BaseForm):
    week = DayField(
        _l("Uken"),
        description=_l("Velg en dag i uken spørsmålet gjelder."),
        validators=[InputRequired(_l("Velg en dato."))],
    )
    prompt = text_area(
        _l("Refleksjonsspørsmål"), _l("Skriv refleksjonsspørsmålet."),
        Length(max=1000, message=_l("Spørsmålet kan ha høyst 1 000 tegn.")),
    )  # fmt: skip
    submit = SubmitField(_l("Publiser spørsmålet"))


class ReflectionForm(BaseForm):
    learning = StringField(
        _l("Læringspunkt"),
        description=_l("Hva lærte dere? Kort, høyst 500 tegn. Vises på siden."),
        filters=[strip_text],
        validators=[Optional(),
                    Length(max=500, message=_l("Læringspunktet kan ha høyst 500 tegn."))],
    )  # fmt: skip
    submit = SubmitField(_l("Vi har hatt refleksjonen"))
