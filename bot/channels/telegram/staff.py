"""The methodologists' side in the staff supergroup: cards, topics, relays, queue commands.

Queue logic lives in bot.desk.tickets; this module turns Telegram updates into those calls
and posts the staff rows of the outbox. Every action checks who acts first.
"""

from __future__ import annotations

import html
import logging
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot, LinkPreviewOptions, Message, Update, User
from telegram.constants import ChatMemberStatus
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.channels.telegram.context import DeskContext
from bot.channels.telegram.render import markup, split_text
from bot.desk import console_access, ticket_views, tickets
from bot.desk.messages import Attachment, Reply, parse_id, plain
from bot.desk.outbox import Payload
from bot.i18n import _
from bot.storage.models import OutboxMessage, Ticket, TicketMessage, utcnow

log = logging.getLogger(__name__)

MEMBERSHIP_TTL = 300.0  # seconds a getChatMember answer is trusted
STAFF_EVENTS = "telegram"  # processed_events channel: Telegram's update ids, as the teachers'
MEMBER_STATUSES = frozenset(
    {ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.MEMBER}
)


@dataclass
class StaffGate:
    """Who may act on tickets: members of the staff group, and admins."""

    bot: Bot
    staff_chat_id: int | None
    admin_ids: frozenset[int]
    _cache: dict[int, tuple[bool, float]]

    async def allows(self, user_id: int) -> bool:
        if user_id in self.admin_ids:
            return True
        if self.staff_chat_id is None:
            return False
        cached = self._cache.get(user_id)
        if cached is not None and cached[1] > time.monotonic():
            return cached[0]
        try:
            member = await self.bot.get_chat_member(self.staff_chat_id, user_id)
            allowed = member.status in MEMBER_STATUSES or bool(getattr(member, "is_member", False))
        except (BadRequest, Forbidden):  # Telegram's answer: not someone in the group
            allowed = False
        except TelegramError:
            # No answer (5xx, timeout, 429): someone seen as staff before stays staff until
            # Telegram can say, nobody else gets in, and the refusal is not remembered.
            return cached is not None and cached[0]
        self._cache[user_id] = (allowed, time.monotonic() + MEMBERSHIP_TTL)
        return allowed

    def seen_change(self, user_id: int, member: bool) -> None:
        """Telegram said someone joined or left the staff group: believed at once, not after
        the cache's minutes."""
        self._cache[user_id] = (member, time.monotonic() + MEMBERSHIP_TTL)


async def on_member_change(update: Update, context: DeskContext) -> None:
    """A chat_member update from the staff group: a removed methodologist loses access now."""
    change = update.chat_member
    if change is None:
        return
    member = change.new_chat_member
    is_member = member.status in MEMBER_STATUSES or bool(getattr(member, "is_member", False))
    context.staff_gate.seen_change(member.user.id, is_member)


async def on_console(update: Update, context: DeskContext) -> None:
    """/console in a private chat: a one-time link into the web console for methodologists
    and admins. Anyone else's /console goes on to the desk like any other text."""
    user, message = update.effective_user, update.effective_message
    public_url = context.settings.public_url
    if user is None or message is None or public_url is None:
        return
    if not await context.staff_gate.allows(user.id):
        return
    async with context.desk.sessions.begin() as session:
        token = console_access.issue_link(session, user.id, user.full_name, utcnow())
    link = html.escape(context.settings.console_link(token))
    text = _("Your link to the web console (valid 10 minutes, opens once):\n{link}")
    await message.reply_text(
        text.format(link=link),
        link_preview_options=LinkPreviewOptions(is_disabled=True),  # no preview fetch spends it
    )
    raise ApplicationHandlerStop


async def _say(context: DeskContext, message: Message, text: str) -> None:
    await context.bot.send_message(
        message.chat_id,
        text,
        message_thread_id=message.message_thread_id if message.is_topic_message else None,
    )


