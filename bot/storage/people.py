"""Who wrote, which deliveries were already handled, and what a turn writes last: the
statements every turn runs, built once with bound parameters.

A turn's conversation and message-log rows are plain values written by one prebuilt
statement each, not ORM objects, and a returning person's last-seen time is written the
same way: the unit of work cost more than the statements it emitted (about a fifth of a
turn's CPU went to flushing these rows in a burst).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import Insert, Table, bindparam, exists, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from bot.storage.models import Conversation, MessageLog, OutboxMessage, Person, ProcessedEvent

CONVERSATIONS = Conversation.__table__
MESSAGE_LOG = MessageLog.__table__
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


@dataclass
class ConversationRow:
    """Where a person stands in a dialogue, as a turn reads it and writes it back once."""

    person_id: int
    state: str
    data: dict[str, Any]
    updated_at: datetime | None  # the last turn's end; None for a row not yet stored
    stored: bool  # the row exists: the turn's end updates it instead of inserting it


@dataclass
class LoggedMessage:
    """The incoming message's row in message_log. Written with the turn's replies at its
    end, or earlier when its id is needed (`log_now`: 👍/👎 buttons name the question)."""

    person_id: int
    text: str
    channel_message_id: str | None
    created_at: datetime
    intent: str | None = None
    score: float | None = None
    reason: str | None = None  # "clarified": asked which entry was meant (intent stays None)
    id: int | None = None
    written: tuple[str | None, float | None, str | None] | None = None  # intent, score, reason

    def row(self) -> dict[str, Any]:
        return {
            "person_id": self.person_id,
            "direction": "in",
            "text": self.text,
            "intent": self.intent,
            "score": self.score,
            "reason": self.reason,
            "channel_message_id": self.channel_message_id,
            "created_at": self.created_at,
        }

    def verdict(self) -> tuple[str | None, float | None, str | None]:
        return self.intent, self.score, self.reason


class Arrival(NamedTuple):
    """Who wrote, as a turn finds them."""

    person: Person
    conversation: ConversationRow | None  # none yet: the turn adds one
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
    select(
        Person,
        Conversation.person_id,
        Conversation.state,
        Conversation.data,
        Conversation.updated_at,
        _WAITING,
    )
    .outerjoin(Conversation, Conversation.person_id == Person.id)
    .where(Person.channel == bindparam("who_channel"), Person.external_id == bindparam("who_id"))
    .with_for_update(of=Person)
)


_SEEN = (
    update(PEOPLE)
    .where(PEOPLE.c.id == bindparam("who"))
    .values(
        last_seen_at=bindparam("seen", type_=PEOPLE.c.last_seen_at.type),
        display_name=bindparam("name", type_=PEOPLE.c.display_name.type),
    )
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


async def replies_sent(session: AsyncSession, events: list[tuple[str, str]]) -> None:
    """These (channel, event id)s' replies went out: nothing is kept to send again."""
    await session.execute(
        _KEEP_REPLIES,
        [{"event_channel": chan, "event_key": key[:255], "kept": []} for chan, key in events],
    )


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
    person, stored, state, data, updated_at, is_waiting = found
    conversation = (
        None if stored is None else ConversationRow(person.id, state, data or {}, updated_at, True)
    )
    name = incoming.display_name[:128] or person.display_name
    await session.execute(_SEEN, {"who": person.id, "seen": now, "name": name})
    # Written: the ORM object takes the values as loaded, so no flush writes them again.
    set_committed_value(person, "last_seen_at", now)
    set_committed_value(person, "display_name", name)
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


_LOG = MESSAGE_LOG.insert()
_LOG_ONE = MESSAGE_LOG.insert().returning(MESSAGE_LOG.c.id)
_LOG_VERDICT = (
    update(MESSAGE_LOG)
    .where(MESSAGE_LOG.c.id == bindparam("log_id"))
    .values(intent=bindparam("intent"), score=bindparam("score"), reason=bindparam("reason"))
)
_CONVERSATION_INSERT = CONVERSATIONS.insert()
_CONVERSATION_UPDATE = (
    update(CONVERSATIONS)
    .where(CONVERSATIONS.c.person_id == bindparam("who"))
    .values(
        state=bindparam("state", type_=CONVERSATIONS.c.state.type),
        data=bindparam("data", type_=CONVERSATIONS.c.data.type),
        updated_at=bindparam("now", type_=CONVERSATIONS.c.updated_at.type),
    )
)


async def log_now(session: AsyncSession, logged: LoggedMessage) -> int:
    """Write the incoming message's row now (if it is not yet written) and give its id."""
    if logged.id is None:
        logged.id = await session.scalar(_LOG_ONE, logged.row())
        logged.written = logged.verdict()
    assert logged.id is not None
    return logged.id


async def log_turn(
    session: AsyncSession, logged: LoggedMessage, replies: list[str], now: datetime
) -> None:
    """The incoming row (or what the turn decided about it since `log_now` wrote it) and the
    replies' rows, in one INSERT where it can."""
    rows = [] if logged.id is not None else [logged.row()]
    for text in replies:
        rows.append(
            {**logged.row(), "direction": "out", "text": text, "created_at": now}
            | dict.fromkeys(("intent", "score", "reason", "channel_message_id"))
        )
    if rows:
        await session.execute(_LOG, rows)
    if logged.id is not None and logged.written != logged.verdict():
        intent, score, reason = logged.verdict()
        await session.execute(
            _LOG_VERDICT, {"log_id": logged.id, "intent": intent, "score": score, "reason": reason}
        )


async def write_conversation(
    session: AsyncSession, conversation: ConversationRow, now: datetime
) -> None:
    if conversation.stored:
        await session.execute(
            _CONVERSATION_UPDATE,
            {
                "who": conversation.person_id,
                "state": conversation.state,
                "data": conversation.data,
                "now": now,
            },
        )
        return
    await session.execute(
        _CONVERSATION_INSERT,
        {
            "person_id": conversation.person_id,
            "state": conversation.state,
            "data": conversation.data,
            "updated_at": now,
        },
    )
