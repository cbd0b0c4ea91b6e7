"""The desk: one Incoming in, the replies out, in one transaction.

It owns the turn — deduplication, who wrote, the message log, the knowledge base's version,
the outbox — and hands the message to the flow that owns the conversation's state
(bot/desk/flows/). State lives in the database, so any instance, or this one after a
restart, continues where the person left off. docs/architecture.md follows one message
through it.
"""

from __future__ import annotations

import asyncio
import contextlib
import unicodedata
from collections.abc import Awaitable, Callable
from datetime import datetime
from time import monotonic
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.desk import knowledge as knowledge_store
from bot.desk import outbox, tickets
from bot.desk.certificates import mask_register_numbers
from bot.desk.faq import KnowledgeBase
from bot.desk.flows import (
    answers,
    certificate,
    escalation,
    new_message,
    onboarding,
    recovery,
    schedule,
)
from bot.desk.hours import WorkingHours
from bot.desk.messages import Incoming, Reply
from bot.desk.outbox import Payload
from bot.desk.questions import ANYWHERE, MENU, UNSURE, Question, asks_to_be_told
from bot.desk.schedule import CohortSchedule
from bot.desk.turn import IDLE, LeftQuestion, Memory, Turn
from bot.i18n import LANGUAGES, _, use_language
from bot.nlu import tables
from bot.nlu.choices import CLAUSES, after_the_contrast, keys, typed_words
from bot.nlu.entities import (
    asks_to_wait,
    asks_what_answers,
    asks_what_comes_after,
    asks_what_is_meant,
    asks_whom,
    checks_understanding,
    gives_thanks,
    matter_of_a_contact_question,
    names_both,
    not_what_was_asked,
    only_acknowledges,
    only_links,
    only_thanks_ok,
    passed_on,
    puts_off,
    relays,
    says_it_worked,
    says_not_understood,
    says_understood,
    states_a_fact,
    still_stuck,
    turns_reminders_off,
    with_year_of_work,
)
from bot.nlu.normalize import MAX_TEXT, asks, normalize, script_of, writes_english
from bot.storage import people
from bot.storage.models import LOG_TEXT_LIMIT, utcnow

Clock = Callable[[], datetime]
Handler = Callable[[Turn, str], Awaitable[None]]
TextStep = Callable[[Turn, str], Awaitable[bool]]

FLOWS = (onboarding, new_message, answers, schedule, recovery, certificate, escalation)
ACTIONS: dict[str, Handler] = {k: v for flow in FLOWS for k, v in flow.ACTIONS.items()}
# A step's question: declared once, or built for the turn (its choices gathered earlier).
WaitingQuestion = Question | Callable[[Turn], Question]
QUESTIONS: dict[str, WaitingQuestion] = {
    k: v for flow in FLOWS for k, v in flow.QUESTIONS.items()
}
TEXT_STEPS: dict[str, TextStep] = {
    k: v for flow in FLOWS for k, v in getattr(flow, "TEXT_STEPS", {}).items()
}
# Steps whose question a reply may still answer after a message on something else.
RESUMABLE = frozenset(step for flow in FLOWS for step in getattr(flow, "RESUMABLE", ()))
# Steps with a step before them, and what asks it again: "буцах" typed there.
BACK: dict[str, Callable[[Turn], None]] = {
    k: v for flow in FLOWS for k, v in getattr(flow, "BACK", {}).items()
}
# Messages after the one that left a question that may still answer it, while the
# conversation goes on (Turn.goes_on): the next day, "5 дахь жил" is only noted.
LEFT_FOR = 2
KNOWLEDGE_CHECK_INTERVAL = 1.0  # seconds between looks at the knowledge base's version
SCHOOL_YEAR_BEGINS = 9  # September: the month a school year, and a year of work, begins


def _stops_reminders(text: str) -> str | None:
    """Reminders turned off in a sentence ("actually no, stop the reminders", "сануулга
    хэрэггүй гэсэн чинь дахиад ирлээ"): their phrases are specific enough to be read
    anywhere in a message that asks nothing ("no reminders please" under the 🔔 offer
    declines it), or turned off in words (`turns_reminders_off`)."""
    typed = typed_words(text)
    said = {value for _start, _end, value in ANYWHERE.vocabulary.read(typed)}
    if ("stop_reminders" in said and not asks(text)) or turns_reminders_off(text):
        return "stop_reminders"
    return None


