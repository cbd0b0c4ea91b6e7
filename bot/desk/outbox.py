"""Delivery of outbox rows: leased, in order per chat, retried with backoff, sent once.

A worker leases a row in a short transaction (so no lock is held during network I/O), sends
it, then records the platform's message id. Two workers never lease the same row: the lease
is a compare-and-set on next_attempt_at (and SKIP LOCKED on PostgreSQL keeps them apart).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.storage.models import OutboxMessage, utcnow

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
MAX_BACKOFF = timedelta(minutes=10)


@dataclass(frozen=True)
class Delivered:
    message_id: str


@dataclass(frozen=True)
class RetryLater:
    reason: str
    after: timedelta | None = None  # the platform's own retry_after, when it gave one


@dataclass(frozen=True)
class GiveUp:
    reason: str  # permanent: blocked by the user, chat gone, token revoked


Outcome = Delivered | RetryLater | GiveUp
Sender = Callable[[OutboxMessage], Awaitable[Outcome]]
GaveUpHook = Callable[[AsyncSession, OutboxMessage, str], Awaitable[None]]


def backoff(attempts: int) -> timedelta:
    return min(timedelta(seconds=2 ** min(attempts, 10)), MAX_BACKOFF)


async def lease_due(
    sessions: async_sessionmaker[AsyncSession],
    channels: tuple[str, ...],
    now: datetime,
    limit: int = 50,
    chat_id: str | None = None,
) -> list[OutboxMessage]:
    """The due rows that are first in line for their chat, leased to this worker."""
    pending = and_(OutboxMessage.sent_at.is_(None), OutboxMessage.dead.is_(False))
    if chat_id is not None:
        pending = and_(pending, OutboxMessage.chat_id == chat_id)
    first_per_chat = (
        select(func.min(OutboxMessage.id))
        .where(pending, OutboxMessage.channel.in_(channels))
        .group_by(OutboxMessage.channel, OutboxMessage.chat_id)
    )
    async with sessions.begin() as session:
        rows = list(
            await session.scalars(
                select(OutboxMessage)
                .where(
                    OutboxMessage.id.in_(first_per_chat),
                    OutboxMessage.next_attempt_at <= now,
                )
                .order_by(OutboxMessage.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        leased = []
        for row in rows:
            claimed = await session.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.id == row.id,
                    OutboxMessage.next_attempt_at == row.next_attempt_at,
                    OutboxMessage.sent_at.is_(None),
                )
                .values(next_attempt_at=now + LEASE, attempts=OutboxMessage.attempts + 1)
            )
            if claimed.rowcount == 1:  # type: ignore[attr-defined]
                leased.append(row)
    return leased


async def deliver_due(
    sessions: async_sessionmaker[AsyncSession],
    channels: tuple[str, ...],
    send: Sender,
    now: datetime | None = None,
    on_give_up: GaveUpHook | None = None,
    chat_id: str | None = None,
) -> int:
    """Send what is due; returns how many rows were delivered."""
    now = now or utcnow()
    delivered = 0
    for row in await lease_due(sessions, channels, now, chat_id=chat_id):
        outcome = await send(row)
        async with sessions.begin() as session:
            current = await session.get(OutboxMessage, row.id)
            if current is None or current.sent_at is not None:
                continue
            match outcome:
                case Delivered(message_id):
                    current.sent_at, current.sent_message_id = utcnow(), message_id
                    delivered += 1
                case RetryLater(reason, after):
                    current.next_attempt_at = utcnow() + (after or backoff(current.attempts))
                    current.last_error = reason[:255]
                case GiveUp(reason):
                    current.dead, current.last_error = True, reason[:255]
                    log.warning("outbox row %s given up: %s", current.id, reason)
                    if on_give_up is not None:
                        await on_give_up(session, current, reason)
    return delivered
