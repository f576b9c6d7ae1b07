"""Readers land in their language and can switch without losing their place."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [
        ("es-ES,es;q=0.9", "/es/"),
        ("de-DE,de;q=0.9,en;q=0.5", "/de/"),
        ("en-US,en;q=0.9", "/en/"),
        ("fr-FR,fr;q=0.9", "/en/"),  # not offered: the default language
        ("fr;q=1.0,de;q=0.8,es;q=0.5", "/de/"),
        ("", "/en/"),
    ],
)
def test_root_redirects_to_the_readers_language(
    client: FlaskClient, accept_language: str, expected: str
) -> None:
    response = client.get("/", headers={"Accept-Language": accept_language})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(expected)
    assert "Accept-Language" in response.headers["Vary"]


def test_a_language_chosen_once_is_remembered(client: FlaskClient) -> None:
    client.get("/de/")
    response = client.get("/", headers={"Accept-Language": "es"})
    assert response.headers["Location"].endswith("/de/")


def test_unknown_language_prefix_is_not_found(client: FlaskClient) -> None:
    assert client.get("/fr/").status_code == 404


ARTICLES = {
    "es": "/es/articles/solicitar-valoraciones-a-los-clientes",
    "de": "/de/articles/kunden-um-bewertungen-bitten",
    "en": "/en/articles/asking-customers-for-ratings",
}


@pytest.mark.parametrize("lang", ["es", "de", "en"])
def test_the_switcher_keeps_the_reader_on_the_same_article(client: FlaskClient, lang: str) -> None:
    html = client.get(ARTICLES[lang]).get_data(as_text=True)
    for other, url in ARTICLES.items():
        assert f'<link rel="alternate" hreflang="{other}" href="{url}">' in html
        assert re.search(rf'<a href="{url}" hreflang="{other}" lang="{other}"', html)
    assert f'<html lang="{lang}">' in html


def test_every_alternate_link_opens_the_same_page_in_that_language(client: FlaskClient) -> None:
    html = client.get("/en/sections/reports").get_data(as_text=True)
    alternates = dict(re.findall(r'<link rel="alternate" hreflang="(\w+)" href="([^"]+)">', html))
    assert alternates == {
        "es": "/es/sections/reportes",
        "de": "/de/sections/meldungen",
        "en": "/en/sections/reports",
    }
    for url in alternates.values():
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("accept_language", "expected"), [("*", "/en/"), ("fr, *;q=0.5", "/en/"), ("de-AT", "/de/")]
)
def test_a_wildcard_does_not_pick_an_arbitrary_language(
    client: FlaskClient, accept_language: str, expected: str
) -> None:
    response = client.get("/", headers={"Accept-Language": accept_language})
    assert response.headers["Location"].endswith(expected)
