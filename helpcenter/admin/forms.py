"""Forms of the admin pages. Each form names exactly the fields it may change."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from helpcenter.auth.access import ROLE_LABELS
from helpcenter.auth.forms import (
    NAME_MAX,
    ChoiceField,
    email_field,
    language_choices,
    timezone_choices,
)
from helpcenter.models import Role


def role_choices() -> list[SelectChoice]:
    return [SelectChoice(role.value, ROLE_LABELS[role]) for role in Role]


class InviteForm(FlaskForm):
    email = email_field()
    display_name = StringField(
        _l("Name"),
        validators=[
            DataRequired(message=_l("Enter a name.")),
            Length(max=NAME_MAX, message=_l("A name has at most 100 characters.")),
        ],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
    )
    role = ChoiceField(_l("Role"), default=Role.EXPERT.value)
    locale = ChoiceField(
        _l("Language of the invitation"),
        choices=language_choices,
    )
    timezone = ChoiceField(_l("Time zone"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = role_choices()  # type: ignore[assignment]
        self.timezone.choices = timezone_choices()  # type: ignore[assignment]


class RoleForm(FlaskForm):
    role = ChoiceField(_l("Role"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = role_choices()  # type: ignore[assignment]
