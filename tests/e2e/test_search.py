"""Search in the browser, in es, de and en.

Typing in the header box on any page shows live results (htmx, debounced, with a loading
indicator) without a page load; Enter submits to the search page; without JavaScript both
boxes are plain GET forms. "Search all languages" marks each result with its language.
axe and the Nu checker on the search page (results, no results, all languages) and on the
DOM after live swaps; "/" focuses the search box; screenshots for people in
test-artifacts/screenshots/search-<lang>.png.
"""

from __future__ import annotations

import re
from functools import cache
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from playwright.sync_api import Page, Request, expect

from helpcenter.i18n import LANGUAGE_NAMES, LANGUAGES
from tests.e2e.helpers import (
    REPO_ROOT,
    PageFactory,
    assert_accessible,
    assert_valid_html,
    check_page,
    save_screenshot,
)

TRANSLATIONS_DIR = REPO_ROOT / "helpcenter" / "translations"
# A word of each language that finds its reports article, and the article's slug.
WORDS = {"es": "reembolso", "de": "Rückerstattung", "en": "refund"}
REPORTS = {
    "es": "guia-de-reportes-de-clientes",
    "de": "leitfaden-zu-kundenmeldungen",
    "en": "guide-to-customer-reports",
}
# Found only in another language than the reader's: all-languages results need a badge.
FOREIGN_WORDS = {"es": "Rückerstattung", "de": "refund", "en": "Rückerstattung"}
NOTHING = "xqzvwk"
# A misspelling in each language and the "did you mean" the page offers for it.
MISSPELLED = {"es": ("valoracoines", "valoraciones"), "de": ("Duplikt", "duplikat"),
              "en": ("refnud", "refund")}  # fmt: skip


@cache
def _catalog(lang: str) -> Catalog:
    with (TRANSLATIONS_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=lang)


def _(lang: str, msgid: str, **params: str) -> str:
    """The interface text as the app shows it in `lang` (English is the msgid itself)."""
    message = _catalog(lang).get(msgid)
    found = str(message.string) if message is not None and message.string else msgid
    if lang != "en":
        assert found != msgid, f"{msgid!r} is not translated to {lang}"
    return found % params if params else found


def search_path(lang: str, query: str, everywhere: bool = False) -> str:
    return f"/{lang}/search?q={quote(query)}" + ("&in=all" if everywhere else "")


def open_with_htmx(page: Page, url: str) -> None:
    """Open `url` and wait until htmx has taken charge of the search box.

    htmx starts in a timer after the deferred scripts run, which can be after the load
    event Playwright waits for; keys typed in between would reach a box htmx doesn't
    listen to yet. htmx marks what it has processed with data-htmx-powered.
    """
    page.goto(url)
    expect(page.locator("input[type=search]")).to_have_attribute("data-htmx-powered", "true")


def mark_document(page: Page) -> None:
    """A flag that a full page load would wipe: its survival proves htmx swapped in place."""
    page.evaluate("() => { window.__marker = 1; }")


def assert_same_document(page: Page) -> None:
    assert page.evaluate("() => window.__marker") == 1, "the results came with a page load"


def watch_indicator(page: Page, selector: str) -> None:
    """Record whether the loading indicator is ever shown (htmx puts htmx-request on it)."""
    page.evaluate(
        """(selector) => {
          const indicator = document.querySelector(selector);
          window.__indicatorShown = false;
          new MutationObserver(() => {
            if (indicator.classList.contains('htmx-request') ||
                getComputedStyle(indicator).opacity === '1') { window.__indicatorShown = true; }
          }).observe(indicator, {attributes: true, attributeFilter: ['class']});
        }""",
        selector,
    )


def search_requests(page: Page) -> list[Request]:
    """Every request for /<lang>/search made by htmx from now on."""
    requests: list[Request] = []

    def record(request: Request) -> None:
        if "/search" in urlsplit(request.url).path and request.headers.get("hx-request"):
            requests.append(request)

    page.on("request", record)
    return requests