def _waiting(turn: Turn) -> Question | None:
    """The question the conversation's step waits on, if any."""
    question = QUESTIONS.get(turn.state)
    return question(turn) if callable(question) else question


def _supersedes(turn: Turn) -> bool:
    """Whether the entry just answered is of the flow whose question was left: the teacher
    took the question back ("нууц үг" → "which system?" → "no, it is my e-mail I forgot"),
    and its late answer ("ESIS") is about the new entry, not the question left."""
    left, entry = turn.memory.left, turn.knowledge.entries.get(turn.log.intent or "")
    return left is not None and entry is not None and entry.action == left.state.split(".")[0]


def _typed_choice(turn: Turn, question: Question, text: str) -> str | None:
    """The choice a typed reply makes to the question waiting; none when the reply is a new
    message — a correction ("no, it's e-learning") or a new request after its "за"."""
    if not text or (
        question.negative
        and (
            states_a_fact(text)
            or _asks_back(text)
            or asks_what_comes_after(text) is not None  # "тэгээд дараа нь?": no "later"
        )
    ):
        return None
    if (
        question.negative
        and not question.about_an_answer
        and (_only_understood(question, text) or only_thanks_ok(text))
    ):
        return None  # "ok oilgoloo bayrlalaa" to the notice offered under a schedule: not taken
    if question.about_an_answer and not_what_was_asked(text) is not None:
        return None  # "би тэрийг асуугаагүй, …": no 👎 to rate, a question to read anew
    if question.about_an_answer and question.negative and still_stuck(text):
        return question.negative  # "… дахиад л юу ч ирэхгүй байна. Одоо яах вэ?": not solved
    choice = question.choose(text) or question.choose_first_clause(text)
    if _yes_with_a_condition(question, text):
        choice = question.affirmative  # "тийм, гэхдээ утсаар биш энд бичээрэй": a yes, and how
    if (
        choice == question.affirmative
        and question.about_an_answer
        and after_the_contrast(text)
        and new_message.tells_another_problem(turn, text)
    ):
        return None  # "Тийм, нэвтрэх нэрээ оллоо, гэхдээ нууц үгээ бас мартчихсан": that next
    if choice == question.negative and question.about_an_answer and says_it_worked(text):
        return question.affirmative  # "за хэрэггүй, орж чадлаа": its "хэрэггүй" is no "no"
    if choice is None:
        return None
    if (
        question.negative
        and asks(text)
        and not asks_to_be_told(text)  # "Yes, please let me know when it is registered."
        and not (question.asked_yet_answered and question.asked_yet_answered(text))
        and new_message.asks_anew(turn, question, text)
    ):
        return None  # "дараа жил дахиж хамрагдаж болох уу" to an offer: its "дараа" is no "no"
    if (
        question.about_an_answer
        and choice == question.negative
        and (
            new_message.cannot_get_in_elsewhere(turn, text)
            or new_message.tells_another_problem(turn, text)  # "… олдлоо, харин нууц үгээ …"
            or puts_off(text)  # "not yet, maybe later I will try from my laptop": not failed
        )
    ):
        return None  # "esis ruu orj chadahgui bn" under who attends: a problem of its own
    if (
        question.about_an_answer
        and choice != question.negative
        and (
            new_message.asks_anew(turn, question, text)
            or puts_off(text)
            or asks_to_wait(text)
            or relays(text)  # "ok bayrlalaa, ehnertee helie": she has not tried it yet
            # "za tegvel end hvntei yarii, tsahim surgaltiin modul neegdehgui bn": a person
            or escalation.problem_beside_a_person_request(text) is not None
            or checks_understanding(text)  # "ok tegehdee … hamragdana gesen ug uu"
            or _only_understood(question, text)
        )
    ):
        # … or puts it off after its "за" ("За, хэсэг хүлээгээд дараа шалгая", "ok tvr
        # hvleegeerei oroldood uzey"), or has only read it ("ok oilgoloo"): "solved?" stays open
        return None
    return choice


_SETS_APART = frozenset(keys("биш bish not"))  # "утсаар биш, энд": one way, not another


