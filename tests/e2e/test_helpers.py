"""The shared checks catch what they are for, so a green browser suite means something."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.e2e.helpers import assert_accessible, assert_valid_html, language_of

VALID = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Fine</title></head>
<body><main><h1>Fine</h1><p>A valid page.</p></main></body></html>"""


def test_valid_html_passes() -> None:
    assert_valid_html(VALID, "valid")


def test_html_errors_are_reported_with_their_line() -> None:
    broken = VALID.replace("<p>A valid page.</p>", "<p>Broken <div>nesting</p>\n<img src=x.png>")
    with pytest.raises(AssertionError) as failure:
        assert_valid_html(broken, "helpers-broken")
    message = str(failure.value)
    assert "No “p” element in scope" in message
    assert "“img” element must have an “alt” attribute" in message
    assert "line 3" in message


def test_htmx_attributes_are_accepted_but_nothing_else_invented() -> None:
    with_htmx = VALID.replace("<main>", "<main hx-get='/x' hx-target:inherited='this' hx-ignore>")
    assert_valid_html(with_htmx, "helpers-htmx")
    with pytest.raises(AssertionError, match="made-up"):
        assert_valid_html(VALID.replace("<main>", "<main made-up='1'>"), "helpers-made-up")


def test_axe_violations_are_listed_with_rule_and_target(page: Page) -> None:
    page.set_content(VALID.replace("<p>A valid page.</p>", '<img id="logo" src="x.png">'))
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page)
    message = str(failure.value)
    assert "- image-alt [critical]" in message
    assert "#logo" in message


def test_language_of_url() -> None:
    assert language_of("http://127.0.0.1:5000/de/articles/x") == "de"
    assert language_of("/es/") == "es"
    assert language_of("/healthz") is None
