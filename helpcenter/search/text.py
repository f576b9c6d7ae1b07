"""Text analysis shared by every search backend: cleaning, tokens, folding, stemming.

One word goes through the same steps at index time and at query time, so whatever a
reader types meets the indexed form of the same word:

    lowercase -> fold accents (é->e, ñ->n, ß->ss) -> language variants -> stopword? -> stem

* German: umlauts written as ``ae``/``oe``/``ue`` (``Rueckerstattung``) fold like the
  umlaut itself (the Snowball "German2" rule: not ``ue`` after ``q`` or a vowel, so
  ``neue`` and ``Frauen`` stay as they are), so ``Rückerstattung``, ``Ruckerstattung``
  and ``Rueckerstattung`` all become ``ruckerstatt``.
* Spanish: Snowball's suffixes carry accents (``-ación``), so an unaccented
  ``valoracion`` would not stem like ``valoración``. Folding first and then putting
  the accent back on the one ending where writers drop it (``-cion``/``-sion``) makes
  ``valoracion``, ``valoración`` and ``valoraciones`` all stem to ``valor``.

Nothing here knows about Whoosh or PostgreSQL; the Whoosh analyzer and the query
planner both call :func:`analyze_word`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from typing import Final

from whoosh.lang import stemmer_for_language, stopwords_for_language

LANGUAGES: Final = ("es", "de", "en")

# Letters and digits; anything else (punctuation, quotes, operators, symbols) separates
# words. So no character of a query can ever be query syntax.
WORD_RE: Final = re.compile(r"[^\W_]+")
MAX_WORD_LENGTH: Final = 40  # longer "words" are noise (hashes, pasted junk)
MAX_QUERY_CHARS: Final = 500  # a query is cut here: nobody types more, and cost stays bounded
MAX_QUERY_WORDS: Final = 24

# C0/C1 control characters (NUL included) and the Unicode noncharacters/surrogates that
# some clients send; they are dropped from documents and queries alike.
_CONTROL_RE: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_SPACES_RE: Final = re.compile(r"\s+")

# Letters NFKD does not decompose into base letter + accent.
_SPECIAL_FOLDS: Final = str.maketrans(
    {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th"}
)
# German2: ae/oe -> a/o everywhere, ue -> u unless after q or a vowel.
_GERMAN_VARIANTS: Final = re.compile(r"ae|oe|(?<![qaeiouy])ue")
_SPANISH_ION: Final = re.compile(r"(?<=[csx])ion$")


def clean_text(value: str) -> str:
    """NFC text without control characters; for documents (keeps line breaks)."""
    return _CONTROL_RE.sub(" ", unicodedata.normalize("NFC", value))


def clean_query(value: str) -> str:
    """A query as plain text: NFKC, no control characters, single spaces, bounded length.

    Never raises for any str, whatever it contains.
    """
    if not isinstance(value, str):  # defensive: the web layer may hand over None
        return ""
    value = unicodedata.normalize("NFKC", value[: MAX_QUERY_CHARS * 4])
    value = _SPACES_RE.sub(" ", _CONTROL_RE.sub(" ", value)).strip()
    return value[:MAX_QUERY_CHARS]


def words(text: str) -> Iterator[re.Match[str]]:
    """Word matches (letters and digits) of ``text``, with their offsets."""
    return WORD_RE.finditer(text)


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """Lowercase ``word`` without accents: "Valoración" -> "valoracion", "Straße" -> "strasse"."""
    word = word.lower()
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFKD", word.translate(_SPECIAL_FOLDS))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold_variants(lang: str, word: str) -> str:
    """``fold`` plus the language's spelling variants (German ae/oe/ue)."""
    folded = fold(word)
    if lang == "de" and "e" in folded:
        folded = _GERMAN_VARIANTS.sub(lambda m: m.group(0)[0], folded)
    return folded


def _stoplist(lang: str) -> frozenset[str]:
    return frozenset(fold_variants(lang, w) for w in stopwords_for_language(lang))


_STOPWORDS: Final = {lang: _stoplist(lang) for lang in LANGUAGES}
_STEMMERS: Final = {lang: stemmer_for_language(lang) for lang in LANGUAGES}
# word (lowercase, as in the text) -> indexed term ("" for a stopword or junk).
_CACHES: Final[dict[str, dict[str, str]]] = {lang: {} for lang in LANGUAGES}
_CACHE_LIMIT: Final = 300_000


def is_stopword(lang: str, word: str) -> bool:
    return fold_variants(lang, word) in _STOPWORDS.get(lang, frozenset())


def analyze_word(lang: str, word: str) -> str:
    """The indexed term of one word (any case) in ``lang``; "" for a stopword or junk.

    Cached: a corpus has far fewer distinct words than tokens, so the stemmer runs once
    per word, which is most of what makes indexing fast.
    """
    cache = _CACHES.get(lang)
    if cache is None:  # an unknown language: fold only
        return fold(word) if len(word) <= MAX_WORD_LENGTH else ""
    term = cache.get(word)
    if term is not None:
        return term
    if len(word) > MAX_WORD_LENGTH:
        term = ""
    else:
        folded = fold_variants(lang, word)
        if folded in _STOPWORDS[lang]:
            term = ""
        else:
            if lang == "es":
                folded = _SPANISH_ION.sub("ión", folded)
            term = fold(_STEMMERS[lang](folded))
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()
    cache[word] = term
    return term


def analyze(lang: str, text: str) -> list[str]:
    """Indexed terms of ``text`` in order, stopwords left out."""
    result = []
    for match in WORD_RE.finditer(text):
        term = analyze_word(lang, match.group(0))
        if term:
            result.append(term)
    return result


def surface_words(text: str) -> set[str]:
    """Distinct lowercase words of ``text`` as written (accents kept): the spelling vocabulary."""
    return {w for w in WORD_RE.findall(text.lower()) if 2 < len(w) <= MAX_WORD_LENGTH}
