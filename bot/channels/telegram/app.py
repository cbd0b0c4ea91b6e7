"""The one place that builds the PTB Application, for production and tests alike."""

from __future__ import annotations

import html
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta

from telegram import Bot, BotCommand
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.channels.telegram import admin, staff, teacher
from bot.channels.telegram.staff import StaffPoster
from bot.config import Settings
from bot.desk import outbox, tickets
from bot.desk.admin import COMMANDS as ADMIN_COMMANDS
from bot.desk.admin import AdminDesk
from bot.desk.engine import Engine
from bot.desk.messages import Button, Reply
from bot.i18n import _, use_language
from bot.runtime import HOUSEKEEPING_INTERVAL, housekeeping, riding_out_outages
from bot.storage.models import OutboxMessage

log = logging.getLogger(__name__)

OUTBOX_INTERVAL = 1.0  # seconds between looks at the outbox
OUTBOX_DRAIN = 30.0  # seconds one look may keep delivering while rows keep coming
RATE_LIMIT_RETRIES = 3  # a 429 on a direct reply is waited out, then retried


def _commands() -> list[BotCommand]:
    return [
        BotCommand("start", _("Start over")),
        BotCommand("menu", _("Main menu")),
        BotCommand("help", _("What I can do")),
        BotCommand("lang", _("Language")),
        BotCommand("cohort", _("Your year of work")),
        BotCommand("stop_reminders", _("Stop reminders")),
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


async def _attempt(send: Callable[[], Awaitable[str]]) -> outbox.Outcome:
    """Whatever the Bot API answers decides: done, retry later, or give up for good."""
    try:
        return outbox.Delivered(await send())
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
    except TelegramError as exc:  # timeouts, 5xx and network errors
        return outbox.RetryLater(f"{type(exc).__name__}: {exc}")


async def _send_teacher_row(bot: Bot, row: OutboxMessage) -> str:
    buttons = tuple(
        tuple(Button(label, action) for label, action in row_)
        for row_ in row.payload.get("buttons", [])
    )
    reply = Reply(row.payload.get("text", ""), buttons, show_menu=bool(row.payload.get("menu")))
    attachment = row.payload.get("attachment")
    if attachment and attachment.get("kind") in ("photo", "document"):
        send = bot.send_photo if attachment["kind"] == "photo" else bot.send_document
        sent = await send(
            int(row.chat_id),
            attachment["file_id"],
            caption=reply.text[:1024],
            parse_mode=ParseMode.HTML,
        )
        return str(sent.message_id)
    await teacher.send_replies(bot, int(row.chat_id), [reply])
    return ""


def outbox_sender(application: Application) -> outbox.Sender:  # type: ignore[type-arg]
    """Teacher rows go to the teacher's chat; staff rows to the staff group."""
    poster: StaffPoster = application.bot_data["staff_poster"]

    async def send(row: OutboxMessage) -> outbox.Outcome:
        if row.channel == tickets.STAFF_CHANNEL:
            return await _attempt(lambda: poster.post(row))
        return await _attempt(lambda: _send_teacher_row(application.bot, row))

    return send


async def _deliver_outbox(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Deliver what is due, batch after batch, for up to OUTBOX_DRAIN seconds: a broadcast
    then flows at the rate limiter's pace instead of waiting for the next run each batch."""
    engine: Engine = context.bot_data["engine"]
    settings: Settings = context.bot_data["settings"]
    deadline = time.monotonic() + OUTBOX_DRAIN
    while (
        await outbox.deliver_due(
            engine.sessions,
            (teacher.CHANNEL, tickets.STAFF_CHANNEL),
            context.bot_data["outbox_sender"],
            engine.clock(),
            on_give_up=tickets.unreachable_hook(settings.staff_chat),
        )
        and time.monotonic() < deadline
    ):
        pass


async def _housekeeping(context: ContextTypes.DEFAULT_TYPE) -> None:
    await housekeeping(context.bot_data["engine"], context.bot_data["settings"])


def build_application(
    settings: Settings,
    engine: Engine,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    webhook: bool = False,
    rate_limiter: AIORateLimiter | None = None,
) -> Application:  # type: ignore[type-arg]
    """The bot: settings for the Bot API, the engine, and every handler in one place."""
    settings.require("telegram_token")
    assert settings.telegram_token is not None
    builder = (
        Application.builder()
        .token(settings.telegram_token.get_secret_value())
        .base_url(settings.telegram_base_url)
        .base_file_url(settings.telegram_base_file_url)
        .rate_limiter(rate_limiter or AIORateLimiter(max_retries=RATE_LIMIT_RETRIES))
    )
    if request is not None:
        builder = builder.request(request)
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)
    if webhook:
        builder = builder.updater(None)
    application = builder.build()
    application.bot_data.update(
        settings=settings,
        engine=engine,
        staff_poster=StaffPoster(application.bot, engine.sessions),
    )
    application.bot_data["outbox_sender"] = outbox_sender(application)

    application.bot_data["admin_desk"] = AdminDesk(engine)
    private = filters.ChatType.PRIVATE
    admins = filters.User(list(settings.admin_ids)) & private
    # Handler order matters: the first matching handler in a group wins.
    # 0. Card buttons (claim, close, make FAQ): checked against staff membership, wherever
    #    they are pressed.
    application.bot_data["staff_gate"] = staff.StaffGate(
        application.bot, settings.staff_chat_id, settings.admin_ids, {}
    )
    application.add_handler(CallbackQueryHandler(staff.on_staff_button, pattern=r"^staff:"))
    if settings.staff_chat_id is not None:
        in_staff_group = filters.Chat(settings.staff_chat_id)
        # 0a. The staff group's commands: /queue, /mine, /close N, /reopen N.
        application.add_handler(CommandHandler(["queue", "mine"], staff.on_queue, in_staff_group))
        application.add_handler(
            CommandHandler(["close", "reopen"], staff.on_close_or_reopen, in_staff_group)
        )
        # 0b. Staff messages in a ticket's topic, or replying to its card → the teacher.
        application.add_handler(
            MessageHandler(
                in_staff_group
                & filters.UpdateType.MESSAGE
                & ~filters.COMMAND
                & (filters.TEXT | filters.PHOTO | filters.Document.ALL),
                staff.on_staff_message,
            )
        )
    # 1. Admins (HELPDESK_ADMIN_IDS) in their private chat: their commands, buttons, uploads,
    #    and text while a guided step is open; for anyone else these fall through to 2–4.
    application.add_handler(
        CommandHandler(
            [command.lstrip("/") for command in ADMIN_COMMANDS], admin.on_command, admins
        )
    )
    application.add_handler(CallbackQueryHandler(admin.on_button, pattern=r"^adm:"))
    application.add_handler(MessageHandler(admins & filters.Document.ALL, admin.on_document))
    application.add_handler(
        MessageHandler(admins & filters.UpdateType.MESSAGE & filters.TEXT, admin.on_text)
    )
    # 2. Text in a private chat (commands too: the engine reads them) → the desk.
    application.add_handler(
        MessageHandler(private & filters.UpdateType.MESSAGE & filters.TEXT, teacher.on_text)
    )
    # 3. Inline-button presses in private chats → the desk, as actions.
    application.add_handler(CallbackQueryHandler(teacher.on_button))
    # 4. Anything else in a private chat (stickers, photos, voice, files, locations, polls,
    #    edited messages) → a polite word on what the desk can read.
    application.add_handler(
        MessageHandler(private & (filters.UpdateType.MESSAGES), teacher.on_other_content)
    )
    # Groups the bot was added to by mistake and channel posts match nothing: silence.
    application.add_error_handler(_report_error)

    assert application.job_queue is not None
    application.job_queue.run_repeating(
        riding_out_outages(_deliver_outbox), interval=OUTBOX_INTERVAL, first=0
    )
    application.job_queue.run_repeating(
        riding_out_outages(_housekeeping), interval=HOUSEKEEPING_INTERVAL, first=5
    )
    return application
