"""Telegram's part of `helpdesk run`: long polling, or a webhook the web app receives."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from asyncio import FIRST_COMPLETED
from contextlib import AsyncExitStack

from telegram import Update
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import Application

from bot.channels.telegram.app import build_application, register_commands
from bot.channels.telegram.lanes import ChatLanes
from bot.config import Settings, SettingsError
from bot.i18n import N_
from bot.runtime import Runtime

log = logging.getLogger(__name__)

# chat_member: someone joins or leaves the staff group (the bot must be an admin there).
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "chat_member"]
POLL_TIMEOUT = 10  # seconds Telegram holds a getUpdates call open while there is nothing new
POLL_BACKOFF_MAX = 30.0  # seconds between getUpdates attempts while they fail, at most
MAX_IN_HAND = 200  # updates fetched and not yet handled; past it, fetching waits
START_BACKOFF_MAX = 60.0  # seconds between tries to reach Telegram at start, at most
IN_HAND_POLL = 0.1  # seconds: how often to look for new updates while others are in hand
REFILL_BELOW = 20  # … and only while fewer than this are: see Poller._poll


class Poller:
    """Long polling that confirms an update to Telegram only after its handlers have run.

    PTB's Updater confirms a batch as soon as it is queued, so a crash (SIGKILL, out of
    memory) loses every update fetched and not yet handled. Here the offset passes an update
    once it and every earlier one are handled: after a crash Telegram hands out the rest
    again, and an update that was handled already is skipped by the desk (processed_events).
    Updates are handled in their chats' lanes (bot.channels.telegram.lanes), side by side.
    Asking Telegram for new updates while older ones are still in hand hands those out again
    too; they are recognised by their ids and left alone.
    """

    def __init__(self, application: Application) -> None:  # type: ignore[type-arg]
        self.application = application
        self.lanes = ChatLanes(application)
        self.seen: int | None = None  # the newest update id taken in hand
        self.in_hand: dict[int, asyncio.Task[None]] = {}
        self._stopping = False
        self._task: asyncio.Task[None] | None = None

    def offset(self) -> int | None:
        """What Telegram may forget: everything below the oldest update still in hand."""
        if self.in_hand:
            return min(self.in_hand)
        return None if self.seen is None else self.seen + 1

    async def start(self) -> None:
        await self.application.bot.delete_webhook()  # getUpdates fails while one is set
        self._task = asyncio.create_task(self._poll(), name="Telegram polling")

    async def _poll(self) -> None:
        failures = 0
        while not self._stopping:
            try:
                updates = await self.application.bot.get_updates(
                    offset=self.offset(),
                    timeout=0 if self.in_hand else POLL_TIMEOUT,
                    allowed_updates=ALLOWED_UPDATES,
                )
            except TelegramError as exc:
                failures += 1
                delay = min(2.0**failures, POLL_BACKOFF_MAX)
                log.warning("getUpdates failed (%s); trying again in %.0f s", exc, delay)
                await asyncio.sleep(delay)
                continue
            failures = 0
            fresh = [u for u in updates if self.seen is None or u.update_id > self.seen]
            for update in fresh:
                self.seen = update.update_id
                self.in_hand[update.update_id] = asyncio.create_task(self._handle(update))
                while len(self.in_hand) >= MAX_IN_HAND:
                    await asyncio.wait(self.in_hand.values(), return_when=FIRST_COMPLETED)
            if self.in_hand:
                # Telegram answers at once while updates are unconfirmed, with those again:
                # give the turns in hand a moment to finish before asking. Every update in
                # hand comes back with each answer and is parsed again for nothing, so with
                # many in hand (a backlog) the next ask waits until most are handled: asking
                # every 0.1 s parsed ~10 old updates per new one, 2 ms of CPU per update.
                await asyncio.wait(self.in_hand.values(), timeout=IN_HAND_POLL)
                while len(self.in_hand) >= REFILL_BELOW and not self._stopping:
                    await asyncio.wait(self.in_hand.values(), return_when=FIRST_COMPLETED)

    async def _handle(self, update: Update) -> None:
        try:
            await self.lanes.process(update)
        except Exception:  # handlers' errors go to the error handler; this is PTB's
            log.exception("update %s could not be processed", update.update_id)
        finally:
            del self.in_hand[update.update_id]

    async def stop(self) -> None:
        """Finish the updates in hand, then confirm to Telegram every update handled."""
        self._stopping = True
        if self._task is None:
            return
        self._task.cancel()  # it waits on Telegram or on turns; the turns are tasks of their own
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        await asyncio.gather(*self.in_hand.values(), return_exceptions=True)
        if self.offset() is not None:
            with contextlib.suppress(TelegramError):
                await self.application.bot.get_updates(
                    offset=self.offset(), timeout=0, limit=1, allowed_updates=ALLOWED_UPDATES
                )


async def _reach(application: Application, stop: asyncio.Event) -> bool:  # type: ignore[type-arg]
    """Initialize the bot (it asks Telegram who it is) once Telegram answers: a network
    outage at start is waited out with one log line per try, not a traceback; a token
    Telegram rejects stops with one line. False when asked to stop meanwhile."""
    delay = 1.0
    while True:
        try:
            await application.initialize()
            return True
        except InvalidToken:
            raise SettingsError(
                N_("{name}: Telegram rejected the token (revoked or mistyped)"),
                name="HELPDESK_TELEGRAM_TOKEN",
            ) from None
        except NetworkError as exc:  # timeouts too
            log.warning("Telegram is unreachable (%s); trying again in %.0f s", exc, delay)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), delay)
        if stop.is_set():
            return False
        delay = min(delay * 2, START_BACKOFF_MAX)


async def start_telegram(
    settings: Settings, runtime: Runtime, stack: AsyncExitStack, stop: asyncio.Event
) -> Application | None:  # type: ignore[type-arg]
    """Start the bot, its stops registered on `stack` so they run in reverse order; None when
    `stop` was set while Telegram could not be reached.

    With HELPDESK_WEBHOOK_URL set, Telegram is told to post to <URL>/telegram and the caller
    serves the web app; otherwise the bot polls.
    """
    webhook = bool(settings.webhook_url)
    application = build_application(settings, runtime.desk, webhook=webhook)
    if not await _reach(application, stop):
        return None
    stack.push_async_callback(application.shutdown)
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
