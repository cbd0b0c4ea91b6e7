"""A new message read as a whole: the facts it states (a register number, a cohort, a
system — and corrections of them), one or two questions for the knowledge base, and "which
do you mean?" when two entries are close, rather than a refusal."""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from bot.desk.certificates import (
    SAID_AT_ONCE,
    find_register_number,
    mask_register_numbers,
    only_names_the_person,
)
from bot.desk.flows import answers, certificate, escalation, recovery, schedule
from bot.desk.flows.answers import SMALL_TALK, button_gone
from bot.desk.questions import NO_WORDS, YES_WORDS, Choice, Question
from bot.desk.schedule import OTHER_COHORT, cohort_label
from bot.desk.turn import CLEAR_SCORE, IDLE, Attempt, Turn
from bot.i18n import N_, _
from bot.nlu import tables
from bot.nlu.choices import CLAUSES, after_the_contrast, keys, says_still
from bot.nlu.entities import (
    asks_about_a_day,
    asks_for_a_check,
    asks_the_difference,
    asks_the_hour,
    asks_what_comes_after,
    asks_what_is_meant,
    asks_when_a_part_is,
    asks_who_the_manager_is,
    asks_whom,
    bare_cohort,
    cannot_find,
    cannot_reach_them,
    checks_understanding,
    denies,
    detect_cohort,
    detect_system,
    matter_of_a_contact_question,
    named_calendar_year,
    named_cohorts,
    names_another_organiser,
    names_another_service,
    names_another_year,
    names_both_systems,
    not_what_was_asked,
    of_someone_else,
    only_acknowledges,
    only_announces_a_question,
    only_asks_for_a_reply,
    only_asks_how_one_is,
    only_asks_what_next,
    only_checks_presence,
    only_introduces,
    only_names_oneself,
    only_states,
    only_unsure,
    opens_with_a_contrast,
    opens_with_greeting,
    owns_the_miss,
    says_nothing_came,
    says_unsure,
    sets_a_system_apart,
    states_a_fact,
    still_stuck,
    supposes,
    takes_back,
    tells_a_symptom_only,
    tells_a_training_fault,
    tells_screen_trouble,
    term_asked,
    without_greeting,
    without_hearsay,
    without_opening_thanks,
)
from bot.nlu.matcher import Candidate, MatchResult
from bot.nlu.normalize import FULL_STOP, analyze, asks, sentences, without_years_of_work
from bot.storage.models import FaqSuggestion

WHICH = "which"  # the action key of "which do you mean?"
ANNOUNCED = "question_announced"  # the log's intent for "асуулт байна": no refusal
WHAT_NEXT = "what_next"  # … and for "тэгээд яах вэ?" after an answer
NOTHING_CLOSE = "none"  # its way out: none of these
CLARIFY_BAND = 8.0  # how far under the answer threshold the best entry may be to be offered
CLARIFY_SPREAD = 10.0  # how far under the best entry another may be to be offered beside it
ALONE_BAND = 5.0  # … and how far under it a lone entry is offered ("did you mean this?")
MIN_PART_WORDS = 2  # words a part of a message needs to count as a question of its own
REMARK_WORDS = 2  # words of a remark between "ok" and "thanks" ("амжих нь"), no problem told
MISSED = "missed_deadline"  # the entry of a window missed
WEBINAR = "webinar_join"  # … and of joining the webinar, whose code comes before it
FLOW_ACTIONS = ("certificate", "human")  # entries whose answer is a flow asking questions
FOLLOW_UP_WORDS = 4  # words the matcher reads in a bare follow-up: "and the webinar?"
NEW_QUESTION_WORDS = 2  # words beside a reply's "за" that may make it a new question
REPLY_WORDS = 2  # words of a reply that, making no choice, may say too little to be a question
MAX_PARTS = 4  # sentences a message with two questions has at most (an introduction, two asks)
# How clearly a part beside our question must read as out of scope to be refused beside its
# answer: "цалин хэзээ нэмэгдэх вэ" reads at 96, "gmail hereg uu" after a webinar question
# (the webinar's own account) at 61.
REFUSED_BESIDE = 75.0
# An answerable entry this close to an out-of-scope best, and itself over the threshold, is
# offered (unless the message names another service): the classifier in the score reads
# "нууц үгээ мартсан, тусална уу" as much like Gmail's question as the desk's own.
OUT_OF_SCOPE_SPREAD = 20.0
# Where one question ends and another begins: sentence ends, "бас"/"мөн" ("also", in either
# script), "and" before a question word, and a comma after a question particle
# ("…сонгох вэ, вебинарт яаж орох вэ?").
_PARTS = re.compile(
    rf"(?:[?!;\n]|{FULL_STOP})+"
    r"|,?\s+(?:бас|мөн|тэгээд|тгд|bas|mun|tegeed|tgd|also|and also)\s+(?!адил|adil)"
    r"|,?\s+and\s+(?=(?:what|how|when|where|who|which|why|is|are|can|do|does|should)\b)"
    r"|(?:(?<=вэ)|(?<=бэ)|(?<=уу)|(?<=үү)|(?<=ve)|(?<=be)|(?<=uu))\s*,"
    # a question's closing particle, and a second question after it with nothing between
    # ("… хэзээ эхлэх вэ тэгээд …", "5 dahi jil webinar hezee ehleh ve module … yu"); not
    # before "гэдгийг" ("70 хувь уу 60 хувь уу гэдгийг нь мэдмээр байна": one question)
    r"|(?:(?<=\sвэ)|(?<=\sбэ)|(?<=\sуу)|(?<=\sүү)|(?<=\sve)|(?<=\suu))\s+(?=\w\w)"
    r"(?!гэдг|гэж\b|гэсн|гэсэн|gedg|gej\b|gesen)",
    re.IGNORECASE,
)


class State(StrEnum):
    CLARIFY = "new_message.clarify"


@dataclass
class Clarifying:
    """What "which do you mean?" was asked about."""

    question: str = ""  # the teacher's words (register numbers masked)
    candidates: list[str] = field(default_factory=list)


async def answer_question(turn: Turn, text: str) -> None:
    """A new message: the facts it states, the knowledge base's answer (or two), a flow it
    starts, a clarifying question when two entries are close, or no match.

    In stages, each returning once it has answered: what needs no matching, what the
    conversation so far decides, the questions read, then an out-of-scope best or none."""
    step = turn.state  # a flow's question was open (not IDLE): its step is what failed
    turn.go(IDLE)
    if (left := _past_the_prefaces(turn, text)) is None or await _before_matching(turn, left):
        return
    text = left
    pointed, turn.memory.pointed = turn.memory.pointed if turn.goes_on else "", ""
    result = turn.knowledge.matcher.match(text)
    heard = without_hearsay(text) if result.intent is None else text
    if heard != text and (reading := turn.knowledge.matcher.match(heard)).intent is not None:
        text, result = heard, reading  # "… болсон гэж хэлээд байна, үнэн үү?": what was heard
    asked = without_opening_thanks(text)
    if result.intent in SMALL_TALK and asked != text and asks(asked):
        # "Баярлалаа. ESIS дээрээ хаанаас харах вэ?": the question, even read unclearly
        text, result = asked, turn.knowledge.matcher.match(asked)
    read_as_nothing = result.intent is None and result.reason != "out_of_scope"
    if pointed and asks_whom(text) and (result.intent == answers.CONTACT or read_as_nothing):
        turn.log.intent = pointed  # "гэхдээ хэнээс асуух вэ" after the salary's pointer
        answers.out_of_scope(turn, pointed)
        return
    if result.intent in SMALL_TALK and denies(text) and not owns_the_miss(text):
        # "ойлгосонгүй" is no "ойлгосон"; "уучлаарай, харсангүй. баярлалаа" thanks
        result = dataclasses.replace(result, intent=None, reason="low_score")
    turn.log.intent = result.intent
    turn.log.score = round(result.score, 1)
    remember_attempt(turn, text, result)
    if await _read_in_context(turn, text, result, step):
        return
    intents = _on_the_system_named(_questions_in(turn, text, result), text)
    if intents == [MISSED] and detect_cohort(text) is not None:
        # "5 дахь жилийн багш … хоцорчихоо юу": where that cohort stands (not yet, or ended
        # and the next schedule offered), then what to do if late
        intents = [schedule.ENTRY, MISSED]
    if turn.fresh_topic in intents and _still_failing(turn, turn.fresh_topic, text):
        _offer_for_follow_up(turn)  # "ДАХИАД Л ОРЖ ЧАДАХГҮЙ БАЙНА!!! вебинарт яаж орох юм"
    elif len(intents) > 1:
        # Plain answers first; a flow (a lookup, a ticket) last, so its question is the open one.
        dated = schedule.ENTRY in intents and not _starts_a_flow(turn, schedule.ENTRY, text)
        for intent in sorted(intents, key=lambda i: _starts_a_flow(turn, i, text)):
            await respond(turn, intent, text, several=True)
        if dated:
            # The dates shown beside another answer are what a follow-up asks after ("And the
            # webinar?") or corrects ("sorry, I am in my 10th year"); the other answer reads
            # alone.
            turn.memory.topic = schedule.TOPIC
    elif intents and intents[0] != result.intent:  # one part asks; the rest is small talk
        turn.log.intent = intents[0]  # … or tells (an introduction read as out of scope)
        await respond(turn, intents[0], text)
    elif result.reason == "out_of_scope" and result.best is not None:
        await _answer_out_of_scope(turn, text, result, result.best)
    elif result.intent is None:
        await _answer_unmatched(turn, text, result)
    elif _still_failing(turn, result.intent, text):
        _offer_for_follow_up(turn)
    else:
        await respond(turn, result.intent, text)


