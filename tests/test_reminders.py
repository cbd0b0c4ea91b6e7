"""Schedule reminders: opt in under the schedule answer, due on the right days, sent once."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.desk import reminders
from bot.desk.engine import Desk
from bot.storage.models import OutboxMessage, Person
from tests.support import actions, joined, send


async def test_opt_in_under_the_schedule_and_stop(
    engine: Desk, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await send(engine, action="cohort:1")
    replies = await send(engine, action="menu:schedule")
    assert actions(replies) == ["remind:on"]
    assert "сануулна" in joined(await send(engine, action="remind:on"))
    assert actions(await send(engine, action="menu:schedule")) == []  # not offered twice
    async with sessions() as session:
        assert await session.scalar(select(Person.reminders)) is True
    assert "унтраалаа" in joined(await send(engine, "/stop_reminders"))
    async with sessions() as session:
        assert await session.scalar(select(Person.reminders)) is False


async def test_reminders_are_due_three_and_one_day_before_and_on_the_last_day(
    engine: Desk, sessions: async_sessionmaker[AsyncSession]
) -> None:
    for user, cohort in (("1", "1"), ("2", "1"), ("3", "5")):
        await send(engine, action=f"cohort:{cohort}", user=user)
        await send(engine, action="remind:on", user=user)
    # 1st-year cohort, 2021: e-learning 04-15 – 05-06, webinar 05-07 – 05-28.
    expected = {
        date(2021, 4, 12): 2, date(2021, 4, 13): 0,
        date(2021, 4, 14): 3,  # 1 day before, and the 5th-year webinar's last day (user 3)
        date(2021, 5, 4): 2,  # 3 days before the webinar
        date(2021, 5, 6): 4,  # last e-learning day and 1 day before the webinar
        date(2021, 5, 28): 2,
    }
    for day, count in expected.items():
        async with sessions.begin() as session:
            queued = await reminders.enqueue_due(session, engine.schedule, day, (3, 1))
        async with sessions.begin() as session:  # the job runs again the same day
            again = await reminders.enqueue_due(session, engine.schedule, day, (3, 1))
        assert (day, queued, again) == (day, count, 0)
    async with sessions() as session:
        total = await session.scalar(select(func.count()).select_from(OutboxMessage))
        first = await session.scalar(select(OutboxMessage).order_by(OutboxMessage.id))
    assert total == sum(expected.values())
    assert first is not None
    assert first.payload["text"] == (
        "🔔 Цахим сургалт (esurgalt.itpd.mn) — 1 дэх жил: 3 хоногийн дараа, "
        "2021 оны 4-р сарын 15-нд эхэлнэ."
    )
