"""Proposal forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.core.focus_areas import FOCUS_AREAS
from app.core.forms import (
    BaseForm,
    ChoiceField,
    DayField,
    WholeNumberField,
    per_language,
    strip_text,
)
from app.core.i18n import translated
from app.proposals.labels import OUTCOME_LABELS, STATE_LABELS
from app.proposals.queries import LISTED_STATES


def _area_choices(blank: str | None = None) -> list[SelectChoice]:
    areas = [SelectChoice(str(n), f"{n}. {label}") for n, label in translated(FOCUS_AREAS).items()]
    return [SelectChoice("", blank), *areas] if blank else areas


def _state_choices(blank: str) -> list[SelectChoice]:
    labels = translated(STATE_LABELS)
    return [SelectChoice("", blank), *[SelectChoice(s.value, labels[s]) for s in LISTED_STATES]]


class ProposalForm(BaseForm):
    title = StringField(
        _l("Tittel"),
        description=_l("Kort og konkret, høyst 120 tegn."),
        filters=[strip_text],
        validators=[DataRequired(_l("Skriv en tittel.")),
                    Length(max=120, message=_l("Tittelen kan ha høyst 120 tegn."))],
    )  # fmt: skip
    summary = TextAreaField(
        _l("Sammendrag"),
        description=_l("Hva foreslår du, i noen få setninger? Høyst 500 tegn."),
        filters=[strip_text],
        validators=[DataRequired(_l("Skriv et sammendrag.")),
                    Length(max=500, message=_l("Sammendraget kan ha høyst 500 tegn."))],
    )  # fmt: skip
    body = TextAreaField(
        _l("Begrunnelse"),
        description=_l("Hvorfor, og hva bør kommunen gjøre? Du kan bruke Markdown: "
                       "**fet**, *kursiv*, lister og lenker. Høyst 20 000 tegn."),
        filters=[strip_text],
        validators=[DataRequired(_l("Skriv en begrunnelse.")),
                    Length(max=20_000, message=_l("Begrunnelsen kan ha høyst 20 000 tegn."))],
    )  # fmt: skip
    focus_area = ChoiceField(
        _l("Fokusområde"),
        description=_l("Hvilket av Kommunekompassets områder handler forslaget mest om?"),
        choices=lambda: _area_choices(),
        coerce=int,
    )
    topic = StringField(
        _l("Tema"),
        description=_l("For eksempel «Trafikk», «Skole» eller «Kultur»."),
        filters=[strip_text],
        validators=[Optional(), Length(max=60, message=_l("Temaet kan ha høyst 60 tegn."))],
    )
    preview = SubmitField(_l("Forhåndsvis"))
    save = SubmitField(_l("Lagre utkast"))

    def values(self) -> dict[str, object]:
        return {name: getattr(self, name).data
                for name in ("title", "summary", "body", "focus_area", "topic")}  # fmt: skip


class OpenForm(BaseForm):
    campaign_ends_on = DayField(
        _l("Innsamlingen slutter"),
        description=_l("Senest tolv måneder fra i dag."),
        validators=[InputRequired(_l("Velg når innsamlingen skal slutte."))],
    )
    submit = SubmitField(_l("Åpne for underskrifter"))


def _version(value: str | int | None) -> int | None:
    """The proposal's version as the page showed it; anything else is none (refused as
    text the signer has not seen)."""
    if isinstance(value, int):
        return value
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 10 else None


class SignForm(BaseForm):
    notify = BooleanField(_l("Send meg e-post når forslaget sendes inn og når det er vedtatt"))
    #: The version of the text the page showed: a signature is of that text
    version = HiddenField(filters=[_version])
    submit = SubmitField(_l("Skriv under"))


class ReasonForm(BaseForm):
    reason = TextAreaField(
        _l("Begrunnelse"),
        filters=[strip_text],
        validators=[DataRequired(_l("Skriv en begrunnelse.")), Length(max=500)],
    )
    submit = SubmitField(_l("Bekreft"))


class PaperForm(BaseForm):
    count = WholeNumberField(
        _l("Antall underskrifter"),
        validators=[InputRequired(_l("Skriv antallet.")),
                    NumberRange(min=1, max=100_000, message=_l("Antallet må være minst 1."))],
    )  # fmt: skip
    received_on = DayField(_l("Mottatt dato"), validators=[InputRequired(_l("Velg en dato."))])
    note = StringField(
        _l("Merknad"), filters=[strip_text], validators=[Optional(), Length(max=500)]
    )
    submit = SubmitField(_l("Registrer papirunderskrifter"))


class DecisionForm(BaseForm):
    outcome = ChoiceField(
        _l("Utfall"),
        choices=lambda: [SelectChoice(o.value, str(label)) for o, label in OUTCOME_LABELS.items()],
    )
    decided_on = DayField(_l("Vedtaksdato"), validators=[InputRequired(_l("Velg en dato."))])
    case_reference = StringField(
        _l("Saksnummer"),
        description=_l("For eksempel «K-sak 33/18»."),
        filters=[strip_text],
        validators=[DataRequired(_l("Skriv saksnummeret.")), Length(max=60)],
    )
    answer = TextAreaField(
        _l("Svar til innbyggerne"),
        description=_l("Vises offentlig under forslaget. Du kan bruke Markdown."),
        filters=[strip_text],
        validators=[DataRequired(_l("Skriv svaret.")), Length(max=20_000)],
    )
    same_as_id = WholeNumberField(
        _l("Tidligere forslag med samme innhold (nummer)"),
        description=_l("Bare for «ikke behandlet: samme innhold»."),
        validators=[Optional()],
    )
    same_as_case = StringField(
        _l("Eller tidligere saksnummer med samme innhold"),
        filters=[strip_text],
        validators=[Optional(), Length(max=60)],
    )
    submit = SubmitField(_l("Registrer vedtaket"))


class FilterForm(BaseForm):
    class Meta:
        csrf = False

    q = StringField(_l("Søk"), filters=[strip_text], validators=[Optional(), Length(max=200)])
    state = ChoiceField(
        _l("Status"),
        choices=lambda: per_language("filter.state", lambda: _state_choices(str(_l("Alle")))),
        default="",
    )
    focus_area = ChoiceField(
        _l("Fokusområde"),
        choices=lambda: per_language("filter.area", lambda: _area_choices(str(_l("Alle")))),
        default="",
    )
    topic = StringField(_l("Tema"), filters=[strip_text], validators=[Optional(), Length(max=60)])
    sort = ChoiceField(
        _l("Sorter etter"),
        choices=lambda: per_language("filter.sort", lambda: [
            SelectChoice("newest", str(_l("Nyeste"))),
            SelectChoice("signatures", str(_l("Flest underskrifter"))),
            SelectChoice("deadline", str(_l("Frist for vedtak")))]),
        default="newest",
    )  # fmt: skip
    submit = SubmitField(_l("Vis"))


class CommentForm(BaseForm):
    body = TextAreaField(
        _l("Kommentar"),
        description=_l("Vær saklig og vennlig. Du kan bruke Markdown. Høyst 5 000 tegn."),
        filters=[strip_text],
        validators=[DataRequired(_l("Skriv en kommentar.")),
                    Length(max=5000, message=_l("Kommentaren kan ha høyst 5 000 tegn."))],
    )  # fmt: skip
    submit = SubmitField(_l("Publiser kommentaren"))


class ReportForm(BaseForm):
    reason = StringField(
        _l("Hva er galt med kommentaren?"),
        filters=[strip_text],
        validators=[Optional(), Length(max=500)],
    )
    submit = SubmitField(_l("Rapporter"))
