"""A fast loopback fake Bot API for the burst benchmark, meant to run in its own process.

`python -m tests.bench.fakebotapi [--port P] [--cpu N]` prints "listening <port>" and serves:

- the Bot API at /bot<token>/<method>: getUpdates hands out the released updates at once
  (a long poll is answered the moment an update is released, not at its timeout) and forgets
  those below the offset, as Telegram does; sendMessage and the other methods a bot calls are
  answered with a minimal valid result and recorded (chat, time);
- a control API at /control/<command> for the benchmark driver: `load` a scenario (teachers,
  each with the texts they send in turn), `status`, `report`, `quit`.

A teacher's first text is released when the scenario is loaded (a backlog) or on a steady
schedule (`rate` new teachers per second); each further text is released the moment the bot's
first reply to the previous one arrives, as a person answering the bot's question. One chat
per teacher, so every reply is attributed to the chat's latest released update.

Plain asyncio streams and HTTP/1.1 keep-alive, no framework: a few tens of microseconds per
call, so the fake is never what the bot waits for. All times are this process's monotonic
clock, in seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

BOT_USER = {"id": 777000, "is_bot": True, "first_name": "ITPD help desk", "username": "itpd_bot"}
STAFF_CHAT = {"type": "supergroup", "title": "Staff", "is_forum": False, "accent_color_id": 0,
              "max_reaction_count": 0, "accepted_gift_types": {
                  "unlimited_gifts": False, "limited_gifts": False, "unique_gifts": False,
                  "premium_subscription": False, "gifts_from_channels": False}}  # fmt: skip
MAX_WAIT = 30.0  # seconds a long poll is held at most, whatever timeout the bot asks for


@dataclass
class Teacher:
    user_id: int
    name: str
    texts: list[str]
    sent: int = 0  # how many of `texts` have been released
    message_id: int = 0
    current: int | None = None  # the update id of the latest released text


@dataclass
class Record:
    """One released update: when it was available, handed out, first answered."""

    update_id: int
    chat_id: int
    available: float
    handed: float | None = None
    first_reply: float | None = None
    replies: int = 0
    handouts: int = 0


@dataclass
class State:
    next_update_id: int = 1
    teachers: dict[int, Teacher] = field(default_factory=dict)
    queue: deque[tuple[int, bytes]] = field(default_factory=deque)  # (update id, JSON)
    records: dict[int, Record] = field(default_factory=dict)
    expected: int = 0  # texts in the scenario
    calls: Counter[str] = field(default_factory=Counter)
    chat_messages: Counter[int] = field(default_factory=Counter)  # teacher chats
    staff_messages: int = 0
    stray_messages: int = 0  # to a chat with no released update
    last_reply: float = 0.0
    first_handout: float | None = None
    release_done: bool = True
    pacer: asyncio.Task[None] | None = None
    wakeup: asyncio.Event = field(default_factory=asyncio.Event)
    message_ids: int = 100_000


class FakeBotApi:
    def __init__(self) -> None:
        self.state = State()
        self.stop = asyncio.Event()
        self.connections: set[asyncio.Task[Any]] = set()

    # ---- scenario --------------------------------------------------------------------------

    def _release(self, teacher: Teacher, now: float) -> None:
        state = self.state
        text = teacher.texts[teacher.sent]
        teacher.sent += 1
        teacher.message_id += 1
        update_id = state.next_update_id
        state.next_update_id += 1
        person = {
            "id": teacher.user_id,
            "is_bot": False,
            "first_name": teacher.name,
            "language_code": "mn",
        }
        chat = {"id": teacher.user_id, "type": "private", "first_name": teacher.name}
        update = {"update_id": update_id, "message": {
            "message_id": teacher.message_id, "date": int(time.time()), "chat": chat,
            "from": person, "text": text}}  # fmt: skip
        state.queue.append((update_id, json.dumps(update, ensure_ascii=False).encode()))
        state.records[update_id] = Record(update_id, teacher.user_id, now)
        teacher.current = update_id
        state.wakeup.set()

    def load(self, scenario: dict[str, Any]) -> dict[str, Any]:
        """A new scenario; updates of the previous one that are still queued are dropped."""
        state = self.state
        if state.pacer is not None:
            state.pacer.cancel()
        fresh = State(next_update_id=state.next_update_id, message_ids=state.message_ids)
        fresh.wakeup = state.wakeup
        self.state = state = fresh
        teachers = [Teacher(int(uid), str(name), list(texts))
                    for uid, name, texts in scenario["teachers"]]  # fmt: skip
        state.teachers = {teacher.user_id: teacher for teacher in teachers}
        state.expected = sum(len(teacher.texts) for teacher in teachers)
        rate = scenario.get("rate")
        if rate:
            state.release_done = False
            state.pacer = asyncio.create_task(self._pace(teachers, float(rate)))
        else:
            now = time.monotonic()
            for teacher in teachers:
                self._release(teacher, now)
        return {"teachers": len(teachers), "expected": state.expected}

    async def _pace(self, teachers: list[Teacher], rate: float) -> None:
        """Teacher i's first text is released at start + i / rate."""
        start = time.monotonic()
        for index, teacher in enumerate(teachers):
            due = start + index / rate
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            self._release(teacher, time.monotonic())
        self.state.release_done = True

    def status(self) -> dict[str, Any]:
        state = self.state
        answered = sum(1 for record in state.records.values() if record.first_reply is not None)
        return {
            "expected": state.expected,
            "released": len(state.records),
            "answered": answered,
            "done": state.release_done and answered == state.expected,
            "first_handout": state.first_handout,
            "last_reply": state.last_reply,
            "now": time.monotonic(),
        }

    def report(self) -> dict[str, Any]:
        state = self.state
        return {
            **self.status(),
            "records": [
                [
                    r.update_id,
                    r.chat_id,
                    r.available,
                    r.handed,
                    r.first_reply,
                    r.replies,
                    r.handouts,
                ]
                for r in state.records.values()
            ],
            "chat_messages": {str(chat): count for chat, count in state.chat_messages.items()},
            "calls": dict(state.calls),
            "staff_messages": state.staff_messages,
            "stray_messages": state.stray_messages,
        }

    # ---- the Bot API -----------------------------------------------------------------------

    async def get_updates(self, params: dict[str, str]) -> bytes:
        state = self.state
        offset = int(params.get("offset") or 0)
        limit = max(1, min(100, int(params.get("limit") or 100)))
        timeout = min(float(params.get("timeout") or 0), MAX_WAIT)
        queue = state.queue
        while queue and queue[0][0] < offset:
            queue.popleft()  # confirmed by the offset
        if not queue and timeout > 0:
            state.wakeup.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(state.wakeup.wait(), timeout)
            if self.state is not state:
                # A new scenario was loaded while this poll waited: it may be the poll of a bot
                # that has been stopped since, so it gets nothing; the next poll gets the news.
                return b'{"ok":true,"result":[]}'
            while queue and queue[0][0] < offset:
                queue.popleft()
        batch = [queue[index] for index in range(min(limit, len(queue)))]
        if batch:
            now = time.monotonic()
            if state.first_handout is None:
                state.first_handout = now
            for update_id, _body in batch:
                record = state.records.get(update_id)
                if record is not None:
                    record.handouts += 1
                    if record.handed is None:
                        record.handed = now
        return b'{"ok":true,"result":[' + b",".join(body for _id, body in batch) + b"]}"

    def send_message(self, params: dict[str, str]) -> bytes:
        state = self.state
        chat_id = int(params.get("chat_id") or 0)
        now = time.monotonic()
        state.message_ids += 1
        if chat_id < 0:
            state.staff_messages += 1
        else:
            teacher = state.teachers.get(chat_id)
            record = state.records.get(teacher.current) if teacher and teacher.current else None
            if record is None or teacher is None:
                state.stray_messages += 1
            else:
                state.chat_messages[chat_id] += 1
                state.last_reply = now
                record.replies += 1
                if record.first_reply is None:
                    record.first_reply = now
                    if teacher.sent < len(teacher.texts):
                        self._release(teacher, now)
        chat_type = "private" if chat_id > 0 else "supergroup"
        return (
            f'{{"ok":true,"result":{{"message_id":{state.message_ids},'
            f'"date":{int(time.time())},"chat":{{"id":{chat_id},"type":"{chat_type}"}},'
            f'"from":{json.dumps(BOT_USER)},"text":""}}}}'
        ).encode()

    async def bot_api(self, method: str, params: dict[str, str]) -> bytes:
        self.state.calls[method] += 1
        if method == "getUpdates":
            return await self.get_updates(params)
        if method in ("sendMessage", "sendPhoto", "sendDocument"):
            return self.send_message(params)
        if method == "getMe":
            return json.dumps({"ok": True, "result": BOT_USER}).encode()
        if method == "getChat":
            chat = {"id": int(params.get("chat_id") or 0), **STAFF_CHAT}
            return json.dumps({"ok": True, "result": chat}).encode()
        return b'{"ok":true,"result":true}'

    async def control(self, command: str, body: bytes) -> bytes:
        if command == "load":
            answer: dict[str, Any] = self.load(json.loads(body))
        elif command == "status":
            answer = self.status()
        elif command == "report":
            answer = self.report()
        elif command == "quit":
            self.stop.set()
            answer = {"ok": True}
        else:
            answer = {"error": f"unknown command {command}"}
        return json.dumps(answer).encode()

    # ---- HTTP/1.1 --------------------------------------------------------------------------

    async def serve_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        task = asyncio.current_task()
        assert task is not None
        self.connections.add(task)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                request_line, *header_lines = head.decode("latin-1").split("\r\n")
                verb, target, _version = request_line.split(" ", 2)
                length = 0
                for line in header_lines:
                    if line[:15].lower() == "content-length:":
                        length = int(line[15:])
                body = await reader.readexactly(length) if length else b""
                url = urlsplit(target)
                parts = url.path.strip("/").split("/")
                if parts[0] == "control":
                    payload = await self.control(parts[-1], body)
                else:
                    form = body.decode() if verb == "POST" else ""
                    params = dict(parse_qsl(form + "&" + url.query))
                    payload = await self.bot_api(parts[-1], params)
                writer.write(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                    + str(len(payload)).encode()
                    + b"\r\n\r\n"
                    + payload
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass  # the bot hung up, or the fake is stopping
        finally:
            self.connections.discard(task)
            writer.close()


async def serve(port: int) -> None:
    api = FakeBotApi()
    server = await asyncio.start_server(api.serve_connection, "127.0.0.1", port, backlog=1024)
    print(f"listening {server.sockets[0].getsockname()[1]}", flush=True)
    async with server:
        await api.stop.wait()
        for task in list(api.connections):
            task.cancel()
        await asyncio.gather(*api.connections, return_exceptions=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="0: any free port")
    parser.add_argument("--cpu", type=int, help="pin this process to one CPU")
    args = parser.parse_args()
    if args.cpu is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {args.cpu})
    asyncio.run(serve(args.port))


if __name__ == "__main__":
    main()
