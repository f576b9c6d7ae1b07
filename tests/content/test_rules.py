"""Every policy rule can be cited: it has a heading anchor in every language."""

from __future__ import annotations

import re

import pytest
import yaml
from flask.testing import FlaskClient

from helpcenter.config import PROJECT_ROOT
from helpcenter.content.checker import load_rule_ids
from helpcenter.content.loader import load_articles, load_structure

CONTENT = PROJECT_ROOT / "content"
RULES = load_rule_ids(CONTENT)
ARTICLES = load_articles(CONTENT, load_structure(CONTENT))


@pytest.mark.parametrize("lang", ["es", "de", "en"])
@pytest.mark.parametrize("rule", sorted(RULES))
def test_every_rule_resolves_to_a_heading_on_the_article_page(
    client: FlaskClient, lang: str, rule: str
) -> None:
    article = next(a for a in ARTICLES if a.locale == lang and a.key == RULES[rule])
    anchor = article.rules[rule]
    html = client.get(f"/{lang}/articles/{article.slug}").get_data(as_text=True)
    assert re.search(rf'<h[23] id="{re.escape(anchor)}">', html), (rule, lang, anchor)


def test_the_rule_list_matches_the_policy_facts() -> None:
    policies = PROJECT_ROOT.parent / "shared" / "POLICIES.md"
    if not policies.exists():
        pytest.skip("shared/POLICIES.md is not next to this checkout")
    ids = set(
        re.findall(r"^\s*- ((?:RATE|HELP|REP)-[A-Z0-9-]*[A-Za-z0-9]) ", policies.read_text(), re.M)
    )
    assert ids == set(RULES)


def test_each_language_states_the_same_rules() -> None:
    by_key: dict[str, dict[str, set[str]]] = {}
    for article in ARTICLES:
        by_key.setdefault(article.key, {})[article.locale] = set(article.rules)
    for versions in by_key.values():
        assert versions["es"] == versions["de"] == versions["en"]


def test_platform_labels_appear_in_the_reports_article_in_every_language() -> None:
    glossary = yaml.safe_load((CONTENT / "glossary.yaml").read_text("utf-8"))
    for article in ARTICLES:
        if article.key != "guide-to-customer-reports":
            continue
        for labels in glossary["reports"].values():
            assert labels[article.locale] in article.body, (article.locale, labels)
