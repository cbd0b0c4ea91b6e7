"""What admins do in chat: FAQ editing, imports, suggestions from tickets, stats, reports.

Channel-agnostic like the engine: a channel says who is an admin and hands over commands,
button actions, text and uploaded files; replies come back as values (files included). Guided
steps keep their state in the admin's conversation row, so they survive a restart.
"""

from __future__ import annotations

import asyncio
import html
from dataclasses import dataclass, replace

import yaml
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.desk import knowledge, roster, stats
from bot.desk.engine import Engine
from bot.desk.faq import ID_PATTERN, FaqEntry, FaqError, parse_faq
from bot.desk.messages import Button, OutFile, Reply, parse_id
from bot.desk.roster import RosterFileError
from bot.desk.schedule import ScheduleError
from bot.i18n import _
from bot.storage.models import Conversation, FaqSuggestion, Person

PAGE = 8  # entries per /faq page
HISTORY = 15
REPORT_DAYS = 30
MAX_PROBLEMS_SHOWN = 20  # longer roster reports come with a CSV of every bad row
ROSTER_SUFFIXES = (".csv", ".xlsx")
YAML_SUFFIXES = (".yaml", ".yml")
COMMANDS = frozenset(
    {
        "/faq",
        "/faq_add",
        "/faq_export",
        "/faq_history",
        "/suggestions",
        "/stats",
        "/unanswered",
        "/cancel",
    }
)


@dataclass(frozen=True)
class AdminIncoming:
    """One admin interaction; exactly one of command, action, text or file is set."""

    user_id: str
    chat_id: str
    name: str
    channel: str
    command: str | None = None
    action: str | None = None
    text: str | None = None
    file: OutFile | None = None
    event_id: str | None = None  # the platform's id of the update: a repeat is skipped


def _b(label: str, action: str) -> Button:
    return Button(label, action)


