"""Admins in Telegram: FAQ editing, uploads, suggestions, stats; everyone else refused."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import PROJECT_ROOT
from bot.channels.telegram.app import build_application
from bot.config import Settings
from bot.desk import knowledge
from bot.desk.engine import Desk
from bot.desk.faq import KnowledgeBase
from bot.storage.models import FaqSuggestion, RosterEntry
from tests import updates
from tests.conftest import FrozenClock
from tests.fake_telegram import FakeBotApi, RecordingRequest
from tests.test_telegram import FIRST_NAME, TEACHER, Bot, inline_data, token_settings

ADMIN = 31337
IMPORTING_NOTE = "файлыг оруулж байна"  # the admin is told at once; the report follows


class Admin(Bot):
    async def command(self, text: str, user_id: int = ADMIN) -> list[dict[str, Any]]:
        return await self.feed(updates.message_update(updates.command(text), user_id, FIRST_NAME))

    async def upload(self, name: str, data: bytes, user_id: int = ADMIN) -> list[dict[str, Any]]:
        """Send a file; for an admin, what the import reports once done (after the "importing"
        note the handler answers at once), for anyone else what the handler answered."""
        file_id = f"f{updates.next_id()}"
        self.api.files[file_id] = data
        content = {"document": {"file_id": file_id, "file_unique_id": file_id, "file_name": name}}
        sent = await self.feed(updates.message_update(content, user_id, FIRST_NAME))
        if user_id != ADMIN:
            return sent
        assert len(sent) == 1 and IMPORTING_NOTE in sent[0]["text"], sent
        done = len(self.api.sent())
        deadline = time.monotonic() + 60
        while len(self.api.sent()) == done and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert not self.errors, self.errors
        return self.api.sent()[done:]

    def last(self) -> str:
        return str(self.api.sent()[-1]["text"])


@pytest.fixture
async def live_engine(
    sessions: async_sessionmaker[AsyncSession], knowledge: KnowledgeBase, clock: FrozenClock
) -> Desk:
    from bot.desk import knowledge as store

    async with sessions.begin() as session:
        await store.seed_if_empty(session, PROJECT_ROOT / "faq")
        version, entries, schedule = await store.load(session)
    engine = Desk(sessions, knowledge.rebuilt(entries), schedule, clock=clock, live=True)
    engine.knowledge_version = version
    return engine


@pytest.fixture
async def admin(live_engine: Desk, settings: Settings) -> AsyncIterator[Admin]:
    api = FakeBotApi()
    application = build_application(
        token_settings(settings, admin_ids=frozenset({ADMIN})), live_engine,
        request=RecordingRequest(api),
    )
    async with application:
        yield Admin(application, api)


async def test_faq_list_pages_and_entry_view(admin: Admin) -> None:
    sent = await admin.command("/faq")
    buttons = inline_data(sent[0])
    assert "1 / " not in sent[0]["text"] and "хуудас 1" in sent[0]["text"]
    assert buttons[-1] == "adm:page:1" and buttons[0].startswith("adm:show:")
    sent = await admin.press("adm:show:thanks", user_id=ADMIN)
    assert "<b>thanks</b>" in sent[0]["text"]
    assert inline_data(sent[0]) == ["adm:addq:thanks", "adm:ans:thanks", "adm:ansen:thanks",
                                    "adm:del:thanks"]


async def test_add_paraphrase_edit_answer_and_the_bot_uses_it_at_once(
    admin: Admin, live_engine: Desk
) -> None:
    await admin.press("adm:addq:contact", user_id=ADMIN)
    saved = await admin.say("Институтийн ажлын цаг хэд вэ", user_id=ADMIN)
    assert "contact-г хадгаллаа" in saved[0]["text"] or "хадгаллаа" in saved[0]["text"]
    await admin.press("adm:ans:contact", user_id=ADMIN)
    await admin.say("Шинэ хариулт: 70000000 дугаарт залгана уу.", user_id=ADMIN)
    live_engine._checked_at = float("-inf")
    sent = await admin.say("Институтийн ажлын цаг хэд вэ", user_id=TEACHER)
    assert sent[0]["text"].startswith("Шинэ хариулт")
    history = (await admin.command("/faq_history"))[0]["text"]
    assert history.count("changed · contact") == 2


async def test_an_answer_telegram_would_refuse_is_not_saved(admin: Admin) -> None:
    await admin.press("adm:ans:contact", user_id=ADMIN)
    refused = await admin.say("Утас <70000000> руу залгана уу", user_id=ADMIN)
    assert "Хадгалсангүй" in refused[0]["text"] and "&lt;" in refused[0]["text"]
    saved = await admin.say("Утас &lt;70000000&gt; руу залгана уу", user_id=ADMIN)
    assert "хадгаллаа" in saved[0]["text"]


async def test_an_admin_update_delivered_twice_is_handled_once(admin: Admin) -> None:
    await admin.press("adm:addq:contact", user_id=ADMIN)
    update = updates.text("Институтийн утас хэд вэ", ADMIN, FIRST_NAME)
    saved = await admin.feed(update)
    assert "хадгаллаа" in saved[0]["text"]
    assert await admin.feed(update) == []  # not saved twice, nor answered as a question


async def test_add_and_delete_an_entry_with_confirmation(
    admin: Admin, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await admin.command("/faq_add")
    await admin.say("winter_school", user_id=ADMIN)
    await admin.say("Өвлийн сургууль хэзээ болох вэ", user_id=ADMIN)
    assert "хадгаллаа" in (await admin.say("1-р сард болно.", user_id=ADMIN))[0]["text"]
    confirm = await admin.press("adm:del:winter_school", user_id=ADMIN)
    assert inline_data(confirm[0]) == ["adm:delok:winter_school", "adm:show:winter_school"]
    await admin.press("adm:delok:winter_school", user_id=ADMIN)
    async with sessions() as session:
        assert "winter_school" not in {e.id for e in await knowledge.entries(session)}


async def test_an_empty_answer_and_a_bad_id_are_refused(admin: Admin) -> None:
    await admin.command("/faq_add")
    assert "snake_case" in (await admin.say("Winter School!", user_id=ADMIN))[0]["text"]
    taken = await admin.say("thanks", user_id=ADMIN)
    assert "thanks" in taken[0]["text"] and "авсан" in taken[0]["text"]


async def test_yaml_upload_imports_and_a_broken_one_names_entry_and_line(
    admin: Admin, sessions: async_sessionmaker[AsyncSession]
) -> None:
    good = "- id: winter_school\n  questions: [өвлийн сургууль]\n  answer: 1-р сард.\n"
    assert "added: 1 (winter_school)" in (await admin.upload("new.yaml", good.encode()))[0]["text"]
    broken = "- id: a\n  answer: x\n- id: a\n  answer: y\n"
    reply = (await admin.upload("broken.yaml", broken.encode()))[0]["text"]
    assert "broken.yaml, 3-р мөр: 'a' асуулт" in reply and "Юу ч өөрчлөгдсөнгүй" in reply
    async with sessions() as session:
        assert "a" not in {e.id for e in await knowledge.entries(session)}


async def test_schedule_upload_is_validated(admin: Admin) -> None:
    text = (PROJECT_ROOT / "faq" / "schedule.yaml").read_text(encoding="utf-8")
    new_year = text + (
        "- year: 2022\n  cohort: 10\n  elearning: [2022-01-17, 2022-02-07]\n"
        "  webinar: [2022-02-09, 2022-03-02]\n")
    assert "4" in (await admin.upload("schedule.yaml", new_year.encode()))[0]["text"]
    bad = "- year: 2022\n  cohort: 7\n  elearning: [2022-01-17, 2022-02-07]\n"
    assert "cohort" in (await admin.upload("schedule.yaml", bad.encode()))[0]["text"]


async def test_export_sends_yaml_files(admin: Admin) -> None:
    await admin.command("/faq_export")
    names = {call.params["document"] for call in admin.api.calls
             if call.method == "sendDocument"}
    assert {"training.yaml", "schedule.yaml"} <= names


async def test_roster_upload_by_an_admin_and_refused_for_others(
    admin: Admin, sessions: async_sessionmaker[AsyncSession]
) -> None:
    sample = (PROJECT_ROOT / "tests" / "data" / "roster_sample.csv").read_bytes()
    reply = (await admin.upload("roster.csv", sample))[0]["text"]
    assert "10" in reply
    async with sessions() as session:
        assert len(list(await session.scalars(select(RosterEntry)))) == 10
    downloads = sum(1 for call in admin.api.calls if call.method == "download")
    teacher_reply = await admin.upload("roster.csv", sample, user_id=TEACHER)
    assert "Би зөвхөн текст уншина" in teacher_reply[0]["text"]
    assert sum(1 for call in admin.api.calls if call.method == "download") == downloads


async def test_suggestion_from_a_ticket_becomes_an_entry_after_approval(
    admin: Admin, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with sessions.begin() as session:
        from bot.desk import tickets
        from bot.storage.models import Person

        person = Person(channel="telegram", external_id="5", chat_id="5", display_name="Б")
        session.add(person)
        await session.flush()
        ticket = await tickets.open_ticket(session, person, "Дипломын хуулбар хаанаас авах вэ",
                                           {}, None)
        await tickets.staff_reply(session, ticket, "Болд", "Сургуулийнхаа архиваас аваарай.")
        await tickets.suggest_faq(session, ticket, "Болд")
    listed = await admin.command("/suggestions")
    assert "Дипломын хуулбар" in listed[0]["text"]
    assert inline_data(listed[0])[0] == "adm:sugnew:1"
    await admin.press("adm:sugnew:1", user_id=ADMIN)
    confirm = await admin.say("diploma_copy", user_id=ADMIN)
    assert "Сургуулийнхаа архиваас" in confirm[0]["text"]
    await admin.press("adm:save:diploma_copy", user_id=ADMIN)
    async with sessions() as session:
        entry = next(e for e in await knowledge.entries(session) if e.id == "diploma_copy")
        suggestion = await session.get(FaqSuggestion, 1)
    assert entry.questions == ("Дипломын хуулбар хаанаас авах вэ",)
    assert suggestion is not None and suggestion.status == "accepted"


async def test_stats_and_unanswered_report(admin: Admin, clock: FrozenClock) -> None:
    await admin.say("цалин хэзээ буух вэ", user_id=TEACHER)
    clock.moment += timedelta(minutes=1)
    sent = await admin.command("/stats")
    assert any(call.method == "sendPhoto" for call in admin.api.calls)
    assert sent[-1]["text"]
    report = (await admin.command("/unanswered"))[0]["text"]
    assert "цалин хэзээ буух вэ" in report


@pytest.mark.parametrize("text", ["/faq", "/faq_add", "/faq_export", "/faq_history",
                                  "/suggestions", "/stats", "/unanswered"])
async def test_admin_commands_are_unknown_to_everyone_else(admin: Admin, text: str) -> None:
    sent = await admin.command(text, user_id=TEACHER)
    assert "Ийм тушаал байхгүй" in sent[0]["text"]
    assert not any(call.method in ("sendDocument", "sendPhoto") for call in admin.api.calls)


@pytest.mark.parametrize("action", ["adm:show:thanks", "adm:delok:thanks", "adm:page:1",
                                    "adm:sugnew:1", "adm:save:x"])
async def test_admin_buttons_are_refused_for_everyone_else(
    admin: Admin, action: str, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await admin.press(action, user_id=TEACHER)
    answered = admin.api.sent("answerCallbackQuery")[-1]
    assert answered["show_alert"] is True and "Зөвшөөрөлгүй" in answered["text"]
    async with sessions() as session:
        assert "thanks" in {e.id for e in await knowledge.entries(session)}


async def test_guided_steps_survive_a_restart(
    admin: Admin, live_engine: Desk, settings: Settings
) -> None:
    await admin.command("/faq_add")
    api = FakeBotApi()
    application = build_application(
        token_settings(settings, admin_ids=frozenset({ADMIN})), live_engine,
        request=RecordingRequest(api))
    async with application:
        restarted = Admin(application, api)
        reply = await restarted.say("winter_school", user_id=ADMIN)
    assert "асуултын" in reply[0]["text"] or "хувилбар" in reply[0]["text"]
    time.sleep(0)


async def test_a_slow_workbook_is_refused_and_teachers_are_answered_meanwhile(
    admin: Admin, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """The import runs beside the update loop, in a child process that is killed at the time
    limit: the teacher who writes meanwhile is answered before the admin hears back."""
    from bot.desk.sandbox import Limits
    from tests.test_roster import sample_xlsx

    admin.application.bot_data.admin_desk.read_limits = Limits(seconds=0.2)
    file_id = f"f{updates.next_id()}"
    admin.api.files[file_id] = sample_xlsx()
    content = {"document": {"file_id": file_id, "file_unique_id": file_id,
                            "file_name": "жагсаалт.xlsx"}}
    note = await admin.feed(updates.message_update(content, ADMIN, FIRST_NAME))
    assert [IMPORTING_NOTE in m["text"] for m in note] == [True]
    answered = await admin.say("Сайн байна уу")
    assert answered and int(answered[0]["chat_id"]) == TEACHER
    assert len(admin.api.texts(ADMIN)) == 1  # the report is still to come
    deadline = time.monotonic() + 30
    while len(admin.api.texts(ADMIN)) == 1 and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    assert "0.2 секундээс удсан" in admin.api.texts(ADMIN)[-1]
    async with sessions() as session:
        assert not list(await session.scalars(select(RosterEntry)))
