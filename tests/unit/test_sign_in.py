"""Sign-in link tokens: signed, expiring, tamper-evident (``bot.core.sign_in``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.core.sign_in import LINK_LIFETIME, SignInError, make_token, read_token

KEY = b"k" * 32
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_a_token_carries_its_grant_until_it_expires() -> None:
    token = make_token(KEY, guild_id=11, user_id=22, user_name="Zoë", now=NOW, owner=True)
    grant = read_token(KEY, token, now=NOW + LINK_LIFETIME - timedelta(seconds=1))
    assert (grant.guild_id, grant.user_id, grant.user_name, grant.owner) == (11, 22, "Zoë", True)
    assert grant.expires_at == NOW + LINK_LIFETIME
    with pytest.raises(SignInError, match="expired"):
        read_token(KEY, token, now=NOW + LINK_LIFETIME)


def test_two_tokens_for_the_same_person_differ() -> None:
    first = make_token(KEY, guild_id=1, user_id=2, user_name="a", now=NOW)
    assert first != make_token(KEY, guild_id=1, user_id=2, user_name="a", now=NOW)


@pytest.mark.parametrize("damage", [
    lambda t: t[:-2],
    lambda t: t.replace(".", "x.", 1),
    lambda t: "",
    lambda t: "no-dot-at-all",
    lambda t: t + "\u00e9",
])
def test_a_damaged_or_forged_token_is_refused(damage: object) -> None:
    token = make_token(KEY, guild_id=1, user_id=2, user_name="a", now=NOW)
    with pytest.raises(SignInError, match="not valid"):
        read_token(KEY, damage(token), now=NOW)  # type: ignore[operator]


def test_a_token_signed_with_another_key_is_refused() -> None:
    token = make_token(b"other", guild_id=1, user_id=2, user_name="a", now=NOW)
    with pytest.raises(SignInError, match="not valid"):
        read_token(KEY, token, now=NOW)


def test_the_time_must_be_timezone_aware() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        make_token(KEY, guild_id=1, user_id=2, user_name="a", now=datetime(2026, 3, 1))  # noqa: DTZ001
