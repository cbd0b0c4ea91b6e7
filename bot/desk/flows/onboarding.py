"""Onboarding and the commands: the greeting, the language, the cohort, the menu, /help."""

from __future__ import annotations

import html
from enum import StrEnum

from bot.desk.flows import answers, certificate, escalation, new_message, recovery, schedule
from bot.desk.questions import COHORT, MENU, UNSURE, Choice, Question
from bot.desk.schedule import COHORTS, OTHER_COHORT
from bot.desk.turn import IDLE, Turn
from bot.i18n import LANGUAGES, N_, _, use_language
from bot.nlu import tables
from bot.nlu.choices import asks_with_a_word, keys
from bot.nlu.entities import denies, detect_cohort, named_cohorts, only_states
from bot.nlu.normalize import asks, sentences


class State(StrEnum):
    LANGUAGE = "onboarding.language"
    COHORT = "onboarding.cohort"


_LANGUAGE_NAMES = (
    Choice("mn", "Монгол", ("монгол", "монголоор", "mongol", "mn", "мн"), True),
    Choice(
        "en", "English", ("english", "англи", "англиар", "англи хэл", "eng", "англ"), True
    ),
)
_NAMED = Question("lang", "", (_LANGUAGE_NAMES,))
_ASKING_FOR_A_LANGUAGE = frozenset(keys(tables.LANGUAGE_REQUEST_WORDS))
ACKNOWLEDGED = "acknowledged"  # the log's intent for "ok", "за зүгээр": no question, no refusal
ASKED_AGAIN = "asked_again"  # … and for "мартсан" to "which system?": the question again


def _asked_in_a_sentence(text: str) -> str | None:
    """A language asked for with words around its name ("can you write in Mongolian",
    "англи хэлээр хариулна уу"): the name read alone once the asking words are set aside,
    in the first sentence that asks for one ("sorry can you write in English? my Mongolian
    reading is slow")."""
    for sentence in sentences(text):
        typed = keys(sentence)
        named = [key for key in typed if key not in _ASKING_FOR_A_LANGUAGE]
        if named and len(named) < len(typed) and (chosen := _NAMED.choose(" ".join(named))):
            return chosen
    return None


LANGUAGE = Question(
    "lang",
    N_("Which language do you prefer?"),
    (_LANGUAGE_NAMES,),
    extract=_asked_in_a_sentence,
)


def language_named(text: str) -> str | None:
    """A language typed by its name anywhere ("English", "монголоор", "write in English"):
    never by a button's place, which only the language question asked reads, so "2" or
    "нэгдүгээр жил" elsewhere is no language. Named first, beside what asks nothing and
    tells no problem ("монголоор бичээч, би хамт ажилладаг багш нь"), it is asked for too;
    not beside a question ("English, when is the webinar?") or a problem ("…, my password
    does not work"), which are read whole."""
    vocabulary = LANGUAGE.vocabulary
    named = vocabulary.choose(text)
    if named is None and "?" not in text and not asks_with_a_word(text) and not denies(text):
        named = vocabulary.choose_first_clause(text)
    return named


HELP = N_(
    "I answer questions about the teachers' professional-development training: the "
    "schedule, ESIS and e-learning passwords and e-mail, certificates. Write your "
    "question in your own words (Cyrillic or Latin letters), or use the menu.\n\n"
    "/menu – main menu\n/lang – language\n/cohort – your year of work\n"
    "/help – this help"
)


async def greet(turn: Turn) -> None:
    turn.go(IDLE)
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
    ask_newcomer(turn)


def ask_newcomer(turn: Turn) -> None:
    """What a newcomer is asked first: the language, else the year of work, if unknown."""
    if turn.person.language is None:
        turn.ask(LANGUAGE, State.LANGUAGE)
    elif turn.person.cohort is None:
        turn.ask(COHORT, State.COHORT)


def show_menu(turn: Turn) -> None:
    turn.go(IDLE)
    turn.say(_("Choose from the menu, or write your question."), show_menu=True)


