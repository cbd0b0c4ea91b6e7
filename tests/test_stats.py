"""Admin figures: exact numbers on a known fixture, the chart, the unanswered report's grouping,
and `helpdesk stats` / `helpdesk report unanswered` as processes."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.desk.stats import (
    DayCount,
    EntryFeedback,
    Stats,
    collect_stats,
    format_stats,
    format_unanswered,
    last_days,
    render_chart,
    unanswered_report,
)
from bot.i18n import _, use_language
from bot.storage.db import create_engine, session_factory
from bot.storage.models import Feedback, MessageLog, Person, Ticket, TicketMessage

ZONE = ZoneInfo("Asia/Ulaanbaatar")
START = datetime(2021, 3, 1, tzinfo=ZONE)
END = datetime(2021, 3, 8, tzinfo=ZONE)


def local(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2021, month, day, hour, minute, tzinfo=ZONE)


async def _person(session: AsyncSession) -> int:
    person = Person(channel="test", external_id="1", chat_id="1")
    session.add(person)
    await session.flush()
    return person.id


def _asked(
    person_id: int, at: datetime, text: str, intent: str | None, score: float | None
) -> MessageLog:
    return MessageLog(
        person_id=person_id, direction="in", text=text, intent=intent, score=score, created_at=at
    )


def _voted(person_id: int, question: MessageLog, helpful: bool, at: datetime) -> Feedback:
    return Feedback(
        person_id=person_id,
        question_log_id=question.id,
        question=question.text,
        entry_id=question.intent or "",
        score=question.score or 0.0,
        helpful=helpful,
        created_at=at,
    )


def _ticket(
    person_id: int,
    created: datetime,
    status: str = "open",
    closed: datetime | None = None,
    csat: int | None = None,
) -> Ticket:
    return Ticket(
        person_id=person_id,
        status=status,
        created_at=created,
        updated_at=created,
        closed_at=closed,
        csat=csat,
    )


async def _seed_figures(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions.begin() as session:
        pid = await _person(session)
        q1 = _asked(pid, local(3, 1, 9), "ESIS нууц үгээ мартсан", "esis_password", 82)
        q2 = _asked(pid, local(3, 1, 11), "хуваарь хэзээ", "schedule", 77)
        # 07:00 in Ulaanbaatar is 23:00 UTC the day before: it belongs to 2 March.
        q7 = _asked(pid, local(3, 2, 7), "esis nuuts ug martsan", "esis_password", 80)
        before = _asked(pid, local(2, 28, 23, 59), "цалин хэзээ буух вэ", None, 30)
        session.add_all([q1, q2, q7, before])
        session.add_all(
            [
                _asked(pid, local(3, 1, 12), "цалин хэзээ буух вэ", None, 40),
                _asked(pid, local(3, 2, 7, 30), "сайн байна уу", "greeting", 95),  # small talk
                _asked(pid, local(3, 2, 8), "хүнтэй ярих", "human", 90),
                _asked(pid, local(3, 2, 9, 30), "batlamj haana harah ve", None, 35),
                _asked(pid, local(3, 2, 10), "[menu:human]", None, None),  # a button
                _asked(pid, local(3, 2, 10, 5), "нэмэлт мэдээлэл", "ticket", None),
                _asked(pid, END, "цалин хэзээ буух вэ", None, 30),  # the end is excluded
                MessageLog(person_id=pid, direction="out", text="...", created_at=local(3, 1, 9)),
            ]
        )
        await session.flush()
        session.add_all(
            [
                _voted(pid, q1, True, local(3, 1, 9, 1)),
                _voted(pid, q2, True, local(3, 1, 11, 1)),
                _voted(pid, q7, False, local(3, 2, 7, 1)),
                _voted(pid, before, False, local(2, 28, 23, 59)),
            ]
        )

        t1 = _ticket(pid, local(3, 1, 10), "closed", local(3, 1, 12), csat=5)
        t2 = _ticket(pid, local(3, 2, 9), "closed", local(3, 2, 13), csat=3)
        t3 = _ticket(pid, local(3, 3, 15), "claimed")
        t6 = _ticket(pid, local(2, 20, 9))
        t8 = _ticket(pid, local(2, 25, 9), "closed", local(3, 4, 12), csat=5)
        session.add_all([t1, t2, t3, t6, t8])
        session.add_all(
            [
                _ticket(pid, local(3, 4, 9), "closed", local(3, 4, 10)),  # closed, not rated
                _ticket(pid, local(3, 7, 23, 30)),  # < 1 h old at the end
                _ticket(pid, local(3, 7, 10)),  # 14 h
                _ticket(pid, local(2, 1, 9), "claimed"),  # > 7 d, opened before the period
                _ticket(pid, local(3, 9, 9)),  # after the period
                _ticket(pid, local(2, 10), "closed", local(2, 26), csat=1),  # rated before
            ]
        )
        await session.flush()

        def message(ticket: Ticket, author: str, at: datetime, internal: bool = False) -> None:
            session.add(
                TicketMessage(ticket_id=ticket.id, author=author, internal=internal, created_at=at)
            )

        message(t1, "teacher", local(3, 1, 10))
        message(t1, "staff", local(3, 1, 10, 30))  # 30 min
        message(t2, "staff", local(3, 2, 9, 10), internal=True)  # a note is no reply
        message(t2, "teacher", local(3, 2, 9, 20))
        message(t2, "staff", local(3, 2, 11))  # 2 h
        message(t2, "staff", local(3, 2, 12))
        message(t3, "staff", local(3, 3, 16))  # 1 h
        message(t6, "staff", local(2, 20, 9, 1))  # opened before the period: not counted
        message(t8, "staff", local(2, 25, 9, 1))


async def test_figures_on_a_known_fixture(sessions: async_sessionmaker[AsyncSession]) -> None:
    await _seed_figures(sessions)
    async with sessions() as session:
        stats = await collect_stats(session, START, END)

    assert stats == Stats(
        first_day=START.date(),
        last_day=local(3, 7).date(),
        questions=6,
        answered=3,
        refused=2,
        asked_for_person=1,
        tickets_opened=6,
        deflection_rate=pytest.approx(3 / 9),
        feedback=(EntryFeedback("esis_password", 1, 1), EntryFeedback("schedule", 1, 0)),
        median_first_reply=timedelta(hours=1),
        csat_average=pytest.approx(13 / 3),
        csat_count=3,
        open_by_age=(1, 1, 1, 2),
        days=(
            DayCount(local(3, 1).date(), 3, 1),
            DayCount(local(3, 2).date(), 3, 1),
            DayCount(local(3, 3).date(), 0, 1),
            DayCount(local(3, 4).date(), 0, 1),
            DayCount(local(3, 5).date(), 0, 0),
            DayCount(local(3, 6).date(), 0, 0),
            DayCount(local(3, 7).date(), 0, 2),
        ),
    )

    with use_language("en"):
        text = format_stats(stats)
    for expected in (
        "Questions: 6",
        "answered by the bot: 3",
        "refused: 2",
        "asked for a person: 1",
        "Tickets opened: 6",
        "Deflection rate: 33.3%",
        "Median time to a first staff reply: 1 h 0 min",
        "CSAT average: 4.3 of 5, 3 ratings",
        "&lt; 1 h: 1 · 1–24 h: 1 · 1–7 d: 1 · &gt; 7 d: 2",
        "esis_password: 👍 1 · 👎 1 (50% 👍)",
        "schedule: 👍 1 · 👎 0 (100% 👍)",
    ):
        assert expected in text


async def test_an_empty_period_has_no_rates(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session:
        stats = await collect_stats(session, START, START + timedelta(hours=5))
    assert (stats.questions, stats.tickets_opened, stats.open_by_age) == (0, 0, (0, 0, 0, 0))
    assert stats.deflection_rate is None and stats.median_first_reply is None
    assert stats.csat_average is None and stats.csat_count == 0
    assert stats.days == (DayCount(START.date(), 0, 0),)
    with use_language("en"):
        assert "Deflection rate: —" in format_stats(stats)


def test_last_days_start_at_local_midnight() -> None:
    now = datetime(2021, 3, 7, 20, 0, tzinfo=UTC)  # 04:00 on 8 March in Ulaanbaatar
    assert last_days(7, now) == (datetime(2021, 3, 2, tzinfo=ZONE), now)


def test_the_chart_is_a_png() -> None:
    days = tuple(DayCount(local(3, d).date(), d * 3, d % 3) for d in range(1, 32))
    stats = Stats(
        local(3, 1).date(), local(3, 31).date(), 10, 7, 2, 1, 3, 0.7, (), None, None, 0, (0,) * 4,
        days,
    )  # fmt: skip
    with use_language("mn"):
        png = render_chart(stats)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 1000


async def _seed_unanswered(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions.begin() as session:
        pid = await _person(session)
        refused = [
            "цалин хэзээ буух вэ",
            "tsalin hezee buuh ve",
            "Цалингаа хэзээ авах вэ",
            "wifi ажиллахгүй байна",
            "цалин хэзээ буух вэ",
            "batlamj haana harah ve",
            "интернет ажиллахгүй байна",
        ]
        session.add_all(
            _asked(pid, local(3, 2, 9, n), text, None, 30) for n, text in enumerate(refused)
        )
        session.add_all(  # outside the period: would make "цалин" larger still
            _asked(pid, local(2, 27, 9, n), "цалин хэзээ буух вэ", None, 30) for n in range(5)
        )
        answered = [
            _asked(pid, local(3, 3, 9, n), "батламж хаана харах вэ", "certificate_view", 70)
            for n in range(3)
        ]
        session.add_all(answered)
        session.add(_asked(pid, local(3, 3, 10), "нууц үг", "esis_password", 90))  # no vote
        await session.flush()
        session.add_all(
            [
                _voted(pid, answered[0], False, local(3, 3, 9, 30)),
                _voted(pid, answered[1], False, local(3, 3, 9, 31)),
                _voted(pid, answered[2], True, local(3, 3, 9, 32)),  # 👍 is not unanswered
            ]
        )


async def test_report_groups_near_duplicates_most_frequent_first(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _seed_unanswered(sessions)
    async with sessions() as session:
        groups = await unanswered_report(session, START, END, limit=10)
        top_two = await unanswered_report(session, START, END, limit=2)

    summary = [(g.count, g.refused, g.unhelpful, g.example, g.entries) for g in groups]
    assert summary[:2] == [
        (4, 4, 0, "цалин хэзээ буух вэ", ()),  # Cyrillic, Latin and a suffix: one group
        (3, 1, 2, "батламж хаана харах вэ", ("certificate_view",)),
    ]
    # "wifi" and "интернет" not working are different problems: two groups of one.
    assert sorted(summary[2:]) == [
        (1, 1, 0, "wifi ажиллахгүй байна", ()),
        (1, 1, 0, "интернет ажиллахгүй байна", ()),
    ]
    assert top_two == groups[:2]

    with use_language("en"):
        text = format_unanswered(groups)
        assert format_unanswered([]) == "No unanswered questions in this period."
    assert "1. <b>×4</b> «цалин хэзээ буух вэ» — refused: 4" in text
    assert "2. <b>×3</b> «батламж хаана харах вэ» — refused: 1; 👎: 2 (certificate_view)" in text


# ---- the command line ------------------------------------------------------------------------


def helpdesk(*args: str, database: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("HELPDESK_")}
    environment["HELPDESK_DATABASE_URL"] = database
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )


async def _seed_recent(url: str) -> None:
    database = create_engine(url)
    now = datetime.now(UTC)
    try:
        async with session_factory(database).begin() as session:
            pid = await _person(session)
            session.add_all(
                [
                    _asked(pid, now - timedelta(hours=2), "цалин хэзээ буух вэ", None, 30),
                    _asked(pid, now - timedelta(hours=2), "tsalin hezee buuh ve", None, 30),
                    _asked(pid, now - timedelta(hours=2), "нууц үг", "esis_password", 90),
                    _asked(pid, now - timedelta(days=30), "wifi ажиллахгүй", None, 30),
                    _ticket(pid, now - timedelta(hours=3)),
                ]
            )
    finally:
        await database.dispose()


def test_commands_print_the_figures(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'stats.db'}"
    empty = helpdesk("stats", database=url)  # creates and upgrades the embedded database
    assert empty.returncode == 0, empty.stderr
    asyncio.run(_seed_recent(url))

    stats = helpdesk("stats", "--days", "7", database=url)
    unanswered = helpdesk("report", "unanswered", "--days", "7", "--limit", "5", database=url)
    assert stats.returncode == 0 and unanswered.returncode == 0, stats.stderr + unanswered.stderr
    with use_language("mn"):  # the command speaks the default language
        for expected in (
            f"{_('Questions')}: 3",
            f"{_('answered by the bot')}: 1",
            f"{_('refused')}: 2",
            f"{_('Tickets opened')}: 1",
            f"{_('1–24 h')}: 1",
        ):
            assert expected in stats.stdout
        assert "<b>" not in stats.stdout  # plain text in a terminal
        assert "×2 «цалин хэзээ буух вэ»" in unanswered.stdout
        assert "wifi" not in unanswered.stdout  # 30 days ago


def test_bad_days_is_a_usage_error(tmp_path: Path) -> None:
    result = helpdesk("stats", "--days", "0", database=f"sqlite+aiosqlite:///{tmp_path}/x.db")
    assert result.returncode == 2
    assert result.stderr.strip() == "helpdesk: --days must be at least 1"


def test_starting_the_bot_does_not_load_matplotlib() -> None:
    code = "import sys, bot.admin_cli, bot.desk.stats; print('matplotlib' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "False"
