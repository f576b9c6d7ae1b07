"""Admin pages: people and roles, the outbox, the audit log. Admins only, route by route."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    make_response,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from helpcenter import audit, mail
from helpcenter.admin import forms, service
from helpcenter.auth import Role, register_nav_link, role_required
from helpcenter.auth.service import EmailTaken
from helpcenter.extensions import db
from helpcenter.models import OutboxMessage, User, utcnow
from helpcenter.search import service as search_service
from helpcenter.security import client_ip, redirect_after_post
from helpcenter.templating import render, wants_fragment
from helpcenter.wizards import service as wizard_service

bp = Blueprint("admin", __name__, url_prefix="/<lang:lang>/admin")

register_nav_link(Role.ADMIN, "admin.users", _l("Users"))
register_nav_link(Role.ADMIN, "admin.outbox", _l("Outbox"))
register_nav_link(Role.ADMIN, "admin.audit", _l("Audit log"))
register_nav_link(Role.EDITOR, "admin.insights", _l("Insights"))


def _admin() -> User:
    return current_user._get_current_object()  # type: ignore[attr-defined, no-any-return]


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _page_number() -> int:
    value = request.args.get("page", "1")
    return int(value) if value.isdigit() and 0 < len(value) < 6 else 1


def _rule_message(code: str) -> str:
    if code == "last_admin":
        return _("At least one active administrator must remain.")
    return _("You cannot deactivate your own account.")


# -- people ---------------------------------------------------------------------------------


def _users_page(status: int = 200, errors: list[str] | None = None) -> Response:
    return render(
        "admin/users.html",
        status=status,
        users=service.users(db.session),
        counts=service.session_counts(db.session, utcnow()),
        errors=errors or [],
    )


def _row(user: User, status: int = 200, error: str | None = None) -> Response:
    """One person's table row: what htmx swaps after a change."""
    response = make_response(
        render_template(
            "admin/_user_row.html",
            user=user,
            counts=service.session_counts(db.session, utcnow()),
            row_error=error,
        ),
        status,
    )
    response.headers["Cache-Control"] = "no-store"
    response.vary.add("HX-Request")
    return response


def _after_change(user: User, message: str) -> Response:
    if wants_fragment():
        return _row(user)
    flash(message, "success")
    return redirect_after_post(url_for("admin.users"))


def _refused(user: User, message: str) -> Response:
    db.session.rollback()
    if wants_fragment():
        return _row(db.session.get(User, user.id) or user, 422, message)
    return _users_page(422, [message])


@bp.get("/users")
@role_required(Role.ADMIN)
def users() -> Response:
    return _users_page()


