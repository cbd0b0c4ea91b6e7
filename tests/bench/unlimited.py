"""`helpdesk run` with PTB's AIORateLimiter replaced by a pass-through (benchmark only).

`python -m tests.bench.unlimited` is `python -m bot run` except that requests are not paced to
Telegram's ~30 messages/s: what is left is the bot's own speed. Everything else (settings,
database, handlers, outbox, jobs) is the shipped code, in the same process layout.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.ext import BaseRateLimiter

from bot.channels.telegram import app


class PassThrough(BaseRateLimiter[int]):
    """Sends every request at once; a 429 is raised to the caller as it comes."""

    def __init__(self, max_retries: int = 0) -> None:
        self.max_retries = max_retries

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        return await callback(*args, **kwargs)


def main() -> int:
    app.AIORateLimiter = PassThrough  # type: ignore[attr-defined,misc]
    from bot.cli import main as helpdesk

    return helpdesk(["run"])


if __name__ == "__main__":
    sys.exit(main())
