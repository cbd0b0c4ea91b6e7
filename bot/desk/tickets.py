"""The escalation queue: tickets, their transitions, and the outbox rows they cause.

Data functions take the caller's session and never commit: the caller's transaction makes a
ticket change and the messages it causes land together, or not at all. Messages for the staff
go to the outbox as channel STAFF_CHANNEL; a staff channel adapter renders and posts them.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.desk.messages import Attachment, Button
from bot.desk.outbox import GaveUpHook, Payload, enqueue
from bot.i18n import N_, _, use_language
from bot.storage.models import (
    Conversation,
    FaqSuggestion,
    MessageLog,
    OutboxMessage,
    Person,
    Ticket,
    TicketEvent,
    TicketMessage,
    utcnow,
)


class Status(StrEnum):
    """A ticket's status (stored as its value)."""

    OPEN = "open"  # waiting for a methodologist
    CLAIMED = "claimed"  # a methodologist answers it
    CLOSED = "closed"  # closed by staff, by the teacher, or for idleness

    @property
    def label(self) -> str:
        return _(STATUS_LABELS[self])


STATUS_LABELS = {
    Status.OPEN: N_("open"),
    Status.CLAIMED: N_("claimed"),
    Status.CLOSED: N_("closed"),
}
OPEN, CLAIMED, CLOSED = Status.OPEN, Status.CLAIMED, Status.CLOSED
ACTIVE = (OPEN, CLAIMED)
STAFF_CHANNEL = "staff"
RATING_STATE = "escalation.rating"
"""The teacher's dialogue state once their ticket closes: a typed "5" is the rating."""


class TicketError(ValueError):
    """A transition that is not allowed from the ticket's current state."""


# ---- the outbox ------------------------------------------------------------------------------


def to_teacher(session: AsyncSession, person: Person, ticket: Ticket, payload: Payload) -> None:
    enqueue(session, person.channel, person.chat_id, payload, ticket_id=ticket.id)


def to_staff(
    session: AsyncSession, staff_chat: str | None, ticket: Ticket, payload: Payload
) -> None:
    """A row for the staff group (a card, a relayed message, a notice); none without one."""
    if staff_chat is not None:
        enqueue(session, STAFF_CHANNEL, staff_chat, payload, ticket_id=ticket.id)


def notice(session: AsyncSession, staff_chat: str | None, ticket: Ticket, text: str) -> None:
    to_staff(session, staff_chat, ticket, Payload(kind="notice", text=text))


# ---- reading -------------------------------------------------------------------------------


_ACTIVE_TICKET = (  # asked on every turn: built once (see bot/storage/people.py)
    select(Ticket)
    .where(Ticket.person_id == bindparam("person"), Ticket.status.in_(ACTIVE))
    .order_by(Ticket.id.desc())
    .limit(1)
)


async def active_ticket(session: AsyncSession, person_id: int) -> Ticket | None:
    return await session.scalar(_ACTIVE_TICKET, {"person": person_id})


async def get_ticket(session: AsyncSession, ticket_id: int) -> Ticket | None:
    return await session.get(Ticket, ticket_id)


async def locked_ticket(session: AsyncSession, number: int) -> Ticket | None:
    """The ticket, its row locked until the transaction ends: two instances (or the staff
    group and the web console) acting on it at once take turns, and the second sees what the
    first did (one claim wins)."""
    return await session.get(Ticket, number, with_for_update=True)


async def channels_and_names(
    session: AsyncSession, person_ids: set[int]
) -> dict[int, tuple[str, str]]:
    """Person id → (channel, display name), for a page of the queue."""
    rows = await session.execute(
        select(Person.id, Person.channel, Person.display_name).where(Person.id.in_(person_ids))
    )
    return {person_id: (channel, name) for person_id, channel, name in rows}


async def channels_in_use(session: AsyncSession) -> list[str]:
    return sorted(await session.scalars(select(Person.channel).distinct()))


