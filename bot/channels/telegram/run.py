"""Telegram's part of `helpdesk run`: long polling, or a webhook the web app receives."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from contextlib import AsyncExitStack

from telegram.error import TelegramError
from telegram.ext import Application

from bot.channels.telegram.app import build_application, register_commands
from bot.config import Settings
from bot.runtime import Runtime

log = logging.getLogger(__name__)

# chat_member: someone joins or leaves the staff group (the bot must be an admin there).
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "chat_member"]
POLL_TIMEOUT = 10  # seconds Telegram holds a getUpdates call open while there is nothing new
POLL_BACKOFF_MAX = 30.0  # seconds between getUpdates attempts while they fail, at most


class Poller:
    """Long polling that confirms an update to Telegram only after its handlers have run.

    PTB's Updater confirms a batch as soon as it is queued, so a crash (SIGKILL, out of
    memory) loses every update fetched and not yet handled. Here the offset passes an update
    once it is handled: after a crash Telegram hands out the rest again, and the one update
    that may have been handled already is skipped by the desk (processed_events).
    """

    def __init__(self, application: Application) -> None:  # type: ignore[type-arg]
        self.application = application
        self.offset: int | None = None
        self._stopping = False
        self._waiting = True  # on Telegram or a backoff, not in a handler: safe to cancel
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.application.bot.delete_webhook()  # getUpdates fails while one is set
        self._task = asyncio.create_task(self._poll(), name="Telegram polling")

    async def _poll(self) -> None:
        failures = 0
        while not self._stopping:
            try:
                updates = await self.application.bot.get_updates(
                    offset=self.offset, timeout=POLL_TIMEOUT, allowed_updates=ALLOWED_UPDATES
                )
            except TelegramError as exc:
                failures += 1
                delay = min(2.0**failures, POLL_BACKOFF_MAX)
                log.warning("getUpdates failed (%s); trying again in %.0f s", exc, delay)
                await asyncio.sleep(delay)
                continue
            failures = 0
            for update in updates:
                if self._stopping:
                    break
                self._waiting = False
                try:
                    await self.application.process_update(update)
                except Exception:  # handlers' errors go to the error handler; this is PTB's
                    log.exception("update %s could not be processed", update.update_id)
                finally:
                    self._waiting = True
                self.offset = update.update_id + 1

    async def stop(self) -> None:
        """Finish the update in hand, then confirm to Telegram every update handled."""
        self._stopping = True
        if self._task is None:
            return
        if self._waiting:
            self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        if self.offset is not None:
            with contextlib.suppress(TelegramError):
                await self.application.bot.get_updates(
                    offset=self.offset, timeout=0, limit=1, allowed_updates=ALLOWED_UPDATES
                )


async def start_telegram(
    settings: Settings, runtime: Runtime, stack: AsyncExitStack
) -> Application:  # type: ignore[type-arg]
    """Start the bot, its stops registered on `stack` so they run in reverse order.

    With HELPDESK_WEBHOOK_URL set, Telegram is told to post to <URL>/telegram and the caller
    serves the web app; otherwise the bot polls.
    """
    webhook = bool(settings.webhook_url)
    application = build_application(settings, runtime.desk, webhook=webhook)
    await stack.enter_async_context(application)
    await register_commands(application)
    await application.start()
    stack.push_async_callback(application.stop)
    if webhook:
        assert settings.webhook_url and settings.webhook_secret
        await application.bot.set_webhook(
            settings.webhook_url.rstrip("/") + "/telegram",
            secret_token=settings.webhook_secret.get_secret_value(),
            allowed_updates=ALLOWED_UPDATES,
        )
        log.info("Telegram: webhook mode")
    else:
        poller = Poller(application)
        await poller.start()
        stack.push_async_callback(poller.stop)
        log.info("Telegram: polling for updates")
    return application
