"""ORM models. Relationships load only when asked (lazy="raise"): no hidden I/O in async code."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Stable constraint names, so migrations mean the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

LOG_TEXT_LIMIT = 4000


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on both databases (SQLite would hand back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime, dict[str, Any]: JSON}


class Person(Base):
    """Someone who writes to the desk, on one channel (a Messenger PSID is not a Telegram id)."""

    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    chat_id: Mapped[str] = mapped_column(String(64))  # where replies to this person go
    display_name: Mapped[str] = mapped_column(String(128), default="")
    language: Mapped[str | None] = mapped_column(String(8))
    cohort: Mapped[int | None] = mapped_column(SmallInteger)  # 1, 5, 10; 0 = other staff
    reminders: Mapped[bool] = mapped_column(Boolean, default=False)  # opted in to reminders
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)

    conversation: Mapped[Conversation | None] = relationship(lazy="raise", back_populates="person")


class Conversation(Base):
    """Where a person stands in a dialogue; kept here so a restart continues every flow."""

    __tablename__ = "conversations"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    state: Mapped[str] = mapped_column(String(32), default="idle")
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    person: Mapped[Person] = relationship(lazy="raise", back_populates="conversation")


class MessageLog(Base):
    __tablename__ = "message_log"
    __table_args__ = (Index("ix_message_log_person_at", "person_id", "created_at"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    direction: Mapped[str] = mapped_column(String(3))  # "in" | "out"
    text: Mapped[str] = mapped_column(Text, default="")
    intent: Mapped[str | None] = mapped_column(String(64))
    score: Mapped[float | None]
    # "clarified": the bot asked which entry was meant instead of answering (intent stays None)
    reason: Mapped[str | None] = mapped_column(String(16))
    channel_message_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class Feedback(Base):
    """A 👍 / 👎 on an answer, kept with what was asked and matched so admins can improve it."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    question_log_id: Mapped[int] = mapped_column(ForeignKey("message_log.id"), unique=True)
    question: Mapped[str] = mapped_column(Text, default="")
    entry_id: Mapped[str] = mapped_column(String(64), index=True)
    score: Mapped[float]
    helpful: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (Index("ix_tickets_status_created", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | claimed | closed
    claimed_by: Mapped[str | None] = mapped_column(String(128))  # the owner's name, as shown
    claimed_by_id: Mapped[str | None] = mapped_column(String(64))  # and who it is
    language: Mapped[str] = mapped_column(String(8), default="mn")
    cohort: Mapped[int | None] = mapped_column(SmallInteger)
    context: Mapped[dict[str, Any]] = mapped_column(default=dict)  # what the bot already tried
    staff_thread_id: Mapped[int | None] = mapped_column(BigInteger)
    staff_card_message_id: Mapped[int | None] = mapped_column(BigInteger)
    teacher_unreachable: Mapped[bool] = mapped_column(Boolean, default=False)
    csat: Mapped[int | None] = mapped_column(SmallInteger)
    reminded_at: Mapped[datetime | None]  # the staff were reminded it waits unclaimed
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    closed_at: Mapped[datetime | None]


class TicketMessage(Base):
    __tablename__ = "ticket_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    author: Mapped[str] = mapped_column(String(16))  # teacher | staff | system
    author_name: Mapped[str] = mapped_column(String(128), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    internal: Mapped[bool] = mapped_column(Boolean, default=False)
    # Where a teacher's message landed in the staff group, so a reply to it finds the ticket.
    staff_message_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FaqSuggestion(Base):
    """A question offered to admins for the knowledge base: a ticket's question with the staff
    answer (a new entry), or a teacher's words with the entry they picked when the bot asked
    which one they meant (a paraphrase of it)."""

    __tablename__ = "faq_suggestions"

    id: Mapped[int] = mapped_column(primary_key=True)
    # None for a teacher's own choice after "which do you mean?" (suggested_by "clarified")
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    question: Mapped[str] = mapped_column(Text, default="")
    answer: Mapped[str] = mapped_column(Text, default="")
    entry_id: Mapped[str | None] = mapped_column(String(64))  # the entry it belongs to, if known
    suggested_by: Mapped[str] = mapped_column(String(128), default="")
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending|accepted|rejected
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TicketEvent(Base):
    """Every ticket transition, with who and when."""

    __tablename__ = "ticket_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))  # opened | claimed | closed | reopened | ...
    actor: Mapped[str] = mapped_column(String(128), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FaqRecord(Base):
    """The live knowledge base; faq/*.yaml is its seed and its exchange format."""

    __tablename__ = "faq_entries"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    source: Mapped[str] = mapped_column(String(128), default="faq.yaml")  # file on export
    position: Mapped[int] = mapped_column(Integer, default=0)  # order within that file
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)  # the entry as in YAML
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class FaqChange(Base):
    """Who changed which entry, when, and from what to what."""

    __tablename__ = "faq_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(16))  # added | changed | deleted
    actor: Mapped[str] = mapped_column(String(128), default="")
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class KnowledgeState(Base):
    """One row: the schedule document and a version bumped by every knowledge change, which
    every instance compares to rebuild its matcher index without a restart."""

    __tablename__ = "knowledge_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    schedule_yaml: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ReminderSent(Base):
    """One row per reminder a person was sent, so a reminder goes out once whatever happens."""

    __tablename__ = "reminders_sent"
    __table_args__ = (UniqueConstraint("person_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    key: Mapped[str] = mapped_column(String(64))  # year:cohort:window:days
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OutboxMessage(Base):
    """A message that must reach a person; written in the transaction that caused it."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_pending", "sent_at", "dead", "next_attempt_at"),
        Index("ix_outbox_chat", "channel", "chat_id"),  # a turn asks what waits for its chat
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    sent_message_id: Mapped[str | None] = mapped_column(String(64))
    dead: Mapped[bool] = mapped_column(Boolean, default=False)
    last_error: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RosterEntry(Base):
    """One person's training result for one year, from the institute's list of who passed.

    Upserted by (register_number, year); that unique index also serves the lookup, which
    takes the most recent year for a number.
    """

    __tablename__ = "roster"
    __table_args__ = (UniqueConstraint("register_number", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    register_number: Mapped[str] = mapped_column(String(10))  # canonical, e.g. УБ99010112
    surname: Mapped[str] = mapped_column(String(128))
    given_name: Mapped[str] = mapped_column(String(128))
    school: Mapped[str] = mapped_column(String(255), default="")
    district: Mapped[str] = mapped_column(String(128), default="")
    cohort: Mapped[int] = mapped_column(SmallInteger)  # 1, 5, 10; 0 = other staff
    year: Mapped[int] = mapped_column(Integer)
    passed: Mapped[bool] = mapped_column(Boolean)
    certificate_number: Mapped[str | None] = mapped_column(String(64))
    registered_on: Mapped[date | None] = mapped_column(Date)  # entered in ESIS; None = not yet
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class NoticeRequest(Base):
    """A teacher asked to be told when something changes: their certificate is registered in
    ESIS (`number_key`, as certificate lookups count it), or their cohort's schedule is
    published (`cohort`). `sent_at` is set in the transaction that queues the notice."""

    __tablename__ = "notice_requests"
    __table_args__ = (
        Index("ix_notice_requests_number", "kind", "number_key"),
        Index("ix_notice_requests_cohort", "kind", "cohort"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    kind: Mapped[str] = mapped_column(String(16))  # "certificate" | "schedule"
    number_key: Mapped[str | None] = mapped_column(String(64))
    cohort: Mapped[int | None] = mapped_column(SmallInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class CertificateLookup(Base):
    """One certificate lookup by a person: the rate limit is counted here to survive restarts."""

    __tablename__ = "certificate_lookups"
    __table_args__ = (
        Index("ix_certificate_lookups_person_at", "person_id", "created_at"),
        Index("ix_certificate_lookups_number_at", "number_key", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A hash of the number looked up: many accounts guessing surnames for one number are
    # limited together. (Not the number: the roster may not even hold it.)
    number_key: Mapped[str | None] = mapped_column(String(64))


class AuditEvent(Base):
    """Who did what to the desk's data, where no other table says it: roster imports. (FAQ and
    schedule changes are in faq_changes, ticket transitions in ticket_events.)"""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor: Mapped[str] = mapped_column(String(128), default="")
    action: Mapped[str] = mapped_column(String(32))  # "roster_import"
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class ConsoleLink(Base):
    """A one-time link into the web console: only the token's hash is kept, so the database
    alone does not let anyone in."""

    __tablename__ = "console_links"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64))  # the Telegram user it was made for
    name: Mapped[str] = mapped_column(String(128), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class ConsoleSession(Base):
    """A signed-in console user. The cookie holds a random token; this row (under its hash)
    says who it is, until when, and whether logout or a lost role ended it."""

    __tablename__ = "console_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(128), default="")
    role: Mapped[str] = mapped_column(String(16))  # "staff" | "admin"
    csrf: Mapped[str] = mapped_column(String(64))  # the forms' token, one per session
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)  # the role last confirmed
    ended_at: Mapped[datetime | None]


class ProcessedEvent(Base):
    """A platform event already handled. Webhooks are redelivered when an answer is slow, so
    the ids are kept here: a repeat is skipped after a restart and on any instance too."""

    __tablename__ = "processed_events"
    __table_args__ = (UniqueConstraint("channel", "event_id"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    event_id: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # Replies the channel sends itself after the turn commits, until it confirms them sent.
    replies: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