async def person_of(session: AsyncSession, ticket: Ticket) -> Person:
    person = await session.get(Person, ticket.person_id)
    assert person is not None, "a ticket always has its person"
    return person


async def list_tickets(
    session: AsyncSession,
    include_closed: bool = False,
    owner_id: str | None = None,
    owner_name: str | None = None,
) -> list[Ticket]:
    query = select(Ticket).order_by(Ticket.id)
    if not include_closed:
        query = query.where(Ticket.status.in_(ACTIVE))
    if owner_id is not None:
        query = query.where(Ticket.claimed_by_id == owner_id)
    if owner_name is not None:
        query = query.where(Ticket.claimed_by == owner_name)
    return list(await session.scalars(query))


@dataclass(frozen=True)
class TicketQuery:
    """The web console's queue filters; empty fields do not filter."""

    status: str = ""  # a Status value, or "" for every status
    cohort: int | None = None
    channel: str = ""
    claimed_by_id: str = ""
    text: str = ""  # words anywhere in the ticket's conversation, any letter case
    opened_from: datetime | None = None  # opened at or after
    opened_before: datetime | None = None
    page: int = 1


QUEUE_PAGE = 50
WAITING = "waiting"
"""Not a stored status: a claimed ticket whose latest message is the staff's, waiting for the
teacher (the queue's filter and badge)."""


def _answered_last() -> Any:
    """Ids of tickets whose latest message (internal notes aside) is a methodologist's."""
    latest = (
        select(func.max(TicketMessage.id))
        .where(TicketMessage.internal.is_(False))
        .group_by(TicketMessage.ticket_id)
    )
    return select(TicketMessage.ticket_id).where(
        TicketMessage.id.in_(latest), TicketMessage.author == "staff"
    )


async def waiting_among(session: AsyncSession, ticket_ids: list[int]) -> set[int]:
    """Which of these tickets wait for their teacher."""
    rows = await session.scalars(
        select(Ticket.id).where(
            Ticket.id.in_(ticket_ids), Ticket.status == CLAIMED, Ticket.id.in_(_answered_last())
        )
    )
    return set(rows)


async def assignees(session: AsyncSession) -> list[tuple[str, str]]:
    """(id, name) of everyone who has claimed a ticket, for the queue's filter."""
    rows = await session.execute(
        select(Ticket.claimed_by_id, func.max(Ticket.claimed_by))
        .where(Ticket.claimed_by_id.is_not(None))
        .group_by(Ticket.claimed_by_id)
    )
    return sorted(((str(who), str(name or who)) for who, name in rows), key=lambda r: r[1])


async def find_tickets(session: AsyncSession, query: TicketQuery) -> tuple[list[Ticket], int]:
    """One page of matching tickets, newest first, and how many match in all. Text matches
    case-insensitively in Cyrillic too (SQLite's lower() is given Unicode folding in db.py)."""
    found = select(Ticket)
    if query.status == WAITING:
        found = found.where(Ticket.status == CLAIMED, Ticket.id.in_(_answered_last()))
    elif query.status:
        found = found.where(Ticket.status == query.status)
    if query.cohort is not None:
        found = found.where(Ticket.cohort == query.cohort)
    if query.channel:
        found = found.where(
            Ticket.person_id.in_(select(Person.id).where(Person.channel == query.channel))
        )
    if query.claimed_by_id:
        found = found.where(Ticket.claimed_by_id == query.claimed_by_id)
    if query.opened_from is not None:
        found = found.where(Ticket.created_at >= query.opened_from)
    if query.opened_before is not None:
        found = found.where(Ticket.created_at < query.opened_before)
    if query.text.strip():
        wanted = query.text.strip().lower()
        words = func.lower(TicketMessage.text).contains(wanted, autoescape=True)
        found = found.where(Ticket.id.in_(select(TicketMessage.ticket_id).where(words)))
    total = await session.scalar(select(func.count()).select_from(found.subquery())) or 0
    page = (
        found.order_by(Ticket.id.desc())
        .limit(QUEUE_PAGE)
        .offset((max(query.page, 1) - 1) * QUEUE_PAGE)
    )
    return list(await session.scalars(page)), total