def dom_html(page: Page) -> str:
    """The DOM as it is now (axe's injected <script> removed: the app has no inline script)."""
    return page.evaluate(
        """() => {
          const root = document.documentElement.cloneNode(true);
          root.querySelectorAll('script:not([src])').forEach((s) => s.remove());
          return '<!DOCTYPE html>' + root.outerHTML;
        }"""
    )


# -- live results from the header box ---------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "start"),
    [("en", "/en/"), ("de", f"/de/articles/{REPORTS['de']}"), ("es", "/es/wizards/which-report")],
)
def test_typing_in_the_header_box_shows_live_results_without_a_page_load(
    page: Page, lang: str, start: str
) -> None:
    open_with_htmx(page, start)
    box = page.get_by_role("searchbox", name=_(lang, "Search the help center"))
    expect(box).to_be_visible()
    mark_document(page)
    watch_indicator(page, "#quick-busy")
    requests = search_requests(page)

    box.press_sequentially(WORDS[lang], delay=40)  # quicker than the debounce delay
    live = page.locator("#quick-results")
    first = live.locator(".result-title").first
    expect(first).to_be_visible()
    expect(first).to_have_attribute("href", re.compile(rf"^/{lang}/articles/{REPORTS[lang]}"))
    expect(live.locator(".snippet mark").first).to_be_visible()

    assert_same_document(page)
    assert urlsplit(page.url).path == start, "typing must not navigate"
    # Debounced: one request for the whole word, not one per key, for the whole word.
    assert len(requests) == 1, [r.url for r in requests]
    assert parse_qs(urlsplit(requests[0].url).query)["q"] == [WORDS[lang]]
    assert page.evaluate("() => window.__indicatorShown"), "the loading indicator never showed"
    expect(box).to_be_focused()  # the reader keeps typing

    # Clicking a live result goes straight to the heading it names.
    href = first.get_attribute("href")
    assert href is not None
    first.click()
    expect(page).to_have_url(re.compile(re.escape(href) + "$"))
    anchor = urlsplit(href).fragment
    if anchor:
        expect(page.locator(f"[id='{anchor}']")).to_be_visible()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_live_results_are_valid_and_accessible(page: Page, lang: str) -> None:
    open_with_htmx(page, f"/{lang}/")
    box = page.locator("#site-search")
    box.fill(WORDS[lang])
    expect(page.locator("#quick-results .result").first).to_be_visible()
    assert_accessible(page)
    assert_valid_html(dom_html(page), f"{lang} home with live results")

    box.fill(NOTHING)
    expect(page.locator("#quick-results .no-results")).to_be_visible()
    assert_accessible(page)
    assert_valid_html(dom_html(page), f"{lang} home with live results: none")


def test_enter_submits_the_header_box_to_the_search_page(page: Page) -> None:
    open_with_htmx(page, f"/de/articles/{REPORTS['de']}")
    box = page.locator("#site-search")
    box.fill("Duplikat")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/de/search\?q=Duplikat$"))
    expect(page.locator("h1")).to_have_text(_("de", "Search"))
    expect(page.get_by_role("searchbox")).to_have_value("Duplikat")
    results = page.locator("#search-results .result-title")
    expect(results.first).to_be_visible()
    hrefs = results.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert "/de/wizards/which-report" in hrefs
    assert any(h.startswith(f"/de/articles/{REPORTS['de']}#") for h in hrefs)


def test_the_search_page_updates_its_results_as_you_type(page: Page) -> None:
    open_with_htmx(page, "/es/search")
    expect(page.locator("#site-search")).to_have_count(0)  # the page's own box only
    mark_document(page)
    watch_indicator(page, "#search-busy")
    requests = search_requests(page)
    page.get_by_role("searchbox").press_sequentially("duplicado", delay=40)
    expect(page.locator("#search-results .result").first).to_be_visible()
    expect(page.locator("#search-results a[href='/es/wizards/which-report']")).to_be_visible()
    assert_same_document(page)
    assert len(requests) == 1, [r.url for r in requests]
    assert page.evaluate("() => window.__indicatorShown"), "the loading indicator never showed"
    assert_accessible(page)
    assert_valid_html(dom_html(page), "es search page after a live swap")


