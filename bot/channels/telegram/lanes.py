"""Updates handled side by side across chats, one after another within a chat.

Handled one at a time, one slow turn (a reply Telegram is slow to take, a locked database)
held every teacher behind it (issue 18). PTB's own `concurrent_updates` runs updates side
by side but gives up their order, and a teacher's "5" must be read after the question it
answers. So each chat gets a lane: a lock its updates take in arrival order (asyncio's locks
wake waiters first come, first served), and at most TURNS lanes run at once.
"""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.ext import Application

TURNS = 8
"""Turns in progress at once. More buys nothing on two cores: a turn is mostly CPU and the
database; this many keep one slow turn (network, a lock) from holding the others."""


def lane_of(update: Update) -> int | None:
    """The chat an update belongs to (None: updates about no chat share one lane)."""
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return None


class ChatLanes:
    def __init__(self, application: Application, turns: int = TURNS) -> None:  # type: ignore[type-arg]
        self._application = application
        self._turns = asyncio.Semaphore(turns)
        self._lanes: dict[int | None, tuple[asyncio.Lock, int]] = {}  # lock, updates queued

    async def process(self, update: Update) -> None:
        """Handle one update after the earlier ones of its chat; call in arrival order."""
        key = lane_of(update)
        lock, queued = self._lanes.get(key, (asyncio.Lock(), 0))
        self._lanes[key] = (lock, queued + 1)
        try:
            async with lock, self._turns:
                await self._application.process_update(update)
        finally:
            lock, queued = self._lanes[key]
            if queued == 1:
                del self._lanes[key]
            else:
                self._lanes[key] = (lock, queued - 1)
