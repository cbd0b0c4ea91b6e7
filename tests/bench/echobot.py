"""The ceiling: a bare python-telegram-bot echo bot, default sequential processing.

`python -m tests.bench.echobot` polls HELPDESK_TELEGRAM_BASE_URL with HELPDESK_TELEGRAM_TOKEN
and answers every text with the same text; no rate limiter, no database. SIGTERM/SIGINT stop it.
"""

from __future__ import annotations

import logging
import os

from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """One reply per text, as the desk's smallest answer."""
    message = update.effective_message
    assert message is not None and message.text is not None
    await context.bot.send_message(message.chat_id, message.text)


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    application = (
        Application.builder()
        .token(os.environ["HELPDESK_TELEGRAM_TOKEN"])
        .base_url(os.environ["HELPDESK_TELEGRAM_BASE_URL"])
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    application.run_polling(allowed_updates=["message", "edited_message", "callback_query"])


if __name__ == "__main__":
    main()
