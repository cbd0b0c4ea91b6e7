"""The escalation queue: tickets, their transitions, and the outbox rows they cause.

Data functions take the caller's session and never commit: the caller's transaction makes a
ticket change and the messages it causes land together, or not at all.
"""

from __future__ import annotations

import html
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.desk.messages import Button, Reply
from bot.i18n import _, use_language
from bot.storage.models import (
    OutboxMessage,
    Person,
    Ticket,
    TicketEvent,
    TicketMessage,
    utcnow,
)

OPEN, CLAIMED, CLOSED = "open", "claimed", "closed"
ACTIVE = (OPEN, CLAIMED)


class TicketError(ValueError):
    """A transition that is not allowed from the ticket's current state."""


def reply_payload(reply: Reply) -> dict[str, Any]:
    """A Reply as outbox JSON; channels render it when the row is delivered."""
    return {
        "text": reply.text,
        "buttons": [[[b.label, b.action] for b in row] for row in reply.buttons],
    }


def enqueue(
    session: AsyncSession,
    channel: str,
    chat_id: str,
    reply: Reply,
    ticket_id: int | None = None,
    now: datetime | None = None,
) -> OutboxMessage:
    row = OutboxMessage(
        channel=channel,
        chat_id=chat_id,
        payload=reply_payload(reply),
        ticket_id=ticket_id,
        next_attempt_at=now or utcnow(),
    )
    session.add(row)
    return row


async def active_ticket(session: AsyncSession, person_id: int) -> Ticket | None:
    return await session.scalar(
        select(Ticket)
        .where(Ticket.person_id == person_id, Ticket.status.in_(ACTIVE))
        .order_by(Ticket.id.desc())
        .limit(1)
    )


async def get_ticket(session: AsyncSession, ticket_id: int) -> Ticket | None:
    return await session.get(Ticket, ticket_id)


async def _event(session: AsyncSession, ticket: Ticket, action: str, actor: str) -> None:
    session.add(TicketEvent(ticket_id=ticket.id, action=action, actor=actor))


async def open_ticket(
    session: AsyncSession, person: Person, question: str, context: dict[str, Any]
) -> Ticket:
    """The person's active ticket with the question added, or a new one if none is active."""
    ticket = await active_ticket(session, person.id)
    if ticket is None:
        ticket = Ticket(
            person_id=person.id,
            language=person.language or "mn",
            cohort=person.cohort,
            context=context,
        )
        session.add(ticket)
        await session.flush()
        await _event(session, ticket, "opened", f"{person.channel}:{person.external_id}")
    if question:
        await add_message(session, ticket, "teacher", person.display_name, question)
    return ticket


async def add_message(
    session: AsyncSession,
    ticket: Ticket,
    author: str,
    author_name: str,
    text: str,
    internal: bool = False,
) -> TicketMessage:
    message = TicketMessage(
        ticket_id=ticket.id, author=author, author_name=author_name, text=text, internal=internal
    )
    session.add(message)
    ticket.updated_at = utcnow()
    return message


async def queue_position(session: AsyncSession, ticket: Ticket) -> int:
    """1 for the oldest unclaimed ticket; a claimed ticket is being answered (0)."""
    if ticket.status != OPEN:
        return 0
    ahead = await session.scalar(
        select(func.count())
        .select_from(Ticket)
        .where(Ticket.status == OPEN, Ticket.id < ticket.id)
    )
    return int(ahead or 0) + 1


async def claim(session: AsyncSession, ticket: Ticket, actor: str) -> None:
    if ticket.status != OPEN:
        raise TicketError(f"ticket {ticket.id} is {ticket.status}")
    ticket.status, ticket.claimed_by = CLAIMED, actor
    await _event(session, ticket, "claimed", actor)


async def close(session: AsyncSession, ticket: Ticket, actor: str) -> None:
    if ticket.status == CLOSED:
        raise TicketError(f"ticket {ticket.id} is already closed")
    ticket.status, ticket.closed_at = CLOSED, utcnow()
    await _event(session, ticket, "closed", actor)


async def reopen(session: AsyncSession, ticket: Ticket, actor: str) -> None:
    if ticket.status != CLOSED:
        raise TicketError(f"ticket {ticket.id} is {ticket.status}")
    other = await active_ticket(session, ticket.person_id)
    if other is not None:
        raise TicketError(f"the teacher already has ticket {other.id} open")
    ticket.status, ticket.closed_at, ticket.claimed_by = OPEN, None, None
    await _event(session, ticket, "reopened", actor)


async def list_tickets(session: AsyncSession, include_closed: bool = False) -> list[Ticket]:
    query = select(Ticket).order_by(Ticket.id)
    if not include_closed:
        query = query.where(Ticket.status.in_(ACTIVE))
    return list(await session.scalars(query))


async def messages_of(session: AsyncSession, ticket_id: int) -> list[TicketMessage]:
    return list(
        await session.scalars(
            select(TicketMessage)
            .where(TicketMessage.ticket_id == ticket_id)
            .order_by(TicketMessage.id)
        )
    )


async def staff_reply(
    session: AsyncSession, ticket: Ticket, person: Person, staff_name: str, text: str
) -> None:
    """A methodologist's answer, queued for the teacher in the same transaction."""
    if ticket.status == CLOSED:
        raise TicketError(f"ticket {ticket.id} is closed; reopen it first")
    await add_message(session, ticket, "staff", staff_name, text)
    if ticket.status == OPEN:
        await claim(session, ticket, staff_name)
    with use_language(ticket.language):
        body = _("<b>{name}</b> (methodologist), ticket #{number}:").format(
            name=html.escape(staff_name), number=ticket.id
        )
    enqueue(
        session,
        person.channel,
        person.chat_id,
        Reply(f"{body}\n{html.escape(text)}"),
        ticket_id=ticket.id,
    )


async def close_and_ask_rating(
    session: AsyncSession, ticket: Ticket, person: Person, actor: str
) -> None:
    await close(session, ticket, actor)
    with use_language(ticket.language):
        text = _(
            "Your request #{number} is closed. How satisfied are you with the help? "
            "1 – not at all, 5 – very."
        ).format(number=ticket.id)
    rating = tuple(Button(str(n), f"csat:{ticket.id}:{n}") for n in range(1, 6))
    enqueue(session, person.channel, person.chat_id, Reply(text, (rating,)), ticket_id=ticket.id)
