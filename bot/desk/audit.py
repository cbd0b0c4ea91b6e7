"""Who changed what, when: the FAQ and the schedule (faq_changes), roster imports
(audit_events), tickets closed, reopened and claimed (ticket_events) — one list, newest
first, for the web console's audit page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import AuditEvent, FaqChange, TicketEvent

TICKET_ACTIONS = ("claimed", "closed", "reopened")
KINDS = ("faq", "schedule", "roster", "ticket")


@dataclass(frozen=True)
class AuditLine:
    at: datetime
    actor: str
    kind: str  # one of KINDS
    action: str  # added | changed | deleted | roster_import | claimed | closed | reopened
    subject: str  # the entry id, the file, the ticket number


async def audit_trail(session: AsyncSession, kind: str = "", limit: int = 200) -> list[AuditLine]:
    """The latest `limit` changes (of one kind, if given), newest first."""
    lines: list[AuditLine] = []
    if kind in ("", "faq", "schedule"):
        changes = await session.scalars(
            select(FaqChange).order_by(FaqChange.id.desc()).limit(limit)
        )
        for change in changes:
            is_schedule = change.entry_id == "schedule.yaml"
            line_kind = "schedule" if is_schedule else "faq"
            if kind in ("", line_kind):
                lines.append(
                    AuditLine(
                        change.created_at, change.actor, line_kind, change.action, change.entry_id
                    )
                )
    if kind in ("", "roster"):
        events = await session.scalars(
            select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
        )
        for event in events:
            detail = event.detail
            subject = (
                f"{detail.get('file', '')}: +{detail.get('added', 0)} ~{detail.get('updated', 0)}"
            )
            lines.append(AuditLine(event.created_at, event.actor, "roster", event.action, subject))
    if kind in ("", "ticket"):
        moves = await session.scalars(
            select(TicketEvent)
            .where(TicketEvent.action.in_(TICKET_ACTIONS))
            .order_by(TicketEvent.id.desc())
            .limit(limit)
        )
        for move in moves:
            lines.append(
                AuditLine(move.created_at, move.actor, "ticket", move.action, f"#{move.ticket_id}")
            )
    lines.sort(key=lambda line: line.at, reverse=True)
    return lines[:limit]