async def messages_of(session: AsyncSession, ticket_id: int) -> list[TicketMessage]:
    return list(
        await session.scalars(
            select(TicketMessage)
            .where(TicketMessage.ticket_id == ticket_id)
            .order_by(TicketMessage.id)
        )
    )


async def before_ticket(
    session: AsyncSession, ticket: Ticket, limit: int = 10
) -> list[MessageLog]:
    """The teacher's last exchanges with the bot up to the ticket's opening, oldest first: what
    they asked and what the bot answered before asking for a person."""
    rows = await session.scalars(
        select(MessageLog)
        .where(
            MessageLog.person_id == ticket.person_id, MessageLog.created_at <= ticket.created_at
        )
        .order_by(MessageLog.id.desc())
        .limit(limit)
    )
    return list(reversed(list(rows)))


async def ticket_by_staff_message(session: AsyncSession, message_id: int) -> Ticket | None:
    """The ticket whose card, or relayed teacher message, a staff reply answers."""
    ticket = await session.scalar(select(Ticket).where(Ticket.staff_card_message_id == message_id))
    if ticket is not None:
        return ticket
    return await session.scalar(
        select(Ticket)
        .join(TicketMessage, TicketMessage.ticket_id == Ticket.id)
        .where(TicketMessage.staff_message_id == message_id)
    )


async def ticket_by_thread(session: AsyncSession, thread_id: int) -> Ticket | None:
    return await session.scalar(select(Ticket).where(Ticket.staff_thread_id == thread_id))


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


# ---- transitions ---------------------------------------------------------------------------


def _event(session: AsyncSession, ticket: Ticket, action: str, actor: str) -> None:
    session.add(TicketEvent(ticket_id=ticket.id, action=action, actor=actor))


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
    await session.flush()
    ticket.updated_at = utcnow()
    return message


async def open_ticket(
    session: AsyncSession,
    person: Person,
    question: str,
    context: dict[str, Any],
    staff_chat: str | None,
) -> Ticket:
    """The person's active ticket with the question added, or a new one with its card."""
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
        _event(session, ticket, "opened", f"{person.channel}:{person.external_id}")
        if question:
            await add_message(session, ticket, "teacher", person.display_name, question)
        to_staff(session, staff_chat, ticket, Payload(kind="card"))
    elif question:
        await add_teacher_message(session, ticket, person, question, staff_chat)
    return ticket


async def add_teacher_message(
    session: AsyncSession,
    ticket: Ticket,
    person: Person,
    text: str,
    staff_chat: str | None,
    attachment: Attachment | None = None,
) -> None:
    """A follow-up from the teacher, relayed to wherever the staff work on the ticket."""
    message = await add_message(session, ticket, "teacher", person.display_name, text)
    payload = Payload(kind="relay", message_id=message.id, attachment=attachment)
    to_staff(session, staff_chat, ticket, payload)


async def claim(
    session: AsyncSession,
    ticket: Ticket,
    actor: str,
    staff_chat: str | None = None,
    actor_id: str | None = None,
) -> None:
    if ticket.status != OPEN:
        owner = f" ({html.escape(ticket.claimed_by)})" if ticket.claimed_by else ""
        raise TicketError(
            _("Ticket #{number} is already {status}{owner}.").format(
                number=ticket.id, status=Status(ticket.status).label, owner=owner
            )
        )
    ticket.status, ticket.claimed_by, ticket.claimed_by_id = CLAIMED, actor, actor_id
    _event(session, ticket, "claimed", actor)
    if ticket.staff_card_message_id is None and ticket.staff_thread_id is None:
        # Announced in a digest (or its card never went out): the card follows now, so the
        # staff have the whole request and a message to reply to.
        to_staff(session, staff_chat, ticket, Payload(kind="card"))
    notice(
        session,
        staff_chat,
        ticket,
        _("Ticket #{number} was claimed by {name}.").format(
            number=ticket.id, name=html.escape(actor)
        ),
    )


