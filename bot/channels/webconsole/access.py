"""Who is asking: the console's session cookie, its role re-checked, CSRF, security headers.

The cookie holds a random token; the session row (bot/desk/console_access.py) says whose it
is. A role is confirmed again at least every 5 minutes by asking the same gate the staff
commands use, so someone removed from the staff group or the admin list loses the console by
then. Every form carries the session's CSRF token; every response carries a
Content-Security-Policy that allows only the console's own files.
"""

from __future__ import annotations

import hmac
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.desk import console_access
from bot.storage.models import utcnow

COOKIE = "helpdesk_console"
LANGUAGE_COOKIE = "helpdesk_console_lang"
LOGIN_ATTEMPTS = 20  # failed link openings per address …
LOGIN_WINDOW = 600.0  # … in this many seconds, then 429 until the window passes

Roles = Callable[[int], Awaitable[str | None]]
"""A Telegram user's console role now: "admin", "staff", or None (no longer allowed)."""

SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        b"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),  # the login link's token never leaves in a Referer
    (b"cache-control", b"no-store"),
]


class SecurityHeaders:
    """Pure ASGI middleware: the headers above on every console response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers)


@dataclass(frozen=True)
class Viewer:
    """The signed-in person, as the pages need them."""

    user_id: str
    name: str
    role: str
    csrf: str
    token_hash: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class LoginLimiter:
    """Failed link openings per client address, in memory: guessing a 256-bit token is hopeless
    anyway; this keeps a flood of guesses from costing database work."""

    def __init__(self) -> None:
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, address: str) -> deque[float]:
        failures = self._failures.setdefault(address, deque())
        while failures and time.monotonic() - failures[0] > LOGIN_WINDOW:
            failures.popleft()
        return failures

    def blocked(self, address: str) -> bool:
        return len(self._recent(address)) >= LOGIN_ATTEMPTS

    def failed(self, address: str) -> None:
        self._recent(address).append(time.monotonic())


async def current_viewer(
    request: Request, sessions: async_sessionmaker[AsyncSession], roles: Roles
) -> Viewer | None:
    """The request's session, its role confirmed within the last 5 minutes; else None."""
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    now = utcnow()
    async with sessions() as session:
        found = await console_access.find_session(session, token, now)
        if found is None:
            return None
        viewer = Viewer(found.user_id, found.name, found.role, found.csrf, found.token_hash)
        fresh = now - found.checked_at < console_access.ROLE_RECHECK
    if fresh:
        return viewer
    role = await roles(int(viewer.user_id))  # may ask Telegram: outside any transaction
    async with sessions.begin() as session:
        if role is None:
            await console_access.end_sessions(session, viewer.user_id, now)
            return None
        stored = await console_access.find_session(session, token, now)
        if stored is None:
            return None
        stored.role, stored.checked_at = role, now
    return Viewer(viewer.user_id, viewer.name, role, viewer.csrf, viewer.token_hash)


def csrf_ok(viewer: Viewer, form_token: object) -> bool:
    return isinstance(form_token, str) and hmac.compare_digest(form_token, viewer.csrf)


def set_session_cookie(response: Response, token: str, secure: bool) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=int(console_access.SESSION_LIFETIME.total_seconds()),
        path="/console",
        httponly=True,
        samesite="lax",
        secure=secure,
    )
