"""The dialogue state machine: one Incoming in, the replies out, in one transaction.

State lives in the database (Conversation.state and .data), so any instance, or this one after
a restart, continues where the person left off.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from time import monotonic
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import Insert, Table, exists, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import make_transient_to_detached

from bot.desk import knowledge as knowledge_store
from bot.desk import roster, tickets
from bot.desk.certificates import RegisterNumberError, mask_register_numbers, parse_register_number
from bot.desk.faq import KnowledgeBase
from bot.desk.messages import Button, Incoming, Reply, parse_id
from bot.desk.schedule import COHORTS, OTHER_COHORT, CohortSchedule, describe, windows_for
from bot.i18n import LANGUAGES, N_, _, format_date, use_language
from bot.nlu.entities import detect_cohort
from bot.nlu.matcher import MatchResult
from bot.nlu.normalize import MAX_TEXT, normalize, script_of
from bot.storage.models import (
    LOG_TEXT_LIMIT,
    Conversation,
    Feedback,
    MessageLog,
    OutboxMessage,
    Person,
    ProcessedEvent,
    RosterEntry,
    Ticket,
    utcnow,
)

Clock = Callable[[], datetime]

# Main-menu items: (action, label). Labels are translated when shown, and a label typed (or
# sent by a reply keyboard) in either language means the same as pressing it.
MENU = (
    ("menu:schedule", N_("Schedule")),
    ("menu:recovery", N_("Password / e-mail")),
    ("menu:certificate", N_("Certificate")),
    ("menu:human", N_("Talk to a person")),
)

# The recovery guide: (system, what is lost) → the FAQ entry whose answer holds the steps.
RECOVERY_STEPS = {
    ("esis", "password"): "esis_password",
    ("esis", "login"): "esis_login",
    ("esis", "email"): "email_change",
    ("elearning", "password"): "elearning_login",
    ("elearning", "login"): "elearning_login",
    ("elearning", "email"): "email_change",
}
RECOVERY_ENTRIES = frozenset(RECOVERY_STEPS.values())

RELAYED = frozenset({"photo", "document"})  # passed on to the staff while a ticket is open
CERTIFICATE_STATES = frozenset({"cert_regno", "cert_surname"})
SMALL_TALK = frozenset({"greeting", "thanks"})  # answered without asking for feedback
STRIKES_BEFORE_OFFERING_A_PERSON = 2
KNOWLEDGE_CHECK_INTERVAL = 1.0  # seconds between looks at the knowledge base's version
TRIED_KEPT = 5
WORK_DAYS = frozenset(range(5))  # Monday..Friday


class Arrival(NamedTuple):
    """Who wrote, as a turn finds them."""

    person: Person
    conversation: Conversation | None  # none yet: the turn adds one
    created: bool  # this message created the person: no ticket, no history
    waiting: bool  # outbox rows still wait to reach their chat


@dataclass
class Turn:
    """Everything one incoming message works with; the replies accumulate here."""

    session: AsyncSession
    person: Person
    conversation: Conversation
    incoming: Incoming
    log: MessageLog
    data: dict[str, Any]
    knowledge: KnowledgeBase  # as it was when this message arrived, whatever changes meanwhile
    schedule: list[CohortSchedule]
    new_person: bool = False  # this message created the person: no ticket, no history
    replies: list[Reply] = field(default_factory=list)

    def say(
        self,
        text: str,
        buttons: tuple[tuple[Button, ...], ...] = (),
        show_menu: bool = False,
    ) -> None:
        self.replies.append(Reply(text=text, buttons=buttons, show_menu=show_menu))

    @property
    def state(self) -> str:
        return self.conversation.state

    @state.setter
    def state(self, value: str) -> None:
        self.conversation.state = value

    @property
    def language(self) -> str:
        return self.person.language or "mn"


@dataclass(frozen=True)
class WorkingHours:
    start: time = time(9)
    end: time = time(18)
    timezone: str = "Asia/Ulaanbaatar"

    def is_open(self, moment: datetime) -> bool:
        local = moment.astimezone(ZoneInfo(self.timezone))
        return local.weekday() in WORK_DAYS and self.start <= local.time() < self.end

    def next_opening(self, moment: datetime) -> datetime:
        local = moment.astimezone(ZoneInfo(self.timezone))
        day = local.date()
        for _offset in range(8):
            opening = datetime.combine(day, self.start, tzinfo=local.tzinfo)
            if day.weekday() in WORK_DAYS and opening > local:
                return opening
            day += timedelta(days=1)
        raise AssertionError("no working day within a week")


MESSAGE_LOG = MessageLog.__table__
OUTBOX = OutboxMessage.__table__
PEOPLE = Person.__table__
PROCESSED_EVENTS = ProcessedEvent.__table__
PEOPLE_INSERTED = (
    "channel",
    "external_id",
    "chat_id",
    "display_name",
    "language",
    "cohort",
    "reminders",
    "created_at",
    "last_seen_at",
)


def _insert_ignoring(session: AsyncSession, table: Table) -> Insert:
    """INSERT … ON CONFLICT DO NOTHING in the session's dialect (both have the clause)."""
    dialect_insert = pg_insert if session.bind.dialect.name == "postgresql" else sqlite_insert
    return dialect_insert(table).on_conflict_do_nothing()


