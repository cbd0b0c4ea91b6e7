"""What the staff read about tickets: the card, relayed messages, the queue, topic names.

HTML for Telegram's subset: every value that came from a person is escaped here.
"""

from __future__ import annotations

import html
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.desk.messages import Button
from bot.desk.schedule import cohort_label
from bot.desk.tickets import Status, get_ticket, messages_of, person_of
from bot.i18n import _
from bot.storage.models import Person, Ticket, TicketMessage

PREVIEW_WORDS = 6
DIGEST_CLAIMS_PER_ROW = 3  # claim buttons side by side under a digest


def preview(text: str) -> str:
    words = text.split()
    return " ".join(words[:PREVIEW_WORDS]) + (" …" if len(words) > PREVIEW_WORDS else "")


def topic_name(ticket: Ticket, first_question: str) -> str:
    """Forum topic names are at most 128 characters."""
    cohort = cohort_label(ticket.cohort) if ticket.cohort is not None else "?"
    return f"#{ticket.id} · {cohort} · {preview(first_question) or '…'}"[:128]


async def digest_text(session: AsyncSession, listed: list[Ticket]) -> str:
    """Several new tickets in one staff message: the group takes ~20 messages a minute, so
    in a rush one card each would leave tickets unseen for many minutes."""
    first = await first_questions(session, [ticket.id for ticket in listed])
    lines = [
        _("<b>New requests: {count}</b>. Claim one and its card follows.").format(
            count=len(listed)
        )
    ]
    for ticket in listed:
        cohort = cohort_label(ticket.cohort) if ticket.cohort is not None else "?"
        question = html.escape(preview(first.get(ticket.id, "")) or "…")
        lines.append(f"#{ticket.id} · {cohort} · {question}")
    return "\n".join(lines)


def digest_buttons(listed: list[Ticket]) -> tuple[tuple[Button, ...], ...]:
    claims = [
        Button(_("Claim #{number}").format(number=ticket.id), f"staff:claim:{ticket.id}")
        for ticket in listed
    ]
    step = DIGEST_CLAIMS_PER_ROW
    return tuple(tuple(claims[i : i + step]) for i in range(0, len(claims), step))


async def card_text(session: AsyncSession, ticket: Ticket) -> str:
    """Everything a methodologist needs so that nobody asks the teacher again."""
    person = await person_of(session, ticket)
    messages = await messages_of(session, ticket.id)
    cohort = cohort_label(ticket.cohort) if ticket.cohort is not None else _("unknown")
    lines = [
        _("<b>Ticket #{number}</b> · {channel} · {cohort} · language: {language}").format(
            number=ticket.id,
            channel=html.escape(person.channel),
            cohort=cohort,
            language=ticket.language,
        ),
        _("From: {name}").format(name=html.escape(person.display_name or "—")),
    ]
    questions = [m.text for m in messages if m.author == "teacher"]
    if questions:
        lines.append(_("Question:"))
        lines.extend(f"• {html.escape(q)}" for q in questions)
    tried = ticket.context.get("tried", [])
    if tried:
        lines.append(_("The bot tried:"))
        for attempt in tried:
            lines.append(
                f"• «{html.escape(str(attempt.get('question', '')))}» → "
                f"{html.escape(str(attempt.get('intent') or attempt.get('best') or '—'))} "
                f"({attempt.get('score', 0)})"
            )
    reason = ticket.context.get("reason")
    if reason:
        lines.append(_("Why here: {reason}").format(reason=html.escape(str(reason))))
    lines.append(_("Reply in this topic, or to this message; start with ! for an internal note."))
    return "\n".join(lines)


def card_buttons(ticket: Ticket) -> tuple[tuple[Button, ...], ...]:
    return (
        (
            Button(_("Claim"), f"staff:claim:{ticket.id}"),
            Button(_("Close"), f"staff:close:{ticket.id}"),
            Button(_("Make FAQ"), f"staff:faq:{ticket.id}"),
        ),
    )


async def relay_text(session: AsyncSession, message_id: int) -> tuple[Ticket, str] | None:
    message = await session.get(TicketMessage, message_id)
    if message is None:
        return None
    ticket = await get_ticket(session, message.ticket_id)
    assert ticket is not None
    text = _("<b>#{number}</b> {name}: {text}").format(
        number=ticket.id,
        name=html.escape(message.author_name or "—"),
        text=html.escape(message.text),
    )
    return ticket, text