def _past_the_prefaces(turn: Turn, text: str) -> str | None:
    """What is left to read of a message after what it says first, or None when that was
    all: "that is not what I asked" (the answer missed) and "what is ESIS?" (defined)."""
    if (rest := not_what_was_asked(text)) is not None:  # "hezeeg ni asuugaagui ee, …"
        turn.memory.topic = ""  # the answer missed: what follows is not about it
        if not rest:
            turn.log.intent = MISREAD
            turn.say(_("Sorry, I misunderstood. Please write your question in other words."))
            return None
        text = rest
    if (asked := term_asked(text)) is not None:  # "ESIS гэж юу вэ": what it is
        term, text = asked  # … and what the other sentences ask or tell
        alone = _reads_alone(turn, text)
        answers.define(turn, term, show_menu=not alone)
        if not alone:
            return None  # "Хэзээ авах вэ?" beside it is about the term, whose answer says how
    return text


def _reads_alone(turn: Turn, text: str) -> bool:
    """Whether the rest of a message beside a term's question asks or tells something of
    its own: an entry read, or a cohort, a system or a register number stated."""
    if not text or _greets(turn, text):
        return False
    reading = turn.knowledge.matcher.match(text).intent
    return (
        reading not in (None, *SMALL_TALK)
        or detect_cohort(text) is not None
        or detect_system(text) is not None
        or find_register_number(text, turn.knowledge.matcher.knows) is not None
    )


async def _before_matching(turn: Turn, text: str) -> bool:
    """What is answered without the knowledge base: an announced question, a presence
    check, the facts a message states, "what next?" after an answer, a person asked for."""
    if only_announces_a_question(text):  # "асуулт байна": the question comes next
        turn.log.intent = ANNOUNCED
        turn.say(_("Of course. Please write your question."), show_menu=True)
        return True
    if _only_opens(turn, text):
        await _opened(turn, text)
        return True
    if only_checks_presence(text) or only_asks_how_one_is(text):  # "байна уу?", "ало"
        turn.log.intent = answers.GREETING
        await respond(turn, answers.GREETING, text)
        return True
    if await _facts(turn, text):
        return True
    if names_both_systems(text) and (asks_the_difference(text) or says_unsure(text)):
        await _the_two_systems(turn, text)
        return True
    part = asks_what_comes_after(text)
    if part is not None and (following := answers.comes_after(turn, part)) is not None:
        turn.log.intent = following  # "тэгээд дараа нь?" after the schedule: the webinar
        await respond(turn, following, text)
        return True
    if turn.memory.topic and only_asks_what_next(text):  # "тэгээд яах вэ?" after an answer
        turn.log.intent = WHAT_NEXT
        escalation.offer_person(
            turn,
            reason=f"asked what to do next ({turn.memory.topic})",
            text=_("A methodologist can look at your case. Shall I pass your question on?"),
        )
        return True
    if escalation.asks_the_hours(text):
        turn.log.intent = DESK_HOURS  # "arga zuich hezee hariulah ve": no ticket yet
        escalation.tell_the_hours(turn)
        return True
    problem = escalation.problem_beside_a_person_request(text)
    if problem is None:
        return False
    reading = turn.knowledge.matcher.match(problem)
    if reading.intent == answers.CONTACT and reading.score >= CLEAR_SCORE:
        turn.log.intent = answers.CONTACT  # "Институтын утасны дугаарыг өгөөч, утсаар нь
        await respond(turn, answers.CONTACT, text)  # ярья": the number, to call it
        return True
    said = _tells_a_problem(turn, problem)
    turn.log.intent = "human"
    await escalation.ask_for_person(turn, text if said else "")
    return True


async def _the_two_systems(turn: Turn, text: str) -> None:
    """Both systems named, their difference asked ("esis bolon esurgalt 2iin yalgaa yu
    ve"): what ESIS is and what the training's site is; or a login lost without knowing
    whose ("Нууц үгээ мартчихлаа. ESIS-ийнх үү цахим сургалтынх уу гэдгээ ч мэдэхгүй"):
    which system, asked with what was lost."""
    lost = recovery.lost_named(text)
    if lost and not asks_the_difference(text):
        turn.log.intent = "esis_password" if lost == {"password"} else "esis_login"
        recovery.start(turn, lost=lost.pop() if len(lost) == 1 else "")
        return
    answers.define(turn, "esis", show_menu=False)
    turn.log.intent = "format"
    await respond(turn, "format", text)


async def _read_in_context(
    turn: Turn, text: str, result: MatchResult, step: str = IDLE
) -> bool:
    """What the conversation so far decides over the matcher's reading: a cohort told
    alone, whom to turn to about a matter of ours, another certificate check, a follow-up
    on the topic just answered, a question about the result just shown, the one an answer
    sends the teacher to out of reach. `step`: the flow's step this message left, if any."""
    at_a_step = step != IDLE
    if (turn.fresh_topic or at_a_step) and cannot_reach_them(text):
        turn.log.intent = WHAT_NEXT  # "менежер маань амралттай. Өөр хэн нээж өгөх вэ", after
        # an answer or at a step the manager could not help with (the lookup's number)
        _offer_for_follow_up(turn)
        return True
    if still_stuck(text) and detect_system(text) is None and (
        turn.fresh_topic in recovery.ENTRIES or (turn.goes_on and turn.memory.refusals)
    ):
        # "tvr hvleegeed dahiad oroldson ch mun l orj chadahgui bn" after a login's steps or
        # a message not understood: the same reading again would not help; a person may
        turn.log.intent = WHAT_NEXT
        _offer_for_follow_up(turn)
        return True
    if step == certificate.State.NOT_FOUND and (_asks_why(text) or cannot_find(text)):
        # "яагаад олдохгүй байгаа юм, би тэнцсэн шүү дээ" to "not found": the causes were
        # told; the case is a methodologist's to check
        turn.log.intent = WHAT_NEXT
        _offer_for_follow_up(turn)
        return True
    if (
        turn.fresh_topic in turn.knowledge.entries
        and turn.fresh_topic not in recovery.ENTRIES
        and result.intent in recovery.ENTRIES
        and cannot_find(text)
        and not recovery.lost_named(text)
    ):
        # "ESIS-ийн аль цэсэнд байдаг юм бэ, би олохгүй л байна" after where to see the
        # certificate: the place the answer named is not found; no login was lost
        turn.log.intent = WHAT_NEXT
        _offer_for_follow_up(turn)
        return True
    if tells_screen_trouble(text) and _on_our_sites(turn, text, result, at_a_step):
        turn.log.intent = SITE_TROUBLE  # "ESIS-д нэвтэрсний дараа цагаан хоосон хуудас"
        escalation.offer_for_what_failed(turn, text, "a site fails", lead=_(_SITE_FAILS))
        return True
    nearest = result.best.intent if result.best else None
    if asks_the_hour(text) and _SESSIONS & {nearest, turn.fresh_topic}:
        turn.log.intent = HOURS_ASKED  # "нэг удаагийн вебинар хэдэн цаг үргэлжилдэг вэ"
        _offer_for_follow_up(turn, lead=_HOURS, reason="asked the hours of the sessions")
        return True
    if asks_who_the_manager_is(text) and (
        turn.fresh_topic or result.intent in (None, answers.WHO_ATTENDS, answers.CONTACT)
    ):
        turn.log.intent = WHAT_NEXT  # "сургалтын менежер гэж хэн бэ? манайд байдаг эсэхийг
        _offer_for_follow_up(turn, lead=_MANAGER_IS)  # мэдэхгүй": who it is, and a person
        return True
    if asks_about_a_day(text) and (
        result.intent in (None, schedule.ENTRY, answers.WHO_ATTENDS)
        or (result.reason == "out_of_scope" and result.score < REFUSED_BESIDE)
    ):
        turn.log.intent = schedule.ENTRY  # "5-р жилдээ … 3 сарын 24-нд юу болох вэ?": that
        await respond(turn, schedule.ENTRY, text)  # day in the teacher's schedule
        return True
    if (cohort := _tells_only_a_cohort(turn, text, result)) is not None:
        greeted = _greets_first(turn, text)
        if greeted:  # "Сайн байна уу, би 10 дахь …"
            turn.log.intent = answers.GREETING  # is greeted back (and a newcomer welcomed)
            await respond(turn, answers.GREETING, text)
        _cohort_stated(turn, cohort, asked=asks(text) and not greeted)  # its "уу" greets
        return True
    if result.intent == answers.CONTACT and (matter := _matter_elsewhere(turn, text)):
        turn.log.intent = matter  # "ESIS нууц үгийн асуудлаар хэнд хандах вэ": its steps
        await respond(turn, matter, text)
        return True
    if _asks_another_check(turn, text, result):
        turn.log.intent = "certificate_status"
        await certificate.start(turn, text)
        return True
    if (
        certificate.just_answered(turn)
        and _asks_why(text)
        and result.intent not in certificate.ENTRIES - {certificate.FAILED}
        and not asks_for_a_check(text)
    ):
        # "yagaad tentseegui ym bol" after a result: the roster says what, a methodologist
        # knows why; what not passing means is no why (but why registering takes long, the
        # answer about certificates tells)
        turn.log.intent = WHAT_NEXT
        _offer_for_follow_up(turn)
        return True
    followed = _following_the_topic(turn, text, result, step)
    parts = [part for part in _PARTS.split(text) if part.strip()]
    beside_small_talk = (
        result.intent not in SMALL_TALK or len(parts) > 1 or without_opening_thanks(text) != text
    )
    if followed is not None and followed != result.intent and beside_small_talk:
        turn.log.intent = followed
        await respond(turn, followed, text)
        return True
    if result.reason == "out_of_scope" and (about := _asked_of_the_result(turn, text)):
        turn.log.intent = about  # "Цалингийн шатлалд хэрэгтэй юм, хэзээ бүртгэгдэх вэ?"
        await respond(turn, about, text)
        return True
    return False


