"""The roster in the console (admins): what it holds by year, and an upload with a progress
bar that imports all rows or none, exactly as a file sent to the admin chat is imported (read
in a child process within the import limits, then one transaction)."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import unquote

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.channels.bodies import Gone, TooLarge, read_body
from bot.channels.webconsole.access import Viewer, current_viewer
from bot.channels.webconsole.site import Console, page
from bot.desk import roster
from bot.i18n import _

PROBLEMS_SHOWN = 20


def routes(console: Console) -> list[Route]:
    return [
        Route("/roster", page(console, _roster, admins_only=True)),
        Route("/roster/upload", _upload(console), methods=["POST"]),
    ]


async def _roster(console: Console, request: Request, viewer: Viewer, form: Any) -> Response:
    async with console.runtime.sessions() as session:
        years = await roster.summary(session)
    return console.render(request, "roster.html", viewer, years=years)


def _upload(console: Console) -> Any:
    async def upload(request: Request) -> Response:
        """The file is the request's body (sent by console.js, which shows the progress); its
        name and the CSRF token come in headers. Answers with the report as an HTML part."""
        viewer = await current_viewer(request, console.runtime.sessions, console.roles)
        if viewer is None or not viewer.is_admin:
            return console.refuse(request, viewer)
        if request.headers.get("x-csrf-token") != viewer.csrf:
            return console.render(request, "refused.html", viewer, status=403)
        filename = unquote(request.headers.get("x-filename", ""))[:255]
        try:
            data = await read_body(request, limit=roster.MAX_FILE_BYTES)
        except TooLarge:
            return _report(console, request, viewer, 413, _("The file is too large."))
        except Gone:
            return Response(status_code=400)
        try:
            report = await roster.import_file(
                console.runtime.sessions,
                data,
                filename,
                limits=console.runtime.settings.read_limits(),
                actor=viewer.name or viewer.user_id,
            )
        except roster.RosterFileError as problem:
            return _report(console, request, viewer, 422, str(problem))
        problems = None
        if report.problems:
            encoded = base64.b64encode(roster.problems_csv(report.problems)).decode()
            problems = f"data:text/csv;charset=utf-8;base64,{encoded}"
        text = roster.format_report(report, PROBLEMS_SHOWN)
        async with console.runtime.sessions() as session:
            years = await roster.summary(session)  # the page's table, as it is now
        status = 200 if report.ok else 422
        return _report(console, request, viewer, status, text, problems, years)

    return upload


def _report(
    console: Console,
    request: Request,
    viewer: Viewer,
    status: int,
    text: str,
    problems: str | None = None,
    years: list[roster.RosterYear] | None = None,
) -> Response:
    return console.render(
        request,
        "roster_report.html",
        viewer,
        status=status,
        text=text,
        problems=problems,
        years=years,
    )
