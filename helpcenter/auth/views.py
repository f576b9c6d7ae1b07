"""HTTP layer for accounts: sign in and out, forgotten passwords, the profile.

Every form works as a plain POST: a redirect (303) after success, the form again with
messages and status 422 on errors. htmx requests get only the form back on errors and an
HX-Redirect on success.
"""

from __future__ import annotations

from typing import Any

from argon2 import PasswordHasher
from flask import Blueprint, Response, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from helpcenter import audit, mail
from helpcenter.auth import forms, passwords, service, sessions
from helpcenter.auth.access import lifetimes, login_required
from helpcenter.extensions import db, limiter
from helpcenter.i18n import current_language
from helpcenter.models import User, normalize_email, utcnow
from helpcenter.security import client_ip, redirect_after_post, safe_next
from helpcenter.templating import render

bp = Blueprint("auth", __name__, url_prefix="/<lang:lang>")


def _config(key: str) -> Any:
    return current_app.config[key]


def _hasher() -> PasswordHasher:
    return passwords.hasher_for(_config("PASSWORD_HASH_PROFILE"))


def _typed_email_key(prefix: str) -> Any:
    return lambda: f"{prefix}:{normalize_email(request.form.get('email', ''))[:254]}"


def _signed_in_user_key() -> str:
    return f"password-check:{getattr(current_user, 'id', '')}"


def _password_hint() -> str:
    return _(
        "At least %(count)s characters. Long is good: a few unrelated words make a strong "
        "password that is easy to remember.",
        count=_config("PASSWORD_MIN_LENGTH"),
    )


def _home(lang: str | None = None) -> str:
    return url_for("articles.home", lang=lang or current_language())


# -- signing in and out ---------------------------------------------------------------------------


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(lambda: _config("RATELIMIT_SIGN_IN"), methods=["POST"])
@limiter.limit(
    lambda: _config("RATELIMIT_SIGN_IN_ACCOUNT"),
    methods=["POST"],
    key_func=_typed_email_key("sign-in"),
    # Only failed attempts count against an account; its owner signing in does not.
    deduct_when=lambda response: response.status_code == 422,
)
def sign_in() -> Response:
    form = forms.SignInForm()
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(safe_next(request.args.get("next"), _home()))
        form.next.data = request.args.get("next", "")
        return render("auth/sign_in.html", form=form)
    if not form.validate_on_submit():
        return render("auth/sign_in.html", block="form", status=422, form=form)

    result = service.authenticate(db.session, _hasher(), form.email.data, form.password.data)
    if result.user is None:
        audit.record(
            db.session,
            "sign_in.failure",
            subject=result.account,
            email=normalize_email(form.email.data),
            ip=client_ip(),
            details={"reason": result.reason},
        )
        db.session.commit()
        # One message for every reason: whether an address has an account stays unknown.
        failure = _("The email address or the password is not right.")
        return render("auth/sign_in.html", block="form", status=422, form=form, failure=failure)

    user = result.user
    remember = bool(form.remember.data)
    # Nothing from before signing in survives into the signed-in session (no fixation).
    session.clear()
    user.session_token = service.signed_in(
        db.session,
        user,
        remember=remember,
        user_agent=request.user_agent.string,
        lifetimes=lifetimes(),
        now=utcnow(),
    )
    login_user(user, remember=remember)
    audit.record(
        db.session,
        "sign_in.success",
        actor=user,
        subject=user,
        email=user.email,
        ip=client_ip(),
        details={"remember": remember},
    )
    db.session.commit()
    return redirect_after_post(safe_next(form.next.data, _home(user.locale)))


@bp.post("/sign-out")
def sign_out() -> Response:
    if current_user.is_authenticated:
        user: User = current_user._get_current_object()  # type: ignore[attr-defined]
        sessions.end(db.session, user.get_id())
        audit.record(db.session, "sign_out", actor=user, subject=user, ip=client_ip())
        db.session.commit()
    logout_user()
    session.clear()
    response = redirect_after_post(_home())
    config = current_app.config
    response.delete_cookie(
        config["REMEMBER_COOKIE_NAME"],
        path="/",
        secure=config["REMEMBER_COOKIE_SECURE"],
        httponly=True,
        samesite=config["REMEMBER_COOKIE_SAMESITE"],
    )
    # Whatever this browser kept of the signed-in pages goes too (ASVS 14.3.1).
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


