"""The typed dialogues of tests/data/dialogues.yaml, each a test case of its own.

Every dialogue runs against the `engine` desk on a real database (a fresh one per case, each
backend of conftest's `database_url`) with the sample roster imported, at the frozen test
moment, and must pass every check of every turn. `python -m tests.dialogues FILE` runs the
same files outside pytest and prints the share that passes.
"""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import PROJECT_ROOT
from bot.desk import roster
from bot.desk.engine import Desk
from bot.i18n import load_catalogs
from tests.dialogues import ROSTER, Dialogue, load, run

DIALOGUES = load(PROJECT_ROOT / "tests" / "data" / "dialogues.yaml")


def test_the_file_is_a_real_set() -> None:
    names = [dialogue.name for dialogue in DIALOGUES]
    assert len(names) >= 45
    assert len(set(names)) == len(names), "dialogue names are the test ids: keep them unique"
    for dialogue in DIALOGUES:
        assert len(dialogue.steps) >= 2, f"{dialogue.name}: a dialogue has several turns"
        for step in dialogue.steps:
            assert (step.say is None) != (step.press is None), f"{dialogue.name}: say or press"
            assert step.expect_any or step.expect_all or step.reject, f"{dialogue.name}: no check"


@pytest.fixture
async def with_roster(sessions: async_sessionmaker[AsyncSession]) -> None:
    load_catalogs()
    report = await roster.import_file(sessions, ROSTER)
    assert report.ok


@pytest.mark.usefixtures("with_roster")
@pytest.mark.parametrize("dialogue", DIALOGUES, ids=[dialogue.name for dialogue in DIALOGUES])
async def test_dialogue(engine: Desk, dialogue: Dialogue) -> None:
    outcome = await run(engine, dialogue)
    assert outcome.failures == []
