"""The Messenger channel end to end: signed webhooks into the ASGI app, a fake Graph API out."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.bodies import MAX_BODY
from bot.channels.messenger import (
    CHANNEL,
    TEXT_LIMIT,
    UNREACHABLE,
    WINDOW_CLOSED,
    Messenger,
    TokenRejected,
    classify,
    messaging_type,
    render,
    shorten,
    window_notice,
)
from bot.config import Settings, SettingsError
from bot.desk import outbox, tickets
from bot.desk.engine import Desk
from bot.desk.messages import Attachment
from bot.desk.outbox import Payload
from bot.i18n import _, use_language
from bot.runtime import Runtime
from bot.serve import channels_of
from bot.storage.db import create_engine, session_factory, upgrade
from bot.storage.models import MessageLog, OutboxMessage, Person, Ticket, utcnow
from bot.web import create_web_app
from tests.conftest import FrozenClock
from tests.fake_graph import PAGE_TOKEN, FakeGraph, FakeGraphServer, quick_payloads
from tests.fake_telegram import FakeBotApi, free_port
from tests.test_escalation import METHODOLOGIST, STAFF_CHAT, open_desk, staff_engine, staff_update
from tests.test_escalation import Desk as TelegramDesk

APP_SECRET = "app-secret"
VERIFY_TOKEN = "verify-me"
PAGE_ID = "1000000001"
PSID = "24000000000001"
_mids = itertools.count(1)


# ---- webhook bodies ----------------------------------------------------------------------


def _item(content: dict[str, Any], psid: str = PSID) -> dict[str, Any]:
    return {
        "sender": {"id": psid},
        "recipient": {"id": PAGE_ID},
        "timestamp": int(time.time() * 1000),
        **content,
    }


def text_event(text: str, psid: str = PSID, mid: str | None = None) -> dict[str, Any]:
    return _item({"message": {"mid": mid or f"m_{next(_mids)}", "text": text}}, psid)


def quick_event(title: str, payload: str, psid: str = PSID) -> dict[str, Any]:
    message = {"mid": f"m_{next(_mids)}", "text": title, "quick_reply": {"payload": payload}}
    return _item({"message": message}, psid)


def postback_event(payload: str, psid: str = PSID) -> dict[str, Any]:
    postback = {"mid": f"m_{next(_mids)}", "title": "…", "payload": payload}
    return _item({"postback": postback}, psid)


def webhook(*items: dict[str, Any]) -> dict[str, Any]:
    return {"object": "page", "entry": [{"id": PAGE_ID, "time": 1, "messaging": list(items)}]}


def signature(body: bytes, secret: str = APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signed(payload: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(payload).encode()
    return body, {"X-Hub-Signature-256": signature(body), "Content-Type": "application/json"}


# ---- fixtures ------------------------------------------------------------------------------


@pytest.fixture
def clock() -> FrozenClock:
    """Now, frozen: outbox rows stamped by the database clock are due at the desk's clock."""
    return FrozenClock(utcnow() + timedelta(minutes=1))


@pytest.fixture(scope="module")
def graph_server() -> Iterator[FakeGraphServer]:
    with FakeGraphServer(FakeGraph()) as server:
        yield server


@pytest.fixture
def graph(graph_server: FakeGraphServer) -> FakeGraph:
    graph_server.graph = FakeGraph()
    return graph_server.graph


def messenger_settings(settings: Settings, graph_url: str) -> Settings:
    return settings.model_copy(
        update={
            "messenger_page_token": SecretStr(PAGE_TOKEN),
            "messenger_app_secret": SecretStr(APP_SECRET),
            "messenger_verify_token": SecretStr(VERIFY_TOKEN),
            "messenger_graph_url": graph_url,
            "messenger_page_id": PAGE_ID,
            "staff_chat_id": STAFF_CHAT,
        }
    )


