"""Telling teachers when what they asked about changes: their certificate is registered in
ESIS, or their cohort's schedule is published.

A teacher asks for it where the answer was "not yet" (a declared yes/no question in the
certificate and schedule flows); the import that brings the change (roster, schedule; from
the command line, the admin chat or a console) queues the notices in its own transaction,
one outbox row per teacher, and marks each request sent there: an import that commits has
queued every notice exactly once, one that rolls back has queued none, and a re-import finds
nothing left to send. The outbox then delivers them at the channel's pace.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.desk import outbox
from bot.desk.certificates import RegisterNumber
from bot.desk.outbox import Payload
from bot.desk.schedule import CohortSchedule, describe, still_ahead
from bot.i18n import _, format_date, use_language
from bot.storage.models import NoticeRequest, Person, utcnow

CERTIFICATE = "certificate"
SCHEDULE = "schedule"
HOW_TO_SEE = "certificate_view"  # the FAQ entry whose answer says where to see it
KEYS_PER_QUERY = 500  # register numbers looked up at once (SQLite binds at most 32,766)


async def request(
    session: AsyncSession,
    person: Person,
    kind: str,
    *,
    number: RegisterNumber | None = None,
    cohort: int | None = None,
) -> None:
    """Remember that this person wants the notice; asking twice keeps one request."""
    key = number.key if number is not None else None
    pending = await session.scalar(
        select(NoticeRequest.id).where(
            NoticeRequest.person_id == person.id,
            NoticeRequest.kind == kind,
            NoticeRequest.number_key.is_(None) if key is None else NoticeRequest.number_key == key,
            NoticeRequest.cohort.is_(None) if cohort is None else NoticeRequest.cohort == cohort,
            NoticeRequest.sent_at.is_(None),
        )
    )
    if pending is None:
        session.add(NoticeRequest(person_id=person.id, kind=kind, number_key=key, cohort=cohort))


async def _pending(
    session: AsyncSession, kind: str, which: ColumnElement[bool]
) -> list[tuple[NoticeRequest, Person]]:
    """The requests of this kind still to be sent, with whom they are for."""
    found = await session.execute(
        select(NoticeRequest, Person)
        .join(Person, Person.id == NoticeRequest.person_id)
        .where(NoticeRequest.kind == kind, NoticeRequest.sent_at.is_(None), which)
    )
    return [(notice, person) for notice, person in found]


def _send(session: AsyncSession, person: Person, payload: Payload) -> None:
    outbox.enqueue(session, person.channel, person.chat_id, payload)


async def certificates_registered(
    session: AsyncSession, registered: Iterable[tuple[str, int, date]], now: datetime
) -> int:
    """Queue a notice for each pending request whose register number the import records as
    registered in ESIS; `registered` holds (canonical number, year, date). Returns how many."""
    from bot.desk import knowledge  # which imports this module

    by_key = {RegisterNumber(number).key: (year, on) for number, year, on in registered}
    how_to_see = await knowledge.entry(session, HOW_TO_SEE) if by_key else None
    sent = 0
    keys_all = list(by_key)
    for start in range(0, len(keys_all), KEYS_PER_QUERY):
        keys = keys_all[start : start + KEYS_PER_QUERY]
        for notice, person in await _pending(
            session, CERTIFICATE, NoticeRequest.number_key.in_(keys)
        ):
            year, on = by_key[notice.number_key or ""]
            with use_language(person.language):
                text = _(
                    "Good news: your training certificate ({year}) is now registered in ESIS "
                    "(entered on {date})."
                ).format(year=year, date=format_date(on))
                if how_to_see is not None:
                    text += "\n\n" + how_to_see.answer_for(person.language or "mn")
                payload = Payload(
                    text=text, menu=True, language=person.language, account_update=True
                )
            _send(session, person, payload)
            notice.sent_at = now
            sent += 1
    return sent


async def schedule_published(
    session: AsyncSession,
    rows: Sequence[CohortSchedule],
    before: Sequence[CohortSchedule],
    today: date,
) -> int:
    """Queue the new windows to those who asked about a cohort whose schedule was not known:
    a (year, cohort) the previous schedule lacked, with something of it still ahead."""
    from bot.desk.flows.schedule import reminder_offer  # the flows import this module

    known = {(row.year, row.cohort) for row in before}
    fresh = {  # per cohort the nearest new year: later years are overwritten by earlier ones
        row.cohort: row
        for row in sorted(rows, key=lambda r: r.year, reverse=True)
        if (row.year, row.cohort) not in known and still_ahead(row, today)
    }
    if not fresh:
        return 0
    sent = 0
    for notice, person in await _pending(session, SCHEDULE, NoticeRequest.cohort.in_(list(fresh))):
        row = fresh[notice.cohort or 0]
        with use_language(person.language):
            text = _("The schedule you asked about is published.") + "\n\n"
            text += describe(row, today, True)
            buttons = reminder_offer(person, row.cohort)
            payload = Payload(text=text, buttons=buttons, menu=True, language=person.language)
        _send(session, person, payload)
        notice.sent_at = utcnow()
        sent += 1
    return sent