async def _answer_out_of_scope(
    turn: Turn, text: str, result: MatchResult, best: Candidate
) -> None:
    """A message read best as out of scope.

    "нууц үгээ мартсан, тусална уу" reads nearly as much as the desk's own question as
    another account's: the desk's reading wins, or the teacher picks among them — unless
    the message names that other account ("gmail-ийн нууц үгээ мартсан"). The institute's
    contacts are never the nearer reading: "халаалт ажиллахгүй байна хэнд хандах" asks whom
    to turn to, and the topic's own answer says it. Venting in a clause of its own beside
    a problem ("Новш гэж, ESIS руу орж чадахгүй 3 хоног боллоо") is the problem's message."""
    if best.intent == answers.VENTING and (told := _beside_the_venting(turn, text)):
        await answer_question(turn, told)
        return
    if _greets_first(turn, text) and not asks(text):
        turn.log.intent = answers.GREETING  # "Сайн байна уу. Өнөөдөр ёстой хүйтэн байна
        await respond(turn, answers.GREETING, text)  # даа": a remark asks for no pointer
        return
    if only_introduces(text) and best.score < CLEAR_SCORE:
        turn.log.intent = answers.WHO_ATTENDS  # "bi surguuliin emch": who she is, not the
        await respond(turn, answers.WHO_ATTENDS, text)  # school's matter; is it hers?
        return
    near = (
        []
        if _names_elsewhere(text)
        else _close_candidates(turn, result, spread=OUT_OF_SCOPE_SPREAD, band=0.0)
    )
    near = [intent for intent in near if intent != answers.CONTACT]
    if _either_system(text, near):
        _ask_which_system(turn, text, near)
    elif len(near) == 1:
        turn.log.intent = near[0]
        await respond(turn, near[0], text)
    elif near:
        clarify(turn, text, near)
    elif (
        turn.fresh_topic
        and not _whom_about(turn, text, best.intent)
        and (
            best.score < CLEAR_SCORE
            or opens_with_a_contrast(text)
            or (certificate.just_answered(turn) and denies(text))  # "esis deer haragdahgui bn"
        )
    ):
        # "menejer maan amraltaar yavchihsan bn" right after the password's steps tells why
        # they did not help; "ямар менежер? … хэн байдгийг мэдэхгүй" asks about them;
        # "гэхдээ ESIS дээр харагдахгүй байна" after a certificate found goes on from it, as
        # a failure told right after a result does.
        # None is about holidays, venting or ESIS grades.
        _offer_for_follow_up(turn)
    else:
        answers.out_of_scope(turn, best.intent)


def _whom_about(turn: Turn, text: str, intent: str) -> bool:
    """Whether a message asks whom to turn to about a matter of another's, that matter alone
    read as that entry ("Who do I ask about my salary bonus?", "tsagiin achaalal ih bn, hend
    handah ve"): right after an answer too, a topic of its own, not why the answer failed."""
    if not asks_whom(text):
        return False
    reading = turn.knowledge.matcher.match(matter_of_a_contact_question(text))
    return reading.best is not None and reading.best.intent == intent


def _beside_the_venting(turn: Turn, text: str) -> str | None:
    """The clauses of a message that do not vent, when some do ("Seriously.", "цаг л
    алдлаа" beside the venting vent too)."""

    def vents(clause: str) -> bool:
        best = turn.knowledge.matcher.match(clause).best
        return best is not None and best.intent == answers.VENTING

    return _told_apart(turn, text, vents)


def _only_opens(turn: Turn, text: str) -> bool:
    """Whether a message only opens the conversation, in clauses that each greet, give the
    writer's name, role and place or year of work, or say that questions will follow:
    "Сайн байна уу? Намайг Мөнхзул гэдэг. Төв аймгийн … англи хэлний багш, ажлын 5 дахь
    жилдээ явж байна.", "… сургуулийн захирал Ганбаатар байна. Сургуулийнхаа багш нарын
    өмнөөс хэдэн асуулт тавья гэсэн юм." Read whole, its words come near a school's
    administration; none of it is a question yet."""
    kinds = [
        _opening(turn, clause, asks(sentence))
        for sentence in sentences(text)
        for clause in escalation.CLAUSES.split(sentence)
        if clause.strip()
    ]
    return len(kinds) > 1 and all(kinds) and any(kind != "greets" for kind in kinds)


def _opening(turn: Turn, clause: str, asked: bool) -> str | None:
    """What a clause of an opening does, or None when it does something else. A sentence
    that asks may greet ("Сайн байна уу?") or ask leave to ask ("…, болох уу?"), nothing
    else: "I'm the school doctor. Do doctors have to take this training too?" asks."""
    if _greets(turn, clause):
        return "greets"
    if only_announces_a_question(clause):
        return "announces"
    if asked or escalation.asks_to_talk(clause):  # "…, арга зүйчтай холбогдмоор байна"
        return None
    if only_introduces(clause) or only_names_oneself(clause):
        return "introduces"
    if detect_cohort(clause) is not None and not denies(clause):
        reading = turn.knowledge.matcher.match(clause)
        unclear = reading.intent in (None, *SMALL_TALK) or reading.score < CLEAR_SCORE
        return "introduces" if unclear else None  # "This is my 5th year of work"
    return None


async def _opened(turn: Turn, text: str) -> None:
    """An opening answered: greeted back (a newcomer welcomed) when it greets, the year of
    work it gives kept and said to be, and the question invited."""
    turn.log.intent = ANNOUNCED
    if _greets_first(turn, text):
        turn.log.intent = answers.GREETING
        await respond(turn, answers.GREETING, text)
    if (cohort := detect_cohort(text)) is not None and not of_someone_else(text):
        turn.person.cohort = cohort
        _noted(turn, cohort)
    elif turn.log.intent == ANNOUNCED:
        turn.say(_("Of course. Please write your question."), show_menu=True)


def _beside_an_introduction(turn: Turn, text: str) -> str | None:
    """The clauses of a message beside those that only greet or say who and where the
    writer is: "Сайн байна уу. Арвайхээр хотын … сургуулийн багш байна, өнгөрсөн жилийн
    батламжаа шалгуулах гэсэн юм" asks for a check, however many words of the introduction
    drown it. (A request naming a role's word, "сургалтын батламжаа шалгуулах", may read as
    an introduction too: what reads clearly stays.)"""

    mention = find_register_number(text, turn.knowledge.matcher.knows)
    surname = mention.surname if mention is not None else ""

    def introduces(clause: str) -> bool:
        if surname and clause.strip() == surname:
            return False  # "шалгаж өгөөч: УБ85031214, Дорж": the lookup's surname
        if not (only_introduces(clause) or _greets(turn, clause)):
            return False
        reading = turn.knowledge.matcher.match(clause)
        return reading.intent in (None, *SMALL_TALK) or reading.score < CLEAR_SCORE

    return _told_apart(turn, text, introduces)


def _told_apart(turn: Turn, text: str, aside: Callable[[str], bool]) -> str | None:
    """The clauses of a message that are not aside, when some are and the others tell a
    problem of the desk's: an entry of its own read, or a failure to get into a system
    named ("ESIS руугаа орох гэсэн чинь болохгүй л байна")."""
    clauses = [clause for clause in escalation.CLAUSES.split(text) if clause.strip()]
    told = [clause for clause in clauses if not aside(clause)]
    if not told or len(told) == len(clauses):
        return None
    rest = ", ".join(told)
    reading = turn.knowledge.matcher.match(rest).intent
    ours = reading is not None and reading not in SMALL_TALK
    return rest if ours or (detect_system(rest) and denies(rest)) else None


async def _answer_unmatched(turn: Turn, text: str, result: MatchResult) -> None:
    """A message that reads as no entry: the desk's own reading when only it is near, a
    clarifying question, where it goes, a methodologist after an answer, or no match."""
    if (asked := _beside_an_introduction(turn, text)) is not None:
        await answer_question(turn, asked)
        return
    candidates = _close_candidates(turn, result)
    cohort_named = detect_cohort(text) is not None
    what_to_do = _only_what_to_do_asked(text) or only_asks_what_next(without_years_of_work(text))
    if cohort_named and what_to_do:  # … or "odoo yu hiih yostoi ve 5 dahi jiliin bagsh"
        turn.log.intent = schedule.ENTRY  # "Hello. I am 1 year teacher, what I must do?": her
        await respond(turn, schedule.ENTRY, text)  # cohort's training, and when it is
    elif schedule.ENTRY in candidates and cohort_named:
        # "10 дахь жилийн сургалт маань дууссан гэж сонссон, үнэн үү?": a cohort named, and
        # near its schedule, which answers whether it is over (or if it is hers: "4 jil
        # hagas bolj bn. 5 dahi jiliin surgaltad orno gej sonsson. zuv uu?")
        turn.log.intent = schedule.ENTRY
        await respond(turn, schedule.ENTRY, text)
    elif _only_ours_is_close(result, candidates) and not _names_elsewhere(text):
        # Over the threshold, and only small talk or an out-of-scope topic as near
        # ("nuuts ug martsan": another account's password too): the desk's reading wins.
        turn.log.intent = candidates[0]
        await respond(turn, candidates[0], text)
    elif _either_system(text, candidates):
        _ask_which_system(turn, text, candidates)
    elif (login := _cannot_get_in(text, result, candidates) or _why_not_in(turn, text)):
        turn.log.intent = login  # "ESIS рүүгээ орж чадахгүй байна 😩": what is lost, asked
        await respond(turn, login, text)
    elif turn.fresh_topic and (not asks(text) or denies(text)) and result.score < CLEAR_SCORE:
        # Told right after an answer, asking nothing ("Манай сургалтын менежер амралтаараа
        # явчихсан байгаа") or saying what the teacher cannot or does not know ("сургалтын
        # менежер гэж хэн байдгийг би мэдэхгүй"): why the answer is not enough, not
        # another topic.
        _offer_for_follow_up(turn)
    elif (
        tells_a_symptom_only(text)
        and not tells_a_training_fault(text)
        and not _names_elsewhere(text)
    ):
        # "орохгүй байна", "юу ч гарахгүй байна", "цагаан дэлгэц гараад л байна" (no white
        # month's holiday): most often a login; which system is a question the teacher can
        # answer, where "I do not know" or a guess leaves her with nothing
        recovery.start(turn)
    elif _alone_and_close(turn, result, candidates) and candidates == [turn.fresh_topic]:
        # "Тоог нь л хэлээч, хамгийн багадаа хэдийг сонгох вэ" right after the modules'
        # answer: "did you mean this?" would offer the answer just given; what it leaves
        # unsaid, a methodologist may know
        _offer_for_follow_up(turn)
    elif len(candidates) > 1 or _alone_and_close(turn, result, candidates):
        clarify(turn, text, candidates)
    elif (elsewhere := _plainly_elsewhere(turn, result)) is not None:
        answers.out_of_scope(turn, elsewhere)
    elif turn.fresh_topic or (turn.goes_on and checks_understanding(text)):
        # Right after an answer, what the desk cannot read is most often about that answer
        # ("and if my manager is away?"), as is a check of what was meant ("tegeheer
        # zahiraasaa asuuval medne gesen ug uu" to an offer): a methodologist can take it.
        _offer_for_follow_up(turn)
    elif tells_a_training_fault(text):
        # "Тестээ илгээсэн чинь оноо 0 гэж харагдаад байна", "progress 90% deer zogsood
        # hodlohgui bn": a fault inside the training that no entry covers; a methodologist
        # can look at it, where "I do not know" would send the teacher away
        escalation.offer_for_what_failed(turn, text, "a fault in the training, no entry")
    elif turn.memory.refusals == 0 and turn.desk.ask_left_again(turn):
        # at "which system?", a story naming none: the question again, not "I do not know"
        # (once: a second such reply is refused, and a person offered, as any other)
        turn.memory.refusals += 1
    else:
        await answers.no_match(turn)


