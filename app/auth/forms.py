"""Account forms."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    StringField,
    SubmitField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from app.auth.models import User
from app.auth.passwords import password_weakness
from app.core.forms import (
    BaseForm,
    ChoiceField,
    WholeNumberField,
    language_choices,
    strip_text,
    valid_birth_year,
)

PASSWORD_MIN = 10
PASSWORD_MAX = 200


def _email_field() -> EmailField:
    return EmailField(
        _l("E-post"),
        filters=[strip_text],
        validators=[
            DataRequired(_l("Skriv inn e-postadressen din.")),
            Length(max=254, message=_l("E-postadressen er for lang.")),
            Email(_l("Skriv inn en gyldig e-postadresse, for eksempel navn@eksempel.no."),
                  check_deliverability=False),
        ],
    )  # fmt: skip


def not_easily_guessed(form: NewPasswordForm, field: PasswordField) -> None:
    """Refuse a common, leaked or personal password, with advice (the length is checked
    by its own validator). The form tells what its user is known by (``known_words``)."""
    password = field.data or ""
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        return
    message = password_weakness(password, form.known_words())
    if message:
        raise ValidationError(message)


def _new_password_fields() -> tuple[PasswordField, PasswordField]:
    password = PasswordField(
        _l("Passord"),
        description=_l(
            "Minst 10 tegn. En setning du husker er lett å huske og vanskelig å gjette."
        ),
        validators=[
            DataRequired(_l("Velg et passord.")),
            Length(min=PASSWORD_MIN, max=PASSWORD_MAX,
                   message=_l("Passordet må ha mellom 10 og 200 tegn.")),
            not_easily_guessed,
        ],
    )  # fmt: skip
    confirm = PasswordField(
        _l("Gjenta passordet"),
        validators=[
            DataRequired(_l("Skriv passordet en gang til.")),
            EqualTo("password", _l("Passordene er ikke like.")),
        ],
    )
    return password, confirm


def _name_field() -> StringField:
    return StringField(
        _l("Fullt navn"),
        filters=[strip_text],
        validators=[
            DataRequired(_l("Skriv inn fullt navn.")),
            Length(max=120, message=_l("Navnet kan ha høyst 120 tegn.")),
        ],
    )


class NewPasswordForm(BaseForm):
    """A form where a password is chosen."""

    def known_words(self) -> list[str | None]:
        """What the account is known by; a password built from it is refused."""
        return []


class RegisterForm(NewPasswordForm):
    name = _name_field()
    email = _email_field()
    password, password_confirm = _new_password_fields()
    submit = SubmitField(_l("Opprett konto"))

    def known_words(self) -> list[str | None]:
        return [self.name.data, self.email.data]


class LoginForm(BaseForm):
    email = _email_field()
    password = PasswordField(
        _l("Passord"),
        validators=[DataRequired(_l("Skriv inn passordet ditt.")), Length(max=PASSWORD_MAX)],
    )
    remember = BooleanField(_l("Husk meg på denne maskinen"))
    submit = SubmitField(_l("Logg inn"))


class ResendConfirmationForm(BaseForm):
    submit = SubmitField(_l("Send bekreftelseslenken på nytt"))


class ResetRequestForm(BaseForm):
    email = _email_field()
    submit = SubmitField(_l("Send lenke for nytt passord"))


class ResetPasswordForm(NewPasswordForm):
    password, password_confirm = _new_password_fields()
    submit = SubmitField(_l("Lagre nytt passord"))

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def known_words(self) -> list[str | None]:
        return [self.user.name, self.user.email]


class ReauthForm(BaseForm):
    """The password again, before a sensitive action (app.auth.reauth)."""

    reauth_password = PasswordField(
        _l("Passordet ditt"),
        validators=[DataRequired(_l("Skriv inn passordet ditt.")), Length(max=PASSWORD_MAX)],
    )
    submit = SubmitField(_l("Bekreft"))


class ChangePasswordForm(ResetPasswordForm):
    """The password changed by its owner: the old one first, then a new one as at a reset."""

    current_password = PasswordField(
        _l("Passordet du har nå"),
        validators=[DataRequired(_l("Skriv inn passordet ditt.")), Length(max=PASSWORD_MAX)],
    )
    password, password_confirm = _new_password_fields()
    submit = SubmitField(_l("Bytt passord"))


class AccountForm(BaseForm):
    name = _name_field()
    postal_code = StringField(
        _l("Postnummer"),
        description=_l("Fire sifre. Du må bo i kommunen for å skrive under på innbyggerforslag."),
        filters=[strip_text],
        validators=[
            Optional(),
            Regexp(r"^\d{4}$", message=_l("Postnummeret må være fire sifre, for eksempel 7374.")),
        ],
    )  # fmt: skip
    birth_year = WholeNumberField(
        _l("Fødselsår"),
        description=_l("Valgfritt. Brukes bare i anonym statistikk."),
        validators=[Optional(), valid_birth_year],
    )
    language = ChoiceField(_l("Foretrukket språk"), choices=language_choices)
    submit = SubmitField(_l("Lagre"))


class DeleteAccountForm(BaseForm):
    password = PasswordField(
        _l("Passordet ditt"),
        description=_l("Skriv passordet ditt for å bekrefte at det er du."),
        validators=[DataRequired(_l("Skriv inn passordet ditt.")), Length(max=PASSWORD_MAX)],
    )
    understood = BooleanField(
        _l("Jeg forstår at kontoen slettes for godt og ikke kan gjenopprettes."),
        validators=[DataRequired(_l("Kryss av for at du forstår at slettingen er endelig."))],
    )
    submit = SubmitField(_l("Slett kontoen min"))
