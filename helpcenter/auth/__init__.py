"""Accounts: signing in and out, passwords, profiles, roles and who may open what."""

from helpcenter.auth.access import (
    login_required,
    preferred_timezone,
    register_nav_link,
    role_required,
)
from helpcenter.auth.views import bp
from helpcenter.models import Role

__all__ = [
    "Role",
    "bp",
    "login_required",
    "preferred_timezone",
    "register_nav_link",
    "role_required",
]