class Page:
    """The web app with the Messenger routes, the channel behind it, and the fake Graph API."""

    def __init__(
        self, desk: Desk, client: httpx.AsyncClient, messenger: Messenger, graph: FakeGraph
    ) -> None:
        self.desk = desk
        self.client = client
        self.messenger = messenger
        self.graph = graph

    async def post(self, payload: dict[str, Any]) -> list[dict[str, Any]]:
        """Deliver a signed webhook, wait for the work behind it; the messages it caused."""
        before = len(self.graph.messages())
        body, headers = signed(payload)
        response = await self.client.post("/messenger", content=body, headers=headers)
        assert response.status_code == 200, response.text
        await self.messenger.drain()
        return self.graph.messages()[before:]

    async def say(self, text: str, psid: str = PSID) -> list[dict[str, Any]]:
        return await self.post(webhook(text_event(text, psid)))

    async def press(self, payload: str, title: str = "…") -> list[dict[str, Any]]:
        return await self.post(webhook(quick_event(title, payload)))

    async def deliver(self) -> list[dict[str, Any]]:
        before = len(self.graph.messages())
        await self.messenger.deliver()
        return self.graph.messages()[before:]


@pytest.fixture
async def page(
    engine: Desk, settings: Settings, graph_server: FakeGraphServer, graph: FakeGraph,
    database_url: str,
) -> AsyncIterator[Page]:
    configured = messenger_settings(settings, graph_server.graph_url)
    messenger = Messenger(staff_engine(engine), configured)
    database = create_engine(database_url)
    desk = Runtime(configured, database, session_factory(database), messenger.desk)
    app = create_web_app(desk, None, messenger)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield Page(desk, client, messenger, graph)
    await messenger.close()
    await database.dispose()


@pytest.fixture
async def staff(engine: Desk, settings: Settings) -> AsyncIterator[TelegramDesk]:
    """The staff side in Telegram, on the same database."""
    api = FakeBotApi(forums={STAFF_CHAT}, members={METHODOLOGIST})
    desk = await open_desk(engine, settings, api)
    yield desk
    await desk.application.shutdown()


def mn(message: str) -> str:
    with use_language("mn"):
        return _(message)


async def person(sessions: async_sessionmaker[AsyncSession], psid: str = PSID) -> Person:
    async with sessions() as session:
        found = await session.scalar(
            select(Person).where(Person.channel == CHANNEL, Person.external_id == psid)
        )
    assert found is not None
    return found


async def last_seen(
    sessions: async_sessionmaker[AsyncSession], clock: FrozenClock, ago: timedelta
) -> None:
    async with sessions.begin() as session:
        found = await session.scalar(select(Person).where(Person.external_id == PSID))
        assert found is not None
        found.last_seen_at = clock() - ago


async def staff_says(staff: TelegramDesk, text: str) -> None:
    """A methodologist answers in the ticket's topic, after its card reached the group."""
    await staff.deliver()
    thread = staff.thread_of_topic()
    await staff.feed(staff_update({"text": text}, thread=thread))


# ---- the webhook ---------------------------------------------------------------------------


async def test_verification_handshake_answers_the_challenge_only_for_the_right_token(
    page: Page,
) -> None:
    query = {"hub.mode": "subscribe", "hub.challenge": "1158201444"}
    right = await page.client.get("/messenger", params={**query, "hub.verify_token": VERIFY_TOKEN})
    assert (right.status_code, right.text) == (200, "1158201444")
    wrong = await page.client.get("/messenger", params={**query, "hub.verify_token": "guess"})
    assert wrong.status_code == 403 and "1158201444" not in wrong.text
    assert (await page.client.get("/messenger", params=query)).status_code == 403
    unsubscribe = {**query, "hub.mode": "unsubscribe", "hub.verify_token": VERIFY_TOKEN}
    assert (await page.client.get("/messenger", params=unsubscribe)).status_code == 403


async def test_a_bad_or_missing_signature_is_refused_and_nothing_processed(
    page: Page, sessions: async_sessionmaker[AsyncSession]
) -> None:
    body, headers = signed(webhook(text_event("сайн байна уу")))
    missing = {"Content-Type": "application/json"}
    other_secret = {**missing, "X-Hub-Signature-256": signature(body, "not-the-secret")}
    other_body = {**missing, "X-Hub-Signature-256": signature(body + b" ")}
    for refused in (missing, other_secret, other_body, {**missing, "X-Hub-Signature-256": ""}):
        response = await page.client.post("/messenger", content=body, headers=refused)
        assert response.status_code == 403
    await page.messenger.drain()
    assert page.graph.calls == []
    async with sessions() as session:
        assert await session.scalar(select(Person)) is None
    assert (await page.client.post("/messenger", content=body, headers=headers)).status_code == 200


