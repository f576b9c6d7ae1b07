"""Reading in the browser: every reading page in every language (status, language, valid
HTML, axe), the language switcher, keyboard access, the 404 page, reading without
JavaScript and the dark colour scheme."""

from __future__ import annotations

from dataclasses import dataclass

import frontmatter
import pytest
import yaml
from babel.messages.pofile import read_po
from playwright.sync_api import Page, expect

from helpcenter.i18n import LANGUAGE_NAMES, LANGUAGES
from tests.e2e.helpers import REPO_ROOT, PageFactory, assert_accessible, check_page, save_screenshot

CONTENT_DIR = REPO_ROOT / "content"
TRANSLATIONS_DIR = REPO_ROOT / "helpcenter" / "translations"


@dataclass(frozen=True)
class Article:
    key: str
    lang: str
    slug: str
    title: str

    @property
    def url(self) -> str:
        return f"/{self.lang}/articles/{self.slug}"


def _articles() -> dict[tuple[str, str], Article]:
    """(key, lang) -> article, from the content files the app imports."""
    found = {}
    for lang in LANGUAGES:
        for path in sorted((CONTENT_DIR / lang).glob("*.md")):
            meta = frontmatter.load(path).metadata
            article = Article(str(meta["key"]), lang, str(meta["slug"]), str(meta["title"]))
            found[(article.key, lang)] = article
    return found


def _listing_pages() -> list[tuple[str, str]]:
    """(url, h1) of every category and section page, from content/structure.yaml."""
    structure = yaml.safe_load((CONTENT_DIR / "structure.yaml").read_text("utf-8"))
    pages = []
    for category in structure["categories"]:
        for lang in LANGUAGES:
            pages.append((f"/{lang}/categories/{category[lang]['slug']}", category[lang]["title"]))
            for section in category.get("sections", []):
                pages.append((f"/{lang}/sections/{section[lang]['slug']}", section[lang]["title"]))
    return pages


ARTICLES = _articles()
KEYS = sorted({key for key, _ in ARTICLES})
SCREENSHOT_KEY = KEYS[0]


def _translate(lang: str, msgid: str) -> str:
    with (TRANSLATIONS_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as po:
        message = read_po(po, locale=lang).get(msgid)
    return str(message.string) if message is not None and message.string else msgid


@pytest.mark.parametrize("lang", LANGUAGES)
def test_home_page(page: Page, lang: str) -> None:
    check_page(page, f"/{lang}/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    save_screenshot(page, f"{lang}-home")


@pytest.mark.parametrize(("key", "lang"), sorted(ARTICLES))
def test_article_page(page: Page, key: str, lang: str) -> None:
    article = ARTICLES[(key, lang)]
    check_page(page, article.url)
    expect(page.get_by_role("heading", level=1)).to_have_text(article.title)
    if key == SCREENSHOT_KEY:
        save_screenshot(page, f"{lang}-article-{key}")


@pytest.mark.parametrize(("url", "title"), _listing_pages())
def test_category_and_section_pages(page: Page, url: str, title: str) -> None:
    check_page(page, url)
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


@pytest.mark.parametrize(
    ("source", "target"), [(a, b) for a in LANGUAGES for b in LANGUAGES if a != b]
)
def test_language_switcher_keeps_the_article(
    page: Page, live_server: str, source: str, target: str
) -> None:
    page.goto(ARTICLES[(SCREENSHOT_KEY, source)].url)
    switcher = page.locator("header nav.languages")
    switcher.get_by_role("link", name=LANGUAGE_NAMES[target], exact=True).click()

    expected = ARTICLES[(SCREENSHOT_KEY, target)]
    expect(page).to_have_url(f"{live_server}{expected.url}")
    expect(page.get_by_role("heading", level=1)).to_have_text(expected.title)
    expect(page.locator("html")).to_have_attribute("lang", target)
    current = switcher.get_by_role("link", name=LANGUAGE_NAMES[target], exact=True)
    expect(current).to_have_attribute("aria-current", "true")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_skip_link_is_the_first_stop_and_moves_focus_to_main(page: Page, lang: str) -> None:
    page.goto(ARTICLES[(SCREENSHOT_KEY, lang)].url)
    page.keyboard.press("Tab")
    skip_link = page.locator("a.skip-link")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_have_text(_translate(lang, "Skip to content"))
    expect(skip_link).to_be_in_viewport()  # hidden off-screen until focused

    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    assert page.url.endswith("#main")
    # The next Tab continues inside the content, not back at the header.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_not_found_page(page: Page, live_server: str, lang: str) -> None:
    heading = _translate(lang, "Page not found")
    if lang != "en":
        assert heading != "Page not found", f"'Page not found' is not translated into {lang}"

    check_page(page, f"/{lang}/articles/no-such-article", status=404)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)

    page.locator("main").get_by_role("link", name=_translate(lang, "Go to the home page")).click()
    expect(page).to_have_url(f"{live_server}/{lang}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(_translate(lang, "How can we help?"))


@pytest.mark.parametrize("lang", ["de"])
def test_not_found_page_for_an_unknown_path_is_in_the_urls_language(page: Page, lang: str) -> None:
    check_page(page, f"/{lang}/no-such-page", status=404)
    expect(page.get_by_role("heading", level=1)).to_have_text(_translate(lang, "Page not found"))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_article_without_javascript(page_factory: PageFactory, live_server: str, lang: str) -> None:
    page = page_factory(java_script_enabled=False)
    article = ARTICLES[(SCREENSHOT_KEY, lang)]
    response = page.goto(article.url)
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text(article.title)

    toc_links = page.locator("nav.toc a")
    hrefs = toc_links.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert len(hrefs) >= 2, "the article should have a table of contents"
    for href in hrefs:  # every entry points at a heading that exists
        assert href.startswith("#")
        expect(page.locator(f"[id='{href[1:]}']")).to_have_count(1)

    entry = toc_links.nth(len(hrefs) - 1)  # the last one: the page has to scroll to it
    entry.click()
    expect(page).to_have_url(f"{live_server}{article.url}{hrefs[-1]}")
    expect(page.locator(f"[id='{hrefs[-1][1:]}']")).to_be_in_viewport()


@pytest.mark.parametrize("path", ["/en/", ARTICLES[(SCREENSHOT_KEY, "en")].url])
def test_dark_scheme_is_accessible(page_factory: PageFactory, path: str) -> None:
    """Contrast is checked again with the dark palette of prefers-color-scheme."""
    page = page_factory(color_scheme="dark")
    page.goto(path)
    assert_accessible(page)
