"""The training schedule for the teacher's cohort, and the reminders offered under it."""

from __future__ import annotations

from enum import StrEnum

from bot.desk.questions import COHORT, YES_WORDS, Choice, Question
from bot.desk.schedule import COHORTS, OTHER_COHORT, describe, still_ahead, windows_for
from bot.desk.turn import IDLE, Turn
from bot.i18n import N_, _

TOPIC = "schedule"  # what Memory.topic says after the schedule was shown


class State(StrEnum):
    COHORT = "schedule.cohort"  # the cohort is asked, then the schedule shown
    SHOWN = "schedule.shown"  # the schedule was shown with the reminder offer


REMINDERS = Question(
    "remind",
    "",
    (
        (
            Choice(
                "on",
                N_("🔔 Get reminders"),
                (*YES_WORDS, "сануул", "сануулаарай", "сануулах", "remind", "remind me"),
            ),
        ),
    ),
)


async def start(turn: Turn, asked_cohort: int | None) -> None:
    cohort = asked_cohort if asked_cohort is not None else turn.person.cohort
    if cohort is None:
        turn.ask(COHORT, State.COHORT)
        return
    show(turn, cohort)


def show(turn: Turn, cohort: int) -> None:
    today = turn.desk.clock().astimezone(turn.desk.zone).date()
    cohorts = COHORTS if cohort == OTHER_COHORT else (cohort,)
    parts, ahead = [], False
    for each in cohorts:
        row, in_force = windows_for(turn.schedule, each, today)
        if row is not None:
            parts.append(describe(row, today, in_force))
            ahead = ahead or (in_force and still_ahead(row, today))
    turn.go(IDLE)
    turn.memory.topic = TOPIC
    if not parts:
        turn.say(_("The training schedule has not been published yet."), show_menu=True)
        return
    text = "\n\n".join(parts)
    mine = cohort in COHORTS and cohort == turn.person.cohort
    if ahead and mine and not turn.person.reminders:
        turn.ask(REMINDERS, State.SHOWN, text=text, show_menu=True)
        return
    turn.say(text, show_menu=True)


async def on_reminders(turn: Turn, argument: str) -> None:
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


ACTIONS = {REMINDERS.key: on_reminders}
QUESTIONS = {State.COHORT: COHORT, State.SHOWN: REMINDERS}