async def respond(turn: Turn, intent: str, text: str, several: bool = False) -> None:
    """What the bot does for a matched entry: its flow, or its answer with 👍/👎."""
    turn.memory.refusals = 0
    entry = turn.knowledge.entries[intent]
    if entry.refuse:  # asked beside the desk's own question: where it goes instead
        answers.out_of_scope(turn, entry.id)
    elif entry.action == "schedule":
        named = named_cohorts(text)  # a manager's list may ask for two
        if len(named) > 1:
            schedule.show(turn, *named)
        else:
            cohort = detect_cohort(text)
            if cohort is None and names_another_year(text):
                cohort = OTHER_COHORT  # "12 жилийн багш. хуваарь?": every cohort's, as "Other"
            await schedule.start(turn, cohort, named_calendar_year(text))
    elif entry.action == "recovery" and not several:
        recovery.guide(turn, entry.id, text)
    elif entry.action == "human":
        await escalation.ask_for_person(turn, text)
    elif entry.action == "certificate" and not _asks_about_the_result(turn, text):
        await certificate.start(turn, text)
    else:
        await answers.answer_entry(
            turn, entry.id, with_feedback=entry.id not in SMALL_TALK, tag=several
        )


def _asks_about_the_result(turn: Turn, text: str) -> bool:
    """Right after a certificate result, a question about certificates asks about that
    result ("хэдий хугацаанд бүртгэгддэг юм бэ", "what does 'not yet registered' mean?",
    "tentseegui bol batlamj ogt bvrtgegdehgui yu?"): the entry's answer, not another lookup
    — unless it asks for a check ("өөр хүнийхийг шалгаж болох уу"). So, too, after an answer
    that followed the result ("where do I see it?", then "батламжийг хэн олгодог вэ"), and
    for what failed with it ("гэхдээ ESIS дээр нь харагдахгүй байна гэнэ")."""
    about_it = certificate.just_answered(turn)
    return about_it and (asks(text) or denies(text)) and not asks_for_a_check(text)


def _asked_of_the_result(turn: Turn, text: str) -> str | None:
    """Right after a certificate result, the certificate entry a clause of the message asks
    clearly, whatever the reason told beside it reads as: "Цалингийн шатлал ахиулахад
    хэрэгтэй байгаа юм, хэзээ бүртгэгдэх вэ?" asks when, the salary is why."""
    if not certificate.just_answered(turn):
        return None
    clauses = [c for part in _PARTS.split(text) for c in part.split(",") if asks(c)]
    for clause in clauses:
        reading = turn.knowledge.matcher.match(clause)
        if reading.intent in certificate.ENTRIES and reading.score >= CLEAR_SCORE:
            return reading.intent
    return None


def _tells_a_problem(turn: Turn, text: str) -> bool:
    """Whether what a message says beside its request for a person is a problem to put on
    the ticket: not small talk, nor a greeting with a "please" ("Hello, … please."), nor an
    introduction ("сургалтын менежер байна") that reads as an entry only faintly (who
    attends?)."""
    said = [clause for clause in escalation.CLAUSES.split(text) if not _greets(turn, clause)]
    if all(key in escalation.PERSON_REQUEST for key in keys(" ".join(said))):
        return False
    reading = turn.knowledge.matcher.match(text)
    if reading.intent in SMALL_TALK:
        return False
    return not (only_introduces(text) and reading.score < CLEAR_SCORE)


def _starts_a_flow(turn: Turn, intent: str, text: str) -> bool:
    """Whether answering the entry asks a question of its own — a lookup, a ticket, or the
    year for a schedule ("ХУВААРЬ ХЭЗЭЭ ГАРАХ ЮМ БЭ!!! САЙТ ДЭЭР ЮУ Ч АЛГА" from someone
    whose year is unknown): it goes last, so its question is the one left open."""
    action = turn.knowledge.entries[intent].action
    year_unknown = turn.person.cohort is None and detect_cohort(text) is None
    asks_the_year = action == "schedule" and year_unknown and not named_cohorts(text)
    return action in FLOW_ACTIONS or asks_the_year


async def _facts(turn: Turn, text: str) -> bool:
    """Facts a message states, remembered; True when stating them was all it did.

    A register number starts the lookup with what the message gives; a cohort is kept for
    later schedule questions; a message that only states a cohort or a system right after
    an answer that depended on it is a correction, and the answer is given again.
    """
    cohort, system = detect_cohort(text), detect_system(text)
    if cohort is not None and not of_someone_else(text):  # kept whatever else it does
        turn.person.cohort = cohort
    mention = find_register_number(text, turn.knowledge.matcher.knows)
    if (
        mention is not None
        and (mention.number is not None or mention.problem in SAID_AT_ONCE)  # a wrong date
        and (only_names_the_person(text, mention) or not _asks_beside(turn, text))
    ):  # … is said at once
        await certificate.start(turn, text)
        return True
    if not only_states(text):
        return False
    if cohort is None and (
        turn.memory.topic == schedule.TOPIC or (turn.person.cohort and takes_back(text))
    ):
        cohort = bare_cohort(text)  # "uuchlaarai tavdah" right after "arav" was given
    if cohort is not None:
        _cohort_stated(turn, cohort, asked=asks(text))
        return True
    if system is not None and turn.memory.topic in recovery.ENTRIES:
        recovery.system_named(turn, system, text)
        return True
    return False


def _asks_beside(turn: Turn, text: str) -> bool:
    """Whether a message that gives a register number asks clearly about something else
    than certificates: a teacher introducing herself in full ("5 дахь жилийн багш Мөнхбат.
    РД УБ01231507. Цахим сургалтын нууц үгээ мартсан") wants the password's steps, not a
    lookup. A sentence that only names the person ("My register number is УБ85031214 and
    my surname is Дорж.") asks nothing beside, whatever its naming words read as."""
    knows = turn.knowledge.matcher.knows
    told = [
        sentence
        for sentence in sentences(text)
        if (mention := find_register_number(sentence, knows)) is None
        or not only_names_the_person(sentence, mention)
    ]
    result = turn.knowledge.matcher.match(mask_register_numbers(" ".join(told)))
    entry = turn.knowledge.entries.get(result.intent or "")
    return (
        entry is not None
        and result.score >= CLEAR_SCORE
        and entry.id not in SMALL_TALK
        and entry.id not in certificate.ENTRIES
        and entry.action not in FLOW_ACTIONS
    )


def _cohort_stated(turn: Turn, cohort: int, asked: bool = False) -> None:
    """A cohort stated: the schedule again when it was the topic, or its schedule after an
    answer that hangs on the cohort's dates (who attends: the year told says she does, and
    when; the webinar's code, which comes before the cohort's webinar; a window missed),
    else the cohort kept (either way the teacher's, so the reminders under it are hers to
    take). Asked of, the cohort alone ("10 dahiinh ni?", "тэгвэл 1 дэх жилийнх?") asks for
    its schedule, whatever was answered last."""
    turn.person.cohort = cohort
    on_its_dates = turn.memory.topic in _ON_ITS_DATES or turn.fresh_topic in _BEFORE_ITS_DATES
    if asked or on_its_dates:
        schedule.show(turn, cohort)
        return
    _noted(turn, cohort)


_ON_ITS_DATES = frozenset({schedule.TOPIC, answers.WHO_ATTENDS})
# … and, while the conversation goes on, what comes before them (the next day, a year told
# after the webinar's answer is told anew)
_BEFORE_ITS_DATES = frozenset({WEBINAR, MISSED})


def _matter_elsewhere(turn: Turn, text: str) -> str | None:
    """The desk's own entry the matter of "whom do I turn to?" reads as clearly ("ESIS нууц
    үгийн асуудлаар хэнд хандах вэ" has its steps). (A matter of another's, "дотуур байрны
    халаалт ажиллахгүй байна хэнд хандах вэ", the matcher already refuses.)"""
    matter = matter_of_a_contact_question(text)
    if len(matter.split()) < MIN_PART_WORDS:
        return None
    reading = turn.knowledge.matcher.match(matter)
    ours = reading.intent not in (None, answers.CONTACT, *SMALL_TALK)
    return reading.intent if ours and reading.score >= CLEAR_SCORE else None


