"""Small helpers for driving the engine like a channel would."""

from __future__ import annotations

from bot.desk.engine import Engine
from bot.desk.messages import Incoming, Reply


async def send(
    engine: Engine,
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
