"""The terminal chat: the same engine, no network. Buttons become numbered choices."""

from __future__ import annotations

import asyncio
import html
import re
import sys
from typing import TextIO

from bot.desk import outbox
from bot.desk.engine import MENU, Engine
from bot.desk.messages import Button, Incoming, Reply, parse_id
from bot.i18n import _, use_language
from bot.storage.models import OutboxMessage

CHANNEL = "console"
_TAG = re.compile(r"<[^>]+>")


def plain(text: str) -> str:
    """Telegram's HTML subset as terminal text."""
    return html.unescape(_TAG.sub("", text))


class ConsoleChat:
    def __init__(
        self,
        engine: Engine,
        out: TextIO,
        user_id: str = "console",
        language: str | None = None,
    ) -> None:
        self.engine = engine
        self.out = out
        self.user_id = user_id
        self.language = language
        self.choices: list[Button] = []

    def render(self, replies: list[Reply]) -> None:
        self.choices = []
        show_menu = False
        for reply in replies:
            print(plain(reply.text), file=self.out)
            for row in reply.buttons:
                for button in row:
                    self.choices.append(button)
                    print(f"  [{len(self.choices)}] {button.label}", file=self.out)
            show_menu = show_menu or reply.show_menu
        if show_menu:
            with use_language(self.language):
                labels = []
                for action, label in MENU:
                    self.choices.append(Button(_(label), action))
                    labels.append(f"[{len(self.choices)}] {_(label)}")
            print(_("Menu:") + " " + "  ".join(labels), file=self.out)
        self.out.flush()

    def incoming(self, line: str) -> Incoming:
        choice = line.strip()
        number = parse_id(choice)
        if number is not None and 1 <= number <= len(self.choices):
            button = self.choices[number - 1]
            return Incoming(
                CHANNEL, self.user_id, self.user_id, action=button.action, language=self.language
            )
        return Incoming(CHANNEL, self.user_id, self.user_id, text=line, language=self.language)

    async def send(self, line: str) -> None:
        self.render(await self.engine.handle(self.incoming(line)))

    async def _deliver(self, row: OutboxMessage) -> outbox.Outcome:
        """Messages from staff (e.g. `helpdesk tickets reply`) queued for this terminal."""
        buttons = tuple(
            tuple(Button(label, action) for label, action in row_)
            for row_ in row.payload.get("buttons", [])
        )
        self.render([Reply(row.payload.get("text", ""), buttons)])
        return outbox.Delivered(message_id=str(row.id))

    async def deliver_pending(self) -> None:
        await outbox.deliver_due(
            self.engine.sessions, (CHANNEL,), self._deliver, chat_id=self.user_id
        )

    async def run(self, lines: TextIO) -> None:
        await self.send("/start")
        interactive = lines.isatty()
        while True:
            await self.deliver_pending()
            if interactive:
                print("> ", end="", file=self.out, flush=True)
            line = await asyncio.to_thread(lines.readline)
            if not line or line.strip() in {"/quit", "/exit"}:
                break
            await self.send(line.rstrip("\n"))
        await self.deliver_pending()


async def chat(engine: Engine, user_id: str, language: str | None) -> None:
    await ConsoleChat(engine, sys.stdout, user_id=user_id, language=language).run(sys.stdin)
