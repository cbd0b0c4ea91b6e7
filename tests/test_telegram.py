"""The teacher's Telegram chat, end to end through the real PTB Application, offline."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Update
from telegram.ext import Application, ContextTypes

from bot.channels.bodies import MAX_BODY
from bot.channels.telegram.app import build_application, register_commands
from bot.channels.telegram.render import split_text
from bot.channels.telegram.sendrate import SendRate
from bot.config import Settings
from bot.desk import outbox
from bot.desk.engine import Desk
from bot.runtime import Runtime
from bot.storage.models import Feedback, Person, ProcessedEvent, utcnow
from bot.web import create_web_app
from tests import updates
from tests.fake_telegram import FakeBotApi, RecordingRequest

TEACHER = 4242
FIRST_NAME = "Сараа"  # the teacher's, and everyone else's in these tests


class Bot:
    """An Application on the fake Bot API, with an error handler that fails the test."""

    def __init__(self, application: Application, api: FakeBotApi) -> None:  # type: ignore[type-arg]
        self.application = application
        self.api = api
        self.errors: list[BaseException] = []

        async def fail(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
            self.errors.append(context.error or RuntimeError("unknown"))

        application.add_error_handler(fail)

    async def feed(self, update: dict[str, Any]) -> list[dict[str, Any]]:
        """Process one update; the messages it caused."""
        before = len(self.api.sent())
        await self.application.process_update(Update.de_json(update, self.application.bot))
        assert not self.errors, self.errors
        return self.api.sent()[before:]

    async def say(self, text: str, user_id: int = TEACHER) -> list[dict[str, Any]]:
        return await self.feed(updates.text(text, user_id, FIRST_NAME))

    async def press(self, data: str, user_id: int = TEACHER) -> list[dict[str, Any]]:
        pressed_on = updates.message({"text": "..."}, user_id, FIRST_NAME)
        return await self.feed(
            updates.button(data, user_id, FIRST_NAME, chat_instance="ci", message=pressed_on)
        )


def token_settings(settings: Settings, **changes: Any) -> Settings:
    return settings.model_copy(update={"telegram_token": SecretStr("123:TEST"), **changes})


@pytest.fixture
async def bot(engine: Desk, settings: Settings) -> AsyncIterator[Bot]:
    api = FakeBotApi()
    application = build_application(
        token_settings(settings),
        engine,
        request=RecordingRequest(api),
        get_updates_request=RecordingRequest(api),
    )
    async with application:
        yield Bot(application, api)


def inline_data(sent: dict[str, Any]) -> list[str]:
    markup = sent.get("reply_markup") or {}
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


async def test_start_language_cohort_schedule_with_frozen_clock(bot: Bot) -> None:
    sent = await bot.say("/start")
    assert sent[0]["text"].startswith("Сайн байна уу, Сараа!")
    assert sent[0]["parse_mode"] == "HTML"
    keyboard = sent[0]["reply_markup"]["keyboard"]
    assert [b["text"] for row in keyboard for b in row] == [
        "Хуваарь",
        "Нууц үг / имэйл",
        "Батламж",
        "Ажилтантай холбогдох",
    ]
    assert sent[0]["reply_markup"]["is_persistent"] is True
    assert inline_data(sent[1]) == ["lang:mn", "lang:en"]
    sent = await bot.press("lang:mn")
    assert inline_data(sent[-1]) == [
        "cohort:1", "cohort:5", "cohort:10", "cohort:0", "cohort:unsure"
    ]
    await bot.press("cohort:5")
    sent = await bot.say("Хуваарь")
    assert "Цахим сургалт одоо явагдаж байна, 13 хоногийн дараа дуусна." in sent[0]["text"]
    # Pressed buttons are taken off their message, so they cannot be pressed twice.
    assert bot.api.sent("editMessageReplyMarkup")


async def test_question_about_another_cohort_in_latin_letters(bot: Bot) -> None:
    await bot.press("cohort:5")
    sent = await bot.say("10 dahi jiliinhnii surgalt hezee ehleh ve")
    assert "10 дахь жил" in sent[0]["text"]
    assert "2021 оны 1-р сарын 15" in sent[0]["text"]


async def test_latin_script_question_gets_the_faq_answer(bot: Bot, engine: Desk) -> None:
    sent = await bot.say("esis iin nuuts ugee martchihlaa yaah ve")
    assert sent[0]["text"].startswith(engine.knowledge.answer("esis_password", "mn"))
    assert inline_data(sent[-1]) == ["solved:yes", "solved:no"]


async def test_recovery_flow_solved(bot: Bot) -> None:
    sent = await bot.say("Нууц үг / имэйл")
    assert inline_data(sent[0]) == ["rec:esis", "rec:elearning"]
    sent = await bot.press("rec:esis")
    assert inline_data(sent[0]) == ["lost:password", "lost:login", "lost:email"]
    sent = await bot.press("lost:login")
    assert inline_data(sent[-1]) == ["solved:yes", "solved:no"]
    sent = await bot.press("solved:yes")
    assert "Шийдэгдсэнд баяртай" in sent[0]["text"]


async def test_recovery_flow_not_solved_offers_a_person(bot: Bot, engine: Desk) -> None:
    await bot.say("Нууц үг / имэйл")
    await bot.press("rec:elearning")
    await bot.press("lost:password")
    sent = await bot.press("solved:no")
    assert sent[0]["text"] == engine.knowledge.answer("contact", "mn")
    assert "арга зүйчид дамжуулах уу" in sent[1]["text"]  # offered, the teacher decides
    assert "арга зүйчид дамжууллаа" in (await bot.press("human:yes"))[0]["text"]


async def test_feedback_buttons_store_the_vote(
    bot: Bot, sessions: async_sessionmaker[AsyncSession]
) -> None:
    sent = await bot.say("сургалт ямар хэлбэрээр явагдах вэ")
    down = next(d for d in inline_data(sent[-1]) if d.startswith("fb:down:"))
    await bot.press(down)
    async with sessions() as session:
        vote = await session.scalar(select(Feedback))
    assert vote is not None and not vote.helpful and vote.entry_id == "format"


@pytest.mark.parametrize(
    "content",
    [
        {
            "sticker": {
                "file_id": "s",
                "file_unique_id": "s",
                "width": 1,
                "height": 1,
                "is_animated": False,
                "is_video": False,
                "type": "regular",
            }
        },
        {"photo": [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]},
        {"voice": {"file_id": "v", "file_unique_id": "v", "duration": 1}},
        {"video": {"file_id": "v", "file_unique_id": "v", "width": 1, "height": 1, "duration": 1}},
        {"document": {"file_id": "d", "file_unique_id": "d", "file_name": "a.pdf"}},
        {"location": {"latitude": 47.9, "longitude": 106.9}},
        {"contact": {"phone_number": "+97699999999", "first_name": "Бат"}},
        {
            "poll": {
                "id": "1",
                "question": "?",
                "options": [],
                "total_voter_count": 0,
                "is_closed": False,
                "is_anonymous": True,
                "type": "regular",
                "allows_multiple_answers": False,
                "allows_revoting": False,
                "members_only": False,
            }
        },
    ],
    ids=lambda content: next(iter(content)),
)
async def test_non_text_in_private_gets_a_polite_reply(bot: Bot, content: dict[str, Any]) -> None:
    sent = await bot.feed(updates.message_update(content, TEACHER, FIRST_NAME))
    assert len(sent) == 1
    assert "Би зөвхөн текст уншина" in sent[0]["text"]


async def test_edited_message_gets_a_polite_reply(bot: Bot) -> None:
    sent = await bot.feed(updates.edited(updates.message({"text": "засвар"}, TEACHER, FIRST_NAME)))
    assert "шинэ зурвас" in sent[0]["text"]


async def test_groups_and_channels_get_silence(bot: Bot) -> None:
    group = updates.supergroup(-100500, "Сургууль")
    assert await bot.feed(updates.text("сайн уу", TEACHER, FIRST_NAME, chat=group)) == []
    assert await bot.feed(updates.channel_post(-100600, "Мэдээ", "мэдээ")) == []


async def test_a_restart_in_the_middle_of_a_flow_continues_it(
    bot: Bot,
    engine: Desk,
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await bot.say("Нууц үг / имэйл")
    await bot.press("rec:esis")
    restarted_engine = Desk(sessions, engine.knowledge, engine.schedule, clock=engine.clock)
    api = FakeBotApi()
    application = build_application(
        token_settings(settings), restarted_engine, request=RecordingRequest(api)
    )
    async with application:
        restarted = Bot(application, api)
        sent = await restarted.press("lost:password")
    assert sent[0]["text"].startswith(engine.knowledge.answer("esis_password", "mn"))


async def test_429_parks_the_reply_for_that_chat_until_retry_after_then_it_arrives_once(
    bot: Bot,
) -> None:
    """The turn does not wait out Telegram's retry_after (other chats would wait with it): the
    reply goes to the outbox, due when Telegram said, and is delivered from there once."""
    bot.api.fail_next("sendMessage", 429, parameters={"retry_after": 25})
    assert await bot.say("сургалт ямар хэлбэрээр явагдах вэ") == []
    assert [c.method for c in bot.api.calls].count("sendMessage!429") == 1
    desk = bot.application.bot_data.desk
    send = bot.application.bot_data.outbox_sender

    async def deliver(after: timedelta) -> int:
        return await outbox.deliver_due(desk.sessions, ("telegram",), send, utcnow() + after)

    assert await deliver(timedelta(seconds=20)) == 0  # Telegram said 25 s
    assert await deliver(timedelta(seconds=26)) == 1
    assert await deliver(timedelta(seconds=60)) == 0
    assert len(bot.api.texts(TEACHER)) == 1


async def test_long_answers_are_split_at_paragraphs() -> None:
    paragraph = "Мөр " * 300
    text = "\n\n".join([paragraph.strip()] * 5)
    pieces = split_text(text)
    assert all(len(piece) <= 4096 for piece in pieces)
    assert "\n\n".join(pieces) == text


async def test_commands_are_registered_in_both_languages(bot: Bot) -> None:
    await register_commands(bot.application)
    registered = bot.api.sent("setMyCommands")
    assert {params.get("language_code") for params in registered} == {None, "en"}
    mn = next(p for p in registered if p.get("language_code") is None)
    assert {c["command"] for c in mn["commands"]} == {
        "start", "menu", "help", "lang", "cohort", "stop_reminders"
    }


async def test_person_is_stored_per_channel(
    bot: Bot, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await bot.say("/start")
    async with sessions() as session:
        person = await session.scalar(select(Person))
    assert person is not None
    assert (person.channel, person.external_id, person.display_name) == (
        "telegram",
        str(TEACHER),
        "Сараа",
    )


async def test_webhook_checks_the_secret(
    bot: Bot, settings: Settings, engine: Desk, database_url: str
) -> None:
    from bot.storage.db import create_engine, session_factory

    database = create_engine(database_url)
    desk = Runtime(
        token_settings(settings, webhook_secret=SecretStr("s3cret")),
        database,
        session_factory(database),
        engine,
    )
    app = create_web_app(desk, bot.application)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        update = updates.text("/start", TEACHER, FIRST_NAME)
        assert (await client.post("/telegram", json=update)).status_code == 403
        wrong = {"X-Telegram-Bot-Api-Secret-Token": "nope"}
        assert (await client.post("/telegram", json=update, headers=wrong)).status_code == 403
        assert bot.api.sent() == []  # nothing was processed
        right = {"X-Telegram-Bot-Api-Secret-Token": "s3cret"}
        assert (await client.post("/telegram", json=update, headers=right)).status_code == 200
        # Answered before the 200 that confirms the update to Telegram.
        assert bot.api.sent()[0]["text"].startswith("Сайн байна уу, Сараа!")
        assert (await client.get("/healthz")).status_code == 200
        deep = "[" * 100_000 + "]" * 100_000  # JSON nested past any parser's recursion
        for shape in ("[]", "null", '"x"', '{"message": {}}', deep):  # JSON, but no Update
            posted = await client.post("/telegram", content=shape.encode(), headers=right)
            assert posted.status_code == 400, shape[:20]
        assert (await client.post("/telegram", content=b"{", headers=right)).status_code == 400
        huge = b"[" + b" " * MAX_BODY + b"]"
        assert (await client.post("/telegram", content=huge, headers=right)).status_code == 413
    await database.dispose()


async def test_the_same_update_delivered_twice_is_answered_once(bot: Bot) -> None:
    update = updates.text("сургалт ямар хэлбэрээр явагдах вэ", TEACHER, FIRST_NAME)
    first = await bot.feed(update)
    again = await bot.feed(update)  # a webhook retry, or a replay after a crash
    assert len(first) == 1 and again == []


async def test_a_sent_mark_rides_in_the_next_transaction_or_the_outbox_jobs_flush(
    bot: Bot, engine: Desk
) -> None:
    """The replies a turn kept stay kept until Telegram took them; then the mark costs no
    transaction of its own: the next turn writes it, or `flush_sent` when none comes."""

    async def kept() -> list[Any]:
        async with engine.sessions() as session:
            return list((await session.scalars(select(ProcessedEvent.replies))).all())

    await bot.say("сургалт ямар хэлбэрээр явагдах вэ")
    (replies,) = await kept()
    assert len(replies) == 1  # sent, but the mark waits in memory
    await bot.say("сургалт хэзээ эхлэх вэ", user_id=TEACHER + 1)  # another teacher's turn
    assert sorted(len(r) for r in await kept()) == [0, 1]  # the first marked, the second kept
    await engine.flush_sent()
    assert await kept() == [[], []]


@pytest.mark.parametrize(("rate", "limited"), [(0.0, False), (12.0, True)])
def test_the_send_rate_setting_sets_or_removes_the_limiter(
    settings: Settings, engine: Desk, rate: float, limited: bool
) -> None:
    configured = token_settings(settings, telegram_max_rate=rate)
    application = build_application(configured, engine)
    limiter = application.bot.rate_limiter
    assert isinstance(limiter, SendRate) is limited
    if limited:
        assert limiter._overall.max_rate == rate
