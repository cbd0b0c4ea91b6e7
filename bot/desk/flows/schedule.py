"""The training schedule for the teacher's cohort, and the reminders offered under it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.desk import notices
from bot.desk.messages import Button
from bot.desk.questions import (
    COHORT,
    DECLINE_WORDS,
    NOTICE_WORDS,
    Choice,
    Question,
    asks_to_be_told,
    yes_no,
)
from bot.desk.schedule import COHORTS, OTHER_COHORT, describe, still_ahead, windows_for
from bot.desk.turn import IDLE, Turn
from bot.i18n import N_, _
from bot.nlu.choices import DECLINED, Vocabulary, typed_words
from bot.nlu.entities import denies, detect_cohort, without_opening_thanks
from bot.storage.models import Person

TOPIC = "schedule"  # what Memory.topic says after the schedule was shown or its year asked
ENTRY = "schedule"  # the FAQ entry whose action is this flow
TOPIC_WORD = "хуваарь"  # what a follow-up leaves unsaid ("and the webinar?"), for the matcher


class State(StrEnum):
    COHORT = "schedule.cohort"  # the cohort is asked, then the schedule shown
    SHOWN = "schedule.shown"  # the schedule was shown with the reminder offer
    NOTICE = "schedule.notice"  # nothing ahead for the cohort: a notice of the next offered


@dataclass
class Data:
    cohort: int | None = None  # whose next schedule the notice would be about
    reminders: bool = False  # asked for in words while the year was still to be asked


REMINDERS = Question(
    "remind",
    "",
    (
        (
            Choice(
                "on",
                N_("🔔 Get reminders"),
                # No bare "за": the button is offered, not asked about, and "за ойлголоо"
                # under a schedule says "got it", not "remind me".
                (
                    "сануул", "сануулаарай", "сануулах", "сануулж", "сануулаад", "мэдэгдэл",
                    "remind",
                    "remind me", "notification", "notifications",
                ),
            ),
        ),
    ),
)


NOTICE = yes_no(
    "schednotice",
    N_("Shall I send it to you here when the next schedule is published?"),
    yes=(*NOTICE_WORDS, "илгээгээрэй", "хэлээрэй", "send it"),
    no=DECLINE_WORDS,
)
# What asks for the reminders in a message of its own ("сануулга асаагаад өгөөч", "хуваариа
# харуулаад сануулаарай", "remind me before it starts", "ehlehees ni umnu sanuulj ugnu uu":
# chat's "ugnu" is "өгнө", which no folding makes of it, so "сануулж" alone asks); stopping
# them, or saying they did not come, is read before.
_REMINDERS_ASKED = Vocabulary.build(
    {
        "on": (
            "сануулга", "сануулгаа", "сануулгыг", "sanuulgiig", "сануулаарай", "сануулж",
            "сануулаад",  # "эхлэхээс өмнө сануулаад өгөөрэй"
            "remind me", "reminder",
            "reminders",
        )
    }
)  # fmt: skip


async def start(
    turn: Turn, asked_cohort: int | None, year: int | None = None, reminders: bool = False
) -> None:
    cohort = asked_cohort if asked_cohort is not None else turn.person.cohort
    if cohort is None:
        # The schedule is what the conversation is about, even if another question comes
        # before the year does: "хаврын амралт хэзээ вэ?" then "за. 10 дахь жилийн багш".
        turn.memory.topic = TOPIC
        turn.ask(COHORT, State.COHORT, Data(reminders=reminders))
        return
    show(turn, cohort, year=year)


async def cohort_told(turn: Turn, cohort: int) -> None:
    """The year, asked for the schedule: the schedule, with the reminders set on when they
    were what the teacher asked for ("сануулга асааж өгөөч" → "1 дэх жил")."""
    if turn.flow_data(Data).reminders and cohort in COHORTS:
        await _with_reminders(turn, cohort)
        return
    show(turn, cohort)


def show(turn: Turn, cohort: int, *more: int, year: int | None = None) -> None:
    """The schedule of a cohort (every cohort's for "other"), or of several asked at once
    ("1. 5 дахь жилийнх хэзээ дуусах вэ? 2. 1 дэх жилийнх хэзээ эхлэх вэ?"); the notice or
    the reminders are offered for one cohort only. A `year` asked for that no schedule
    known has yet ("2022 оны хуваарь гарсан уу?") is said to be unpublished, and its
    notice offered."""
    today = turn.desk.clock().astimezone(turn.desk.zone).date()
    cohorts = COHORTS if cohort == OTHER_COHORT else (cohort, *more)
    if more:
        cohort = OTHER_COHORT  # several: no one cohort's offer
    parts, ahead = [], False
    for each in cohorts:
        row, in_force = windows_for(turn.schedule, each, today)
        if row is not None:
            parts.append(describe(row, today, in_force, year))
            later = year is not None and year > row.year  # that year's is still to come
            ahead = ahead or (in_force and still_ahead(row, today) and not later)
    turn.go(IDLE)
    turn.memory.topic = TOPIC
    text = "\n\n".join(parts) or _("The training schedule has not been published yet.")
    if not ahead and cohort in COHORTS:
        # Nothing of this cohort's training is still to come: the next schedule is news.
        offer = NOTICE.prompt()
        turn.ask(NOTICE, State.NOTICE, Data(cohort), text=text + "\n\n" + offer, show_menu=True)
        return
    if reminder_offer(turn.person, cohort):
        turn.ask(REMINDERS, State.SHOWN, text=text, show_menu=True)
        return
    turn.say(text, show_menu=True)


def reminder_offer(person: Person, cohort: int) -> tuple[tuple[Button, ...], ...]:
    """The reminder button, for a teacher of this cohort who has not asked for reminders."""
    if cohort in COHORTS and cohort == person.cohort and not person.reminders:
        return REMINDERS.buttons()
    return ()


async def on_notice(turn: Turn, answer: str) -> None:
    cohort = turn.flow_data(Data).cohort if turn.state == State.NOTICE else None
    if not turn.answered_yes_no(cohort, answer):
        return
    if answer == "no":
        turn.say(_("All right. Choose from the menu, or write your question."), show_menu=True)
        return
    await _send_the_next(turn, cohort)


async def _send_the_next(turn: Turn, cohort: int | None) -> None:
    await notices.request(turn.session, turn.person, notices.SCHEDULE, cohort=cohort)
    turn.say(_("I will send you the schedule here as soon as it is published."), show_menu=True)


def still_to_come(turn: Turn, cohort: int) -> bool:
    """Whether the cohort's training in force has a window still ahead (reminders to give)."""
    today = turn.desk.clock().astimezone(turn.desk.zone).date()
    row, in_force = windows_for(turn.schedule, cohort, today)
    return row is not None and in_force and still_ahead(row, today)


async def notice_asked_later(turn: Turn, text: str) -> bool:
    """The schedule asked to be sent in words, whatever the bot asked last ("дараагийн
    хуваарь гармагц надад мэдэгдээрэй" after the missed-window answer, "let me know when
    the schedule is out"): for a cohort with nothing ahead, the notice of the next schedule,
    as the offer's yes would set it up; for one whose training is still to come, the
    reminders. The message must read as the schedule's question above all others; without a
    cohort, stated or known, it is left to the schedule's own question. The notice's own
    offer, answered so ("тэгвэл дараагийн хуваарь гармагц мэдэгдээрэй"), is taken for the
    cohort it was offered for: its words are more than a yes, and need not name the schedule
    ("дараагийнх нь гармагц мэдэгдээрэй")."""
    if not asks_to_be_told(text):
        return False
    reading = turn.knowledge.matcher.match(without_opening_thanks(text))  # "за ойлголоо. …"
    entry = turn.knowledge.entries.get(reading.best.intent) if reading.best else None
    offered = turn.flow_data(Data).cohort if turn.state == State.NOTICE else None
    cohort = detect_cohort(text) or offered or turn.person.cohort
    about_the_schedule = entry is not None and entry.action == "schedule"
    if not (about_the_schedule or offered) or cohort not in COHORTS:
        return False
    turn.go(IDLE)
    turn.memory.topic = TOPIC
    if cohort == turn.person.cohort and still_to_come(turn, cohort):
        await on_reminders(turn, "on")
    else:
        await _send_the_next(turn, cohort)
    return True


async def reminders_asked(turn: Turn, text: str) -> bool:
    """Reminders asked for in words, not as the answer to their button's offer: the
    schedule of the cohort the message names or the teacher's, with the reminders set on
    while its training is still to come (else the next schedule's notice is offered, as
    under any schedule with nothing ahead); the cohort asked for first when unknown. A
    sentence that says they did not come ("сануулга ирсэнгүй") asks for none."""
    typed = typed_words(text)
    named = detect_cohort(text)  # "bi 1 deh jild ajillaj bgaa. sanuulga avya" under the 5th's
    # under a schedule the button's words take it, unless more words were typed around them
    # ("эхлэхээс нь өмнө сануулж өгөх үү")
    shown = turn.state == State.SHOWN and named is None and REMINDERS.choose(text) is not None
    if shown or denies(text) or not _REMINDERS_ASKED.read(typed):
        return False
    cohort = named or turn.person.cohort
    if cohort not in COHORTS:
        await start(turn, None, reminders=True)
        return True
    turn.person.cohort = cohort
    await _with_reminders(turn, cohort)
    return True


async def _with_reminders(turn: Turn, cohort: int) -> None:
    ahead = still_to_come(turn, cohort)
    turn.person.reminders = turn.person.reminders or ahead  # set first: no button under it
    show(turn, cohort)
    if ahead:
        await on_reminders(turn, "on")


async def on_reminders(turn: Turn, argument: str) -> None:
    if argument == DECLINED:  # "no reminders please", "сануулга хэрэггүй"
        turn.go(IDLE)
        turn.say(_("All right. Choose from the menu, or write your question."), show_menu=True)
        return
    if argument != "on" or turn.person.cohort not in COHORTS:
        turn.say(_("That button is no longer active."))
        return
    turn.go(IDLE)
    turn.person.reminders = True
    turn.say(
        _(
            "I will remind you before your cohort's e-learning and webinar start, and on "
            "their last day. /stop_reminders turns this off."
        ),
        show_menu=True,
    )


ACTIONS = {REMINDERS.key: on_reminders, NOTICE.key: on_notice}
QUESTIONS = {State.COHORT: COHORT, State.SHOWN: REMINDERS, State.NOTICE: NOTICE}
RESUMABLE = (State.COHORT,)
