"""Notices teachers asked for, against `helpdesk run` as a real process (issue 17).

The teacher looks up the certificate on Telegram (the fake Bot API), asks to be told; an admin
imports the roster with the command line, as a separate process on the same database; the
running bot delivers the notice from the outbox. Counts are taken after the bot stopped.
"""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path
from typing import Any

import pytest

from bot import PROJECT_ROOT
from bot.desk.faq import load_faq_dir
from tests.process_kit import (
    BotProcess,
    FaultyBotApi,
    FaultyBotApiServer,
    bot_environment,
    outbox_drained,
    run_cli,
    teacher_button,
    teacher_text,
    unexpected_errors,
    wait_for,
)

pytestmark = pytest.mark.slow

SAMPLE = PROJECT_ROOT / "tests" / "data" / "roster_sample.csv"
ASKER, GUESSER = 6301, 6302
OFFER = "мэдэгдэх үү"
REGISTERED = "бүртгэгдлээ"


def _registered_roster(folder: Path) -> Path:
    """The sample roster with УБ01231507 (passed, not yet in ESIS) now registered."""
    path = folder / "registered.csv"
    text = SAMPLE.read_text(encoding="utf-8")
    path.write_text(text.replace("Б2021-0003,\n", "Б2021-0003,2021-09-01\n"), encoding="utf-8")
    return path


def test_lookup_then_notice_then_import_delivers_exactly_one_message(tmp_path: Path) -> None:
    api = FaultyBotApi()
    url = f"sqlite+aiosqlite:///{tmp_path}/notices.db"
    with FaultyBotApiServer(api) as server:
        env = bot_environment(server, url)
        assert run_cli(env, "db", "upgrade").returncode == 0
        assert run_cli(env, "roster", "import", str(SAMPLE)).returncode == 0
        bot = BotProcess(env, tmp_path / "bot.log")
        try:
            api.push_update(teacher_text(ASKER, "батламж шалгуулах гэсэн юм. УБ01231507 Мөнхбат"))
            assert wait_for(lambda: any(OFFER in t for t in api.texts(ASKER))), bot.tail()
            api.push_update(teacher_button(ASKER, "certnotice:yes"))
            api.push_update(teacher_text(GUESSER, "батламж УБ01231507 Болд"))
            assert wait_for(lambda: len(api.texts(ASKER)) >= 2 and api.texts(GUESSER)), bot.tail()
            assert not any(OFFER in t for t in api.texts(GUESSER))

            imported = run_cli(env, "roster", "import", str(_registered_roster(tmp_path)))
            assert imported.returncode == 0, imported.stderr
            assert "1 багшид" in imported.stdout
            assert wait_for(lambda: any(REGISTERED in t for t in api.texts(ASKER))), bot.tail()
            again = run_cli(env, "roster", "import", str(_registered_roster(tmp_path)))
            assert again.returncode == 0 and "багшид" not in again.stdout
            assert wait_for(lambda: outbox_drained(url)), bot.tail()
        finally:
            code = bot.stop()
    assert code == 0, bot.tail()
    [notice] = [t for t in api.texts(ASKER) if REGISTERED in t]
    how_to_see = next(e for e in load_faq_dir(PROJECT_ROOT / "faq") if e.id == "certificate_view")
    assert "2021" in notice and how_to_see.answer.strip() in notice  # the year, where to see it
    assert not [t for t in api.texts(GUESSER) if REGISTERED in t]
    assert not unexpected_errors(bot.output()), bot.tail()


SUBSCRIBERS = 30
KILL_AT = 10
FIRST_SUBSCRIBER = 6400


def _subscribe_many(url: str) -> None:
    """Thirty teachers waiting for УБ01231507's registration (as many accounts can)."""
    from bot.desk.certificates import RegisterNumber
    from bot.storage.db import create_engine, session_factory
    from bot.storage.models import NoticeRequest, Person

    async def subscribe() -> None:
        engine = create_engine(url)
        try:
            async with session_factory(engine).begin() as session:
                for number in range(SUBSCRIBERS):
                    chat = str(FIRST_SUBSCRIBER + number)
                    person = Person(channel="telegram", external_id=chat, chat_id=chat,
                                    language="mn")
                    session.add(person)
                    await session.flush()
                    session.add(NoticeRequest(person_id=person.id, kind="certificate",
                                              number_key=RegisterNumber("УБ01231507").key))
        finally:
            await engine.dispose()

    asyncio.run(subscribe())