# The commands a channel lists (Telegram's "/" menu), each with the label the list shows.
COMMANDS = (
    ("start", N_("Start over")),
    ("menu", N_("Main menu")),
    ("help", N_("What I can do")),
    ("lang", N_("Language")),
    ("cohort", N_("Your year of work")),
    ("stop_reminders", N_("Stop reminders")),
)


def command_labelled(text: str) -> str | None:
    """The command whose label is the whole message, in either language: "Эхлэх" typed as
    it reads in the command list (at the surname step it is no surname)."""
    typed = text.strip(" .!").casefold()
    for language in LANGUAGES:
        with use_language(language):
            for name, label in COMMANDS:
                if _(label).casefold() == typed:
                    return f"/{name}"
    return None


async def command(turn: Turn, text: str) -> None:
    name = text.split()[0].split("@")[0].lower()
    if name == "/start":
        await greet(turn)
    elif name in ("/menu", "/cancel", "/stop"):
        await anywhere(turn, "menu" if name == "/menu" else "cancel")
    elif name == "/help":
        turn.say(_(HELP), show_menu=True)
    elif name == "/lang":
        turn.ask(LANGUAGE, State.LANGUAGE)
    elif name == "/cohort":
        turn.ask(COHORT, State.COHORT)
    elif name == "/stop_reminders":
        _stop_reminders(turn)
    else:
        turn.say(_("I do not know that command."), show_menu=True)
        turn.say(_(HELP))


def _stop_reminders(turn: Turn) -> None:
    turn.person.reminders = False
    turn.say(
        _("Reminders are off. You can turn them on again under the schedule."), show_menu=True
    )


async def anywhere(turn: Turn, word: str) -> None:
    """Cancel, the menu, a person, the language, no more reminders: words that work in
    every state."""
    if word == "human":
        await escalation.ask_for_person(turn)
        return
    if word == "language":  # "хэлээ солих", as /lang
        turn.ask(LANGUAGE, State.LANGUAGE)
        return
    if word == "stop_reminders":  # "за тэгвэл сануулга хэрэггүй", as /stop_reminders
        turn.go(IDLE)
        _stop_reminders(turn)
        return
    if word == "cancel" and turn.state != IDLE:
        turn.go(IDLE)
        turn.say(_("Cancelled. Choose from the menu, or write your question."), show_menu=True)
        return
    if word == "cancel":  # nothing pending: "хэрэггүй ээ баярлалаа" says "never mind"
        turn.say(_("All right. Choose from the menu, or write your question."), show_menu=True)
        return
    show_menu(turn)


def waits_for_details(turn: Turn, question: Question | None) -> bool:
    """A step that waits for typed details (a register number, the problem) or for one of
    its choices: not a yes/no question or an offer, which a new message may leave."""
    if turn.state == IDLE:
        return False
    return question is None or (bool(question.prompt()) and question.negative is None)


def only_offers(question: Question | None) -> bool:
    """Buttons offered under a result, asking nothing ("a person" or "try again" after
    "not found"): "за хэрэггүй, дараа өөрөө шалгая" declines them, it asks for no check."""
    return question is not None and not question.prompt() and not question.about_an_answer


def acknowledge(turn: Turn, question: Question | None) -> None:
    """"ok", "за зүгээр" with nothing in it to act on. A question that waits for one of its
    choices, or for typed details (a register number, the problem), stays open; so does
    one about the answer just given, acknowledged or put off ("ойлголоо", "хэсэг хүлээгээд
    үзье, дараа шалгая" to "solved?": its answer is still to come). An offer is left, as a
    new message would leave it."""
    turn.log.intent = ACKNOWLEDGED
    if waits_for_details(turn, question) or (question is not None and question.about_an_answer):
        turn.say(_("All right. Please answer the question above, or write a new question."))
        return
    turn.go(IDLE)
    turn.say(_("All right. Choose from the menu, or write your question."), show_menu=True)


