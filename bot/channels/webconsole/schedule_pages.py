"""The training schedule in the console (admins): a table to edit, saved through the same
validation as `helpdesk schedule import` (knowledge.import_schedule: parse_schedule's checks,
the change recorded, notices of a newly published cohort queued, every instance updated)."""

from __future__ import annotations

from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.channels.webconsole.access import Viewer
from bot.channels.webconsole.site import Console, page
from bot.desk import knowledge
from bot.desk.schedule import ScheduleError
from bot.i18n import _

SPARE_ROWS = 3  # empty rows under the schedule, for a new year's cohorts
FIELDS = ("year", "cohort", "elearning_start", "elearning_end", "webinar_start", "webinar_end")
MAX_ROWS = 60


def routes(console: Console) -> list[Route]:
    return [
        Route("/schedule", page(console, _schedule, admins_only=True)),
        Route("/schedule", page(console, _save, admins_only=True), methods=["POST"]),
    ]


async def _schedule(console: Console, request: Request, viewer: Viewer, form: Any) -> Response:
    async with console.runtime.sessions() as session:
        _version, _entries, schedule = await knowledge.load(session)
    rows = [
        {
            "year": str(row.year),
            "cohort": str(row.cohort),
            "elearning_start": row.elearning.start.isoformat(),
            "elearning_end": row.elearning.end.isoformat(),
            "webinar_start": row.webinar.start.isoformat(),
            "webinar_end": row.webinar.end.isoformat(),
        }
        for row in schedule
    ]
    saved = request.query_params.get("done") == "saved"
    return _table(console, request, viewer, rows, saved=saved)


def _table(
    console: Console,
    request: Request,
    viewer: Viewer,
    rows: list[dict[str, str]],
    status: int = 200,
    **shown: Any,
) -> Response:
    spare = [dict.fromkeys(FIELDS, "") for _ in range(SPARE_ROWS)]
    return console.render(
        request, "schedule.html", viewer, status=status, rows=rows + spare, **shown
    )


def _rows_of(form: dict[str, str]) -> list[dict[str, str]]:
    """The table's rows as posted, blank ones left out (clearing a row removes it)."""
    rows = []
    for index in range(MAX_ROWS):
        row = {name: form.get(f"{name}-{index}", "").strip() for name in FIELDS}
        if any(row.values()):
            rows.append(row)
    return rows


def _as_yaml(rows: list[dict[str, str]]) -> str:
    """The rows as schedule.yaml; every value is checked to be a number or a date first, so
    nothing typed can change the document's shape. Raises ScheduleError naming the row."""
    lines = ["# Edited in the web console."]
    for number, row in enumerate(rows, start=1):
        try:
            year, cohort = int(row["year"]), int(row["cohort"])
            days = [date.fromisoformat(row[name]).isoformat() for name in FIELDS[2:]]
        except ValueError:
            raise ScheduleError(
                _("Row {number}: the year, the cohort and four dates are needed.").format(
                    number=number
                )
            ) from None
        lines += [
            f"- year: {year}",
            f"  cohort: {cohort}",
            f"  elearning: [{days[0]}, {days[1]}]",
            f"  webinar: [{days[2]}, {days[3]}]",
        ]
    return "\n".join(lines) + "\n"


async def _save(console: Console, request: Request, viewer: Viewer, form: Any) -> Response:
    rows = _rows_of(form)
    try:
        text = _as_yaml(rows)
        async with console.runtime.sessions.begin() as session:
            today = console.runtime.desk.clock().astimezone(console.runtime.desk.zone).date()
            await knowledge.import_schedule(
                session, text, viewer.name or viewer.user_id, today=today
            )
    except ScheduleError as problem:
        return _table(console, request, viewer, rows, status=409, error=str(problem))
    return RedirectResponse("/console/schedule?done=saved", status_code=303)
