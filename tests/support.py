"""Small helpers for driving the engine like a channel would."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text

from bot.desk.engine import Desk
from bot.desk.messages import Incoming, Reply
from bot.storage.db import create_engine


@dataclass(frozen=True)
class Entry:
    """A FAQ entry as the matcher sees it, for tests and benchmarks of the matcher alone."""

    id: str
    questions: tuple[str, ...]
    keywords: tuple[str, ...] = ()
    refuse: bool = False


async def admin_execute(url: str, statement: str) -> None:
    """A statement outside any transaction (CREATE / DROP DATABASE)."""
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await admin.dispose()


async def send(
    engine: Desk,
    text: str | None = None,
    *,
    action: str | None = None,
    user: str = "1001",
    name: str = "Сараа",
    channel: str = "test",
) -> list[Reply]:
    return await engine.handle(
        Incoming(
            channel=channel,
            user_id=user,
            chat_id=user,
            text=text,
            action=action,
            display_name=name,
        )
    )


def actions(replies: list[Reply]) -> list[str]:
    return [button.action for reply in replies for row in reply.buttons for button in row]


def joined(replies: list[Reply]) -> str:
    return "\n".join(reply.text for reply in replies)
