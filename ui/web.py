"""The HTTP side of the app (`server.py` builds `st.App` from these): start-up checks, the sign-in
cookie routes, the security headers, and a clean first load of any page URL.

- Start-up: the settings and the cookie key are checked before the server listens; a bad one
  stops it with one readable line (`startup_problem`), not a traceback.
- Cookie: `/_ledger/session?claim=…` exchanges a one-minute claim (made by `ui.auth` after a
  sign-in) for the session cookie, set HttpOnly, SameSite=Strict, and Secure when the request
  came over HTTPS; `/_ledger/sign-out` drops it. Both answer with a 1×1 image.
- Headers on every response: CSP (no outside host, no inline script but Streamlit's own one,
  by hash), X-Frame-Options, nosniff, Referrer-Policy. The reverse proxy sets them too.
- First load: Streamlit's page discovery is switched to `st.navigation` before the first session
  (a fresh server would otherwise resolve the first URL against pages/ file names and log "page
  not found"), and each HTML page names the server's root as the backend, so the browser no
  longer probes `/<page>/_stcore/health` and `host-config` (two 404s) before `/_stcore/…`.
"""

from __future__ import annotations

import base64
import hashlib
import re
import sys
import threading
from collections.abc import Iterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from html import escape
from pathlib import Path
from urllib.parse import urlencode

import streamlit as st
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from core.access.session_tokens import CLAIM, SESSION, CookieKeyError, issue, read, usable_cookie_key
from core.settings import SettingsError, load_settings

COOKIE_NAME = "ledger_session"
SESSION_PATH = "_ledger/session"
SIGN_OUT_PATH = "_ledger/sign-out"
BASE_SCRIPT_PATH = "_ledger/base.js"
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
STREAMLIT_INDEX = Path(st.__file__).parent / "static" / "index.html"
# Paths served by Streamlit itself, never an HTML page of ours.
ASSET_PREFIXES = ("/_stcore/", "/static/", "/media/", "/component/", "/app/static/", "/_ledger/")

_claimed: dict[str, datetime] = {}
_claimed_lock = threading.Lock()


# ---------------------------------------------------------------- start-up

def configured_cookie_key() -> str:
    """The cookie key from secrets ([auth] cookie_key), checked; raises CookieKeyError."""
    try:
        configured = st.secrets["auth"]["cookie_key"]
    except (KeyError, FileNotFoundError, st.errors.StreamlitSecretNotFoundError):
        configured = None
    return usable_cookie_key(configured, demo=load_settings().demo)


def startup_problem() -> str | None:
    """Why the server must not start (bad setting, unusable cookie key), or None."""
    try:
        load_settings()
        configured_cookie_key()
    except (SettingsError, CookieKeyError) as exc:
        return str(exc)
    return None


def refuse_to_start_if_misconfigured() -> None:
    """Print the problem on one line and exit with status 2 (for `server.py`, before listening)."""
    problem = startup_problem()
    if problem:
        print(f"督察整改台账 will not start / 不能启动: {problem}", file=sys.stderr)
        raise SystemExit(2)


@asynccontextmanager
async def lifespan(_app) -> Iterator[dict]:
    """From the first request on, pages come from app.py's st.navigation only (not pages/)."""
    from streamlit.runtime.pages_manager import PagesManager
    PagesManager.uses_pages_directory = False
    yield {}


def on_script_error(exc: Exception) -> bool:
    """Any error a page did not handle: one line in the user's language instead of Streamlit's
    generic notice (showErrorDetails = "none" keeps the details out either way; they are logged)."""
    from sqlalchemy.exc import InterfaceError, OperationalError

    from ui.common import t
    key = "error.database" if isinstance(exc, (OperationalError, InterfaceError)) else "error.unexpected"
    st.error(t(key), icon=":material/error:")
    return True


# ---------------------------------------------------------------- the cookie routes

def image_tag(path: str, **params: str) -> str:
    """An invisible <img> fetching one of our routes, relative to the page (works under a prefix)."""
    query = f"?{urlencode(params)}" if params else ""
    return (f'<img src="./{escape(path)}{escape(query)}" alt="" width="1" height="1" '
            'style="position:absolute;opacity:0;pointer-events:none">')


def was_claimed(nonce: str) -> bool:
    """Whether the browser has fetched the cookie for this claim (in this process)."""
    with _claimed_lock:
        return nonce in _claimed


def _claim_once(nonce: str, now: datetime) -> bool:
    with _claimed_lock:
        for old in [n for n, at in _claimed.items() if at < now - timedelta(minutes=5)]:
            del _claimed[old]
        if nonce in _claimed:
            return False
        _claimed[nonce] = now
        return True


def _pixel(status: int = 200) -> Response:
    return Response(PIXEL, status_code=status, media_type="image/gif",
                    headers={"Cache-Control": "no-store"})


