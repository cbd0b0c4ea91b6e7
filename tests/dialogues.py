"""Dialogues as data: what a teacher types or taps, and what must and must not come back.

A file is a YAML list of dialogues:

    - name: short_name
      about: what it shows
      turns:
        - say: "ugui"              # typed text; or `press: "Монгол"` for a button by its label
          expect_any: ["..."]     # the joined replies contain at least one (case-insensitive)
          expect_all: ["..."]     # … and all of these
          reject: ["..."]         # … and none of these

`python -m tests.dialogues FILE…` runs files against the desk in process (a fresh SQLite
database each dialogue, the bundled FAQ and schedule, the sample roster, the test clock) and
prints the share that passes with each failure: how held-out sets are measured.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from bot import PROJECT_ROOT
from bot.config import Settings
from bot.desk import roster
from bot.desk.engine import Desk
from bot.desk.messages import Button, Reply
from bot.desk.questions import menu_buttons
from bot.desk.schedule import load_schedule
from bot.i18n import LANGUAGES, load_catalogs, use_language
from bot.runtime import load_knowledge
from bot.storage.db import create_engine, session_factory, upgrade
from tests.support import send

TEST_MOMENT = datetime(2021, 3, 10, 2, 0, tzinfo=UTC)  # 10:00 in Ulaanbaatar, a Wednesday
ROSTER = PROJECT_ROOT / "tests" / "data" / "roster_sample.csv"


@dataclass(frozen=True)
class Step:
    say: str | None
    press: str | None
    expect_any: tuple[str, ...] = ()
    expect_all: tuple[str, ...] = ()
    reject: tuple[str, ...] = ()


@dataclass(frozen=True)
class Dialogue:
    name: str
    about: str
    steps: tuple[Step, ...]


@dataclass
class Outcome:
    dialogue: Dialogue
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures


def load(path: Path) -> list[Dialogue]:
    raw: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Dialogue(
            item["name"],
            item.get("about", ""),
            tuple(
                Step(
                    say=turn.get("say"),
                    press=turn.get("press"),
                    expect_any=tuple(turn.get("expect_any") or ()),
                    expect_all=tuple(turn.get("expect_all") or ()),
                    reject=tuple(turn.get("reject") or ()),
                )
                for turn in item["turns"]
            ),
        )
        for item in raw
    ]


def _menu() -> list[Button]:
    """The main menu's buttons in either language."""
    buttons: list[Button] = []
    for language in LANGUAGES:
        with use_language(language):
            buttons += menu_buttons()
    return buttons


def _offered(replies: list[Reply]) -> list[Button]:
    """The buttons a teacher sees after these replies, the menu's when they show it."""
    buttons = [button for reply in replies for row in reply.buttons for button in row]
    if any(reply.show_menu for reply in replies):
        buttons += _menu()
    return buttons


def check(step: Step, text: str) -> list[str]:
    """What is wrong with the replies to one step (empty when nothing is)."""
    folded = text.casefold()
    problems = []
    if step.expect_any and not any(want.casefold() in folded for want in step.expect_any):
        problems.append(f"none of {list(step.expect_any)}")
    problems += [f"missing {want!r}" for want in step.expect_all if want.casefold() not in folded]
    problems += [f"has {bad!r}" for bad in step.reject if bad.casefold() in folded]
    return problems


async def run(desk: Desk, dialogue: Dialogue, user: str = "7001") -> Outcome:
    outcome = Outcome(dialogue)
    # The menu is always at hand: Telegram's persistent keyboard once shown, and on any
    # channel a menu label typed acts as the menu; the last replies' buttons come first.
    offered: list[Button] = []
    for number, step in enumerate(dialogue.steps, start=1):
        if step.press is not None:
            wanted = step.press.casefold()
            at_hand = [*offered, *_menu()]
            button = next((b for b in at_hand if b.label.casefold() == wanted), None)
            if button is None:
                outcome.failures.append(f"turn {number}: no button {step.press!r}")
                return outcome
            replies = await send(desk, action=button.action, user=user)
            said = f"[{step.press}]"
        else:
            replies = await send(desk, step.say or "", user=user)
            said = step.say or ""
        text = "\n".join(reply.text for reply in replies)
        offered = _offered(replies) or offered
        outcome.failures += [
            f"turn {number} ({said!r}): {problem} in {text[:300]!r}"
            for problem in check(step, text)
        ]
    return outcome


async def _fresh_desk(folder: Path, settings: Settings) -> Desk:
    url = f"sqlite+aiosqlite:///{folder / 'dialogue.db'}"
    await upgrade(url)
    sessions = session_factory(create_engine(url))
    await roster.import_file(sessions, ROSTER)
    return Desk(
        sessions,
        load_knowledge(settings),
        load_schedule(PROJECT_ROOT / "faq" / "schedule.yaml"),
        clock=lambda: TEST_MOMENT,
    )


async def measure(paths: list[Path]) -> list[Outcome]:
    load_catalogs()
    settings = Settings()
    outcomes = []
    for path in paths:
        for dialogue in load(path):
            with tempfile.TemporaryDirectory() as folder:
                desk = await _fresh_desk(Path(folder), settings)
                outcomes.append(await run(desk, dialogue))
    return outcomes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--quiet", action="store_true", help="the figure only")
    args = parser.parse_args()
    outcomes = asyncio.run(measure(args.files))
    passed = sum(outcome.passed for outcome in outcomes)
    if not args.quiet:
        for outcome in outcomes:
            if not outcome.passed:
                print(f"✗ {outcome.dialogue.name}: {outcome.dialogue.about}")
                for failure in outcome.failures:
                    print(f"    {failure}")
    print(f"dialogues passed: {passed}/{len(outcomes)} ({passed / len(outcomes):.1%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
