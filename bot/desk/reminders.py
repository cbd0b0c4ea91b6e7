"""Reminders before a cohort's training windows open, and on their last day.

A reminder is keyed by (person, year:cohort:window:days) in reminders_sent: the job may run
any number of times a day, on any number of instances, and each person gets it once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.desk.outbox import Payload, enqueue
from bot.desk.schedule import CohortSchedule, Window, cohort_label
from bot.i18n import _, format_date, ngettext, use_language
from bot.storage.models import Person, ReminderSent

LAST_DAY = 0  # "days before the end": the window's last day


def due_today(
    row: CohortSchedule, today: date, days_before: Sequence[int]
) -> list[tuple[str, Window, int]]:
    """(window name, window, days) for each reminder of this cohort due today."""
    due = []
    for name, window in (("elearning", row.elearning), ("webinar", row.webinar)):
        until_start = (window.start - today).days
        if until_start in days_before:
            due.append((name, window, until_start))
        if window.end == today:
            due.append((name, window, LAST_DAY))
    return due


def reminder_text(row: CohortSchedule, name: str, window: Window, days: int) -> str:
    what = (
        _("E-learning (esurgalt.itpd.mn)")
        if name == "elearning"
        else _("The webinar (Google Meet / Classroom)")
    )
    cohort = cohort_label(row.cohort)
    if days == LAST_DAY:
        return _("🔔 Today is the last day: {what}, {cohort} cohort.").format(
            what=what, cohort=cohort
        )
    return ngettext(
        "🔔 {what} for the {cohort} cohort starts in {days} day, on {date}.",
        "🔔 {what} for the {cohort} cohort starts in {days} days, on {date}.",
        days,
    ).format(what=what, cohort=cohort, days=days, date=format_date(window.start))


async def enqueue_due(
    session: AsyncSession,
    schedule: Iterable[CohortSchedule],
    today: date,
    days_before: Sequence[int],
) -> int:
    """Queue today's reminders for everyone who opted in; returns how many were queued."""
    queued = 0
    for row in schedule:
        if row.year != today.year:
            continue
        for name, window, days in due_today(row, today, days_before):
            key = f"{row.year}:{row.cohort}:{name}:{days}"
            already = select(ReminderSent.person_id).where(ReminderSent.key == key)
            people = list(
                await session.scalars(
                    select(Person).where(
                        Person.reminders.is_(True),
                        Person.cohort == row.cohort,
                        Person.id.not_in(already),
                    )
                )
            )
            texts = {}
            for language in {person.language or "mn" for person in people}:
                with use_language(language):
                    texts[language] = Payload(text=reminder_text(row, name, window, days))
            session.add_all(ReminderSent(person_id=p.id, key=key) for p in people)
            for p in people:
                enqueue(session, p.channel, p.chat_id, texts[p.language or "mn"])
            queued += len(people)
    return queued
