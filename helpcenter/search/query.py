"""From what a reader typed to what a backend looks for: a plan, never query syntax.

The query is plain text. It is cut into words (letters and digits only), so quotes,
colons, ``*``, ``AND``/``OR``/``NOT`` and parentheses are just separators or ordinary
words, and nothing a reader types can be a syntax error. Each remaining word becomes a
*concept*: the word itself, its synonyms (content/search-synonyms.yaml), for German the
compounds it starts ("Suizid" -> "Suizidgedanken"), and a spelling correction when the
word is unknown. Backends turn each concept into an OR of its alternatives and rank
documents that match more concepts higher.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import yaml

from helpcenter.search.text import (
    LANGUAGES,
    MAX_QUERY_WORDS,
    WORD_RE,
    analyze,
    analyze_word,
    clean_query,
    fold,
)

SYNONYM_WEIGHT: Final = 0.8  # a synonym counts a little less than the word typed
PREFIX_WEIGHT: Final = 0.4  # a German compound that starts with the word
CORRECTION_WEIGHT: Final = 0.7  # the corrected spelling of an unknown word
PREFIX_MIN_LENGTH: Final = 5  # shorter stems would match too much as a prefix


@dataclass(frozen=True)
class Alternative:
    """One way to match a concept: ``words`` as a reader would write them (for backends
    that analyze text themselves, like PostgreSQL) and ``terms``, their analyzed form."""

    words: tuple[str, ...]
    terms: tuple[str, ...]
    weight: float = 1.0
    prefix: bool = False  # also match terms that start with the (single) term

    @property
    def is_phrase(self) -> bool:
        return len(self.terms) > 1


@dataclass(frozen=True)
class Concept:
    text: str
    alternatives: tuple[Alternative, ...]


@dataclass
class LangPlan:
    lang: str
    concepts: list[Concept] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.concepts

    def highlight_terms(self) -> tuple[dict[str, float], dict[str, float]]:
        """({term: weight}, {prefix: weight}) of the words to mark in snippets.

        A phrase's weight is shared among its words, so a snippet window prefers the
        word the reader typed over a two-word synonym of it.
        """
        terms: dict[str, float] = {}
        prefixes: dict[str, float] = {}
        for concept in self.concepts:
            for alt in concept.alternatives:
                target = prefixes if alt.prefix else terms
                share = alt.weight / len(alt.terms)
                for term in alt.terms:
                    target[term] = max(target.get(term, 0.0), share)
        return terms, prefixes


# --------------------------------------------------------------------------- synonyms


class Synonyms:
    """Groups of equivalent words/phrases per language, matched on analyzed terms."""

    def __init__(self, groups: Mapping[str, Iterable[Iterable[str]]] | None = None) -> None:
        # lang -> first term -> [(terms of the phrase, group index)], longest phrase first
        self._starts: dict[str, dict[str, list[tuple[tuple[str, ...], int]]]] = {}
        self._groups: dict[str, list[list[tuple[tuple[str, ...], tuple[str, ...]]]]] = {}
        # Entries that cannot work: a phrase left with one word once stopwords are gone
        # ("same question" -> "question") would match far too much.
        self.dropped: list[tuple[str, str]] = []
        for lang, lang_groups in (groups or {}).items():
            if lang not in LANGUAGES:
                continue
            starts: dict[str, list[tuple[tuple[str, ...], int]]] = defaultdict(list)
            built: list[list[tuple[tuple[str, ...], tuple[str, ...]]]] = []
            for raw_group in lang_groups or []:
                members: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
                seen: set[tuple[str, ...]] = set()
                for phrase in raw_group or []:
                    phrase_words = tuple(WORD_RE.findall(str(phrase).lower()))
                    terms = tuple(analyze(lang, " ".join(phrase_words)))
                    if not terms or (len(phrase_words) > 1 and len(terms) < 2):
                        self.dropped.append((lang, str(phrase)))
                        continue
                    if terms not in seen:
                        seen.add(terms)
                        members.append((phrase_words, terms))
                if len(members) < 2:
                    continue
                index = len(built)
                built.append(members)
                for _words, terms in members:
                    starts[terms[0]].append((terms, index))
            for entries in starts.values():
                entries.sort(key=lambda entry: -len(entry[0]))
            self._starts[lang] = dict(starts)
            self._groups[lang] = built

    @classmethod
    def load(cls, path: Path | str | None) -> Synonyms:
        """Read content/search-synonyms.yaml; a missing file means no synonyms."""
        if path is None:
            return cls()
        path = Path(path)
        if not path.exists():
            return cls()
        data = yaml.safe_load(path.read_text("utf-8")) or {}
        if not isinstance(data, dict):
            raise ValueError(f"{path}: expected a mapping of language -> list of groups")
        return cls(data)

    def match(
        self, lang: str, terms: list[str], start: int
    ) -> tuple[int, list[tuple[tuple[str, ...], tuple[str, ...]]]] | None:
        """The longest synonym phrase at ``terms[start:]``: (its length, the other members)."""
        for phrase, index in self._starts.get(lang, {}).get(terms[start], ()):
            if tuple(terms[start : start + len(phrase)]) == phrase:
                others = [m for m in self._groups[lang][index] if m[1] != phrase]
                return len(phrase), others
        return None

    def has_term(self, lang: str, term: str) -> bool:
        """Whether ``term`` (analyzed) is a one-word member of some group."""
        return any(len(phrase) == 1 for phrase, _ in self._starts.get(lang, {}).get(term, ()))

    def groups(self, lang: str) -> list[list[str]]:
        """The groups as phrases (for tests and the docs)."""
        return [[" ".join(words) for words, _ in group] for group in self._groups.get(lang, [])]


# --------------------------------------------------------------------------- plan


@dataclass(frozen=True)
class QueryWord:
    text: str  # as typed (case kept)
    start: int
    end: int
    compound: str = ""  # the German compound this word is the first part of

    @property
    def lower(self) -> str:
        return self.text.lower()


def query_words(query: str) -> list[QueryWord]:
    """The words of a cleaned query, at most MAX_QUERY_WORDS of them."""
    found = []
    for match in WORD_RE.finditer(query):
        found.append(QueryWord(match.group(0), match.start(), match.end()))
        if len(found) >= MAX_QUERY_WORDS:
            break
    return found


def plan_for_language(
    lang: str,
    words: list[QueryWord],
    synonyms: Synonyms,
    fixes: WordFixes | None = None,
) -> LangPlan:
    """The concepts of ``words`` in ``lang`` (stopwords dropped, synonyms matched)."""
    fixes = fixes or WordFixes()
    corrections = fixes.corrections
    if lang == "de" and fixes.splits:
        split_words: list[QueryWord] = []
        for w in words:
            parts = fixes.splits.get(w.lower)
            if not parts:
                split_words.append(w)
                continue
            split_words.append(QueryWord(parts[0], w.start, w.end, compound=w.text))
            split_words.extend(QueryWord(part, w.start, w.end) for part in parts[1:])
        words = split_words
    kept = [(w, analyze_word(lang, w.text)) for w in words]
    kept = [(w, t) for w, t in kept if t]
    terms = [t for _, t in kept]
    plan = LangPlan(lang)
    seen: set[tuple[str, ...]] = set()
    i = 0
    while i < len(kept):
        word, term = kept[i]
        alternatives: list[Alternative] = []
        matched = synonyms.match(lang, terms, i)
        if matched is not None:
            length, others = matched
            span = kept[i : i + length]
            text = " ".join(w.text for w, _ in span)
            alternatives.append(
                Alternative(tuple(w.lower for w, _ in span), tuple(terms[i : i + length]))
            )
            for other_words, other_terms in others:
                alternatives.append(Alternative(other_words, other_terms, SYNONYM_WEIGHT))
            i += length
        else:
            text = word.text
            alternatives.append(Alternative((word.lower,), (term,)))
            whole = analyze_word(lang, word.compound) if word.compound else ""
            if whole and whole != term:
                alternatives.append(Alternative((word.compound.lower(),), (whole,)))
            correction = corrections.get(word.lower)
            if correction:
                corrected = analyze_word(lang, correction)
                if corrected and corrected != term:
                    alternatives.append(Alternative((correction,), (corrected,), CORRECTION_WEIGHT))
            i += 1
        if lang == "de":
            alternatives.extend(
                Alternative(alt.words, alt.terms, alt.weight * PREFIX_WEIGHT, prefix=True)
                for alt in list(alternatives)
                if len(alt.terms) == 1 and len(alt.terms[0]) >= PREFIX_MIN_LENGTH
            )
        key = tuple(sorted(a.terms[0] + str(a.prefix) for a in alternatives))
        if key in seen:  # "Frage Frage": a repeated word counts once
            continue
        seen.add(key)
        plan.concepts.append(Concept(text, tuple(alternatives)))
    return plan


@dataclass
class QueryPlan:
    query: str  # the cleaned query
    words: list[QueryWord]
    langs: dict[str, LangPlan]

    @property
    def empty(self) -> bool:
        return all(plan.empty for plan in self.langs.values())


def make_plan(
    query: str,
    lang: str | None,
    synonyms: Synonyms,
    fixes: WordFixes | None = None,
) -> QueryPlan:
    cleaned = clean_query(query)
    words = query_words(cleaned)
    langs = [lang] if lang in LANGUAGES else list(LANGUAGES) if lang is None else []
    return QueryPlan(
        cleaned, words, {code: plan_for_language(code, words, synonyms, fixes) for code in langs}
    )


# --------------------------------------------------------------------------- spelling


def _osa_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (Levenshtein + adjacent swaps), capped at limit+1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        row_min = i
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
            row_min = min(row_min, value)
        if row_min > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[len(b)]


def max_distance(word: str) -> int:
    """How many typos a word of this length may have and still be corrected."""
    if len(word) < 4:
        return 0
    return 1 if len(word) < 8 else 2


class Speller:
    """Did-you-mean over a vocabulary of indexed words: symmetric-delete candidates
    (words sharing a one-letter deletion), then the exact distance; closest wins, then
    the more frequent. Compared without accents; the accented spelling is suggested.

    ``frequency``, when given, is asked for the candidates' frequency instead of the
    vocabulary's counts; a candidate whose frequency is 0 (no longer indexed) is skipped.
    """

    def __init__(
        self, vocabulary: Mapping[str, int], frequency: Callable[[str], int] | None = None
    ) -> None:
        self._frequency = frequency
        # folded word -> (the most frequent spelling of it, total frequency)
        best: dict[str, tuple[str, int, int]] = {}
        for word, count in vocabulary.items():
            key = fold(word)
            spelling, top, total = best.get(key, (word, -1, 0))
            if count > top:
                spelling, top = word, count
            best[key] = (spelling, top, total + count)
        self._words = {key: (spelling, total) for key, (spelling, _, total) in best.items()}
        self._deletes: dict[str, list[str]] = defaultdict(list)
        for key in self._words:
            for variant in self._variants(key):
                self._deletes[variant].append(key)

    @staticmethod
    def _variants(word: str) -> set[str]:
        return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}

    def __contains__(self, word: str) -> bool:
        return fold(word) in self._words

    def __len__(self) -> int:
        return len(self._words)

    def correct(self, word: str) -> str | None:
        """The closest known word, or None when the word is known or nothing is close."""
        key = fold(word)
        limit = max_distance(key)
        if key in self._words or limit == 0 or key.isdigit():
            return None
        candidates: set[str] = set()
        for variant in self._variants(key):
            candidates.update(self._deletes.get(variant, ()))
        best: tuple[int, int, str] | None = None
        for candidate in candidates:
            if candidate[0] != key[0] and limit < 2:
                continue  # typos rarely hit the first letter; this keeps suggestions sane
            distance = _osa_distance(key, candidate, limit)
            if distance > limit:
                continue
            spelling, count = self._words[candidate]
            if self._frequency is not None:
                count = self._frequency(spelling)
                if not count:
                    continue
            rank = (distance, -count, spelling)
            if best is None or rank < best:
                best = rank
        return None if best is None else best[2]


@dataclass
class WordFixes:
    """What to do with the query words the index does not know."""

    corrections: dict[str, str] = field(default_factory=dict)  # typo -> known word
    splits: dict[str, list[str]] = field(default_factory=dict)  # German compound -> parts


_LINKS: Final = ("", "s", "es", "n", "en", "e")  # German linking elements: Bewertung+s+erinnerung
MIN_PART: Final = 4
LONG_COMPOUND: Final = 12  # known German words this long are also tried as compounds


def split_compound(word: str, known: Callable[[str], bool]) -> list[str] | None:
    """A German compound the index lacks, as indexed words: "Bewertungserinnerung" ->
    ["Bewertung", "erinnerung"]. The longest known head wins; the tail must be known
    too, or be a long word itself when the head is (then it is kept as it is)."""
    lower = word.lower()
    if len(lower) < 2 * MIN_PART or not lower.isalpha():
        return None
    fallback: list[str] | None = None
    for cut in range(len(lower) - MIN_PART, MIN_PART - 1, -1):
        head_with_link, tail = word[:cut], word[cut:]
        head = next(
            (
                head_with_link[: len(head_with_link) - len(link)]
                for link in _LINKS
                if head_with_link.lower().endswith(link)
                and len(head_with_link) - len(link) >= MIN_PART
                and known(head_with_link[: len(head_with_link) - len(link)])
            ),
            None,
        )
        if head is None:
            continue
        if known(tail):
            return [head, tail]
        if fallback is None:
            fallback = [head, tail]
    return fallback


def resolve_words(
    words: list[QueryWord],
    langs: Iterable[str],
    speller: Callable[[], Speller],
    is_known: Callable[[str, str, str], bool],
    synonyms: Synonyms | None = None,
) -> WordFixes:
    """Corrections for typos and splits for German compounds, for the unknown words.

    A word is known when ``is_known(lang, word, stem)`` says the backend finds it in one of
    ``langs`` (so "refunded" is not "corrected" to "refunds"), or when it is in the
    vocabulary as written. ``speller`` is only called (it may build the vocabulary) when
    some word is not known. A close known word wins over a compound split: a typo is the
    likelier story. Long German words are split even when known ("Bewertungserinnerung"
    also finds "Erinnerung ... Bewertung"), but then only into two known words.
    """
    fixes = WordFixes()
    langs = list(langs)
    synonyms = synonyms or Synonyms()

    def known_de(part: str) -> bool:
        stem = analyze_word("de", part)
        return bool(stem) and (synonyms.has_term("de", stem) or is_known("de", part.lower(), stem))

    for word in words:
        lower = word.lower
        if lower in fixes.corrections or lower in fixes.splits:
            continue
        if max_distance(lower) == 0 or lower.isdigit():
            continue
        stems = [(lang, analyze_word(lang, lower)) for lang in langs]
        if any(not stem for _, stem in stems):
            continue  # a stopword somewhere: never "correct" it
        if any(is_known(lang, lower, stem) for lang, stem in stems):
            if "de" in langs and len(lower) >= LONG_COMPOUND:
                parts = split_compound(word.text, known_de)
                if parts and known_de(parts[-1]):
                    fixes.splits[lower] = parts
            continue
        checker = speller()
        if lower in checker:
            continue
        correction = checker.correct(lower)
        if correction and correction != lower:
            fixes.corrections[lower] = correction
            continue
        if "de" in langs:
            parts = split_compound(word.text, known_de)
            if parts:
                fixes.splits[lower] = parts
    return fixes


def suggestion_text(
    query: str, words: list[QueryWord], corrections: Mapping[str, str]
) -> str | None:
    """``query`` with each corrected word replaced, or None when nothing was corrected."""
    if not corrections:
        return None
    parts: list[str] = []
    position = 0
    changed = False
    for word in words:
        correction = corrections.get(word.lower)
        if correction:
            parts.append(query[position : word.start])
            parts.append(correction)
            position = word.end
            changed = True
    parts.append(query[position:])
    return "".join(parts) if changed else None