def _tells_only_a_cohort(turn: Turn, text: str, result: MatchResult) -> int | None:
    """The cohort of a message that states one, asks nothing and reads as no entry clearly
    ("2016 онд ажилд орсон, тэгэхээр 5 дахь жил байх", "my contract says this is my 1st
    year"): what it tells is the year, whatever its other words come near. Thanks or a
    greeting beside it are no entry of their own ("за ойлголоо. 10 дахь жилийн багш"); nor
    is an introduction that only says who and where ("Би Сэлэнгэ аймгийн сургуулийн англи
    хэлний багш, 1 дэх жилдээ ажиллаж байна" is no school's own matter)."""
    if result.intent is not None and result.intent not in SMALL_TALK:
        return None
    if any(_requests(turn, part) for part in sentences(text)):
        return None
    unclear = result.best is None or result.best.score < CLEAR_SCORE
    if result.intent is None and not unclear and not only_introduces(text):
        return None
    return detect_cohort(text)


def _requests(turn: Turn, sentence: str) -> bool:
    """Whether a sentence beside a stated cohort asks ("Сайн байна уу" asks nothing of the
    desk, alone or in a sentence), or, naming no cohort, reads clearly as an entry of the
    desk's: "Батламжаа шалгуулах гэсэн юм" requests without a question word."""
    if asks(without_greeting(sentence)) and not _greets(turn, sentence):
        return True
    reading = turn.knowledge.matcher.match(sentence)
    return (
        reading.intent is not None
        and reading.intent not in SMALL_TALK
        and reading.score >= CLEAR_SCORE
        and detect_cohort(sentence) is None
    )


def _greets(turn: Turn, sentence: str) -> bool:
    return turn.knowledge.matcher.match(sentence).intent == answers.GREETING


def _greets_first(turn: Turn, text: str) -> bool:
    """Whether a message's first clause greets, or it opens with "Сайн байна уу" run on."""
    return _greets(turn, escalation.CLAUSES.split(text)[0]) or opens_with_greeting(text)


def asks_anew(turn: Turn, question: Question, text: str) -> bool:
    """Whether a "yes" to a question about the answer just given is a new question: "за
    тэгвэл нууц үгээ мартсан" to "solved?" after the username's steps. Its "за" starts a
    sentence; the words after it read clearly as another entry than the one answered, or
    give a register number to look up, and the reply does not close on its answer. (A "no"
    with more words tells why: "bolohgui bn, mail ireheer ch ugui".)"""
    if question.vocabulary.leftover(text) < NEW_QUESTION_WORDS:
        return False
    if not asks(text) and _closes_with_an_answer(question, text):
        return False  # "за имэйлээ ESIS-ээс харлаа, болчихлоо": told, then answered
    return asks_for_something_else(turn, text)


def tells_it_failed(turn: Turn, question: Question, text: str) -> bool:
    """Whether a reply to "solved?" or "did this help?" that makes no choice tells what
    failed: "имэйл огт ирэхгүй л байна, spam-д ч алга", "the reset link does not open",
    "tegsen ch dahiad l … gej garch bn" (still). It asks nothing, a word of it is negated
    (or it says "still") but not to say what the writer does not know
    ("username ni ym bilee mdku bn" asks), and it is neither a correction ("sorry I meant
    esurgalt not ESIS") nor a request of its own (another entry read clearly, a register
    number, a person asked for: "манайд менежер байдаггүй юм шиг. хүнтэй ярьмаар байна"
    opens the ticket with its problem rather than offering what it asked for)."""
    return (
        question.about_an_answer
        and escalation.problem_beside_a_person_request(text) is None
        and question.negative is not None
        and not asks(text)
        and (denies(text) or says_still(text))
        and not says_unsure(text)
        and not states_a_fact(text)
        and not sets_a_system_apart(text)  # "it is my ESIS username, not the e-learning one"
        and not_what_was_asked(text) is None  # "No, I didn't ask that."
        and not owns_the_miss(text)
        # "email ruu yu ch irehgui bn" after a login's steps reads as the e-mail's entry, but
        # tells that the letter of the steps did not come; "tegsen ch dahiad l 'buruu baina'
        # gej garch bn" reads as wrong data, but tells that the same error comes still
        and (
            (
                turn.memory.topic in recovery.ENTRIES
                and (says_nothing_came(text) or says_still(text))
            )
            or not asks_for_something_else(turn, text)
        )
        and not cannot_get_in_elsewhere(turn, text)
    )


def asks_for_something_else(turn: Turn, text: str) -> bool:
    """Whether a reply to a question about the answer just given is a request of its own:
    a register number to look up ("за, одоо батламжаа: УБ85031214 Дорж"), words that read
    clearly as another entry than the one answered, or a question read clearly as out of
    scope."""
    mention = find_register_number(text, turn.knowledge.matcher.knows)
    if mention is not None and mention.number is not None:
        return True
    # The whole, or a sentence of it that asks: "Ойлголоо, баярлалаа миний дүү. Тэгээд тэр
    # вебинар маань хэдний өдөр эхлэх бол?" reads as thanks whole, as the schedule asked.
    parts = [text, *(part for part in _PARTS.split(text) if part.strip() != text and asks(part))]
    for part in parts:
        result = turn.knowledge.matcher.match(part)
        if result.score < CLEAR_SCORE:
            continue
        if result.reason == "out_of_scope" and asks(part):
            return True  # "ok oilgoloo. dollariin hansh hed bolson be": refused, not a 👍
        if (
            result.intent is not None
            and result.intent not in SMALL_TALK
            and recovery.as_guided(result.intent, part, turn.memory.topic) != turn.memory.topic
        ):
            return True
    return False


def cannot_get_in_elsewhere(turn: Turn, text: str) -> bool:
    """Whether a "no" to a question about an answer on no login tells a login's failure of
    its own ("esis ruu orj chadahgui bn" under who attends): a new problem, whose guide asks
    what is lost, not why that answer failed. (Under a login's steps it is that failure.)"""
    if turn.memory.topic in recovery.ENTRIES:
        return False
    result = turn.knowledge.matcher.match(text)
    candidates = [candidate.intent for candidate in result.candidates]
    return _cannot_get_in(text, result, candidates) is not None


def tells_another_problem(turn: Turn, text: str) -> bool:
    """Whether a "no" to a question about an answer says that part worked, and another
    problem after its "but" ("нэвтрэх нэр маань олдлоо, харин нууц үгээ санахгүй байна"):
    a new problem, clearly another entry's, not why that answer failed."""
    rest = after_the_contrast(text)
    if not rest:
        return False
    result = turn.knowledge.matcher.match(rest)
    other = result.intent not in (None, turn.memory.topic, *SMALL_TALK)
    return other and result.score >= CLEAR_SCORE


def says_too_little(turn: Turn, question: Question, text: str) -> bool:
    """Whether a reply to a question that waits for one of its choices says too little to
    be a new message: a word or two that make no choice, state no fact and read as no
    entry ("мартсан" to "which system?", after "нууц үг"). It tells what the teacher is
    about, not what the step needs, so the question is asked again rather than refused."""
    if not question.prompt() or question.negative is not None:
        return False  # an offer, or a yes/no question a new message may leave
    if only_asks_for_a_reply(text):
        return True  # "??? хариу өгөөч ээ": the question is still the teacher's to answer
    if asks(text) or only_announces_a_question(text):  # "yu hiij chadah ve", "help me"
        return False
    if len(analyze(text)) > REPLY_WORDS or detect_cohort(text) or detect_system(text):
        return False
    if find_register_number(text, turn.knowledge.matcher.knows) is not None:
        return False
    result = turn.knowledge.matcher.match(text)
    if result.intent is not None or result.best is None:
        return result.intent is None
    # "мартсан" reads as another account's at 60: a word or two refused only when unmistakable
    floor = REFUSED_BESIDE if result.reason == "out_of_scope" else CLEAR_SCORE
    return result.best.score < floor


def asks_what_it_means(turn: Turn, question: Question, text: str) -> bool:
    """Whether a reply asks what the question waiting means ("аль нь вэ?", "what do you
    mean? which system?", "юу гэсэн үг вэ, ажилласан жил гэж үү?") and reads as no entry:
    the question again, not "I do not know". ("Бүртгэгдээгүй гэдэг нь юу гэсэн үг вэ?"
    after a result reads as the certificate's entry and gets its answer; so does "what does
    that mean?" at the notice offered under it: "that" is the result.)"""
    if not question.prompt() or not asks_what_is_meant(text):
        return False
    result = turn.knowledge.matcher.match(text)
    if _following_the_topic(turn, text, result) is not None:
        return False
    return result.intent is None or result.intent in SMALL_TALK


def _closes_with_an_answer(question: Question, text: str) -> bool:
    """Whether the reply's last clause, after a comma or a full stop, is an answer of its
    own ("…, болчихлоо"); not a word that ends a sentence ("…буруу орсон байна")."""
    *told, last = escalation.CLAUSES.split(text.strip(" \n.,;!?"))
    return bool(told) and question.choose(last) is not None


def note_cohort(turn: Turn, text: str) -> None:
    """A cohort stated beside an answer to a question ("за ойлголоо. 5 дахь жил дээ") is
    kept, and said to be, for the schedule questions to come."""
    cohort = detect_cohort(text)
    if cohort is not None and cohort != turn.person.cohort:
        turn.person.cohort = cohort
        _noted(turn, cohort)


def keep_cohort(turn: Turn, text: str) -> None:
    """A cohort stated in the answer to another question ("би 5 дахь жилийн багш, ESIS-ийнх"
    to "which system?") is kept for the schedule questions to come, without a word: the
    step's own answer is what the teacher waits for."""
    if (cohort := detect_cohort(text)) is not None:
        turn.person.cohort = cohort


def _noted(turn: Turn, cohort: int) -> None:
    turn.say(
        _("Noted: {cohort}. Choose from the menu, or write your question.").format(
            cohort=cohort_label(cohort)
        ),
        show_menu=True,
    )