@bp.route("/users/invite", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def invite_user() -> Response:
    form = forms.InviteForm()
    if request.method == "GET":
        form.locale.data = _admin().locale
        form.timezone.data = _admin().timezone
        return render("admin/invite.html", form=form)
    failure = None
    if form.validate_on_submit():
        config = current_app.config
        try:
            invited = service.invite(
                db.session,
                admin=_admin(),
                email=form.email.data,
                display_name=form.display_name.data,
                role=Role(form.role.data),
                locale=form.locale.data,
                timezone=form.timezone.data,
                secret_key=config["SECRET_KEY"],
                link_for=lambda user, token: mail.link_to(
                    "auth.reset_password", lang=user.locale, token=token
                ),
                valid_for=config["INVITATION_MAX_AGE"],
                site_name=config["SITE_NAME"],
                ip=client_ip(),
            )
        except EmailTaken:
            db.session.rollback()
            failure = _("An account with this email address exists already.")
        else:
            db.session.commit()
            flash(
                _("%(name)s is invited: the email with the link is in the outbox.",
                  name=invited.display_name),
                "success",
            )  # fmt: skip
            return redirect_after_post(url_for("admin.users"))
    return render("admin/invite.html", block="form", status=422, form=form, failure=failure)


@bp.post("/users/<int:user_id>/role")
@role_required(Role.ADMIN)
def change_role(user_id: int) -> Response:
    user = _user_or_404(user_id)
    form = forms.RoleForm()
    if not form.validate_on_submit():
        return _refused(user, _("Choose one of the roles."))
    try:
        service.change_role(
            db.session, admin=_admin(), user=user, role=Role(form.role.data), ip=client_ip()
        )
    except service.AdminRuleError as error:
        return _refused(user, _rule_message(error.code))
    db.session.commit()
    return _after_change(user, _("The role of %(name)s has been changed.", name=user.display_name))


@bp.post("/users/<int:user_id>/deactivate")
@role_required(Role.ADMIN)
def deactivate_user(user_id: int) -> Response:
    user = _user_or_404(user_id)
    try:
        service.deactivate(db.session, admin=_admin(), user=user, ip=client_ip())
    except service.AdminRuleError as error:
        return _refused(user, _rule_message(error.code))
    db.session.commit()
    return _after_change(user, _("%(name)s is deactivated and signed out.", name=user.display_name))


@bp.post("/users/<int:user_id>/reactivate")
@role_required(Role.ADMIN)
def reactivate_user(user_id: int) -> Response:
    user = _user_or_404(user_id)
    service.reactivate(db.session, admin=_admin(), user=user, ip=client_ip())
    db.session.commit()
    return _after_change(user, _("%(name)s can sign in again.", name=user.display_name))


@bp.post("/users/<int:user_id>/sessions/end")
@role_required(Role.ADMIN)
def end_user_sessions(user_id: int) -> Response:
    user = _user_or_404(user_id)
    service.end_sessions(db.session, admin=_admin(), user=user, ip=client_ip())
    db.session.commit()
    return _after_change(user, _("%(name)s is signed out everywhere.", name=user.display_name))


# -- outbox -----------------------------------------------------------------------------------


def _smtp_configured() -> bool:
    return mail.SmtpSettings.from_config(current_app.config) is not None


@bp.get("/outbox")
@role_required(Role.ADMIN)
def outbox() -> Response:
    return render(
        "admin/outbox.html",
        page=service.outbox(db.session, page=_page_number()),
        smtp=_smtp_configured(),
    )


@bp.get("/outbox/<int:message_id>")
@role_required(Role.ADMIN)
def outbox_message(message_id: int) -> Response:
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        abort(404)
    return render(
        "admin/outbox_message.html",
        message=message,
        smtp=_smtp_configured(),
    )


@bp.post("/outbox/<int:message_id>/retry")
@role_required(Role.ADMIN)
def retry_message(message_id: int) -> Response:
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        abort(404)
    if message.status == "failed":
        mail.retry(message)
        audit.log("outbox.retry", actor=_admin().id, message=message.id)
        db.session.commit()
        if _smtp_configured():
            mail.send_in_background(current_app._get_current_object(), [message.id])  # type: ignore[attr-defined]
    flash(_("The message is queued again."), "success")
    return redirect_after_post(url_for("admin.outbox_message", message_id=message.id))


# -- audit log --------------------------------------------------------------------------------


@bp.get("/audit", endpoint="audit")
@role_required(Role.ADMIN)
def audit_log() -> Response:
    event = request.args.get("event", "")
    if event not in audit.EVENTS:
        event = ""
    return render(
        "admin/audit.html",
        page=service.audit_events(db.session, event=event or None, page=_page_number()),
        event=event,
        events=audit.EVENTS,
    )


def page_url(**changes: Any) -> str:
    args = {**request.args.to_dict(), **changes}
    return url_for(request.endpoint or "admin.users", **(request.view_args or {}), **args)


bp.add_app_template_global(page_url, "admin_page_url")


@bp.get("/insights")
@role_required(Role.EDITOR)
def insights() -> Response:
    """What experts reach in the wizards and what they search for in vain (no personal data)."""
    return render(
        "admin/insights.html",
        outcomes=wizard_service.usage_summary(db.session),
        misses=search_service.top_misses(db.session),
    )
