"""Who may use the web console: one-time links, and the sessions they start.

A link is made for one Telegram user (by /console in a private chat, or `helpdesk console
link`), lives 10 minutes and opens one session. Only SHA-256 hashes of the random tokens are
stored: a copy of the database lets nobody in. Data functions take the caller's session and
never commit, like the rest of the desk.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import ConsoleLink, ConsoleSession

LINK_LIFETIME = timedelta(minutes=10)
SESSION_LIFETIME = timedelta(hours=12)
ROLE_RECHECK = timedelta(minutes=5)  # a person removed from the staff group is out by then
ROLES = ("staff", "admin")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_link(session: AsyncSession, user_id: int, name: str, now: datetime) -> str:
    """A new one-time token for this user; the caller puts it into the link."""
    token = secrets.token_urlsafe(32)
    session.add(
        ConsoleLink(
            token_hash=token_hash(token),
            user_id=str(user_id),
            name=name[:128],
            created_at=now,
            expires_at=now + LINK_LIFETIME,
        )
    )
    return token


async def redeem_link(session: AsyncSession, token: str, now: datetime) -> ConsoleLink | None:
    """The link's row, marked used; None for an unknown, used or expired token. The row is
    locked, so two tabs opening the same link at once get one session between them."""
    link = await session.get(ConsoleLink, token_hash(token), with_for_update=True)
    if link is None or link.used_at is not None or link.expires_at <= now:
        return None
    link.used_at = now
    return link


def start_session(session: AsyncSession, user_id: str, name: str, role: str, now: datetime) -> str:
    """A new session for a user whose role was just confirmed; returns the cookie's token."""
    assert role in ROLES
    token = secrets.token_urlsafe(32)
    session.add(
        ConsoleSession(
            token_hash=token_hash(token),
            user_id=user_id,
            name=name[:128],
            role=role,
            csrf=secrets.token_urlsafe(24),
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
            checked_at=now,
        )
    )
    return token


async def find_session(session: AsyncSession, token: str, now: datetime) -> ConsoleSession | None:
    found = await session.get(ConsoleSession, token_hash(token))
    if found is None or found.ended_at is not None or found.expires_at <= now:
        return None
    return found


async def end_sessions(session: AsyncSession, user_id: str, now: datetime) -> None:
    """Every open session of this user ends (logout ends just its own, by the same path)."""
    await session.execute(
        update(ConsoleSession)
        .where(ConsoleSession.user_id == user_id, ConsoleSession.ended_at.is_(None))
        .values(ended_at=now)
    )