async def test_oversized_or_misshapen_bodies_are_refused_before_any_work(page: Page) -> None:
    """A body over the cap gets 413 whether it declares its size or streams it; signed JSON
    that is not a webhook batch gets 400, never a traceback."""
    huge = b"x" * (MAX_BODY + 1)
    response = await page.client.post("/messenger", content=huge)
    assert response.status_code == 413

    async def streamed() -> AsyncIterator[bytes]:
        for _chunk in range(10):
            yield b"y" * (MAX_BODY // 4)

    response = await page.client.post("/messenger", content=streamed())
    assert response.status_code == 413
    for shape in ([], None, "x", {"object": "page", "entry": 5}):
        body = json.dumps(shape).encode()
        headers = {"X-Hub-Signature-256": signature(body), "Content-Type": "application/json"}
        response = await page.client.post("/messenger", content=body, headers=headers)
        assert response.status_code == 400, shape
    await page.messenger.drain()
    assert page.graph.calls == []


async def test_echoes_deliveries_and_reads_are_ignored(
    page: Page, sessions: async_sessionmaker[AsyncSession]
) -> None:
    echo = _item({"message": {"mid": "m_echo", "is_echo": True, "text": "hi", "app_id": 1}})
    delivery = _item({"delivery": {"mids": ["m_1"], "watermark": 1}})
    read = _item({"read": {"watermark": 1}})
    assert await page.post(webhook(echo, delivery, read)) == []
    assert await page.post({"object": "instagram", "entry": []}) == []
    async with sessions() as session:
        assert await session.scalar(select(Person)) is None


async def test_events_for_another_page_of_the_same_app_are_ignored(
    page: Page, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """One Meta app can be subscribed to several pages; this desk answers only its own."""
    other_entry = {"object": "page", "entry": [
        {"id": "2000000002", "time": 1, "messaging": [text_event("нууц үгээ мартсан")]}]}
    assert await page.post(other_entry) == []
    addressed_elsewhere = text_event("нууц үгээ мартсан")
    addressed_elsewhere["recipient"] = {"id": "2000000002"}
    assert await page.post(webhook(addressed_elsewhere)) == []
    async with sessions() as session:
        assert await session.scalar(select(Person)) is None
    assert await page.say("нууц үгээ мартсан")  # the same words to this page are answered


async def test_a_question_is_answered_with_typing_and_feedback_quick_replies(
    page: Page, sessions: async_sessionmaker[AsyncSession]
) -> None:
    sent = await page.say("сургалт ямар хэлбэрээр явагдах вэ")
    assert len(sent) == 1
    answer = sent[0]
    assert answer["recipient"] == {"id": PSID}
    assert answer["messaging_type"] == "RESPONSE" and "tag" not in answer
    assert "онлайн" in answer["message"]["text"] and "<" not in answer["message"]["text"]
    up, down = answer["message"]["quick_replies"]
    assert (up["title"], down["title"]) == ("👍", "👎")
    assert up["payload"].startswith("fb:up:") and up["content_type"] == "text"
    assert page.graph.calls[0].body["sender_action"] == "typing_on"  # before the answer
    assert {call.access_token for call in page.graph.calls} == {PAGE_TOKEN}
    found = await person(sessions)
    assert (found.chat_id, found.language) == (PSID, None)  # the desk asks for the language

    pressed = await page.press(up["payload"], "👍")
    assert pressed[0]["message"]["text"] == mn("Thank you for your feedback!")


async def test_a_quick_reply_sets_the_language_and_the_menu_follows_it(page: Page) -> None:
    saved, cohort = await page.press("lang:en", "English")
    assert saved["message"]["text"] == "Language saved."
    titles = [q["title"] for q in saved["message"]["quick_replies"]]
    assert titles == ["Schedule", "Password / e-mail", "Certificate", "Talk to a person"]
    assert quick_payloads(saved)[0] == "menu:schedule"
    assert cohort["message"]["text"] == "Which year of work are you in?"
    assert quick_payloads(cohort) == [
        "cohort:1", "cohort:5", "cohort:10", "cohort:0", "cohort:unsure"
    ]


async def test_postbacks_and_the_get_started_button(page: Page) -> None:
    greeting, language = await page.post(webhook(postback_event("GET_STARTED")))
    assert greeting["message"]["text"].startswith("Сайн байна уу!")
    assert quick_payloads(language) == ["lang:mn", "lang:en"]
    (system,) = await page.post(webhook(postback_event("menu:recovery")))
    assert system["message"]["text"] == mn("Which system can you not get into?")
    assert quick_payloads(system) == ["rec:esis", "rec:elearning"]


async def test_the_certificate_menu_item_answers(page: Page) -> None:
    stale = mn("That button is no longer active.")
    pressed = await page.press("menu:certificate", "Батламж")
    assert pressed and all(m["message"]["text"] != stale for m in pressed)
    typed = await page.say("Батламж")  # the label typed (or its quick reply's text) works too
    assert typed and all(m["message"]["text"] != stale for m in typed)


async def test_an_attachment_gets_the_polite_text_only_reply(page: Page) -> None:
    image = _item({"message": {"mid": "m_img", "attachments": [
        {"type": "image", "payload": {"url": "https://cdn.example/x.jpg"}}]}})
    (sent,) = await page.post(webhook(image))
    expected = mn(
        "I can read only text. Please write your question in words, or choose from the menu."
    )
    assert sent["message"]["text"] == expected
    assert quick_payloads(sent)[0] == "menu:schedule"


async def test_the_same_event_twice_is_handled_once_even_after_a_restart(
    page: Page, engine: Desk, settings: Settings, graph_server: FakeGraphServer,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    event = webhook(text_event("сургалт ямар хэлбэрээр явагдах вэ", mid="m_same"))
    assert len(await page.post(event)) == 1
    assert await page.post(event) == []  # Meta's retry of a slow answer
    restarted = Messenger(engine, messenger_settings(settings, graph_server.graph_url))
    transport = httpx.ASGITransport(app=create_web_app(page.desk, None, restarted))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        body, headers = signed(event)
        response = await client.post("/messenger", content=body, headers=headers)
    assert response.status_code == 200
    await restarted.close()  # waits for the work in hand
    assert len(page.graph.texts()) == 1
    async with sessions() as session:
        logged = await session.scalars(select(MessageLog).where(MessageLog.direction == "in"))
        assert len(list(logged)) == 1


# ---- rendering -----------------------------------------------------------------------------


def test_titles_are_shortened_at_a_word_and_quick_replies_capped() -> None:
    assert shorten("Talk to a person") == "Talk to a person"
    assert shorten("The login or the registered e-mail") == "The login or the…"
    assert shorten("Нэвтрэх нэр эсвэл бүртгэлтэй имэйл") == "Нэвтрэх нэр эсвэл…"
    assert shorten("esurgalt.itpd.mn/very/long/path") == "esurgalt.itpd.mn/ve…"
    assert all(len(shorten("x " * n)) <= 20 for n in range(40))
    buttons = [[[f"Button {n}", f"b:{n}"] for n in range(8)], [["More", "b:x"]] * 8]
    with use_language("en"):
        payload = Payload.from_json({"text": "<b>Pick</b> &amp; go", "buttons": buttons})
        pieces, quick = render(payload)
    assert pieces == ["Pick & go"]
    assert len(quick) == 13 and quick[0] == {
        "content_type": "text", "title": "Button 0", "payload": "b:0"}


def test_a_staff_file_is_mentioned_not_sent_and_long_text_is_split() -> None:
    text = ("Мөр " * 600).strip()  # 2,399 characters
    with use_language("en"):
        pieces, quick = render(Payload(text, attachment=Attachment("photo", "AgAD")))
    assert quick == [] and len(pieces) == 2
    assert all(len(piece) <= TEXT_LIMIT for piece in pieces)
    assert "file" in pieces[-1]


@pytest.mark.parametrize(
    ("quiet", "human", "expected"),
    [
        (timedelta(hours=23, minutes=59), False, {"messaging_type": "RESPONSE"}),
        (timedelta(hours=23), True, {"messaging_type": "RESPONSE"}),
        (timedelta(hours=25), True, {"messaging_type": "MESSAGE_TAG", "tag": "HUMAN_AGENT"}),
        (timedelta(days=6, hours=23), True,
         {"messaging_type": "MESSAGE_TAG", "tag": "HUMAN_AGENT"}),
        (timedelta(hours=25), False, None),
        (timedelta(days=7, minutes=1), True, None),
    ],
)
def test_the_messaging_window(quiet: timedelta, human: bool, expected: Any) -> None:
    now = utcnow()
    decided = messaging_type(now, now - quiet, human)
    if expected is None:
        assert isinstance(decided, outbox.GiveUp) and "window closed" in decided.reason
    else:
        assert decided == expected


# ---- escalation across channels --------------------------------------------------------------


async def test_ticket_round_trip_with_the_staff_in_telegram(
    page: Page, staff: TelegramDesk, sessions: async_sessionmaker[AsyncSession]
) -> None:
    (opened,) = await page.say("хүнтэй ярих, батламжаа олохгүй байна")
    assert "№1" in opened["message"]["text"]
    await staff_says(staff, "Сургуулийнхаа менежерт хандаарай")
    card = next(p for p in staff.api.sent() if "staff:claim:1" in str(p.get("reply_markup")))
    assert "messenger" in card["text"]

    (reply,) = await page.deliver()
    assert reply["messaging_type"] == "RESPONSE"
    assert reply["message"]["text"].startswith("Болд (арга зүйч), хүсэлт №1:")
    assert "Сургуулийнхаа менежерт хандаарай" in reply["message"]["text"]

    (added,) = await page.say("ESIS-т нэвтэрч чадахгүй байна")
    assert "№1" in added["message"]["text"]
    await staff.deliver()
    assert "ESIS-т нэвтэрч чадахгүй байна" in staff.api.sent()[-1]["text"]
    screenshot = "https://cdn.example/esis-error.jpg"
    image = _item({"message": {"mid": "m_shot", "attachments": [
        {"type": "image", "payload": {"url": screenshot}}]}})  # fmt: skip
    (added,) = await page.post(webhook(image))
    assert "№1" in added["message"]["text"]  # relayed while the ticket is open
    await staff.deliver()
    assert staff.api.sent("sendPhoto")[-1]["photo"] == screenshot

    await staff.feed(staff_update({"text": "/close 1", "entities": [
        {"type": "bot_command", "offset": 0, "length": 6}]}, thread=staff.thread_of_topic()))
    (closing,) = await page.deliver()
    assert quick_payloads(closing) == [f"csat:{n}:1" for n in range(1, 6)]
    await page.press("csat:5:1", "5")
    async with sessions() as session:
        ticket = await session.get(Ticket, 1)
        assert ticket is not None and (ticket.status, ticket.csat) == ("closed", 5)


async def test_after_24_hours_only_a_staff_reply_goes_tagged_and_staff_hear_of_the_rest(
    page: Page, staff: TelegramDesk, sessions: async_sessionmaker[AsyncSession],
    clock: FrozenClock,
) -> None:
    await page.say("хүнтэй ярих, батламжаа олохгүй байна")
    await last_seen(sessions, clock, timedelta(hours=25))
    await staff_says(staff, "Хариу байна")
    (reply,) = await page.deliver()
    assert (reply["messaging_type"], reply["tag"]) == ("MESSAGE_TAG", "HUMAN_AGENT")

    async with sessions.begin() as session:
        ticket = await session.get(Ticket, 1)
        assert ticket is not None
        await tickets.close(session, ticket, "Болд", str(STAFF_CHAT))  # an automated message
    assert await page.deliver() == []
    await staff.deliver()
    assert window_notice(1, human=False) in [p["text"] for p in staff.api.sent()]
    async with sessions() as session:
        dead = list(await session.scalars(select(OutboxMessage).where(OutboxMessage.dead)))
    assert [row.channel for row in dead] == [CHANNEL]


async def test_after_7_days_nothing_is_sent_and_the_staff_are_told(
    page: Page, staff: TelegramDesk, sessions: async_sessionmaker[AsyncSession],
    clock: FrozenClock,
) -> None:
    await page.say("хүнтэй ярих, батламжаа олохгүй байна")
    await last_seen(sessions, clock, timedelta(days=7, hours=1))
    await staff_says(staff, "Хэтэрхий оройтсон хариу")
    assert await page.deliver() == []
    await staff.deliver()
    assert staff.api.sent()[-1]["text"] == window_notice(1, human=True)
    async with sessions() as session:
        ticket = await session.get(Ticket, 1)
        assert ticket is not None and not ticket.teacher_unreachable  # they may write again


async def test_a_user_who_cannot_be_reached_marks_the_ticket(
    page: Page, staff: TelegramDesk, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await page.say("хүнтэй ярих, батламжаа олохгүй байна")
    await staff_says(staff, "Сайн байна уу")
    page.graph.unreachable()
    assert await page.deliver() == []
    await staff.deliver()
    async with sessions() as session:
        ticket = await session.get(Ticket, 1)
        assert ticket is not None and ticket.teacher_unreachable


# ---- Graph API failures ------------------------------------------------------------------------


async def test_graph_5xx_then_success_delivers_once(page: Page, clock: FrozenClock) -> None:
    page.graph.fail_next(502)
    page.graph.fail_next(500)
    assert await page.say("сургалт ямар хэлбэрээр явагдах вэ") == []  # the first failure
    clock.moment += timedelta(minutes=5)
    assert await page.deliver() == []  # the second
    clock.moment += timedelta(minutes=5)
    (answer,) = await page.deliver()
    assert "онлайн" in answer["message"]["text"]
    clock.moment += timedelta(minutes=5)
    assert await page.deliver() == []
    assert len(page.graph.messages(delivered=False)) == 3


async def test_a_long_text_is_split_and_a_retry_does_not_repeat_pieces(
    page: Page, sessions: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    await page.say("хүнтэй ярих, батламжаа олохгүй байна")
    text = "\n".join(f"{n}. " + "алхам " * 40 for n in range(20))  # about 4,900 characters
    async with sessions.begin() as session:
        ticket = await session.get(Ticket, 1)
        assert ticket is not None
        await tickets.staff_reply(session, ticket, "Болд", text)
    first = len(page.graph.messages(delivered=False))
    page.graph.succeed_next()  # piece one goes through
    page.graph.fail_next(503)  # piece two fails
    assert len(await page.deliver()) == 1
    clock.moment += timedelta(minutes=5)
    await page.deliver()
    pieces = [b["message"]["text"] for b in page.graph.messages(delivered=False)[first:]]
    assert len(pieces) == 4 and pieces[1] == pieces[2]  # 1 ok, 2 failed, 2 again, 3
    delivered = [pieces[0], *pieces[2:]]
    assert all(len(piece) <= TEXT_LIMIT for piece in delivered)
    assert "".join(delivered).replace("\n", "").replace(" ", "") == (
        "Болд (арга зүйч), хүсэлт №1:" + text
    ).replace("\n", "").replace(" ", "")


async def test_an_expired_token_stops_sending_with_one_clear_log_line(
    page: Page, clock: FrozenClock, sessions: async_sessionmaker[AsyncSession],
    caplog: pytest.LogCaptureFixture,
) -> None:
    page.graph.expire_token()
    with caplog.at_level(logging.INFO, logger="bot"):
        assert await page.say("сургалт ямар хэлбэрээр явагдах вэ") == []
        calls = len(page.graph.calls)
        for _minutes in range(3):
            clock.moment += timedelta(minutes=15)
            await page.deliver()
        await page.say("сайн байна уу")  # still handled by the desk, not sent
    assert len(page.graph.calls) == calls  # nothing tried after the token was refused
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert "page access token was rejected" in errors[0].getMessage()
    assert "190" in errors[0].getMessage() and PAGE_TOKEN not in caplog.text
    async with sessions() as session:
        waiting = list(await session.scalars(select(OutboxMessage)))
    assert len(waiting) >= 2 and not any(row.dead or row.sent_at for row in waiting)


@pytest.mark.parametrize(
    ("status", "code", "subcode", "expected"),
    [
        (500, None, None, "Graph API unavailable"),
        (400, 1200, None, "Graph API unavailable"),
        (400, 613, None, "rate limited"),
        (429, None, None, "rate limited"),
        (400, 190, 463, "the page access token was rejected"),
        (400, 551, 1545041, UNREACHABLE),
        (400, 100, 2018001, UNREACHABLE),
        (400, 10, 2018278, WINDOW_CLOSED),
        (400, 100, None, "refused by Messenger"),
    ],
)
def test_graph_errors_are_retried_given_up_or_stop_sending(
    status: int, code: int | None, subcode: int | None, expected: str
) -> None:
    error = {"message": "m", "code": code, "error_subcode": subcode}
    outcome = classify(status, {"error": error})
    assert outcome.reason.startswith(expected)
    kind = {"Graph API unavailable": outbox.RetryLater, "rate limited": outbox.RetryLater,
            "the page access token was rejected": TokenRejected}.get(expected, outbox.GiveUp)
    assert type(outcome) is kind
    assert str(status) in outcome.reason


async def test_the_worker_delivers_a_staff_reply_without_being_asked(
    page: Page, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await page.say("хүнтэй ярих, батламжаа олохгүй байна")
    async with page.messenger.running():
        async with sessions.begin() as session:
            ticket = await session.get(Ticket, 1)
            assert ticket is not None
            await tickets.staff_reply(session, ticket, "Болд", "Ажлын байрандаа очоорой")
        deadline = time.monotonic() + 10
        while not any("Ажлын байрандаа" in t for t in page.graph.texts()):
            assert time.monotonic() < deadline, page.graph.calls
            await asyncio.sleep(0.05)


# ---- running it --------------------------------------------------------------------------------


def test_run_picks_the_channels_the_settings_configure(settings: Settings) -> None:
    bare = settings.model_copy(update={"telegram_token": None})
    with pytest.raises(SettingsError) as missing:
        channels_of(bare)
    assert str(missing.value) == "HELPDESK_TELEGRAM_TOKEN is not set; this mode needs it."
    only_messenger = messenger_settings(bare, "http://127.0.0.1:1/v21.0")
    assert channels_of(only_messenger) == (False, True)
    both = only_messenger.model_copy(update={"telegram_token": SecretStr("1:T")})
    assert channels_of(both) == (True, True)
    half = bare.model_copy(update={"messenger_page_token": SecretStr("x")})
    with pytest.raises(SettingsError, match="HELPDESK_MESSENGER_APP_SECRET"):
        channels_of(half)


def _wait_for(predicate: Any, timeout: float = 90.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    return False


QUIET_PSID = "24000000000099"


async def _idle_ticket(url: str, psid: str) -> None:
    """A Messenger teacher who asked for a person ten days ago and heard nothing since (but
    wrote an hour ago, so Messenger still lets the desk write to them)."""
    await upgrade(url)
    database = create_engine(url)
    try:
        async with session_factory(database).begin() as session:
            person = Person(channel="messenger", external_id=psid, chat_id=psid,
                            display_name="Туяа", last_seen_at=utcnow() - timedelta(hours=1))
            session.add(person)
            await session.flush()
            ticket = await tickets.open_ticket(session, person, "Нууц үг", {}, None)
            ticket.updated_at = utcnow() - timedelta(days=10)
    finally:
        await database.dispose()


def test_helpdesk_run_with_only_messenger_serves_the_web_app_and_does_the_chores(
    tmp_path: Path, graph_server: FakeGraphServer, graph: FakeGraph
) -> None:
    """Messenger alone: the webhook answers, and the desk's chores run without Telegram's job
    queue (an idle ticket is closed and its teacher told)."""
    asyncio.run(_idle_ticket(f"sqlite+aiosqlite:///{tmp_path}/run.db", QUIET_PSID))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELPDESK_")}
    env.update(
        HELPDESK_MESSENGER_PAGE_TOKEN=PAGE_TOKEN,
        HELPDESK_MESSENGER_APP_SECRET=APP_SECRET,
        HELPDESK_MESSENGER_VERIFY_TOKEN=VERIFY_TOKEN,
        HELPDESK_MESSENGER_GRAPH_URL=graph_server.graph_url,
        HELPDESK_LISTEN=f"127.0.0.1:{port}",
        HELPDESK_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/run.db",
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"], env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        assert _wait_for(lambda: httpx.get(f"{base}/healthz").status_code == 200)
        challenge = httpx.get(f"{base}/messenger", params={
            "hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "42"})
        assert challenge.text == "42"
        assert httpx.post(f"{base}/telegram", json={}).status_code in (404, 405)
        body, headers = signed(webhook(postback_event("GET_STARTED")))
        assert httpx.post(f"{base}/messenger", content=body, headers=headers).status_code == 200
        assert _wait_for(lambda: len(graph.texts(PSID)) >= 2), graph.calls
        assert graph.texts(PSID)[0].startswith("Сайн байна уу!")
        assert _wait_for(lambda: graph.texts(QUIET_PSID)), graph.calls
        (closed,) = graph.texts(QUIET_PSID)
        assert closed.startswith("Таны №1 хүсэлт 7 хоног идэвхгүй байсан тул хаагдлаа.")
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert "Traceback" not in output
