"""A deadline rush: 500 tickets in one minute, and a staff group that takes 20 messages a minute.

    python -m tests.bench.rush [--tickets 500] [--seconds 60]

The fake Bot API (loopback HTTP) answers 429 to a group past 20 messages in any 60 s, as
Telegram does. The bot runs its real Application (outbox job, send-rate limits); teachers ask
for a person at an even pace. Printed: how long until every ticket was visible to the staff
(named in a card or a digest), the longest and the median wait of one ticket, and how many
messages the staff group received. Target: no ticket waits more than a minute.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import tempfile
import threading
import time
from collections import deque
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from telegram import Update

from bot import PROJECT_ROOT
from bot.channels.telegram.app import build_application
from bot.config import Settings
from bot.desk.engine import Desk
from bot.desk.schedule import load_schedule
from bot.runtime import load_knowledge
from bot.storage.db import create_engine, session_factory, upgrade
from tests import updates
from tests.fake_telegram import FakeBotApi, FakeBotApiServer

STAFF_CHAT = -1009000
GROUP_PER_MINUTE = 20
TICKET = re.compile(r"[#№](\d+)")  # a card in Mongolian says №
ASK = "хүнтэй ярих, батламжаа олохгүй байна"


class GroupLimitedBotApi(FakeBotApi):
    """Telegram's group limit: at most 20 messages to a group in any 60 seconds."""

    def __init__(self) -> None:
        super().__init__()
        self.lock = threading.Lock()
        self.group_sends: deque[float] = deque()
        self.refused = 0
        self.seen: dict[int, float] = {}  # ticket number → when the staff first saw it
        self.staff_messages = 0

    def answer(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if method != "sendMessage" or int(params["chat_id"]) != STAFF_CHAT:
            return super().answer(method, params)
        with self.lock:
            now = time.monotonic()
            while self.group_sends and now - self.group_sends[0] >= 60:
                self.group_sends.popleft()
            if len(self.group_sends) >= GROUP_PER_MINUTE:
                self.refused += 1
                wait = int(60 - (now - self.group_sends[0])) + 1
                return 429, {"ok": False, "error_code": 429, "description": "Too Many Requests",
                             "parameters": {"retry_after": wait}}
            self.group_sends.append(now)
            self.staff_messages += 1
            for number in TICKET.findall(str(params.get("text", ""))):
                self.seen.setdefault(int(number), now)
        return super().answer(method, params)


async def run(tickets: int, seconds: float, url: str) -> None:
    await upgrade(url)
    database = create_engine(url)
    sessions = session_factory(database)
    settings = Settings()
    schedule = load_schedule(PROJECT_ROOT / "faq" / "schedule.yaml")
    desk = Desk(sessions, load_knowledge(settings), schedule, staff_chat=str(STAFF_CHAT))
    api = GroupLimitedBotApi()
    opened: dict[int, float] = {}
    with FakeBotApiServer(api) as server:
        application = build_application(
            settings.model_copy(update={"telegram_token": SecretStr("1:BENCH"),
                                        "telegram_base_url": server.base_url,
                                        "staff_chat_id": STAFF_CHAT}),
            desk, webhook=True,
        )
        async with application:
            await application.start()
            started = time.monotonic()
            for number in range(1, tickets + 1):
                await asyncio.sleep(max(0.0, started + number * seconds / tickets
                                        - time.monotonic()))
                update = updates.text(ASK, 500_000 + number, "Багш")
                await application.process_update(Update.de_json(update, application.bot))
                opened[number] = time.monotonic()  # tickets are numbered in arrival order
            deadline = time.monotonic() + 15 * 60
            while len(api.seen) < tickets and time.monotonic() < deadline:
                await asyncio.sleep(0.5)
            await application.stop()
    await database.dispose()

    waits = [api.seen[n] - opened[n] for n in opened if n in api.seen]
    print(f"tickets opened               {tickets} in {seconds:.0f} s")
    print(f"visible to the staff         {len(api.seen)} / {tickets}")
    if waits:
        last = max(api.seen.values()) - started
        print(f"last ticket visible after    {last:8.1f} s from the first")
        print(f"wait of one ticket           median {statistics.median(waits):6.1f} s   "
              f"max {max(waits):6.1f} s   (target: max ≤ 60 s)")
    print(f"messages to the staff group  {api.staff_messages}")
    print(f"429 answered by the fake     {api.refused}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        asyncio.run(run(args.tickets, args.seconds, url))


if __name__ == "__main__":
    main()