def test_live_results_on_the_search_page_stay_in_all_languages(page: Page) -> None:
    open_with_htmx(page, search_path("en", "refund", everywhere=True))
    box = page.get_by_role("searchbox")
    box.fill("Rückerstattung")
    badge = page.locator("#search-results .lang-badge").first
    expect(badge).to_have_text(LANGUAGE_NAMES["de"])
    assert_valid_html(dom_html(page), "en search page in all languages after a live swap")


# -- all languages ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_search_all_languages_shows_badges_and_the_readers_translation(
    page: Page, lang: str
) -> None:
    page.goto(search_path(lang, FOREIGN_WORDS[lang]))
    page.get_by_role("link", name=_(lang, "Search all languages")).click()
    expect(page).to_have_url(re.compile(r"[?&]in=all"))
    results = page.locator("#search-results .result")
    expect(results.first).to_be_visible()
    count = results.count()
    expect(page.locator("#search-results .lang-badge")).to_have_count(count)
    foreign = results.filter(has_not=page.locator(f".result-title[hreflang='{lang}']")).first
    expect(foreign.locator(".lang-badge")).not_to_have_text(LANGUAGE_NAMES[lang])
    open_in = foreign.get_by_role(
        "link", name=_(lang, "Open in %(language)s", language=LANGUAGE_NAMES[lang])
    )
    href = open_in.get_attribute("href")
    assert href is not None and href.startswith(f"/{lang}/")
    open_in.click()
    expect(page).to_have_url(re.compile(re.escape(href) + "$"))
    expect(page.locator("html")).to_have_attribute("lang", lang)
    if "#" in href:
        expect(page.locator(f"[id='{urlsplit(href).fragment}']")).to_be_visible()


# -- without JavaScript ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_search_without_javascript_is_a_plain_get_form(
    page_factory: PageFactory, lang: str
) -> None:
    page = page_factory(java_script_enabled=False)
    page.goto(f"/{lang}/")
    page.locator("#site-search").fill(WORDS[lang])
    page.locator("#site-search").press("Enter")
    expect(page).to_have_url(re.compile(rf"/{lang}/search\?q="))
    expect(page.locator("#search-results .result").first).to_be_visible()

    box = page.get_by_role("searchbox")
    box.fill(NOTHING)
    page.locator(".search-form").get_by_role("button", name=_(lang, "Search")).click()
    expect(page).to_have_url(re.compile(rf"/{lang}/search\?q={NOTHING}$"))
    expect(page.locator(".no-results")).to_be_visible()
    expect(page.locator(".no-results a[href$='/wizards/which-report']")).to_be_visible()

    misspelled, suggestion = MISSPELLED[lang]
    page.goto(search_path(lang, misspelled))
    page.locator(".did-you-mean").get_by_role("link", name=suggestion).click()
    expect(page).to_have_url(re.compile(rf"/{lang}/search\?q={suggestion}$"))
    expect(page.locator(".did-you-mean")).to_have_count(0)

    page.goto(search_path(lang, FOREIGN_WORDS[lang]))
    page.get_by_role("link", name=_(lang, "Search all languages")).click()
    expect(page.locator("#search-results .lang-badge").first).to_be_visible()


