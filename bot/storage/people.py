"""Who wrote, and which deliveries were already handled: the queries every turn makes first."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import Insert, Table, bindparam, exists, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import make_transient_to_detached

from bot.storage.models import Conversation, OutboxMessage, Person, ProcessedEvent

OUTBOX = OutboxMessage.__table__
PEOPLE = Person.__table__
PROCESSED_EVENTS = ProcessedEvent.__table__
PEOPLE_INSERTED = (
    "channel",
    "external_id",
    "chat_id",
    "display_name",
    "language",
    "cohort",
    "reminders",
    "created_at",
    "last_seen_at",
)


class Who(NamedTuple):
    """Who wrote, as a channel names them."""

    channel: str
    user_id: str
    chat_id: str
    display_name: str
    language: str | None  # a language the channel knows they chose, already checked


class Arrival(NamedTuple):
    """Who wrote, as a turn finds them."""

    person: Person
    conversation: Conversation | None  # none yet: the turn adds one
    created: bool  # this message created the person: no ticket, no history
    waiting: bool  # outbox rows still wait to reach their chat


# The statements every turn runs are built once, with bound parameters: SQLAlchemy reuses
# them and their cache keys instead of building both again per turn.
_THIS_EVENT = (
    PROCESSED_EVENTS.c.channel == bindparam("event_channel"),
    PROCESSED_EVENTS.c.event_id == bindparam("event_key"),
)
_KEEP_REPLIES = (
    update(PROCESSED_EVENTS)
    .where(*_THIS_EVENT)
    .values(replies=bindparam("kept", type_=PROCESSED_EVENTS.c.replies.type))
)
_UNSENT_REPLIES = select(PROCESSED_EVENTS.c.replies).where(*_THIS_EVENT)
_WAITING = (
    exists()
    .where(
        OUTBOX.c.channel == bindparam("who_channel"),
        OUTBOX.c.chat_id == bindparam("who_chat"),
        OUTBOX.c.sent_at.is_(None),
        OUTBOX.c.dead.is_(False),
    )
    .label("waiting")
)
_ARRIVAL = (
    select(Person, Conversation, _WAITING)
    .outerjoin(Conversation, Conversation.person_id == Person.id)
    .where(Person.channel == bindparam("who_channel"), Person.external_id == bindparam("who_id"))
    .with_for_update(of=Person)
)


@cache
def _new_row_id(dialect: str, table: Table) -> Insert:
    """INSERT … ON CONFLICT DO NOTHING RETURNING id in the dialect (both have the clause):
    the new row's id, or None when the row exists."""
    dialect_insert = pg_insert if dialect == "postgresql" else sqlite_insert
    return dialect_insert(table).on_conflict_do_nothing().returning(table.c.id)


async def record_delivery(
    session: AsyncSession, channel: str, event_id: str, now: datetime
) -> bool:
    """Record a platform event in this transaction: it counts as handled only if the turn
    commits. False for a repeat."""
    stored = await session.scalar(
        _new_row_id(session.bind.dialect.name, PROCESSED_EVENTS),
        {"channel": channel, "event_id": event_id[:255], "created_at": now},
    )
    return stored is not None


async def keep_replies(
    session: AsyncSession, channel: str, event_id: str, replies: list[dict[str, Any]]
) -> None:
    """The replies a channel sends itself right after the turn commits, kept with the event
    until it says they went out: a redelivered event re-sends them instead of losing them."""
    await session.execute(
        _KEEP_REPLIES, {"event_channel": channel, "event_key": event_id[:255], "kept": replies}
    )


async def unsent_replies(
    session: AsyncSession, channel: str, event_id: str
) -> list[dict[str, Any]]:
    """What a handled event's turn left to send and was never confirmed as sent."""
    replies = await session.scalar(
        _UNSENT_REPLIES, {"event_channel": channel, "event_key": event_id[:255]}
    )
    return list(replies or [])


async def replies_sent(session: AsyncSession, channel: str, event_id: str) -> None:
    await keep_replies(session, channel, event_id, [])


async def arrival(session: AsyncSession, incoming: Who, now: datetime) -> Arrival:
    """Who wrote: found (their row locked, so their turns do not overlap) or created on
    first contact, safely when another instance creates them at the same moment."""
    who = {
        "who_channel": incoming.channel,
        "who_chat": incoming.chat_id,
        "who_id": incoming.user_id,
    }
    found = (await session.execute(_ARRIVAL, who)).one_or_none()
    if found is None:
        person = await insert_person(session, incoming, now)
        if person is not None:  # someone new: nothing was ever sent to them
            return Arrival(person, None, created=True, waiting=False)
        found = (await session.execute(_ARRIVAL, who)).one()  # created meanwhile elsewhere
    person, conversation, is_waiting = found
    person.last_seen_at = now
    if incoming.display_name and incoming.display_name[:128] != person.display_name:
        person.display_name = incoming.display_name[:128]
    return Arrival(person, conversation, created=False, waiting=is_waiting)


async def insert_person(session: AsyncSession, incoming: Who, now: datetime) -> Person | None:
    """The person of a first message, inserted at once; None if their row exists already
    (another instance inserted it meanwhile)."""
    person = Person(
        channel=incoming.channel,
        external_id=incoming.user_id,
        chat_id=incoming.chat_id,
        display_name=incoming.display_name[:128],
        language=incoming.language,
        cohort=None,
        reminders=False,
        created_at=now,
        last_seen_at=now,
    )
    values = {column: getattr(person, column) for column in PEOPLE_INSERTED}
    person.id = await session.scalar(_new_row_id(session.bind.dialect.name, PEOPLE), values)
    if person.id is None:
        return None
    make_transient_to_detached(person)  # the row exists: known to the session, not added
    session.add(person)
    return person
