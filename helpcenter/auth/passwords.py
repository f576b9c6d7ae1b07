"""Password hashing (argon2id, via argon2-cffi) and the password policy.

Pure functions: the caller passes the hasher (built from the app's PASSWORD_HASH_PROFILE)
and the policy's numbers, so this module is testable without Flask.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher, Type, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

# zxcvbn refuses longer inputs; a password this long is judged by its first 72 characters.
_ZXCVBN_MAX = 72
# zxcvbn's 0..4 scale; 3 = "safely unguessable", ~10^8 guesses or more (zxcvbn's own words).
MIN_STRENGTH = 3
# Words that make a password easy to guess here (ASVS 6.1.2): the site's own words, added to
# the person's email address and name at each check.
CONTEXT_WORDS = (
    "helpcenter",
    "help center",
    "help-center",
    "expert",
    "experts",
    "support",
    "password",
    "admin",
)


@cache
def hasher_for(profile: str) -> PasswordHasher:
    """An argon2id hasher with one of argon2-cffi's named parameter sets
    (RFC_9106_LOW_MEMORY in production, CHEAPEST in tests)."""
    parameters = getattr(profiles, profile)
    if parameters.type is not Type.ID:
        raise ValueError(f"{profile} is not an argon2id profile")
    return PasswordHasher.from_parameters(parameters)


def hash_password(hasher: PasswordHasher, password: str) -> str:
    return hasher.hash(password)


def verify_password(hasher: PasswordHasher, stored_hash: str | None, password: str) -> bool:
    """True when `password` matches. Without a stored hash (unknown account, or one that never
    chose a password), a dummy hash is checked, so the answer takes as long either way."""
    if not stored_hash:
        _verify_quietly(hasher, _dummy_hash(hasher), password)
        return False
    return _verify_quietly(hasher, stored_hash, password)


def needs_rehash(hasher: PasswordHasher, stored_hash: str) -> bool:
    """True when the hash was made with other parameters than the hasher's current ones."""
    try:
        return hasher.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


def _verify_quietly(hasher: PasswordHasher, stored_hash: str, password: str) -> bool:
    try:
        return hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    return hasher.hash(secrets.token_urlsafe(16))


@dataclass(frozen=True)
class PasswordProblem:
    """Why a new password is refused: `code` for tests, the view words it in gettext."""

    code: str  # "too_short" | "too_long" | "too_guessable"
    limit: int = 0


def password_problem(
    password: str,
    *,
    min_length: int,
    max_length: int,
    personal_words: tuple[str, ...] = (),
) -> PasswordProblem | None:
    """None when the password may be used. Any characters are allowed, with no rules about
    their kind (ASVS 6.2.5); what counts is length and how guessable it is: common passwords
    (zxcvbn's 30,000 most common), keyboard patterns, dates, repeats and words from this site
    or from the person's own email address and name are refused."""
    if len(password) < min_length:
        return PasswordProblem("too_short", min_length)
    if len(password) > max_length:
        return PasswordProblem("too_long", max_length)
    words = [w for w in (*CONTEXT_WORDS, *_split_personal(personal_words)) if w]
    result = zxcvbn(password[:_ZXCVBN_MAX], user_inputs=words, max_length=_ZXCVBN_MAX)
    if result["score"] < MIN_STRENGTH:
        return PasswordProblem("too_guessable")
    return None


def _split_personal(words: tuple[str, ...]) -> list[str]:
    """An email address counts whole, and its local part and domain name on their own."""
    found: list[str] = []
    for word in words:
        word = word.strip().lower()
        if not word:
            continue
        found.append(word)
        if "@" in word:
            local, _, domain = word.partition("@")
            found.extend([local, domain.split(".")[0]])
            word = local
        parts = [p for p in re.split(r"[\s._+-]+", word) if len(p) > 2]
        found.extend(parts)
        found.append("".join(parts))  # "Ada Lovelace" is also "adalovelace"
    return found
