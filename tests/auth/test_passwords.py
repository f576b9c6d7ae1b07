"""argon2id hashing, rehashing when the parameters change, and the password policy."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher, profiles

from helpcenter.auth import passwords

CHEAP = passwords.hasher_for("CHEAPEST")


def test_hashes_are_argon2id_with_a_salt() -> None:
    first, second = CHEAP.hash("same words here"), CHEAP.hash("same words here")
    assert first.startswith("$argon2id$")
    assert first != second
    assert passwords.hash_password(passwords.hasher_for("RFC_9106_LOW_MEMORY"), "x").startswith(
        "$argon2id$v=19$m=65536,t=3,p=4$"
    )


def test_verify_takes_the_password_exactly_as_typed() -> None:
    """No trimming, truncation or case change (ASVS 6.2.8)."""
    password = "  Ünïcödé and spaces  " + "x" * 100
    stored = CHEAP.hash(password)
    assert passwords.verify_password(CHEAP, stored, password)
    for changed in (password.strip(), password.upper(), password[:72], password + " "):
        assert not passwords.verify_password(CHEAP, stored, changed)


def test_without_a_hash_the_dummy_is_verified(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unknown accounts cost one verification too: the timing does not tell them apart."""
    calls = []
    original = PasswordHasher.verify
    monkeypatch.setattr(
        PasswordHasher, "verify", lambda self, h, p: calls.append(h) or original(self, h, p)
    )
    assert not passwords.verify_password(CHEAP, None, "anything")
    assert not passwords.verify_password(CHEAP, "not-a-hash", "anything")
    assert len(calls) == 2
    assert calls[0].startswith("$argon2id$")


def test_older_parameters_need_a_rehash() -> None:
    old = PasswordHasher.from_parameters(profiles.CHEAPEST).hash("words words words")
    current = passwords.hasher_for("RFC_9106_LOW_MEMORY")
    assert passwords.needs_rehash(current, old)
    assert not passwords.needs_rehash(current, current.hash("x"))


def problem(password: str, *personal: str) -> str | None:
    found = passwords.password_problem(
        password, min_length=12, max_length=256, personal_words=personal
    )
    return found.code if found else None


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("short words", "too_short"),
        ("x" * 257, "too_long"),
        ("password1234", "too_guessable"),
        ("qwertyuiop123", "too_guessable"),
        ("123456789012", "too_guessable"),
        ("helpcenter2024", "too_guessable"),
        ("aaaaaaaaaaaaaaaa", "too_guessable"),
        ("correct horse battery staple", None),
        ("quiet violet harbor lantern", None),
        ("ñandú pingüino über straße", None),  # any characters, no composition rules
        ("a" * 3 + "Zk9#mQ2v!pL7&wR4" + "x" * 50, None),  # 64+ characters are fine
    ],
)
def test_policy(password: str, code: str | None) -> None:
    assert problem(password) == code


def test_the_persons_own_words_make_a_password_guessable() -> None:
    for password in ("margarethamilton1936", "margaret hamilton 1936"):
        assert problem(password) is None
        assert problem(password, "margaret.hamilton@example.com", "Margaret Hamilton") == (
            "too_guessable"
        )
