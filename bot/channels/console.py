"""The terminal chat: the same desk, no network. Buttons become numbered choices."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from typing import TextIO

from bot.desk import outbox
from bot.desk.engine import Desk
from bot.desk.messages import Button, Incoming, Reply, parse_id, plain
from bot.desk.outbox import Payload
from bot.desk.questions import menu_buttons
from bot.i18n import _, use_language
from bot.storage.models import OutboxMessage

CHANNEL = "console"
DELIVERY_INTERVAL = 1.0  # seconds between looks at the outbox while the prompt waits


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
        """Print the replies; their buttons become the numbered choices. A message without
        buttons (a staff reply, say) leaves the last question's choices answerable."""
        offered: list[Button] = []
        lines: list[str] = []
        menu_in: str | None = None
        show_menu = False
        for reply in replies:
            lines.append(plain(reply.text))
            for row in reply.buttons:
                for button in row:
                    offered.append(button)
                    lines.append(f"  [{len(offered)}] {button.label}")
            if reply.show_menu:
                show_menu, menu_in = True, reply.language or self.language
        if show_menu:
            with use_language(menu_in):
                labels = []
                for button in menu_buttons():
                    offered.append(button)
                    labels.append(f"[{len(offered)}] {button.label}")
                lines.append(_("Menu:") + " " + "  ".join(labels))
        if offered:
            self.choices = offered
        print("\n".join(lines), file=self.out)
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

    async def deliver_pending(self) -> int:
        """Everything due for this terminal, in order (each pass delivers one row a chat)."""
        total = 0
        while delivered := await outbox.deliver_due(
            self.desk.sessions, (CHANNEL,), self._deliver, chat_id=self.user_id
        ):
            total += delivered
        return total

    async def run(self, lines: TextIO) -> None:
        """Read lines and answer them; meanwhile whatever the outbox holds for this terminal
        (a methodologist's reply, a closing question) is printed as it comes, every second,
        without waiting for Enter."""
        interactive = lines.isatty()
        turn = asyncio.Lock()  # one printer at a time: a reply is never cut by a delivery

        async def deliver_forever() -> None:
            while True:
                await asyncio.sleep(DELIVERY_INTERVAL)
                async with turn:
                    delivered = await self.deliver_pending()
                if delivered and interactive:
                    print("> ", end="", file=self.out, flush=True)

        async with turn:
            await self.send("/start")
        deliveries = asyncio.create_task(deliver_forever())
        try:
            while True:
                async with turn:
                    await self.deliver_pending()
                if interactive:
                    print("> ", end="", file=self.out, flush=True)
                line = await asyncio.to_thread(lines.readline)
                if not line or line.strip() in {"/quit", "/exit"}:
                    break
                async with turn:
                    await self.send(line.rstrip("\n"))
        finally:
            deliveries.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await deliveries
        await self.deliver_pending()


async def chat(desk: Desk, user_id: str, language: str | None) -> None:
    await ConsoleChat(desk, sys.stdout, user_id=user_id, language=language).run(sys.stdin)
