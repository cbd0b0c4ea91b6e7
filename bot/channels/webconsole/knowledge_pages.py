"""The knowledge base in the console (admins): entries with their use, an editor with a try
box that matches against the entry as edited before it is saved, history with revert.

Saving goes through bot/desk/knowledge.py as the admin chat does (the same checks as a YAML
file, Telegram's HTML rules for answers); the version bump makes every instance rebuild its
matcher, so the bot answers with the new text at once.
"""

from __future__ import annotations

import asyncio
import difflib
from dataclasses import replace
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import yaml
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.channels.webconsole.access import Viewer
from bot.channels.webconsole.site import Console, page
from bot.desk import knowledge
from bot.desk.faq import FaqEntry, FaqError
from bot.desk.messages import html_problem
from bot.desk.stats import entry_usage
from bot.i18n import _
from bot.nlu.matcher import Matcher
from bot.storage.models import FaqChange, utcnow

USAGE_DAYS = 30
SOURCE = "console.yaml"


def routes(console: Console) -> list[Route]:
    return [
        Route("/knowledge", page(console, _entries, admins_only=True)),
        Route(f"/knowledge/{NEW}", page(console, _new, admins_only=True)),
        Route("/knowledge/{entry_id}", page(console, _entry, admins_only=True)),
        Route(
            "/knowledge/{entry_id}",
            page(console, _edit, admins_only=True),
            methods=["POST"],
        ),
        Route(
            "/unanswered/paraphrase",
            page(console, _adopt, admins_only=True),
            methods=["POST"],
        ),
        Route(
            "/knowledge/{entry_id}/revert/{change:int}",
            page(console, _revert, admins_only=True),
            methods=["POST"],
        ),
    ]


async def _entries(console: Console, request: Request, viewer: Viewer, form: Any) -> Response:
    since = utcnow() - timedelta(days=USAGE_DAYS)
    async with console.runtime.sessions() as session:
        entries = await knowledge.entries(session)
        usage = await entry_usage(session, since)
    return console.render(
        request, "knowledge.html", viewer, entries=entries, usage=usage, days=USAGE_DAYS
    )


async def _entry(console: Console, request: Request, viewer: Viewer, form: Any) -> Response:
    async with console.runtime.sessions() as session:
        entry = await knowledge.entry(session, request.path_params["entry_id"])
    if entry is None:
        return console.render(request, "missing.html", viewer, status=404)
    return await _editor(console, request, viewer, entry, _fields(entry))


def _fields(entry: FaqEntry) -> dict[str, str]:
    """The entry as the editor's fields (lists one item a line)."""
    return {
        "title": entry.title,
        "title_en": entry.title_en,
        "questions": "\n".join(entry.questions),
        "keywords": "\n".join(entry.keywords),
        "answer": entry.answer,
        "answer_en": entry.answer_en,
        "action": entry.action or "",
        "refuse": "1" if entry.refuse else "",
    }


def _edited(entry_id: str, fields: dict[str, str]) -> FaqEntry:
    """The entry as the form has it, through the checks a YAML file gets; FaqError if not."""

    def lines(name: str) -> list[str]:
        return [line.strip() for line in fields.get(name, "").splitlines() if line.strip()]

    data: dict[str, Any] = {"id": entry_id, "questions": lines("questions")}
    for name in ("title", "title_en", "answer", "answer_en", "action"):
        if fields.get(name, "").strip():
            data[name] = fields[name].strip()
    if lines("keywords"):
        data["keywords"] = lines("keywords")
    if fields.get("refuse"):
        data["refuse"] = True
    for name in ("answer", "answer_en"):
        problem = html_problem(data.get(name, ""))
        if problem is not None:
            raise FaqError(
                _("Telegram would refuse this answer ({problem}).").format(problem=problem)
            )
    return knowledge.parsed_entry(data, SOURCE)


def _preview(answer: str) -> Markup | None:
    """The answer as Telegram shows it: its HTML subset, already checked, rendered as is."""
    return Markup(answer) if answer and html_problem(answer) is None else None


async def _editor(
    console: Console,
    request: Request,
    viewer: Viewer,
    entry: FaqEntry,
    fields: dict[str, str],
    status: int = 200,
    **shown: Any,
) -> Response:
    async with console.runtime.sessions() as session:
        changes = await knowledge.history(session, limit=20, entry_id=entry.id)
    return console.render(
        request,
        "entry.html",
        viewer,
        status=status,
        entry=entry,
        fields=fields,
        preview=_preview(fields.get("answer", "")),
        preview_en=_preview(fields.get("answer_en", "")),
        changes=[(change, _diff(change)) for change in changes],
        **shown,
    )


