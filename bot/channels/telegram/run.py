"""`helpdesk run`: long polling, or the web app when HELPDESK_WEBHOOK_URL is set."""

from __future__ import annotations

import asyncio
import logging
import signal

import uvicorn

from bot.channels.telegram.app import build_application, register_commands
from bot.config import Settings
from bot.runtime import open_desk
from bot.web import create_web_app

log = logging.getLogger(__name__)


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)


async def run(settings: Settings) -> int:
    """Serve until SIGTERM/SIGINT; the update in hand is finished before the process exits."""
    settings.require("telegram_token")
    stop = asyncio.Event()
    _stop_on_signals(stop)
    async with open_desk(settings) as desk:
        webhook = bool(settings.webhook_url)
        if webhook:
            settings.require("webhook_secret")
        application = build_application(settings, desk.engine, webhook=webhook)
        async with application:
            await register_commands(application)
            await application.start()
            if webhook:
                assert settings.webhook_url and settings.webhook_secret
                await application.bot.set_webhook(
                    settings.webhook_url.rstrip("/") + "/telegram",
                    secret_token=settings.webhook_secret.get_secret_value(),
                    allowed_updates=["message", "edited_message", "callback_query"],
                )
                host, port = settings.listen_host_port
                server = uvicorn.Server(
                    uvicorn.Config(
                        create_web_app(desk, application),
                        host=host,
                        port=port,
                        log_level="warning",
                        lifespan="off",
                    )
                )
                serving = asyncio.create_task(server.serve())
                log.info("webhook mode: listening on %s", settings.listen)
                await stop.wait()
                server.should_exit = True
                await serving
            else:
                assert application.updater is not None
                await application.updater.start_polling(
                    allowed_updates=["message", "edited_message", "callback_query"]
                )
                log.info("polling for updates")
                await stop.wait()
                await application.updater.stop()
            await application.stop()
    log.info("stopped cleanly")
    return 0