def clean_text(text: str | None) -> str:
    """Control characters out, length capped, so nothing downstream sees a hostile string."""
    if not text:
        return ""
    kept = "".join(
        ch if ch in "\n\t" or unicodedata.category(ch)[0] != "C" else " " for ch in text[:MAX_TEXT]
    )
    return kept.strip()


def _placeholder(incoming: Incoming) -> str:
    """What the message log shows for a message without text."""
    if incoming.action:
        return f"[{incoming.action}]"
    return f"[{incoming.attachment.kind}]" if incoming.attachment else ""


def _button(label: str, action: str) -> Button:
    return Button(label=label, action=action)


class Engine:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        knowledge: KnowledgeBase,
        schedule: list[CohortSchedule],
        *,
        clock: Clock = utcnow,
        timezone: str = "Asia/Ulaanbaatar",
        working_hours: WorkingHours | None = None,
        staff_chat: str | None = None,
        live: bool = False,
        lookups_per_hour: int = 5,
        lookups_per_day: int = 20,
    ) -> None:
        self.lookups_per_hour, self.lookups_per_day = lookups_per_hour, lookups_per_day
        self.sessions = sessions
        self.staff_chat = staff_chat
        # With `live`, the knowledge base is the database's and is rebuilt when its version
        # changes (checked at most every KNOWLEDGE_CHECK_INTERVAL seconds).
        self.live = live
        self.knowledge_version: int | None = None
        self._checked_at = float("-inf")
        self.knowledge = knowledge
        self.schedule = schedule
        self.clock = clock
        self.zone = ZoneInfo(timezone)
        self.working_hours = working_hours or WorkingHours(timezone=timezone)
        self._actions: dict[str, Callable[[Turn, str], Awaitable[None]]] = {
            "menu": self._on_menu,
            "lang": self._on_language,
            "cohort": self._on_cohort,
            "rec": self._on_recovery_system,
            "lost": self._on_recovery_lost,
            "solved": self._on_solved,
            "fb": self._on_feedback,
            "human": self._on_human_confirm,
            "ticket": self._on_ticket_button,
            "csat": self._on_csat,
            "remind": self._on_reminders,
            "cert": self._on_certificate_ticket,
        }

    # ---- the one entry point -------------------------------------------------------------

    async def handle(self, incoming: Incoming) -> list[Reply]:
        """The replies to one message; none for a delivery already handled."""
        async with self.sessions.begin() as session:
            if incoming.event_id is not None and not await self._first_delivery(session, incoming):
                return []
            await self._refresh_knowledge(session)
            arrival = await self._arrival(session, incoming)
            person, conversation = arrival.person, arrival.conversation
            if conversation is None:  # added at the end: one INSERT with the turn's outcome
                conversation = Conversation(person_id=person.id, state="idle", data={})
            text = clean_text(incoming.text)
            log = MessageLog(
                person_id=person.id,
                direction="in",
                text=mask_register_numbers(text or _placeholder(incoming))[:LOG_TEXT_LIMIT],
                channel_message_id=incoming.message_id,
                created_at=self.clock(),
            )
            session.add(log)
            turn = Turn(
                session,
                person,
                conversation,
                incoming,
                log,
                dict(conversation.data),
                self.knowledge,
                self.schedule,
                new_person=arrival.created,
            )
            # Pending rows are written once, at commit (or where the code flushes on purpose),
            # not before every query: the incoming row gets its intent before its INSERT, and
            # the conversation is not UPDATEd twice.
            with session.no_autoflush, use_language(person.language):
                await self._dispatch(turn, text)
            conversation.data = turn.data
            conversation.updated_at = self.clock()
            session.add(conversation)
            await session.flush()
            if turn.replies:
                now = self.clock()
                await session.execute(
                    MESSAGE_LOG.insert(),
                    [
                        {
                            "person_id": person.id,
                            "direction": "out",
                            "text": mask_register_numbers(reply.text)[:LOG_TEXT_LIMIT],
                            "created_at": now,
                        }
                        for reply in turn.replies
                    ],
                )
            if arrival.waiting and turn.replies:
                self._queue_behind(session, incoming, turn.replies)
                return []
        return turn.replies

    def _queue_behind(
        self, session: AsyncSession, incoming: Incoming, replies: list[Reply]
    ) -> None:
        """Replies still wait for this chat (an outage, a methodologist's answer on its way):
        these go after them, through the outbox, so the teacher reads everything in order."""
        now = self.clock()
        session.add_all(
            OutboxMessage(
                channel=incoming.channel,
                chat_id=incoming.chat_id,
                payload=tickets.reply_payload(reply),
                next_attempt_at=now,
            )
            for reply in replies
        )

    async def _first_delivery(self, session: AsyncSession, incoming: Incoming) -> bool:
        return await self.first_delivery(session, incoming.channel, str(incoming.event_id))

    async def first_delivery(self, session: AsyncSession, channel: str, event_id: str) -> bool:
        """Record the event in this transaction: it counts as handled only if the turn commits.
        False for a repeat. Channels call it for deliveries that do not reach `handle`."""
        stored = await session.scalar(
            _insert_ignoring(session, PROCESSED_EVENTS).returning(PROCESSED_EVENTS.c.id),
            {"channel": channel, "event_id": event_id[:255], "created_at": self.clock()},
        )
        return stored is not None

    async def _refresh_knowledge(self, session: AsyncSession) -> None:
        """Pick up the admins' edits: a cheap version check, a rebuild only on a change."""
        if not self.live or monotonic() - self._checked_at < KNOWLEDGE_CHECK_INTERVAL:
            return
        self._checked_at = monotonic()
        if await knowledge_store.version(session) == self.knowledge_version:
            return
        version, entries, schedule = await knowledge_store.load(session)
        self.knowledge = self.knowledge.rebuilt(entries)
        self.schedule = schedule
        self.knowledge_version = version

    async def _arrival(self, session: AsyncSession, incoming: Incoming) -> Arrival:
        """Who wrote: found (their row locked, so their turns do not overlap) or created on
        first contact, safely when another instance creates them at the same moment."""
        waiting = (
            exists()
            .where(
                OUTBOX.c.channel == incoming.channel,
                OUTBOX.c.chat_id == incoming.chat_id,
                OUTBOX.c.sent_at.is_(None),
                OUTBOX.c.dead.is_(False),
            )
            .label("waiting")
        )
        query = (
            select(Person, Conversation, waiting)
            .outerjoin(Conversation, Conversation.person_id == Person.id)
            .where(Person.channel == incoming.channel, Person.external_id == incoming.user_id)
            .with_for_update(of=Person)
        )
        found = (await session.execute(query)).one_or_none()
        if found is None:
            person = await self._insert_person(session, incoming)
            if person is not None:  # someone new: nothing was ever sent to them
                return Arrival(person, None, created=True, waiting=False)
            found = (await session.execute(query)).one()  # created meanwhile elsewhere
        person, conversation, is_waiting = found
        person.last_seen_at = self.clock()
        if incoming.display_name and incoming.display_name[:128] != person.display_name:
            person.display_name = incoming.display_name[:128]
        return Arrival(person, conversation, created=False, waiting=is_waiting)

    async def _insert_person(self, session: AsyncSession, incoming: Incoming) -> Person | None:
        """The person of a first message, inserted at once; None if their row exists already
        (another instance inserted it meanwhile)."""
        now = self.clock()
        person = Person(
            channel=incoming.channel,
            external_id=incoming.user_id,
            chat_id=incoming.chat_id,
            display_name=incoming.display_name[:128],
            language=incoming.language if incoming.language in LANGUAGES else None,
            cohort=None,
            reminders=False,
            created_at=now,
            last_seen_at=now,
        )
        values = {column: getattr(person, column) for column in PEOPLE_INSERTED}
        person.id = await session.scalar(
            _insert_ignoring(session, PEOPLE).returning(PEOPLE.c.id), values
        )
        if person.id is None:
            return None
        make_transient_to_detached(person)  # the row exists: known to the session, not added
        session.add(person)
        return person

    async def _dispatch(self, turn: Turn, text: str) -> None:
        action = turn.incoming.action or self._menu_action(text)
        if action:
            await self._on_action(turn, action)
            return
        if text.startswith("/"):
            await self._on_command(turn, text)
            return
        ticket = (
            None if turn.new_person else await tickets.active_ticket(turn.session, turn.person.id)
        )
        attachment = turn.incoming.attachment
        if ticket is not None and (attachment is None or attachment.kind in RELAYED):
            await self._add_to_ticket(turn, ticket, text)
            return
        if attachment is not None:
            self._unreadable_content(turn, attachment.kind)
            return
        if turn.state in CERTIFICATE_STATES:
            if any(ch.isdigit() for ch in text):  # a register number, perhaps sent again
                turn.state = "cert_regno"
                await self._certificate_step(turn, text)
                return
            if turn.state == "cert_surname" and len(text.split()) <= 2:
                await self._certificate_step(turn, text)
                return
        if not text or script_of(text) == "other" or not normalize(text).strip():
            turn.say(
                _(
                    "I understand questions written in words, in Mongolian (Cyrillic or Latin "
                    "letters). Please write your question, or choose from the menu."
                ),
                show_menu=True,
            )
            return
        if turn.state == "ask_cohort" and (cohort := detect_cohort(text)) is not None:
            await self._on_cohort(turn, str(cohort))
            return
        turn.state = "idle"
        await self._answer_question(turn, text)

    def _menu_action(self, text: str) -> str | None:
        folded = text.casefold()
        for action, label in MENU:
            for language in LANGUAGES:
                with use_language(language):
                    if _(label).casefold() == folded:
                        return action
        return None

    async def _on_action(self, turn: Turn, action: str) -> None:
        prefix, _sep, argument = action.partition(":")
        handler = self._actions.get(prefix)
        if handler is None:
            turn.say(_("That button is no longer active."), show_menu=True)
            return
        await handler(turn, argument)

    # ---- commands -------------------------------------------------------------------------

    async def _on_command(self, turn: Turn, text: str) -> None:
        command = text.split()[0].split("@")[0].lower()
        if command == "/start":
            await self._greet(turn)
        elif command == "/menu":
            turn.state = "idle"
            turn.say(_("Choose from the menu, or write your question."), show_menu=True)
        elif command == "/help":
            turn.say(self._help_text(), show_menu=True)
        elif command == "/lang":
            self._ask_language(turn)
        elif command == "/cohort":
            self._ask_cohort(turn, after=None)
        elif command == "/stop_reminders":
            turn.person.reminders = False
            turn.say(
                _("Reminders are off. You can turn them on again under the schedule."),
                show_menu=True,
            )
        else:
            turn.say(_("I do not know that command."), show_menu=True)
            turn.say(self._help_text())

    def _help_text(self) -> str:
        return _(
            "I answer questions about the teachers' professional-development training: the "
            "schedule, ESIS and e-learning passwords and e-mail, certificates. Write your "
            "question in your own words (Cyrillic or Latin letters), or use the menu.\n\n"
            "/menu – main menu\n/lang – language\n/cohort – your year of work\n"
            "/help – this help"
        )

    async def _greet(self, turn: Turn) -> None:
        turn.state = "idle"
        name = html.escape(turn.person.display_name)
        greeting = (
            (_("Hello, {name}!").format(name=name) if name else _("Hello!"))
            + "\n"
            + _(
                "I am the help desk of the Institute of Teachers' Professional Development. "
                "Ask about the training schedule, ESIS or e-learning passwords and e-mail, or "
                "your certificate; or talk to a methodologist."
            )
        )
        turn.say(greeting, show_menu=True)
        if turn.person.language is None:
            self._ask_language(turn)
        elif turn.person.cohort is None:
            self._ask_cohort(turn, after=None)

    def _ask_language(self, turn: Turn) -> None:
        turn.say(
            _("Which language do you prefer?"),
            ((_button("Монгол", "lang:mn"), _button("English", "lang:en")),),
        )

    def _ask_cohort(self, turn: Turn, after: str | None) -> None:
        turn.state = "ask_cohort"
        turn.data["after_cohort"] = after
        turn.say(
            _("Which year of work are you in?"),
            (
                tuple(
                    _button(_("{n} year").format(n=label), f"cohort:{cohort}")
                    for cohort, label in ((1, _("1st")), (5, _("5th")), (10, _("10th")))
                ),
                (_button(_("Other"), f"cohort:{OTHER_COHORT}"),),
            ),
        )

    async def _on_language(self, turn: Turn, language: str) -> None:
        if language not in LANGUAGES:
            turn.say(_("That button is no longer active."))
            return
        turn.person.language = language
        with use_language(language):
            turn.say(_("Language saved."), show_menu=True)
            if turn.person.cohort is None:
                self._ask_cohort(turn, after=None)

    async def _on_cohort(self, turn: Turn, argument: str) -> None:
        cohort = parse_id(argument)
        if cohort not in (*COHORTS, OTHER_COHORT):
            turn.say(_("That button is no longer active."))
            return
        turn.person.cohort = cohort
        after = turn.data.pop("after_cohort", None)
        turn.state = "idle"
        if after == "schedule":
            self._show_schedule(turn, turn.person.cohort)
        else:
            turn.say(_("Saved. Choose from the menu, or write your question."), show_menu=True)

    # ---- menu -----------------------------------------------------------------------------

    async def _on_menu(self, turn: Turn, item: str) -> None:
        turn.state = "idle"
        if item == "schedule":
            await self._schedule_flow(turn, None)
        elif item == "recovery":
            self._ask_recovery_system(turn)
        elif item == "certificate":
            await self._ask_register_number(turn)
        elif item == "human":
            await self._escalate(turn, "", reason="asked for a person")
        else:
            turn.say(_("That button is no longer active."), show_menu=True)

    # ---- questions ------------------------------------------------------------------------

    async def _answer_question(self, turn: Turn, text: str) -> None:
        result = turn.knowledge.matcher.match(text)
        turn.log.intent = result.intent
        turn.log.score = round(result.score, 1)
        self._remember_attempt(turn, text, result)
        if result.intent is None:
            await self._refuse(turn, text)
            return
        turn.data["refusals"] = 0
        entry = turn.knowledge.entries[result.intent]
        if entry.action == "schedule":
            await self._schedule_flow(turn, detect_cohort(text))
        elif entry.action == "recovery":
            self._recovery_steps(turn, entry.id)
        elif entry.action == "human":
            await self._escalate(turn, text, reason="asked for a person")
        elif entry.action == "certificate":
            await self._on_menu(turn, "certificate")
        else:
            await self._answer_entry(turn, entry.id, with_feedback=entry.id not in SMALL_TALK)

    def _remember_attempt(self, turn: Turn, text: str, result: MatchResult) -> None:
        """What the bot tried, so a methodologist taking over does not ask again."""
        tried = list(turn.data.get("tried", []))
        best = result.best.intent if result.best else None
        tried.append(
            {
                "question": mask_register_numbers(text)[:500],
                "intent": result.intent,
                "best": best,
                "score": round(result.score, 1),
            }
        )
        turn.data["tried"] = tried[-TRIED_KEPT:]

    async def _answer_entry(self, turn: Turn, entry_id: str, with_feedback: bool) -> None:
        answer = turn.knowledge.answer(entry_id, turn.language)
        if not with_feedback:
            turn.say(answer)
            return
        await turn.session.flush()  # the buttons name the question's row
        log_id = turn.log.id
        turn.say(
            f"{answer}\n\n{_('Did this help?')}",
            ((_button("👍", f"fb:up:{log_id}"), _button("👎", f"fb:down:{log_id}")),),
        )

    async def _refuse(self, turn: Turn, text: str) -> None:
        refusals = int(turn.data.get("refusals", 0)) + 1
        turn.data["refusals"] = refusals
        if refusals >= STRIKES_BEFORE_OFFERING_A_PERSON:
            self._offer_person(turn)
            return
        turn.say(
            _(
                "I do not know the answer to this yet. Try asking in other words, choose from "
                "the menu, or ask a methodologist."
            ),
            ((_button(_("Talk to a person"), "menu:human"),),),
        )

    def _offer_person(self, turn: Turn) -> None:
        turn.state = "confirm_human"
        turn.data["refusals"] = 0
        turn.data["downvotes"] = 0
        turn.say(
            _("I could not help you. Shall I pass your question to a methodologist?"),
            ((_button(_("Yes"), "human:yes"), _button(_("No"), "human:no")),),
        )

    async def _on_human_confirm(self, turn: Turn, answer: str) -> None:
        turn.state = "idle"
        if answer == "yes":
            await self._escalate(turn, "", reason="the bot could not answer")
        else:
            turn.say(_("All right. Choose from the menu, or write your question."), show_menu=True)

    async def _on_feedback(self, turn: Turn, argument: str) -> None:
        vote, _sep, log_id = argument.partition(":")
        question_id = parse_id(log_id)
        question = await turn.session.get(MessageLog, question_id) if question_id else None
        if vote not in ("up", "down") or question is None or question.person_id != turn.person.id:
            turn.say(_("That button is no longer active."))
            return
        exists = await turn.session.scalar(
            select(Feedback.id).where(Feedback.question_log_id == question.id)
        )
        if exists is None:
            turn.session.add(
                Feedback(
                    person_id=turn.person.id,
                    question_log_id=question.id,
                    question=question.text,
                    entry_id=question.intent or "",
                    score=question.score or 0.0,
                    helpful=vote == "up",
                )
            )
        if vote == "up":
            turn.data["downvotes"] = 0
            turn.say(_("Thank you for your feedback!"))
            return
        downvotes = int(turn.data.get("downvotes", 0)) + 1
        turn.data["downvotes"] = downvotes
        if downvotes >= STRIKES_BEFORE_OFFERING_A_PERSON:
            self._offer_person(turn)
        else:
            turn.say(
                _("Sorry that did not help. Try asking in other words, or ask a methodologist."),
                ((_button(_("Talk to a person"), "menu:human"),),),
            )

    # ---- certificate status ---------------------------------------------------------------

    async def _lookup_refused(self, turn: Turn) -> bool:
        """Above the hourly or daily limit: say when the next lookup is possible."""
        next_allowed = await roster.lookups_allowed(
            turn.session,
            turn.person.id,
            self.clock(),
            self.lookups_per_hour,
            self.lookups_per_day,
        )
        if next_allowed is None:
            return False
        local = next_allowed.astimezone(self.zone)
        turn.state = "idle"
        turn.data.pop("register_number", None)
        turn.say(
            _(
                "You have checked many times in a short while. For your security, please try "
                "again after {day} {time}."
            ).format(day=format_date(local.date()), time=local.strftime("%H:%M")),
            show_menu=True,
        )
        return True

    async def _ask_register_number(self, turn: Turn) -> None:
        if await self._lookup_refused(turn):
            return
        turn.state = "cert_regno"
        turn.say(
            _(
                "I will check your certificate in the institute's list of those who passed. "
                "Please send your register number, e.g. УБ99010112 (Latin letters are fine)."
            )
        )

    async def _certificate_step(self, turn: Turn, text: str) -> None:
        if turn.state == "cert_regno":
            try:
                number = parse_register_number(text)
            except RegisterNumberError as problem:
                turn.say(
                    _(
                        "This register number has no valid birth date in it. Please check the "
                        "digits and send it again."
                    )
                    if str(problem) == "birth_date"
                    else _(
                        "A register number is two letters and eight digits, e.g. "
                        "УБ99010112. Please send it again."
                    )
                )
                return
            turn.data["register_number"] = number.value
            turn.state = "cert_surname"
            turn.say(_("Thank you. Now your surname (овог), as it is written in ESIS."))
            return
        number_text = turn.data.pop("register_number", None)
        turn.state = "idle"
        if number_text is None:
            await self._ask_register_number(turn)
            return
        if await self._lookup_refused(turn):
            return
        await roster.record_lookup(turn.session, turn.person.id, self.clock())
        entry = await roster.lookup(turn.session, parse_register_number(number_text), text)
        turn.log.intent = "certificate_lookup"
        self._certificate_answer(turn, entry, text)

    def _certificate_answer(self, turn: Turn, entry: RosterEntry | None, surname: str) -> None:
        if entry is None:
            turn.say(
                _(
                    "I did not find a result for this register number and surname. Common "
                    "causes: the training was in another year, a typo, or the surname changed. "
                    "A methodologist can check it for you."
                ),
                (
                    (_button(_("Talk to a person"), "cert:ticket"),),
                    (_button(_("Try again"), "menu:certificate"),),
                ),
            )
            return
        who = _("{surname} {name}, {year}").format(
            surname=html.escape(surname.strip()),
            name=roster.mask_name(entry.given_name),
            year=entry.year,
        )
        if not entry.passed:
            turn.say(_("{who}: the result is <b>not passed</b>.").format(who=who))
            turn.say(turn.knowledge.answer("failed_retake", turn.language), show_menu=True)
        elif entry.registered_on is not None:
            number = (
                _(" (certificate No. {number})").format(
                    number=html.escape(entry.certificate_number)
                )
                if entry.certificate_number
                else ""
            )
            turn.say(
                _(
                    "{who}: <b>passed</b>. Your certificate{number} was registered in ESIS on "
                    "{date}."
                ).format(who=who, number=number, date=format_date(entry.registered_on))
            )
            turn.say(turn.knowledge.answer("certificate_view", turn.language), show_menu=True)
        else:
            turn.say(
                _(
                    "{who}: <b>passed</b>, but the certificate is not yet registered in ESIS. "
                    "The institute sends the list with an official letter to the aimag or "
                    "district education department; your school's ESIS manager then enters it. "
                    "If it takes long, ask your school's training manager."
                ).format(who=who),
                show_menu=True,
            )

    async def _on_certificate_ticket(self, turn: Turn, _argument: str) -> None:
        await self._escalate(turn, "", reason="certificate not found in the roster")

    # ---- schedule -------------------------------------------------------------------------

    async def _schedule_flow(self, turn: Turn, asked_cohort: int | None) -> None:
        cohort = asked_cohort if asked_cohort is not None else turn.person.cohort
        if cohort is None:
            self._ask_cohort(turn, after="schedule")
            return
        self._show_schedule(turn, cohort)

    def _show_schedule(self, turn: Turn, cohort: int) -> None:
        today = self.clock().astimezone(self.zone).date()
        cohorts = COHORTS if cohort == OTHER_COHORT else (cohort,)
        parts = []
        for each in cohorts:
            row, current = windows_for(turn.schedule, each, today)
            if row is not None:
                parts.append(describe(row, today, current))
        if not parts:
            turn.say(_("The training schedule has not been published yet."), show_menu=True)
            return
        offer = cohort in COHORTS and cohort == turn.person.cohort and not turn.person.reminders
        buttons = ((_button(_("🔔 Get reminders"), "remind:on"),),) if offer else ()
        turn.say("\n\n".join(parts), buttons, show_menu=True)

    async def _on_reminders(self, turn: Turn, argument: str) -> None:
        if argument != "on" or turn.person.cohort not in COHORTS:
            turn.say(_("That button is no longer active."))
            return
        turn.person.reminders = True
        turn.say(
            _(
                "I will remind you before your cohort's e-learning and webinar start, and on "
                "their last day. /stop_reminders turns this off."
            ),
            show_menu=True,
        )

    # ---- recovery guide -------------------------------------------------------------------

    def _ask_recovery_system(self, turn: Turn) -> None:
        turn.state = "recovery_system"
        turn.say(
            _("Which system can you not get into?"),
            (
                (_button("ESIS", "rec:esis"),),
                (_button("esurgalt.itpd.mn", "rec:elearning"),),
            ),
        )

    async def _on_recovery_system(self, turn: Turn, system: str) -> None:
        if system not in ("esis", "elearning"):
            turn.say(_("That button is no longer active."))
            return
        turn.state = "recovery_lost"
        turn.data["recovery_system"] = system
        turn.say(
            _("What is lost?"),
            (
                (_button(_("The password"), "lost:password"),),
                (_button(_("The login or the registered e-mail"), "lost:login"),),
                (_button(_("No access to that e-mail any more"), "lost:email"),),
            ),
        )

    async def _on_recovery_lost(self, turn: Turn, lost: str) -> None:
        entry_id = RECOVERY_STEPS.get((turn.data.get("recovery_system", ""), lost))
        if entry_id is None:
            turn.say(_("That button is no longer active."))
            return
        self._recovery_steps(turn, entry_id)

    def _recovery_steps(self, turn: Turn, entry_id: str) -> None:
        turn.state = "recovery_solved"
        turn.data["recovery_entry"] = entry_id
        turn.say(turn.knowledge.answer(entry_id, turn.language))
        turn.say(
            _("Is the problem solved?"),
            ((_button(_("Yes"), "solved:yes"), _button(_("No"), "solved:no")),),
        )

    async def _on_solved(self, turn: Turn, answer: str) -> None:
        entry_id = turn.data.pop("recovery_entry", None)
        turn.state = "idle"
        if entry_id is None:
            turn.say(_("That button is no longer active."), show_menu=True)
            return
        if answer == "yes":
            turn.say(_("Glad it worked! Good luck with the training."), show_menu=True)
            return
        turn.say(turn.knowledge.answer("contact", turn.language))
        await self._escalate(turn, "", reason=f"recovery not solved ({entry_id})")

    # ---- tickets --------------------------------------------------------------------------

    async def _escalate(self, turn: Turn, text: str, reason: str) -> None:
        tried = turn.data.get("tried", [])
        question = text or (tried[-1]["question"] if tried else "")
        context = {"reason": reason, "tried": tried, "flow": turn.state}
        ticket = await tickets.open_ticket(
            turn.session, turn.person, question, context, self.staff_chat
        )
        turn.state = "idle"
        turn.data["tried"] = []
        turn.data["refusals"] = 0
        turn.data["downvotes"] = 0
        position = await tickets.queue_position(turn.session, ticket)
        lines = [
            _("Your question has been passed to a methodologist: ticket #{number}.").format(
                number=ticket.id
            )
        ]
        if position:
            lines.append(_("Your place in the queue: {position}.").format(position=position))
        if not question:
            lines.append(_("Please write your question; a methodologist will read it here."))
        lines.append(self._hours_note())
        turn.say("\n".join(line for line in lines if line), self._cancel_buttons())

    def _hours_note(self) -> str:
        now = self.clock()
        if self.working_hours.is_open(now):
            return ""
        opening = self.working_hours.next_opening(now)
        return _(
            "Methodologists answer Monday to Friday, {start}–{end}. Expect an answer from "
            "{day} {time}."
        ).format(
            start=self.working_hours.start.strftime("%H:%M"),
            end=self.working_hours.end.strftime("%H:%M"),
            day=format_date(opening.date()),
            time=opening.strftime("%H:%M"),
        )

    def _cancel_buttons(self) -> tuple[tuple[Button, ...], ...]:
        return ((_button(_("Cancel the request"), "ticket:cancel"),),)

    async def _add_to_ticket(self, turn: Turn, ticket: Ticket, text: str) -> None:
        attachment = turn.incoming.attachment
        if not text and attachment is None:
            turn.say(_("Please write your message in words."))
            return
        await tickets.add_teacher_message(
            turn.session,
            ticket,
            turn.person,
            text,
            self.staff_chat,
            {"kind": attachment.kind, "file_id": attachment.file_id} if attachment else None,
        )
        turn.log.intent = "ticket"
        turn.say(
            _("Added to your ticket #{number}. A methodologist will answer here.").format(
                number=ticket.id
            ),
            self._cancel_buttons(),
        )

    async def _on_ticket_button(self, turn: Turn, argument: str) -> None:
        ticket = await tickets.active_ticket(turn.session, turn.person.id)
        if argument != "cancel" or ticket is None:
            turn.say(_("That button is no longer active."), show_menu=True)
            return
        await tickets.cancel_by_teacher(turn.session, ticket, self.staff_chat)
        turn.say(
            _("Your request #{number} is cancelled. I am here if you need me.").format(
                number=ticket.id
            ),
            show_menu=True,
        )

    def _unreadable_content(self, turn: Turn, kind: str) -> None:
        """Something that is not text (a photo, a sticker, an edit): say what the desk reads."""
        if kind == "edited":
            turn.say(_("I read only new messages. Please send your question again."))
            return
        turn.say(
            _(
                "I can read only text. Please write your question in words, or choose from the "
                "menu."
            ),
            show_menu=True,
        )

    async def _on_csat(self, turn: Turn, argument: str) -> None:
        ticket_id, _sep, rating = argument.partition(":")
        ticket = (
            await tickets.get_ticket(turn.session, number)
            if (number := parse_id(ticket_id))
            else None
        )
        valid = ticket is not None and ticket.person_id == turn.person.id
        if not valid or rating not in {"1", "2", "3", "4", "5"} or ticket.status != "closed":
            turn.say(_("That button is no longer active."))
            return
        await tickets.rate(turn.session, ticket, int(rating))
        turn.state = "idle"
        turn.say(_("Thank you for your rating!"), show_menu=True)