async def staff_reply(
    session: AsyncSession,
    ticket: Ticket,
    staff_name: str,
    text: str,
    attachment: Attachment | None = None,
    staff_id: str | None = None,
) -> None:
    """A methodologist's answer, queued for the teacher in the same transaction."""
    if ticket.status == CLOSED:
        raise TicketError(
            _("Ticket #{number} is closed; reopen it first.").format(number=ticket.id)
        )
    person = await person_of(session, ticket)
    await add_message(session, ticket, "staff", staff_name, text)
    if ticket.status == OPEN:
        ticket.status, ticket.claimed_by, ticket.claimed_by_id = CLAIMED, staff_name, staff_id
        _event(session, ticket, "claimed", staff_name)
    with use_language(ticket.language):
        role = _("methodologist")
        if staff_name.strip().casefold() in (role.casefold(), "арга зүйч", "methodologist"):
            # the name is the role already: "Арга зүйч (арга зүйч)" would say it twice
            signature = _("<b>{name}</b>, request #{number}:").format(
                name=html.escape(staff_name), number=ticket.id
            )
        else:
            signature = _("<b>{name}</b> (methodologist), request #{number}:").format(
                name=html.escape(staff_name), number=ticket.id
            )
    body = f"{signature}\n{html.escape(text)}" if text else signature
    # "human": written by a person, which some platforms let through after their window.
    to_teacher(session, person, ticket, Payload(text=body, human=True, attachment=attachment))


async def internal_note(session: AsyncSession, ticket: Ticket, staff_name: str, text: str) -> None:
    await add_message(session, ticket, "staff", staff_name, text, internal=True)


async def close(
    session: AsyncSession,
    ticket: Ticket,
    actor: str,
    staff_chat: str | None = None,
    reason: str | None = None,
) -> None:
    """Close, tell the teacher and ask for a 1–5 rating; after that the bot answers again."""
    if ticket.status == CLOSED:
        raise TicketError(_("Ticket #{number} is already closed.").format(number=ticket.id))
    ticket.status, ticket.closed_at = CLOSED, utcnow()
    _event(session, ticket, "closed", actor)
    person = await person_of(session, ticket)
    with use_language(ticket.language):
        text = reason or _(
            "Your request #{number} is closed. How satisfied are you with the help? "
            "1 – not at all, 5 – very."
        ).format(number=ticket.id)
    rating = tuple(Button(str(n), f"csat:{n}:{ticket.id}") for n in range(1, 6))
    to_teacher(session, person, ticket, Payload(text=text, buttons=(rating,)))
    await session.execute(
        update(Conversation)
        .where(Conversation.person_id == person.id)
        .values(state=RATING_STATE, data={"context": str(ticket.id)})
    )
    notice(
        session,
        staff_chat,
        ticket,
        _("Ticket #{number} was closed by {name}.").format(
            number=ticket.id, name=html.escape(actor)
        ),
    )


async def cancel_by_teacher(session: AsyncSession, ticket: Ticket, staff_chat: str | None) -> None:
    ticket.status, ticket.closed_at = CLOSED, utcnow()
    _event(session, ticket, "cancelled", "teacher")
    notice(
        session,
        staff_chat,
        ticket,
        _("The teacher cancelled ticket #{number}.").format(number=ticket.id),
    )


