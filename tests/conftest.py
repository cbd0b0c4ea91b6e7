"""Shared fixtures: a real database (SQLite file, and PostgreSQL when configured) and a desk.

PostgreSQL cases run when HELPDESK_TEST_DATABASE_URL names a server (.ci/run sets it); each
test session gets a database of its own, emptied between tests.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import PROJECT_ROOT
from bot.config import Settings
from bot.desk.engine import Desk
from bot.desk.faq import KnowledgeBase
from bot.desk.schedule import load_schedule
from bot.runtime import load_knowledge
from bot.storage.db import alembic_config, create_engine, session_factory
from bot.storage.models import Base
from tests.support import admin_execute

PG_URL = os.environ.get("HELPDESK_TEST_DATABASE_URL", "")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]


class FrozenClock:
    """An injectable 'now' that tests move by hand."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this test session."""
    if not PG_URL:
        pytest.skip("PostgreSQL not configured: set HELPDESK_TEST_DATABASE_URL to run these cases")
    name = f"helpdesk_test_{uuid.uuid4().hex[:10]}"
    asyncio.run(admin_execute(PG_URL, f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    command.upgrade(alembic_config(url), "head")
    yield url
    asyncio.run(admin_execute(PG_URL, f'DROP DATABASE "{name}" WITH (FORCE)'))


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated, empty database of each kind."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'helpdesk.db'}"
        command.upgrade(alembic_config(url), "head")
        return url
    url = request.getfixturevalue("postgres_url")
    tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    asyncio.run(admin_execute(url, f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    return url


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(database_url)
    yield session_factory(engine)
    await engine.dispose()


@pytest.fixture
def clock() -> FrozenClock:
    # 2021-03-10 10:00 in Ulaanbaatar (UTC+8): a Wednesday, 5th-year cohort in e-learning.
    return FrozenClock(datetime(2021, 3, 10, 2, 0, tzinfo=UTC))


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings()


@pytest.fixture(scope="session")
def knowledge(settings: Settings) -> KnowledgeBase:
    """The bundled FAQ with its second signal trained now, as the bot trains it at startup:
    trained by a test's first message instead, its seconds run the real clock (which stamps
    outbox rows and tickets) past a test's frozen one."""
    base = load_knowledge(settings)
    base.matcher.prepare()
    return base


@pytest.fixture
def engine(
    sessions: async_sessionmaker[AsyncSession], knowledge: KnowledgeBase, clock: FrozenClock
) -> Desk:
    return Desk(
        sessions, knowledge, load_schedule(PROJECT_ROOT / "faq" / "schedule.yaml"), clock=clock
    )
