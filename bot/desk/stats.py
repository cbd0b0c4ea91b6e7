"""How the desk is doing: the figures behind /stats and `helpdesk stats`, and the report of
questions the bot could not answer, so admins know which FAQ entries to write next.

Definitions (all periods are half-open, start <= created_at < end):

- A *question* is an incoming message the matcher scored: a MessageLog row with direction
  "in" and a score. Commands, button presses ("[menu:human]"), attachments and messages added
  to an open ticket never reach the matcher, so they have no score and do not count; neither
  does small talk (a greeting, a thank-you), which the matcher recognises but which asks
  nothing.
- *Answered by the bot*: a question matched to an FAQ entry, except the "talk to a person"
  entry, which opens a ticket instead (counted as *asked for a person*).
- *Refused*: a question the matcher would not answer (no intent; out-of-scope entries too).
- *Deflection rate*: answered / (answered + tickets opened in the period).
- *Time to a first staff reply*: from a ticket's creation to its first staff message that the
  teacher saw (internal notes do not count), over tickets opened in the period.
- *CSAT*: the ratings of tickets closed in the period.
- *Open tickets by age*: tickets not closed, created before `end`, aged at `end` (a snapshot
  of now when `end` is now).
- *Per day*: local days in the desk's timezone, so a question at 07:00 in Ulaanbaatar counts
  on that day, not on the UTC day before.

Functions take the caller's session and only read; grouping by day is done with CASE over
precomputed day boundaries, so the same SQL runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import csv
import html
import io
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz, process
from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.desk.flows.answers import SMALL_TALK
from bot.desk.flows.onboarding import ACKNOWLEDGED, ASKED_AGAIN
from bot.desk.tickets import ACTIVE
from bot.i18n import N_, _, format_date, format_number, ngettext
from bot.nlu.normalize import normalize, tokens
from bot.storage.models import (
    Feedback,
    MessageLog,
    NoticeRequest,
    Person,
    Ticket,
    TicketMessage,
)

DEFAULT_TIMEZONE = "Asia/Ulaanbaatar"
HANDOFF_INTENTS = frozenset({"human"})
"""FAQ entries that hand the teacher to a person rather than answer."""
# "ticket": a message added to an open ticket; "acknowledged": an "ok" with nothing to act on
NOT_QUESTIONS = SMALL_TALK | {"ticket", ACKNOWLEDGED, ASKED_AGAIN}

# Open tickets by age: (label, oldest age in the bucket), youngest first; the last is open-ended.
AGE_BUCKETS: tuple[tuple[str, timedelta | None], ...] = (
    (N_("< 1 h"), timedelta(hours=1)),
    (N_("1–24 h"), timedelta(days=1)),
    (N_("1–7 d"), timedelta(days=7)),
    (N_("> 7 d"), None),
)

SIMILAR_QUESTIONS = 80
"""rapidfuzz token_set_ratio at or above which two questions' token keys are one group: it
joins "цалин хэзээ буух" with "цалингаа хэзээ авах" (84), keeps "wifi ажиллахгүй" apart from
"интернет ажиллахгүй" (70)."""
FEEDBACK_LINES = 20  # entries listed in the stats text; Telegram caps a message at 4096
NOTICE_DAYS = 7  # days with notices listed under their totals
EXAMPLE_CHARS = 200  # an example question is cut to this in the report


@dataclass(frozen=True)
class EntryFeedback:
    entry_id: str
    helpful: int
    unhelpful: int

    @property
    def share_helpful(self) -> float:
        return self.helpful / (self.helpful + self.unhelpful)


@dataclass(frozen=True)
class DayCount:
    day: date
    questions: int
    escalations: int
    notices_asked: int = 0  # teachers who asked to be told of a change (issue 17)
    notices_sent: int = 0  # notices queued to them by an import


@dataclass(frozen=True)
class Stats:
    first_day: date
    last_day: date
    questions: int
    answered: int
    refused: int
    asked_for_person: int
    tickets_opened: int
    deflection_rate: float | None  # None when nothing was answered or escalated
    feedback: tuple[EntryFeedback, ...]  # most 👎 first
    median_first_reply: timedelta | None
    csat_average: float | None
    csat_count: int
    open_by_age: tuple[int, ...]  # aligned with AGE_BUCKETS
    days: tuple[DayCount, ...]


@dataclass(frozen=True)
class UnansweredGroup:
    example: str  # the group's most frequent wording
    refused: int
    unhelpful: int  # answered, but got 👎
    entries: tuple[str, ...]  # the FAQ entries that got the 👎

    @property
    def count(self) -> int:
        return self.refused + self.unhelpful


@dataclass(frozen=True)
class EntryUsage:
    """How one FAQ entry did over a period: questions it answered, and their 👍 / 👎."""

    answered: int = 0
    helpful: int = 0
    unhelpful: int = 0

    @property
    def helpful_share(self) -> float | None:
        rated = self.helpful + self.unhelpful
        return self.helpful / rated if rated else None


async def entry_usage(session: AsyncSession, since: datetime) -> dict[str, EntryUsage]:
    """Per entry id, since `since`: what the web console's knowledge page lists."""
    answered = await session.execute(
        select(MessageLog.intent, func.count())
        .where(
            MessageLog.direction == "in",
            MessageLog.intent.is_not(None),
            MessageLog.created_at >= since,
        )
        .group_by(MessageLog.intent)
    )
    counts = {str(intent): int(count) for intent, count in answered}
    rated = await session.execute(
        select(Feedback.entry_id, Feedback.helpful, func.count())
        .where(Feedback.created_at >= since)
        .group_by(Feedback.entry_id, Feedback.helpful)
    )
    votes: dict[str, dict[bool, int]] = {}
    for entry_id, helpful, count in rated:
        votes.setdefault(entry_id, {})[bool(helpful)] = int(count)
    return {
        entry_id: EntryUsage(
            counts.get(entry_id, 0),
            votes.get(entry_id, {}).get(True, 0),
            votes.get(entry_id, {}).get(False, 0),
        )
        for entry_id in set(counts) | set(votes)
    }