def _yes_with_a_condition(question: Question, text: str) -> bool:
    """To an offer, a yes, then a "but" that says how it is wanted ("тийм, гэхдээ утсаар
    биш энд бичиж хариулаарай"), where the condition's "биш" is no "no"; a "but not now"
    ("за, гэхдээ одоохондоо хэрэггүй") still declines."""
    condition = after_the_contrast(text)
    if question.about_an_answer or not condition:
        return False  # to "solved?", "yes, but it throws me out again" takes the yes back
    if question.choose(CLAUSES.split(text)[0]) != question.affirmative:
        return False
    rest = " ".join(word for word in condition.split() if _SETS_APART.isdisjoint(keys(word)))
    return question.choose(rest) != question.negative


def _only_understood(question: Question, text: str) -> bool:
    """A reply that only says the answer was read ("za oilgoloo", "ok got it", thanks
    beside), to a question that does not take "understood" as a choice of its own: to "did
    this help?" it is a 👍; to "solved?" it is not yet a yes, nor to an offer under an
    answer ("shall I send the next schedule?") a taking of it."""
    takes_it = any(question.choose(word) for word in tables.UNDERSTOOD_WORDS.split())
    return not takes_it and only_acknowledges(text, thanking=True) and says_understood(text)


def _asks_back(text: str) -> bool:
    """A reply that asks what is meant ("аль нь вэ? мэдэхгүй байна" to "solved?"): its "-гүй"
    is no "no", and no ticket opens with it."""
    return asks(text) and asks_what_is_meant(text)


def clean_text(text: str | None) -> str:
    """Control characters out, length capped, so nothing downstream sees a hostile string.
    A longer paste keeps its end: that is where people write what they ask."""
    if not text:
        return ""
    kept = "".join(
        ch if ch in "\n\t" or unicodedata.category(ch)[0] != "C" else " "
        for ch in text.strip()[-MAX_TEXT:]
    )
    return kept.strip()


def _placeholder(incoming: Incoming) -> str:
    """What the message log shows for a message without text."""
    if incoming.action:
        return f"[{incoming.action}]"
    return f"[{incoming.attachment.kind}]" if incoming.attachment else ""


