"""The teacher's private chat: platform updates in, the desk's replies out. No desk logic."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import timedelta

from sqlalchemy.exc import SQLAlchemyError
from telegram import Bot, InputFile, Message, Update
from telegram.constants import ChatAction
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError

from bot.channels.telegram.context import DeskContext
from bot.channels.telegram.render import markup, split_text
from bot.desk import outbox
from bot.desk.messages import Attachment, Incoming, Reply, plain
from bot.desk.outbox import Payload
from bot.i18n import _, use_language
from bot.runtime import OutageLog, database_down
from bot.storage.models import utcnow

log = logging.getLogger(__name__)
OUTAGE = OutageLog(log)

CHANNEL = "telegram"
TYPING_AFTER = 0.5  # seconds: show "typing…" only when an answer is not instant


async def send_replies(
    bot: Bot, chat_id: int, replies: list[Reply], as_plain: bool = False
) -> None:
    """The replies as Telegram messages; `as_plain` sends the text without HTML (for a
    message Telegram refused to parse: an unescaped "<" must not make it undeliverable)."""
    for reply in replies:
        text = plain(reply.text) if as_plain else reply.text
        pieces = split_text(text) if text else []
        for file in reply.files:
            send = bot.send_photo if file.kind == "photo" else bot.send_document
            await send(chat_id, InputFile(file.data, filename=file.name))
        html_off: dict[str, None] = {"parse_mode": None} if as_plain else {}  # else Defaults'
        for number, piece in enumerate(pieces, start=1):
            await bot.send_message(
                chat_id,
                piece,
                reply_markup=markup(reply) if number == len(pieces) else None,
                disable_web_page_preview=True,
                **html_off,
            )


def unparsable(error: BadRequest) -> bool:
    """Telegram could not parse the message's HTML: sending it as plain text will do."""
    return "can't parse entities" in error.message.lower()


@contextlib.asynccontextmanager
async def typing_while_slow(context: DeskContext, chat_id: int) -> AsyncIterator[None]:
    async def typing_later() -> None:
        await asyncio.sleep(TYPING_AFTER)
        await context.bot.send_chat_action(chat_id, ChatAction.TYPING)

    task = asyncio.create_task(typing_later())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task


async def _answer(update: Update, context: DeskContext, incoming: Incoming) -> None:
    """The desk's turn, then its replies sent at once. The turn kept them with the update
    (see Desk.handle): they count as sent only after `replies_sent`, so a crash in between
    makes the redelivered update send them again instead of losing them."""
    chat_id = int(incoming.chat_id)
    try:
        async with typing_while_slow(context, chat_id):
            replies = await context.desk.handle(incoming)
    except (SQLAlchemyError, OSError) as exc:
        if not database_down(exc):
            raise  # a bug, not an outage: the error handler tells the staff group
        OUTAGE.seen("the desk could not handle an update; the teacher is asked to retry", exc)
        with use_language("mn"):
            apology = _("The help desk is briefly unavailable. Please try again in a few minutes.")
        await send_replies(context.bot, chat_id, [Reply(apology)])
        return
    if replies:
        await send_or_queue(context, chat_id, replies)
        context.desk.replies_sent(incoming)


async def send_or_queue(context: DeskContext, chat_id: int, replies: list[Reply]) -> None:
    """Send the replies now; those Telegram cannot take at the moment (a 429, 5xx, timeouts)
    go to the outbox, whose worker retries with backoff: never waited out here, where it would
    hold this update's turn (and, in the staff group's order, others)."""
    for index, reply in enumerate(replies):
        try:
            try:
                await send_replies(context.bot, chat_id, [reply])
            except BadRequest as error:  # a NetworkError too, but permanent: no retrying
                if not unparsable(error):
                    raise
                log.warning("Telegram could not parse a reply's HTML; sent as plain text")
                await send_replies(context.bot, chat_id, [reply], as_plain=True)
        except BadRequest:
            raise
        except (RetryAfter, NetworkError) as exc:
            log.warning(
                "Telegram did not take a reply (%s); %d queued in the outbox",
                type(exc).__name__,
                len(replies) - index,
            )
            # After a 429 the chat's rows wait for Telegram's retry_after; other chats do not.
            due = utcnow() + retry_after(exc) if isinstance(exc, RetryAfter) else None
            async with context.desk.sessions.begin() as session:
                for rest in replies[index:]:  # teacher replies carry no files
                    outbox.enqueue(session, CHANNEL, str(chat_id), Payload.of(rest), now=due)
            return


def retry_after(error: RetryAfter) -> timedelta:
    after = error.retry_after
    return after if isinstance(after, timedelta) else timedelta(seconds=after)


def _incoming(
    update: Update,
    *,
    text: str | None = None,
    action: str | None = None,
    attachment: Attachment | None = None,
) -> Incoming:
    user = update.effective_user
    chat = update.effective_chat
    message = update.effective_message
    assert user is not None and chat is not None
    return Incoming(
        channel=CHANNEL,
        user_id=str(user.id),
        chat_id=str(chat.id),
        text=text,
        action=action,
        display_name=user.first_name or "",
        message_id=str(message.message_id) if message else None,
        attachment=attachment,
        event_id=str(update.update_id),
    )


async def on_text(update: Update, context: DeskContext) -> None:
    message: Message = update.effective_message  # type: ignore[assignment]
    await _answer(update, context, _incoming(update, text=message.text))


async def on_button(update: Update, context: DeskContext) -> None:
    query = update.callback_query
    assert query is not None
    # Both only tidy the chat: when Telegram fails them, the press is still handled.
    with contextlib.suppress(TelegramError):
        await query.answer()
    # Take the buttons off the pressed message so it cannot be pressed twice.
    if isinstance(query.message, Message):
        with contextlib.suppress(TelegramError):
            await query.message.edit_reply_markup(None)
    await _answer(update, context, _incoming(update, action=query.data or ""))


async def on_other_content(update: Update, context: DeskContext) -> None:
    """Stickers, photos, voice, files, edits...: the desk decides (relay, or a polite word)."""
    message = update.effective_message
    attachment = Attachment("edited") if update.edited_message else attachment_of(message)
    caption = message.caption if message is not None else None
    await _answer(update, context, _incoming(update, text=caption, attachment=attachment))


NON_TEXT_KINDS = (
    "sticker",
    "voice",
    "video",
    "video_note",
    "audio",
    "location",
    "venue",
    "contact",
    "poll",
    "dice",
    "animation",
)


def attachment_of(message: Message | None) -> Attachment:
    """What a non-text message carries; photos and documents keep their file id for relays."""
    if message is None:
        return Attachment("unknown")
    if message.photo:
        return Attachment("photo", message.photo[-1].file_id)
    if message.document:
        return Attachment("document", message.document.file_id)
    for kind in NON_TEXT_KINDS:
        if getattr(message, kind, None):
            return Attachment(kind)
    return Attachment("unknown")
