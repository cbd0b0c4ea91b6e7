"""The knowledge base's answers and the 👍/👎 that follows them; no match; out of scope."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import select

from bot.desk.flows import escalation
from bot.desk.messages import parse_id
from bot.desk.questions import NO_WORDS, YES_WORDS, Choice, Question
from bot.desk.turn import IDLE, Turn
from bot.i18n import N_, _
from bot.nlu.entities import gives_thanks, says_it_worked
from bot.storage.models import Feedback, MessageLog

GREETING = "greeting"  # the FAQ entry of a bare "hello"
CONTACT = "contact"  # … and of the institute's phone and e-mail
WHO_ATTENDS = "who_attends"  # … and of who must attend, which names the training manager
ABOUT_THE_DESK = "not_ours_chitchat"  # … and of "who are you?", "are you a bot?"
VENTING = "not_ours_venting"  # … and of insults and complaints about the training
THANKS = "thanks"  # … and of "баярлалаа"
SMALL_TALK = frozenset({GREETING, THANKS})  # answered without asking for feedback
STRIKES_BEFORE_OFFERING_A_PERSON = 2
TOLD_WHY = 2  # words beside a typed 👎 that tell why the answer did not help


# The training's course, for "and after that?": what follows a part named, or the answer
# just given (an entry, or "schedule"). The e-learning is followed by the webinar, the
# webinar by the certificate's registration, the online part as a whole by the autumn's
# support at school.
AFTER_THE_PART = {"elearning": "webinar_join", "webinar": "certificate_view"}
AFTER_THE_TOPIC = {
    "schedule": "webinar_join",
    "content_choice": "webinar_join",
    "elearning_login": "webinar_join",
    "format": "followup_support",
    "webinar_join": "certificate_view",
    "pass_criteria": "certificate_view",
    "certificate_view": "followup_support",
}


class State(StrEnum):
    FEEDBACK = "answers.feedback"


FEEDBACK = Question(
    "fb",
    N_("Did this help?"),
    (
        (
            Choice(
                "up",
                "👍",
                (
                    *YES_WORDS, "тусалсан", "тусаллаа", "тус боллоо", "ойлголоо", "ойлгосон",
                    "болсон", "боллоо", "болчихлоо", "болчихсон", "баярлалаа", "гоё", "сайн",
                    "гайгүй", "helpful", "helped", "it helped", "helps", "that helps",
                    "useful", "great", "perfect", "excellent", "thanks", "👏", "🙏",
                ),
                literal=True,
            ),
            Choice(
                "down",
                "👎",
                (
                    *NO_WORDS, "ойлгосонгүй", "ойлгоогүй", "ойлгомжгүй", "болсонгүй",
                    "болоогүй", "туслаагүй", "тусалсангүй", "тус болсонгүй", "муу", "дэмий",
                    "useless", "not helpful", "did not help", "didn't help", "no help",
                    "unclear",
                ),
                literal=True,
            ),
        ),
    ),
    negative="down",
    about_an_answer=True,
)  # fmt: skip


DEFINED = "term_defined"  # the log's intent for "ESIS гэж юу вэ": answered, not refused
# What a newcomer asks the meaning of (nlu.entities.TERMS): what it is, and the next step.
DEFINITIONS = {
    "esis": N_(
        "ESIS is the education sector information system: the records of teachers and staff "
        "are kept there, and so is the register of the certificates of those who pass the "
        "training. Your school's training manager creates your ESIS account (username and "
        "password); you change your own password and e-mail there under «Миний тохиргоо»."
    ),
    "institute": N_(
        "ITPD is the Institute of Teachers' Professional Development. It runs the mandatory "
        "training for teachers and staff in their 1st, 5th and 10th year of work, online: "
        "e-learning at esurgalt.itpd.mn, then webinars on Google Meet / Google Classroom. "
        "I am its help desk."
    ),
    "cohort": N_(
        "A cohort is everyone in the same year of work, 1st, 5th or 10th, who takes the "
        "training together: each cohort has its own dates, e-learning first and then the "
        "webinars. Tell me your year of work and I will give you your dates."
    ),
    "certificate": N_(
        "The certificate (батламж) is the record of passing the training. The certificates "
        "of those who passed are registered in ESIS, where you see yours in your own record. "
        "Send me your register number and I will check whether you passed and whether it is "
        "registered."
    ),
}


def define(turn: Turn, term: str, show_menu: bool) -> None:
    """What a term is ("ESIS гэж юу вэ" from a newcomer): no entry's steps, which would
    take for a problem what is a question of words."""
    turn.log.intent = DEFINED
    turn.say(_(DEFINITIONS[term]), show_menu=show_menu)


def glad_it_worked(turn: Turn) -> None:
    """The problem is over, said to "solved?" or in a message of its own."""
    turn.go(IDLE)
    turn.say(_("Glad it worked! Good luck with the training."), show_menu=True)


def button_gone(turn: Turn, show_menu: bool = False) -> None:
    turn.say(_("That button is no longer active."), show_menu=show_menu)


async def answer_entry(turn: Turn, entry_id: str, with_feedback: bool, tag: bool = False) -> None:
    """The entry's answer; with 👍/👎 under it unless it is small talk. `tag` puts the entry
    in the buttons too, for a message with two answers."""
    answer = turn.knowledge.answer(entry_id, turn.language)
    if not with_feedback:  # small talk: "hello" invites a question, so the menu comes along
        # and is no topic of its own: what follows a greeting follows up on no answer
        turn.say(answer, show_menu=True)
        return
    turn.memory.topic = entry_id
    log_id = await turn.log_id()  # the buttons name the question's row
    context = f"{log_id}:{entry_id}" if tag else str(log_id)
    text = "\n\n".join((answer, FEEDBACK.prompt()))
    turn.ask(FEEDBACK, State.FEEDBACK, context=context, text=text)


async def no_match(turn: Turn) -> None:
    turn.memory.refusals += 1
    if turn.memory.refusals >= STRIKES_BEFORE_OFFERING_A_PERSON:
        escalation.offer_person(turn)
        return
    turn.say(
        _(
            "I do not know the answer to this yet. Try asking in other words, choose from "
            "the menu, or ask a methodologist."
        ),
        escalation.person_button(),
    )


def out_of_scope(turn: Turn, intent: str) -> None:
    """A topic the desk does not cover: where it goes instead, and the person button. It
    does not count as a question the bot failed."""
    answer = turn.knowledge.answer(intent, turn.language)
    text = answer or _(
        "This is outside what I can help with: the teachers' training, its schedule, ESIS "
        "and e-learning passwords and e-mail, and certificates."
    )
    turn.say(text, escalation.person_button(), show_menu=False)
    turn.memory.pointed = intent


async def on_feedback(turn: Turn, argument: str) -> None:
    vote, _sep, rest = argument.partition(":")
    log_id, _sep, tagged = rest.partition(":")  # the entry, when one message had two answers
    question_id = parse_id(log_id)
    question = await turn.session.get(MessageLog, question_id) if question_id else None
    if vote not in ("up", "down") or question is None or question.person_id != turn.person.id:
        button_gone(turn)
        return
    turn.go(IDLE)
    entry_id = tagged or question.intent or ""
    given = await turn.session.scalar(
        select(Feedback.id).where(
            Feedback.question_log_id == question.id, Feedback.entry_id == entry_id
        )
    )
    if given is None:
        turn.session.add(
            Feedback(
                person_id=turn.person.id,
                question_log_id=question.id,
                question=question.text,
                entry_id=entry_id,
                score=question.score or 0.0,
                helpful=vote == "up",
            )
        )
    if vote == "up":
        turn.memory.downvotes = 0
        typed = turn.incoming.text or ""
        if says_it_worked(typed):
            glad_it_worked(turn)  # "yes, it works now, thank you": the problem is over
            return
        if gives_thanks(typed):  # "Ойлголоо, баярлалаа": thanked back, not for a vote
            turn.say(turn.knowledge.answer(THANKS, turn.language), show_menu=True)
            return
        turn.say(_("Thank you for your feedback!"), show_menu=True)
        return
    turn.memory.downvotes += 1
    typed = turn.incoming.text or ""
    if FEEDBACK.vocabulary.leftover(typed) >= TOLD_WHY:
        # "ХАРИУЛААЧ!!! КОД ИРЭЭГҮЙ БАЙНА": why it failed, told — a methodologist can take
        # it from there, and a typed "тийм" then takes the offer.
        await escalation.pass_on_what_failed(turn, typed, "the answer did not help")
    elif turn.memory.downvotes >= STRIKES_BEFORE_OFFERING_A_PERSON:
        escalation.offer_person(turn)
    else:
        turn.say(
            _("Sorry that did not help. Try asking in other words, or ask a methodologist."),
            escalation.person_button(),
        )


ACTIONS = {FEEDBACK.key: on_feedback}
QUESTIONS = {State.FEEDBACK: FEEDBACK}


def comes_after(turn: Turn, part: str) -> str | None:
    """The entry that says what comes after a part of the training named ("вебинар
    дууссаны дараа?"), or after the answer just given when none is ("тэгээд дараа нь?"
    after the schedule: the webinar); None when the course does not say."""
    entry = AFTER_THE_PART.get(part) if part else AFTER_THE_TOPIC.get(turn.memory.topic)
    return entry if entry in turn.knowledge.entries else None
