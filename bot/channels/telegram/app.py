"""The one place that builds the PTB Application, for production and tests alike."""

from __future__ import annotations

import html
import logging
import time
from collections.abc import Awaitable, Callable
from enum import IntEnum
from typing import Any

from telegram import Bot, BotCommand
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    BaseRateLimiter,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    Defaults,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.channels.telegram import admin, staff, teacher
from bot.channels.telegram.context import CONTEXT_TYPES, BotData, DeskContext
from bot.channels.telegram.sendrate import SendRate
from bot.channels.telegram.staff import StaffPoster
from bot.config import Settings
from bot.desk import outbox, tickets
from bot.desk.admin import COMMANDS as ADMIN_COMMANDS
from bot.desk.admin import AdminDesk
from bot.desk.engine import Desk
from bot.desk.flows import onboarding
from bot.desk.messages import plain
from bot.desk.outbox import Payload
from bot.i18n import _, use_language
from bot.runtime import HOUSEKEEPING_INTERVAL, housekeeping, riding_out_outages
from bot.storage.models import OutboxMessage

log = logging.getLogger(__name__)

OUTBOX_INTERVAL = 1.0  # seconds between looks at the outbox
OUTBOX_DRAIN = 30.0  # seconds one look may keep delivering while rows keep coming


def _commands() -> list[BotCommand]:
    return [BotCommand(name, _(label)) for name, label in onboarding.COMMANDS]


async def register_commands(application: Application) -> None:  # type: ignore[type-arg]
    """The command list in both languages (Mongolian is the default)."""
    for language in ("mn", "en"):
        with use_language(language):
            await application.bot.set_my_commands(
                _commands(), language_code=None if language == "mn" else language
            )


async def _report_error(update: object, context: DeskContext) -> None:
    """Log the failure; tell the staff group it happened, never the teacher's text."""
    log.error("an update failed", exc_info=context.error)
    staff_chat_id = context.settings.staff_chat_id
    if staff_chat_id is None:
        return
    kind = type(context.error).__name__ if context.error else "error"
    try:
        await context.bot.send_message(staff_chat_id, f"⚠️ {html.escape(kind)}")
    except TelegramError:
        log.warning("could not report the error to the staff group")


async def _attempt(
    send: Callable[[], Awaitable[str]], as_plain: Callable[[], Awaitable[str]]
) -> outbox.Outcome:
    """Whatever the Bot API answers decides: done, retry later, or give up for good. HTML
    Telegram cannot parse goes again as plain text; any other 400 is permanent, so the row
    is given up (recorded) and the chat's queue moves on instead of waiting behind it."""
    try:
        try:
            return outbox.Delivered(await send())
        except BadRequest as exc:
            if not teacher.unparsable(exc):
                raise
            log.warning("Telegram could not parse a message's HTML; sent as plain text")
            return outbox.Delivered(await as_plain())
    except RetryAfter as exc:
        return outbox.RetryLater("429 retry_after", teacher.retry_after(exc))
    except Forbidden as exc:
        return outbox.GiveUp(f"forbidden: {exc.message}")
    except BadRequest as exc:
        return outbox.GiveUp(f"bad request: {exc.message}")
    except TelegramError as exc:  # timeouts, 5xx and network errors
        return outbox.RetryLater(f"{type(exc).__name__}: {exc}")


async def _send_teacher_row(bot: Bot, row: OutboxMessage, as_plain: bool = False) -> str:
    payload = Payload.from_json(row.payload)
    attachment = payload.attachment
    if attachment is not None and attachment.kind in ("photo", "document"):
        send = bot.send_photo if attachment.kind == "photo" else bot.send_document
        caption = plain(payload.text)[:1024] if as_plain else payload.text[:1024]
        html_off: dict[str, None] = {"parse_mode": None} if as_plain else {}
        sent = await send(int(row.chat_id), attachment.file_id, caption=caption, **html_off)
        return str(sent.message_id)
    await teacher.send_replies(bot, int(row.chat_id), [payload.reply()], as_plain=as_plain)
    return ""


def outbox_sender(application: Application) -> outbox.Sender:  # type: ignore[type-arg]
    """Teacher rows go to the teacher's chat; staff rows to the staff group."""
    poster: StaffPoster | None = application.bot_data.staff_poster
    assert poster is not None

    async def send(row: OutboxMessage) -> outbox.Outcome:
        if row.channel == tickets.STAFF_CHANNEL:
            return await _attempt(lambda: poster.post(row), lambda: poster.post(row, True))
        bot = application.bot
        return await _attempt(
            lambda: _send_teacher_row(bot, row), lambda: _send_teacher_row(bot, row, True)
        )

    return send


async def _deliver_outbox(context: DeskContext) -> None:
    """Deliver what is due, batch after batch, for up to OUTBOX_DRAIN seconds: a broadcast
    then flows at the rate limiter's pace instead of waiting for the next run each batch.
    First the sent marks no turn carried (`Desk.replies_sent`), when the bot is quiet."""
    desk, settings = context.desk, context.settings
    await desk.flush_sent()
    deadline = time.monotonic() + OUTBOX_DRAIN
    while (
        await outbox.deliver_due(
            desk.sessions,
            (teacher.CHANNEL, tickets.STAFF_CHANNEL),
            context.outbox_sender,
            desk.clock(),
            on_give_up=tickets.unreachable_hook(settings.staff_chat),
        )
        and time.monotonic() < deadline
    ):
        pass