def queue_text(tickets: list[Ticket], now: datetime, first_questions: dict[int, str]) -> str:
    if not tickets:
        return _("The queue is empty.")
    lines = []
    for ticket in tickets:
        minutes = int((now - ticket.created_at).total_seconds() // 60)
        age = _("{hours} h {minutes} min").format(hours=minutes // 60, minutes=minutes % 60)
        owner = html.escape(ticket.claimed_by) if ticket.claimed_by else _("nobody")
        lines.append(
            f"#{ticket.id} · {age} · {Status(ticket.status).label} · {owner} · "
            f"{html.escape(preview(first_questions.get(ticket.id, '')))}"
        )
    return "\n".join(lines)


async def first_questions(session: AsyncSession, ticket_ids: list[int]) -> dict[int, str]:
    rows = await session.execute(
        select(TicketMessage.ticket_id, TicketMessage.text)
        .where(TicketMessage.ticket_id.in_(ticket_ids), TicketMessage.author == "teacher")
        .order_by(TicketMessage.id)
    )
    found: dict[int, str] = {}
    for ticket_id, text in rows:
        found.setdefault(ticket_id, text)
    return found


# ---- the same, as plain text for a terminal (`helpdesk tickets`) ------------------------------


async def terminal_queue(session: AsyncSession, tickets: list[Ticket], now: datetime) -> str:
    """A header, then one tab-separated line per ticket: what a methodologist scans."""
    header = "\t".join(
        ["#", _("status"), _("age"), _("cohort"), _("channel"), _("claimed by"), _("question")]
    )
    if not tickets:
        return header + "\n" + _("The queue is empty.")
    firsts = await first_questions(session, [ticket.id for ticket in tickets])
    people = {ticket.person_id for ticket in tickets}
    rows = await session.execute(select(Person.id, Person.channel).where(Person.id.in_(people)))
    channels = {person_id: channel for person_id, channel in rows}
    lines = [header]
    for ticket in tickets:
        minutes = int((now - ticket.created_at).total_seconds() // 60)
        cohort = cohort_label(ticket.cohort) if ticket.cohort is not None else "?"
        fields = [
            f"#{ticket.id}",
            ticket.status,
            f"{minutes // 60}:{minutes % 60:02d}",
            cohort,
            channels.get(ticket.person_id, "?"),
            ticket.claimed_by or "-",
            preview(firsts.get(ticket.id, "")) or "-",
        ]
        lines.append("\t".join(fields))
    return "\n".join(lines)


async def terminal_conversation(session: AsyncSession, ticket: Ticket, timezone: str) -> str:
    """One ticket as a conversation in the institute's time: who wrote what, and when."""
    zone = ZoneInfo(timezone)
    person = await person_of(session, ticket)
    cohort = cohort_label(ticket.cohort) if ticket.cohort is not None else "?"
    opened = ticket.created_at.astimezone(zone)
    lines = [
        _("Ticket #{number} · {status} · {channel} · {name} · {cohort}").format(
            number=ticket.id,
            status=Status(ticket.status).label,
            channel=person.channel,
            name=person.display_name or "—",
            cohort=cohort,
        ),
        _("Opened {when}").format(when=f"{opened:%Y-%m-%d %H:%M}"),
    ]
    if ticket.claimed_by:
        lines.append(_("Claimed by {name}").format(name=ticket.claimed_by))
    reason = ticket.context.get("reason")
    if reason:
        lines.append(_("Why here: {reason}").format(reason=reason))
    for attempt in ticket.context.get("tried", []):
        lines.append(
            _("The bot tried: «{question}» → {entry} ({score})").format(
                question=attempt.get("question", ""),
                entry=attempt.get("intent") or attempt.get("best") or "—",
                score=attempt.get("score", 0),
            )
        )
    lines.append("")
    for message in await messages_of(session, ticket.id):
        when = message.created_at.astimezone(zone)
        who = message.author_name or message.author
        note = " " + _("(internal note)") if message.internal else ""
        lines.append(f"[{when:%m-%d %H:%M}] {who}{note}: {message.text}")
    return "\n".join(lines)