def last_days(
    days: int, now: datetime, timezone: str = DEFAULT_TIMEZONE
) -> tuple[datetime, datetime]:
    """Today and the days before it, from local midnight: whole days on the chart."""
    zone = ZoneInfo(timezone)
    first = now.astimezone(zone).date() - timedelta(days=days - 1)
    return datetime.combine(first, time(), tzinfo=zone), now


def _question() -> ColumnElement[bool]:
    return and_(
        MessageLog.direction == "in",
        MessageLog.score.is_not(None),
        or_(MessageLog.intent.is_(None), MessageLog.intent.not_in(NOT_QUESTIONS)),
    )


def _first_staff_replies() -> Any:
    """Per ticket, when a methodologist first wrote to the teacher (internal notes aside)."""
    return (
        select(TicketMessage.ticket_id, func.min(TicketMessage.created_at).label("first_reply"))
        .where(TicketMessage.author == "staff", TicketMessage.internal.is_(False))
        .group_by(TicketMessage.ticket_id)
        .subquery()
    )


def _within(column: Any, start: datetime, end: datetime) -> ColumnElement[bool]:
    return and_(column >= start, column < end)


async def _histogram(
    session: AsyncSession, column: Any, edges: Sequence[datetime], *conditions: Any
) -> list[int]:
    """Rows per bucket: bucket 0 before edges[0], bucket i in [edges[i-1], edges[i]), the last
    from edges[-1] on. CASE in a subquery, because PostgreSQL will not match a GROUP BY of an
    expression with bound parameters to the same expression in the SELECT list."""
    counts = [0] * (len(edges) + 1)
    if not edges:
        counts[0] = await session.scalar(select(func.count()).where(*conditions)) or 0
        return counts
    bucket = case(*((column < edge, i) for i, edge in enumerate(edges)), else_=len(edges))
    inner = select(bucket.label("bucket")).where(*conditions).subquery()
    rows = await session.execute(select(inner.c.bucket, func.count()).group_by(inner.c.bucket))
    for index, count in rows:
        counts[index] = count
    return counts


