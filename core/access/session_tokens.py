"""Signed session tokens and the key that signs them. No Streamlit here.

A token is a JWT (PyJWT, HS256 with the cookie key, no other algorithm accepted). Its claims name
the user, the kind of token and when it was issued and expires, in microseconds since the epoch
(so a sign-in right after a sign-out is not mistaken for an older one) and checked against the
caller's clock (`now`), not PyJWT's, so that tests and the server agree on time. Two kinds:
`session` (the sign-in cookie, set HttpOnly by the server) and `claim` (short-lived, handed to
the browser once, exchanged for the cookie). Whether a valid token still counts (the account is
active, not signed out since) is decided by core.access.users.user_for_cookie.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt
from jwt.warnings import InsecureKeyLengthWarning

from core.errors import LedgerError
from core.messages import say

SESSION, CLAIM = "session", "claim"
MIN_KEY_BYTES = 32
# Demo mode only: a fixed key, so demo cookies survive a restart. Never accepted outside demo mode.
DEMO_COOKIE_KEY = "demo-mode-cookie-key-not-a-secret-at-all"
MAX_TOKEN_LENGTH = 1000


class CookieKeyError(LedgerError):
    """The configured cookie key cannot be used; the message says what to do."""


def usable_cookie_key(key: str | None, *, demo: bool) -> str:
    """The key to sign with: in demo mode the demo key when none is set; otherwise the configured
    key, which must be at least MIN_KEY_BYTES bytes and not the demo key. Raises CookieKeyError."""
    key = key if isinstance(key, str) else None
    if demo:
        return key or DEMO_COOKIE_KEY
    if not key or not key.strip():
        raise CookieKeyError(say("err.cookie_key_missing"))
    if key == DEMO_COOKIE_KEY:
        raise CookieKeyError(say("err.cookie_key_demo"))
    if len(key.encode()) < MIN_KEY_BYTES:
        raise CookieKeyError(say("err.cookie_key_short", n=MIN_KEY_BYTES, length=len(key.encode())))
    return key


@dataclass(frozen=True)
class TokenClaims:
    username: str
    kind: str
    issued_at: datetime
    nonce: str = ""


def _micros(when: datetime) -> int:
    return round(when.timestamp() * 1_000_000)


ALGORITHM = "HS256"
# The key's length is this module's rule (usable_cookie_key: 32 bytes outside demo mode, where a
# short key is allowed on purpose); PyJWT's warning would repeat on every page run.
warnings.filterwarnings("ignore", category=InsecureKeyLengthWarning)
CLAIMS = ("sub", "kind", "iat_us", "exp_us", "n")


def issue(*, key: str, username: str, kind: str, now: datetime, lifetime: timedelta,
          nonce: str = "") -> str:
    """A signed token of `kind` for `username`, valid from `now` for `lifetime`."""
    claims = {"sub": username, "kind": kind, "iat_us": _micros(now), "exp_us": _micros(now + lifetime),
              "n": nonce}
    return jwt.encode(claims, key, algorithm=ALGORITHM)


def read(*, key: str, token: str | None, kind: str, now: datetime) -> TokenClaims | None:
    """The claims of a token signed with `key`, of `kind` and not expired at `now`; else None
    (whatever the input: a forged, truncated or foreign token is just not a token)."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        body = jwt.decode(token, key, algorithms=[ALGORITHM],
                          options={"require": list(CLAIMS), "verify_exp": False, "verify_iat": False,
                                   "verify_nbf": False})
        expires, issued = int(body["exp_us"]), int(body["iat_us"])
        claims = TokenClaims(str(body["sub"]), str(body["kind"]),
                             datetime.fromtimestamp(issued / 1_000_000), str(body["n"]))
    except (jwt.InvalidTokenError, ValueError, TypeError, OverflowError, OSError):
        return None
    if claims.kind != kind or _micros(now) >= expires:
        return None
    return claims