def ask_again(turn: Turn, question: Question, both: bool = False) -> None:
    """A reply that says too little to act on (new_message.says_too_little): the question
    again, with its buttons, in the same step and with what the flow has gathered. `both`:
    the reply chose them all ("аль аль нь", "hoyuulang ni"), so the steps go one at a time."""
    turn.log.intent = ASKED_AGAIN
    lead = _("Let us take them one at a time.") + "\n" if both else ""
    turn.say(lead + question.prompt(), question.buttons(turn.memory.context))


async def on_language(turn: Turn, language: str) -> None:
    if language not in LANGUAGES:
        turn.say(_("That button is no longer active."))
        return
    turn.person.language = language
    # Any other question waiting ("solved?", "did this help?") stays open, answered in
    # either language; the year is asked when none waits.
    waiting = turn.state not in (IDLE, State.LANGUAGE, State.COHORT)
    if not waiting:
        turn.go(IDLE)
    with use_language(language):
        turn.say(_("Language saved."), show_menu=True)
        if turn.person.cohort is None and not waiting:
            turn.ask(COHORT, State.COHORT)


async def on_cohort(turn: Turn, argument: str) -> None:
    if argument == UNSURE and turn.state in (State.COHORT, schedule.State.COHORT):
        turn.say(
            _(
                "The training is for staff of general-education schools in their 1st, 5th and "
                "10th year of work. Your school's training manager knows which year you are "
                "in. If you are in none of these, choose \"Other\"."
            )
        )
        # the schedule's data kept: a wish for reminders said before "мэдэхгүй" holds
        kept = turn.flow_data(schedule.Data) if turn.state == schedule.State.COHORT else None
        turn.ask(COHORT, turn.state, kept)
        return
    cohort = int(argument) if argument.isdecimal() and len(argument) < 3 else None
    if cohort not in (*COHORTS, OTHER_COHORT):
        turn.say(_("That button is no longer active."))
        return
    typed = turn.incoming.text or ""
    several = named_cohorts(typed)
    if turn.state == schedule.State.COHORT and len(several) > 1:
        schedule.show(turn, *several)  # a manager's "1, 5, 10 дахь жилийнх": no one's year
        return
    turn.person.cohort = cohort
    if turn.state == schedule.State.COHORT:
        await schedule.cohort_told(turn, cohort)
        return
    # The year as understood, so that a misread typed answer shows at once.
    label = next(c.label for c in COHORT.choices if c.value == str(cohort))
    told = detect_cohort(typed)
    if reads_the_rest(typed):
        if told == cohort:  # "тав дахь жилдээ … Батламжаа шалгуулах гэсэн юм"
            turn.say(_("Saved: {year}.").format(year=_(label)))
        await new_message.answer_question(turn, typed)
        return
    turn.go(IDLE)
    turn.say(
        _("Saved: {year}. Choose from the menu, or write your question.").format(year=_(label)),
        show_menu=True,
    )


def reads_the_rest(typed: str) -> bool:
    """Whether a typed answer to the year question says more, read as a message of its
    own: "10 дахь жилийн багш, сургалт хэзээ эхлэх вэ?" (the cohort, and a question
    besides), "31 жил багшилж байна. … заавал хамрагдах ёстой юу" (no cohort, a question)."""
    return not only_states(typed) and (detect_cohort(typed) is not None or asks(typed))


async def on_menu(turn: Turn, item: str) -> None:
    if item == "certificate":  # sets its own step, keeping a number already given
        await certificate.start(turn)
        return
    turn.go(IDLE)
    if item == "schedule":
        await schedule.start(turn, None)
    elif item == "recovery":
        recovery.start(turn)
    elif item == "human":
        await escalation.ask_for_person(turn)
    else:
        answers.button_gone(turn, show_menu=True)


ACTIONS = {"lang": on_language, "cohort": on_cohort, MENU.key: on_menu}
QUESTIONS = {State.LANGUAGE: LANGUAGE, State.COHORT: COHORT}
