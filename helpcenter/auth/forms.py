"""Forms for signing in, passwords and the profile. Every message is ours (`_l`), so every
one is translated; the password rules are checked in auth.passwords."""

from __future__ import annotations

from functools import cache
from typing import Any
from zoneinfo import available_timezones

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, ValidationError

from helpcenter.auth import passwords
from helpcenter.i18n import LANGUAGE_NAMES, LANGUAGES

EMAIL_MAX = 254
NAME_MAX = 100


def email_field(label: Any = None, check_format: bool = True) -> StringField:
    validators: list[Any] = [
        DataRequired(message=_l("Enter your email address.")),
        Length(max=EMAIL_MAX, message=_l("An email address has at most 254 characters.")),
    ]
    if check_format:
        validators.append(Email(message=_l("Enter an email address like name@example.com.")))
        return EmailField(label or _l("Email address"), validators=validators)
    # The account name of a sign-in form: HTML allows autocomplete="username" only on text
    # inputs, and password managers look for it.
    return StringField(
        label or _l("Email address"), validators=validators, render_kw={"autocapitalize": "none"}
    )


class NewPassword:
    """The password policy (auth.passwords) as a WTForms validator. The person's own words
    (email, name) come from the form's `personal_words()`."""

    def __call__(self, form: Any, field: Any) -> None:
        config = current_app.config
        problem = passwords.password_problem(
            field.data or "",
            min_length=config["PASSWORD_MIN_LENGTH"],
            max_length=config["PASSWORD_MAX_LENGTH"],
            personal_words=form.personal_words() if hasattr(form, "personal_words") else (),
        )
        if problem is None:
            return
        if problem.code == "too_short":
            raise ValidationError(
                _l("Use at least %(count)s characters.", count=problem.limit)  # type: ignore[arg-type]
            )
        if problem.code == "too_long":
            raise ValidationError(
                _l("Use at most %(count)s characters.", count=problem.limit)  # type: ignore[arg-type]
            )
        raise ValidationError(
            _l(
                "This password is too easy to guess. Try a few unrelated words, and avoid "
                "common passwords, names, dates and words from this site or your email address."
            )
        )


def new_password_fields() -> tuple[PasswordField, PasswordField]:
    return (
        PasswordField(
            _l("New password"),
            validators=[InputRequired(message=_l("Choose a password.")), NewPassword()],
        ),
        PasswordField(
            _l("New password, again"),
            validators=[
                InputRequired(message=_l("Type the password again.")),
                EqualTo("password", message=_l("The two passwords are not the same.")),
            ],
        ),
    )


class SignInForm(FlaskForm):
    # Any text is accepted here: a malformed address simply matches no account.
    email = email_field(check_format=False)
    password = PasswordField(
        _l("Password"), validators=[InputRequired(message=_l("Enter your password."))]
    )
    remember = BooleanField(_l("Keep me signed in on this device"))
    next = HiddenField()


class ForgotPasswordForm(FlaskForm):
    email = email_field()


class ResetPasswordForm(FlaskForm):
    password, confirm = new_password_fields()

    def __init__(self, *args: Any, personal: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._personal = personal

    def personal_words(self) -> tuple[str, ...]:
        return self._personal


class ChangePasswordForm(ResetPasswordForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[InputRequired(message=_l("Enter your current password."))],
    )
    password, confirm = new_password_fields()


class EndSessionsForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[InputRequired(message=_l("Enter your current password."))],
    )


class ChoiceField(SelectField):
    """A select whose "not one of the options" message is ours, hence translated."""

    def pre_validate(self, form: Any) -> None:
        values = {str(choice.value) for choice in self.iter_choices()}
        if self.data not in values:
            raise ValidationError(_l("Choose one of the options."))


@cache
def timezone_choices() -> list[SelectChoice]:
    zones = sorted(z for z in available_timezones() if "/" in z or z == "UTC")
    return [SelectChoice(zone, zone.replace("_", " ")) for zone in zones]


def language_choices() -> list[SelectChoice]:
    return [SelectChoice(code, LANGUAGE_NAMES[code]) for code in LANGUAGES]


class ProfileForm(FlaskForm):
    display_name = StringField(
        _l("Name shown to others"),
        validators=[
            DataRequired(message=_l("Enter a name.")),
            Length(max=NAME_MAX, message=_l("A name has at most 100 characters.")),
        ],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
    )
    # No DataRequired on selects: ChoiceField refuses anything but its options (and a
    # `required` select would need an empty first option to be valid HTML).
    locale = ChoiceField(_l("Language"), choices=language_choices)
    timezone = ChoiceField(_l("Time zone"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.timezone.choices = timezone_choices()  # type: ignore[assignment]