class AdminDesk:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # ---- routing -------------------------------------------------------------------------

    async def wants_text(self, channel: str, user_id: str) -> bool:
        """Is this admin in the middle of a guided step (so their text is for us)?"""
        async with self.engine.sessions() as session:
            state = await session.scalar(
                select(Conversation.state)
                .join(Person, Person.id == Conversation.person_id)
                .where(Person.channel == channel, Person.external_id == user_id)
            )
        return bool(state and state.startswith("admin:"))

    async def handle(self, incoming: AdminIncoming) -> list[Reply]:
        if incoming.file is not None:
            return await self._import_file(incoming.file, incoming.name)
        async with self.engine.sessions.begin() as session:
            # Imports are idempotent and run in their own transaction; a guided step or a
            # button delivered again (webhook retry, redelivery after a crash) is skipped.
            if incoming.event_id is not None and not await self.engine.first_delivery(
                session, incoming.channel, incoming.event_id
            ):
                return []
            conversation = await self._conversation(session, incoming)
            data = dict(conversation.data)
            replies = await self._dispatch(session, incoming, conversation, data)
            conversation.data = data
        return replies

    async def _conversation(self, session: AsyncSession, incoming: AdminIncoming) -> Conversation:
        person = await session.scalar(
            select(Person).where(
                Person.channel == incoming.channel, Person.external_id == incoming.user_id
            )
        )
        if person is None:
            person = Person(
                channel=incoming.channel,
                external_id=incoming.user_id,
                chat_id=incoming.chat_id,
                display_name=incoming.name[:128],
            )
            session.add(person)
            await session.flush()
        conversation = await session.get(Conversation, person.id)
        if conversation is None:
            conversation = Conversation(person_id=person.id, state="idle", data={})
            session.add(conversation)
        return conversation

    async def _dispatch(
        self,
        session: AsyncSession,
        incoming: AdminIncoming,
        conversation: Conversation,
        data: dict[str, object],
    ) -> list[Reply]:
        actor = incoming.name
        if incoming.command:
            data.clear()
            conversation.state = "admin:new_id" if incoming.command == "/faq_add" else "idle"
            return await self._command(session, incoming.command)
        if incoming.action:
            return await self._action(session, incoming.action, conversation, data, actor)
        return await self._step(session, (incoming.text or "").strip(), conversation, data, actor)

    # ---- commands ------------------------------------------------------------------------

    async def _command(self, session: AsyncSession, command: str) -> list[Reply]:
        if command == "/faq":
            return [await self._page(session, 0)]
        if command == "/faq_add":
            return [Reply(_("New entry: send its id (snake_case, e.g. winter_school)."))]
        if command == "/faq_export":
            files = await knowledge.export(session)
            return [
                Reply(
                    _("The knowledge base as YAML files:"),
                    files=tuple(OutFile(name, text.encode()) for name, text in files.items()),
                )
            ]
        if command == "/faq_history":
            return [await self._history(session)]
        if command == "/suggestions":
            return await self._suggestions(session)
        if command == "/stats":
            start, end = stats.last_days(REPORT_DAYS, self.engine.clock())
            figures = await stats.collect_stats(session, start, end)
            chart = await asyncio.to_thread(stats.render_chart, figures)  # CPU-bound
            return [
                Reply(stats.format_stats(figures), files=(OutFile("stats.png", chart, "photo"),))
            ]
        if command == "/unanswered":
            start, end = stats.last_days(REPORT_DAYS, self.engine.clock())
            groups = await stats.unanswered_report(session, start, end, 30)
            return [Reply(stats.format_unanswered(groups))]
        return [Reply(_("Cancelled."))]

    async def _page(self, session: AsyncSession, page: int) -> Reply:
        entries = await knowledge.entries(session)
        pages = max(1, -(-len(entries) // PAGE))
        page = min(max(page, 0), pages - 1)
        shown = entries[page * PAGE : (page + 1) * PAGE]
        rows = [(_b(entry.id, f"adm:show:{entry.id}"),) for entry in shown]
        nav = []
        if page > 0:
            nav.append(_b("◀", f"adm:page:{page - 1}"))
        if page < pages - 1:
            nav.append(_b("▶", f"adm:page:{page + 1}"))
        if nav:
            rows.append(tuple(nav))
        text = _("FAQ entries, page {page} of {pages}. /faq_add adds one.").format(
            page=page + 1, pages=pages
        )
        return Reply(text, tuple(rows))

    async def _history(self, session: AsyncSession) -> Reply:
        changes = await knowledge.history(session, HISTORY)
        if not changes:
            return Reply(_("No changes yet."))
        lines = [
            f"{change.created_at:%Y-%m-%d %H:%M} · {html.escape(change.actor)} · "
            f"{change.action} · {html.escape(change.entry_id)}"
            for change in changes
        ]
        return Reply("\n".join(lines))

    def _entry_view(self, entry: FaqEntry) -> Reply:
        lines = [
            f"<b>{html.escape(entry.id)}</b>" + (" (refuse)" if entry.refuse else ""),
            _("Paraphrases:"),
        ]
        lines += [f"• {html.escape(q)}" for q in entry.questions]
        lines += [
            _("Answer (mn):"),
            html.escape(entry.answer.strip()) or "—",
            _("Answer (en):"),
            html.escape(entry.answer_en.strip()) or "—",
        ]
        return Reply(
            "\n".join(lines),
            (
                (_b(_("Add paraphrase"), f"adm:addq:{entry.id}"),),
                (
                    _b(_("Edit answer (mn)"), f"adm:ans:{entry.id}"),
                    _b(_("Edit answer (en)"), f"adm:ansen:{entry.id}"),
                ),
                (_b(_("Delete"), f"adm:del:{entry.id}"),),
            ),
        )

    # ---- buttons -------------------------------------------------------------------------

    async def _entry(self, session: AsyncSession, entry_id: str) -> FaqEntry | None:
        return next((e for e in await knowledge.entries(session) if e.id == entry_id), None)

    async def _action(
        self,
        session: AsyncSession,
        action: str,
        conversation: Conversation,
        data: dict[str, object],
        actor: str,
    ) -> list[Reply]:
        _prefix, verb, argument = [*action.split(":", 2), "", ""][:3]
        if verb == "page":
            return [await self._page(session, parse_id(argument) or 0)]
        if verb in ("sugnew", "sugadd", "sugrej"):
            return await self._suggestion_action(
                session, verb, argument, conversation, data, actor
            )
        if verb == "save":
            if conversation.state != "admin:new_confirm" or data.get("entry") != argument:
                return [Reply(_("That button is no longer active."))]
            return await self._save_new(session, conversation, data, actor)
        entry = await self._entry(session, argument)
        if entry is None:
            return [Reply(_("That entry no longer exists."))]
        if verb == "show":
            return [self._entry_view(entry)]
        if verb in ("addq", "ans", "ansen"):
            conversation.state = f"admin:{verb}"
            data["entry"] = entry.id
            prompt = {
                "addq": _("Send the new paraphrase for {id}, as a teacher would write it."),
                "ans": _("Send the new Mongolian answer for {id}."),
                "ansen": _("Send the new English answer for {id}."),
            }[verb]
            return [Reply(prompt.format(id=html.escape(entry.id)) + " " + _("/cancel stops."))]
        if verb == "del":
            return [
                Reply(
                    _("Delete {id}? This cannot be undone (the history keeps it).").format(
                        id=html.escape(entry.id)
                    ),
                    (
                        (
                            _b(_("Yes, delete"), f"adm:delok:{entry.id}"),
                            _b(_("No"), f"adm:show:{entry.id}"),
                        ),
                    ),
                )
            ]
        if verb == "delok":
            await knowledge.delete_entry(session, entry.id, actor)
            return [Reply(_("Deleted {id}.").format(id=html.escape(entry.id)))]
        return [Reply(_("That button is no longer active."))]

    # ---- guided steps --------------------------------------------------------------------

    async def _step(
        self,
        session: AsyncSession,
        text: str,
        conversation: Conversation,
        data: dict[str, object],
        actor: str,
    ) -> list[Reply]:
        state = conversation.state
        if not text:
            return [Reply(_("Please send text."))]
        if state == "admin:new_id":
            if not ID_PATTERN.fullmatch(text):
                return [Reply(_("An id is snake_case: small Latin letters, digits and _."))]
            if await self._entry(session, text) is not None:
                return [Reply(_("The id {id} is taken; choose another.").format(id=text))]
            data["entry"] = text
            if data.get("answer"):  # prefilled from a ticket
                conversation.state = "admin:new_confirm"
                return [
                    Reply(
                        _(
                            "The answer will be:\n{answer}\nSend a better one, or press Save."
                        ).format(answer=html.escape(str(data["answer"]))),
                        ((_b(_("Save"), "adm:save:" + text),),),
                    )
                ]
            conversation.state = "admin:new_question"
            return [Reply(_("Send the first paraphrase, as a teacher would write it."))]
        if state == "admin:new_question":
            data["question"] = text
            conversation.state = "admin:new_answer"
            return [Reply(_("Now the Mongolian answer."))]
        if state in ("admin:new_answer", "admin:new_confirm"):
            data["answer"] = text
            return await self._save_new(session, conversation, data, actor)
        entry_id = str(data.get("entry", ""))
        entry = await self._entry(session, entry_id)
        if entry is None:
            conversation.state = "idle"
            return [Reply(_("Nothing to do: send /faq to start."))]
        if state == "admin:addq":
            updated = replace(entry, questions=(*entry.questions, text))
            warning = self._better_elsewhere(entry.id, text)
        elif state == "admin:ans":
            updated, warning = replace(entry, answer=text), ""
        elif state == "admin:ansen":
            updated, warning = replace(entry, answer_en=text), ""
        else:
            conversation.state = "idle"
            return [Reply(_("Nothing to do: send /faq to start."))]
        conversation.state = "idle"
        await knowledge.save_entry(session, updated, actor)
        return [Reply("\n".join(filter(None, [_("Saved {id}.").format(id=entry.id), warning])))]

    def _better_elsewhere(self, entry_id: str, question: str) -> str:
        """Warn (not refuse) when the matcher would send this paraphrase elsewhere."""
        result = self.engine.knowledge.matcher.match(question)
        best = result.best.intent if result.best else None
        if best is None or best == entry_id:
            return ""
        return _(
            "Note: the bot now matches this wording to {other} ({score:.0f}), not to "
            "{id}; with it saved, that may change."
        ).format(other=best, score=result.score, id=entry_id)

    async def _save_new(
        self,
        session: AsyncSession,
        conversation: Conversation,
        data: dict[str, object],
        actor: str,
    ) -> list[Reply]:
        entry_id = str(data.get("entry", ""))
        questions = [q for q in str(data.get("question", "")).split("\n") if q.strip()]
        answer = str(data.get("answer", "")).strip()
        conversation.state = "idle"
        if not answer:
            return [Reply(_("The answer is empty; nothing was saved."))]
        try:
            [entry] = parse_faq(
                yaml.safe_dump(
                    [{"id": entry_id, "questions": questions, "answer": answer}],
                    allow_unicode=True,
                ),
                "chat",
            )
        except FaqError as problem:
            reason = html.escape(str(problem), quote=False)
            return [Reply(_("Not saved: {reason}").format(reason=reason))]
        await knowledge.save_entry(session, replace(entry, source="admin.yaml"), actor)
        suggestion_id = data.pop("suggestion", None)
        if isinstance(suggestion_id, int):
            suggestion = await session.get(FaqSuggestion, suggestion_id)
            if suggestion is not None:
                suggestion.status = "accepted"
        warnings = [self._better_elsewhere(entry.id, q) for q in questions]
        return [Reply("\n".join(filter(None, [_("Saved {id}.").format(id=entry.id), *warnings])))]

    # ---- suggestions from tickets --------------------------------------------------------

    async def _suggestions(self, session: AsyncSession) -> list[Reply]:
        pending = list(
            await session.scalars(
                select(FaqSuggestion)
                .where(FaqSuggestion.status == "pending")
                .order_by(FaqSuggestion.id)
                .limit(10)
            )
        )
        if not pending:
            return [Reply(_("No suggestions waiting."))]
        replies = []
        for suggestion in pending:
            result = self.engine.knowledge.matcher.match(suggestion.question)
            near = result.best.intent if result.best else None
            buttons = [_b(_("New entry"), f"adm:sugnew:{suggestion.id}")]
            if near and near in self.engine.knowledge.entries:
                buttons.append(
                    _b(_("Add to {id}").format(id=near), f"adm:sugadd:{suggestion.id}:{near}")
                )
            buttons.append(_b(_("Reject"), f"adm:sugrej:{suggestion.id}"))
            replies.append(
                Reply(
                    _("Ticket #{ticket}\nQuestion: {question}\nStaff answer: {answer}").format(
                        ticket=suggestion.ticket_id,
                        question=html.escape(suggestion.question),
                        answer=html.escape(suggestion.answer) or "—",
                    ),
                    (tuple(buttons),),
                )
            )
        return replies

    async def _suggestion_action(
        self,
        session: AsyncSession,
        verb: str,
        argument: str,
        conversation: Conversation,
        data: dict[str, object],
        actor: str,
    ) -> list[Reply]:
        suggestion_id, _sep, entry_id = argument.partition(":")
        number = parse_id(suggestion_id)
        suggestion = await session.get(FaqSuggestion, number) if number else None
        if suggestion is None or suggestion.status != "pending":
            return [Reply(_("That suggestion is already handled."))]
        if verb == "sugrej":
            suggestion.status = "rejected"
            return [Reply(_("Rejected."))]
        if verb == "sugadd":
            entry = await self._entry(session, entry_id)
            if entry is None:
                return [Reply(_("That entry no longer exists."))]
            first_line = suggestion.question.split("\n")[0].strip()
            await knowledge.save_entry(
                session, replace(entry, questions=(*entry.questions, first_line)), actor
            )
            suggestion.status = "accepted"
            return [Reply(_("Added as a paraphrase of {id}.").format(id=entry.id))]
        conversation.state = "admin:new_id"
        data.update(
            suggestion=suggestion.id, question=suggestion.question, answer=suggestion.answer
        )
        return [
            Reply(
                _("New entry from ticket #{ticket}: send its id (snake_case).").format(
                    ticket=suggestion.ticket_id
                )
            )
        ]

    # ---- uploaded files ------------------------------------------------------------------

    async def _import_file(self, file: OutFile, actor: str) -> list[Reply]:
        name = file.name.lower()
        if name.endswith(ROSTER_SUFFIXES):
            return await self._import_roster(file)
        if not name.endswith(YAML_SUFFIXES):
            return [
                Reply(
                    _(
                        "I import rosters (.csv, .xlsx), the FAQ and the schedule (.yaml). "
                        "Nothing was changed."
                    )
                )
            ]
        try:
            text = file.data.decode("utf-8")
            async with self.engine.sessions.begin() as session:
                if "schedule" in name:
                    rows = await knowledge.import_schedule(session, text, actor)
                    return [
                        Reply(
                            _("Schedule imported: {count} cohort windows.").format(count=len(rows))
                        )
                    ]
                report = await knowledge.import_entries(session, parse_faq(text, file.name), actor)
        except UnicodeDecodeError:
            return [Reply(_("The file is not UTF-8 text. Nothing was changed."))]
        except (FaqError, ScheduleError) as problem:
            return [
                Reply(
                    _("Nothing was changed: {reason}").format(
                        reason=html.escape(str(problem), quote=False)
                    )
                )
            ]
        return [Reply(_("FAQ imported.") + "\n" + "\n".join(report.lines()))]

    async def _import_roster(self, file: OutFile) -> list[Reply]:
        try:
            report = await roster.import_file(self.engine.sessions, file.data, file.name)
        except RosterFileError as problem:
            return [Reply(html.escape(str(problem), quote=False))]
        text = html.escape(roster.format_report(report, MAX_PROBLEMS_SHOWN))
        if len(report.problems) > MAX_PROBLEMS_SHOWN:
            return [
                Reply(
                    text,
                    files=(OutFile("roster-problems.csv", roster.problems_csv(report.problems)),),
                )
            ]
        return [Reply(text)]
