"""The cohort schedule: which training window is open on a given day, and what comes next."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bot.desk import yamlfile
from bot.i18n import _, format_date, ngettext

COHORTS = (1, 5, 10)
OTHER_COHORT = 0  # "Бусад": staff who are not in a 1st/5th/10th-year cohort


class ScheduleError(ValueError):
    """A schedule file that cannot be used; the message says where and why."""


@dataclass(frozen=True)
class Window:
    start: date
    end: date

    def days_until_start(self, today: date) -> int:
        return (self.start - today).days

    def days_until_end(self, today: date) -> int:
        return (self.end - today).days


@dataclass(frozen=True)
class CohortSchedule:
    year: int
    cohort: int
    elearning: Window
    webinar: Window


def _window(raw: object, where: str) -> Window:
    if not isinstance(raw, list) or len(raw) != 2 or not all(isinstance(day, date) for day in raw):
        raise ScheduleError(_("{where}: expected [YYYY-MM-DD, YYYY-MM-DD]").format(where=where))
    start, end = raw
    if start > end:
        raise ScheduleError(_("{where}: starts after it ends").format(where=where))
    return Window(start, end)


def parse_schedule(text: str, source: str = "schedule.yaml") -> list[CohortSchedule]:
    try:
        data, _node = yamlfile.load(text, source)
    except yamlfile.YamlError as exc:
        raise ScheduleError(str(exc)) from None
    if not isinstance(data, list) or not data:
        raise ScheduleError(_("{source}: expected a list of cohort windows").format(source=source))
    rows: list[CohortSchedule] = []
    seen: set[tuple[int, int]] = set()
    for number, raw in enumerate(data, start=1):
        where = _("{source}: item {number}").format(source=source, number=number)
        if not isinstance(raw, dict):
            raise ScheduleError(
                _("{where}: expected year, cohort, elearning, webinar").format(where=where)
            )
        year, cohort = raw.get("year"), raw.get("cohort")
        if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
            raise ScheduleError(
                _("{where}: the year is missing or not a year").format(where=where)
            )
        if isinstance(cohort, bool) or cohort not in COHORTS:  # `true` == 1 in Python
            raise ScheduleError(_("{where}: cohort must be one of 1, 5, 10").format(where=where))
        if (year, cohort) in seen:
            raise ScheduleError(
                _("{where}: cohort {cohort} of {year} is listed twice").format(
                    where=where, cohort=cohort, year=year
                )
            )
        seen.add((year, cohort))
        elearning = _window(raw.get("elearning"), f"{where} elearning")
        webinar = _window(raw.get("webinar"), f"{where} webinar")
        if webinar.start <= elearning.end:
            raise ScheduleError(
                _("{where}: the webinar must start after e-learning ends").format(where=where)
            )
        rows.append(CohortSchedule(year, cohort, elearning, webinar))
    return rows


def load_schedule(path: Path) -> list[CohortSchedule]:
    return parse_schedule(path.read_text(encoding="utf-8"), path.name)


def windows_for(
    schedule: Iterable[CohortSchedule], cohort: int, today: date
) -> tuple[CohortSchedule | None, bool]:
    """The cohort's training in force and True, or the latest known one and False.

    In force: the earliest year whose webinar has not ended (under way, or next — a schedule
    for the coming year imported in December is the upcoming one), else this year's even if
    it has ended. A schedule of past years only is "not published yet" for this year.
    """
    mine = sorted((row for row in schedule if row.cohort == cohort), key=lambda row: row.year)
    ahead = next((row for row in mine if row.webinar.end >= today), None)
    if ahead is not None:
        return ahead, True
    this_year = next((row for row in mine if row.year == today.year), None)
    if this_year is not None:
        return this_year, True
    return (mine[-1] if mine else None), False


def still_ahead(row: CohortSchedule, today: date) -> bool:
    """Whether anything of this training is still to come (a reminder can still help)."""
    return row.webinar.end >= today


def cohort_label(cohort: int) -> str:
    labels = {
        1: _("1st year"),
        5: _("5th year"),
        10: _("10th year"),
        OTHER_COHORT: _("Other"),
    }
    return labels[cohort]


def _where_it_stands(name: str, window: Window, today: date) -> str:
    if today < window.start:
        days = window.days_until_start(today)
        return ngettext(
            "{name} starts in {days} day.", "{name} starts in {days} days.", days
        ).format(name=name, days=days)
    if today <= window.end:
        days = window.days_until_end(today)
        if days == 0:
            return _("{name} is under way; today is its last day.").format(name=name)
        return ngettext(
            "{name} is under way; it ends in {days} day.",
            "{name} is under way; it ends in {days} days.",
            days,
        ).format(name=name, days=days)
    return _("{name} has ended.").format(name=name)


def describe(
    row: CohortSchedule, today: date, current_year: bool, asked_year: int | None = None
) -> str:
    """The cohort's two windows as dates in the reader's language, and where today stands;
    under a line that the schedule of the year asked for ("2022 оны хуваарь гарсан уу?"),
    or of this year when only past ones are known, is not published yet."""
    elearning, webinar = _("E-learning"), _("The webinar")
    lines = [
        _("<b>Training schedule, {cohort} cohort, {year}</b>").format(
            cohort=cohort_label(row.cohort), year=row.year
        ),
        _("E-learning (esurgalt.itpd.mn): {start} – {end}").format(
            start=format_date(row.elearning.start), end=format_date(row.elearning.end)
        ),
        _("Webinar (Google Meet / Classroom): {start} – {end}").format(
            start=format_date(row.webinar.start), end=format_date(row.webinar.end)
        ),
    ]
    if current_year:
        lines.append("")
        lines.append(_where_it_stands(elearning, row.elearning, today))
        lines.append(_where_it_stands(webinar, row.webinar, today))
    unpublished = asked_year if asked_year and asked_year > row.year else None
    if unpublished or not current_year:
        lines.insert(
            0,
            _("The schedule for {year} has not been published yet; the latest known is:").format(
                year=unpublished or today.year
            ),
        )
    return "\n".join(lines)
