"""Admins in their private chat with the bot: commands, buttons, guided text, uploads.

Who is an admin is decided here, from HELPDESK_ADMIN_IDS; everything else is bot.desk.admin.
Anyone else gets the teacher's chat: admin commands are unknown to them, admin buttons say
"not allowed", and their files are never downloaded.
"""

from __future__ import annotations

import html
import logging

from telegram import Update
from telegram.error import TelegramError

from bot.channels.telegram import teacher
from bot.channels.telegram.context import DeskContext
from bot.desk import outbox
from bot.desk.admin import AdminIncoming
from bot.desk.messages import OutFile
from bot.desk.outbox import Payload
from bot.i18n import _

log = logging.getLogger(__name__)

MAX_DOWNLOAD = 20 * 1024 * 1024  # the Bot API serves files up to 20 MB


def _is_admin(context: DeskContext, user_id: int) -> bool:
    return user_id in context.settings.admin_ids


def _incoming(update: Update, **fields: object) -> AdminIncoming:
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    return AdminIncoming(
        user_id=str(user.id),
        chat_id=str(chat.id),
        name=user.first_name,
        channel=teacher.CHANNEL,
        event_id=str(update.update_id),
        **fields,
    )  # type: ignore[arg-type]


async def _answer(
    update: Update,
    context: DeskContext,
    incoming: AdminIncoming,
) -> None:
    assert update.effective_chat is not None
    replies = await context.admin_desk.handle(incoming)
    await teacher.send_replies(context.bot, update.effective_chat.id, replies)


async def on_command(update: Update, context: DeskContext) -> None:
    message = update.effective_message
    assert message is not None and message.text is not None
    command = message.text.split()[0].split("@")[0].lower()
    await _answer(update, context, _incoming(update, command=command))


async def on_button(update: Update, context: DeskContext) -> None:
    query = update.callback_query
    assert query is not None
    if not _is_admin(context, query.from_user.id):
        await query.answer(_("Not allowed: only admins can do this."), show_alert=True)
        return
    await query.answer()
    await _answer(update, context, _incoming(update, action=query.data or ""))


async def on_text(update: Update, context: DeskContext) -> None:
    """An admin's text answers a guided step if one is open; otherwise it is a question."""
    user = update.effective_user
    message = update.effective_message
    assert user is not None and message is not None
    if await context.admin_desk.wants_text(teacher.CHANNEL, str(user.id)):
        await _answer(update, context, _incoming(update, text=message.text or ""))
    else:
        await teacher.on_text(update, context)


async def on_document(update: Update, context: DeskContext) -> None:
    message = update.effective_message
    assert message is not None and message.document is not None
    document = message.document
    if (document.file_size or 0) > MAX_DOWNLOAD:
        await message.reply_text(
            _(
                "The file is larger than 20 MB; Telegram does not let bots "
                "download it. Nothing was changed."
            )
        )
        return
    data = bytes(await (await document.get_file()).download_as_bytearray())
    name = document.file_name or "upload"
    incoming = _incoming(update, file=OutFile(name, data))
    await message.reply_text(
        _(
            "Importing {name}. I will write here when it is done; teachers are answered meanwhile."
        ).format(name=html.escape(name))
    )
    # Off the update's handler: a big or hostile file must not hold the teachers' turns.
    context.application.create_task(_import(context, message.chat_id, incoming), update=update)


async def _import(context: DeskContext, chat_id: int, incoming: AdminIncoming) -> None:
    """Import, then tell the admin; if Telegram cannot take the report now, the outbox will."""
    replies = await context.admin_desk.handle(incoming)
    try:
        await teacher.send_replies(context.bot, chat_id, replies)
    except TelegramError as exc:
        log.warning("the import report could not be sent (%s); queued", type(exc).__name__)
        async with context.desk.sessions.begin() as session:
            for reply in replies:  # the text; a CSV of bad rows is lost with the chance
                outbox.enqueue(session, teacher.CHANNEL, str(chat_id), Payload.of(reply))
