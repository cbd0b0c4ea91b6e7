"""Certificate notices at scale: N teachers wait for their registration; one roster import
records all N dates.

    python -m tests.bench.notices [--subscribers 10000] [--drain 2000] [--database-url URL]

Times the import that queues the N notices in its own transaction (parse in the child process,
upsert, notices), on SQLite and, with --database-url, PostgreSQL; then, on a fresh database
of --drain subscribers, the delivery through the real Application against the reminder
benchmark's fake Bot API (30 messages a second, 1 a second per chat, 429 beyond).
Targets (issue 17): N = 10,000 queued in ≤ 30 s; the drain at Telegram's rate.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, insert, select

from bot import PROJECT_ROOT
from bot.config import Settings
from bot.desk.certificates import RegisterNumber
from bot.desk.engine import Desk
from bot.desk.roster import import_file
from bot.desk.schedule import load_schedule
from bot.runtime import load_knowledge
from bot.storage.db import create_engine, session_factory, upgrade
from bot.storage.models import NoticeRequest, OutboxMessage, Person
from tests.bench.reminders import PER_SECOND, drain
from tests.bench.roster import synthetic_roster

NUMBER, RESULT, DATE = 1, 8, 10  # columns of the synthetic roster


def editions(rows: int) -> tuple[bytes, bytes, list[str]]:
    """The roster with everyone passed and nobody registered yet, then everyone registered."""
    data, people = synthetic_roster(rows)
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    before, after = io.StringIO(), io.StringIO()
    for writer, date in ((csv.writer(before), ""), (csv.writer(after), "2021-09-01")):
        writer.writerow(lines[0])
        for line in lines[1:]:
            line[RESULT], line[DATE] = "тэнцсэн", date
            writer.writerow(line)
    numbers = [number for number, _surname in people]
    return before.getvalue().encode(), after.getvalue().encode(), numbers


async def subscribe(url: str, numbers: list[str]) -> None:
    engine = create_engine(url)
    async with session_factory(engine).begin() as session:
        await session.execute(insert(Person), [
            {"channel": "telegram", "external_id": str(n), "chat_id": str(n),
             "display_name": "", "language": "mn"}
            for n in range(1, len(numbers) + 1)
        ])
        ids = dict((await session.execute(select(Person.external_id, Person.id))).all())
        await session.execute(insert(NoticeRequest), [
            {"person_id": ids[str(n)], "kind": "certificate",
             "number_key": RegisterNumber(number).key}
            for n, number in enumerate(numbers, start=1)
        ])
    await engine.dispose()


async def queued(url: str, subscribers: int) -> float:
    """Seconds for the import that records every registration and queues the notices."""
    before, after, numbers = editions(subscribers)
    await upgrade(url)
    engine = create_engine(url)
    sessions = session_factory(engine)
    await import_file(sessions, before, "roster.csv")
    await subscribe(url, numbers)
    started = time.perf_counter()
    report = await import_file(sessions, after, "roster.csv")
    elapsed = time.perf_counter() - started
    async with sessions() as session:
        rows = await session.scalar(select(func.count()).select_from(OutboxMessage))
    await engine.dispose()
    assert report.notified == subscribers == rows, (report, rows)
    return elapsed


async def drained(url: str, subscribers: int) -> None:
    await queued(url, subscribers)
    database = create_engine(url)
    sessions = session_factory(database)
    settings = Settings()
    desk = Desk(sessions, load_knowledge(settings),
                load_schedule(PROJECT_ROOT / "faq" / "schedule.yaml"))
    api, elapsed = await drain(settings, desk)
    await database.dispose()
    once = sum(1 for n in range(1, subscribers + 1) if api.per_chat[n] == 1)
    theoretical = subscribers / PER_SECOND
    print(f"drain of {subscribers} notices     {elapsed:7.1f} s (theoretical {theoretical:.1f} s, "
          f"{100 * (elapsed / theoretical - 1):+.1f} %); 429 from the fake: {api.refused}; "
          f"messaged exactly once: {once} / {subscribers}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--drain", type=int, default=2_000, help="subscribers for the drain")
    parser.add_argument("--database-url", help="a PostgreSQL database, besides SQLite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        sqlite = f"sqlite+aiosqlite:///{Path(folder) / 'queue.db'}"
        seconds = asyncio.run(queued(sqlite, args.subscribers))
        print(f"import queuing {args.subscribers} notices, SQLite       {seconds:6.2f} s"
              " (target ≤ 30 s)")
        if args.database_url:
            seconds = asyncio.run(queued(args.database_url, args.subscribers))
            print(f"import queuing {args.subscribers} notices, PostgreSQL   {seconds:6.2f} s")
        if args.drain:
            asyncio.run(drained(f"sqlite+aiosqlite:///{Path(folder) / 'drain.db'}", args.drain))


if __name__ == "__main__":
    main()
