"""Escalation: a ticket for a methodologist, what the teacher adds to it, cancelling it,
and the 1–5 rating when it is closed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.desk import tickets
from bot.desk.certificates import mask_register_numbers
from bot.desk.messages import Button, parse_id
from bot.desk.questions import (
    ANYWHERE,
    DECLINE_WORDS,
    YES_WORDS,
    Choice,
    Question,
    Rows,
    yes_no,
)
from bot.desk.turn import IDLE, Attempt, Turn
from bot.i18n import N_, _, format_date
from bot.nlu.choices import FILLERS, asks_with_a_word, keys, negates, typed_words
from bot.nlu.entities import (
    MACHINE,
    asks_what_answers,
    detect_system,
    only_acknowledges,
    only_introduces,
    puts_off,
    relays,
    says_it_worked,
    still_stuck,
)
from bot.nlu.normalize import FULL_STOP, asks
from bot.nlu.tables import MACHINE_WORDS
from bot.storage.models import Ticket

RELAYED = frozenset({"photo", "document"})  # passed on to the staff while a ticket is open
# The words of a request for a person that tells no problem, in any script: those that ask
# (one at least), and those that may stand around them.
PERSON_ASKING = frozenset(
    keys(
        "хүн хүнтэй ярих ярья ярьж ярихыг ярьмаар яримаар ярилцах ярилцаж ярилцмаар холбогдох "
        "холбогдож холбогдмоор холбогдъё холбож холбо оператор операторт оператортой арга зүйч "
        "арга зүйчтэй арга зүйчид ажилтан ажилтантай мэргэжилтэн туслаач туслаарай "
        "админ админтай холбоод холбоно оператортай хүнтай ажилтантай зүйчтай "  # "-тай" slips
        "яриулаач яриулаарай яриулах "  # "hvntei yariulaach": let me talk
        "ярьё yarii "  # "end hvntei yarii": let's talk, as phones type "ярьё"
        "talk speak chat human person operator agent someone "
        "somebody staff methodologist admin connect"
    )
)
TALK = frozenset(  # the asking words that ask to talk, beyond naming a person
    keys(
        "ярих ярья ярьж ярихыг ярьмаар яримаар ярилцах ярилцаж ярилцмаар холбогдох холбогдож "
        "холбогдмоор холбогдъё холбож холбо холбоод холбоно яриулаач яриулаарай яриулах ярьё "
        "yarii talk "
        "speak chat connect"
    )
)
# Those a request to talk names: a person, a methodologist, an operator, the staff.
_SOMEONE = frozenset(
    keys(
        "хүн хүнтэй хүнд оператор операторт оператортой арга зүйч арга зүйчтэй арга зүйчид "
        "ажилтан ажилтантай ажилтанд мэргэжилтэн мэргэжилтэнтэй human person someone operator "
        "agent staff methodologist"
    )
)
# "… арга зүйчид дамжуулж өгнө үү": passing something on to a person asks for one, whatever
# the thing passed ("энэ жагсаалтыг", "асуултыг минь"). Not "pass", which chat's
# "pass" (password) makes "нууц үг".
PASSING_WORDS = (
    "дамжуулж", "дамжуулаач", "дамжуулна", "дамжуулах", "дамжуулаад", "дамжуулъя",
    "шилжүүлж", "шилжүүлээч", "шилжүүлнэ", "шилжүүлэх", "forward",
)  # fmt: skip
_PASSING = frozenset(keys(" ".join(PASSING_WORDS)))
_YES = frozenset(keys(" ".join(YES_WORDS)))
PERSON_REQUEST = PERSON_ASKING | frozenset(
    keys(
        "гэсэн гэж хүсэлтэй хүсэж хүсч байна байгаа байсан юм өгөөч өгнө үү би надад need "
        "want with to a an please can could you i me асуух асуумаар асуулт асуултаа асуулттай "
        "нэг зүйл уу ask question something would like i'd id may kindly directly now "
        "болох боломжтой шууд одоо юу right away immediately asap urgent urgently quickly "
        "яаралтай яаралтайгаар хурдан одоохон хэрэгтэй энэ минь амьд бодит real live "
        "барих барья барьж барьмаар "  # "хүнтэй холбоо барих": get in touch
        "энд here then тэгвэл тэгэхээр биш not "  # "Энд арга зүйчтэй …", "bot bish hvn bnu?"
        # "Асуудлаа арга зүйчтэй шууд ярилцаж шийдүүлэх боломжтой юу?": a problem named, not
        # told
        "асуудал асуудлаа асуудлаар асуудлынхаа шийдүүлэх шийдүүлмээр шийдүүлье шийдэх "
        "ярилцаж ярилцах problem issue solve discuss "
        # "Хүнтэй шууд ярих боломж байхгүй юу?", "is there no way to reach a person?"
        "боломж боломжгүй байхгүй арга way there is isn't no any "
        # whose person: "someone from the institute", "институтийн хүнтэй", "itpd-iin hvn"
        "from институт институтийн институтэд institute itpd итпд "
        # how to reach one, asked: "Хүнтэй ярих бол аль товчийг дарах ёстой вэ?", "which
        # button do I press to talk to a person?", "hvntei yaaj holbogdoh ve"
        "аль али ни нь товч товчийг товчлуур товчлуурыг дарах дарна дарж яаж хэрхэн хаана бол "
        "ёстой тулд ярихын холбогдохын "
        "which button press tap click how where do does should must "
        # chat's "u" for "ө", which no folding undoes: "damjuulj ugnu uu" (өгнө үү)
        "ugnu ugnuu uguuch uguurei"
    )
) | frozenset(keys(" ".join(PASSING_WORDS) + " " + MACHINE_WORDS))


# Pleas for help, which beside a problem ask the bot, not a person ("НУУЦ ҮГ!!!! мартчихлаа,
# хурдан туслаач"); alone, they ask for a person as the other words do.
_HELP = frozenset(keys("туслаач туслаарай"))

# Where a reply's clauses end.
CLAUSES = re.compile(rf"(?:[,;!?\n]|:(?=\s)|{FULL_STOP})+", re.IGNORECASE)  # not "10:00"


class State(StrEnum):
    PROBLEM = "escalation.problem"  # a person was asked for: what is the problem?
    OFFER = "escalation.offer"  # "shall I pass your question to a methodologist?"
    CONFIRM_CANCEL = "escalation.confirm_cancel"  # a typed cancel while a ticket is open
    RATING = tickets.RATING_STATE  # the ticket was closed: 1–5


OFFER = yes_no(
    "human",
    N_("I could not help you. Shall I pass your question to a methodologist?"),
    yes=("дамжуул", "дамжуулаарай", "тэгээрэй", "please do", "pass it on"),
    # "дараа" (later) puts the offer off; to "solved?" it is "I'll check later", no "no".
    # Found or solved meanwhile, it is not needed ("за менежерээсээ асуугаад олдлоо").
    no=(
        "дараа", "дараа болъё", "later", "not now", "maybe later", "олдлоо", "олчихлоо",
        "олдчихлоо", "олсон", "шийдэгдлээ", "шийдчихлээ", "found it", "solved",
        # a goodbye takes leave: "ok oilgoloo. bye bye" is no yes
        "баяртай", "bye", "goodbye", "see you",
        *DECLINE_WORDS,
    ),
    extract=lambda text: _offer_answered(text),
    asked_yet_answered=lambda text: names_a_person(text),  # "арга зүйчид дамжуулж өгнө үү"
)  # fmt: skip
CANCEL_REQUEST = Question(
    "ticket",
    "",
    ((Choice("cancel", N_("Cancel the request"), ANYWHERE.choices[0].words),),),
)
CONFIRM_CANCEL = yes_no(
    "cancelticket",
    N_("Cancel your request #{number}? A methodologist will not answer it then."),
    yes=("цуцал", "цуцлах", "цуцлаарай", "болих", "cancel"),
    no=("үлдээ", "хүлээнэ", "keep", "wait"),
)
RATING = Question(
    "csat",
    "",
    (
        tuple(
            Choice(str(n), str(n), (str(n), f"{n} од", f"{n} оноо", f"{n}/5"), literal=True)
            for n in range(1, 6)
        ),
    ),
)


def person_button() -> Rows:
    """The way to a methodologist, offered under answers that may not be enough."""
    return ((Button(_("Talk to a person"), "menu:human"),),)


async def ask_for_person(turn: Turn, text: str = "") -> None:
    """ "Operator", "хүнтэй ярих", the menu's button: a ticket needs the problem, so it is
    asked first — unless the message says it, or the bot just failed to answer it."""
    if text and not _only_asks_for_a_person(text):
        await escalate(turn, text, reason="asked for a person")
        return
    if turn.memory.tried and (turn.memory.refusals or turn.memory.downvotes):
        await escalate(turn, "", reason="asked for a person")  # with what was not answered
        return
    turn.go(State.PROBLEM)
    turn.say(
        _(
            "I will pass your question to a methodologist. Please describe the problem in one "
            "message: what you tried and what went wrong."
        ),
        CANCEL_REQUEST.buttons(),
    )


def names_a_person(text: str) -> bool:
    """Whether a message names someone to talk to ("хүнтэй", "арга зүйч", "operator"), as a
    request for a person does and a complaint about the bot need not."""
    return any(key in PERSON_ASKING for key in keys(text))


def asks_to_talk(text: str) -> bool:
    """Whether a message says "talk" or "connect" ("hvntei yarimaar bn"), not only names
    someone ("би утсаар муу бичдэг хүн")."""
    return not TALK.isdisjoint(keys(text))


def problem_beside_a_person_request(text: str) -> str | None:
    """What else a message says when one of its clauses only asks for a person ("hvntei
    yarimaar bn, webinar-iin link irehgui bna" → the link), or begins or ends with such a
    request run into the problem without a comma; None when none does. The request must not
    let the problem's own words decide what the bot answers."""
    clauses = [clause.strip() for clause in CLAUSES.split(text) if clause.strip()]
    asking = [
        clause
        for clause in clauses
        if _only_asks_for_a_person(clause)
        and not _HELP.issuperset(PERSON_ASKING.intersection(keys(clause)))
    ]
    if asking:
        rest = [clause for clause in clauses if clause not in asking]
        return ", ".join(rest) if rest else None
    for index, clause in enumerate(clauses):
        problem = _beside_a_request_to_talk(clause)
        if problem is not None:
            return ", ".join([*clauses[:index], problem, *clauses[index + 1 :]])
    return None


def _beside_a_request_to_talk(clause: str) -> str | None:
    """The rest of a clause that begins or ends with words asking to talk to a person
    ("hvntei yarimaar bn webinar-iin link irehgui bna"), the longer such run taken. It
    must say "talk" or "connect", not only name a person: "Би ажилтан …" tells a role.
    Each word is read once: a long paste costs no more than its length."""
    words = clause.split()
    read = [keys(word) for word in words]
    head = _request_run(read[: len(words) - 1])
    tail = _request_run(read[:0:-1])
    if head == tail == 0:
        return None
    return " ".join(words[head:] if head >= tail else words[: len(words) - tail])


def _request_run(read: list[tuple[str, ...]]) -> int:
    """How many words, from the first, only ask for a person and say "talk" (0: none do)."""
    run, talks, someone = 0, False, False
    for word in read:
        if not all(key in PERSON_REQUEST or key in FILLERS for key in word):
            break
        run, talks = run + 1, talks or not TALK.isdisjoint(word)
        someone = someone or not _SOMEONE.isdisjoint(word)
    # a shorter run has no "talk" the whole one lacks; "онигоо ярьж өгөөч" (tell a joke) and
    # "chat ve ene" (what chat is this) name nobody to talk to
    return run if talks and someone else 0


def _only_asks_for_a_person(text: str) -> bool:
    """Whether a message asks for a person and tells no problem: "хүнтэй ярих", "operator",
    "I need to talk to a human", "арга зүйчтэй холбогдмоор байна". A clause with no words
    ("www" of a link) asks for nothing. Who the writer is, said in a clause of its own ("Би
    сургалтын менежер байна, оператортай холбогдмоор байна"), is no problem either."""
    clauses = [clause for clause in CLAUSES.split(text) if clause.strip()]
    told = [
        clause
        for clause in clauses
        if not _only_turns_the_bot_away(clause)
        and not asks_what_answers(clause)  # "bot uu hun uu??" beside the request
        and (not only_introduces(clause) or not PERSON_ASKING.isdisjoint(keys(clause)))
    ]
    typed = keys(" ".join(told or clauses))
    others = [key for key in typed if key not in PERSON_REQUEST and key not in FILLERS]
    passed = len(others) == 1 and not _PASSING.isdisjoint(typed)  # "энэ жагсаалтыг … дамжуул"
    return any(key in PERSON_ASKING for key in typed) and (not others or passed)


def _only_turns_the_bot_away(clause: str) -> bool:
    """Whether a clause only says no to the machine ("БОТ ХЭРЭГГҮЙ!!!", "bot bish", "not a
    bot", "ботоор яримааргүй байна": through a bot I won't talk, "роботтой ярихыг хүсэхгүй"):
    beside a request for a person, no problem to put on a ticket."""
    typed = typed_words(clause)
    return any(_names_the_machine(key) for key in typed) and all(
        _names_the_machine(key) or key in _TURNED_AWAY or key in TALK or negates(key)
        for key in typed
    )


def _names_the_machine(key: str) -> bool:
    """"бот", and its cases: "ботоор", "bottoi", "роботтой"."""
    return key in MACHINE or key.startswith(_MACHINE_STEMS)


_TURNED_AWAY = frozenset(keys("no not dont don't need want a"))
_MACHINE_STEMS = tuple(stem for stem in MACHINE if len(stem) >= 3)  # not "ai"


def _offer_answered(text: str) -> str | None:
    """"hvntei yarimaar bn" to the offer takes it, with what the bot failed at, and so does
    a clause of its own that asks for a person or to pass it on, whatever the others say
    ("ok zgr, hvntei yarimaar bn"; "Тийм, дамжуулаад өгөөч. Яагаад … мэдмээр байна": the
    why goes to the methodologist); "bolchihloo" (it worked meanwhile) needs no one."""
    clauses = [clause for clause in CLAUSES.split(text) if clause.strip()]
    if (
        _only_asks_for_a_person(text)
        or any(_only_asks_for_a_person(clause) or _only_passes_on(clause) for clause in clauses)
        or still_stuck(text)  # "Өөр хөтчөөр ч оролдсон, … дахиад л алдаа гарч байна"
    ):
        return "yes"
    # "за менежерээсээ асууя, баярлалаа": she will ask someone herself, no one is needed
    relayed = relays(text) and _PASSING.isdisjoint(keys(text))
    return "no" if says_it_worked(text) or relayed else None


def _only_passes_on(clause: str) -> bool:
    """Whether a clause only asks to pass the question on ("дамжуулаад өгөөч", "тийм
    дамжуулаарай")."""
    typed = typed_words(clause)
    return not _PASSING.isdisjoint(typed) and all(
        key in _PASSING or key in PERSON_REQUEST or key in _YES for key in typed
    )


async def on_problem(turn: Turn, text: str) -> bool:
    """The problem, described after a person was asked for: the ticket opens with it —
    unless the teacher calls it off instead ("за за хэрэггүй, олчихлоо", "never mind, I
    found the class code")."""
    if calls_off(text):
        await _cancel(turn, None)
        return True
    await escalate(turn, text, reason="asked for a person")
    return True


async def escalate(turn: Turn, text: str, reason: str) -> None:
    """Open a ticket (or add to the open one) with what the bot already tried."""
    tried = turn.memory.tried
    question = text or (tried[-1].question if tried else "")
    context = {
        "reason": reason,
        "tried": [vars(attempt) for attempt in tried],
        "flow": turn.state,
    }
    system = detect_system(" ".join([question, *(attempt.question for attempt in tried)]))
    if system is not None:
        context["system"] = system
    ticket = await tickets.open_ticket(
        turn.session, turn.person, question, context, turn.desk.staff_chat
    )
    turn.go(IDLE)
    turn.memory.tried, turn.memory.refusals, turn.memory.downvotes = [], 0, 0
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
    lines.append(hours_note(turn))
    turn.say("\n".join(line for line in lines if line), CANCEL_REQUEST.buttons())


def hours_note(turn: Turn) -> str:
    hours, now = turn.desk.working_hours, turn.desk.clock()
    if hours.is_open(now):
        return ""
    opening = hours.next_opening(now)
    return _(
        "Methodologists answer Monday to Friday, {start}–{end}. Expect an answer from "
        "{day} {time}."
    ).format(
        start=hours.start.strftime("%H:%M"),
        end=hours.end.strftime("%H:%M"),
        day=format_date(opening.date()),
        time=opening.strftime("%H:%M"),
    )


async def while_open(turn: Turn, ticket: Ticket, text: str) -> None:
    """A ticket is open: the teacher's messages go to it, except a cancel (confirmed first)."""
    if turn.state == State.CONFIRM_CANCEL and text:
        answer = CONFIRM_CANCEL.choose(text)
        if answer is not None:
            await on_confirm_cancel(turn, f"{answer}:{ticket.id}")
            return
    if text and calls_off(text):
        question = CONFIRM_CANCEL.prompt().format(number=ticket.id)
        turn.ask(CONFIRM_CANCEL, State.CONFIRM_CANCEL, context=str(ticket.id), text=question)
        return
    turn.go(IDLE)
    attachment = turn.incoming.attachment
    if not text and attachment is None:
        turn.say(_("Please write your message in words."))
        return
    await tickets.add_teacher_message(
        turn.session, ticket, turn.person, text, turn.desk.staff_chat, attachment
    )
    turn.log.intent = "ticket"
    turn.say(
        _("Added to your ticket #{number}. A methodologist will answer here.").format(
            number=ticket.id
        ),
        CANCEL_REQUEST.buttons(),
    )


def calls_off(text: str) -> bool:
    """A message that calls the request off, alone or beside why ("болилоо, ангийн код
    олдчихлоо", "hereggui bolloo, tsutsal", "it works now. Please cancel."): one of its
    clauses is a cancel, and no question word asks about it ("яаж цуцлах вэ")."""
    if asks_with_a_word(text):
        return False
    return _CANCELS_THE_REQUEST.search(text) is not None or any(
        _cancels(c) for c in CLAUSES.split(text)
    )


# The request named and cancelled, read anywhere: a dictated "за болсон холбоос олдчихлоо
# хүсэлтээ цуцалж өгнө үү" has no clause of its own for it.
_CANCELS_THE_REQUEST = re.compile(
    r"(?:хүсэлт(?:ээ|ийг|ийгээ)|hvseltee|huseltee|hvseltiig)\s+(?:цуцл|цуцал|tsutsl|tsutsal)"
    r"|cancel\s+(?:my|the|this)\s+(?:request|ticket)",
    re.IGNORECASE,
)


def _cancels(clause: str) -> bool:
    """A clause that is a cancel once its "за за", "ok" are set aside ("za za hereggui"), or
    a cancel run into a putting off ("bolich daraa bichne")."""
    words = [word for word in clause.split() if not only_acknowledges(word)]
    if not words or ANYWHERE.choose(" ".join(words)) == "cancel":
        return bool(words)
    first, *rest = words
    return bool(rest) and ANYWHERE.choose(first) == "cancel" and puts_off(" ".join(rest))


async def _cancel(turn: Turn, ticket: Ticket | None) -> None:
    asking = turn.state == State.PROBLEM
    turn.go(IDLE)
    if asking and ticket is None:  # the problem was asked for, no ticket opened yet
        turn.say(_("Cancelled. Choose from the menu, or write your question."), show_menu=True)
        return
    if ticket is None or ticket.status not in tickets.ACTIVE:
        turn.say(_("That button is no longer active."), show_menu=True)
        return
    await tickets.cancel_by_teacher(turn.session, ticket, turn.desk.staff_chat)
    turn.say(
        _("Your request #{number} is cancelled. I am here if you need me.").format(
            number=ticket.id
        ),
        show_menu=True,
    )


async def on_cancel_button(turn: Turn, argument: str) -> None:
    ticket = await tickets.active_ticket(turn.session, turn.person.id)
    await _cancel(turn, ticket if argument == "cancel" else None)


async def on_confirm_cancel(turn: Turn, argument: str) -> None:
    answer, _sep, number = argument.partition(":")
    ticket = await tickets.active_ticket(turn.session, turn.person.id)
    if ticket is None or str(ticket.id) != number or answer not in ("yes", "no"):
        turn.go(IDLE)
        turn.say(_("That button is no longer active."), show_menu=True)
        return
    if answer == "yes":
        await _cancel(turn, ticket)
        return
    turn.go(IDLE)
    turn.say(
        _("Your request #{number} stays open; a methodologist will answer here.").format(
            number=ticket.id
        )
    )


@dataclass
class Offered:
    reason: str = "the bot could not answer"  # what the ticket's card will say, if taken


CASE_OFFER = N_("A methodologist can look at your case. Shall I pass your question on?")


def asks_the_hours(text: str) -> bool:
    """Whether a message asks when the methodologists answer or work ("arga zuich hezee
    hariulah ve", "Арга зүйчид хэдэн цагаас хэдэн цаг хүртэл ажилладаг юм бэ", "When will
    someone answer me?"): the desk's own hours, not a problem to put on a ticket."""
    typed = keys(text)
    when = not _WHEN_ASKED.isdisjoint(typed) or "how long" in text.casefold()
    return (
        asks(text)
        and not PERSON_ASKING.isdisjoint(typed)
        and when
        and any(key.startswith(_ANSWERING) for key in typed)
    )


# Not "how" alone: "I attended in person. How does it work now?" asks how the training is held
_WHEN_ASKED = frozenset(keys("хэзээ хэдэн цагаас цагт цаг when time hours"))
_ANSWERING = tuple(keys("хариул ажилла ажилд answer reply respond work open"))


def tell_the_hours(turn: Turn) -> None:
    """When the methodologists answer, and the offer to pass the question on."""
    hours = turn.desk.working_hours
    offer_person(
        turn,
        reason="asked the methodologists' hours",
        text=_(
            "Methodologists answer here Monday to Friday, {start}–{end}, in the order the "
            "questions come. Shall I pass your question to a methodologist?"
        ).format(start=hours.start.strftime("%H:%M"), end=hours.end.strftime("%H:%M")),
    )


def offer_person(turn: Turn, reason: str = "", text: str | None = None) -> None:
    """Ask whether to open a ticket; `text` instead of OFFER's "I could not help you…"."""
    turn.memory.refusals = turn.memory.downvotes = 0
    turn.ask(OFFER, State.OFFER, Offered(reason) if reason else Offered(), text=text)


def offer_for_what_failed(turn: Turn, told: str, reason: str, lead: str = "") -> None:
    """What failed, told ("КОД ИРЭЭГҮЙ БАЙНА", "the reset link does not open"): kept for the
    card, and a methodologist offered — a yes/no, so a typed "тийм" takes it; after `lead`,
    what the teacher may try first."""
    turn.note_attempt(Attempt(mask_register_numbers(told)[:500], None, None, 0.0))
    offer = _(CASE_OFFER)
    offer_person(turn, reason=reason, text="\n\n".join((lead, offer)) if lead else offer)


async def pass_on_what_failed(turn: Turn, told: str, reason: str) -> None:
    """What failed, told under an answer: a methodologist offered with it, or the ticket
    opened at once when the same message asks for one ("oilgomjgui bn, hvntei yarimaar bn")."""
    if problem_beside_a_person_request(told) is not None:
        await escalate(turn, told, reason=reason)
    else:
        offer_for_what_failed(turn, told, reason)


async def on_offer(turn: Turn, answer: str) -> None:
    offered = turn.flow_data(Offered) if turn.state == State.OFFER else Offered()
    turn.go(IDLE)
    if answer == "yes":
        await escalate(turn, _told_beside_the_yes(turn), reason=offered.reason)
    else:
        turn.say(_("All right. Choose from the menu, or write your question."), show_menu=True)


def _told_beside_the_yes(turn: Turn) -> str:
    """What a typed yes to the offer tells beside it ("За тэгвэл арга зүйчтэй холбогдъё. ESIS
    дээр регистрийн дугаар маань буруу орсон"): the ticket's question, not to be asked for
    again; "" for a button, or a yes that tells nothing more ("тийм, дамжуулаарай")."""
    text = turn.incoming.text or ""
    if turn.incoming.action or not text:
        return ""
    beside = problem_beside_a_person_request(text)
    if beside is not None:
        return beside
    return text if OFFER.vocabulary.leftover(text) >= _TOLD_WORDS else ""


_TOLD_WORDS = 3  # words beside a yes that tell a problem ("10 dahi jiliin batlamj buruu …")


async def on_rating(turn: Turn, argument: str) -> None:
    rating, _sep, ticket_id = argument.partition(":")
    number = parse_id(ticket_id)
    ticket = await tickets.get_ticket(turn.session, number) if number else None
    valid = ticket is not None and ticket.person_id == turn.person.id
    if not valid or rating not in {"1", "2", "3", "4", "5"} or ticket.status != tickets.CLOSED:
        turn.say(_("That button is no longer active."))
        return
    await tickets.rate(turn.session, ticket, int(rating))
    turn.go(IDLE)
    turn.say(_("Thank you for your rating!"), show_menu=True)


ACTIONS = {
    OFFER.key: on_offer,
    CANCEL_REQUEST.key: on_cancel_button,
    CONFIRM_CANCEL.key: on_confirm_cancel,
    RATING.key: on_rating,
}
QUESTIONS = {State.OFFER: OFFER, State.RATING: RATING}
TEXT_STEPS = {State.PROBLEM: on_problem}
