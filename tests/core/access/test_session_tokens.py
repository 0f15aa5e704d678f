"""The cookie key is refused unless strong outside demo mode; tokens cannot be forged or reused
across kinds, keys or expiry."""

import warnings
from datetime import datetime, timedelta

import jwt
import pytest

from core.access.session_tokens import (
    CLAIM,
    DEMO_COOKIE_KEY,
    SESSION,
    CookieKeyError,
    issue,
    read,
    usable_cookie_key,
)

KEY = "k" * 40
NOW = datetime(2026, 11, 26, 9, 0, 0, 123456)


@pytest.mark.parametrize("key, says", [
    (None, "cookie_key"), ("", "cookie_key"), ("   ", "cookie_key"),
    ("changeme", "8 字节"), ("x" * 31, "31 字节"), (DEMO_COOKIE_KEY, "演示"),
    ("密" * 10, "30 字节"),   # bytes, not characters
])
def test_a_weak_or_missing_key_is_refused_outside_demo_mode(key, says):
    with pytest.raises(CookieKeyError) as exc:
        usable_cookie_key(key, demo=False)
    assert says in str(exc.value)


def test_a_strong_key_is_used_and_demo_mode_has_a_default():
    assert usable_cookie_key("s" * 32, demo=False) == "s" * 32
    assert usable_cookie_key(None, demo=True) == DEMO_COOKIE_KEY
    assert usable_cookie_key("changeme", demo=True) == "changeme"


def test_a_token_reads_back_with_its_issue_time_to_the_microsecond():
    token = issue(key=KEY, username="张三", kind=SESSION, now=NOW, lifetime=timedelta(hours=1))
    claims = read(key=KEY, token=token, kind=SESSION, now=NOW + timedelta(minutes=59))
    assert (claims.username, claims.issued_at) == ("张三", NOW)


@pytest.mark.parametrize("case", ["other key", "expired", "other kind", "tampered", "garbage", "unsigned",
                                  "other algorithm", "none"])
def test_a_token_that_is_not_ours_is_not_read(case):
    token = issue(key=KEY, username="admin", kind=CLAIM, now=NOW, lifetime=timedelta(minutes=1))
    key, kind, when = KEY, CLAIM, NOW
    if case == "other key":
        key = "o" * 40
    elif case == "expired":
        when = NOW + timedelta(minutes=1)
    elif case == "other kind":
        kind = SESSION
    elif case == "tampered":
        header, payload, sig = token.split(".")
        token = ".".join((header, payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1], sig))
    elif case == "garbage":
        token = "a.b.c"
    elif case == "unsigned":              # alg "none": PyJWT must not take it for ours
        token = jwt.encode(jwt.decode(token, options={"verify_signature": False}), key=None,
                           algorithm="none")
    elif case == "other algorithm":       # the same key, HS512: only HS256 is accepted
        with warnings.catch_warnings():   # PyJWT: a 40-byte key is short for HS512
            warnings.simplefilter("ignore")
            token = jwt.encode(jwt.decode(token, options={"verify_signature": False}), KEY,
                               algorithm="HS512")
    else:
        token = None
    assert read(key=key, token=token, kind=kind, now=when) is None
