"""The console's routes: sign-in from a one-time link, the queue, a ticket, reports."""

from __future__ import annotations

import html
import re
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from bot.channels.webconsole import (
    knowledge_pages,
    roster_pages,
    schedule_pages,
    stats_pages,
)
from bot.channels.webconsole.access import (
    COOKIE,
    LANGUAGE_COOKIE,
    LoginLimiter,
    Roles,
    SecurityHeaders,
    Viewer,
    set_session_cookie,
)
from bot.channels.webconsole.site import HERE, Console, page, read_form
from bot.desk import audit, console_access, knowledge, ticket_views, tickets
from bot.desk.schedule import COHORTS
from bot.desk.stats import (
    last_days,
    unanswered_report,
)
from bot.i18n import _, ngettext, normalize_language
from bot.runtime import Runtime
from bot.storage.models import Ticket, utcnow

TICKET_NUMBER = re.compile(r"#?\s*(\d{1,9})")
STATUSES = (*(status.value for status in tickets.Status), tickets.WAITING)


def console_app(runtime: Runtime, roles: Roles) -> Mount:
    """Everything under /console, with its security headers."""
    console = Console(runtime, roles, LoginLimiter())
    routes = [
        Route("/", page(console, _queue)),
        Route("/login", _login(console)),
        Route("/logout", page(console, _logout), methods=["POST"]),
        Route("/language", _language, methods=["POST"]),
        Route("/tickets/{number:int}", page(console, _ticket)),
        Route("/tickets/{number:int}/conversation", page(console, _conversation)),
        Route("/tickets/{number:int}/{action}", page(console, _act), methods=["POST"]),
        Route("/unanswered", page(console, _unanswered)),
        *stats_pages.routes(console),
        Route("/audit", page(console, _audit, admins_only=True)),
        *knowledge_pages.routes(console),
        *roster_pages.routes(console),
        *schedule_pages.routes(console),
        Mount("/static", StaticFiles(directory=HERE / "static")),
    ]
    app = Starlette(routes=routes, middleware=[Middleware(SecurityHeaders)])
    return Mount("/console", app=app)


def _login(console: Console) -> Any:
    async def login(request: Request) -> Response:
        """Opening a link starts a session and leads on to the queue; without a token (or
        with a used one) the page says how to get a link."""
        token = request.query_params.get("token", "")
        if not token:
            return console.render(request, "login.html", None)
        address = request.client.host if request.client else "?"
        if console.limiter.blocked(address):
            return console.render(request, "login.html", None, status=429, failed=True)
        now = utcnow()
        async with console.runtime.sessions.begin() as session:
            link = await console_access.redeem_link(session, token, now)
            user_id, name = (link.user_id, link.name) if link is not None else ("", "")
        role = await console.roles(int(user_id)) if user_id else None
        if role is None:
            console.limiter.failed(address)
            return console.render(request, "login.html", None, status=403, failed=True)
        async with console.runtime.sessions.begin() as session:
            cookie = console_access.start_session(session, user_id, name, role, now)
        response = RedirectResponse("/console/", status_code=303)  # the token leaves the URL
        set_session_cookie(response, cookie, console.secure_cookie)
        return response

    return login


async def _logout(console: Console, request: Request, viewer: Viewer, form: Any) -> Response:
    async with console.runtime.sessions.begin() as session:
        found = await console_access.find_session(session, request.cookies[COOKIE], utcnow())
        if found is not None:
            found.ended_at = utcnow()
    response = RedirectResponse("/console/login", status_code=303)
    response.delete_cookie(COOKIE, path="/console")
    return response


async def _language(request: Request) -> Response:
    """The console's language, kept in a cookie (nothing to protect: it only picks words)."""
    form = await read_form(request) or {}
    language = normalize_language(str(form.get("language", "")))
    back = str(form.get("back", "/console/"))
    response = RedirectResponse(back if back.startswith("/console") else "/console/", 303)
    response.set_cookie(
        LANGUAGE_COOKIE, language, path="/console", samesite="lax", max_age=365 * 86400
    )
    return response


