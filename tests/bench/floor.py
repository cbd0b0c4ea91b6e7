"""What one turn costs, in process: `python -m tests.bench.floor [--teachers N] [--bare-ms X]`.

The burst benchmark measures the whole bot; this one takes the desk's part apart, without
Telegram, to show where the CPU goes and what the database layer costs at the least:

- floor: transactions opened as the desk opens them (an AsyncSession per turn), holding one
  INSERT, then five prebuilt Core statements (record the event, read the person with the
  conversation, log the message in and the reply out, update the conversation) — the least a
  turn can write with SQLAlchemy's asyncio layer and the project's drivers;
- desk: Desk.handle on the burst workload (tests/bench/burst.py: the same teachers, texts
  and roster), one message after another: CPU per update, SQL statements per update, and how
  many matcher verdicts came from its memory of repeated texts.

CPU is process time (the aiosqlite worker thread included). With --bare-ms (the bare echo
bot's CPU per update, from the burst benchmark) it prints the budget a 0.5 ratio leaves: the
bot's Telegram part costs about what the whole bare bot does, so the desk may spend about as
much again. PostgreSQL needs HELPDESK_TEST_DATABASE_URL (or --pg-url).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import tempfile
import time
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from pathlib import Path
from unittest.mock import patch

from sqlalchemy import bindparam, event, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.desk.messages import Incoming
from bot.desk.roster import import_file
from bot.nlu.matcher import Matcher
from bot.runtime import open_desk
from bot.storage.db import create_engine, session_factory, upgrade
from bot.storage.models import Conversation, MessageLog, Person, ProcessedEvent, utcnow
from tests.bench.burst import FIRST_TEACHER, SEED, build_teachers, scratch_database
from tests.bench.roster import synthetic_roster

FLOOR_TURNS = 2000
WARM_UP = 200


def _cpu_ms_per_call(calls: int, started: float) -> float:
    return 1000 * (time.process_time() - started) / calls


async def floor(url: str) -> tuple[float, float]:
    """CPU ms per transaction: with one INSERT, and with a five-statement minimal turn."""
    engine = create_engine(url)
    sessions = session_factory(engine)
    dialect_insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
    events, people = ProcessedEvent.__table__, Person.__table__
    conversations, logs = Conversation.__table__, MessageLog.__table__
    record = dialect_insert(events).on_conflict_do_nothing().returning(events.c.id)
    read = (
        select(people.c.id, conversations.c.state, conversations.c.data)
        .join(conversations, conversations.c.person_id == people.c.id)
        .where(people.c.channel == bindparam("channel"), people.c.external_id == bindparam("who"))
    )
    log = insert(logs)
    save = (
        update(conversations)
        .where(conversations.c.person_id == bindparam("pid"))
        .values(state=bindparam("state"), updated_at=bindparam("at"))
    )
    try:
        async with sessions.begin() as session:  # one person to read and write
            person_id = await session.scalar(
                insert(people).returning(people.c.id),
                {"channel": "floor", "external_id": "1", "chat_id": "1", "reminders": False,
                 "created_at": utcnow(), "last_seen_at": utcnow()},
            )  # fmt: skip
            await session.execute(
                insert(conversations),
                {"person_id": person_id, "state": "idle", "data": {}, "updated_at": utcnow()},
            )

        async def one_insert(session: AsyncSession, number: int) -> None:
            await session.execute(
                record, {"channel": "floor", "event_id": f"a{number}", "created_at": utcnow()}
            )

        async def minimal_turn(session: AsyncSession, number: int) -> None:
            now = utcnow()
            await session.execute(
                record, {"channel": "floor", "event_id": f"b{number}", "created_at": now}
            )
            await session.execute(read, {"channel": "floor", "who": "1"})
            for direction in ("in", "out"):
                await session.execute(
                    log,
                    {"person_id": person_id, "direction": direction, "text": "нууц үг",
                     "created_at": now},
                )  # fmt: skip
            await session.execute(save, {"pid": person_id, "state": "idle", "at": now})

        figures = []
        for body in (one_insert, minimal_turn):
            figures.append(await _per_transaction(sessions, body))
        return figures[0], figures[1]
    finally:
        await engine.dispose()


async def _per_transaction(
    sessions: async_sessionmaker[AsyncSession],
    body: Callable[[AsyncSession, int], Awaitable[None]],
) -> float:
    for number in range(-WARM_UP, FLOOR_TURNS):
        if number == 0:
            started = time.process_time()
        async with sessions.begin() as session:
            await body(session, number)
    return _cpu_ms_per_call(FLOOR_TURNS, started)


async def desk_turns(url: str, teachers: int) -> tuple[float, float, float, int]:
    """Desk.handle over the burst workload: CPU ms and statements per update, the share of
    matcher verdicts remembered, and the updates measured."""
    settings = Settings(database_url=url, telegram_token="1:floor", staff_chat_id=-100)
    rng = random.Random(SEED)
    roster, people = synthetic_roster(max(1000, teachers))
    await upgrade(url)
    async with AsyncExitStack() as stack:
        desk = await stack.enter_async_context(open_desk(settings))
        report = await import_file(desk.sessions, roster, "roster.csv")
        assert not report.problems, report
        incomings = []
        workload = build_teachers(teachers, FIRST_TEACHER, people, rng)
        for step in range(3):  # first messages, then second ones, as a backlog drains
            for user, name, texts in workload:
                if step < len(texts):
                    number = str(len(incomings))
                    incomings.append(
                        Incoming(channel="telegram", user_id=str(user), chat_id=str(user),
                                 text=texts[step], display_name=name, message_id=number,
                                 event_id=number)
                    )  # fmt: skip
        statements = 0

        def count(*_args: object) -> None:
            nonlocal statements
            statements += 1

        event.listen(desk.database.sync_engine, "before_cursor_execute", count)
        for incoming in incomings[:WARM_UP]:
            await desk.desk.handle(incoming)
        measured = incomings[WARM_UP:]
        statements = 0
        with (
            patch.object(Matcher, "match", autospec=True, side_effect=Matcher.match) as matches,
            patch.object(Matcher, "_judge", autospec=True, side_effect=Matcher._judge) as judged,
        ):
            started = time.process_time()
            for incoming in measured:
                await desk.desk.handle(incoming)
            cpu = _cpu_ms_per_call(len(measured), started)
        remembered = 1 - judged.call_count / matches.call_count if matches.called else float("nan")
        return cpu, statements / len(measured), remembered, len(measured)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--teachers", type=int, default=3000, help="burst workload size")
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--pg-url", default=os.environ.get("HELPDESK_TEST_DATABASE_URL"))
    parser.add_argument("--bare-ms", type=float, help="bare echo bot's CPU per update (ms)")
    options = parser.parse_args()
    kinds = ["sqlite", "postgresql"] if options.db == "both" else [options.db]
    if "postgresql" in kinds and not options.pg_url:
        kinds.remove("postgresql")
        print("PostgreSQL skipped: no HELPDESK_TEST_DATABASE_URL / --pg-url")
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    rows = []
    for kind in kinds:
        with tempfile.TemporaryDirectory(prefix="floor-") as directory:
            with scratch_database(kind, Path(directory), options.pg_url) as url:
                asyncio.run(upgrade(url))
                one, five = asyncio.run(floor(url))
            (Path(directory) / "desk").mkdir()
            with scratch_database(kind, Path(directory) / "desk", options.pg_url) as url:
                cpu, statements, remembered, updates = asyncio.run(
                    desk_turns(url, options.teachers)
                )
        rows.append((kind, one, five, cpu, statements, remembered, updates))
    print(f"{'':44}" + "".join(f"{kind:>12}" for kind, *_ in rows))
    labels = (
        "transaction with one INSERT (CPU ms)",
        "minimal turn, 5 Core statements (CPU ms)",
        "Desk.handle, burst workload (CPU ms/upd)",
        "  SQL statements per update",
        "  matcher verdicts remembered",
        "  updates measured",
    )
    formats = ("{:.2f}", "{:.2f}", "{:.2f}", "{:.1f}", "{:.0%}", "{}")
    for index, (label, cell) in enumerate(zip(labels, formats, strict=True)):
        print(f"{label:44}" + "".join(f"{cell.format(row[index + 1]):>12}" for row in rows))
    if options.bare_ms:
        print(
            f"budget for the desk at ratio 0.5: about {options.bare_ms:.2f} ms per update "
            "(the bot's Telegram part costs about what the whole bare bot does)"
        )


if __name__ == "__main__":
    main()
