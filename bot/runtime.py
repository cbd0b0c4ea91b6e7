"""Builds the desk from settings: database (upgraded), knowledge base, schedule, catalogs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.desk import knowledge as knowledge_store
from bot.desk.engine import Clock, Engine, WorkingHours
from bot.desk.faq import KnowledgeBase, load_faq_dir
from bot.i18n import load_catalogs
from bot.storage.db import create_engine, is_sqlite, session_factory, upgrade
from bot.storage.models import utcnow


@dataclass
class Desk:
    settings: Settings
    database: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    engine: Engine


def load_knowledge(settings: Settings) -> KnowledgeBase:
    return KnowledgeBase(
        load_faq_dir(settings.faq_dir),
        threshold=settings.match_threshold,
        margin=settings.match_margin,
    )


@asynccontextmanager
async def open_desk(settings: Settings, clock: Clock = utcnow) -> AsyncIterator[Desk]:
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
    engine = Engine(
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
    )
    engine.knowledge_version = version
    try:
        yield Desk(settings, database, sessions, engine)
    finally:
        await database.dispose()