def _query_of(request: Request, viewer: Viewer, timezone: str) -> tickets.TicketQuery:
    params = request.query_params
    cohort = params.get("cohort", "")
    page = params.get("page", "1")
    until = _local_midnight(params.get("to", ""), timezone)
    return tickets.TicketQuery(
        status=params.get("status", "open") if params.get("status", "open") in STATUSES else "",
        cohort=int(cohort) if cohort.isdecimal() else None,
        channel=params.get("channel", "")[:16],
        claimed_by_id=viewer.user_id if params.get("mine") else params.get("assignee", "")[:64],
        text=params.get("q", "")[:200],
        opened_from=_local_midnight(params.get("from", ""), timezone),
        opened_before=until + timedelta(days=1) if until is not None else None,
        page=int(page) if page.isdecimal() else 1,
    )


def _local_midnight(day: str, timezone: str) -> datetime | None:
    """The start of a YYYY-MM-DD day in the institute's time zone; None if not a date."""
    try:
        return datetime.combine(date.fromisoformat(day), time(), tzinfo=ZoneInfo(timezone))
    except ValueError:
        return None


async def _queue(console: Console, request: Request, viewer: Viewer, form: Any) -> Response:
    query = _query_of(request, viewer, console.runtime.settings.timezone)
    jump = TICKET_NUMBER.fullmatch(query.text.strip())
    async with console.runtime.sessions() as session:
        if jump is not None and await tickets.get_ticket(session, int(jump.group(1))):
            return RedirectResponse(f"/console/tickets/{int(jump.group(1))}", status_code=303)
        listed, total = await tickets.find_tickets(session, query)
        firsts = await ticket_views.first_questions(session, [t.id for t in listed])
        waiting = await tickets.waiting_among(session, [t.id for t in listed])
        who = await tickets.channels_and_names(session, {t.person_id for t in listed})
        channels = await tickets.channels_in_use(session)
        claimers = await tickets.assignees(session)
    pages = max(1, -(-total // tickets.QUEUE_PAGE))
    now = utcnow()
    rows = [
        {
            "ticket": t,
            "question": ticket_views.preview(firsts.get(t.id, "")),
            "channel": who.get(t.person_id, ("?", ""))[0],
            "age": _age(now - t.created_at),
            "status": tickets.WAITING if t.id in waiting else t.status,
        }
        for t in listed
    ]
    fragment = "queue_rows.html" if request.query_params.get("fragment") else "queue.html"
    return console.render(
        request,
        fragment,
        viewer,
        rows=rows,
        total=total,
        query=query,
        pages=pages,
        statuses=STATUSES,
        cohorts=COHORTS,
        channels=channels,
        assignees=claimers,
        params=request.query_params,
    )


def _age(waited: timedelta) -> str:
    minutes = int(waited.total_seconds() // 60)
    if minutes >= 48 * 60:
        days = minutes // 1440
        return ngettext("{count} day", "{count} days", days).format(count=days)
    return f"{minutes // 60}:{minutes % 60:02d}"


async def _ticket_page_data(console: Console, number: int) -> dict[str, Any] | None:
    async with console.runtime.sessions() as session:
        ticket = await tickets.get_ticket(session, number)
        if ticket is None:
            return None
        person = await tickets.person_of(session, ticket)
        messages = await tickets.messages_of(session, ticket.id)
        earlier = await tickets.before_ticket(session, ticket)
    context = ticket.context
    return {
        "ticket": ticket,
        "person": person,
        "messages": messages,
        "earlier": earlier,
        "tried": context.get("tried", []),
        "reason": context.get("reason"),
    }


async def _ticket(console: Console, request: Request, viewer: Viewer, form: Any) -> Response:
    data = await _ticket_page_data(console, request.path_params["number"])
    if data is None:
        return console.render(request, "missing.html", viewer, status=404)
    done = request.query_params.get("done", "")
    return console.render(request, "ticket.html", viewer, done=done, **data)


async def _conversation(console: Console, request: Request, viewer: Viewer, form: Any) -> Response:
    """The conversation alone, which the ticket page fetches every few seconds."""
    data = await _ticket_page_data(console, request.path_params["number"])
    if data is None:
        return console.render(request, "missing.html", viewer, status=404)
    return console.render(request, "conversation.html", viewer, **data)


ACTIONS = ("claim", "reply", "note", "close", "reopen", "suggest")


async def _act(console: Console, request: Request, viewer: Viewer, form: Any) -> Response:
    """A ticket action in one transaction, the ticket's row locked (two staff, one claim)."""
    number, action = request.path_params["number"], request.path_params["action"]
    if action not in ACTIONS:
        return console.render(request, "missing.html", viewer, status=404)
    text = str(form.get("text", "")).strip()
    if action in ("reply", "note") and not text:
        return await _ticket_error(console, request, viewer, number, _("Write the text first."))
    staff_chat = console.runtime.settings.staff_chat
    name = viewer.name or _("methodologist")
    async with console.runtime.sessions.begin() as session:
        ticket = await tickets.locked_ticket(session, number)
        if ticket is None:
            return console.render(request, "missing.html", viewer, status=404)
        try:
            await _apply(session, ticket, action, name, viewer.user_id, text, staff_chat)
        except tickets.TicketError as exc:
            error = str(exc)
        else:
            error = ""
    if error:
        return await _ticket_error(console, request, viewer, number, error)
    return RedirectResponse(f"/console/tickets/{number}?done={action}", status_code=303)


async def _apply(
    session: Any,
    ticket: Ticket,
    action: str,
    name: str,
    user_id: str,
    text: str,
    staff_chat: str | None,
) -> None:
    if action == "claim":
        await tickets.claim(session, ticket, name, staff_chat, actor_id=user_id)
    elif action == "reply":
        await tickets.staff_reply(session, ticket, name, text, staff_id=user_id)
        # The staff group sees the answer too, in the ticket's topic or under its card.
        tickets.notice(
            session,
            staff_chat,
            ticket,
            _("{name} answered from the web console:").format(name=html.escape(name))
            + "\n"
            + html.escape(text),
        )
    elif action == "note":
        await tickets.internal_note(session, ticket, name, text)
    elif action == "close":
        await tickets.close(session, ticket, name, staff_chat)
    elif action == "reopen":
        await tickets.reopen(session, ticket, name, staff_chat)
    else:
        await tickets.suggest_faq(session, ticket, name)


async def _ticket_error(
    console: Console, request: Request, viewer: Viewer, number: int, error: str
) -> Response:
    data = await _ticket_page_data(console, number)
    if data is None:
        return console.render(request, "missing.html", viewer, status=404)
    return console.render(request, "ticket.html", viewer, status=409, error=error, **data)


async def _audit(console: Console, request: Request, viewer: Viewer, form: Any) -> Response:
    kind = request.query_params.get("kind", "")
    kind = kind if kind in audit.KINDS else ""
    async with console.runtime.sessions() as session:
        lines = await audit.audit_trail(session, kind)
    return console.render(request, "audit.html", viewer, lines=lines, kind=kind, kinds=audit.KINDS)


async def _unanswered(console: Console, request: Request, viewer: Viewer, form: Any) -> Response:
    """Questions refused or voted 👎, near-duplicates grouped; admins turn a group into a
    paraphrase of an entry (or of an out-of-scope one) from here."""
    days = stats_pages.report_days(request)
    settings = console.runtime.settings
    async with console.runtime.sessions() as session:
        start, end = last_days(days, console.runtime.desk.clock(), settings.timezone)
        groups = await unanswered_report(session, start, end, 50)
        entries = await knowledge.entries(session) if viewer.is_admin else []
        picks = await knowledge.pending_clarifications(session)
    return console.render(
        request,
        "unanswered.html",
        viewer,
        groups=groups,
        entries=entries,
        picks=picks,
        days=days,
        report_days=stats_pages.REPORT_DAYS,
        done=request.query_params.get("done", ""),
        request_problems=request.query_params.get("problems", "")[:500],
    )