# ---- buttons on the ticket card ----------------------------------------------------------


async def on_staff_button(update: Update, context: DeskContext) -> None:
    query = update.callback_query
    assert query is not None and query.from_user is not None
    if not await context.staff_gate.allows(query.from_user.id):
        await query.answer(
            _("Not allowed: only the help-desk staff can do this."), show_alert=True
        )
        return
    _prefix, action, number = (query.data or "::").split(":", 2)
    staff_chat = context.settings.staff_chat
    name, actor_id = query.from_user.first_name, str(query.from_user.id)
    async with context.desk.sessions.begin() as session:
        ticket_id = parse_id(number)
        ticket = await tickets.locked_ticket(session, ticket_id) if ticket_id else None
        if ticket is None:
            await query.answer(_("No such ticket."), show_alert=True)
            return
        try:
            if action == "claim":
                await tickets.claim(session, ticket, name, staff_chat, actor_id)
                answer = _("Ticket #{number} is yours.").format(number=ticket.id)
            elif action == "close":
                await tickets.close(session, ticket, name, staff_chat)
                answer = _("Ticket #{number} closed.").format(number=ticket.id)
            elif action == "faq":
                await tickets.suggest_faq(session, ticket, name)
                answer = _("Saved for the admins as a FAQ suggestion.")
            else:
                answer = _("That button is no longer active.")
        except tickets.TicketError as exc:
            answer = str(exc)
    await query.answer(answer, show_alert=True)


# ---- messages in the staff group ---------------------------------------------------------


async def _ticket_for(session: AsyncSession, message: Message) -> Ticket | None:
    """The ticket a staff message belongs to: its forum topic, or the message it replies to."""
    if message.is_topic_message and message.message_thread_id:
        ticket = await tickets.ticket_by_thread(session, message.message_thread_id)
        if ticket is not None:
            return ticket
    if message.reply_to_message is not None:
        return await tickets.ticket_by_staff_message(session, message.reply_to_message.message_id)
    return None


def _attachment(message: Message) -> Attachment | None:
    if message.photo:
        return Attachment("photo", message.photo[-1].file_id)
    if message.document:
        return Attachment("document", message.document.file_id)
    return None