async def reopen(
    session: AsyncSession, ticket: Ticket, actor: str, staff_chat: str | None = None
) -> None:
    if ticket.status != CLOSED:
        raise TicketError(_("Ticket #{number} is not closed.").format(number=ticket.id))
    other = await active_ticket(session, ticket.person_id)
    if other is not None:
        raise TicketError(
            _("The teacher already has ticket #{number} open.").format(number=other.id)
        )
    ticket.status, ticket.closed_at = OPEN, None
    ticket.claimed_by = ticket.claimed_by_id = None
    _event(session, ticket, "reopened", actor)
    person = await person_of(session, ticket)
    with use_language(ticket.language):
        text = _(
            "Your request #{number} has been reopened; a methodologist will answer here."
        ).format(number=ticket.id)
    to_teacher(session, person, ticket, Payload(text=text))
    notice(
        session,
        staff_chat,
        ticket,
        _("Ticket #{number} was reopened by {name}.").format(
            number=ticket.id, name=html.escape(actor)
        ),
    )


async def suggest_faq(session: AsyncSession, ticket: Ticket, actor: str) -> FaqSuggestion:
    """Keep the teacher's question and the staff answer for admins to turn into an entry."""
    messages = await messages_of(session, ticket.id)
    question = "\n".join(m.text for m in messages if m.author == "teacher" and m.text)
    answer = "\n".join(
        m.text for m in messages if m.author == "staff" and not m.internal and m.text
    )
    suggestion = FaqSuggestion(
        ticket_id=ticket.id, question=question, answer=answer, suggested_by=actor
    )
    session.add(suggestion)
    _event(session, ticket, "faq_suggested", actor)
    return suggestion


async def mark_unreachable(session: AsyncSession, ticket_id: int, staff_chat: str | None) -> None:
    """The teacher blocked the bot: record it and tell the staff; retrying is pointless."""
    ticket = await get_ticket(session, ticket_id)
    if ticket is None or ticket.teacher_unreachable:
        return
    ticket.teacher_unreachable = True
    _event(session, ticket, "unreachable", "system")
    notice(
        session,
        staff_chat,
        ticket,
        _(
            "The teacher of ticket #{number} has blocked the bot; the message was not delivered."
        ).format(number=ticket.id),
    )


def unreachable_hook(staff_chat: str | None) -> GaveUpHook:
    """For the outbox: a teacher's row that can never be delivered marks its ticket."""

    async def hook(session: AsyncSession, row: OutboxMessage, reason: str) -> None:
        if row.ticket_id is not None and row.channel != STAFF_CHANNEL:
            await mark_unreachable(session, row.ticket_id, staff_chat)

    return hook


async def close_idle(
    session: AsyncSession, now: datetime, idle: timedelta, staff_chat: str | None
) -> list[int]:
    """Close tickets with no activity for `idle`, with a message to the teacher."""
    stale = list(
        await session.scalars(
            select(Ticket).where(Ticket.status.in_(ACTIVE), Ticket.updated_at < now - idle)
        )
    )
    for ticket in stale:
        with use_language(ticket.language):
            reason = _(
                "Your request #{number} was closed because there was no activity for {days} "
                "days. Write again any time. How satisfied are you with the help? 1 – not at "
                "all, 5 – very."
            ).format(number=ticket.id, days=idle.days)
        await close(session, ticket, "auto", staff_chat, reason=reason)
    return [ticket.id for ticket in stale]


async def remind_unclaimed(
    session: AsyncSession, now: datetime, after: timedelta, staff_chat: str | None
) -> list[int]:
    """One reminder per ticket left unclaimed for longer than `after`."""
    waiting = list(
        await session.scalars(
            select(Ticket).where(
                Ticket.status == OPEN,
                Ticket.created_at < now - after,
                Ticket.reminded_at.is_(None),
            )
        )
    )
    for ticket in waiting:
        ticket.reminded_at = now
        minutes = int((now - ticket.created_at).total_seconds() // 60)
        notice(
            session,
            staff_chat,
            ticket,
            _(
                "⏰ Ticket #{number} has been waiting for {minutes} minutes without an owner."
            ).format(number=ticket.id, minutes=minutes),
        )
    return [ticket.id for ticket in waiting]


async def rate(session: AsyncSession, ticket: Ticket, rating: int) -> None:
    ticket.csat = rating
    _event(session, ticket, f"rated {rating}", "teacher")