def _diff(change: FaqChange) -> str:
    def dumped(data: dict[str, Any] | None) -> list[str]:
        return yaml.safe_dump(data, allow_unicode=True).splitlines() if data else []

    return "\n".join(
        difflib.unified_diff(dumped(change.before), dumped(change.after), lineterm="", n=1)
    )[2:].lstrip("\n")


NEW = "new"  # /console/knowledge/new: the editor for an entry that does not exist yet


async def _new(console: Console, request: Request, viewer: Viewer, form: Any) -> Response:
    blank = FaqEntry(id="", questions=())
    return await _editor(console, request, viewer, blank, _fields(blank))


async def _edit(console: Console, request: Request, viewer: Viewer, form: Any) -> Response:
    """Try (match a text against the entry as edited) or save (validate, record, bump), for
    an existing entry or, at /knowledge/new, one the form names."""
    async with console.runtime.sessions() as session:
        entries = await knowledge.entries(session)
    known = {entry.id: entry for entry in entries}
    entry_id = request.path_params["entry_id"]
    if entry_id == NEW:
        current = FaqEntry(id="", questions=(), source=SOURCE)
        entry_id = form.get("id", "").strip()
        taken = entry_id in known or entry_id == NEW
        problem = _("An entry {id} exists already.").format(id=entry_id) if taken else None
    else:
        current, problem = known.get(entry_id), None
        if current is None:
            return console.render(request, "missing.html", viewer, status=404)
    try:
        if problem is not None:
            raise FaqError(problem)
        edited = _edited(entry_id, form)
    except FaqError as error:
        return await _editor(console, request, viewer, current, form, status=409, error=str(error))
    matcher = _matcher(console, [*(e for e in entries if e.id != entry_id), edited])
    if form.get("do") == "try":
        tried = await asyncio.to_thread(matcher.match, form.get("try", ""))  # trains first
        return await _editor(
            console, request, viewer, current, form, tried=tried, tried_text=form.get("try")
        )
    async with console.runtime.sessions.begin() as session:
        outcome = await knowledge.save_entry(
            session, replace(edited, source=current.source), viewer.name or viewer.user_id
        )
    confusions = [c for c in matcher.confusions() if entry_id in (c.entry_id, c.better_id)]
    return await _editor(
        console, request, viewer, edited, _fields(edited), saved=outcome, confusions=confusions
    )


async def _revert(console: Console, request: Request, viewer: Viewer, form: Any) -> Response:
    """The entry as it was before one of its changes (itself a new change, so revertible)."""
    entry_id = request.path_params["entry_id"]
    async with console.runtime.sessions.begin() as session:
        change = await knowledge.change_of(session, entry_id, request.path_params["change"])
        if change is None or not change.before:
            return console.render(request, "missing.html", viewer, status=404)
        try:
            restored = knowledge.parsed_entry(change.before, SOURCE)
        except FaqError as problem:
            return console.render(request, "missing.html", viewer, status=409, error=str(problem))
        await knowledge.save_entry(session, restored, viewer.name or viewer.user_id)
    return RedirectResponse(f"/console/knowledge/{entry_id}?done=reverted", status_code=303)


async def _adopt(console: Console, request: Request, viewer: Viewer, form: Any) -> Response:
    """An unanswered question becomes a paraphrase of the entry chosen (an out-of-scope entry
    marks it out of scope) — unless the matcher would then place one of that entry's, or
    another entry's, paraphrases elsewhere: then nothing is saved and the page says which."""
    question, entry_id = form.get("question", "").strip(), form.get("entry", "")
    async with console.runtime.sessions() as session:
        entries = await knowledge.entries(session)
    current = {entry.id: entry for entry in entries}.get(entry_id)
    if current is None or not question:
        return console.render(request, "missing.html", viewer, status=404)
    edited = replace(current, questions=(*current.questions, question))
    before = {(c.entry_id, c.question) for c in _matcher(console, entries).confusions()}
    after = _matcher(console, [e for e in entries if e.id != entry_id] + [edited]).confusions()
    # The words added would go elsewhere without themselves (that is why they were not
    # answered): only other paraphrases newly misplaced refuse the change.
    new = [c for c in after if (c.entry_id, c.question) not in before and c.question != question]
    if new:
        problems = "; ".join(f"«{c.question}» → {c.better_id}" for c in new[:3])
        return RedirectResponse(
            "/console/unanswered?" + urlencode({"done": "confused", "problems": problems}), 303
        )
    async with console.runtime.sessions.begin() as session:
        await knowledge.save_entry(session, edited, viewer.name or viewer.user_id)
        await knowledge.settle_clarifications(session, question, entry_id)
    return RedirectResponse("/console/unanswered?done=added", status_code=303)


def _matcher(console: Console, entries: list[FaqEntry]) -> Matcher:
    base = console.runtime.desk.knowledge
    return Matcher(entries, threshold=base.threshold, margin=base.margin)