class Desk:
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
        lookups_per_number: int = 10,
    ) -> None:
        self.lookups_per_hour, self.lookups_per_day = lookups_per_hour, lookups_per_day
        self.lookups_per_number = lookups_per_number  # a day, by anyone
        # SQLite takes one writer at a time: turns running side by side (the chat lanes)
        # would wait on its file lock, polling it; here they queue, in order, at no cost.
        bind = sessions.kw.get("bind")
        sqlite = bind is not None and bind.dialect.name == "sqlite"
        self._one_writer = asyncio.Lock() if sqlite else None
        # Events whose replies the channel sent, not yet marked in the database (see
        # `replies_sent`): marked by the next transaction the desk opens.
        self._sent: list[tuple[str, str]] = []
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

    async def handle(self, incoming: Incoming, *, queue: bool = False) -> list[Reply]:
        """The replies to one message, for the channel to send now.

        With `queue` (or while older rows still wait for the chat) they go to the outbox in
        the turn's own transaction instead, and none are returned. Otherwise the replies are
        kept with the platform's event in the same transaction until the channel calls
        `replies_sent`: a delivery handled before returns what its turn left unsent, so a
        crash between commit and send loses nothing.
        """
        await self._refresh_knowledge()
        async with self._one_writer or contextlib.nullcontext(), self.sessions.begin() as session:
            await self._mark_sent(session)
            if incoming.event_id is not None and not await people.record_delivery(
                session, incoming.channel, incoming.event_id, self.clock()
            ):
                unsent = await people.unsent_replies(session, incoming.channel, incoming.event_id)
                return [Payload.from_json(raw).reply() for raw in unsent]
            turn = await self._turn(session, incoming)
            # Pending rows are written once, at commit (or where the code flushes on purpose),
            # not before every query: the incoming row gets its intent before its INSERT, and
            # the conversation is not UPDATEd twice.
            with session.no_autoflush, use_language(turn.person.language):
                text = with_year_of_work(clean_text(incoming.text), self._school_year())
                await self._dispatch(turn, text)
            await self._finish(session, turn)
            if turn.replies and (queue or turn.waiting):
                for reply in turn.replies:
                    outbox.enqueue(
                        session,
                        incoming.channel,
                        incoming.chat_id,
                        Payload.of(reply),
                        now=self.clock(),
                    )
                return []
            if turn.replies and incoming.event_id is not None:
                kept = [Payload.of(reply).to_json() for reply in turn.replies]
                await people.keep_replies(session, incoming.channel, incoming.event_id, kept)
        return turn.replies

    async def record_delivery(self, session: AsyncSession, channel: str, event_id: str) -> bool:
        """Record an event handled outside `handle` (staff and admin updates) in the caller's
        transaction; False for a repeat."""
        return await people.record_delivery(session, channel, event_id, self.clock())

    def replies_sent(self, incoming: Incoming) -> None:
        """The channel sent what `handle` returned for this event (or parked it in the
        outbox): a redelivery of the event now sends nothing.

        The mark rides in the next transaction the desk opens (the next turn, or
        `flush_sent`, which the channel runs every second and at shutdown) instead of a
        transaction of its own per update, which cost about a tenth of the bot's CPU in a
        burst. A mark not yet written when the process dies means the update's replies are
        sent again only if Telegram delivers that update again: the poller had not yet
        confirmed it — the window the mark always had, between the send and its commit.
        """
        if incoming.event_id is not None:
            self._sent.append((incoming.channel, incoming.event_id))

    async def flush_sent(self) -> None:
        """Write the sent marks no turn has carried yet."""
        if self._sent:
            async with self._one_writer or contextlib.nullcontext(), self.sessions.begin() as s:
                await self._mark_sent(s)

    async def _mark_sent(self, session: AsyncSession) -> None:
        marks, self._sent = self._sent, []
        if marks:
            await people.replies_sent(session, marks)

    async def _refresh_knowledge(self) -> None:
        """Pick up the admins' edits: a cheap version check, a rebuild only on a change.

        Outside the turn's transaction (and SQLite's writer lock), and the index built in a
        thread: its classifier takes seconds, and other teachers' turns go on meanwhile
        with the knowledge they had."""
        if not self.live or monotonic() - self._checked_at < KNOWLEDGE_CHECK_INTERVAL:
            return
        self._checked_at = monotonic()
        async with self.sessions() as session:
            if await knowledge_store.version(session) == self.knowledge_version:
                return
            version, entries, schedule = await knowledge_store.load(session)
        self.knowledge = await asyncio.to_thread(self.knowledge.rebuilt, entries, prepared=True)
        self.schedule = schedule
        self.knowledge_version = version

    async def _turn(self, session: AsyncSession, incoming: Incoming) -> Turn:
        who = people.Who(
            incoming.channel,
            incoming.user_id,
            incoming.chat_id,
            incoming.display_name,
            incoming.language if incoming.language in LANGUAGES else None,
        )
        arrival = await people.arrival(session, who, self.clock())
        person, conversation = arrival.person, arrival.conversation
        if conversation is None:  # inserted at the end, with the turn's outcome
            conversation = people.ConversationRow(person.id, IDLE, {}, None, stored=False)
        text = clean_text(incoming.text)
        newcomer = arrival.created or conversation.state == onboarding.State.LANGUAGE
        if newcomer and person.language is None and writes_english(text):
            # A first message in English, or one in answer to the welcome's "which
            # language?", is answered in English; later, one English sentence ("how old are
            # you?") in a Mongolian conversation switches nothing.
            person.language = "en"
        log = people.LoggedMessage(
            person_id=person.id,
            text=mask_register_numbers(text or _placeholder(incoming))[:LOG_TEXT_LIMIT],
            channel_message_id=incoming.message_id,
            created_at=self.clock(),
        )
        return Turn(
            self,
            session,
            person,
            conversation,
            incoming,
            log,
            Memory.load(conversation.data),
            self.knowledge,
            self.schedule,
            new_person=arrival.created,
            waiting=arrival.waiting,
        )

    async def _finish(self, session: AsyncSession, turn: Turn) -> None:
        """The conversation written once; the message and the replies logged in one INSERT."""
        now = self.clock()
        turn.conversation.data = turn.memory.dump()
        await people.write_conversation(session, turn.conversation, now)
        replies = [mask_register_numbers(r.text)[:LOG_TEXT_LIMIT] for r in turn.replies]
        await people.log_turn(session, turn.log, replies, now)

    def _school_year(self) -> int:
        """The calendar year the school year in progress began in (it begins in September):
        "2016 онд ажилд орсон" makes the 5th year of work in 2020–21."""
        today = self.clock().astimezone(self.zone).date()
        return today.year if today.month >= SCHOOL_YEAR_BEGINS else today.year - 1

    async def _dispatch(self, turn: Turn, text: str) -> None:
        """Buttons first; then what is read before any question waiting (a command, an open
        ticket, an attachment, reminders and notices asked for in words); then the reply's
        bearing on the question waiting (_replied); text that is no words (unless it answers
        a question left: a bare "5" to the year question); a reply that says
        too little or tells what failed (_asked_again); a reply to a question left a
        message or two back; and whatever is left is a new message, read whole."""
        if turn.incoming.action:
            await self._act(turn, turn.incoming.action)
            return
        if (left := turn.memory.left) is not None:
            left.messages += 1
            turn.memory.left = left if left.messages <= LEFT_FOR and turn.goes_on else None
        if await self._before_any_question(turn, text):
            return
        question = _waiting(turn)
        if await self._replied(turn, question, text):
            return
        if (
            not text
            or script_of(text) == "other"
            or not normalize(text).strip()
            or only_links(text)
        ):
            if text and await self._resumed(turn, text):
                return  # "5" to the year question left a message back
            turn.say(
                _(
                    "I understand questions written in words, in Mongolian (Cyrillic or Latin "
                    "letters). Please write your question, or choose from the menu."
                ),
                show_menu=True,
            )
            return
        if question is not None and await self._asked_again(turn, question, text):
            return
        if await self._resumed(turn, text):
            return
        if turn.state in RESUMABLE:
            turn.memory.left = LeftQuestion(turn.state, turn.memory.context, turn.memory.flow)
        await new_message.answer_question(turn, text)
        if turn.person.cohort is None:  # a letter's "1 dehi jildee ajillaj baina" beside its
            new_message.keep_cohort(turn, text)  # question: "манай ээлж хэзээ?" later is hers
        if _supersedes(turn):
            turn.memory.left = None  # "which system?" → "имэйлээ мартчихсан юм байна": answered
        greeted = turn.log.intent == answers.GREETING and turn.state == IDLE
        if greeted and turn.person.language is None:
            # A first "Сайн байна уу" instead of /start (Messenger has none): the welcome's
            # language question follows the greeting's answer.
            onboarding.ask_newcomer(turn)

    async def _before_any_question(self, turn: Turn, text: str) -> bool:
        """A command, a message while a ticket is open, an attachment; reminders and notices
        asked for or stopped in words, which are about them whatever question waits."""
        if (command := onboarding.command_labelled(text) or text).startswith("/"):
            await onboarding.command(turn, command)  # or its label typed: "Эхлэх"
            return True
        ticket = (
            None if turn.new_person else await tickets.active_ticket(turn.session, turn.person.id)
        )
        attachment = turn.incoming.attachment
        if ticket is not None and (attachment is None or attachment.kind in escalation.RELAYED):
            await escalation.while_open(turn, ticket, text)
            return True
        if attachment is not None:
            self._unreadable(turn, attachment.kind)
            return True
        if (stop := _stops_reminders(text)) is not None:  # "sanuulga hereggui" to "helped?"
            await onboarding.anywhere(turn, stop)  # is about the reminders, not the answer
            return True
        return (
            await certificate.notice_asked_later(turn, text)  # "за, бүртгэгдвэл мэдэгдээрэй"
            or await schedule.notice_asked_later(turn, text)  # "хуваарь гармагц мэдэгдээрэй"
            or await schedule.reminders_asked(turn, text)  # "сануулга асаагаад өгөөч"
        )

    async def _replied(self, turn: Turn, question: Question | None, text: str) -> bool:
        """A typed answer to the question asked; "are you a bot?"; the words that work
        anywhere; a step's details called off; a menu label; "it worked"; a message that
        only acknowledges or asks to wait; the step's own free text; a language's name."""
        if question is not None and (choice := _typed_choice(turn, question, text)) is not None:
            await self._chosen(turn, question, choice, text)
            return True
        if question is not None and (told := passed_on(text)) is not None:
            # "Ээж маань болчихлоо гэж байна", "aav maan tiim gej bn": her answer, passed on
            choice = _typed_choice(turn, question, told)
            if choice is None and question.about_an_answer and says_it_worked(told):
                choice = question.affirmative
            if choice is not None:
                await self._chosen(turn, question, choice, told)
                return True
        if asks_what_answers(text):  # "ene chat bot uu hvn uu": its "хүн" wants no one
            turn.go(IDLE)  # a new message, as any other that answers no question waiting
            turn.log.intent = answers.ABOUT_THE_DESK
            answers.out_of_scope(turn, answers.ABOUT_THE_DESK)
            return True
        if (word := ANYWHERE.choose(text)) is not None:
            turn.memory.left = None  # "болих", "цэс": what was left is given up too
            if (
                word == "cancel"
                and says_it_worked(text)
                and (
                    turn.state in recovery.QUESTIONS
                    or not onboarding.waits_for_details(turn, question)
                )
            ):
                # "bolchihloo" (it worked) folds as "больчихлоо" (I quit): at "what is
                # lost?" or under a schedule, got in meanwhile, nothing to cancel
                turn.log.intent = onboarding.ACKNOWLEDGED
                answers.glad_it_worked(turn)
                return True
            if word == "back" and (step_back := BACK.get(turn.state)) is not None:
                step_back(turn)
                return True
            await onboarding.anywhere(turn, word)
            return True
        if await self._called_off(turn, question, text):
            return True
        if (item := MENU.choose(text)) is not None:  # a menu label, typed or from the keyboard
            turn.memory.left = None
            await onboarding.on_menu(turn, item)
            return True
        if says_it_worked(text) and (
            question is None or question.about_an_answer or len(question.choices) == 1
        ):
            # "менежерээсээ асуугаад оллоо, болсон": the yes of "solved?", or, once it is
            # closed (a one-choice offer, the 🔔 under a schedule, waits for nothing), no
            # new problem after an answer
            if question is not None and (yes := question.affirmative) is not None:
                await self._act(turn, question.action(yes, turn.memory.context))
                return True
            turn.log.intent = onboarding.ACKNOWLEDGED
            answers.glad_it_worked(turn)
            return True
        # "ok zgr", "за ойлголоо", "хэсэг хүлээгээд үзье" to "solved?": no question, no refusal
        if (
            only_acknowledges(text)
            or (question is not None and puts_off(text))
            # "эхнэрээсээ асуугаад хэлье"; with thanks ("баярлалаа, тэдэнд хэлье") it closes
            or (question is not None and relays(text) and not gives_thanks(text))
            or (turn.state != IDLE and asks_to_wait(text))  # "tvr hvleegeerei, olj bna"
        ):
            onboarding.acknowledge(turn, question)
            return True
        step = TEXT_STEPS.get(turn.state)
        if step is not None and await step(turn, text):
            new_message.keep_cohort(turn, text)
            return True
        if (language := onboarding.language_named(text)) is not None:
            await onboarding.on_language(turn, language)
            return True
        return False

    @staticmethod
    async def _called_off(turn: Turn, question: Question | None, text: str) -> bool:
        """A step's details, or offers under a result, called off ("за хэрэггүй, дараа
        шалгая"); a question of its own beside the calling off ("bolichloo. ESIS nevtreh ner
        yu ve") is answered instead."""
        if not (onboarding.waits_for_details(turn, question) or onboarding.only_offers(question)):
            return False
        told, asked = new_message.asked_apart(text)
        if not (escalation.calls_off(text) or puts_off(text) or escalation.calls_off(told)):
            return False
        if not new_message.asks_for_something_else(turn, text):  # "болих. 1 дэх жилийн …"
            if onboarding.waits_for_details(turn, question):
                await onboarding.anywhere(turn, "cancel")
            else:  # "daraa" to the 🔔 under a schedule: an offer declined, nothing cancelled
                onboarding.acknowledge(turn, question)
            return True
        if asked:
            turn.go(IDLE)
            await new_message.answer_question(turn, asked)
            return True
        return False

    async def _chosen(self, turn: Turn, question: Question, choice: str, text: str) -> None:
        """A choice typed: acted on before the words that work anywhere (a failed lookup's
        own "a person" opens the ticket with what failed, where "хүнтэй ярих" anywhere asks
        for a problem); a cohort and a question beside it are taken too."""
        step = turn.state
        await self._act(turn, question.action(choice, turn.memory.context))
        if question.negative is not None:  # "за ойлголоо. 5 дахь жил дээ"
            new_message.note_cohort(turn, text)
            return
        new_message.keep_cohort(turn, text)  # "би 5 дахь жилийн багш, ESIS-ийнх"
        told_the_year = step == onboarding.State.COHORT and choice != UNSURE
        if told_the_year and onboarding.reads_the_rest(text):
            return  # the welcome's year, told: its action read the whole message already
        if (beside := new_message.asked_beside(turn, step, question, text)) is not None:
            await new_message.respond(turn, *beside)

    @staticmethod
    async def _asked_again(turn: Turn, question: Question, text: str) -> bool:
        """A reply to the question waiting that chooses them all ("аль аль нь"), says too
        little or asks what it means (the question again), tells what failed (a
        methodologist offered), or asks whom to turn to when one is offered (the offer again)."""
        whom_only = asks_whom(text) and not matter_of_a_contact_question(text)
        if question is escalation.OFFER and whom_only:
            # "тэгвэл хэнээс асуух вэ?" to "shall I pass it on?": a methodologist, still offered
            reason = turn.flow_data(escalation.Offered).reason
            escalation.offer_person(turn, reason=reason, text=_(escalation.CASE_OFFER))
            return True
        if question.prompt() and question.negative is None and names_both(text):
            onboarding.ask_again(turn, question, both=True)  # "аль аль нь" to "which system?"
            return True
        if new_message.says_too_little(turn, question, text):
            onboarding.ask_again(turn, question)
            return True
        if new_message.asks_what_it_means(turn, question, text):
            if not (question.about_an_answer and says_not_understood(text)):
                onboarding.ask_again(turn, question)  # "аль нь вэ?" to "solved?" too
                return True
            # "ойлгосонгүй, тэгэхээр би юу хийх ёстой юм бэ", "yag yaaj? oilgosongui" under
            # an answer: the answer was not understood, not "did this help?"; a person
            # explains it
            reason = f"not understood ({turn.memory.topic})"
            await escalation.pass_on_what_failed(turn, text, reason)
            return True
        if new_message.tells_it_failed(turn, question, text):
            reason = f"told what failed ({turn.memory.topic})"
            await escalation.pass_on_what_failed(turn, text, reason)
            return True
        return False

    @staticmethod
    def ask_left_again(turn: Turn) -> bool:
        """A reply to a step that reads as nothing at all, said this very message (a story
        at "which system?" that names none): the step's question again, where it was, in
        place of "I do not know"; False when no step was left by this message."""
        left = turn.memory.left
        question = QUESTIONS.get(left.state) if left is not None else None
        if left is None or left.messages or not isinstance(question, Question):
            return False
        turn.resume(left)
        onboarding.ask_again(turn, question)
        return True

    async def _resumed(self, turn: Turn, text: str) -> bool:
        """A reply, whole, to a question a message or two back that another question took
        over from ("хуваарь?" → "вебинарт яаж орох вэ?" → "5 дахь жил"): that step takes it
        up where it was left, instead of the cohort being only noted."""
        left = turn.memory.left
        question = QUESTIONS.get(left.state) if left is not None else None
        if left is None or not isinstance(question, Question):
            return False
        choice = question.choose(text)
        if choice is None:
            return False
        turn.resume(left)
        await self._act(turn, question.action(choice, left.context))
        return True

    async def _act(self, turn: Turn, action: str) -> None:
        prefix, _sep, argument = action.partition(":")
        handler = ACTIONS.get(prefix)
        if handler is None:
            answers.button_gone(turn, show_menu=True)
            return
        await handler(turn, argument)

    @staticmethod
    def _unreadable(turn: Turn, kind: str) -> None:
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