async def collect_stats(
    session: AsyncSession, start: datetime, end: datetime, *, timezone: str = DEFAULT_TIMEZONE
) -> Stats:
    """Every figure of the period, in a handful of aggregate queries."""
    zone = ZoneInfo(timezone)
    first_day = start.astimezone(zone).date()
    last_day = (end - timedelta(microseconds=1)).astimezone(zone).date()
    day_list = [first_day + timedelta(days=n) for n in range((last_day - first_day).days + 1)]
    midnights = [datetime.combine(day, time(), tzinfo=zone) for day in day_list[1:]]

    questions, refused, handoffs = (
        await session.execute(
            select(
                func.count(),
                func.count(case((MessageLog.intent.is_(None), 1))),
                func.count(case((MessageLog.intent.in_(HANDOFF_INTENTS), 1))),
            ).where(_question(), _within(MessageLog.created_at, start, end))
        )
    ).one()
    per_day_questions = await _histogram(
        session,
        MessageLog.created_at,
        midnights,
        _question(),
        _within(MessageLog.created_at, start, end),
    )
    per_day_tickets = await _histogram(
        session, Ticket.created_at, midnights, _within(Ticket.created_at, start, end)
    )
    per_day_asked = await _histogram(
        session,
        NoticeRequest.created_at,
        midnights,
        _within(NoticeRequest.created_at, start, end),
    )
    per_day_sent = await _histogram(
        session, NoticeRequest.sent_at, midnights, _within(NoticeRequest.sent_at, start, end)
    )
    answered = questions - refused - handoffs
    tickets_opened = sum(per_day_tickets)

    feedback_rows = await session.execute(
        select(
            Feedback.entry_id,
            func.count(case((Feedback.helpful.is_(True), 1))),
            func.count(case((Feedback.helpful.is_(False), 1))),
        )
        .where(_within(Feedback.created_at, start, end))
        .group_by(Feedback.entry_id)
    )
    feedback = sorted(
        (EntryFeedback(entry, up, down) for entry, up, down in feedback_rows),
        key=lambda item: (-item.unhelpful, item.share_helpful, item.entry_id),
    )

    first_staff = _first_staff_replies()
    replies = await session.execute(
        select(Ticket.created_at, first_staff.c.first_reply)
        .join(first_staff, first_staff.c.ticket_id == Ticket.id)
        .where(_within(Ticket.created_at, start, end))
    )
    waits = [reply - created for created, reply in replies]

    csat_average, csat_count = (
        await session.execute(
            select(func.avg(Ticket.csat), func.count(Ticket.csat)).where(
                Ticket.csat.is_not(None), _within(Ticket.closed_at, start, end)
            )
        )
    ).one()

    age_edges = [end - limit for _label, limit in reversed(AGE_BUCKETS) if limit is not None]
    oldest_first = await _histogram(
        session,
        Ticket.created_at,
        age_edges,
        Ticket.status.in_(ACTIVE),
        Ticket.created_at < end,
    )

    return Stats(
        first_day=first_day,
        last_day=last_day,
        questions=questions,
        answered=answered,
        refused=refused,
        asked_for_person=handoffs,
        tickets_opened=tickets_opened,
        deflection_rate=(
            answered / (answered + tickets_opened) if answered + tickets_opened else None
        ),
        feedback=tuple(feedback),
        median_first_reply=statistics.median(waits) if waits else None,
        csat_average=float(csat_average) if csat_average is not None else None,
        csat_count=csat_count,
        open_by_age=tuple(reversed(oldest_first)),
        days=tuple(
            DayCount(
                day, per_day_questions[n], per_day_tickets[n], per_day_asked[n], per_day_sent[n]
            )
            for n, day in enumerate(day_list)
        ),
    )


# ---- the text and the chart ----------------------------------------------------------------


def _percent(share: float) -> str:
    return _("{value}%").format(value=format_number(round(share * 100, 1)))


# ---- breakdowns for the web console's statistics page ------------------------------------------


@dataclass(frozen=True)
class TicketTimes:
    """Tickets opened in a period, by one grouping (everyone, a cohort, a channel)."""

    group: str  # "" for all tickets, else "cohort:5" or "channel:telegram"
    tickets: int
    first_reply: tuple[timedelta, timedelta] | None  # p50, p90
    closed: tuple[timedelta, timedelta] | None  # p50, p90 of opening → closing
    csat: float | None