def test_killed_while_notices_drain_each_arrives_after_the_restart(tmp_path: Path) -> None:
    """SIGKILL when the tenth notice reaches "Telegram": after a restart every teacher has
    the notice; only the one in flight at the kill may have it twice (Telegram took it, the
    bot never heard back), and no other."""
    api = FaultyBotApi()
    url = f"sqlite+aiosqlite:///{tmp_path}/notices.db"
    with FaultyBotApiServer(api) as server:
        env = bot_environment(server, url)
        assert run_cli(env, "db", "upgrade").returncode == 0
        assert run_cli(env, "roster", "import", str(SAMPLE)).returncode == 0
        _subscribe_many(url)
        imported = run_cli(env, "roster", "import", str(_registered_roster(tmp_path)))
        assert f"{SUBSCRIBERS} багшид" in imported.stdout, imported.stdout + imported.stderr
        delivered: list[int] = []
        first = BotProcess(env, tmp_path / "first.log")

        def kill_at_a_notice(method: str, params: dict[str, Any]) -> bool:
            if method == "sendMessage" and REGISTERED in str(params.get("text")):
                delivered.append(int(params["chat_id"]))
                if len(delivered) == KILL_AT:
                    os.kill(first.pid, signal.SIGKILL)
                    return True
            return False

        api.watcher = kill_at_a_notice
        try:
            assert first.wait() == -signal.SIGKILL, first.tail()
        finally:
            first.kill()
        api.watcher, api.dead = None, False
        second = BotProcess(env, tmp_path / "second.log")
        try:
            assert wait_for(lambda: outbox_drained(url), timeout=120), second.tail()
        finally:
            code = second.stop()
    assert code == 0, second.tail()
    counts = {
        FIRST_SUBSCRIBER + n: len([t for t in api.texts(FIRST_SUBSCRIBER + n) if REGISTERED in t])
        for n in range(SUBSCRIBERS)
    }
    assert all(count >= 1 for count in counts.values()), counts
    twice = [chat for chat, count in counts.items() if count > 1]
    assert twice in ([], [delivered[-1]]), (twice, delivered[-1])


WAITER = 6501
NEXT_YEAR = (
    "- year: 2027\n  cohort: 5\n  elearning: [2027-03-01, 2027-03-20]\n"
    "  webinar: [2027-03-24, 2027-04-14]\n"
)


def test_schedule_notice_asked_then_a_schedule_import_sends_it_once(tmp_path: Path) -> None:
    """Nothing of the 5th-year training is ahead (the bundled schedule is 2021's): the bot
    offers the next schedule; the teacher takes it; `helpdesk schedule import` of a file with
    2027's 5th-year windows sends them, once; importing it again sends nothing."""
    api = FaultyBotApi()
    url = f"sqlite+aiosqlite:///{tmp_path}/notices.db"
    schedule = tmp_path / "schedule.yaml"
    bundled = (PROJECT_ROOT / "faq" / "schedule.yaml").read_text(encoding="utf-8")
    schedule.write_text(bundled + NEXT_YEAR, encoding="utf-8")
    with FaultyBotApiServer(api) as server:
        env = bot_environment(server, url)
        assert run_cli(env, "db", "upgrade").returncode == 0
        bot = BotProcess(env, tmp_path / "bot.log")
        try:
            api.push_update(teacher_text(WAITER, "5 дахь жилийн сургалт хэзээ эхлэх вэ"))
            assert wait_for(lambda: any("илгээх үү" in t for t in api.texts(WAITER))), bot.tail()
            api.push_update(teacher_button(WAITER, "schednotice:yes"))
            assert wait_for(lambda: len(api.texts(WAITER)) >= 2), bot.tail()
            imported = run_cli(env, "schedule", "import", str(schedule))
            assert imported.returncode == 0, imported.stderr
            assert wait_for(lambda: any("2027" in t for t in api.texts(WAITER))), bot.tail()
            assert run_cli(env, "schedule", "import", str(schedule)).returncode == 0
            assert wait_for(lambda: outbox_drained(url)), bot.tail()
        finally:
            code = bot.stop()
    assert code == 0, bot.tail()
    [notice] = [t for t in api.texts(WAITER) if "2027" in t]
    assert notice.startswith("Таны асуусан хуваарь гарлаа") and "2027" in notice
    assert not unexpected_errors(bot.output()), bot.tail()