# -- whole pages: axe, the Nu checker, screenshots ----------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(
    "kind", ["results", "no-results", "all-languages", "did-you-mean", "empty"]
)
def test_search_page_is_valid_and_accessible(page: Page, lang: str, kind: str) -> None:
    url = {
        "results": search_path(lang, WORDS[lang]),
        "no-results": search_path(lang, NOTHING),
        "all-languages": search_path(lang, FOREIGN_WORDS[lang], everywhere=True),
        "did-you-mean": search_path(lang, MISSPELLED[lang][0]),
        "empty": f"/{lang}/search",
    }[kind]
    check_page(page, url)
    if kind == "results":
        expect(page.locator("#search-results mark").first).to_be_visible()
        save_screenshot(page, f"search-{lang}")
    elif kind == "all-languages":
        save_screenshot(page, f"search-{lang}-all-languages")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_search_page_in_the_dark_scheme(page_factory: PageFactory, lang: str) -> None:
    page = page_factory(color_scheme="dark")
    check_page(page, search_path(lang, FOREIGN_WORDS[lang], everywhere=True))


def test_live_results_on_a_narrow_screen(page_factory: PageFactory) -> None:
    page = page_factory(viewport={"width": 375, "height": 740})
    open_with_htmx(page, "/de/")
    page.locator("#site-search").fill("Duplikat")
    results = page.locator("#quick-results")
    expect(results.locator(".result").first).to_be_visible()
    box = results.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375
    assert_accessible(page)
    save_screenshot(page, "search-de-live-narrow")


# -- keyboard -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "box"),
    [("/en/", "#site-search"), (f"/de/articles/{REPORTS['de']}", "#site-search"),
     ("/es/search", "#search-q")],
)  # fmt: skip
def test_slash_focuses_the_search_box(page: Page, path: str, box: str) -> None:
    open_with_htmx(page, path)
    page.locator("h1").first.click()  # somewhere that is not a field
    expect(page.locator(box)).not_to_be_focused()
    page.keyboard.press("/")
    expect(page.locator(box)).to_be_focused()
    expect(page.locator(box)).to_have_value("")  # the "/" itself is not typed into it
    page.keyboard.type("refund/")
    expect(page.locator(box)).to_have_value("refund/")  # typed "/" stays text


def test_the_live_results_can_be_reached_with_the_keyboard(page: Page) -> None:
    open_with_htmx(page, "/en/")
    page.keyboard.press("/")
    page.keyboard.type("refund")
    first = page.locator("#quick-results .result-title").first
    expect(first).to_be_visible()
    page.keyboard.press("Tab")  # the Search button
    page.keyboard.press("Tab")
    expect(first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/en/articles/"))


def test_clearing_the_header_box_closes_the_live_results(page: Page) -> None:
    open_with_htmx(page, "/en/")
    box = page.locator("#site-search")
    box.fill("refund")
    panel = page.locator("#quick-results")
    expect(panel.locator(".result").first).to_be_visible()
    box.fill("")
    expect(panel).to_be_hidden()
    box.fill("refund")
    expect(panel.locator(".result").first).to_be_visible()
    box.press("Escape")  # clears a search field, as the reader expects: the list goes too
    expect(box).to_have_value("")
    expect(panel).to_be_hidden()


def test_the_address_follows_live_results_so_back_and_reload_keep_them(page: Page) -> None:
    open_with_htmx(page, "/de/search?q=Bewertungen")
    box = page.get_by_role("searchbox")
    box.fill("Duplikat")
    expect(page).to_have_url(re.compile(r"/de/search\?q=Duplikat$"))
    wizard = page.locator("#search-results a[href='/de/wizards/which-report']")
    expect(wizard).to_be_visible()
    wizard.click()
    expect(page).to_have_url(re.compile(r"/de/wizards/which-report$"))
    page.go_back()
    expect(page).to_have_url(re.compile(r"/de/search\?q=Duplikat$"))
    expect(page.get_by_role("searchbox")).to_have_value("Duplikat")
    expect(page.locator("#search-results a[href='/de/wizards/which-report']")).to_be_visible()
    page.reload()
    expect(page.get_by_role("searchbox")).to_have_value("Duplikat")
    expect(page.locator("#search-results a[href='/de/wizards/which-report']")).to_be_visible()
