"""Translated texts for answer errors, shared by the HTML wizard and the JSON API."""

from __future__ import annotations

from flask_babel import gettext as _

from helpcenter.wizards.engine import AnswerError, Wizard, text


def error_message(error: AnswerError, wizard: Wizard, lang: str) -> str:
    """A sentence that names the question and what is wrong with the answer."""
    question = wizard.questions.get(error.field)
    if question is None and error.field in wizard.aliases:
        question = wizard.questions[wizard.aliases[error.field]]
    name = text(question.prompt, lang) if question else error.field
    value = str(error.params.get("value", ""))
    reason = error.reason
    if error.code == "unknown_question":
        return _('"%(field)s" is not a question of this wizard.', field=error.field)
    if reason == "not_a_choice":
        return _(
            '"%(value)s" is not one of the answers to "%(question)s". Please pick one from the list.',
            value=value,
            question=name,
        )
    if reason == "not_yes_no":
        return _('Please answer "%(question)s" with yes or no.', question=name)
    if reason == "not_a_number":
        return _(
            '"%(value)s" is not a number of hours. Please enter a number such as 30 or 30.5.',
            value=value,
        )
    if reason == "negative":
        return _("The number of hours cannot be negative.")
    if reason == "not_a_datetime":
        return _(
            '"%(value)s" is not a date and time. Please use the date and time fields.', value=value
        )
    if reason == "no_offset":
        return _("The date and time must include a time zone offset, such as +01:00.")
    if reason == "in_future":
        return _("The date and time of your last answer cannot be in the future.")
    if reason == "too_old":
        return _("That date is too far in the past. Please check the year.")
    if reason == "both_given":
        return _(
            "Please give either the hours since your last answer or its date and time, not both."
        )
    return _("This answer cannot be used. Please check it and try again.")