def _questions_in(turn: Turn, text: str, whole: MatchResult) -> list[str]:
    """The entries of two questions asked in one message ("…мартсан. Бас батламжаа…"), at
    most two, each clearly matched on its own; one or none otherwise."""
    parts = _closing_question_apart(
        [part for part in _PARTS.split(text) if len(part.split()) >= MIN_PART_WORDS]
    )
    if whole.intent in SMALL_TALK and _closes(parts):
        return [whole.intent]  # "за за ойлголоо, амжих нь. баярлалаа": no "амжих" question
    if len(parts) == 1 and whole.reason != "out_of_scope" and whole.intent in (None, *SMALL_TALK):
        # "Баярлалаа. Бас батламжаа хаанаас харах вэ?": the thanks is no part of its own
        alone = turn.knowledge.matcher.match(without_opening_thanks(parts[0])).intent
        if alone is not None and alone not in SMALL_TALK:
            return [alone]
    if len(parts) > MAX_PARTS:  # a story told around its questions: the sentences that ask,
        # whole ("Бас ESIS-ийн нууц үгээ мартчихсан, яаж сэргээх вэ?" is one question)
        parts = [part for part in sentences(text) if asks(part)]
    if not 2 <= len(parts) <= MAX_PARTS:  # one question, or a paste judged by its request
        return [whole.intent] if whole.intent else []
    scores: dict[str, float] = {}  # each part's entry, in the message's order, its best score
    refused: list[str] = []  # out-of-scope topics parts ask clearly about
    for part in parts:
        result = turn.knowledge.matcher.match(part)
        entry = turn.knowledge.entries.get(result.intent or "")
        if result.score < CLEAR_SCORE and only_introduces(part):
            continue  # "Би өөрөө л сургалтын менежер нь шүү дээ." asks nothing
        if only_unsure(part) or only_asks_for_a_reply(part) or only_asks_what_next(part):
            continue  # "I don't know. Does …?", "Хариу өгнө үү.", "… мартчихсан. Яах вэ?"
        if only_states(part):
            continue  # "… нууц үг рүүгээ. цахим сургалтынх": a fact of the other part's
        if entry is not None and entry.action == "human" and not _asks_for_a_person(part, result):
            continue  # "ЭНЭ БОТ ЮУ Ч ХАРИУЛАХГҮЙ ЮМ!!! ESIS НУУЦ ҮГ МАРТСАН": vents, asks no one
        if entry is not None and entry.id not in SMALL_TALK:
            scores[entry.id] = max(result.score, scores.get(entry.id, 0.0))
        elif result.best is not None and result.best.intent == answers.VENTING:
            continue  # "Ямар тэнэг систем бэ, ESIS-д нэвтэрч чадахгүй": vents, asks nothing
        elif _asks_out_of_scope(part, result):
            refused.append(result.best.intent if result.best else "")
    # The two clearest; an introduction that barely reads as an entry ("номын санч байна":
    # who attends?) gives way to the questions.
    clearest = sorted(scores, key=scores.__getitem__, reverse=True)[:2]
    found = [intent for intent in scores if intent in clearest]
    ours_clearly = len(found) == 1 and scores[found[0]] >= CLEAR_SCORE
    beside = ours_clearly and found[0] != answers.CONTACT
    if beside and refused and whole.intent in (None, found[0]):
        # "esis-iin nuuts ugee martsan bas tsalin hezee nemegdeh ve": ours, and an out-of-scope
        # question beside it, answered with where it goes ("Сургуулийн халаалт ажиллахгүй
        # байна, хэнд хандах вэ" asks whom about the heating: its pointer says)
        return [found[0], refused[0]]
    if len(found) < 2:
        if whole.intent and (whole.intent not in SMALL_TALK or not found):
            return [whole.intent]
        if whole.reason == "out_of_scope" and (not ours_clearly or found[0] == answers.CONTACT):
            # The whole's reading decides, and those near it: "… шал эвдэрсэн, хэнд хандах
            # вэ" asks whom to turn to about the floor, not for the institute's contacts.
            return []
        # "тусалсан баярлалаа. тэнцэхийн тулд юу хийх вэ": the question; "… энэ хичээлийн жил
        # сургуульд шинээр ажилд орсон. Манай сургалт хэзээ эхлэх вэ?": the question, not the
        # introduction that reads as hiring
        return found[:1]
    if whole.intent and whole.intent not in found:
        return [whole.intent]
    return found


def _on_the_system_named(intents: list[str], text: str) -> list[str]:
    """Questions read a part at a time, each a login problem of the one system the whole
    message names: a part that names none ("1. esurgalt ruu orson 2. nuuts ug sergeeh deer
    darsan …") is read alone as ESIS's password, but is the e-learning site's."""
    system = detect_system(text)
    if system is None or len(intents) < 2:
        return intents
    return list(
        dict.fromkeys(
            recovery.for_system(intent, system) if intent in recovery.ENTRIES else intent
            for intent in intents
        )
    )


def asked_apart(text: str) -> tuple[str, str]:
    """What a message tells and what it asks, each its sentences joined: "bolichloo,
    registree olsongui. ESIS iin nevtreh ner ni yu bilee" calls a step off in the one, and
    asks a new question in the other."""
    parts = [part.strip() for part in _PARTS.split(text) if part.strip()]
    told = " ".join(part for part in parts if not asks(part))
    return told, " ".join(part for part in parts if asks(part))


def asked_beside(turn: Turn, step: str, question: Question, text: str) -> tuple[str, str] | None:
    """The entry a clause beside a typed choice asks for, and that clause, when it is on a
    matter other than the step's own flow: "5 дахь жил, ESIS-ийн нууц үгээ бас мартчихсан"
    to the year question, "цахим сургалтынх. бас вебинар хэзээ эхлэх вэ?" to "which
    system?". Answered after the choice, so nothing the teacher wrote goes unanswered. Not
    to a yes/no question: there a clause beside "за" is read as a new message already."""
    if question.negative is not None:
        return None
    flow = step.partition(".")[0]  # "recovery.system": the recovery flow's
    for clause in escalation.CLAUSES.split(text):
        if len(clause.split()) < MIN_PART_WORDS or question.choose(clause) is not None:
            continue
        if flow == "recovery" and detect_system(clause) is not None and not asks(clause):
            continue  # "цахим сургалт, модулиа үздэг сайт": the system told again, in words
        result = turn.knowledge.matcher.match(clause)
        entry = turn.knowledge.entries.get(result.intent or "")
        if entry is None or entry.id in SMALL_TALK or entry.action == flow:
            continue
        if result.score >= CLEAR_SCORE:
            return entry.id, clause
    return None


def _asks_for_a_person(part: str, result: MatchResult) -> bool:
    """A part read as a request for a person that names one, and clearly asks for them, or
    asks to talk: "uuchlaarai bi utsaar muu bichdeg hun" (a person who writes badly) only
    tells who writes."""
    if not escalation.names_a_person(part):
        return False
    return result.score >= CLEAR_SCORE or asks(part) or escalation.asks_to_talk(part)


def _asks_out_of_scope(part: str, result: MatchResult) -> bool:
    """A part that asks, or tells what fails ("esis deer suragchdiin dvn oruulj chadahgui
    bn"), reading unmistakably as an out-of-scope topic; not one that only tells why
    ("цалингийн шатлалд хэрэгтэй")."""
    clear = result.best is not None and result.score >= REFUSED_BESIDE
    return result.reason == "out_of_scope" and clear and (asks(part) or denies(part))


def _closes(parts: list[str]) -> bool:
    """Whether a message read as thanks closes the conversation: it opens acknowledging the
    answer ("за за ойлголоо", "ok oilgoloo"), asks nothing, and what it says besides is a
    remark of a word or two ("амжих нь", "hiij uzne"), no problem told ("ESIS нууц үгээ
    мартсан")."""
    clauses = [c for part in parts for c in escalation.CLAUSES.split(part) if c.strip()]
    if not clauses or not only_acknowledges(clauses[0]) or any(asks(part) for part in parts):
        return False
    return all(len(clause.split()) <= REMARK_WORDS for clause in clauses[1:])


def _closing_question_apart(parts: list[str]) -> list[str]:
    """The last part split at its last comma when what follows asks and what precedes tells:
    "Цахим сургалтаа дуусгаж амжихгүй нь ээ, хэзээ дуусах вэ?" tells one thing (she will
    be late) and asks another (when it ends)."""
    if not parts or "," not in parts[-1]:
        return parts
    told, _comma, asked = parts[-1].rpartition(",")
    if len(asked.split()) < MIN_PART_WORDS or not asks(asked) or asks(told):
        return parts
    return [*parts[:-1], told, asked]


def _names_elsewhere(text: str) -> bool:
    """Whether the message names an account or an organiser that is not the institute's
    ("gmail-ийн нууц үгээ мартсан", "ЮНИСЕФ-ийн сургалт")."""
    return names_another_service(text) or names_another_organiser(text)