def _p50_p90(values: list[timedelta]) -> tuple[timedelta, timedelta] | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[(len(ordered) - 1) // 2], ordered[min(len(ordered) - 1, len(ordered) * 9 // 10)]


async def ticket_times(session: AsyncSession, start: datetime, end: datetime) -> list[TicketTimes]:
    """Time to a first staff reply and to closing, p50 / p90, and CSAT: all tickets opened in
    the period, then by cohort and by channel."""
    first_staff = _first_staff_replies()
    rows = await session.execute(
        select(
            Ticket.created_at,
            Ticket.closed_at,
            Ticket.csat,
            Ticket.cohort,
            Person.channel,
            first_staff.c.first_reply,
        )
        .join(Person, Person.id == Ticket.person_id)
        .outerjoin(first_staff, first_staff.c.ticket_id == Ticket.id)
        .where(_within(Ticket.created_at, start, end))
    )
    groups: dict[str, list[Any]] = {"": []}
    for row in rows:
        groups[""].append(row)
        cohort = "?" if row.cohort is None else str(row.cohort)
        groups.setdefault(f"cohort:{cohort}", []).append(row)
        groups.setdefault(f"channel:{row.channel}", []).append(row)
    found = []
    for name in sorted(groups, key=lambda key: (key.split(":")[0], key)):
        members = groups[name]
        ratings = [row.csat for row in members if row.csat is not None]
        found.append(
            TicketTimes(
                name,
                len(members),
                _p50_p90([r.first_reply - r.created_at for r in members if r.first_reply]),
                _p50_p90([r.closed_at - r.created_at for r in members if r.closed_at]),
                sum(ratings) / len(ratings) if ratings else None,
            )
        )
    return found


CLARIFIED = "(clarified)"  # intents_by_day's name for questions answered with "which one?"


async def intents_by_day(
    session: AsyncSession, start: datetime, end: datetime, timezone: str = DEFAULT_TIMEZONE
) -> list[tuple[date, str, int]]:
    """Questions of the period per local day and the entry that answered them: "" for none,
    CLARIFIED when the bot asked which entry was meant."""
    zone = ZoneInfo(timezone)
    rows = await session.execute(
        select(MessageLog.created_at, MessageLog.intent, MessageLog.reason).where(
            _question(), _within(MessageLog.created_at, start, end)
        )
    )
    counts = Counter(
        (at.astimezone(zone).date(), intent or (CLARIFIED if reason == "clarified" else ""))
        for at, intent, reason in rows
    )
    return sorted((day, intent, n) for (day, intent), n in counts.items())


def rows_csv(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def duration_text(value: timedelta) -> str:
    minutes = round(value.total_seconds() / 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days:
        return _("{days} d {hours} h").format(days=format_number(days), hours=hours)
    if hours:
        return _("{hours} h {minutes} min").format(hours=hours, minutes=minutes)
    return _("{minutes} min").format(minutes=minutes)


def format_stats(stats: Stats) -> str:
    """The figures as Telegram HTML, in the current language."""
    none = "—"

    def line(label: str, value: str) -> str:
        return f"{label}: {value}"

    def count(value: int) -> str:
        return format_number(value)

    age_names = [_(label) for label, _limit in AGE_BUCKETS]
    lines = [
        "<b>"
        + _("Help desk, {first} – {last}").format(
            first=format_date(stats.first_day), last=format_date(stats.last_day)
        )
        + "</b>",
        "",
        line(_("Questions"), count(stats.questions)),
        "  " + line(_("answered by the bot"), count(stats.answered)),
        "  " + line(_("refused"), count(stats.refused)),
        "  " + line(_("asked for a person"), count(stats.asked_for_person)),
        line(_("Tickets opened"), count(stats.tickets_opened)),
        line(
            _("Deflection rate"),
            _percent(stats.deflection_rate) if stats.deflection_rate is not None else none,
        ),
        line(
            _("Median time to a first staff reply"),
            duration_text(stats.median_first_reply) if stats.median_first_reply else none,
        ),
        line(
            _("CSAT average"),
            (
                _("{average} of 5").format(average=format_number(round(stats.csat_average, 1)))
                + ", "
                + ngettext("{count} rating", "{count} ratings", stats.csat_count).format(
                    count=count(stats.csat_count)
                )
            )
            if stats.csat_average is not None
            else none,
        ),
        line(
            _("Open tickets by age"),
            " · ".join(
                f"{html.escape(name)}: {count(n)}"
                for name, n in zip(age_names, stats.open_by_age, strict=True)
            ),
        ),
    ]
    noticed = [day for day in stats.days if day.notices_asked or day.notices_sent]
    asked, sent = sum(d.notices_asked for d in stats.days), sum(d.notices_sent for d in stats.days)
    lines.append(line(_("Notices asked for / sent"), f"{count(asked)} / {count(sent)}"))
    lines += [
        f"  {format_date(day.day)}: {count(day.notices_asked)} / {count(day.notices_sent)}"
        for day in noticed[-NOTICE_DAYS:]
    ]
    if stats.feedback:
        lines += ["", "<b>" + _("👍 / 👎 per entry") + "</b>"]
        lines += [
            f"{html.escape(item.entry_id or none)}: 👍 {count(item.helpful)} · "
            f"👎 {count(item.unhelpful)} ({_percent(item.share_helpful)} 👍)"
            for item in stats.feedback[:FEEDBACK_LINES]
        ]
        hidden = len(stats.feedback) - FEEDBACK_LINES
        if hidden > 0:
            lines.append(_("… and {count} more").format(count=count(hidden)))
    return "\n".join(lines)


def render_chart(stats: Stats, image_format: str = "png") -> bytes:
    """A PNG (for Telegram) or SVG (for the web console) of questions and escalations per day.
    Synchronous and CPU-bound: async callers run it in a thread. matplotlib is imported here
    so the bot does not load it to start."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 4), dpi=100)
    FigureCanvasAgg(figure)  # Agg explicitly, without touching pyplot's global backend
    axes = figure.add_subplot()
    positions = range(len(stats.days))
    width = 0.4
    axes.bar(
        [p - width / 2 for p in positions],
        [day.questions for day in stats.days],
        width,
        label=_("Questions"),
    )
    axes.bar(
        [p + width / 2 for p in positions],
        [day.escalations for day in stats.days],
        width,
        label=_("Tickets opened"),
    )
    step = max(1, len(stats.days) // 10)
    axes.set_xticks(list(positions)[::step])
    axes.set_xticklabels([format_date(day.day, "MM-dd") for day in stats.days][::step])
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.set_title(_("Questions and tickets per day"))
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncols=2, frameon=False)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format=image_format)
    return out.getvalue()


def days_csv(stats: Stats) -> str:
    """The per-day figures as CSV (the web console's download)."""
    return rows_csv(
        ["day", "questions", "tickets_opened", "notices_asked", "notices_sent"],
        [
            [d.day.isoformat(), d.questions, d.escalations, d.notices_asked, d.notices_sent]
            for d in stats.days
        ],
    )


def feedback_csv(stats: Stats) -> str:
    """👍 / 👎 per entry as CSV."""
    return rows_csv(
        ["entry", "helpful", "unhelpful"],
        [[entry.entry_id, entry.helpful, entry.unhelpful] for entry in stats.feedback],
    )


# ---- the unanswered-questions report ---------------------------------------------------------


def _group_key(text: str) -> str:
    """The same stems in any order, script or spelling give the same key."""
    return " ".join(sorted(set(tokens(text)))) or normalize(text)


async def unanswered_report(
    session: AsyncSession, start: datetime, end: datetime, limit: int
) -> list[UnansweredGroup]:
    """Refused and 👎 questions of the period, near-duplicates together, most frequent first."""
    refused = await session.execute(
        select(MessageLog.created_at, MessageLog.text).where(
            _question(),
            MessageLog.intent.is_(None),
            _within(MessageLog.created_at, start, end),
        )
    )
    downvoted = await session.execute(
        select(Feedback.created_at, Feedback.question, Feedback.entry_id).where(
            Feedback.helpful.is_(False), _within(Feedback.created_at, start, end)
        )
    )
    asked: list[tuple[datetime, str, str | None]] = [(at, text, None) for at, text in refused]
    asked += [(at, text, entry) for at, text, entry in downvoted]
    asked.sort(key=lambda item: item[0])

    exact: dict[str, list[tuple[str, str | None]]] = {}
    for _at, text, entry in asked:
        exact.setdefault(_group_key(text), []).append((text.strip(), entry))
    leaders: list[str] = []
    groups: list[list[tuple[str, str | None]]] = []
    # Most frequent keys lead, so a rare wording joins the common one and not the reverse.
    for key, items in sorted(exact.items(), key=lambda pair: -len(pair[1])):
        near = process.extractOne(
            key, leaders, scorer=fuzz.token_set_ratio, score_cutoff=SIMILAR_QUESTIONS
        )
        if near is None:
            leaders.append(key)
            groups.append(list(items))
        else:
            groups[near[2]].extend(items)

    report = [
        UnansweredGroup(
            example=Counter(text for text, _entry in items).most_common(1)[0][0],
            refused=sum(1 for _text, entry in items if entry is None),
            unhelpful=sum(1 for _text, entry in items if entry is not None),
            entries=tuple(sorted({entry for _text, entry in items if entry})),
        )
        for items in groups
    ]
    report.sort(key=lambda group: -group.count)
    return report[:limit]


def format_unanswered(groups: Sequence[UnansweredGroup]) -> str:
    """The report as Telegram HTML, in the current language."""
    if not groups:
        return _("No unanswered questions in this period.")
    lines = ["<b>" + _("Questions the bot could not answer, most frequent first") + "</b>"]
    for number, group in enumerate(groups, 1):
        example = group.example
        if len(example) > EXAMPLE_CHARS:
            example = example[: EXAMPLE_CHARS - 1] + "…"
        detail = [_("refused: {count}").format(count=format_number(group.refused))]
        if group.unhelpful:
            detail.append(
                _("👎: {count} ({entries})").format(
                    count=format_number(group.unhelpful),
                    entries=html.escape(", ".join(group.entries)),
                )
            )
        lines.append(
            f"{number}. <b>×{format_number(group.count)}</b> «{html.escape(example)}» — "
            + "; ".join(detail)
        )
    return "\n".join(lines)
