"""The staff queue end to end: teacher ↔ staff group through the real PTB Application, offline."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.telegram.app import build_application
from bot.channels.telegram.sendrate import SendRate
from bot.config import Settings
from bot.desk import outbox, tickets
from bot.desk.engine import Desk
from bot.desk.flows.escalation import asks_the_hours, problem_beside_a_person_request
from bot.storage.db import create_engine, session_factory
from bot.storage.models import (
    FaqSuggestion,
    OutboxMessage,
    Ticket,
    TicketEvent,
    TicketMessage,
    utcnow,
)
from tests import updates
from tests.conftest import FrozenClock
from tests.fake_telegram import FakeBotApi, RecordingRequest
from tests.test_telegram import FIRST_NAME, TEACHER, Bot, inline_data, token_settings

STAFF_CHAT = -1001234
METHODOLOGIST = 9001
STRANGER = 9666


def staff_update(content: dict[str, Any], user_id: int = METHODOLOGIST, thread: int | None = None,
                 reply_to: dict[str, Any] | None = None) -> dict[str, Any]:
    """Болд (whoever `user_id` is) writing in the staff group: in topic `thread` if given,
    replying to the message `reply_to` if given."""
    group = updates.supergroup(STAFF_CHAT, forum=True)
    return updates.message_update(content, user_id, "Болд", chat=group, thread=thread,
                                  reply_to=reply_to)


def staff_button(data: str, user_id: int = METHODOLOGIST) -> dict[str, Any]:
    return updates.button(data, user_id, "Болд", chat_instance="staff")


class StaffDesk(Bot):
    """The bot plus its outbox worker, as the JobQueue would run it."""

    async def deliver(self) -> int:
        """Run the outbox worker until nothing more is due; how many rows went out."""
        data = self.application.bot_data
        engine = data.desk
        total = 0
        while delivered := await outbox.deliver_due(
            engine.sessions, ("telegram", tickets.STAFF_CHANNEL),
            data.outbox_sender, now=engine.clock(),
            on_give_up=tickets.unreachable_hook(str(STAFF_CHAT)),
        ):
            total += delivered
        return total

    def thread_of_topic(self) -> int:
        created = [c for c in self.api.calls if c.method == "createForumTopic"]
        assert len(created) == 1
        card = next(p for p in self.api.sent() if "staff:claim:" in str(p.get("reply_markup")))
        return int(card["message_thread_id"])

    def alerts(self) -> list[str]:
        return [p.get("text", "") for p in self.api.sent("answerCallbackQuery")]


@pytest.fixture
def clock() -> FrozenClock:
    """Now, frozen a minute ahead: rows the desk stamps with the real clock (staff notices,
    cards) are due at the desk's clock however slowly a loaded machine runs the test."""
    return FrozenClock(utcnow() + timedelta(minutes=1))


def staff_settings(settings: Settings) -> Settings:
    return token_settings(settings, staff_chat_id=STAFF_CHAT, admin_ids=frozenset({1}))


def staff_engine(engine: Desk) -> Desk:
    return Desk(engine.sessions, engine.knowledge, engine.schedule, clock=engine.clock,
                  staff_chat=str(STAFF_CHAT))


async def open_desk(engine: Desk, settings: Settings, api: FakeBotApi) -> StaffDesk:
    # The group's 20 a minute is paced in real time; these tests post to it faster than that
    # with a frozen clock (tests/bench/rush.py measures the pacing against a strict fake).
    application = build_application(staff_settings(settings), staff_engine(engine),
                                    request=RecordingRequest(api),
                                    rate_limiter=SendRate(30, group_per_minute=100_000))
    await application.initialize()
    return StaffDesk(application, api)


@pytest.fixture
async def desk(engine: Desk, settings: Settings) -> AsyncIterator[StaffDesk]:
    api = FakeBotApi(forums={STAFF_CHAT}, members={METHODOLOGIST})
    desk = await open_desk(engine, settings, api)
    yield desk
    await desk.application.shutdown()


