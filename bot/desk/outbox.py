"""The outbox: what must reach a person, written in the transaction that caused it, then
delivered — leased, in order per chat, retried with backoff, sent once.

`enqueue` is the one way a row is written; its `Payload` encodes and decodes itself, so every
writer (flows, tickets, reminders, channels) and every reader (the channels' senders) agree.

A worker leases a row in a short transaction (so no lock is held during network I/O), sends
it, then records the platform's message id. Two workers never lease the same row: the lease
is a compare-and-set on next_attempt_at (and SKIP LOCKED on PostgreSQL keeps them apart).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.desk.messages import Attachment, Button, Reply
from bot.storage.models import OutboxMessage, utcnow

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
MAX_BACKOFF = timedelta(minutes=10)


@dataclass(frozen=True)
class Payload:
    """What one outbox row carries.

    `kind` says how a channel renders it: "reply" (text and buttons for a person), "card"
    (a ticket's card, drawn from the ticket when posted), "relay" (a teacher's message
    `message_id`, drawn from the ticket's messages), "notice" (a line for the staff).
    `human` marks a methodologist's own words (Messenger may send those for 7 days);
    `pieces_sent` is how much of a long text a channel already delivered.
    """

    text: str = ""
    buttons: tuple[tuple[Button, ...], ...] = ()
    menu: bool = False
    kind: str = "reply"
    attachment: Attachment | None = None
    human: bool = False
    message_id: int | None = None
    pieces_sent: int = 0
    language: str | None = None  # of the menu shown with a reply
    account_update: bool = False  # news about the person's own record (Messenger's tag)

    @classmethod
    def of(cls, reply: Reply) -> Payload:
        return cls(
            text=reply.text, buttons=reply.buttons, menu=reply.show_menu, language=reply.language
        )

    def reply(self) -> Reply:
        return Reply(self.text, self.buttons, show_menu=self.menu, language=self.language)

    def to_json(self) -> dict[str, Any]:
        encoded: dict[str, Any] = {
            "kind": self.kind,
            "text": self.text,
            "buttons": [[[b.label, b.action] for b in row] for row in self.buttons],
            "menu": self.menu,
        }
        if self.attachment is not None:
            encoded["attachment"] = {
                "kind": self.attachment.kind,
                "file_id": self.attachment.file_id,
            }
        if self.human:
            encoded["human"] = True
        if self.message_id is not None:
            encoded["message_id"] = self.message_id
        if self.pieces_sent:
            encoded["pieces_sent"] = self.pieces_sent
        if self.language:
            encoded["language"] = self.language
        if self.account_update:
            encoded["account_update"] = True
        return encoded

    @classmethod
    def from_json(cls, raw: Any) -> Payload:
        """Rows written by any version of the desk, read leniently: a row is never lost to a
        missing key."""
        raw = raw if isinstance(raw, dict) else {}
        attachment = raw.get("attachment")
        return cls(
            text=str(raw.get("text", "")),
            buttons=tuple(
                tuple(Button(str(label), str(action)) for label, action in row)
                for row in raw.get("buttons") or []
            ),
            menu=bool(raw.get("menu")),
            kind=str(raw.get("kind") or "reply"),
            attachment=(
                Attachment(str(attachment.get("kind")), str(attachment.get("file_id", "")))
                if isinstance(attachment, dict)
                else None
            ),
            human=bool(raw.get("human")),
            message_id=int(raw["message_id"]) if raw.get("message_id") is not None else None,
            pieces_sent=int(raw.get("pieces_sent") or 0),
            language=str(raw["language"]) if raw.get("language") else None,
            account_update=bool(raw.get("account_update")),
        )


def enqueue(
    session: AsyncSession,
    channel: str,
    chat_id: str,
    payload: Payload,
    *,
    ticket_id: int | None = None,
    now: datetime | None = None,
) -> OutboxMessage:
    """Write one row in the caller's transaction: it is sent if, and only if, that commits."""
    row = OutboxMessage(
        channel=channel,
        chat_id=chat_id,
        payload=payload.to_json(),
        ticket_id=ticket_id,
        next_attempt_at=now or utcnow(),
    )
    session.add(row)
    return row


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
