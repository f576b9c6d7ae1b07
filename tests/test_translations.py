"""Every string a person reads exists in es, de and en."""

from __future__ import annotations

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from helpcenter.config import PROJECT_ROOT

TRANSLATIONS = PROJECT_ROOT / "helpcenter" / "translations"
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def _source_messages() -> set[str]:
    found = extract_from_dir(
        str(PROJECT_ROOT / "helpcenter"), METHODS, keywords=KEYWORDS, strip_comment_tags=True
    )
    return {m[2] if isinstance(m[2], str) else m[2][0] for m in found}


@pytest.mark.parametrize("lang", ["es", "de"])
def test_every_interface_string_is_translated(lang: str) -> None:
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalog = read_po(handle, locale=lang)
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalog
        if m.id and (m.string if isinstance(m.string, str) else all(m.string))
    }
    missing = sorted(_source_messages() - translated)
    assert not missing, f"untranslated in {lang} (run make extract-messages): {missing}"