def _following_the_topic(
    turn: Turn, text: str, result: MatchResult, step: str = IDLE
) -> str | None:
    """After a certificate result (or a schedule), the entry of that topic a follow-up is
    about. When the best
    reads less than clearly, the one of the three likeliest entries that is about
    certificates, near the threshold: "esis deer yaaj harah ve" is then where to see it, not
    ESIS grades nor the ESIS login. A question that leaves the certificate unsaid ("where
    can I see it in ESIS?", "esis deer haana ni haragdah ve") is read again with it, and is
    about it when so it reads clearly and better than alone. (After an answer, the entry
    just answered is no such guide: asking again is seldom for the same answer — unless the
    message checks it was understood: "тэгэхээр надад хамаарахгүй гэсэн үг үү" after who
    attends is about who attends, when it reads near that and clearly as nothing else.)"""
    # At the lookup's step, "no wait, first tell me where I can see it in ESIS" is about it
    topic = certificate.TOPIC if step in certificate.STEPS else turn.fresh_topic
    if topic in turn.knowledge.entries and checks_understanding(text):
        near = [candidate.intent for candidate in result.candidates[:3]]
        if topic in near and (result.score < CLEAR_SCORE or result.intent == topic):
            return topic
        if (result.score < CLEAR_SCORE or result.intent == topic) and _restates(
            turn, topic, text
        ):
            return topic  # "Тэгэхээр би сургалтын менежерт хандах ёстой гэсэн үг үү?"
    if topic == schedule.TOPIC:
        return _about_the_schedule(turn, text, result) if asks(text) else None
    if topic != certificate.TOPIC:
        return None
    if result.score < CLEAR_SCORE:
        floor = turn.knowledge.matcher.threshold - CLARIFY_BAND
        about = [
            candidate.intent
            for candidate in result.candidates[:3]
            if candidate.intent in certificate.ENTRIES and candidate.score >= floor
        ]
        if len(about) == 1:
            return about[0]
    if not asks(text):
        return None
    # The whole message, then each part that asks ("баярлалаа охин минь. … ESIS дээрээ
    # хаанаас харах вэ": the thanks is no part of the question), each against its own reading.
    parts = [part for part in _PARTS.split(text) if part.strip() and part.strip() != text.strip()]
    parts.append(without_opening_thanks(text))  # "за баярлалаа одоо ESIS дээрээ хаанаас …"
    for asked in [text, *(part for part in parts if asks(part) and part != text)]:
        alone = result if asked == text else turn.knowledge.matcher.match(asked)
        reading = turn.knowledge.matcher.match(f"{certificate.TOPIC_WORD} {asked}")
        clearer = reading.score >= CLEAR_SCORE and reading.score > alone.score
        if reading.intent in certificate.ENTRIES and clearer:
            return reading.intent
    return None


# The words that frame a check ("тэгэхээр … гэсэн үг үү?"), not what it checks.
_CHECK_FRAME = frozenset(
    stem
    for word in analyze(" ".join((*tables.UNDERSTANDING_CHECK_PHRASES, "тэгэхээр tegeheer so")))
    for stem in word.stems
)
RESTATED_SHARE = 0.5  # of a check's own words, found in the answer it checks


def _restates(turn: Turn, topic: str, text: str) -> bool:
    """Whether a check of what an answer meant says the answer again in the teacher's own
    words ("tegeheer surgaltiin menejertee l handah yostoi gesen ug uu" after the ESIS
    password's steps, which send her to the training manager): most of its own words, two
    at least, are in that answer, whichever reading of them the matcher prefers."""
    words = [w for w in analyze(text) if _CHECK_FRAME.isdisjoint(w.stems)]
    answered = {
        stem
        for language in ("mn", "en")
        for word in analyze(turn.knowledge.answer(topic, language))
        for stem in word.stems
    }
    found = sum(not answered.isdisjoint(word.stems) for word in words)
    return found >= 2 and found >= RESTATED_SHARE * len(words)


_MINE = tuple(keys("минийх mine"))  # "mine", and its forms: "минийхээ", "minih ni"


def _about_the_schedule(turn: Turn, text: str, result: MatchResult) -> str | None:
    """After a schedule, a bare follow-up on it ("and the webinar?", "тэр хэзээ дуусах вэ",
    "daraagiin jil hezee ehleh ve"): a few words, near the schedule already, that read
    clearly as it, and better, with the word it leaves unsaid. Not a question of its own
    ("вебинар нь хаана болох вэ, линкийг нь яаж авах вэ", "how old are you": the schedule is
    none of their near readings). One
    that names a cohort and reads clearly as nothing else asks for its schedule ("10
    дахийнх нь бүр дууссан уу?" after a manager's three)."""
    if detect_cohort(text) is not None and result.score < CLEAR_SCORE:
        return schedule.ENTRY
    if asks_when_a_part_is(text):
        return schedule.ENTRY  # "tegvel webinar ni?": that part's dates are in the schedule
    if len(parts := _closing_question_apart([text])) == 2:
        # "Тэр өдөр хичээлтэй, хэдэн цагт эхлэх вэ?": what it tells ("I teach that day")
        # reads as a holiday's question; what it asks is the follow-up
        asked = parts[1]
        return _about_the_schedule(turn, asked, turn.knowledge.matcher.match(asked))
    near = {candidate.intent for candidate in result.candidates[:3]}
    # "minih ni duussan biz dee?" after a colleague's: the writer's own, however it reads
    mine = any(key.startswith(_MINE) for key in keys(text))
    if len(analyze(text)) > FOLLOW_UP_WORDS or (schedule.ENTRY not in near and not mine):
        return None
    reading = turn.knowledge.matcher.match(f"{schedule.TOPIC_WORD} {text}")
    clearer = reading.score >= CLEAR_SCORE and reading.score > result.score
    return schedule.ENTRY if reading.intent == schedule.ENTRY and (clearer or mine) else None


def _asks_another_check(turn: Turn, text: str, result: MatchResult) -> bool:
    """Right after a certificate result (or an answer about certificates after it: "where
    do I see it?"), a request for a check that reads as no entry clearly ("Хамт ажилладаг
    Мөнхбат багшийнхыг бас шалгаж болох уу": a colleague's name and "may I" read as chat)
    asks for another lookup; so does one asked after thanks ("Баярлалаа. … бас шалгаж
    болох уу"), which reads clearly as the thanks."""
    if not certificate.just_answered(turn) or not asks_for_a_check(text):
        return False
    if result.intent in SMALL_TALK:
        return result.score < CLEAR_SCORE or asks(text)
    return result.intent is None and result.score < CLEAR_SCORE


def _still_failing(turn: Turn, intent: str, text: str) -> bool:
    """The answer just given, asked for again with a failure in it ("esis-d orj chadahgui
    bolohoor solij chadahgui bn" right after how to change the e-mail, "still Invalid
    login" after the e-learning site's steps): the same text again
    would not help; a methodologist may. Either password's steps after the other's ("she
    still can't log in, it says wrong password" after the e-learning site's) are no help
    either, unless the message names the other system ("harin esurgalt ruu ni …"). A
    schedule or a lookup is asked again for another cohort or number, and gets it.
    What if it fails is no failure told ("тэгээд тэнцэхгүй бол яах вэ"), nor is the answer
    checked ("тэгэхээр хамрагдахгүй гэсэн үг үү", "одоо ч гэсэн амжих боломжтой гэсэн үг үү"),
    nor asked again with a "not" in the question ("суухгүй байж болохгүй юу?"). Why it is
    so, asked of the same answer, is beyond it too."""
    topic = turn.fresh_topic
    other_password = {intent, topic} <= recovery.PASSWORD_ENTRIES and not detect_system(text)
    # "болсонгүй ээ, имэйл рүү юу ч ирэхгүй байна" after a login's steps: they failed, and
    # what failed in them reads as another login entry; or, said "still", as getting into
    # the webinar: "ugui, odoo ch orj chadahgui bn" after a question elsewhere between
    login_reading = intent in recovery.ENTRIES or (intent in _GETTING_IN and says_still(text))
    failed_steps = topic in recovery.ENTRIES and login_reading and recovery.says_no_first(text)
    same = intent == topic or other_password or failed_steps
    return (
        same
        and intent not in SMALL_TALK
        and turn.knowledge.entries[intent].action not in ("schedule", "certificate")
        and (
            any(_tells_a_failure(clause) for clause in escalation.CLAUSES.split(text))
            or (intent == topic and _asks_why(text))
        )
        and not checks_understanding(text)
        and not sets_a_system_apart(text)  # "it is ESIS's, not the e-learning one": a correction
    )


# "ЯАГААД ТЭНЦЭЭГҮЙ ЮМ БОЛ, БИ БҮХ МОДУЛИА ҮЗСЭН" right after what not passing means asks
# why of the case, which the same answer again would not tell.
_WHY = frozenset(keys(tables.WHY_WORDS))


def _asks_why(text: str) -> bool:
    return not _WHY.isdisjoint(keys(text))


def _tells_a_failure(clause: str) -> bool:
    """A clause that says something fails, not one that asks ("заавал суух ёстой юу,
    суухгүй байж болохгүй юу?" asks the answer again, in other words)."""
    return not asks(clause) and ((denies(clause) and not supposes(clause)) or says_still(clause))


_MANAGER_IS = N_(
    "The training manager (сургалтын менежер) is the one at your school who looks after "
    "the teachers' training and creates their ESIS accounts; your director or colleagues "
    "know who it is at your school."
)


DESK_HOURS = "desk_hours"  # the log's intent for when the methodologists answer, asked
MISREAD = "misread"  # … and for "that is not what I asked" with nothing asked beside it
HOURS_ASKED = "hours_asked"  # … and for the hour or length of a session asked
_SESSIONS = frozenset({schedule.ENTRY, "format", WEBINAR})  # what the hours are of
_HOURS = N_(
    "I know the days of each part of the training, not the hours of the webinar sessions: "
    "they come with the class's code and link before your cohort's webinars start."
)
SITE_TROUBLE = "site_trouble"  # the log's intent for a failing site's screen told
_SITE_FAILS = N_(
    "When the site shows a blank page, keeps loading or shows an error, no password is "
    "lost: reload the page and log in again, try another browser (Chrome) or a private "
    "window, or a computer instead of the phone. Near a deadline many teachers log in at "
    "once: try again a little later."
)


def _on_our_sites(turn: Turn, text: str, result: MatchResult, at_a_step: bool) -> bool:
    """Whether a failing screen is ESIS's or the e-learning site's: named, or the login
    just answered or being guided. Not the webinar's link (its entry says where the link
    is) nor another system's ("ESIS-д дүн оруулах гэсэн чинь алдаа гараад": grades)."""
    if result.reason == "out_of_scope" or result.intent in _NOT_A_LOGIN:
        return False
    return (
        detect_system(text) is not None
        or turn.fresh_topic in recovery.ENTRIES
        or (at_a_step and (turn.memory.left is None or turn.memory.left.state in _GUIDES))
    )


