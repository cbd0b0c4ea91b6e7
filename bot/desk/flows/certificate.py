"""The certificate lookup: register number and surname (asked, or found in the message),
then the roster's answer. Rate-limited per person; a wrong surname answers like an unknown
number, so the lookup never tells whose number is in the roster."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from enum import StrEnum

from bot.desk import notices, roster
from bot.desk.certificates import (
    BIRTH_DATE,
    SAID_AT_ONCE,
    Mention,
    RegisterNumber,
    find_register_number,
    parse_register_number,
    retold_surname,
    told_surname,
)
from bot.desk.flows import escalation
from bot.desk.questions import (
    DECLINE_WORDS,
    NOTICE_WORDS,
    PERSON_WORDS,
    Choice,
    Question,
    asks_to_be_told,
    yes_no,
)
from bot.desk.turn import CLEAR_SCORE, IDLE, Turn
from bot.i18n import N_, _, format_date
from bot.nlu.entities import asks_for_a_check, asks_what_is_meant
from bot.nlu.normalize import asks, normalize
from bot.storage.models import RosterEntry

NOTICE = yes_no(
    "certnotice",
    N_("Shall I let you know here when it is registered?"),
    yes=(*NOTICE_WORDS, "хэлээрэй", "tell me"),
    no=DECLINE_WORDS,
)

SURNAME_WORDS = 2  # a surname, or a surname and a given name; more is a new message
TOPIC = "certificate"  # memory.topic after a result: "what do I do now?" is about it
TOPIC_WORD = "батламж"  # what a follow-up leaves unsaid ("where can I see it?"), for the matcher
# The entries a result's follow-ups are about ("ESIS-ээс яаж харах вэ" after it: where to see it).
FAILED = "failed_retake"  # what not passing means, said under a "not passed" result
ENTRIES = frozenset({"certificate_status", "certificate_view", "pass_criteria", FAILED})
NUMBER_WORDS = 3  # a reply with digits this short is a register number typed wrong
# A question about the number asked for ("регистрийн дугаар яагаад хэрэгтэй вэ?", "РД-гээ
# энд бичихэд аюулгүй юу?"), in normalized text: the step's question, which says what for.
_ASKS_OF_THE_NUMBER = re.compile(r"р[еэ]гистр|(?<!\w)рд(?!\w)")  # chat-Latin reads "рэгистр"
_ASKS_OF_THE_SURNAME = re.compile(r"(?<!\w)ов[оа]?г|surname|family name")


class State(StrEnum):
    NUMBER = "certificate.number"
    SURNAME = "certificate.surname"
    NOT_FOUND = "certificate.not_found"
    NOTICE = "certificate.notice"  # passed, not yet in ESIS: a notice when it is was offered


STEPS = frozenset(State)


@dataclass
class Data:
    register_number: str = ""  # canonical, once given
    # told before the number was right ("Миний овог Мөнхбат, батламжаа …"), or with a
    # number not found: the number alone typed again is looked up under it
    surname: str = ""
    look_alike: str = ""  # the number's letters read as look-alikes (RegisterNumber's)

    def number(self) -> RegisterNumber:
        return RegisterNumber(self.register_number, self.look_alike)


NOT_FOUND = Question(
    "cert",
    "",
    (
        (Choice("ticket", N_("Talk to a person"), PERSON_WORDS),),
        (Choice("again", N_("Try again"), ("дахин", "дахиад", "again", "retry", "тийм")),),
    ),
)


async def refused(turn: Turn, number: RegisterNumber | None = None) -> bool:
    """Above the person's hourly or daily limit, or the number's daily one (counted across
    every account and channel: many accounts guessing one number's surname): say when the
    next lookup is possible. Both limits answer alike, so neither says whether the number
    exists or whether someone else asked for it."""
    desk = turn.desk
    next_allowed = await roster.lookups_allowed(
        turn.session, turn.person.id, desk.clock(), desk.lookups_per_hour, desk.lookups_per_day
    )
    if next_allowed is None and number is not None:
        next_allowed = await roster.number_lookups_allowed(
            turn.session, number, desk.clock(), desk.lookups_per_number
        )
    if next_allowed is None:
        return False
    local = next_allowed.astimezone(desk.zone)
    turn.go(IDLE)
    turn.say(
        _(
            "You have checked many times in a short while. For your security, please try "
            "again after {day} {time}."
        ).format(day=format_date(local.date()), time=local.strftime("%H:%M")),
        show_menu=True,
    )
    return True


async def start(turn: Turn, text: str = "") -> None:
    """Ask for what the message did not already say: the number, then the surname. A number
    given before, its surname still wanted, is not asked for again."""
    if await refused(turn):
        return
    known = turn.knowledge.matcher.knows
    mention = find_register_number(text, known) if text else None
    if mention is not None and mention.number is not None:
        if mention.surname:
            await _look_up(turn, mention.number, mention.surname)
            return
        _ask_surname(turn, mention.number)
        return
    if mention is not None and mention.problem in SAID_AT_ONCE:  # "ub85131214 dorj": month 13
        turn.go(State.NUMBER, Data(surname=mention.surname))
        _say_what_is_wrong(turn, mention.problem)
        return
    kept = turn.flow_data(Data) if turn.state == State.SURNAME else Data()
    if kept.register_number:  # "батламж маань?" (or the menu's button) while the surname is
        _ask_surname(turn, kept.number())  # wanted
        return
    _ask_number(turn, told_surname(text, known))  # "Миний овог Мөнхбат, батламжаа шалгуулъя"


def _say_what_is_wrong(turn: Turn, problem: str) -> None:
    """Why a number typed is no register number, and to send it again."""
    turn.say(
        _(
            "This register number has no valid birth date in it. Please check the "
            "digits and send it again."
        )
        if problem == BIRTH_DATE
        else _(
            "A register number is two letters and eight digits, e.g. "
            "УБ99010112. Please send it again."
        )
    )


def _ask_number(turn: Turn, surname: str = "") -> None:
    turn.go(State.NUMBER, Data(surname=surname))
    turn.say(
        _(
            "I will check your certificate in the institute's list of those who passed. "
            "Please send your register number, e.g. УБ99010112 (Latin letters are fine)."
        )
    )


def _ask_surname(turn: Turn, number: RegisterNumber) -> None:
    turn.go(State.SURNAME, Data(register_number=number.value, look_alike=number.look_alike))
    turn.say(_("Thank you. Now your surname (овог), as it is written in ESIS."))


async def on_text(turn: Turn, text: str) -> bool:
    """The number or the surname, typed; False when the message is something else."""
    mention = find_register_number(text, turn.knowledge.matcher.knows)
    if mention is None and any(ch.isdigit() for ch in text) and len(text.split()) <= NUMBER_WORDS:
        mention = Mention(None, "form", "")  # "12345": a number, but not a register number
    kept = turn.flow_data(Data)
    if mention is not None:
        surname = mention.surname or (
            kept.surname if turn.state in (State.NUMBER, State.NOT_FOUND) else ""
        )  # "uuchlaarai buruu bichjee, ОР88070923" after "not found": the surname stands
        if mention.number is None:
            turn.go(State.NUMBER, Data(surname=surname))
            _say_what_is_wrong(turn, mention.problem)
        elif surname:
            await _look_up(turn, mention.number, surname)
        else:
            _ask_surname(turn, mention.number)
        return True
    number = kept.register_number
    if _asks_of_the_step(turn, text):
        if turn.state == State.SURNAME and number:
            _ask_surname(turn, kept.number())
        else:
            _ask_number(turn, kept.surname)
        return True
    if turn.state in (State.SURNAME, State.NOT_FOUND) and number:
        known = turn.knowledge.matcher.knows
        surname = told_surname(text, known)  # "Овог маань Мөнхбат."
        if turn.state == State.NOT_FOUND:
            surname = surname or retold_surname(text, known)
        elif not surname and _looks_like_a_surname(turn, text):
            surname = text
        if surname:
            await _look_up(turn, kept.number(), surname)
            return True
    if not _only_the_request(turn, text):
        return False
    # "батламж", then "шалгах"; "батламж маань?" with the number given: the request again,
    # in pieces — the step's question again, and what was given kept.
    if turn.state == State.SURNAME and number:
        _ask_surname(turn, kept.number())
    else:
        _ask_number(turn, kept.surname)
    return True


def _asks_of_the_step(turn: Turn, text: str) -> bool:
    """Whether a reply asks about the step's own question: what the number is for
    ("регистрийн дугаар яагаад хэрэгтэй вэ?"), what a surname is ("ovog gedeg chin aavin ner
    uu?"), or for the question again ("dahiad helech"). Its prompt, which says, again."""
    if turn.state not in (State.NUMBER, State.SURNAME):
        return False
    if asks_what_is_meant(text):
        return True
    about = _ASKS_OF_THE_NUMBER if turn.state == State.NUMBER else _ASKS_OF_THE_SURNAME
    return asks(text) and about.search(normalize(text)) is not None


def _only_the_request(turn: Turn, text: str) -> bool:
    """A word or two at the number or surname step that ask for a check or read most like the
    certificate's own entries ("шалгаарай", "batlamj shalgah"): the request again, the
    number still wanted. (Anything else goes on: "english pls" is a language.)"""
    if len(text.split()) > SURNAME_WORDS or asks(text.replace("?", " ")):
        return False  # "батламж маань?" repeats the request; "хэзээ бүртгэгдэх вэ" asks
    if asks_for_a_check(text):
        return True
    best = turn.knowledge.matcher.match(text).best
    return best is not None and best.intent in ENTRIES


def _looks_like_a_surname(turn: Turn, text: str) -> bool:
    """A word, or two that are not a question the knowledge base knows ("сургалт хэзээ");
    one word is always taken when asked for (Батсүх is a surname, whatever the matcher hears
    in it)."""
    words = text.split()
    if not 0 < len(words) <= SURNAME_WORDS or "?" in text or any(c.isdigit() for c in text):
        return False
    return len(words) == 1 or turn.knowledge.matcher.match(text).intent is None


async def _look_up(turn: Turn, number: RegisterNumber, surname: str) -> None:
    turn.go(IDLE)
    if await refused(turn, number):
        return
    await roster.record_lookup(turn.session, turn.person.id, turn.desk.clock(), number)
    entry = await roster.lookup(turn.session, number, surname)
    turn.log.intent = "certificate_lookup"
    answer(turn, entry, number.value, surname)


def answer(turn: Turn, entry: RosterEntry | None, number: str, surname: str) -> None:
    """The roster's result, under the surname as the roster spells it: a teacher who typed
    "dorj" reads "Дорж", the name the certificate carries. Not found, the number is kept for
    a surname told again ("уучлаарай, овог нь Мөнхбат"), and the surname for a number."""
    turn.memory.topic = TOPIC  # "what should I do now?" is about this result, found or not
    turn.memory.unregistered = ""
    if entry is None:
        turn.ask(
            NOT_FOUND,
            State.NOT_FOUND,
            Data(register_number=number, surname=surname),
            text=_(
                "I did not find a result for this register number and surname. Common "
                "causes: the training was in another year, a typo, or the surname changed. "
                "A methodologist can check it for you."
            ),
        )
        return
    who = _("{surname} {name}, {year}").format(
        surname=html.escape(entry.surname),
        name=roster.mask_name(entry.given_name),
        year=entry.year,
    )
    if not entry.passed:
        status = _("{who}: the result is <b>not passed</b>.").format(who=who)
        answer = turn.knowledge.answer(FAILED, turn.language)
        turn.say(status + "\n\n" + answer, show_menu=True)
    elif entry.registered_on is not None:
        number = (
            _(" (certificate No. {number})").format(number=html.escape(entry.certificate_number))
            if entry.certificate_number
            else ""
        )
        status = _(
            "{who}: <b>passed</b>. Your certificate{number} was registered in ESIS on {date}."
        ).format(who=who, number=number, date=format_date(entry.registered_on))
        answer = turn.knowledge.answer("certificate_view", turn.language)
        turn.say(status + "\n\n" + answer, show_menu=True)  # one message, one ping
    else:
        status = _(
            "{who}: <b>passed</b>, but the certificate is not yet registered in ESIS. "
            "The institute sends the list with an official letter to the aimag or "
            "district education department; your school's ESIS manager then enters it. "
            "If it takes long, ask your school's training manager."
        ).format(who=who)
        offer = NOTICE.prompt()
        data = Data(register_number=entry.register_number)
        turn.memory.unregistered = entry.register_number
        turn.ask(NOTICE, State.NOTICE, data, text=status + "\n\n" + offer, show_menu=True)


async def on_not_found(turn: Turn, argument: str) -> None:
    turn.go(IDLE)
    if argument == "ticket":
        await escalation.escalate(turn, "", reason="certificate not found in the roster")
    elif argument == "again":
        await start(turn)
    else:
        turn.say(_("That button is no longer active."))


async def on_notice(turn: Turn, answer: str) -> None:
    number = turn.flow_data(Data).register_number if turn.state == State.NOTICE else ""
    if not turn.answered_yes_no(number, answer):
        return
    if answer == "no":
        turn.say(_("All right. Choose from the menu, or write your question."), show_menu=True)
        return
    await _notice(turn, number)


def just_answered(turn: Turn) -> bool:
    """Whether a result, or an answer about certificates after it, was the last thing said."""
    return turn.fresh_topic == TOPIC or turn.fresh_topic in ENTRIES


async def notice_asked_later(turn: Turn, text: str) -> bool:
    """The notice asked for in words while the result is fresh, or later with registration's
    words, after the offer gave way to another question ("хэдий хугацаанд бүртгэгддэг вэ?"
    … "за бүртгэгдвэл надад мэдэгдээрэй", "ok, please let me know once it is registered"),
    unless it reads clearly as another entry: set up as the offer's yes would. Before the
    question then waiting, whose "за" or "ok" would be a 👍 or a yes to another offer."""
    if turn.state == State.NOTICE or not turn.memory.unregistered:
        return False
    if not asks_to_be_told(text):
        return False
    reading = turn.knowledge.matcher.match(text)  # not "хуваарь гарвал мэдэгдээрэй"
    # Fresh, or named again after other answers ("За тэгвэл бүртгэгдмэгц мэдэгдээрэй" after
    # whom to ask): a notice asked for with registration's words is this result's.
    named = reading.best is not None and reading.best.intent in ENTRIES
    if not (just_answered(turn) or named):
        return False
    elsewhere = reading.intent is not None and reading.intent not in ENTRIES
    if elsewhere and reading.score >= CLEAR_SCORE:
        return False
    turn.go(IDLE)
    await _notice(turn, turn.memory.unregistered)
    return True


async def _notice(turn: Turn, number: str) -> None:
    turn.memory.unregistered = ""
    await notices.request(
        turn.session, turn.person, notices.CERTIFICATE, number=parse_register_number(number)
    )
    turn.say(
        _("I will write to you here once the roster shows your certificate registered in ESIS."),
        show_menu=True,
    )


ACTIONS = {NOT_FOUND.key: on_not_found, NOTICE.key: on_notice}
QUESTIONS = {State.NOT_FOUND: NOT_FOUND, State.NOTICE: NOTICE}
TEXT_STEPS = {State.NUMBER: on_text, State.SURNAME: on_text, State.NOT_FOUND: on_text}
BACK = {State.SURNAME: _ask_number}
