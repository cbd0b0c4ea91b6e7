"""Telegram's sending limits, kept without letting one chat's 429 hold every other chat.

PTB's AIORateLimiter waits out a 429 ("retry after N s") by pausing *every* request of the
bot and retrying: one teacher's chat answering 429 with retry_after=25 delayed another
teacher by 74 s (issue 18). Here a 429 is not waited for at all: it goes back to the caller,
which parks the message in the outbox for that chat until Telegram's retry_after has passed
(the outbox keeps each chat's order), and everyone else's messages go on.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram._utils.types import JSONDict
from telegram.ext import BaseRateLimiter

GROUP_MAX_RATE = 20  # messages a minute to one group: Telegram's limit for groups
GROUP_PERIOD = 60.0
GROUP_BURST = 6  # sent at once; the rest of a minute's budget is spread evenly over it
GROUP_MARGIN = 1.05  # a little slower than the limit: Telegram counts on its own clock

Answer = bool | JSONDict | list[JSONDict]


class SendRate(BaseRateLimiter[int]):
    """At most `overall_per_second` messages a second, and 20 a minute to each group.

    A group gets a few messages at once, then one every ~4.5 s: any 60 s holds at most 6 + 14.
    Spending the 20 in a burst (as a plain 20-a-minute bucket does) leaves the group silent
    for the rest of the minute, and in a rush the tickets of that minute wait unseen; spread
    out, the staff poster announces them in digests every few seconds instead (issue 16)."""

    def __init__(self, overall_per_second: float, group_per_minute: int = GROUP_MAX_RATE) -> None:
        self._overall = AsyncLimiter(overall_per_second, 1.0)
        self._group_per_minute = group_per_minute
        self._groups: dict[int | str, AsyncLimiter] = {}

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    def _group(self, chat_id: object) -> AsyncLimiter | None:
        with contextlib.suppress(TypeError, ValueError):
            chat_id = int(chat_id)  # type: ignore[call-overload]
        if isinstance(chat_id, int) and chat_id > 0:
            return None  # a person's private chat
        if not isinstance(chat_id, int | str):
            return None
        if chat_id not in self._groups:
            burst = max(1, min(GROUP_BURST, self._group_per_minute // 2))
            spread = max(1, self._group_per_minute - burst)  # one at a time over the minute
            drained_in = GROUP_PERIOD * burst / spread * GROUP_MARGIN
            self._groups[chat_id] = AsyncLimiter(burst, drained_in)
        return self._groups[chat_id]

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Answer]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Answer:
        """Requests without a chat (getUpdates, getMe...) are not limited; a RetryAfter is
        raised to the caller as it came."""
        if data.get("chat_id") is None:
            return await callback(*args, **kwargs)
        group = self._group(data["chat_id"])
        async with group if group is not None else contextlib.nullcontext(), self._overall:
            return await callback(*args, **kwargs)
