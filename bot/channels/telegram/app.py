"""The one place that builds the PTB Application, for production and tests alike."""

from __future__ import annotations

import html
import logging
from datetime import timedelta

from telegram import BotCommand
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.channels.telegram import teacher
from bot.channels.telegram.render import markup, split_text
from bot.config import Settings
from bot.desk import outbox
from bot.desk.engine import Engine
from bot.desk.messages import Button, Reply
from bot.i18n import _, use_language
from bot.storage.models import OutboxMessage

log = logging.getLogger(__name__)

OUTBOX_INTERVAL = 1.0  # seconds between looks at the outbox
RATE_LIMIT_RETRIES = 3  # a 429 on a direct reply is waited out, then retried


def _commands() -> list[BotCommand]:
    return [
        BotCommand("start", _("Start over")),
        BotCommand("menu", _("Main menu")),
        BotCommand("help", _("What I can do")),
        BotCommand("lang", _("Language")),
        BotCommand("cohort", _("Your year of work")),
    ]


async def register_commands(application: Application) -> None:  # type: ignore[type-arg]
    """The command list in both languages (Mongolian is the default)."""
    for language in ("mn", "en"):
        with use_language(language):
            await application.bot.set_my_commands(
                _commands(), language_code=None if language == "mn" else language
            )


async def _report_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure; tell the staff group it happened, never the teacher's text."""
    log.error("an update failed", exc_info=context.error)
    staff_chat_id = context.bot_data["settings"].staff_chat_id
    if staff_chat_id is None:
        return
    kind = type(context.error).__name__ if context.error else "error"
    try:
        await context.bot.send_message(
            staff_chat_id, f"⚠️ {html.escape(kind)}", parse_mode=ParseMode.HTML
        )
    except TelegramError:
        log.warning("could not report the error to the staff group")


def _payload_reply(row: OutboxMessage) -> Reply:
    buttons = tuple(
        tuple(Button(label, action) for label, action in row_)
        for row_ in row.payload.get("buttons", [])
    )
    return Reply(row.payload.get("text", ""), buttons)


def outbox_sender(application: Application) -> outbox.Sender:  # type: ignore[type-arg]
    """Send one outbox row; the platform's answer decides retry, give up, or done."""

    async def send(row: OutboxMessage) -> outbox.Outcome:
        reply = _payload_reply(row)
        pieces = split_text(reply.text)
        try:
            message_id = ""
            for number, piece in enumerate(pieces, start=1):
                sent = await application.bot.send_message(
                    int(row.chat_id),
                    piece,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup(reply) if number == len(pieces) else None,
                    disable_web_page_preview=True,
                )
                message_id = str(sent.message_id)
            return outbox.Delivered(message_id)
        except RetryAfter as exc:
            after = exc.retry_after
            delay = after if isinstance(after, timedelta) else timedelta(seconds=after)
            return outbox.RetryLater("429 retry_after", delay)
        except Forbidden as exc:
            return outbox.GiveUp(f"forbidden: {exc.message}")
        except BadRequest as exc:
            if "chat not found" in exc.message.lower():
                return outbox.GiveUp(f"bad request: {exc.message}")
            return outbox.RetryLater(f"bad request: {exc.message}")
        except (NetworkError, TelegramError) as exc:  # timeouts and 5xx are NetworkErrors
            return outbox.RetryLater(f"{type(exc).__name__}: {exc}")

    return send


async def _deliver_outbox(context: ContextTypes.DEFAULT_TYPE) -> None:
    engine: Engine = context.bot_data["engine"]
    await outbox.deliver_due(
        engine.sessions, (teacher.CHANNEL,), context.bot_data["outbox_sender"], engine.clock()
    )


def build_application(
    settings: Settings,
    engine: Engine,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    webhook: bool = False,
) -> Application:  # type: ignore[type-arg]
    """The bot: settings for the Bot API, the engine, and every handler in one place."""
    settings.require("telegram_token")
    assert settings.telegram_token is not None
    builder = (
        Application.builder()
        .token(settings.telegram_token.get_secret_value())
        .base_url(settings.telegram_base_url)
        .base_file_url(settings.telegram_base_file_url)
        .rate_limiter(AIORateLimiter(max_retries=RATE_LIMIT_RETRIES))
    )
    if request is not None:
        builder = builder.request(request)
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)
    if webhook:
        builder = builder.updater(None)
    application = builder.build()
    application.bot_data.update(
        settings=settings, engine=engine, outbox_sender=outbox_sender(application)
    )

    private = filters.ChatType.PRIVATE
    # Handler order matters: the first matching handler in a group wins.
    # 1. Text in a private chat (commands too: the engine reads them) → the desk.
    application.add_handler(
        MessageHandler(private & filters.UpdateType.MESSAGE & filters.TEXT, teacher.on_text)
    )
    # 2. Inline-button presses in private chats → the desk, as actions.
    application.add_handler(CallbackQueryHandler(teacher.on_button))
    # 3. Anything else in a private chat (stickers, photos, voice, files, locations, polls,
    #    edited messages) → a polite word on what the desk can read.
    application.add_handler(
        MessageHandler(private & (filters.UpdateType.MESSAGES), teacher.on_other_content)
    )
    # Groups the bot was added to by mistake and channel posts match nothing: silence.
    application.add_error_handler(_report_error)

    assert application.job_queue is not None
    application.job_queue.run_repeating(_deliver_outbox, interval=OUTBOX_INTERVAL, first=0)
    return application
