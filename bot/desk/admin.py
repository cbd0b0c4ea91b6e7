"""What admins do in chat: FAQ editing, imports, suggestions from tickets, stats, reports.

Channel-agnostic like the desk: a channel says who is an admin and hands over commands,
button actions, text and uploaded files; replies come back as values (files included). Guided
steps are a flow like the teachers' (bot/desk/flows/): a `Step` StrEnum kept in the admin's
conversation row and a typed `Draft`, so they survive a restart.
"""

from __future__ import annotations

import asyncio
import dataclasses
import html
from dataclasses import dataclass, replace
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.desk import knowledge, roster, sandbox, stats
from bot.desk.engine import Desk
from bot.desk.faq import ID_PATTERN, FaqEntry, FaqError
from bot.desk.messages import Button, OutFile, Reply, html_problem, parse_id
from bot.desk.roster import RosterFileError
from bot.desk.schedule import ScheduleError
from bot.desk.turn import IDLE, load_data
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


class Step(StrEnum):
    """Where an admin's guided step stands; their next text answers it."""

    NEW_ID = "admin.new_id"  # /faq_add: the new entry's id
    NEW_QUESTION = "admin.new_question"  # … its first paraphrase
    NEW_ANSWER = "admin.new_answer"  # … its Mongolian answer
    NEW_CONFIRM = "admin.new_confirm"  # from a suggestion: the answer shown, Save or a better one
    ADD_QUESTION = "admin.addq"  # a paraphrase for `entry`
    ANSWER_MN = "admin.ans"  # a new Mongolian answer for `entry`
    ANSWER_EN = "admin.ansen"  # a new English answer for `entry`


EDITS = {"addq": Step.ADD_QUESTION, "ans": Step.ANSWER_MN, "ansen": Step.ANSWER_EN}


@dataclass
class Draft:
    """What a guided step has gathered so far."""

    entry: str = ""  # the entry's id
    question: str = ""
    answer: str = ""
    suggestion: int | None = None  # the FAQ suggestion it comes from


def _b(label: str, action: str) -> Button:
    return Button(label, action)