def _same_site(request: Request) -> bool:
    """A request our own page made (a cross-site page must not plant its own session here)."""
    return request.headers.get("sec-fetch-site") in (None, "same-origin")


async def session_route(request: Request) -> Response:
    """Exchange a valid, unused claim for the HttpOnly session cookie."""
    now = datetime.now()
    try:
        key = configured_cookie_key()
    except CookieKeyError:
        return _pixel(403)
    claims = read(key=key, token=request.query_params.get("claim"), kind=CLAIM, now=now)
    if claims is None or not _same_site(request) or not _claim_once(claims.nonce, now):
        return _pixel(403)
    lifetime = timedelta(days=load_settings().cookie_expiry_days)
    token = issue(key=key, username=claims.username, kind=SESSION, now=claims.issued_at,
                  lifetime=lifetime)
    response = _pixel()
    response.set_cookie(COOKIE_NAME, token, max_age=int(lifetime.total_seconds()), path="/",
                        secure=request.url.scheme == "https", httponly=True, samesite="strict")
    return response


async def sign_out_route(request: Request) -> Response:
    """Drop the session cookie (already refused server-side since the sign-out)."""
    response = _pixel()
    response.delete_cookie(COOKIE_NAME, path="/", secure=request.url.scheme == "https",
                           httponly=True, samesite="strict")
    return response


async def base_script_route(_request: Request) -> Response:
    """Tells Streamlit's frontend where the server's root is: the folder the page is in (pages
    are one level below it), so it connects there without probing the page's own URL first."""
    body = ('window.__streamlit = Object.assign({}, window.__streamlit, '
            '{BACKEND_BASE_URL: new URL(".", window.location.href).href});\n')
    return Response(body, media_type="text/javascript", headers={"Cache-Control": "no-cache"})


ROUTES = [Route(f"/{SESSION_PATH}", session_route), Route(f"/{SIGN_OUT_PATH}", sign_out_route),
          Route(f"/{BASE_SCRIPT_PATH}", base_script_route)]


# ---------------------------------------------------------------- headers and the HTML page

def _inline_script_hashes(index: Path = STREAMLIT_INDEX) -> list[str]:
    """CSP hashes of Streamlit's own inline scripts (index.html has one; no others are allowed)."""
    scripts = re.findall(r"<script>(.*?)</script>", index.read_text(encoding="utf-8"), re.S)
    return [f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'"
            for s in scripts]


def content_security_policy() -> str:
    """Only this origin: scripts (plus Streamlit's inline one, by hash; Vega compiles chart
    expressions, hence 'unsafe-eval'), styles (Streamlit's are inline), images, fonts, workers,
    the WebSocket. No framing by another site."""
    script = " ".join(["'self'", "'unsafe-eval'", *_inline_script_hashes()])
    return "; ".join([
        "default-src 'self'", f"script-src {script}", "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:", "font-src 'self' data:", "connect-src 'self'",
        "worker-src 'self' blob:", "frame-src 'self'", "frame-ancestors 'self'", "object-src 'none'",
        "base-uri 'self'", "form-action 'self'"])


class SecurityHeaders:
    """ASGI middleware: the headers above on every HTTP response; on HTML pages, the base script
    before Streamlit's own (pages are served uncompressed for that; they are 5 KB)."""

    def __init__(self, app):
        self.app = app
        self.headers = [(b"content-security-policy", content_security_policy().encode()),
                        (b"x-frame-options", b"SAMEORIGIN"), (b"x-content-type-options", b"nosniff"),
                        (b"referrer-policy", b"same-origin")]

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        page = scope["method"] == "GET" and not scope["path"].startswith(ASSET_PREFIXES)
        if page:
            scope = dict(scope, headers=[(k, v) for k, v in scope["headers"] if k != b"accept-encoding"])
        await self.app(scope, receive, _Sender(send, self.headers, page))


class _Sender:
    def __init__(self, send, headers, page: bool):
        self.send, self.extra, self.page = send, headers, page
        self.start = None
        self.body = b""

    async def __call__(self, message):
        if message["type"] == "http.response.start":
            names = {k.lower() for k, _ in message["headers"]}
            headers = list(message["headers"]) + [h for h in self.extra if h[0] not in names]
            self.start = dict(message, headers=headers)
            html = any(k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in headers)
            if not (self.page and html):
                self.page = False
                await self.send(self.start)
            return
        if not self.page:
            await self.send(message)
            return
        self.body += message.get("body", b"")
        if message.get("more_body"):
            return
        first = f'<script src="./{BASE_SCRIPT_PATH}"></script><script'.encode()
        body = self.body.replace(b"<script", first, 1)
        headers = [(k, v) for k, v in self.start["headers"] if k.lower() != b"content-length"]
        await self.send(dict(self.start, headers=headers + [(b"content-length", str(len(body)).encode())]))
        await self.send({"type": "http.response.body", "body": body})
