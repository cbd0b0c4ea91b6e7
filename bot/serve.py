"""`helpdesk run`: Telegram and/or Messenger, whichever the settings configure, in one process.

The web app is served when a channel needs it (Telegram's webhook mode, Messenger always, the
web console when HELPDESK_PUBLIC_URL is set).
Shutdown runs in reverse: the web app stops taking requests, Messenger finishes the events in
hand, then Telegram stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator

import uvicorn
from starlette.applications import Starlette
from telegram.ext import Application

from bot.channels.messenger import Messenger
from bot.channels.telegram.run import start_telegram
from bot.channels.webconsole import console_app
from bot.channels.webconsole.access import Roles
from bot.config import Settings
from bot.runtime import housekeeping_forever, open_desk
from bot.web import create_web_app

log = logging.getLogger(__name__)

MESSENGER_SETTINGS = ("messenger_page_token", "messenger_app_secret", "messenger_verify_token")


def channels_of(settings: Settings) -> tuple[bool, bool]:
    """(Telegram, Messenger): which channels to run; one line naming what a mode lacks.

    With neither configured, Telegram is the mode asked for, and its token is what is missing.
    """
    messenger = any(getattr(settings, name) is not None for name in MESSENGER_SETTINGS)
    if messenger:
        settings.require(*MESSENGER_SETTINGS)
    else:
        settings.require("telegram_token")
    telegram = settings.telegram_token is not None
    if telegram and settings.webhook_url:
        settings.require("webhook_secret")
    return telegram, messenger


def console_roles(settings: Settings, telegram: Application | None) -> Roles:  # type: ignore[type-arg]
    """Admins by HELPDESK_ADMIN_IDS; methodologists by membership of the staff group, asked
    the way the staff commands ask (without Telegram, only admins get in)."""

    async def role_of(user_id: int) -> str | None:
        if user_id in settings.admin_ids:
            return "admin"
        if telegram is not None and await telegram.bot_data.staff_gate.allows(user_id):
            return "staff"
        return None

    return role_of


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)


@contextlib.asynccontextmanager
async def serving(app: Starlette, settings: Settings) -> AsyncIterator[None]:
    """The web app on HELPDESK_LISTEN while the block runs."""
    host, port = settings.listen_host_port
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host=host,
            port=port,
            log_level="warning",
            lifespan="off",
            timeout_keep_alive=5,  # idle connections closed
            limit_concurrency=200,  # past this, 503 rather than unbounded memory
        )
    )
    task = asyncio.create_task(server.serve())
    log.info("web app listening on %s", settings.listen)
    try:
        yield
    finally:
        server.should_exit = True
        await task


async def _cancelled(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def run(settings: Settings) -> int:
    """Serve until SIGTERM/SIGINT; the updates and events in hand finish before exiting."""
    with_telegram, with_messenger = channels_of(settings)
    stop = asyncio.Event()
    _stop_on_signals(stop)
    async with open_desk(settings) as runtime, contextlib.AsyncExitStack() as stack:
        # Trained now, not at a first message, and in a child: the bot keeps no training peak.
        await asyncio.to_thread(runtime.desk.knowledge.matcher.prepare, apart=True)
        telegram = None
        if with_telegram:
            telegram = await start_telegram(settings, runtime, stack, stop)
            if telegram is None:  # stopped before Telegram could be reached
                return 0
        if telegram is None:  # Telegram's job queue runs the chores when it runs
            chores = asyncio.create_task(housekeeping_forever(runtime), name="housekeeping")
            stack.push_async_callback(_cancelled, chores)
        messenger = None
        if with_messenger:
            messenger = await stack.enter_async_context(
                Messenger(runtime.desk, settings).running()
            )
            log.info("Messenger: webhook at /messenger")
        telegram_webhook = telegram if settings.webhook_url else None
        console = None
        if settings.public_url:  # the console needs the web app, in polling mode too
            console = console_app(runtime, console_roles(settings, telegram))
            log.info("web console at %s/console", settings.public_url.rstrip("/"))
        if telegram_webhook is not None or messenger is not None or console is not None:
            app = create_web_app(runtime, telegram_webhook, messenger, console)
            await stack.enter_async_context(serving(app, settings))
        await stop.wait()
    log.info("stopped cleanly")
    return 0
