"""Signed session tokens and the key that signs them. No Streamlit here.

A token is `payload.signature`: the payload names the user, the kind of token and when it was
issued and expires (microseconds since the epoch, so a sign-in right after a sign-out is not
mistaken for an older one); the signature is HMAC-SHA256 with the cookie key. Two kinds:
`session` (the sign-in cookie, set HttpOnly by the server) and `claim` (short-lived, handed to
the browser once, exchanged for the cookie). Whether a valid token still counts (the account is
active, not signed out since) is decided by core.access.users.user_for_cookie.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

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


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(key: str, payload: str) -> str:
    return _b64(hmac.new(key.encode(), payload.encode(), hashlib.sha256).digest())


def issue(*, key: str, username: str, kind: str, now: datetime, lifetime: timedelta,
          nonce: str = "") -> str:
    """A signed token of `kind` for `username`, valid from `now` for `lifetime`."""
    body = {"u": username, "k": kind, "iat": _micros(now), "exp": _micros(now + lifetime), "n": nonce}
    payload = _b64(json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode())
    return f"{payload}.{_sign(key, payload)}"


def read(*, key: str, token: str | None, kind: str, now: datetime) -> TokenClaims | None:
    """The claims of a token signed with `key`, of `kind` and not expired at `now`; else None
    (whatever the input: a forged, truncated or foreign token is just not a token)."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH or token.count(".") != 1:
        return None
    payload, signature = token.split(".")
    if not hmac.compare_digest(_sign(key, payload), signature):
        return None
    try:
        body = json.loads(_unb64(payload))
        expires, issued = int(body["exp"]), int(body["iat"])
        claims = TokenClaims(str(body["u"]), str(body["k"]),
                             datetime.fromtimestamp(issued / 1_000_000), str(body.get("n", "")))
    except (ValueError, KeyError, TypeError, OverflowError, OSError):
        return None
    if claims.kind != kind or _micros(now) >= expires:
        return None
    return claims
