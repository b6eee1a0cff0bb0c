"""Pure logic: key formats, cursors, ids, key parsing, user tokens, If-Match."""

from __future__ import annotations

import time

import jwt
import pytest

from chalicelib import signed
from chalicelib.auth import (
    anonymous_id,
    hash_key,
    new_admin_key,
    new_publishable_key,
    parse_key,
    user_token_secret,
    verify_user_token,
)
from chalicelib.errors import PreconditionFailedError, UnauthenticatedError, ValidationFailedError
from chalicelib.ids import iso, new_id
from chalicelib.services.requests import parse_etag
from chalicelib.store import TOP_UNIT, Keys

SECRET = b"unit-test-secret-0123456789"


def test_every_tenant_key_starts_with_the_tenant_prefix() -> None:
    built = [
        Keys.tenant("acme")["pk"],
        Keys.admin_key("acme", "k1")["pk"],
        Keys.app("acme", "web")["pk"],
        Keys.request("acme", "web", "r1")["pk"],
        Keys.request("acme", "web", "r1", "ui")["pk"],
        Keys.status_list("acme", "web", "open"),
        Keys.status_list("acme", "web", "open", "ui"),
        Keys.vote("acme", "web", "r1", "u1")["pk"],
        Keys.comment("acme", "web", "r1", "c")["pk"],
        Keys.subscription("acme", "web", "r1", "u")["pk"],
        Keys.user("acme", "web", "u"),
        Keys.feedback("acme", "web", "f")["pk"],
        Keys.idempotency("acme", "web", "s")["pk"],
        Keys.rate("acme", "key:1", 5)["pk"],
    ]
    assert all(k.startswith("T#acme#") for k in built)


def test_tenant_prefixes_cannot_collide() -> None:
    """Ids are [a-z0-9-], so 'T#ab#' can never be a prefix of another tenant's keys."""
    assert not Keys.app("ab-c", "x")["pk"].startswith("T#ab#")


def test_top_sorts_by_votes_then_newest() -> None:
    older, newer = 1_700_000_000_000, 1_700_000_000_001
    assert Keys.top(2, older) > Keys.top(1, newer) > Keys.top(1, older) > Keys.top(0, newer)
    assert Keys.top(1, older) - Keys.top(0, older) == TOP_UNIT


def test_cursor_round_trip_and_binding() -> None:
    position = {"pk": {"S": "T#a#A#web#REQS"}, "sk": {"S": "R#01"}}
    token = signed.encode(SECRET, "ctx-1", position)
    assert signed.decode(SECRET, "ctx-1", token) == position
    for context, secret, cursor in (
        ("ctx-2", SECRET, token),
        ("ctx-1", b"other-secret", token),
        ("ctx-1", SECRET, token[:-3]),
        ("ctx-1", SECRET, "!!!"),
        ("ctx-1", SECRET, "x" * 3000),
        ("ctx-1", SECRET, ""),
    ):
        with pytest.raises(ValidationFailedError):
            signed.decode(secret, context, cursor)


def test_ids_sort_by_creation_time() -> None:
    ids = [new_id(ms) for ms in (1, 2, 1_700_000_000_000, 1_700_000_000_001)]
    assert ids == sorted(ids) and all(len(i) == 26 for i in ids)
    assert len({new_id(5) for _ in range(1000)}) == 1000


def test_iso_times_are_rfc3339_utc() -> None:
    assert iso(0) == "1970-01-01T00:00:00.000Z"
    assert iso(1_700_000_000_123) == "2023-11-14T22:13:20.123Z"


def test_generated_keys_parse_back_and_hash_stably() -> None:
    admin, key_id = new_admin_key("acme")
    parsed = parse_key(f"Bearer {admin}")
    assert (parsed.role, parsed.tenant, parsed.ident) == ("admin", "acme", key_id)
    pub = new_publishable_key("acme", "ios-app")
    parsed = parse_key(None, pub)
    assert (parsed.role, parsed.tenant, parsed.ident) == ("public", "acme", "ios-app")
    assert hash_key(pub) == hash_key(pub) != hash_key(admin)
    assert len({new_admin_key("acme")[0] for _ in range(100)}) == 100


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Token abc",
        "Bearer ",
        "Bearer fr_admin_",
        "Bearer fr_admin_Acme_k_s",
        "Bearer fr_pub_acme_web",
        "Bearer fr_other_acme_a_b",
    ],
)
def test_malformed_keys_are_unauthenticated(header: str | None) -> None:
    with pytest.raises(UnauthenticatedError):
        parse_key(header)


def test_user_tokens_need_the_right_secret_algorithm_and_time() -> None:
    secret = user_token_secret(SECRET, "acme", "web", "salt-1")
    assert secret != user_token_secret(SECRET, "acme", "web", "salt-2")
    good = jwt.encode({"sub": "u1", "name": "Ada", "exp": time.time() + 60}, secret, "HS256")
    assert verify_user_token(good, secret).id == "u1"
    bad = [
        jwt.encode({"sub": "u1", "exp": time.time() - 120}, secret, "HS256"),
        jwt.encode({"name": "no sub", "exp": time.time() + 60}, secret, "HS256"),
        jwt.encode({"sub": 5, "exp": time.time() + 60}, secret, "HS256"),
        jwt.encode({"sub": "u1"}, secret + "x", "HS256"),
        jwt.encode({"sub": "u1"}, None, "none"),
        "a.b.c",
    ]
    for token in bad:
        with pytest.raises(UnauthenticatedError):
            verify_user_token(token, secret)


def test_anonymous_ids_are_stable_per_address_and_app() -> None:
    a = anonymous_id(SECRET, "acme", "web", "1.2.3.4")
    assert a == anonymous_id(SECRET, "acme", "web", "1.2.3.4")
    assert a != anonymous_id(SECRET, "acme", "ios", "1.2.3.4")
    assert "1.2.3.4" not in a


@pytest.mark.parametrize(
    ("header", "version"), [('"4"', 4), ("4", 4), ('W/"4"', 4), ("*", None), (None, None)]
)
def test_if_match_forms(header: str | None, version: int | None) -> None:
    assert parse_etag(header) == version


@pytest.mark.parametrize("header", ["abc", '"4', "-1", "1" * 20])
def test_if_match_garbage_is_412(header: str) -> None:
    with pytest.raises(PreconditionFailedError):
        parse_etag(header)


def test_a_viewers_window_holds_their_held_comments_of_the_page_and_no_one_elses() -> None:
    """Page 2 holds comments after "02" up to "04": the viewer's reactions to them and held
    comment "03" are in the range; another user's, and those of other pages, are not."""
    pk, low, high = Keys.viewer_window("acme", "web", "r1", "u1", "02", "04")
    inside = [Keys.reactions("acme", "web", "r1", "u1", c)["sk"] for c in ("03", "04")]
    inside.append(Keys.held_comment("acme", "web", "r1", "u1", "03")["sk"])
    outside = [
        Keys.held_comment("acme", "web", "r1", u, c)["sk"]
        for u, c in (("u1", "05"), ("u1", "01"), ("u2", "03"), ("u10", "03"))
    ]
    assert all(low <= sk <= high for sk in inside)
    assert not any(low <= sk <= high for sk in outside)
    assert pk == Keys.comment("acme", "web", "r1", "03")["pk"]
    last = Keys.viewer_window("acme", "web", "r1", "u1", "04", None)
    assert last[1] <= Keys.held_comment("acme", "web", "r1", "u1", "05")["sk"] <= last[2]