_NOT_A_LOGIN = frozenset({WEBINAR, "survey"})  # their own links fail otherwise
_GUIDES = frozenset({"recovery.system", "recovery.lost"})


def _offer_for_follow_up(turn: Turn, lead: str = "", reason: str = "") -> None:
    offer = _("A methodologist can look at your case. Shall I pass your question on?")
    escalation.offer_person(
        turn,
        reason=reason or f"a follow-up the desk could not read ({turn.fresh_topic or 'a step'})",
        text="\n\n".join((_(lead), offer)) if lead else offer,
    )


_LOGINS = recovery.PASSWORD_ENTRIES | {recovery.STEPS["esis", "login"]}  # either system's


def _either_system(text: str, candidates: list[str]) -> bool:
    """Getting into ESIS and into the e-learning site, close, and neither system named
    ("passaa martchihlaa", «Нэвтрэх нэр эсвэл нууц үг буруу байна» гэж гараад байна): the
    guide asks which system, a question the teacher knows the answer to, unlike "which
    entry"."""
    systems = {recovery.system_of(intent) for intent in candidates}
    return (
        set(candidates) <= _LOGINS
        and systems == {"esis", "elearning"}
        and detect_system(text) is None
    )


def _ask_which_system(turn: Turn, text: str, candidates: list[str]) -> None:
    """What is lost comes with the system: named, or the password when only the two
    passwords are near ("I can't log in"); asked after the system otherwise. Right after
    one system's steps, it is that system's ("нэвтрэх нэр маань олдсон, гэхдээ нууц үгээ
    мартчихсан" after ESIS's username)."""
    turn.log.intent = candidates[0]
    lost = recovery.lost_named(after_the_contrast(text) or text)  # "… олдсон, гэхдээ нууц үг"
    if not lost and set(candidates) <= recovery.PASSWORD_ENTRIES:
        lost = {"password"}
    system = recovery.system_of(turn.fresh_topic)
    if system is not None and len(lost) == 1 and (system, *lost) in recovery.STEPS:
        turn.log.intent = recovery.STEPS[system, lost.pop()]
        recovery.steps(turn, turn.log.intent, system)
        return
    recovery.start(turn, lost=lost.pop() if len(lost) == 1 else "")


def _cannot_get_in(text: str, result: MatchResult, candidates: list[str]) -> str | None:
    """A failure to get into a system named, read as nothing clearly, a login entry among
    the top three and no other entry near but getting into something ("One of my teachers
    cannot get into ESIS", "ESIS руу орж чадахгүй 3 хоног боллоо"): that system's
    login entry, whose guide asks what is lost — a question the teacher can answer, unlike
    "which entry"."""
    system = detect_system(text)
    if result.best is None or system is None or not denies(text):
        return None
    near = {result.best.intent, *candidates}
    top = {candidate.intent for candidate in result.candidates}
    if top.isdisjoint(recovery.ENTRIES) or not near <= recovery.ENTRIES | _GETTING_IN:
        return None
    return recovery.STEPS[system, "login"]


def _why_not_in(turn: Turn, text: str) -> str | None:
    """A failure to get in asked why of ("ЯАГААД ЭНЭ ESIS-Т ОРЖ ЧАДАХГҮЙ БАЙГАА ЮМ!!!"): the
    "why" reads near the certificate's whys ("яагаад бүртгэгдээгүй"); without it, the
    message is the failure, whose login entry asks what is lost."""
    if not _asks_why(text):
        return None
    plain = " ".join(word for word in text.split() if _WHY.isdisjoint(keys(word)))
    reading = turn.knowledge.matcher.match(plain)
    return _cannot_get_in(plain, reading, _close_candidates(turn, reading))


# Entries of getting into something else, which a failure to get into a system named reads
# near ("ESIS руу орж чадахгүй 3 хоног боллоо" is nearest the webinar's "орж чадахгүй").
_GETTING_IN = frozenset({WEBINAR})


def _only_ours_is_close(result: MatchResult, candidates: list[str]) -> bool:
    """An ambiguous verdict whose best entry is the only answerable one near it."""
    return (
        result.reason == "ambiguous"
        and result.best is not None
        and candidates == [result.best.intent]
    )


def _only_what_to_do_asked(text: str) -> bool:
    """Whether what a message asks is only "what must I do?", in a clause of its own."""
    clauses = [clause for clause in CLAUSES.split(text) if asks(clause)]
    return bool(clauses) and all(only_asks_what_next(clause) for clause in clauses)


def _plainly_elsewhere(turn: Turn, result: MatchResult) -> str | None:
    """Under the threshold, but an out-of-scope topic far ahead of everything else: where
    that question goes helps more than "I do not know" ("what will the weather be like
    tomorrow?" has few words the FAQ knows, all of them the weather's)."""
    best, runner_up = result.best, result.runner_up
    if (
        best is not None
        and best.intent in turn.knowledge.entries
        and turn.knowledge.entries[best.intent].refuse
        and best.score >= turn.knowledge.matcher.threshold - CLARIFY_BAND
        and (runner_up is None or best.score - runner_up.score >= CLARIFY_SPREAD)
    ):
        return best.intent
    return None


def _close_candidates(
    turn: Turn, result: MatchResult, spread: float = CLARIFY_SPREAD, band: float = CLARIFY_BAND
) -> list[str]:
    """Entries worth offering when the matcher is unsure: near the best, at most `band`
    under the threshold, answerable (not out of scope, not small talk)."""
    if result.best is None:
        return []
    floor = max(turn.knowledge.matcher.threshold - band, result.best.score - spread)
    return [
        c.intent
        for c in result.candidates
        if c.score >= floor
        and c.intent in turn.knowledge.entries
        and not turn.knowledge.entries[c.intent].refuse
        and c.intent not in SMALL_TALK
        # a person is asked for in words of its own: "bot chin hariulahgui ym" vents
        and turn.knowledge.entries[c.intent].action != "human"
    ]


def _alone_and_close(turn: Turn, result: MatchResult, candidates: list[str]) -> bool:
    """One answerable entry just under the threshold and nothing else near it: "did you
    mean this?" costs the teacher a tap where a refusal costs a rewording (Rasa's
    two-stage fallback). Only for the best entry, and only within `ALONE_BAND`: further
    down, a lone entry is as often an out-of-scope question's nearest neighbour."""
    return (
        len(candidates) == 1
        and result.best is not None
        and candidates[0] == result.best.intent
        and result.best.score >= turn.knowledge.matcher.threshold - ALONE_BAND
    )


def remember_attempt(turn: Turn, text: str, result: MatchResult) -> None:
    """What the bot tried, so a methodologist taking over does not ask again."""
    attempt = Attempt(
        question=mask_register_numbers(text)[:500],
        intent=result.intent,
        best=result.best.intent if result.best else None,
        score=round(result.score, 1),
    )
    turn.note_attempt(attempt)


def clarify(turn: Turn, text: str, candidates: list[str]) -> None:
    """Two or three entries are close, or one is nearly sure: ask which is meant, rather
    than refuse."""
    turn.log.reason = "clarified"  # counted apart from refusals in the statistics
    question = which_question(turn, candidates)
    labels = [button.label for row in question.buttons() for button in row]
    options = [f"{number}. {html.escape(label)}" for number, label in enumerate(labels, 1)]
    turn.ask(
        question,
        State.CLARIFY,
        Clarifying(question=mask_register_numbers(text)[:500], candidates=candidates),
        text="\n".join([question.prompt(), *options]),
    )


def which_question(turn: Turn, candidates: list[str]) -> Question:
    """The "which do you mean?" question: one button per entry, by its title, and a way out.
    Built per message (its choices are the candidates); typing a title or its number works."""
    entries = turn.knowledge.entries
    alone = len(candidates) == 1  # "did you mean this?" is a yes/no question too
    rows = tuple(
        (
            Choice(
                intent,
                entries[intent].title_for(turn.language),
                (
                    str(number),
                    entries[intent].title_for("mn"),
                    entries[intent].title_for("en"),
                    *(YES_WORDS if alone else ()),
                ),
                literal=True,
            ),
        )
        for number, intent in enumerate(candidates, start=1)
    )
    other = Choice(  # "nope" to "which of these?" is none of them
        NOTHING_CLOSE,
        N_("Something else"),
        (str(len(rows) + 1), "өөр", "бусад", "other", "none", "аль нь ч биш", *NO_WORDS),
    )  # fmt: skip
    prompt = N_("Which of these do you mean?") if len(rows) > 1 else N_("Did you mean this?")
    return Question(WHICH, prompt, (*rows, (other,)))


async def on_which(turn: Turn, intent: str) -> None:
    """The teacher picked what they meant: answer it, and keep the pair as a labelled
    example for the admins (/suggestions adds it as a paraphrase in one step)."""
    asked = turn.flow_data(Clarifying) if turn.state == State.CLARIFY else Clarifying()
    turn.go(IDLE)
    if intent == NOTHING_CLOSE:
        turn.memory.refusals += 1
        turn.say(
            _("Please ask in other words, or a methodologist can help."),
            escalation.person_button(),
            show_menu=True,
        )
        return
    if intent not in turn.knowledge.entries or intent not in asked.candidates:
        button_gone(turn)
        return
    turn.session.add(
        FaqSuggestion(
            ticket_id=None, question=asked.question, entry_id=intent, suggested_by="clarified"
        )
    )
    turn.log.intent = intent
    await respond(turn, intent, asked.question)


def asked_which(turn: Turn) -> Question:
    """The "which do you mean?" question waiting, rebuilt from what it was asked about: a
    typed title, its number — or, to "did you mean this?", a yes or a no — is its answer."""
    asked = turn.flow_data(Clarifying)
    return which_question(turn, [c for c in asked.candidates if c in turn.knowledge.entries])


ACTIONS = {WHICH: on_which}
QUESTIONS = {State.CLARIFY: asked_which}  # built per message: its choices are the candidates
