"""The recovery guide: which system, what is lost, the steps, and whether that solved it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.desk.flows import answers, escalation
from bot.desk.questions import Choice, Question, yes_no
from bot.desk.turn import CLEAR_SCORE, Turn
from bot.i18n import N_, _
from bot.nlu.choices import after_the_contrast, keys
from bot.nlu.entities import (
    NOT_KEY,
    denies,
    detect_system,
    sets_a_system_apart,
    states_a_fact,
    without_what_works,
)
from bot.nlu.normalize import asks

# (system, what is lost) → the FAQ entry whose answer holds the steps.
STEPS = {
    ("esis", "password"): "esis_password",
    ("esis", "login"): "esis_login",
    ("esis", "email"): "email_change",
    ("elearning", "password"): "elearning_login",
    ("elearning", "login"): "elearning_login",
    ("elearning", "email"): "email_change",
}
ENTRIES = frozenset(STEPS.values())
TELLS_MORE = 1  # words beyond "no" after which a reply describes what failed: it goes on a ticket
PASSWORD_ENTRIES = frozenset({STEPS["esis", "password"], STEPS["elearning", "password"]})


class State(StrEnum):
    SYSTEM = "recovery.system"
    LOST = "recovery.lost"
    SOLVED = "recovery.solved"


@dataclass
class Data:
    system: str = ""  # esis | elearning
    entry: str = ""  # the FAQ entry whose steps were given


SYSTEM = Question(
    "rec",
    N_("Which system can you not get into?"),
    (
        (Choice("esis", "ESIS", ("есис", "esis", "ЕСИС", "эсис", "bsmis", "бсмис"), True),),
        (
            Choice(
                "elearning",
                N_("E-learning (esurgalt.itpd.mn)"),
                (
                    "esurgalt", "е сургалт", "цахим сургалт", "цахим", "e-learning",
                    "elearning", "e learning", "сургалтын сайт", "itpd", "moodle",
                    "esurgalt.itpd.mn",
                ),
            ),
        ),
    ),
)  # fmt: skip

LOST = Question(
    "lost",
    N_("What is lost?"),
    (
        (
            Choice(
                "password",
                N_("The password"),
                ("нууц үг", "нууц үгээ", "нууц", "password", "pass", "парол", "nuuts ug"),
            ),
        ),
        (
            Choice(
                "login",
                N_("The login or the registered e-mail"),
                (
                    "нэвтрэх нэр", "нэр", "нэрийг", "login", "username", "имэйл", "e-mail",
                    "email", "майл", "эрх", "эрхийг", "эрхээ", "аккаунт", "account", "логин",
                ),
            ),
        ),
        (
            Choice(
                "email",
                N_("No access to that e-mail any more"),
                (
                    "имэйлд орж чадахгүй", "имэйл нээгдэхгүй",
                    "имэйл солих", "шинэ имэйл", "new email", "no access",
                ),
            ),
        ),
    ),
)  # fmt: skip

SOLVED = yes_no(
    "solved",
    N_("Is the problem solved?"),
    yes=(
        "шийдэгдсэн", "шийдэгдлээ", "болсон", "боллоо", "болчихлоо", "орлоо", "орсон",
        "орчихлоо", "орчихсон",
        "нэвтэрлээ", "нэвтэрсэн", "solved", "worked", "it worked", "баярлалаа",
        "тусалсан", "тусаллаа", "тус боллоо", "helped", "it helped", "гайгүй",
    ),
    no=(
        "шийдэгдээгүй", "болсонгүй", "болоогүй", "чадахгүй", "орж чадахгүй", "not solved",
        "still not", "didn't work", "it didn't", "it did not", "didn't help", "did not help",
        "did not work", "doesn't work", "туслаагүй", "тус болоогүй",
    ),
    about_an_answer=True,
)  # fmt: skip


@dataclass
class Asked:
    """What the guide already knows when it asks which system: what is lost."""

    lost: str = ""


def start(turn: Turn, lost: str = "") -> None:
    turn.ask(SYSTEM, State.SYSTEM, Asked(lost=lost))


def for_system(entry_id: str, system: str) -> str:
    """The same problem's steps for the other system ("цахим сургалтынх" after ESIS's)."""
    lost = next(lost for (_system, lost), entry in STEPS.items() if entry == entry_id)
    return STEPS[system, lost]


async def on_system(turn: Turn, system: str) -> None:
    if system not in ("esis", "elearning"):
        turn.say(_("That button is no longer active."))
        return
    lost = turn.flow_data(Asked).lost if turn.state == State.SYSTEM else ""
    if lost:  # "нууц үгээ мартсан": the system was all the guide needed
        steps(turn, STEPS[system, lost])
        return
    turn.ask(LOST, State.LOST, Data(system=system))


async def on_lost(turn: Turn, lost: str) -> None:
    entry_id = STEPS.get((turn.flow_data(Data).system, lost))
    if entry_id is None:
        turn.say(_("That button is no longer active."))
        return
    steps(turn, entry_id)


async def lost_told(turn: Turn, text: str) -> bool:
    """At "what is lost?", a sentence that tells it ("nuuts ugee martchihsan bolohoor orj
    chadku bn"): one lost thing named (what the writer still has set aside), and the
    message read as a login problem or as nothing clearly — the steps for the system
    already named, not "which system?" again. The other system stated instead ("үгүй ээ,
    нөгөөх нь, цахим сургалт") asks it again for that system, as does a system told again
    in words of its own ("цахим сургалтынх нь, модулиа үздэг тэр сайт")."""
    named = lost_named(text)  # "нууц үгээ мартсан, нэвтрэх нэрээ санаж байгаа": the password
    if len(named) > 1:  # "… нэвтрэх нэрийг нь өгсөн, харин нууц үгийг нь санахгүй": the password
        named = lost_named(after_the_contrast(text)) or named
    if (system := detect_system(text)) is not None and (
        states_a_fact(text) or (not named and _only_names_the_system(turn, text))
    ):
        turn.ask(LOST, State.LOST, Data(system=system))
        return True
    if len(named) != 1:
        return False
    reading = turn.knowledge.matcher.match(text).intent
    if reading is not None and reading not in ENTRIES:
        return False  # "имэйл маань буруу бичигдсэн" is the data correction's
    steps(turn, STEPS[turn.flow_data(Data).system, named.pop()])
    return True


async def system_told(turn: Turn, text: str) -> bool:
    """At "which system?", a sentence that names one of the two and asks nothing answers it,
    whatever else it says of the system ("цахим сургалтынх нь, модулиа үздэг тэр сайт"); a
    problem told with it that is no login problem ("ESIS дээр батламж маань харагдахгүй
    байна") is a new message."""
    system = detect_system(text)
    if system is None or not (sets_a_system_apart(text) or _only_names_the_system(turn, text)):
        return False
    await on_system(turn, system)
    return True


def _only_names_the_system(turn: Turn, text: str) -> bool:
    """Whether a sentence naming a system asks nothing and tells no problem but a login
    one."""
    if asks(text):
        return False
    return not denies(text) or turn.knowledge.matcher.match(text).intent in {None, *ENTRIES}


def guide(turn: Turn, entry_id: str, text: str) -> None:
    """A typed login problem: its steps, or first the question they depend on. A password
    question without its system (named now or by the steps just given) asks which system;
    "ESIS-д орж чадахгүй байна", read as the
    login entry (ESIS's catch-all for getting in) and naming nothing lost, asks what is
    lost. A password or e-mail reading is the matcher's, whatever words carried it."""
    system = detect_system(text) or system_of(turn.fresh_topic) or _system_told_before(turn, text)
    if system is None and entry_id in PASSWORD_ENTRIES:
        start(turn, lost="password")
        return
    catch_all = entry_id == STEPS["esis", "login"]
    named = lost_named(text)
    if system is None and catch_all and denies(text) and len(named) == 1:
        # "login bolohgui bn", "логин ажиллахгүй байна": getting in fails, on a system not
        # named ("Хэрэглэгч олдсонгүй", naming nothing lost, is ESIS's message)
        start(turn, lost=named.pop())
        return
    vague = catch_all and system != "elearning"
    told = after_the_contrast(text) or text  # "… имэйлээ шалгасан. Гэвч ESIS-д нэвтэрч
    if vague and not LOST.vocabulary.read(keys(told)):  # чадахгүй": what was tried is not lost
        if turn.fresh_topic in ENTRIES and (lost := _lost_told_before(turn, text)):
            steps(turn, STEPS["esis", lost])  # "esurgalt bish esis iinh" after "nevtreh neree
            return  # martsan" got the e-learning site's steps: the same loss, on ESIS
        turn.ask(LOST, State.LOST, Data(system="esis"))
        return
    if system is not None and sets_a_system_apart(text) and len(named) == 1:
        entry_id = STEPS[system, named.pop()]  # "my ESIS username, not the e-learning one"
    steps(turn, entry_id, system=system)


def _system_told_before(turn: Turn, text: str) -> str | None:
    """The system the message before this one named, while the conversation goes on: "esis
    ruu 3 honog orj chadahgui bn", offered a methodologist, then "nuuts ug" is ESIS's."""
    earlier = [attempt.question for attempt in turn.memory.tried if attempt.question != text]
    return detect_system(earlier[-1]) if earlier and turn.goes_on else None


def _lost_told_before(turn: Turn, text: str) -> str:
    """What the teacher said was lost in the messages before this one, when one thing."""
    for attempt in reversed(turn.memory.tried):
        if attempt.question != text and len(named := lost_named(attempt.question)) == 1:
            return named.pop()
    return ""


def system_named(turn: Turn, system: str, text: str = "") -> None:
    """A system named alone right after steps (a correction): those steps for it, or for
    what the correction says is lost ("it is my ESIS username I forgot, not the e-learning
    one"). After steps that are the same for both (the e-mail's, "ESIS" or "tsahim
    surgaltiinh" typed when "which system?" was taken back for the e-mail), what is lost
    there is asked."""
    topic = turn.memory.topic
    if len(lost := lost_named(text)) == 1 or (lost := {_lost_told_before(turn, text)} - {""}):
        steps(turn, STEPS[system, lost.pop()])  # "esurgalt-iin nevtreh ner … uuchlaarai,
        return  # esis-iinh": the username, on ESIS
    if {for_system(topic, other) for other in ("esis", "elearning")} == {topic}:
        turn.ask(LOST, State.LOST, Data(system=system))
        return
    steps(turn, topic, system=system)


def as_guided(entry_id: str, text: str, topic: str) -> str:
    """The entry whose steps the guide gives for a reading of a message sent right after
    `topic`'s steps: a login problem naming no system is that system's ("still cannot log
    in, the password is wrong", read as ESIS's password, after the e-learning site's)."""
    system = detect_system(text) or system_of(topic)
    if entry_id in ENTRIES and system is not None:
        return for_system(entry_id, system)
    return entry_id


def system_of(topic: str) -> str | None:
    """The system of the steps just given: "nuuts ugee" right after ESIS's steps is
    about ESIS, said a message ago."""
    return next((system for (system, _lost), entry in STEPS.items() if entry == topic), None)


def steps(turn: Turn, entry_id: str, system: str | None = None) -> None:
    """The steps of an entry (for `system`, when named), then "solved?"."""
    if system is not None and entry_id in ENTRIES:
        entry_id = for_system(entry_id, system)
    answer = turn.knowledge.answer(entry_id, turn.language)
    turn.memory.topic = entry_id
    # One message, as an answer with 👍/👎 is: a phone pings once, and a rush sends half
    # as much to a Bot API that takes 30 messages a second.
    text = "\n\n".join((answer, SOLVED.prompt()))
    turn.ask(SOLVED, State.SOLVED, Data(entry=entry_id), text=text)


async def on_solved(turn: Turn, answer: str) -> None:
    entry_id = turn.flow_data(Data).entry if turn.state == State.SOLVED else ""
    if not turn.answered_yes_no(entry_id, answer):
        return
    if answer == "yes":
        answers.glad_it_worked(turn)
        return
    typed = turn.incoming.text or ""  # "no, it still says…" tells the methodologist more
    if _corrected(turn, entry_id, typed):
        return
    turn.say(turn.knowledge.answer(answers.CONTACT, turn.language))
    reason = f"recovery not solved ({entry_id})"
    if SOLVED.vocabulary.leftover(typed) <= TELLS_MORE:
        escalation.offer_person(turn, reason=reason)  # whether a ticket opens is theirs to say
    elif says_no_first(typed) or escalation.problem_beside_a_person_request(typed) is not None:
        # "үгүй, одоо ч гэсэн орж чадахгүй байна": said, and why; or a person asked for
        await escalation.escalate(turn, typed, reason=reason)
    else:  # only what failed ("менежер нь амралтаа авчихсан"): a person offered, the words kept
        escalation.offer_for_what_failed(turn, typed, reason)


def _corrected(turn: Turn, entry_id: str, typed: str) -> bool:
    """A "no" to "solved?" that names another system, or says which thing lost it is not and
    which it is ("ugui tvr, esis bish esurgalt ni", "үгүй ээ нэвтрэх нэр биш, нууц үгээ
    мартсан"): a correction, answered with the steps meant. "тэр хуучин имэйл маань
    ажиллахаа больсон" names the e-mail, but only as what failed."""
    system = detect_system(without_what_works(typed))  # "ESIS маань хэвийн, цахим сургалт …"
    if system is not None and system != system_of(entry_id):
        system_named(turn, system, typed)
        return True
    if NOT_KEY not in keys(typed):
        return False
    lost = lost_named(typed)
    meant = STEPS.get((system or system_of(entry_id) or "", *lost)) if len(lost) == 1 else None
    reading = turn.knowledge.matcher.match(typed)
    if reading.intent in ENTRIES and reading.score >= CLEAR_SCORE:
        # "nuuts ug bish, esis deerh email hayagaa soliulah gsn ym": its "email" is no lost
        # username; the question read whole says which steps are meant
        meant = as_guided(reading.intent, typed, entry_id)
    if meant is None or meant == entry_id:
        return False
    steps(turn, meant)
    return True


def lost_named(text: str) -> set[str]:
    """The lost things a message names, what the writer still has or denies set aside."""
    return {value for _start, _end, value in LOST.vocabulary.read(keys(without_what_works(text)))}


def says_no_first(typed: str) -> bool:
    """Whether a reply opens with a "no" ("болсонгүй ээ, имэйл рүү юу ч ирэхгүй байна")."""
    first = typed.split(",")[0].split()[:1]
    return bool(first) and SOLVED.choose(first[0].strip(".!")) == "no"


ACTIONS = {SYSTEM.key: on_system, LOST.key: on_lost, SOLVED.key: on_solved}
BACK = {State.LOST: start}
QUESTIONS = {State.SYSTEM: SYSTEM, State.LOST: LOST, State.SOLVED: SOLVED}
RESUMABLE = (State.SYSTEM, State.LOST)
TEXT_STEPS = {State.SYSTEM: system_told, State.LOST: lost_told}