async def test_round_trip_ticket_topic_claim_reply_followup_close_csat(
    desk: StaffDesk, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await desk.press("cohort:5")
    sent = await desk.say("Ажилтантай холбогдмоор байна, батламж маань ESIS-д алга")
    assert "хүсэлт №1" in sent[0]["text"]
    await desk.deliver()
    topic = next(c for c in desk.api.calls if c.method == "createForumTopic")
    assert topic.params["name"].startswith("#1 · 5 дахь жил · Ажилтантай")
    thread = desk.thread_of_topic()
    card = desk.api.sent()[-1]
    assert int(card["chat_id"]) == STAFF_CHAT
    assert "батламж маань ESIS-д алга" in card["text"]
    assert inline_data(card) == ["staff:claim:1", "staff:close:1", "staff:faq:1"]

    await desk.feed(staff_button("staff:claim:1"))
    assert "таных" in desk.alerts()[-1]

    await desk.feed(staff_update({"text": "Сургуулийнхаа менежерт хандаарай"}, thread=thread))
    await desk.feed(staff_update({"text": "!дотоод тэмдэглэл"}, thread=thread))
    before = len(desk.api.texts(TEACHER))
    await desk.deliver()
    relayed = desk.api.texts(TEACHER)[before:]
    assert len(relayed) == 1  # the internal note stayed in the group
    assert relayed[0].startswith("<b>Болд</b> (арга зүйч), хүсэлт №1:")
    assert "Сургуулийнхаа менежерт хандаарай" in relayed[0]

    followup = await desk.say("сургалт хэзээ эхлэх вэ")  # a FAQ question, while the ticket is open
    assert "№1 хүсэлтэд нэмлээ" in followup[0]["text"]
    await desk.deliver()
    in_topic = desk.api.sent()[-1]
    assert in_topic["message_thread_id"] == thread
    assert "сургалт хэзээ эхлэх вэ" in in_topic["text"]

    await desk.feed(staff_update(updates.command("/close 1"), thread=thread))
    await desk.deliver()
    closing = [p for p in desk.api.sent() if int(p["chat_id"]) == TEACHER][-1]
    assert "хүсэлтийг хаалаа" in closing["text"]
    assert inline_data(closing) == [f"csat:{n}:1" for n in range(1, 6)]
    await desk.press("csat:5:1")
    answered = await desk.say("сургалт ямар хэлбэрээр явагдах вэ")  # the bot answers again
    assert "fb:up:" in str(answered[-1].get("reply_markup"))

    async with sessions() as session:
        ticket = await session.get(Ticket, 1)
        assert ticket is not None
        assert (ticket.status, ticket.csat, ticket.claimed_by) == ("closed", 5, "Болд")
        events = [e.action for e in await session.scalars(
            select(TicketEvent).order_by(TicketEvent.id))]
        assert events == ["opened", "claimed", "closed", "rated 5"]
        notes = list(await session.scalars(select(TicketMessage).where(TicketMessage.internal)))
        assert [n.text for n in notes] == ["дотоод тэмдэглэл"]


async def test_a_stranger_pressing_claim_is_refused_and_nothing_changes(
    desk: StaffDesk, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await desk.say("хүнтэй ярих, батламжаа олохгүй байна")
    await desk.feed(staff_button("staff:claim:1", user_id=STRANGER))
    assert "Зөвшөөрөлгүй" in desk.alerts()[-1]
    await desk.feed(staff_update(updates.command("/queue"), user_id=STRANGER))
    assert "Зөвшөөрөлгүй" in desk.api.sent()[-1]["text"]
    async with sessions() as session:
        ticket = await session.get(Ticket, 1)
        assert ticket is not None and ticket.status == "open" and ticket.claimed_by is None


async def test_queue_lists_open_tickets_with_age_and_owner(
    desk: StaffDesk, clock: FrozenClock
) -> None:
    await desk.say("хүнтэй ярих, батламжаа олохгүй байна")
    clock.moment += timedelta(minutes=75)
    await desk.feed(staff_update(updates.command("/queue")))
    listing = desk.api.sent()[-1]["text"]
    assert listing.startswith("#1 · 1 ц 15 мин · нээлттэй · хэн ч биш")


@pytest.mark.parametrize("status", [429, 502])
async def test_bot_api_errors_during_a_relay_deliver_once_after_recovery(
    desk: StaffDesk, status: int, clock: FrozenClock
) -> None:
    await desk.say("хүнтэй ярих, батламжаа олохгүй байна")
    await desk.deliver()
    thread = desk.thread_of_topic()
    await desk.feed(staff_update({"text": "Зөв хариу 42"}, thread=thread))
    desk.api.fail_next("sendMessage", status, parameters={"retry_after": 1})
    desk.api.fail_next("sendMessage", status, parameters={"retry_after": 1})
    desk.api.fail_next("sendMessage", status, parameters={"retry_after": 1})
    desk.api.fail_next("sendMessage", status, parameters={"retry_after": 1})
    await desk.deliver()
    assert not [t for t in desk.api.texts(TEACHER) if "Зөв хариу 42" in t]
    for _attempt in range(5):  # each attempt meets one failure (a 429 is not retried inline)
        clock.moment += timedelta(minutes=5)
        await desk.deliver()
    assert not desk.api.failures  # all four failures were met …
    assert len([t for t in desk.api.texts(TEACHER) if "Зөв хариу 42" in t]) == 1  # … then once


async def test_undelivered_rows_are_delivered_after_a_restart(
    desk: StaffDesk, engine: Desk, settings: Settings
) -> None:
    # the card waits in the outbox: nobody delivered it
    await desk.say("хүнтэй ярих, батламжаа олохгүй байна")
    await desk.application.shutdown()
    api = FakeBotApi(forums={STAFF_CHAT}, members={METHODOLOGIST})
    restarted = await open_desk(engine, settings, api)
    assert await restarted.deliver() == 1
    assert [c.method for c in api.calls].count("createForumTopic") == 1
    await restarted.application.shutdown()


async def test_a_teacher_who_blocked_the_bot_is_marked_and_staff_told(
    desk: StaffDesk, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await desk.say("хүнтэй ярих, батламжаа олохгүй байна")
    await desk.deliver()
    thread = desk.thread_of_topic()
    await desk.feed(staff_update({"text": "Сайн байна уу"}, thread=thread))
    desk.api.fail_next("sendMessage", 403, description="Forbidden: bot was blocked by the user")
    await desk.deliver()
    await desk.deliver()
    assert "бот-ыг хаасан" in desk.api.sent()[-1]["text"]
    async with sessions() as session:
        ticket = await session.get(Ticket, 1)
        assert ticket is not None and ticket.teacher_unreachable
        dead = list(await session.scalars(select(OutboxMessage).where(OutboxMessage.dead)))
        assert len(dead) == 1


async def test_cancel_by_the_teacher_tells_the_staff(desk: StaffDesk) -> None:
    await desk.say("хүнтэй ярих, батламжаа олохгүй байна")
    sent = await desk.press("ticket:cancel")
    assert "цуцаллаа" in sent[0]["text"]
    await desk.deliver()
    assert "цуцаллаа" in desk.api.sent()[-1]["text"]


async def test_a_group_without_topics_gets_a_card_that_staff_reply_to(
    engine: Desk, settings: Settings
) -> None:
    api = FakeBotApi(members={METHODOLOGIST})
    desk = await open_desk(engine, settings, api)
    await desk.say("хүнтэй ярих, батламжаа олохгүй байна")
    await desk.deliver()
    card = api.sent()[-1]
    assert "message_thread_id" not in card
    card_id = 5000 + len(api.calls) - 1  # the fake numbers messages in order
    replies = [c for c in api.calls if c.method == "sendMessage"]
    assert replies
    card_in_group = {"id": STAFF_CHAT, "type": "supergroup"}
    reply = staff_update({"text": "Ойлголоо"},
                         reply_to=updates.earlier(card_in_group, message_id=card_id))
    async with engine.sessions() as session:
        ticket = await session.get(Ticket, 1)
        assert ticket is not None and ticket.staff_card_message_id is not None
        reply["message"]["reply_to_message"]["message_id"] = ticket.staff_card_message_id
    await desk.feed(reply)
    await desk.deliver()
    assert any("Ойлголоо" in t for t in api.texts(TEACHER))
    await desk.application.shutdown()


async def test_idle_tickets_close_and_unclaimed_ones_are_reminded_once(
    sessions: async_sessionmaker[AsyncSession], engine: Desk, clock: FrozenClock
) -> None:
    staffed = staff_engine(engine)
    from tests.support import send

    await send(staffed, "хүнтэй ярих, батламжаа олохгүй байна", user="1")
    await send(staffed, "хүнтэй ярих, батламжаа олохгүй байна", user="2")
    clock.moment += timedelta(minutes=45)
    async with sessions.begin() as session:
        reminded = await tickets.remind_unclaimed(
            session, clock(), timedelta(minutes=30), str(STAFF_CHAT))
    async with sessions.begin() as session:
        again = await tickets.remind_unclaimed(
            session, clock(), timedelta(minutes=30), str(STAFF_CHAT))
    assert (reminded, again) == ([1, 2], [])
    clock.moment += timedelta(days=7, minutes=1)
    async with sessions.begin() as session:
        first, second = await session.get(Ticket, 1), await session.get(Ticket, 2)
        assert first is not None and second is not None
        first.updated_at = clock() - timedelta(days=8)
        second.updated_at = clock() - timedelta(days=1)  # ticket 2 saw activity yesterday
        closed = await tickets.close_idle(session, clock(), timedelta(days=7), str(STAFF_CHAT))
    assert closed == [1]


@pytest.mark.postgresql
async def test_two_workers_on_postgresql_deliver_each_row_exactly_once(
    postgres_url: str, engine: Desk
) -> None:
    from sqlalchemy import text

    setup = create_engine(postgres_url)
    async with setup.begin() as connection:
        await connection.execute(text("TRUNCATE outbox RESTART IDENTITY CASCADE"))
    await setup.dispose()
    workers = [create_engine(postgres_url) for _ in range(2)]
    factories = [session_factory(w) for w in workers]
    async with factories[0].begin() as session:
        for n in range(200):
            session.add(OutboxMessage(channel="telegram", chat_id=str(n % 40),
                                      payload={"text": str(n)}))
    delivered: list[str] = []

    async def send(row: OutboxMessage) -> outbox.Outcome:
        await asyncio.sleep(0.001)
        delivered.append(row.payload["text"])
        return outbox.Delivered(row.payload["text"])

    async def work(factory: async_sessionmaker[AsyncSession]) -> None:
        while await outbox.deliver_due(factory, ("telegram",), send):
            pass

    await asyncio.gather(*(work(f) for f in factories))
    await asyncio.gather(*(w.dispose() for w in workers))
    assert sorted(delivered, key=int) == [str(n) for n in range(200)]


@pytest.mark.parametrize("text", ["/queue", "/mine", "/close 1", "/reopen 1"])
async def test_every_staff_command_is_refused_for_non_members(
    desk: StaffDesk, text: str, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await desk.say("хүнтэй ярих, батламжаа олохгүй байна")
    await desk.feed(staff_update(updates.command(text), user_id=STRANGER))
    assert "Зөвшөөрөлгүй" in desk.api.sent()[-1]["text"]
    async with sessions() as session:
        ticket = await session.get(Ticket, 1)
        assert ticket is not None and ticket.status == "open"


@pytest.mark.parametrize("action", ["staff:claim:1", "staff:close:1", "staff:faq:1"])
async def test_every_staff_button_is_refused_for_non_members(
    desk: StaffDesk, action: str, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await desk.say("хүнтэй ярих, батламжаа олохгүй байна")
    await desk.feed(staff_button(action, user_id=TEACHER))  # the teacher forging a button
    assert "Зөвшөөрөлгүй" in desk.alerts()[-1]
    async with sessions() as session:
        ticket = await session.get(Ticket, 1)
        assert ticket is not None and (ticket.status, ticket.claimed_by) == ("open", None)
        assert await session.scalar(select(FaqSuggestion)) is None


async def test_photos_and_documents_are_relayed_both_ways(desk: StaffDesk) -> None:
    await desk.say("хүнтэй ярих, батламжаа олохгүй байна")
    await desk.deliver()
    thread = desk.thread_of_topic()
    photo = [{"file_id": "staff-photo", "file_unique_id": "p", "width": 1, "height": 1}]
    await desk.feed(staff_update({"photo": photo, "caption": "Энэ зургийг үзээрэй"},
                                 thread=thread))
    document = {"file_id": "teacher-doc", "file_unique_id": "d", "file_name": "дүн.pdf"}
    await desk.feed(updates.message_update({"document": document, "caption": "миний дүн"},
                                           TEACHER, FIRST_NAME))
    await desk.deliver()
    to_teacher = desk.api.sent("sendPhoto")
    assert [(int(p["chat_id"]), p["photo"]) for p in to_teacher] == [(TEACHER, "staff-photo")]
    assert "Энэ зургийг үзээрэй" in to_teacher[0]["caption"]
    to_staff = desk.api.sent("sendDocument")
    assert [(int(p["chat_id"]), p["document"]) for p in to_staff] == [(STAFF_CHAT, "teacher-doc")]
    assert to_staff[0]["message_thread_id"] == thread and "миний дүн" in to_staff[0]["caption"]


async def test_a_staff_name_with_a_bracket_does_not_stall_the_staff_group(
    desk: StaffDesk, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """"<Болд" claims and closes: the notices go out escaped, the cards after them too; a
    message Telegram still cannot parse goes as plain text, so nothing waits behind it."""
    await desk.say("хүнтэй ярих, батламжаа олохгүй байна")
    await desk.deliver()
    bracket = updates.button("staff:claim:1", METHODOLOGIST, "<Болд", chat_instance="staff")
    await desk.feed(bracket)
    await desk.deliver()
    assert any("&lt;Болд" in text for text in desk.api.texts(STAFF_CHAT))
    async with sessions.begin() as session:  # an unescaped "<" that slipped in elsewhere
        ticket = await session.get(Ticket, 1)
        assert ticket is not None
        tickets.notice(session, str(STAFF_CHAT), ticket, "Багш <3 гэж бичлээ")
    await desk.say("хүнтэй ярих, батламжаа олохгүй байна", user_id=TEACHER + 1)
    await desk.deliver()
    texts = desk.api.texts(STAFF_CHAT)
    assert "Багш <3 гэж бичлээ" in texts  # sent as plain text after Telegram's 400
    assert any("№2" in text or "#2" in text for text in texts)  # the next card went out
    async with sessions() as session:
        stuck = await session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
        )
    assert stuck == 0


async def test_a_methodologist_removed_from_the_group_loses_access_at_once(
    desk: StaffDesk,
) -> None:
    await desk.say("хүнтэй ярих, батламжаа олохгүй байна")
    await desk.feed(staff_update(updates.command("/queue")))  # a member: answered, and cached
    assert "#1" in desk.api.sent()[-1]["text"]
    group = updates.supergroup(STAFF_CHAT, forum=True)
    await desk.feed(updates.member_change(group, METHODOLOGIST, "Болд", "member", "left"))
    await desk.feed(staff_button("staff:claim:1"))  # within the cache's minutes
    assert "Зөвшөөрөлгүй" in desk.alerts()[-1]


async def test_a_rush_of_new_tickets_is_announced_in_one_digest_and_a_claim_brings_the_card(
    desk: StaffDesk, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """Five tickets wait a minute for the staff group's queue to move (it takes ~20 messages
    a minute): one message lists them all, each claimable; claiming one posts its card, in
    its own topic, and a reply there reaches that teacher. Three opened at once but posted
    at once get a card each."""
    teachers = list(range(7001, 7006))
    for teacher in teachers:
        await desk.say("хүнтэй ярих, батламжаа олохгүй байна", user_id=teacher)
    async with sessions.begin() as session:
        await session.execute(
            update(OutboxMessage).values(created_at=utcnow() - timedelta(minutes=1))
        )
    await desk.deliver()
    staff = [p for p in desk.api.sent() if int(p["chat_id"]) == STAFF_CHAT]
    assert len(staff) == 1, [p["text"] for p in staff]
    assert all(f"#{number} ·" in staff[0]["text"] for number in range(1, 6))
    assert inline_data(staff[0]) == [f"staff:claim:{number}" for number in range(1, 6)]
    assert not [c for c in desk.api.calls if c.method == "createForumTopic"]

    await desk.feed(staff_button("staff:claim:3"))
    assert "№3" in desk.alerts()[-1] or "#3" in desk.alerts()[-1]
    await desk.deliver()
    card = next(p for p in desk.api.sent() if "staff:close:3" in str(p.get("reply_markup")))
    assert "батламжаа олохгүй байна" in card["text"]
    await desk.feed(staff_update({"text": "Шалгаж байна"}, thread=int(card["message_thread_id"])))
    await desk.deliver()
    assert any("Шалгаж байна" in text for text in desk.api.texts(teachers[2]))
    assert not any("Шалгаж байна" in text for t in teachers[:2] for text in desk.api.texts(t))


async def test_tickets_opened_together_but_posted_promptly_get_a_card_each(
    desk: StaffDesk,
) -> None:
    for teacher in (7101, 7102, 7103):
        await desk.say("хүнтэй ярих, батламжаа олохгүй байна", user_id=teacher)
    await desk.deliver()
    cards = [p for p in desk.api.sent() if "staff:close:" in str(p.get("reply_markup"))]
    assert len(cards) == 3


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("hvntei yarimaar bn webinar-iin link irehgui bna", "webinar-iin link irehgui bna"),
        ("arga zuichtei holbogdmoor bn esis nuuts ug martsan", "esis nuuts ug martsan"),
        ("Нэг онигоо ярьж өгөөч", None),  # "tell me a joke": nobody to talk to
        ("Ta hen be? yamar baiguullagiin chat ve ene", None),
    ],
)
def test_a_request_to_talk_names_someone(text: str, problem: str | None) -> None:
    assert problem_beside_a_person_request(text) == problem


def test_the_hours_asked_and_not() -> None:
    """When the methodologists answer, asked; "in person" and "how does it work" are no such
    question."""
    assert asks_the_hours("arga zuich hezee hariulah ve")
    assert asks_the_hours("how long until a methodologist answers?")
    assert not asks_the_hours(
        "Five years ago I attended the training in person at the institute. How does it work now?"
    )
