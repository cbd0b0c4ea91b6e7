"""`helpdesk run` as real processes, a Bot API that fails on cue, and databases of a test's own.

Shared by tests/test_faults.py and tests/test_two_instances.py. Everything here stays on
127.0.0.1; the shared PostgreSQL server is only ever given scratch databases to create and drop.
"""

from __future__ import annotations

import asyncio
import glob
import json
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.storage.db import create_engine
from tests import updates
from tests.fake_telegram import (
    BOT_USER,
    JSON_FIELDS,
    Call,
    FakeBotApi,
    FakeBotApiServer,
    free_port,
)
from tests.support import admin_execute

TOKEN = "123:FAULTS"
PASSWORD_QUESTION = "ESIS нууц үгээ мартсан"
PASSWORD_STEPS = "ESIS-ийн нууц үгийг"  # how the answer to PASSWORD_QUESTION starts
STAFF_CHAT = -1009001
METHODOLOGIST = 9001
SECOND_METHODOLOGIST = 9002
RETRY_TEXT = "Туслах бот түр ажиллахгүй байна"  # "briefly unavailable, try again" in Mongolian
PROCESS_START = 60.0  # seconds a starting or stopping process gets at most


# ---- updates as Telegram sends them, less the update_id (see updates.numbered) -------------


def teacher_text(chat_id: int, text: str, name: str = "Дулмаа") -> dict[str, Any]:
    return {"message": updates.message({"text": text}, chat_id, name)}


def teacher_button(chat_id: int, data: str, name: str = "Дулмаа") -> dict[str, Any]:
    answer = updates.earlier(updates.private_chat(chat_id, name), {"text": "..."}, sender=BOT_USER)
    return {"callback_query": updates.callback_query(
        data, chat_id, name, chat_instance=f"ci{chat_id}", message=answer)}


def staff_reply(text: str, card_message_id: int, user_id: int = METHODOLOGIST) -> dict[str, Any]:
    """A methodologist answering a ticket by replying to its card (a group without topics)."""
    group = updates.supergroup(STAFF_CHAT)
    card = updates.earlier(group, {"text": "card"}, message_id=card_message_id, sender=BOT_USER)
    return {"message": updates.message({"text": text}, user_id, "Болд", chat=group, reply_to=card)}


def staff_button(data: str, user_id: int = METHODOLOGIST) -> dict[str, Any]:
    name = "Болд" if user_id == METHODOLOGIST else "Сүрэн"
    return {"callback_query": updates.callback_query(data, user_id, name, chat_instance="staff")}


# ---- a Bot API that fails on cue -----------------------------------------------------------

SEND_METHODS = frozenset(
    {"sendMessage", "sendPhoto", "sendDocument", "sendChatAction", "answerCallbackQuery",
     "editMessageReplyMarkup", "createForumTopic", "getChatMember", "getChat"}
)  # fmt: skip


@dataclass(frozen=True)
class Outage:
    """While on, matching calls fail: "429" (with retry_after), "502", or "timeout" (the fake
    holds the call past the bot's read timeout). A failed call is recorded as `method!kind`
    and delivers nothing."""

    kind: str
    chats: frozenset[int] | None = None  # None: calls to any chat, and calls without one
    retry_after: int = 1

    def matches(self, method: str, params: dict[str, Any]) -> bool:
        if method not in SEND_METHODS:
            return False
        return self.chats is None or int(params.get("chat_id", 0)) in self.chats


