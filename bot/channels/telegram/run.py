"""Telegram's part of `helpdesk run`: long polling, or a webhook the web app receives."""

from __future__ import annotations

import logging
from contextlib import AsyncExitStack

from telegram.ext import Application

from bot.channels.telegram.app import build_application, register_commands
from bot.config import Settings
from bot.runtime import Desk

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]


async def start_telegram(settings: Settings, desk: Desk, stack: AsyncExitStack) -> Application:  # type: ignore[type-arg]
    """Start the bot, its stops registered on `stack` so they run in reverse order.

    With HELPDESK_WEBHOOK_URL set, Telegram is told to post to <URL>/telegram and the caller
    serves the web app; otherwise the bot polls.
    """
    webhook = bool(settings.webhook_url)
    application = build_application(settings, desk.engine, webhook=webhook)
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
        assert application.updater is not None
        await application.updater.start_polling(allowed_updates=ALLOWED_UPDATES)
        stack.push_async_callback(application.updater.stop)
        log.info("Telegram: polling for updates")
    return application