class AdminDesk:
    def __init__(self, desk: Desk, read_limits: sandbox.Limits | None = None) -> None:
        self.desk = desk
        self.read_limits = read_limits or sandbox.Limits()

    # ---- routing -------------------------------------------------------------------------

    async def wants_text(self, channel: str, user_id: str) -> bool:
        """Is this admin in the middle of a guided step (so their text is for us)?"""
        async with self.desk.sessions() as session:
            state = await session.scalar(
                select(Conversation.state)
                .join(Person, Person.id == Conversation.person_id)
                .where(Person.channel == channel, Person.external_id == user_id)
            )
        return state in Step.__members__.values()

    async def handle(self, incoming: AdminIncoming) -> list[Reply]:
        if incoming.file is not None:
            return await self._import_file(incoming.file, incoming.name)
        async with self.desk.sessions.begin() as session:
            # Imports are idempotent and run in their own transaction; a guided step or a
            # button delivered again (webhook retry, redelivery after a crash) is skipped.
            if incoming.event_id is not None and not await self.desk.record_delivery(
                session, incoming.channel, incoming.event_id
            ):
                return []
            conversation = await self._conversation(session, incoming)
            # A command starts afresh; anything else continues the step in hand.
            draft = Draft() if incoming.command else load_data(Draft, conversation.data or {})
            replies = await self._dispatch(session, incoming, conversation, draft)
            conversation.data = dataclasses.asdict(draft)
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
            conversation = Conversation(person_id=person.id, state=IDLE, data={})
            session.add(conversation)
        return conversation

    async def _dispatch(
        self,
        session: AsyncSession,
        incoming: AdminIncoming,
        conversation: Conversation,
        draft: Draft,
    ) -> list[Reply]:
        actor = incoming.name
        if incoming.command:
            conversation.state = Step.NEW_ID if incoming.command == "/faq_add" else IDLE
            return await self._command(session, incoming.command)
        if incoming.action:
            return await self._action(session, incoming.action, conversation, draft, actor)
        return await self._step(session, (incoming.text or "").strip(), conversation, draft, actor)

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
            start, end = stats.last_days(REPORT_DAYS, self.desk.clock())
            figures = await stats.collect_stats(session, start, end)
            chart = await asyncio.to_thread(stats.render_chart, figures)  # CPU-bound
            return [
                Reply(stats.format_stats(figures), files=(OutFile("stats.png", chart, "photo"),))
            ]
        if command == "/unanswered":
            start, end = stats.last_days(REPORT_DAYS, self.desk.clock())
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
        draft: Draft,
        actor: str,
    ) -> list[Reply]:
        _prefix, verb, argument = [*action.split(":", 2), "", ""][:3]
        if verb == "page":
            return [await self._page(session, parse_id(argument) or 0)]
        if verb in ("sugnew", "sugadd", "sugrej"):
            return await self._suggestion_action(
                session, verb, argument, conversation, draft, actor
            )
        if verb == "save":
            if conversation.state != Step.NEW_CONFIRM or draft.entry != argument:
                return [Reply(_("That button is no longer active."))]
            return await self._save_new(session, conversation, draft, actor)
        entry = await self._entry(session, argument)
        if entry is None:
            return [Reply(_("That entry no longer exists."))]
        if verb == "show":
            return [self._entry_view(entry)]
        if verb in EDITS:
            conversation.state = EDITS[verb]
            draft.entry = entry.id
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
        draft: Draft,
        actor: str,
    ) -> list[Reply]:
        state = conversation.state
        if not text:
            return [Reply(_("Please send text."))]
        if state == Step.NEW_ID:
            if not ID_PATTERN.fullmatch(text):
                return [Reply(_("An id is snake_case: small Latin letters, digits and _."))]
            if await self._entry(session, text) is not None:
                return [Reply(_("The id {id} is taken; choose another.").format(id=text))]
            draft.entry = text
            if draft.answer:  # prefilled from a ticket
                conversation.state = Step.NEW_CONFIRM
                return [
                    Reply(
                        _(
                            "The answer will be:\n{answer}\nSend a better one, or press Save."
                        ).format(answer=html.escape(draft.answer)),
                        ((_b(_("Save"), "adm:save:" + text),),),
                    )
                ]
            conversation.state = Step.NEW_QUESTION
            return [Reply(_("Send the first paraphrase, as a teacher would write it."))]
        if state == Step.NEW_QUESTION:
            draft.question = text
            conversation.state = Step.NEW_ANSWER
            return [Reply(_("Now the Mongolian answer."))]
        if state in (Step.NEW_ANSWER, Step.NEW_CONFIRM):
            draft.answer = text
            return await self._save_new(session, conversation, draft, actor)
        entry = await self._entry(session, draft.entry)
        if entry is None or state not in EDITS.values():
            conversation.state = IDLE
            return [Reply(_("Nothing to do: send /faq to start."))]
        problem = html_problem(text) if state != Step.ADD_QUESTION else None
        if problem is not None:  # the step stays open: the admin sends it again, mended
            return [
                Reply(
                    _("Not saved: Telegram would refuse this answer ({problem}).").format(
                        problem=html.escape(problem)
                    )
                )
            ]
        if state == Step.ADD_QUESTION:
            updated = replace(entry, questions=(*entry.questions, text))
            warning = self._better_elsewhere(entry.id, text)
        elif state == Step.ANSWER_MN:
            updated, warning = replace(entry, answer=text), ""
        else:
            updated, warning = replace(entry, answer_en=text), ""
        conversation.state = IDLE
        await knowledge.save_entry(session, updated, actor)
        return [Reply("\n".join(filter(None, [_("Saved {id}.").format(id=entry.id), warning])))]

    def _better_elsewhere(self, entry_id: str, question: str) -> str:
        """Warn (not refuse) when the matcher would send this paraphrase elsewhere."""
        result = self.desk.knowledge.matcher.match(question)
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
        draft: Draft,
        actor: str,
    ) -> list[Reply]:
        entry_id = draft.entry
        questions = [q for q in draft.question.split("\n") if q.strip()]
        answer = draft.answer.strip()
        conversation.state = IDLE
        if not answer:
            return [Reply(_("The answer is empty; nothing was saved."))]
        try:
            data = {"id": entry_id, "questions": questions, "answer": answer}
            entry = knowledge.parsed_entry(data, "chat")
        except FaqError as problem:
            reason = html.escape(str(problem), quote=False)
            return [Reply(_("Not saved: {reason}").format(reason=reason))]
        await knowledge.save_entry(session, replace(entry, source="admin.yaml"), actor)
        suggestion_id, draft.suggestion = draft.suggestion, None
        if suggestion_id is not None:
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
            result = self.desk.knowledge.matcher.match(suggestion.question)
            near = suggestion.entry_id or (result.best.intent if result.best else None)
            buttons = [_b(_("New entry"), f"adm:sugnew:{suggestion.id}")]
            if near and near in self.desk.knowledge.entries:
                buttons.append(
                    _b(_("Add to {id}").format(id=near), f"adm:sugadd:{suggestion.id}:{near}")
                )
            buttons.append(_b(_("Reject"), f"adm:sugrej:{suggestion.id}"))
            if suggestion.ticket_id is None:  # a teacher's pick after "which do you mean?"
                text = _("A teacher meant {id} by: {question}").format(
                    id=html.escape(near or "—"), question=html.escape(suggestion.question)
                )
            else:
                text = _("Ticket #{ticket}\nQuestion: {question}\nStaff answer: {answer}").format(
                    ticket=suggestion.ticket_id,
                    question=html.escape(suggestion.question),
                    answer=html.escape(suggestion.answer) or "—",
                )
            replies.append(Reply(text, (tuple(buttons),)))
        return replies

    async def _suggestion_action(
        self,
        session: AsyncSession,
        verb: str,
        argument: str,
        conversation: Conversation,
        draft: Draft,
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
        conversation.state = Step.NEW_ID
        draft.suggestion = suggestion.id
        draft.question, draft.answer = suggestion.question, suggestion.answer
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
            return await self._import_roster(file, actor)
        if not name.endswith(YAML_SUFFIXES):
            return [
                Reply(
                    _(
                        "I import rosters (.csv, .xlsx), the FAQ and the schedule (.yaml). "
                        "Nothing was changed."
                    )
                )
            ]
        kind = "schedule" if "schedule" in name else "faq"
        try:
            parsed = await sandbox.read(kind, file.data, file.name, self.read_limits)
            async with self.desk.sessions.begin() as session:
                if kind == "schedule":
                    text = file.data.decode("utf-8")
                    today = self.desk.clock().astimezone(self.desk.zone).date()
                    rows = await knowledge.import_schedule(
                        session, text, actor, rows=parsed, today=today
                    )
                    return [
                        Reply(
                            _("Schedule imported: {count} cohort windows.").format(count=len(rows))
                        )
                    ]
                report = await knowledge.import_entries(session, parsed, actor)
        except UnicodeDecodeError:
            return [Reply(_("The file is not UTF-8 text. Nothing was changed."))]
        except (FaqError, ScheduleError, sandbox.ReadLimitError) as problem:
            return [
                Reply(
                    _("Nothing was changed: {reason}").format(
                        reason=html.escape(str(problem), quote=False)
                    )
                )
            ]
        return [Reply(_("FAQ imported.") + "\n" + "\n".join(report.lines()))]

    async def _import_roster(self, file: OutFile, actor: str) -> list[Reply]:
        try:
            report = await roster.import_file(
                self.desk.sessions, file.data, file.name, limits=self.read_limits, actor=actor
            )
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