async def _housekeeping(context: DeskContext) -> None:
    await housekeeping(context.desk, context.settings)


HandlerCallback = Callable[[Any, DeskContext], Awaitable[None]]


class Group(IntEnum):
    """Handler groups, tried in this order; within a group the first matching handler wins,
    and a handler of STAFF or ADMIN that takes an update ends it there (`_final`)."""

    STAFF = 0  # card buttons anywhere; the staff group's commands and replies
    ADMIN = 1  # admins' commands, buttons, uploads and guided steps in their private chat
    TEACHER = 2  # everything else in a private chat: the desk


def _final(callback: HandlerCallback) -> HandlerCallback:
    async def handled(update: object, context: DeskContext) -> None:
        await callback(update, context)
        raise ApplicationHandlerStop

    return handled


def build_application(
    settings: Settings,
    desk: Desk,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    webhook: bool = False,
    rate_limiter: BaseRateLimiter[Any] | None = None,
) -> Application:  # type: ignore[type-arg]
    """The bot: settings for the Bot API, the desk, and every handler in one place."""
    settings.require("telegram_token")
    assert settings.telegram_token is not None
    builder = (
        Application.builder()
        .token(settings.telegram_token.get_secret_value())
        .base_url(settings.telegram_base_url)
        .base_file_url(settings.telegram_base_file_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .context_types(CONTEXT_TYPES)
    )
    if rate_limiter is not None:
        builder = builder.rate_limiter(rate_limiter)
    elif settings.telegram_max_rate > 0:  # HELPDESK_TELEGRAM_MAX_RATE=0: no limiter at all
        builder = builder.rate_limiter(SendRate(settings.telegram_max_rate))
    if request is not None:
        builder = builder.request(request)
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)
    if webhook:
        builder = builder.updater(None)
    application = builder.build()
    data: BotData = application.bot_data
    data.settings, data.desk = settings, desk
    data.admin_desk = AdminDesk(desk, settings.read_limits())
    data.staff_poster = StaffPoster(application.bot, desk.sessions)
    data.staff_gate = staff.StaffGate(
        application.bot, settings.staff_chat_id, settings.admin_ids, {}
    )
    data.outbox_sender = outbox_sender(application)
    _add_handlers(application, settings)
    application.add_error_handler(_report_error)

    assert application.job_queue is not None
    application.job_queue.run_repeating(
        riding_out_outages(_deliver_outbox), interval=OUTBOX_INTERVAL, first=0
    )
    application.job_queue.run_repeating(
        riding_out_outages(_housekeeping), interval=HOUSEKEEPING_INTERVAL, first=5
    )
    return application


def _add_handlers(application: Application, settings: Settings) -> None:  # type: ignore[type-arg]
    private = filters.ChatType.PRIVATE
    admins = filters.User(list(settings.admin_ids)) & private
    add = application.add_handler
    # Card buttons (claim, close, make FAQ): checked against staff membership, wherever
    # they are pressed.
    add(CallbackQueryHandler(_final(staff.on_staff_button), pattern=r"^staff:"), Group.STAFF)
    add(CommandHandler("console", staff.on_console, private), Group.STAFF)  # staff and admins
    if settings.staff_chat_id is not None:
        in_staff_group = filters.Chat(settings.staff_chat_id)
        membership = ChatMemberHandler(
            _final(staff.on_member_change),
            ChatMemberHandler.CHAT_MEMBER,
            chat_id=settings.staff_chat_id,
        )
        add(membership, Group.STAFF)
        add(CommandHandler(["queue", "mine"], _final(staff.on_queue), in_staff_group), Group.STAFF)
        add(
            CommandHandler(["close", "reopen"], _final(staff.on_close_or_reopen), in_staff_group),
            Group.STAFF,
        )
        # Staff messages in a ticket's topic, or replying to its card → the teacher.
        staff_words = filters.TEXT | filters.PHOTO | filters.Document.ALL
        add(
            MessageHandler(
                in_staff_group & filters.UpdateType.MESSAGE & ~filters.COMMAND & staff_words,
                _final(staff.on_staff_message),
            ),
            Group.STAFF,
        )
    # Admins in their private chat; text while no guided step is open goes on to the desk
    # (admin.on_text passes it there itself).
    admin_commands = [command.lstrip("/") for command in ADMIN_COMMANDS]
    add(CommandHandler(admin_commands, _final(admin.on_command), admins), Group.ADMIN)
    add(CallbackQueryHandler(_final(admin.on_button), pattern=r"^adm:"), Group.ADMIN)
    add(MessageHandler(admins & filters.Document.ALL, _final(admin.on_document)), Group.ADMIN)
    add(
        MessageHandler(admins & filters.UpdateType.MESSAGE & filters.TEXT, _final(admin.on_text)),
        Group.ADMIN,
    )
    # Teachers: text (commands too: the desk reads them), button presses, and anything else
    # (stickers, photos, voice, files, edits) for a polite word on what the desk reads.
    # Groups the bot was added to by mistake and channel posts match nothing: silence.
    add(
        MessageHandler(private & filters.UpdateType.MESSAGE & filters.TEXT, teacher.on_text),
        Group.TEACHER,
    )
    add(CallbackQueryHandler(teacher.on_button), Group.TEACHER)
    add(
        MessageHandler(private & filters.UpdateType.MESSAGES, teacher.on_other_content),
        Group.TEACHER,
    )