@dataclass
class FaultyBotApi(FakeBotApi):
    """FakeBotApi with outages, Telegram's forgetting of confirmed updates, and a watcher.

    getUpdates behaves as Telegram's does: an offset confirms every update below it, and
    confirmed updates are never handed out again; unconfirmed ones are, to any caller.
    """

    outages: list[Outage] = field(default_factory=list)
    hang_seconds: float = 7.0  # longer than PTB's 5 s read timeout
    # Called after each successful call, in the server's thread; returns True to "die": from
    # then on every call fails unrecorded, as if the caller had died just after this one.
    watcher: Callable[[str, dict[str, Any]], bool] | None = None
    # Called before each call, in the server's thread; returns True to "die" before the call
    # is recorded: the caller sent it, "Telegram" never took it.
    tripwire: Callable[[str, dict[str, Any]], bool] | None = None
    dead: bool = False
    confirmed: int = 0

    def outage_for(self, method: str, params: dict[str, Any]) -> Outage | None:
        return next((o for o in self.outages if o.matches(method, params)), None)

    def answer(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if not self.dead and self.tripwire is not None:
            self.dead = self.tripwire(method, params)
        if self.dead:
            return 502, {"ok": False, "error_code": 502, "description": "fake: caller died"}
        outage = self.outage_for(method, params)
        if outage is not None and outage.kind != "timeout":
            self.calls.append(Call(f"{method}!{outage.kind}", params))
            status = int(outage.kind)
            body: dict[str, Any] = {"ok": False, "error_code": status, "description": "fake"}
            if status == 429:
                body["parameters"] = {"retry_after": outage.retry_after}
            return status, body
        status, body = super().answer(method, params)
        if status == 200 and method in {"sendMessage", "sendPhoto", "sendDocument"}:
            params["message_id"] = body["result"]["message_id"]  # what a reply would refer to
        if status == 200 and method != "getUpdates" and self.watcher is not None:
            self.dead = self.watcher(method, params)
        return status, body

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getUpdates":
            self.confirmed = max(self.confirmed, int(params.get("offset") or 0))
            ready = [u for u in self.updates if u["update_id"] >= self.confirmed]
            return ready[: int(params.get("limit") or 100)]
        return super()._result(method, params)

    def failed(self, chat_id: int | None = None) -> list[Call]:
        return [
            call for call in self.calls
            if "!" in call.method
            and (chat_id is None or int(call.params.get("chat_id", 0)) == chat_id)
        ]  # fmt: skip

    def cards(self) -> dict[int, list[dict[str, Any]]]:
        """Ticket number → the card messages posted for it in the staff group."""
        posted: dict[int, list[dict[str, Any]]] = {}
        for params in self.sent():
            markup = params.get("reply_markup") or {}
            for row in markup.get("inline_keyboard", []):
                for button in row:
                    data = str(button.get("callback_data", ""))
                    if data.startswith("staff:claim:"):
                        posted.setdefault(int(data.rsplit(":", 1)[1]), []).append(params)
        return posted

    def card_message_id(self, ticket: int) -> int:
        """The message id the fake gave the ticket's card."""
        return int(self.cards()[ticket][0]["message_id"])

    def alerts(self) -> list[dict[str, Any]]:
        """Answers to button presses that show a text (the staff's; a teacher's show none)."""
        return [params for params in self.sent("answerCallbackQuery") if params.get("text")]


class FaultyBotApiServer(FakeBotApiServer):
    """The fake over HTTP; an outage of kind "timeout" holds the call past the read timeout."""

    api: FaultyBotApi

    async def _endpoint(self, request: Request) -> Response:
        method = request.path_params["method"]
        if self.api.dead:  # before the long-poll loop, which expects a result
            return JSONResponse(self.api.answer(method, {})[1], status_code=502)
        form = parse_qsl((await request.body()).decode()) + list(request.query_params.items())
        params = {key: json.loads(value) if key in JSON_FIELDS else value for key, value in form}
        outage = None if self.api.dead else self.api.outage_for(method, params)
        if outage is not None and outage.kind == "timeout":
            self.api.calls.append(Call(f"{method}!timeout", params))
            await asyncio.sleep(self.api.hang_seconds)
            return JSONResponse({"ok": False, "error_code": 504, "description": "fake"}, 504)
        return await super()._endpoint(request)


# ---- `helpdesk run` as a process ------------------------------------------------------------


def bot_environment(server: FakeBotApiServer, database_url: str, **extra: str) -> dict[str, str]:
    """This machine's environment without HELPDESK_*, plus the fake Bot API and a database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELPDESK_")}
    env.update(
        HELPDESK_TELEGRAM_TOKEN=TOKEN,
        HELPDESK_TELEGRAM_BASE_URL=server.base_url,
        HELPDESK_TELEGRAM_BASE_FILE_URL=server.base_url.replace("/bot", "/file/bot"),
        HELPDESK_DATABASE_URL=database_url,
        HELPDESK_STAFF_CHAT_ID=str(STAFF_CHAT),
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


class BotProcess:
    """`python -m bot <args>`; its output goes to a file (a pipe could fill and block it)."""

    def __init__(self, env: dict[str, str], log_path: Path, *args: str) -> None:
        self.log_path = log_path
        self._log = log_path.open("w", encoding="utf-8")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", *(args or ("run",))],
            env=env, stdout=self._log, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def output(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def tail(self, lines: int = 60) -> str:
        return "\n".join(self.output().splitlines()[-lines:])

    def kill(self) -> None:
        """SIGKILL: no handler runs, nothing is flushed or confirmed."""
        if self.alive():
            self.process.send_signal(signal.SIGKILL)
        self.wait()

    def wait(self) -> int:
        code = self.process.wait(timeout=PROCESS_START)
        self._log.close()
        return code

    def stop(self) -> int:
        """SIGTERM, as a service manager stops it; the exit code."""
        if self.alive():
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.wait()
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            self._log.close()
            raise


def run_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=env, capture_output=True, text=True, timeout=PROCESS_START,
    )  # fmt: skip


def wait_for(predicate: Callable[[], bool], timeout: float = 90.0) -> bool:
    """Poll until true; the timeout is a generous bound, never a measurement (two bots
    starting at once on a loaded 2-core machine took over 30 s to answer /healthz)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def unexpected_errors(output: str, handled: tuple[str, ...] = ()) -> list[str]:
    """ERROR and CRITICAL log lines, except the failures the bot logs as handled."""
    return [
        line for line in output.splitlines()
        if (" ERROR " in line or " CRITICAL " in line)
        and not any(marker in line for marker in handled)
    ]  # fmt: skip


# ---- databases -----------------------------------------------------------------------------


def query(url: str, sql: str) -> list[tuple[Any, ...]]:
    """Rows of one read-only statement, as the test sees the bot's database."""

    async def run() -> list[tuple[Any, ...]]:
        engine = create_engine(url)
        try:
            async with engine.connect() as connection:
                return [tuple(row) for row in await connection.execute(text(sql))]
        finally:
            await engine.dispose()

    return asyncio.run(run())


def scalar(url: str, sql: str) -> Any:
    return query(url, sql)[0][0]


def cards_recorded(url: str, tickets: int) -> bool:
    """Every card posted and its message id stored: a staff reply to it now finds the ticket."""
    count = scalar(url, "SELECT count(*) FROM tickets WHERE staff_card_message_id IS NOT NULL")
    return int(count) >= tickets


def outbox_drained(url: str) -> bool:
    return int(scalar(url, "SELECT count(*) FROM outbox WHERE sent_at IS NULL")) == 0


def with_buttons(params: dict[str, Any]) -> bool:
    return "inline_keyboard" in json.dumps(params.get("reply_markup") or {})


def answered_chats(api: FakeBotApi) -> set[int]:
    """Chats sent a message with buttons: in these flows, the last message of an answer."""
    return {int(p["chat_id"]) for p in api.sent() if with_buttons(p)}


def inbound_per_person(url: str) -> dict[int, int]:
    """Telegram user id → how many of their messages the desk handled (logged as "in")."""
    rows = query(url, "SELECT p.external_id, count(m.id) FROM people p JOIN message_log m "
                      "ON m.person_id = p.id AND m.direction = 'in' GROUP BY p.external_id")
    return {int(user): int(count) for user, count in rows}


@contextmanager
def scratch_database(server_url: str) -> Iterator[str]:
    """A database created on the shared server for one test, dropped afterwards."""
    name = f"helpdesk_scratch_{uuid.uuid4().hex[:10]}"
    asyncio.run(admin_execute(server_url, f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(admin_execute(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class PrivateCluster:
    """A PostgreSQL cluster of one test's own on a free port: stopping it disturbs no one.

    As root the server must run as the postgres user, so the directory is handed to it.
    """

    def __init__(self) -> None:
        bindir = _postgres_bin()
        if bindir is None:
            pytest.skip("initdb not found (/usr/lib/postgresql/*/bin): no private cluster")
        self.bindir = bindir
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("postgres")
            except KeyError:
                pytest.skip("running as root without a postgres user: no private cluster")
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self.root = Path(tempfile.mkdtemp(prefix="helpdesk-pg-"))
        if self.as_user:
            shutil.chown(self.root, "postgres", "postgres")
        self.data = self.root / "data"
        self.port = free_port()
        self.url = f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run(
            [*self.as_user, str(self.bindir / tool), *args],
            check=True, capture_output=True, text=True, timeout=PROCESS_START,
        )  # fmt: skip

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust",
                  "-E", "UTF8", "--locale=C", "--no-sync")  # fmt: skip

    def start(self) -> None:
        options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c synchronous_commit=off")  # fmt: skip
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"),
                  "-o", options, "-w", "-t", "60", "start")  # fmt: skip

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")

    def destroy(self) -> None:
        subprocess.run(
            [*self.as_user, str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m",
             "immediate", "-w", "stop"],
            capture_output=True, timeout=PROCESS_START,
        )  # fmt: skip
        shutil.rmtree(self.root, ignore_errors=True)
