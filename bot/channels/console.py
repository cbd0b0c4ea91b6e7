"""The terminal chat: the same desk, no network. Buttons become numbered choices."""

from __future__ import annotations

import asyncio
import html
import re
import sys
from typing import TextIO

from bot.desk import outbox
from bot.desk.engine import Desk
from bot.desk.messages import Button, Incoming, Reply, parse_id
from bot.desk.outbox import Payload
from bot.desk.questions import menu_buttons
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
        desk: Desk,
        out: TextIO,
        user_id: str = "console",
        language: str | None = None,
    ) -> None:
        self.desk = desk
        self.out = out
        self.user_id = user_id
        self.language = language
        self.choices: list[Button] = []

    def render(self, replies: list[Reply]) -> None:
        self.choices = []
        menu_in: str | None = None
        for reply in replies:
            print(plain(reply.text), file=self.out)
            for row in reply.buttons:
                for button in row:
                    self.choices.append(button)
                    print(f"  [{len(self.choices)}] {button.label}", file=self.out)
            if reply.show_menu:
                menu_in = reply.language or self.language
        if menu_in is not None or any(reply.show_menu for reply in replies):
            with use_language(menu_in):
                labels = []
                for button in menu_buttons():
                    self.choices.append(button)
                    labels.append(f"[{len(self.choices)}] {button.label}")
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
        self.render(await self.desk.handle(self.incoming(line)))

    async def _deliver(self, row: OutboxMessage) -> outbox.Outcome:
        """Messages from staff (e.g. `helpdesk tickets reply`) queued for this terminal."""
        self.render([Payload.from_json(row.payload).reply()])
        return outbox.Delivered(message_id=str(row.id))

    async def deliver_pending(self) -> None:
        await outbox.deliver_due(
            self.desk.sessions, (CHANNEL,), self._deliver, chat_id=self.user_id
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


async def chat(desk: Desk, user_id: str, language: str | None) -> None:
    await ConsoleChat(desk, sys.stdout, user_id=user_id, language=language).run(sys.stdin)
