"""Reminder broadcast: N subscribers, delivered through the outbox at Telegram's pace.

    python -m tests.bench.reminders [--subscribers 10000] [--database-url URL]

The fake Bot API (loopback HTTP) enforces Telegram's broadcast limits — 30 messages a second
across chats, 1 a second within a chat — answering 429 with retry_after beyond them. The bot
runs its real Application with its outbox job; the run ends when every reminder is sent.
Target: within 10 % of the theoretical N / 30 s, no 429 left unhandled, each subscriber
messaged exactly once.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import threading
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from sqlalchemy import func, insert, select

from bot import PROJECT_ROOT
from bot.channels.telegram.app import build_application
from bot.config import Settings
from bot.desk import reminders
from bot.desk.engine import Desk
from bot.desk.schedule import load_schedule
from bot.runtime import load_knowledge
from bot.storage.db import create_engine, session_factory, upgrade
from bot.storage.models import OutboxMessage, Person
from tests.fake_telegram import FakeBotApi, FakeBotApiServer

PER_SECOND = 30


class LimitedBotApi(FakeBotApi):
    """Telegram's limits: a token bucket of 30 a second overall, 1 a second per chat."""

    def __init__(self) -> None:
        super().__init__()
        self.lock = threading.Lock()
        self.tokens, self.refilled = float(PER_SECOND), time.monotonic()
        self.last_in_chat: dict[int, float] = {}
        self.refused = 0
        self.per_chat: Counter[int] = Counter()

    def answer(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if method != "sendMessage":
            return super().answer(method, params)
        chat = int(params["chat_id"])
        with self.lock:
            now = time.monotonic()
            self.tokens = min(PER_SECOND, self.tokens + (now - self.refilled) * PER_SECOND)
            self.refilled = now
            too_soon = now - self.last_in_chat.get(chat, -10.0) < 1.0
            if self.tokens < 1 or too_soon:
                self.refused += 1
                return 429, {"ok": False, "error_code": 429, "description": "Too Many Requests",
                             "parameters": {"retry_after": 1}}
            self.tokens -= 1
            self.last_in_chat[chat] = now
            self.per_chat[chat] += 1
        return super().answer(method, params)


async def drain(settings: Settings, desk: Desk) -> tuple[LimitedBotApi, float]:
    """Run the real Application against the limited fake until the outbox is empty."""
    api = LimitedBotApi()
    with FakeBotApiServer(api) as server:
        application = build_application(
            settings.model_copy(update={"telegram_token": SecretStr("1:BENCH"),
                                        "telegram_base_url": server.base_url}),
            desk, webhook=True,
        )
        async with application:
            started = time.perf_counter()
            await application.start()
            while True:
                await asyncio.sleep(0.5)
                async with desk.sessions() as session:
                    pending = await session.scalar(
                        select(func.count()).select_from(OutboxMessage)
                        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.dead.is_(False)))
                if not pending:
                    break
            elapsed = time.perf_counter() - started
            await application.stop()
    return api, elapsed


async def run(subscribers: int, url: str) -> None:
    await upgrade(url)
    database = create_engine(url)
    sessions = session_factory(database)
    settings = Settings()
    schedule = load_schedule(PROJECT_ROOT / "faq" / "schedule.yaml")
    engine = Desk(sessions, load_knowledge(settings), schedule)
    async with sessions.begin() as session:
        await session.execute(insert(Person), [
            {"channel": "telegram", "external_id": str(n), "chat_id": str(n),
             "display_name": "", "cohort": 1, "reminders": True}
            for n in range(1, subscribers + 1)
        ])
        # 1st-year e-learning opens 2021-04-15: three days before, everyone is due.
        queued = await reminders.enqueue_due(session, schedule, date(2021, 4, 12), (3, 1))
    assert queued == subscribers

    api, elapsed = await drain(settings, engine)
    async with sessions() as session:
        dead = await session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.dead))
    await database.dispose()

    theoretical = subscribers / PER_SECOND
    once = sum(1 for n in range(1, subscribers + 1) if api.per_chat[n] == 1)
    print(f"subscribers                 {subscribers}")
    print(f"elapsed                     {elapsed:8.1f} s")
    print(f"theoretical (N / 30 s)      {theoretical:8.1f} s")
    print(f"over theoretical            {100 * (elapsed / theoretical - 1):8.1f} %  "
          "(target ≤ 10 %)")
    print(f"429 answered by the fake    {api.refused}")
    print(f"rows given up (unhandled)   {dead}")
    print(f"messaged exactly once       {once} / {subscribers}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        asyncio.run(run(args.subscribers, url))


if __name__ == "__main__":
    main()
