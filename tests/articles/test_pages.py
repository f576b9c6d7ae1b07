"""Every page type, in every language: what a reader sees."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

PAGES = {
    "es": {
        "home": ("/es/", "Políticas para expertos"),
        "category": ("/es/categories/politicas-para-expertos", "Valoraciones"),
        "section": ("/es/sections/reportes", "Guía de reportes de clientes"),
        "ratings": ("/es/articles/solicitar-valoraciones-a-los-clientes", "ExpertOperations"),
        "reports": ("/es/articles/guia-de-reportes-de-clientes", "Anh Nguyen"),
    },
    "de": {
        "home": ("/de/", "Richtlinien für Experten"),
        "category": ("/de/categories/richtlinien-fuer-experten", "Bewertungen"),
        "section": ("/de/sections/meldungen", "Leitfaden zu Kundenmeldungen"),
        "ratings": ("/de/articles/kunden-um-bewertungen-bitten", "ExpertOperations"),
        "reports": ("/de/articles/leitfaden-zu-kundenmeldungen", "Anh Nguyen"),
    },
    "en": {
        "home": ("/en/", "Expert policies"),
        "category": ("/en/categories/expert-policies", "Ratings"),
        "section": ("/en/sections/reports", "Guide to customer reports"),
        "ratings": ("/en/articles/asking-customers-for-ratings", "ExpertOperations"),
        "reports": ("/en/articles/guide-to-customer-reports", "Anh Nguyen"),
    },
}
CASES = [(lang, kind, *page) for lang, pages in PAGES.items() for kind, page in pages.items()]


@pytest.mark.parametrize(("lang", "kind", "url", "expected"), CASES)
def test_every_page_type_renders_in_every_language(
    client: FlaskClient, lang: str, kind: str, url: str, expected: str
) -> None:
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.get_data(as_text=True)
    assert expected in html
    assert f'<html lang="{lang}">' in html
    assert "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize(
    ("url", "date_text"),
    [
        ("/es/articles/solicitar-valoraciones-a-los-clientes", "20 de noviembre de 2026"),
        ("/de/articles/kunden-um-bewertungen-bitten", "20. November 2026"),
        ("/en/articles/asking-customers-for-ratings", "November 20, 2026"),
    ],
)
def test_the_last_updated_date_is_written_for_the_locale(
    client: FlaskClient, url: str, date_text: str
) -> None:
    html = client.get(url).get_data(as_text=True)
    assert '<time datetime="2026-11-20">' + date_text + "</time>" in html


def test_an_article_has_breadcrumbs_title_author_and_a_table_of_contents(
    client: FlaskClient,
) -> None:
    html = client.get("/de/articles/leitfaden-zu-kundenmeldungen").get_data(as_text=True)
    crumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', html, re.S).group(0)
    assert [*re.findall(r">([^<>]+)</(?:a|span)>", crumbs)] == [
        "Startseite",
        "Richtlinien für Experten",
        "Meldungen",
        "Leitfaden zu Kundenmeldungen",
    ]
    assert '<h1 id="article-title">Leitfaden zu Kundenmeldungen</h1>' in html
    assert "Anh Nguyen" in html
    toc = re.search(r'<nav class="toc".*?</nav>', html, re.S).group(0)
    for anchor in ("doppelte-frage", "duplikat-schritt-fuer-schritt", "suizidgefaehrdeter-kunde"):
        assert f'href="#{anchor}"' in toc
        assert f'id="{anchor}"' in html


def test_the_reports_article_puts_the_suicidal_customer_first(client: FlaskClient) -> None:
    html = client.get("/en/articles/guide-to-customer-reports").get_data(as_text=True)
    body = html[html.index('class="article-body') :]
    report_headings = re.findall(r'<h2 id="([^"]+)"', body)
    first_report = next(a for a in report_headings if a not in ("where-to-report", "at-a-glance"))
    assert first_report == "suicidal-customer"


def test_the_home_page_links_every_category_and_section(client: FlaskClient) -> None:
    html = client.get("/en/").get_data(as_text=True)
    for url in ("/en/categories/expert-policies", "/en/sections/ratings", "/en/sections/reports"):
        assert f'href="{url}"' in html


def test_the_site_name_is_a_setting(app, client: FlaskClient) -> None:  # type: ignore[no-untyped-def]
    app.config["SITE_NAME"] = "Centro de Ayuda JA"
    assert "Centro de Ayuda JA" in client.get("/es/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("url", "text"),
    [
        ("/es/articles/no-existe", "Página no encontrada"),
        ("/de/articles/gibt-es-nicht", "Seite nicht gefunden"),
        ("/en/articles/missing", "Page not found"),
        ("/de/sections/nope", "Seite nicht gefunden"),
    ],
)
def test_not_found_pages_speak_the_readers_language(
    client: FlaskClient, url: str, text: str
) -> None:
    response = client.get(url)
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert text in html
    assert f'href="/{url.split("/")[1]}/"' in html  # a way back home


def test_an_unknown_path_outside_any_language_uses_accept_language(client: FlaskClient) -> None:
    response = client.get("/nowhere", headers={"Accept-Language": "de"})
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.get_data(as_text=True)


def test_an_unexpected_error_shows_a_translated_500_page(app, client: FlaskClient) -> None:  # type: ignore[no-untyped-def]
    @app.get("/<lang:lang>/boom")
    def boom() -> str:
        raise RuntimeError("broken on purpose")

    response = client.get("/es/boom")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Algo salió mal" in html
    assert "broken on purpose" not in html


def test_health_check_reports_the_database(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_static_assets_include_vendored_htmx_with_license(client: FlaskClient) -> None:
    assert client.get("/static/vendor/htmx.min.js").status_code == 200
    assert "4.0.1" in client.get("/static/vendor/htmx.VERSION").get_data(as_text=True)
    assert client.get("/static/vendor/htmx.LICENSE").status_code == 200


@pytest.mark.parametrize(
    ("lang", "text"), [("de", "Seite nicht gefunden"), ("es", "Página no encontrada")]
)
def test_a_path_no_route_matches_still_speaks_the_urls_language(
    client: FlaskClient, lang: str, text: str
) -> None:
    response = client.get(f"/{lang}/no-such/page", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert text in html and f'<html lang="{lang}">' in html


def test_a_reimported_article_is_shown_at_once_despite_the_page_cache(
    app, client: FlaskClient, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    import shutil

    from helpcenter.config import PROJECT_ROOT
    from helpcenter.content.importer import import_content
    from helpcenter.extensions import db

    url = "/en/articles/asking-customers-for-ratings"
    assert "Freshly imported sentence" not in client.get(url).get_data(as_text=True)
    assert client.get(url).status_code == 200  # now served from the cache
    content = tmp_path / "content"
    shutil.copytree(PROJECT_ROOT / "content", content)
    path = content / "en/asking-customers-for-ratings.md"
    path.write_text(path.read_text() + "\nFreshly imported sentence.\n")
    with app.app_context():
        import_content(db.session, content)
    assert "Freshly imported sentence" in client.get(url).get_data(as_text=True)


def test_cached_pages_carry_each_readers_own_csrf_token(client: FlaskClient, app) -> None:  # type: ignore[no-untyped-def]
    url = "/en/articles/guide-to-customer-reports"
    first = client.get(url).get_data(as_text=True)
    other = app.test_client().get(url).get_data(as_text=True)
    token = re.compile(r'"X-CSRFToken": "([^"]+)"')
    assert token.search(first) and token.search(other)
    assert token.search(first).group(1) != token.search(other).group(1)
    assert "\x00" not in other


def test_an_article_page_with_its_css_and_javascript_weighs_under_60_kb(
    client: FlaskClient,
) -> None:
    """The page weight budget, counted as transferred (compressed as browsers accept)."""
    headers = {"Accept-Encoding": "gzip, br"}
    page = client.get("/en/articles/guide-to-customer-reports", headers=headers)
    assert page.headers.get("Content-Encoding") in ("gzip", "br")
    total = len(page.get_data())
    assets = ["/static/css/site.css", "/static/js/site.js", "/static/vendor/htmx.min.js"]
    for url in assets:
        response = client.get(url, headers=headers)
        assert response.status_code == 200
        assert response.headers.get("Content-Encoding") in ("br", "deflate"), url
        total += len(response.get_data())
    assert total < 60 * 1024, total