# -- forgotten passwords ------------------------------------------------------------------------


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(lambda: _config("RATELIMIT_PASSWORD_RESET"), methods=["POST"])
@limiter.limit(
    lambda: _config("RATELIMIT_PASSWORD_RESET_ACCOUNT"),
    methods=["POST"],
    key_func=_typed_email_key("reset"),
)
def forgot_password() -> Response:
    form = forms.ForgotPasswordForm()
    if request.method == "GET":
        return render("auth/forgot.html", form=form)
    if not form.validate_on_submit():
        return render("auth/forgot.html", block="form", status=422, form=form)

    user = service.find_by_email(db.session, form.email.data)
    if user is not None and user.is_active:
        token = service.make_password_token(user, service.RESET, _config("SECRET_KEY"))
        service.queue_reset_email(
            db.session,
            user,
            link=mail.link_to("auth.reset_password", lang=user.locale, token=token),
            valid_for=_config("PASSWORD_RESET_MAX_AGE"),
            site_name=_config("SITE_NAME"),
        )
    audit.record(
        db.session,
        "password.reset_requested",
        subject=user,
        email=normalize_email(form.email.data),
        ip=client_ip(),
    )
    db.session.commit()
    # The same answer whether or not the address has an account.
    flash(
        _(
            "If an account uses this address, we have sent it a link to choose a new "
            "password. The link works for %(minutes)s minutes.",
            minutes=int(_config("PASSWORD_RESET_MAX_AGE").total_seconds() // 60),
        ),
        "success",
    )
    return redirect_after_post(url_for("auth.forgot_password"))


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> Response:
    try:
        user, purpose = service.read_password_token(
            db.session,
            token,
            _config("SECRET_KEY"),
            max_ages={
                service.RESET: _config("PASSWORD_RESET_MAX_AGE"),
                service.INVITATION: _config("INVITATION_MAX_AGE"),
            },
            now=utcnow(),
        )
    except service.TokenError as error:
        return _no_referrer(_invalid_link(error.reason))

    form = forms.ResetPasswordForm(personal=(user.email, user.display_name))
    heading = (
        _("Choose your password") if purpose == service.INVITATION else _("Choose a new password")
    )
    context = {"heading": heading, "account": user, "password_hint": _password_hint()}
    if request.method == "GET":
        return _no_referrer(render("auth/reset.html", form=form, **context))
    if not form.validate_on_submit():
        return _no_referrer(
            render("auth/reset.html", block="form", status=422, form=form, **context)
        )
    service.set_password(db.session, _hasher(), user, form.password.data)
    audit.record(
        db.session,
        "password.reset",
        actor=user,
        subject=user,
        ip=client_ip(),
        details={"purpose": purpose},
    )
    db.session.commit()
    flash(_("Your password is saved. Sign in with it now."), "success")
    return redirect_after_post(url_for("auth.sign_in", lang=user.locale))


def _invalid_link(reason: str) -> Response:
    if reason == "invalid":
        status, title = 404, _("This link does not work")
        message = _("The link is incomplete or was changed. Copy the whole link from the email.")
    elif reason == "expired":
        status, title = 410, _("This link has expired")
        message = _("Links to choose a password work for a limited time. Ask for a new one.")
    else:
        status, title = 410, _("This link was already used")
        message = _(
            "Each link works once, and only until the password changes. Ask for a new one "
            "if you still need it."
        )
    return render("auth/link_invalid.html", status=status, title=title, message=message)


def _no_referrer(response: Response) -> Response:
    """The token is in this page's address: never send it on to another page or site."""
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


# -- the profile ----------------------------------------------------------------------------


def _profile_page(block: str | None = None, status: int = 200, **forms_given: Any) -> Response:
    user: User = current_user._get_current_object()  # type: ignore[attr-defined]
    personal = (user.email, user.display_name)
    context: dict[str, Any] = {
        "profile_form": forms.ProfileForm(obj=user, formdata=None),
        "password_form": forms.ChangePasswordForm(
            prefix="password", personal=personal, formdata=None
        ),
        "sessions_form": forms.EndSessionsForm(prefix="sessions", formdata=None),
        "password_failure": None,
        "sessions_failure": None,
        "password_hint": _password_hint(),
        "active_sessions": sessions.active(db.session, user, lifetimes=lifetimes(), now=utcnow()),
        "this_session_hash": sessions.token_hash(user.get_id()),
        "failed": status == 422,
    }
    context.update(forms_given)
    return render("auth/profile.html", block=block, status=status, **context)


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile() -> Response:
    if request.method == "GET":
        return _profile_page()
    form = forms.ProfileForm()
    if not form.validate_on_submit():
        return _profile_page("profile_form", 422, profile_form=form)
    user: User = current_user._get_current_object()  # type: ignore[attr-defined]
    user.display_name = form.display_name.data
    user.locale = form.locale.data
    user.timezone = form.timezone.data
    db.session.commit()
    flash(_("Your profile is saved."), "success")
    return redirect_after_post(url_for("auth.profile", lang=user.locale))


@bp.post("/profile/password")
@login_required
@limiter.limit(lambda: _config("RATELIMIT_PASSWORD_CHECK"), key_func=_signed_in_user_key)
def change_password() -> Response:
    user: User = current_user._get_current_object()  # type: ignore[attr-defined]
    form = forms.ChangePasswordForm(prefix="password", personal=(user.email, user.display_name))
    if not form.validate_on_submit():
        return _profile_page("password_form", 422, password_form=form)
    if not service.check_password(_hasher(), user, form.current_password.data):
        return _profile_page(
            "password_form",
            422,
            password_form=form,
            password_failure=_("Your current password is not right."),
        )
    ended = service.change_password(
        db.session, _hasher(), user, form.password.data, keep_token=user.get_id()
    )
    audit.record(
        db.session,
        "password.changed",
        actor=user,
        subject=user,
        ip=client_ip(),
        details={"other_sessions_ended": ended},
    )
    db.session.commit()
    flash(_("Your password is changed, and you are signed out everywhere else."), "success")
    return redirect_after_post(url_for("auth.profile"))


@bp.post("/profile/sessions/end-others")
@login_required
@limiter.limit(lambda: _config("RATELIMIT_PASSWORD_CHECK"), key_func=_signed_in_user_key)
def end_other_sessions() -> Response:
    user: User = current_user._get_current_object()  # type: ignore[attr-defined]
    form = forms.EndSessionsForm(prefix="sessions")
    if not form.validate_on_submit():
        return _profile_page("sessions_form", 422, sessions_form=form)
    if not service.check_password(_hasher(), user, form.current_password.data):
        return _profile_page(
            "sessions_form",
            422,
            sessions_form=form,
            sessions_failure=_("Your current password is not right."),
        )
    ended = sessions.end_all(db.session, user, except_token=user.get_id())
    audit.record(
        db.session,
        "sessions.ended",
        actor=user,
        subject=user,
        ip=client_ip(),
        details={"count": ended},
    )
    db.session.commit()
    flash(_("You are signed out everywhere else."), "success")
    return redirect_after_post(url_for("auth.profile"))
