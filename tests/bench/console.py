"""Web console benchmark: `python -m tests.bench.console [--tickets N] [--db sqlite|both]`.

A database with N tickets (three messages each, a quarter of them open), then the console's
pages as a browser asks for them, through the real Starlette app in process (httpx's ASGI
transport: server time, no network): the queue's first page, a search over every message,
a filtered search, a ticket page, and the knowledge editor's try box on the bundled FAQ.
Printed: the median and the slowest of REPEAT requests each. Targets (issue 15): queue and
search ≤ 300 ms, try box ≤ 100 ms. PostgreSQL needs HELPDESK_TEST_DATABASE_URL.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy import insert

from bot import PROJECT_ROOT
from bot.channels.webconsole import console_app
from bot.config import Settings
from bot.desk import console_access
from bot.desk import knowledge as knowledge_store
from bot.desk.engine import Desk
from bot.desk.schedule import load_schedule
from bot.runtime import Runtime, load_knowledge
from bot.storage.db import create_engine, session_factory, upgrade
from bot.storage.models import Person, Ticket, TicketMessage, utcnow
from bot.web import create_web_app
from tests.process_kit import scratch_database

REPEAT = 20
ADMIN = 1
WORDS = ("нууц үг", "ESIS", "батламж", "цахим сургалт", "имэйл", "хуваарь", "вебинар", "оноо")


async def fill(url: str, tickets: int) -> None:
    """N teachers with a ticket each: a question, a staff answer, a follow-up."""
    await upgrade(url)
    database = create_engine(url)
    sessions = session_factory(database)
    rng = random.Random(15)
    now = utcnow()
    async with sessions.begin() as session:
        await knowledge_store.seed_if_empty(session, Settings().faq_dir)
        people = [
            {"channel": "telegram", "external_id": str(n), "chat_id": str(n),
             "display_name": f"Багш {n}", "cohort": rng.choice((1, 5, 10))}
            for n in range(1, tickets + 1)
        ]  # fmt: skip
        await session.execute(insert(Person), people)
        await session.execute(
            insert(Ticket),
            [
                {"person_id": n, "status": "open" if n % 4 == 0 else "closed",
                 "cohort": people[n - 1]["cohort"], "language": "mn", "context": {},
                 "created_at": now, "updated_at": now}
                for n in range(1, tickets + 1)
            ],
        )  # fmt: skip
        messages = []
        for n in range(1, tickets + 1):
            word = rng.choice(WORDS)
            messages += [
                {"ticket_id": n, "author": "teacher", "text": f"Сайн байна уу, {word} асуудал {n}",
                 "created_at": now},
                {"ticket_id": n, "author": "staff", "author_name": "Болд",
                 "text": "Сургуулийнхаа менежерт хандаарай", "created_at": now},
                {"ticket_id": n, "author": "teacher", "text": "Баярлалаа", "created_at": now},
            ]  # fmt: skip
        await session.execute(insert(TicketMessage), messages)
    await database.dispose()


async def measure(url: str, tickets: int) -> None:
    await fill(url, tickets)
    database = create_engine(url)
    sessions = session_factory(database)
    settings = Settings(public_url="https://desk.example.mn")
    desk = Desk(sessions, load_knowledge(settings),
                load_schedule(PROJECT_ROOT / "faq" / "schedule.yaml"))  # fmt: skip
    runtime = Runtime(settings, database, sessions, desk)

    async def admin_only(user_id: int) -> str | None:
        return "admin" if user_id == ADMIN else None

    app = create_web_app(runtime, None, None, console_app(runtime, admin_only))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=settings.public_url) as client:
        async with sessions.begin() as session:
            token = console_access.issue_link(session, ADMIN, "Админ", utcnow())
        assert (await client.get(f"/console/login?token={token}")).status_code == 303
        page = await client.get("/console/knowledge/esis_password")
        csrf = page.text.split('name="csrf" value="')[1].split('"')[0]
        editor = {"csrf": csrf, "questions": "ESIS-ийн нууц үгээ мартсан", "answer": "Хариулт",
                  "do": "try", "try": "нууц үгээ мартчихлаа"}  # fmt: skip
        cases = [
            ("queue, open, page 1", "GET", "/console/", None),
            ("queue, all, page 100", "GET", "/console/?status=all&page=100", None),
            ("search «нууц үг», all", "GET", "/console/?status=all&q=нууц+үг", None),
            ("search + cohort 5 + open", "GET", "/console/?status=open&cohort=5&q=esis", None),
            ("a ticket", "GET", f"/console/tickets/{tickets // 2}", None),
            ("try box (bundled FAQ)", "POST", "/console/knowledge/esis_password", editor),
        ]
        print(f"{tickets} tickets on {url.split(':')[0]}")
        for name, method, path, data in cases:
            times = []
            for _ in range(REPEAT):
                started = time.perf_counter()
                answer = await client.request(method, path, data=data)
                times.append((time.perf_counter() - started) * 1000)
                assert answer.status_code == 200, (path, answer.status_code)
            print(
                f"  {name:28} median {statistics.median(times):7.1f} ms   max {max(times):7.1f} ms"
            )
    await database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=20_000)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    options = parser.parse_args()
    if options.db in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as directory:
            asyncio.run(
                measure(f"sqlite+aiosqlite:///{Path(directory) / 'c.db'}", options.tickets)
            )
    server = os.environ.get("HELPDESK_TEST_DATABASE_URL")
    if options.db in ("postgresql", "both") and server:
        with scratch_database(server) as url:
            asyncio.run(measure(url, options.tickets))


if __name__ == "__main__":
    main()