async def on_staff_message(update: Update, context: DeskContext) -> None:
    """A reply in a ticket's topic (or to its card) goes to the teacher; `!…` stays here."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None or user.is_bot:
        return
    text = message.text or message.caption or ""
    async with context.desk.sessions.begin() as session:
        ticket = await _ticket_for(session, message)
        if ticket is None:
            return  # staff talking among themselves
        if not await context.staff_gate.allows(user.id):
            await _say(context, message, _("Not allowed: only the help-desk staff can do this."))
            return
        # A redelivered update (a webhook retry, polling after a crash) must not relay twice.
        desk = context.desk
        if not await desk.record_delivery(session, STAFF_EVENTS, str(update.update_id)):
            return
        try:
            if text.startswith("!"):
                await tickets.internal_note(session, ticket, user.first_name, text[1:].strip())
                return
            await tickets.staff_reply(
                session, ticket, user.first_name, text, _attachment(message), str(user.id)
            )
        except tickets.TicketError as exc:
            error = str(exc)
        else:
            return
    await _say(context, message, error)


# ---- commands ----------------------------------------------------------------------------


async def _staff_command(update: Update, context: DeskContext) -> tuple[Message, User, str] | None:
    """The message, its sender and the command, when the sender is staff; else a refusal."""
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    if not await context.staff_gate.allows(user.id):
        await _say(context, message, _("Not allowed: only the help-desk staff can do this."))
        return None
    return message, user, (message.text or "").split()[0].split("@")[0]


async def on_queue(update: Update, context: DeskContext) -> None:
    """/queue (every active ticket) and /mine (the caller's)."""
    caller = await _staff_command(update, context)
    if caller is None:
        return
    message, user, command = caller
    mine = command == "/mine"
    desk = context.desk
    async with desk.sessions() as session:
        active = await tickets.list_tickets(session, owner_id=str(user.id) if mine else None)
        questions = await ticket_views.first_questions(session, [t.id for t in active])
    await _say(context, message, ticket_views.queue_text(active, desk.clock(), questions))


async def on_close_or_reopen(update: Update, context: DeskContext) -> None:
    """/close N and /reopen N."""
    caller = await _staff_command(update, context)
    if caller is None:
        return
    message, user, command = caller
    arguments = context.args or []
    number = parse_id(arguments[0].lstrip("#")) if len(arguments) == 1 else None
    if number is None:
        usage = _("Usage: {command} N, where N is the ticket number.")
        await _say(context, message, usage.format(command=html.escape(command)))
        return
    staff_chat = context.settings.staff_chat
    async with context.desk.sessions.begin() as session:
        ticket = await tickets.locked_ticket(session, number)
        if ticket is None:
            answer = _("No such ticket.")
        else:
            try:
                if command == "/close":
                    await tickets.close(session, ticket, user.first_name, staff_chat)
                    answer = _("Ticket #{number} closed.").format(number=number)
                else:
                    await tickets.reopen(session, ticket, user.first_name, staff_chat)
                    answer = _("Ticket #{number} reopened.").format(number=number)
            except tickets.TicketError as exc:
                answer = str(exc)
    await _say(context, message, answer)


# ---- posting the staff rows of the outbox ------------------------------------------------


DIGEST_FROM = 3  # new tickets waiting to be announced, from which one message lists them all …
DIGEST_AFTER = timedelta(seconds=5)  # … once the first has waited this long: the group's
# ~20 messages a minute are spent, and a card each would leave tickets unseen for minutes
DIGEST_MAX = 40  # tickets in one digest: 40 every ~4.5 s outpaces a rush of 500 a minute;
# short lines keep it within Telegram's 4,096 characters, and 40 buttons within its 100


async def _cards_waiting_behind(session: AsyncSession, row: OutboxMessage) -> list[OutboxMessage]:
    """The cards queued right after this one for the same chat (up to the first other kind:
    a relay or notice keeps its place in the chat's order)."""
    following = await session.scalars(
        select(OutboxMessage)
        .where(
            OutboxMessage.channel == row.channel,
            OutboxMessage.chat_id == row.chat_id,
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.dead.is_(False),
            OutboxMessage.id > row.id,
        )
        .order_by(OutboxMessage.id)
        .limit(DIGEST_MAX - 1)
    )
    cards = []
    for waiting in following:
        if Payload.from_json(waiting.payload).kind != "card":
            break
        cards.append(waiting)
    return cards


class StaffPoster:
    """Renders staff outbox rows from the database at send time and records where they went."""

    def __init__(self, bot: Bot, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.bot = bot
        self.sessions = sessions
        self._forum: dict[int, bool] = {}

    async def _is_forum(self, chat_id: int) -> bool:
        if chat_id not in self._forum:
            chat = await self.bot.get_chat(chat_id)
            self._forum[chat_id] = bool(chat.is_forum)
        return self._forum[chat_id]

    async def _thread(self, chat_id: int, ticket: Ticket) -> int | None:
        """The ticket's forum topic, created once (kept even if the card then fails)."""
        if ticket.staff_thread_id is not None or not await self._is_forum(chat_id):
            return ticket.staff_thread_id
        async with self.sessions.begin() as session:
            first = (await ticket_views.first_questions(session, [ticket.id])).get(ticket.id, "")
            topic = await self.bot.create_forum_topic(
                chat_id, ticket_views.topic_name(ticket, first)
            )
            stored = await tickets.get_ticket(session, ticket.id)
            assert stored is not None
            stored.staff_thread_id = topic.message_thread_id
        return topic.message_thread_id

    async def _post(
        self,
        chat_id: int,
        ticket: Ticket,
        reply: Reply,
        attachment: Attachment | None = None,
        as_plain: bool = False,
    ) -> Message:
        thread = await self._thread(chat_id, ticket)
        where: dict[str, Any] = {"message_thread_id": thread} if thread else {}
        if thread is None and ticket.staff_card_message_id:
            where["reply_to_message_id"] = ticket.staff_card_message_id
        if attachment is not None:
            text = plain(reply.text) if as_plain else reply.text
            if as_plain:
                where["parse_mode"] = None
            send = self.bot.send_photo if attachment.kind == "photo" else self.bot.send_document
            return await send(chat_id, attachment.file_id, caption=text[:1024], **where)
        return await self._send(chat_id, reply, where, as_plain)

    async def _send(
        self, chat_id: int, reply: Reply, where: dict[str, Any], as_plain: bool
    ) -> Message:
        text = reply.text
        if as_plain:  # Telegram refused the HTML: the same words, without it
            where, text = {**where, "parse_mode": None}, plain(text)
        sent: Message | None = None
        pieces = split_text(text)
        for number, piece in enumerate(pieces, start=1):
            sent = await self.bot.send_message(
                chat_id,
                piece,
                reply_markup=markup(reply) if number == len(pieces) else None,
                **where,
            )
        assert sent is not None
        return sent

    async def post(self, row: OutboxMessage, as_plain: bool = False) -> str:
        """Post one row; returns the message id. Telegram errors propagate to the sender."""
        chat_id = int(row.chat_id)
        payload = Payload.from_json(row.payload)
        digested: list[int] = []  # rows announced in this row's digest, instead of a card each
        async with self.sessions() as session:
            ticket = await tickets.get_ticket(session, row.ticket_id or 0)
            if ticket is None:
                return ""
            if payload.kind == "card":
                waiting = await _cards_waiting_behind(session, row)
                rush = utcnow() - row.created_at >= DIGEST_AFTER
                if rush and len(waiting) + 1 >= DIGEST_FROM:
                    reply = await _digest(session, ticket, waiting)
                    digested = [waiting_row.id for waiting_row in waiting]
                else:
                    reply = Reply(
                        await ticket_views.card_text(session, ticket),
                        ticket_views.card_buttons(ticket),
                    )
            elif payload.kind == "relay":
                found = await ticket_views.relay_text(session, payload.message_id or 0)
                if found is None:
                    return ""
                reply = Reply(found[1])
            else:
                reply = payload.reply()
        if digested:  # in the general chat, not a ticket's topic
            sent = await self._send(chat_id, reply, {}, as_plain)
        else:
            attachment = payload.attachment if payload.kind == "relay" else None
            sent = await self._post(chat_id, ticket, reply, attachment, as_plain)
        async with self.sessions.begin() as session:
            if digested:
                # Not leased (only a chat's first row is): no other worker is sending them.
                await session.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id.in_(digested), OutboxMessage.sent_at.is_(None))
                    .values(sent_at=utcnow(), sent_message_id=str(sent.message_id))
                )
            elif payload.kind == "card":
                stored = await tickets.get_ticket(session, ticket.id)
                assert stored is not None
                stored.staff_card_message_id = sent.message_id
            elif payload.kind == "relay":
                message = await session.get(TicketMessage, payload.message_id or 0)
                if message is not None:
                    message.staff_message_id = sent.message_id
        return str(sent.message_id)


async def _digest(session: AsyncSession, first: Ticket, waiting: list[OutboxMessage]) -> Reply:
    """One message announcing this ticket and those whose cards wait behind it."""
    listed = [first]
    for row in waiting:
        ticket = await tickets.get_ticket(session, row.ticket_id or 0)
        if ticket is not None:
            listed.append(ticket)
    text = await ticket_views.digest_text(session, listed)
    return Reply(text, ticket_views.digest_buttons(listed))
