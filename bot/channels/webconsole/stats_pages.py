"""Statistics in the console (admins): the figures `/stats` sends, a per-day chart drawn by the
server as SVG, tickets' times (first staff reply, closing: p50 / p90) and CSAT overall, by
cohort and by channel, questions by the entry that answered them; every table as CSV."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.channels.webconsole.access import LANGUAGE_COOKIE, Viewer
from bot.channels.webconsole.site import Console, page
from bot.desk.stats import (
    Stats,
    TicketTimes,
    collect_stats,
    days_csv,
    duration_text,
    feedback_csv,
    format_stats,
    intents_by_day,
    last_days,
    render_chart,
    rows_csv,
    ticket_times,
)
from bot.i18n import normalize_language, use_language

REPORT_DAYS = (1, 7, 30, 90)


def routes(console: Console) -> list[Route]:
    return [
        Route("/stats", page(console, _stats, admins_only=True)),
        Route("/stats/{name}", page(console, _stats_file, admins_only=True)),
    ]


def report_days(request: Request) -> int:
    days = request.query_params.get("days", "30")
    return int(days) if days.isdecimal() and int(days) in REPORT_DAYS else 30


@dataclass(frozen=True)
class Figures:
    days: int
    stats: Stats
    times: list[TicketTimes]
    by_day: list[tuple[date, str, int]]  # questions per day and answering entry

    @property
    def intents(self) -> list[tuple[str, int]]:
        """Questions by answering entry over the whole period, most first."""
        totals: Counter[str] = Counter()
        for _day, intent, count in self.by_day:
            totals[intent] += count
        return totals.most_common()


async def _figures(console: Console, request: Request) -> Figures:
    days = report_days(request)
    settings = console.runtime.settings
    async with console.runtime.sessions() as session:
        start, end = last_days(days, console.runtime.desk.clock(), settings.timezone)
        stats = await collect_stats(session, start, end, timezone=settings.timezone)
        times = await ticket_times(session, start, end)
        by_day = await intents_by_day(session, start, end, settings.timezone)
    return Figures(days, stats, times, by_day)


def _span(pair: tuple[timedelta, timedelta] | None) -> str:
    return " / ".join(duration_text(value) for value in pair) if pair else "—"


async def _stats(console: Console, request: Request, viewer: Viewer, form: Any) -> Response:
    figures = await _figures(console, request)
    language = normalize_language(request.cookies.get(LANGUAGE_COOKIE))
    with use_language(language):
        report = Markup(format_stats(figures.stats))  # Telegram's HTML, escaped where it enters
        times = [(row, _span(row.first_reply), _span(row.closed)) for row in figures.times]
    return console.render(
        request,
        "report.html",
        viewer,
        report=report,
        days=figures.days,
        report_days=REPORT_DAYS,
        kind="stats",
        times=times,
        intents=figures.intents,
    )


def _times_csv(figures: Figures) -> str:
    def seconds(pair: tuple[timedelta, timedelta] | None, index: int) -> object:
        return round(pair[index].total_seconds()) if pair else ""

    return rows_csv(
        [
            "group",
            "tickets",
            "first_reply_p50_s",
            "first_reply_p90_s",
            "close_p50_s",
            "close_p90_s",
            "csat",
        ],
        [
            [
                row.group or "all",
                row.tickets,
                seconds(row.first_reply, 0),
                seconds(row.first_reply, 1),
                seconds(row.closed, 0),
                seconds(row.closed, 1),
                "" if row.csat is None else round(row.csat, 2),
            ]
            for row in figures.times
        ],
    )


TABLES = {
    "days.csv": lambda figures: days_csv(figures.stats),
    "feedback.csv": lambda figures: feedback_csv(figures.stats),
    "tickets.csv": _times_csv,
    "intents.csv": lambda figures: rows_csv(
        ["day", "entry", "questions"],
        [[day.isoformat(), intent, count] for day, intent, count in figures.by_day],
    ),
}


async def _stats_file(console: Console, request: Request, viewer: Viewer, form: Any) -> Response:
    """The chart as SVG, or a table as CSV, for the period the page shows."""
    figures = await _figures(console, request)
    name = request.path_params["name"]
    if name == "chart.svg":
        language = normalize_language(request.cookies.get(LANGUAGE_COOKIE))
        with use_language(language):
            svg = await asyncio.to_thread(render_chart, figures.stats, "svg")  # CPU-bound
        return Response(svg, media_type="image/svg+xml")
    if name not in TABLES:
        return console.render(request, "missing.html", viewer, status=404)
    attachment = f'attachment; filename="{name[:-4]}-{figures.days}d.csv"'
    return Response(
        TABLES[name](figures),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": attachment},
    )
