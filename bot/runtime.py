"""Builds the desk from settings: database (upgraded), knowledge base, schedule, catalogs."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import ParamSpec

from sqlalchemy.exc import (
    DBAPIError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.desk import knowledge as knowledge_store
from bot.desk import reminders, tickets
from bot.desk.engine import Clock, Desk
from bot.desk.faq import KnowledgeBase, load_faq_dir
from bot.desk.hours import WorkingHours
from bot.i18n import load_catalogs
from bot.storage.db import create_engine, is_sqlite, session_factory, upgrade
from bot.storage.models import utcnow

log = logging.getLogger(__name__)

HOUSEKEEPING_INTERVAL = 60.0  # seconds between runs of the desk's chores
DATABASE_DOWN = (OperationalError, InterfaceError, OSError)  # the database does not answer
# asyncpg's errors of a server that will not take connections: shutting down, starting up,
# too many clients, authentication (a password changed under a running desk).
_REFUSING = re.compile(
    r"CannotConnect|TooManyConnections|Authoriz|Password|ConnectionDoesNotExist"
)
OUTAGE_LOG_EVERY = 30.0  # seconds between log lines about one ongoing database outage


def database_down(exc: BaseException) -> bool:
    """The database refuses, is gone, or is locked — an outage, not a bug: asyncpg's refusals
    arrive as a bare DBAPIError, SQLite's lock as an OperationalError."""
    if isinstance(exc, DATABASE_DOWN):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    cause: BaseException | None = exc
    for _depth in range(6):  # the driver's own error sits a few causes down
        if cause is None:
            return False
        if isinstance(cause, OSError) or _REFUSING.search(type(cause).__name__):
            return True
        cause = cause.__cause__ or cause.__context__
    return False


class OutageLog:
    """One log line per outage per OUTAGE_LOG_EVERY seconds, however many turns meet it."""

    def __init__(self, logger: logging.Logger) -> None:
        self.logger = logger
        self._last = float("-inf")

    def seen(self, what: str, exc: BaseException) -> None:
        now = time.monotonic()
        if now - self._last >= OUTAGE_LOG_EVERY:
            self._last = now
            self.logger.warning("%s: the database is unavailable (%s)", what, type(exc).__name__)


P = ParamSpec("P")


@dataclass
class Runtime:
    """The running desk with what it was built from: settings, the database engine."""

    settings: Settings
    database: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    desk: Desk


def load_knowledge(settings: Settings) -> KnowledgeBase:
    return KnowledgeBase(
        load_faq_dir(settings.faq_dir),
        threshold=settings.match_threshold,
        margin=settings.match_margin,
    )


@asynccontextmanager
async def open_desk(settings: Settings, clock: Clock = utcnow) -> AsyncIterator[Runtime]:
    """The embedded SQLite database is upgraded on start; PostgreSQL by `helpdesk db upgrade`.
    An empty database is seeded with the bundled knowledge base (faq/)."""
    load_catalogs()
    if is_sqlite(settings.database_url):
        await upgrade(settings.database_url)
    database = create_engine(settings.database_url)
    sessions = session_factory(database)
    try:
        async with sessions.begin() as session:
            await knowledge_store.seed_if_empty(session, settings.faq_dir)
    except IntegrityError:  # another instance seeded the same new database at the same moment
        async with sessions.begin() as session:  # now it finds it seeded; a real error recurs
            await knowledge_store.seed_if_empty(session, settings.faq_dir)
    async with sessions.begin() as session:
        version, entries, schedule = await knowledge_store.load(session)
    desk = Desk(
        sessions,
        KnowledgeBase(entries, settings.match_threshold, settings.match_margin),
        schedule,
        clock=clock,
        timezone=settings.timezone,
        working_hours=WorkingHours(settings.work_start, settings.work_end, settings.timezone),
        staff_chat=settings.staff_chat,
        live=True,
        lookups_per_hour=settings.lookups_per_hour,
        lookups_per_day=settings.lookups_per_day,
        lookups_per_number=settings.lookups_per_number,
    )
    desk.knowledge_version = version
    try:
        yield Runtime(settings, database, sessions, desk)
    finally:
        with contextlib.suppress(SQLAlchemyError, OSError):  # unwritten marks risk only a re-send
            await desk.flush_sent()
        await database.dispose()


async def housekeeping(desk: Desk, settings: Settings) -> None:
    """The desk's chores: close idle tickets; remind the staff of unclaimed ones in working
    hours; from the morning on, queue the teachers' reminders due today (each goes out once,
    however often this runs, on however many instances)."""
    now = desk.clock()
    local = now.astimezone(desk.zone)
    async with desk.sessions.begin() as session:
        if local.time() >= desk.working_hours.start:
            await reminders.enqueue_due(
                session, desk.schedule, local.date(), settings.reminder_days
            )
        await tickets.close_idle(
            session, now, timedelta(days=settings.ticket_idle_days), settings.staff_chat
        )
        if desk.working_hours.is_open(now):
            await tickets.remind_unclaimed(
                session,
                now,
                timedelta(minutes=settings.unclaimed_reminder_minutes),
                settings.staff_chat,
            )


def riding_out_outages(job: Callable[P, Awaitable[None]]) -> Callable[P, Awaitable[None]]:
    """A periodic job that finds the database unreachable just waits for its next run: one
    warning when the outage starts and a note when it ends, rather than an error with a
    traceback (and, on Telegram, an alert to the staff group) on every run."""
    failing = False

    @functools.wraps(job)
    async def run(*args: P.args, **kwargs: P.kwargs) -> None:
        nonlocal failing
        try:
            await job(*args, **kwargs)
        except (DBAPIError, *DATABASE_DOWN) as exc:
            if not database_down(exc):
                raise
            if not failing:
                log.warning(
                    "%s: the database is unavailable (%s); retrying on every run",
                    job.__name__,
                    type(exc).__name__,
                )
            failing = True
            return
        if failing:
            log.info("%s: the database answers again", job.__name__)
            failing = False

    return run


async def housekeeping_forever(runtime: Runtime) -> None:
    """The chores on their own timer, for when no Telegram job queue runs them (a desk
    serving Messenger only)."""
    chores = riding_out_outages(housekeeping)
    while True:
        await chores(runtime.desk, runtime.settings)
        await asyncio.sleep(HOUSEKEEPING_INTERVAL)
