"""Migrations and models agree, on SQLite and PostgreSQL, starting from an empty database."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.storage.db import create_engine
from bot.storage.models import Base, Conversation, Person


def _differences(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection)
    return list(compare_metadata(context, Base.metadata))


async def test_migrations_from_empty_match_the_models(database_url: str) -> None:
    engine = create_engine(database_url)
    async with engine.connect() as connection:
        tables = set(await connection.run_sync(lambda c: inspect(c).get_table_names()))
        assert set(Base.metadata.tables) | {"alembic_version"} <= tables
        assert await connection.run_sync(_differences) == []
    await engine.dispose()


async def test_json_state_and_aware_datetimes_round_trip(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        person = Person(channel="test", external_id="1", chat_id="1")
        session.add(person)
        await session.flush()
        session.add(Conversation(person_id=person.id, state="x", data={"ә": [1, "ү"]}))
    async with sessions() as session:
        stored = await session.scalar(select(Conversation))
        assert stored is not None
        assert stored.data == {"ә": [1, "ү"]}
        assert stored.updated_at.tzinfo is not None
