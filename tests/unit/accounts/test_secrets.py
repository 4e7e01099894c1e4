"""Passwords are argon2id hashes that verify only the right password; tokens are random and
stored as digests; the CSRF token belongs to one session."""

from __future__ import annotations

import pytest

from callroom.accounts.passwords import hash_password, password_problem, verify_password
from callroom.accounts.tokens import API_TOKEN_PREFIX, csrf_for, digest, new_token, same


def test_a_password_hash_is_argon2id_and_verifies_only_the_right_password() -> None:
    stored = hash_password("correct horse battery")

    assert stored.startswith("$argon2id$")
    assert "correct horse" not in stored
    assert verify_password(stored, "correct horse battery")
    assert not verify_password(stored, "correct horse batterY")


def test_the_same_password_hashes_differently_each_time() -> None:
    assert hash_password("correct horse battery") != hash_password("correct horse battery")


@pytest.mark.parametrize("stored", [None, "", "not-a-hash", "$argon2id$v=19$m=1,t=1,p=1$broken"])
def test_a_missing_or_broken_hash_verifies_nothing(stored: str | None) -> None:
    assert not verify_password(stored, "anything at all")


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short", "a password has 10 to 200 characters"),
        (" leading space here", "a password may not start or end with spaces"),
        ("x" * 201, "a password has 10 to 200 characters"),
        ("long enough password", None),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(password: str, problem: str | None) -> None:
    assert password_problem(password) == problem


def test_tokens_are_random_and_an_api_token_says_what_it_is() -> None:
    tokens = {new_token() for _ in range(100)}

    assert len(tokens) == 100
    assert all(len(t) >= 43 for t in tokens)
    assert new_token(API_TOKEN_PREFIX).startswith("cr_")


def test_a_digest_is_the_sha256_of_the_token() -> None:
    assert digest("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_the_csrf_token_is_tied_to_its_session() -> None:
    one, other = new_token(), new_token()

    assert same(csrf_for(one), csrf_for(one))
    assert not same(csrf_for(one), csrf_for(other))
    assert not same(None, csrf_for(one))
    assert csrf_for(one) != one


def test_the_idle_timeout_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from callroom.config import Settings

    monkeypatch.setenv("CALLROOM_SESSION_IDLE_MINUTES", "5")

    assert Settings().session_idle_minutes == 5
    assert Settings(session_idle_minutes=30).session_idle_minutes == 30
