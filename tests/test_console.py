"""The web console over HTTP (the real Starlette app in process, real databases): sign-in from a
one-time link, every route for every role, CSRF, a reply reaching the outbox, search, a lost
role. The browser walk is tests/test_console_browser.py; /console in Telegram is here too."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Update

from bot import PROJECT_ROOT
from bot.channels.telegram.app import build_application
from bot.channels.webconsole import console_app
from bot.config import Settings
from bot.desk import console_access, roster, tickets
from bot.desk import knowledge as knowledge_store
from bot.desk.engine import Desk
from bot.desk.faq import KnowledgeBase
from bot.desk.messages import Incoming
from bot.desk.outbox import Payload
from bot.desk.schedule import load_schedule
from bot.runtime import Runtime
from bot.storage.db import create_engine, session_factory
from bot.storage.models import (
    ConsoleSession,
    FaqSuggestion,
    MessageLog,
    OutboxMessage,
    Person,
    Ticket,
    TicketMessage,
    utcnow,
)
from tests import updates
from tests.bench.roster import synthetic_roster
from tests.fake_telegram import FakeBotApi, RecordingRequest
from tests.test_telegram import token_settings

PUBLIC = "https://desk.example.mn"
STAFF_CHAT = -1007001
ADMIN, METHODOLOGIST, STRANGER = 1, 9001, 777
TEACHER_CHAT = "5151"


@dataclass
class Console:
    client: httpx.AsyncClient
    desk: Desk
    sessions: async_sessionmaker[AsyncSession]
    roles: dict[int, str]  # who may come in now; tests take people out

    async def link(self, user_id: int, name: str = "Болд", age: timedelta = timedelta()) -> str:
        async with self.sessions.begin() as session:
            token = console_access.issue_link(session, user_id, name, utcnow() - age)
        return f"/console/login?token={token}"

    async def sign_in(self, user_id: int) -> httpx.Response:
        return await self.client.get(await self.link(user_id))

    async def csrf(self) -> str:
        token = self.client.cookies.get("helpdesk_console")
        async with self.sessions() as session:
            found = await console_access.find_session(session, token or "", utcnow())
        assert found is not None
        return found.csrf

    async def ticket(self, question: str) -> int:
        """A new teacher's ticket (the first teacher's chat is TEACHER_CHAT)."""
        async with self.sessions.begin() as session:
            count = await session.scalar(select(func.count()).select_from(Person)) or 0
            chat = str(int(TEACHER_CHAT) + count)
            person = Person(
                channel="telegram",
                external_id=chat,
                chat_id=chat,
                display_name="Дулмаа",
                cohort=5,
            )
            session.add(person)
            await session.flush()
            ticket = await tickets.open_ticket(session, person, question, {}, str(STAFF_CHAT))
        return ticket.id


@pytest.fixture
async def console(
    database_url: str,
    settings: Settings,
    knowledge: KnowledgeBase,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Console]:
    database = create_engine(database_url)
    sessions = session_factory(database)
    async with sessions.begin() as session:  # the live knowledge base, as `helpdesk run` has it
        await knowledge_store.seed_if_empty(session, settings.faq_dir)
    monkeypatch.setattr("bot.desk.engine.KNOWLEDGE_CHECK_INTERVAL", 0.0)  # edits seen at once
    desk = Desk(
        sessions,
        knowledge,
        load_schedule(PROJECT_ROOT / "faq" / "schedule.yaml"),
        staff_chat=str(STAFF_CHAT),
        live=True,
    )
    configured = settings.model_copy(update={"public_url": PUBLIC, "staff_chat_id": STAFF_CHAT})
    runtime = Runtime(configured, database, sessions, desk)
    roles = {ADMIN: "admin", METHODOLOGIST: "staff"}

    async def role_of(user_id: int) -> str | None:
        return roles.get(user_id)

    from bot.web import create_web_app

    app = create_web_app(runtime, None, None, console_app(runtime, role_of))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=PUBLIC) as client:
        yield Console(client, desk, sessions, roles)
    await database.dispose()


async def test_a_link_opens_one_session_once(console: Console) -> None:
    link = await console.link(METHODOLOGIST)
    first = await console.client.get(link)
    assert first.status_code == 303 and first.headers["location"] == "/console/"
    cookie = first.headers["set-cookie"]
    for flag in ("HttpOnly", "Secure", "SameSite=lax", "Path=/console", "Max-Age=43200"):
        assert flag.lower() in cookie.lower(), cookie
    queue = await console.client.get("/console/")
    assert queue.status_code == 200 and "Болд" in queue.text

    console.client.cookies.clear()
    again = await console.client.get(link)
    assert again.status_code == 403 and "set-cookie" not in again.headers


async def test_expired_links_and_people_without_a_role_are_refused(console: Console) -> None:
    expired = await console.client.get(await console.link(ADMIN, age=timedelta(minutes=11)))
    assert expired.status_code == 403 and "set-cookie" not in expired.headers
    stranger = await console.sign_in(STRANGER)
    assert stranger.status_code == 403 and "set-cookie" not in stranger.headers
    guessed = await console.client.get("/console/login?token=guess")
    assert guessed.status_code == 403
    help_page = await console.client.get("/console/login")
    assert help_page.status_code == 200 and "/console" in help_page.text


ROUTES = [  # (method, path, who may: "staff" means methodologists and admins)
    ("GET", "/console/", "staff"),
    ("GET", "/console/tickets/{n}", "staff"),
    ("GET", "/console/tickets/{n}/conversation", "staff"),
    ("GET", "/console/unanswered", "staff"),
    ("GET", "/console/stats", "admin"),
    ("GET", "/console/stats/days.csv", "admin"),
    ("GET", "/console/knowledge", "admin"),
    ("GET", "/console/knowledge/esis_password", "admin"),
    ("GET", "/console/audit", "admin"),
    ("GET", "/console/roster", "admin"),
    ("GET", "/console/schedule", "admin"),
    ("POST", "/console/tickets/{n}/claim", "staff"),
    ("POST", "/console/tickets/{n}/note", "staff"),
    ("POST", "/console/logout", "staff"),
]


@pytest.mark.parametrize(("method", "path", "allowed"), ROUTES)
async def test_every_route_for_every_role(console: Console, method: str, path: str,
                                          allowed: str) -> None:  # fmt: skip
    number = await console.ticket("ESIS нууц үг сэргээгдэхгүй байна")
    anonymous = await console.client.request(
        method, path.format(n=number), data={"csrf": "x", "text": "t"}
    )
    if method == "GET":
        assert anonymous.status_code == 303 and anonymous.headers["location"] == "/console/login"
    else:
        assert anonymous.status_code == 403

    for user_id, role in ((METHODOLOGIST, "staff"), (ADMIN, "admin")):
        console.client.cookies.clear()
        assert (await console.sign_in(user_id)).status_code == 303
        data = {"csrf": await console.csrf(), "text": "дотоод тэмдэглэл"}
        url = path.format(n=await console.ticket("нууц үг"))  # a ticket of its own to claim
        answer = await console.client.request(method, url, data=data)
        may = allowed == "staff" or role == "admin"
        expected = (303 if method == "POST" else 200) if may else 403
        assert answer.status_code == expected, (role, url, answer.text[:300])


async def test_a_form_without_its_csrf_token_changes_nothing(console: Console) -> None:
    number = await console.ticket("батламжаа олохгүй байна")
    await console.sign_in(METHODOLOGIST)
    for token in ("", "forged"):
        refused = await console.client.post(
            f"/console/tickets/{number}/reply", data={"csrf": token, "text": "Сайн байна уу"}
        )
        assert refused.status_code == 403
    async with console.sessions() as session:
        staff_lines = await session.scalars(
            select(TicketMessage).where(TicketMessage.author == "staff")
        )
        assert list(staff_lines) == []


async def test_a_reply_goes_to_the_teacher_and_the_staff_group_through_the_outbox(
    console: Console,
) -> None:
    number = await console.ticket("Нууц үгээ сэргээж чадахгүй <байна>")
    await console.sign_in(METHODOLOGIST)
    csrf = await console.csrf()
    empty = await console.client.post(
        f"/console/tickets/{number}/reply", data={"csrf": csrf, "text": "   "}
    )
    assert empty.status_code == 409
    sent = await console.client.post(
        f"/console/tickets/{number}/reply",
        data={"csrf": csrf, "text": "Нууц үгийг <b>шинэчиллээ</b>"},
    )
    assert sent.status_code == 303
    async with console.sessions() as session:
        rows = list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        ticket = await tickets.get_ticket(session, number)
    teacher = [Payload.from_json(r.payload) for r in rows if r.chat_id == TEACHER_CHAT]
    staff = [Payload.from_json(r.payload) for r in rows if r.chat_id == str(STAFF_CHAT)]
    assert len(teacher) == 1 and "Болд" in (teacher[0].text or "")
    assert "Нууц үгийг &lt;b&gt;шинэчиллээ&lt;/b&gt;" in (teacher[0].text or "")
    assert any("шинэчиллээ" in (p.text or "") for p in staff)  # the group sees the answer too
    assert ticket is not None and ticket.status == "claimed" and ticket.claimed_by == "Болд"

    page = await console.client.get(f"/console/tickets/{number}")
    assert "&lt;байна&gt;" in page.text and "<байна>" not in page.text  # teacher text escaped
    closed = await console.client.post(f"/console/tickets/{number}/close", data={"csrf": csrf})
    assert closed.status_code == 303
    late = await console.client.post(
        f"/console/tickets/{number}/reply", data={"csrf": csrf, "text": "бас нэг"}
    )
    assert late.status_code == 409  # closed: reopen first, said on the page


async def test_search_finds_cyrillic_in_any_case_and_a_number_jumps(console: Console) -> None:
    wanted = await console.ticket("ESIS-ийн НУУЦ ҮГ мартсан")
    await console.sign_in(ADMIN)
    found = await console.client.get("/console/", params={"q": "нууц үг", "status": "all"})
    assert f"/console/tickets/{wanted}" in found.text
    missed = await console.client.get("/console/", params={"q": "батламж", "status": "all"})
    assert f"/console/tickets/{wanted}" not in missed.text
    jump = await console.client.get("/console/", params={"q": f"#{wanted}"})
    assert jump.status_code == 303 and jump.headers["location"] == f"/console/tickets/{wanted}"


async def test_someone_removed_from_the_staff_loses_the_console_within_minutes(
    console: Console,
) -> None:
    await console.sign_in(METHODOLOGIST)
    assert (await console.client.get("/console/")).status_code == 200
    del console.roles[METHODOLOGIST]
    assert (await console.client.get("/console/")).status_code == 200  # checked ≤ 5 min ago
    async with console.sessions.begin() as session:
        await session.execute(
            update(ConsoleSession).values(checked_at=utcnow() - timedelta(minutes=6))
        )
    refused = await console.client.get("/console/")
    assert refused.status_code == 303 and refused.headers["location"] == "/console/login"
    async with console.sessions() as session:
        ended = await session.scalar(select(ConsoleSession.ended_at))
    assert ended is not None


async def test_logging_out_ends_the_session(console: Console) -> None:
    await console.sign_in(ADMIN)
    token = console.client.cookies.get("helpdesk_console")
    out = await console.client.post("/console/logout", data={"csrf": await console.csrf()})
    assert out.status_code == 303
    console.client.cookies.set("helpdesk_console", token or "", domain="desk.example.mn")
    assert (await console.client.get("/console/")).status_code == 303


async def test_pages_allow_only_their_own_scripts_and_speak_english_on_request(
    console: Console,
) -> None:
    await console.sign_in(ADMIN)
    page = await console.client.get("/console/")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe" not in policy
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "Дараалал" in page.text  # Mongolian by default
    switched = await console.client.post(
        "/console/language", data={"language": "en", "back": "/console/stats"}
    )
    assert switched.headers["location"] == "/console/stats"
    english = await console.client.get("/console/stats")
    assert english.status_code == 200 and "Statistics" in english.text
    assert "Дараалал" not in english.text


async def test_console_in_telegram_sends_staff_a_link_and_strangers_go_to_the_desk(
    engine: Desk, settings: Settings
) -> None:
    api = FakeBotApi(members={METHODOLOGIST})
    configured = token_settings(settings, staff_chat_id=STAFF_CHAT, public_url=PUBLIC)
    application = build_application(configured, engine, request=RecordingRequest(api))
    async with application:
        for user_id in (METHODOLOGIST, STRANGER):
            update_ = updates.message_update(updates.command("/console"), user_id, "Болд")
            await application.process_update(Update.de_json(update_, application.bot))
    linked = [p for p in api.sent() if int(p["chat_id"]) == METHODOLOGIST]
    assert len(linked) == 1 and f"{PUBLIC}/console/login?token=" in linked[0]["text"]
    assert linked[0]["link_preview_options"]["is_disabled"] is True
    strangers = [p["text"] for p in api.sent() if int(p["chat_id"]) == STRANGER]
    assert strangers and all("/console/login" not in text for text in strangers)


async def test_an_admin_edits_an_entry_tries_it_and_the_bot_answers_with_it(
    console: Console,
) -> None:
    await console.sign_in(ADMIN)
    listing = await console.client.get("/console/knowledge")
    assert listing.status_code == 200 and "/console/knowledge/esis_password" in listing.text
    page = await console.client.get("/console/knowledge/esis_password")
    assert page.status_code == 200 and 'id="try-button"' in page.text
    csrf = await console.csrf()
    form = _form_fields(page.text)
    new_wording = "ESIS-ийн түлхүүр үгээ гээчихлээ"
    form.update(csrf=csrf, questions=form["questions"] + "\n" + new_wording)
    form["answer"] = "Шинэ хариулт: <b>ESIS</b> нууц үгээ сэргээнэ үү."

    tried = await console.client.post(
        "/console/knowledge/esis_password", data={**form, "do": "try", "try": new_wording}
    )
    verdict = re.search(r'<div id="verdict".*?</div>', tried.text, flags=re.S)
    assert tried.status_code == 200 and verdict is not None and "esis_password" in verdict.group()
    assert "Шинэ хариулт: <b>ESIS</b>" in tried.text  # the preview, as Telegram renders it
    unsaved = await console.desk.handle(Incoming("telegram", "61", "61", text=new_wording))
    assert all("Шинэ хариулт" not in reply.text for reply in unsaved)  # trying saves nothing

    broken = await console.client.post(
        "/console/knowledge/esis_password", data={**form, "do": "save", "answer": "a < b"}
    )
    assert broken.status_code == 409  # Telegram would refuse it: not saved
    saved = await console.client.post(
        "/console/knowledge/esis_password", data={**form, "do": "save"}
    )
    assert saved.status_code == 200 and 'class="done"' in saved.text
    replies = await console.desk.handle(Incoming("telegram", "62", "62", text=new_wording))
    assert any("Шинэ хариулт" in reply.text for reply in replies), [r.text for r in replies]

    history = await console.client.get("/console/knowledge/esis_password")
    revert = re.search(r'action="(/console/knowledge/esis_password/revert/\d+)"', history.text)
    assert revert is not None
    back = await console.client.post(revert.group(1), data={"csrf": csrf})
    assert back.status_code == 303
    replies = await console.desk.handle(
        Incoming("telegram", "63", "63", text="ESIS нууц үгээ мартсан")
    )
    assert all("Шинэ хариулт" not in reply.text for reply in replies)


def _form_fields(page: str) -> dict[str, str]:
    """The editor's fields as the page filled them (inputs and textareas by name)."""
    fields = {
        name: html.unescape(value)
        for name, value in re.findall(r'<input id="\w+" name="(\w+)" value="([^"]*)"', page)
    }
    for name, value in re.findall(
        r'<textarea id="\w+" name="(\w+)"[^>]*>(.*?)</textarea>', page, flags=re.S
    ):
        fields[name] = html.unescape(value)
    fields.pop("try", None)
    return fields


async def test_an_unanswered_question_becomes_a_paraphrase_in_one_step(console: Console) -> None:
    question = "хавтаст хэрэг"
    await console.desk.handle(Incoming("telegram", "71", "71", text=question))
    await console.sign_in(METHODOLOGIST)
    read_only = await console.client.get("/console/unanswered")
    assert question in read_only.text and "/console/unanswered/paraphrase" not in read_only.text

    console.client.cookies.clear()
    await console.sign_in(ADMIN)
    page = await console.client.get("/console/unanswered")
    assert question in page.text and "/console/unanswered/paraphrase" in page.text
    added = await console.client.post(
        "/console/unanswered/paraphrase",
        data={"csrf": await console.csrf(), "question": question, "entry": "esis_password"},
    )
    assert added.status_code == 303 and "done=added" in added.headers["location"]
    await console.desk.handle(Incoming("telegram", "72", "72", text=question))
    async with console.sessions() as session:
        intent = await session.scalar(
            select(MessageLog.intent)
            .where(MessageLog.direction == "in")
            .order_by(MessageLog.id.desc())
            .limit(1)
        )
    assert intent == "esis_password"


async def test_statistics_come_with_an_svg_chart_and_csv_tables(console: Console) -> None:
    await console.desk.handle(Incoming("telegram", "81", "81", text="ESIS нууц үгээ мартсан"))
    await console.sign_in(ADMIN)
    page = await console.client.get("/console/stats?days=7")
    assert 'src="/console/stats/chart.svg?days=7"' in page.text
    chart = await console.client.get("/console/stats/chart.svg?days=7")
    assert chart.headers["content-type"] == "image/svg+xml" and b"<svg" in chart.content
    table = await console.client.get("/console/stats/days.csv?days=7")
    rows = table.text.splitlines()
    assert rows[0] == "day,questions,tickets_opened,notices_asked,notices_sent" and len(rows) == 8
    assert sum(int(row.split(",")[1]) for row in rows[1:]) == 1
    assert "attachment" in table.headers["content-disposition"]

    number = await console.ticket("нууц үг")  # cohort 5, Telegram
    csrf = await console.csrf()
    await console.client.post(
        f"/console/tickets/{number}/reply", data={"csrf": csrf, "text": "Шийдлээ"}
    )
    await console.client.post(f"/console/tickets/{number}/close", data={"csrf": csrf})
    times = await console.client.get("/console/stats/tickets.csv?days=7")
    groups = {row.split(",")[0]: row.split(",") for row in times.text.splitlines()[1:]}
    assert set(groups) == {"all", "cohort:5", "channel:telegram"}
    assert groups["all"][1] == "1" and groups["all"][2] != "" and groups["all"][4] != ""
    page = await console.client.get("/console/stats?days=7")
    assert 'id="ticket-times"' in page.text and "esis_password" in page.text
    unsure = "Арга зүйчийн утас авч болох уу"  # the contacts, or the visits to schools?
    await console.desk.handle(Incoming("telegram", "82", "82", text=unsure))
    clarified = await console.client.get("/console/stats/intents.csv?days=7")
    assert ",(clarified),1" in clarified.text  # asked "which one?": apart from refusals
    assert "тодруулах асуулт" in (await console.client.get("/console/stats?days=7")).text
    intents = await console.client.get("/console/stats/intents.csv?days=7")
    assert (
        f"{utcnow().astimezone(ZoneInfo('Asia/Ulaanbaatar')).date().isoformat()},esis_password,1"
        in intents.text
    )


async def test_the_queue_filters_by_who_claimed_and_when_opened(console: Console) -> None:
    claimed = await console.ticket("нууц үг")
    other = await console.ticket("батламж")
    await console.sign_in(METHODOLOGIST)
    await console.client.post(
        f"/console/tickets/{claimed}/claim", data={"csrf": await console.csrf()}
    )
    page = await console.client.get(
        "/console/", params={"status": "all", "assignee": str(METHODOLOGIST)}
    )
    assert f"/console/tickets/{claimed}" in page.text
    assert f"/console/tickets/{other}" not in page.text
    assert '<option value="9001" selected>Болд</option>' in page.text
    today = utcnow().astimezone(ZoneInfo("Asia/Ulaanbaatar")).date()
    both = await console.client.get(
        "/console/", params={"status": "all", "from": today.isoformat(), "to": today.isoformat()}
    )
    assert f"/console/tickets/{claimed}" in both.text and f"/console/tickets/{other}" in both.text
    later = (today + timedelta(days=1)).isoformat()
    none = await console.client.get("/console/", params={"status": "all", "from": later})
    assert "/console/tickets/" not in none.text


async def test_the_audit_log_lists_roster_imports_faq_changes_and_ticket_moves(
    console: Console,
) -> None:
    roster_file, _people = synthetic_roster(3)
    report = await roster.import_file(console.sessions, roster_file, "2021.csv", actor="Сараа")
    assert report.ok
    number = await console.ticket("нууц үг")
    await console.sign_in(ADMIN)
    csrf = await console.csrf()
    await console.client.post(f"/console/tickets/{number}/close", data={"csrf": csrf})
    await console.client.post(
        "/console/unanswered/paraphrase",
        data={"csrf": csrf, "question": "хавтаст хэрэг", "entry": "esis_password"},
    )
    page = await console.client.get("/console/audit")
    rows = re.findall(r"<tr>\s*<td>(.*?)</tr>", page.text, flags=re.S)
    assert any("Сараа" in row and "2021.csv: +3" in row for row in rows)
    assert any("Болд" in row and f"#{number}" in row and "хаагдсан" in row for row in rows)
    assert any("Болд" in row and "esis_password" in row for row in rows)
    only_tickets = await console.client.get("/console/audit", params={"kind": "ticket"})
    assert "2021.csv" not in only_tickets.text and f"#{number}" in only_tickets.text
    console.client.cookies.clear()
    await console.sign_in(METHODOLOGIST)
    assert (await console.client.get("/console/audit")).status_code == 403


async def test_a_roster_uploaded_in_the_console_is_imported_whole_or_not_at_all(
    console: Console,
) -> None:
    good, _people = synthetic_roster(5, year=2022)
    bad = good + "УБ1234,,,,,\n".encode()
    await console.sign_in(ADMIN)
    headers = {"x-csrf-token": await console.csrf(), "x-filename": "2022%20roster.csv"}
    forged = await console.client.post(
        "/console/roster/upload", content=good, headers={**headers, "x-csrf-token": "x"}
    )
    assert forged.status_code == 403
    refused = await console.client.post("/console/roster/upload", content=bad, headers=headers)
    assert refused.status_code == 422 and 'download="roster-problems.csv"' in refused.text
    empty = await console.client.get("/console/roster")
    assert "2022" not in empty.text  # nothing imported from a file with a bad row
    imported = await console.client.post("/console/roster/upload", content=good, headers=headers)
    assert imported.status_code == 200 and "5" in imported.text
    summary = await console.client.get("/console/roster")
    assert re.search(r"<td>2022</td><td>\d+</td><td>\d+</td><td>0</td>", summary.text)
    console.client.cookies.clear()
    await console.sign_in(METHODOLOGIST)
    staff = await console.client.post("/console/roster/upload", content=good, headers=headers)
    assert staff.status_code == 403


def _table_fields(page: str) -> dict[str, str]:
    """The schedule table's inputs and selected options, by name, as the page filled them."""
    fields = dict(re.findall(r'name="(\w+-\d+)" value="([^"]*)"', page))
    for name, body in re.findall(r'<select [^>]*name="(cohort-\d+)">(.*?)</select>', page, re.S):
        chosen = re.search(r'value="(\d+)" selected', body)
        fields[name] = chosen.group(1) if chosen else ""
    return fields


async def test_the_schedule_is_edited_as_a_table_with_the_import_checks(console: Console) -> None:
    await console.sign_in(ADMIN)
    page = await console.client.get("/console/schedule")
    fields = _table_fields(page.text)
    rows = sum(1 for name, value in fields.items() if name.startswith("year-") and value)
    assert rows >= 3
    spare = rows  # the first empty row
    new_row = {
        f"year-{spare}": "2027",
        f"cohort-{spare}": "5",
        f"elearning_start-{spare}": "2027-03-01",
        f"elearning_end-{spare}": "2027-03-20",
        f"webinar_start-{spare}": "2027-03-22",
        f"webinar_end-{spare}": "2027-04-10",
    }
    csrf = await console.csrf()
    wrong = {**fields, **new_row, f"elearning_end-{spare}": "2027-02-01", "csrf": csrf}
    refused = await console.client.post("/console/schedule", data=wrong)
    assert refused.status_code == 409 and 'class="error"' in refused.text
    odd = {**fields, **new_row, f"year-{spare}": "2027\n  cohort: 1", "csrf": csrf}
    assert (await console.client.post("/console/schedule", data=odd)).status_code == 409

    saved = await console.client.post(
        "/console/schedule", data={**fields, **new_row, "csrf": csrf}
    )
    assert saved.status_code == 303
    again = _table_fields((await console.client.get("/console/schedule")).text)
    assert "2027-03-22" in again.values()
    await console.desk.handle(Incoming("telegram", "91", "91", text="сайн байна уу"))
    assert any(row.year == 2027 and row.cohort == 5 for row in console.desk.schedule)
    audit = await console.client.get("/console/audit", params={"kind": "schedule"})
    assert "schedule.yaml" in audit.text


async def test_an_admin_adds_a_new_entry_from_the_console(console: Console) -> None:
    await console.sign_in(ADMIN)
    blank = await console.client.get("/console/knowledge/new")
    assert blank.status_code == 200 and 'name="id"' in blank.text
    entry = {
        "csrf": await console.csrf(),
        "id": "exam_retake",
        "title": "Шалгалт дахин өгөх",
        "questions": "шалгалтаа дахин өгч болох уу\nшалгалтанд унасан бол яах вэ",
        "answer": "Шалгалтыг дараагийн цонхонд дахин өгнө.",
        "do": "save",
    }
    taken = await console.client.post(
        "/console/knowledge/new", data={**entry, "id": "esis_password"}
    )
    assert taken.status_code == 409
    badly_named = await console.client.post(
        "/console/knowledge/new", data={**entry, "id": "Шалгалт"}
    )
    assert badly_named.status_code == 409
    saved = await console.client.post("/console/knowledge/new", data=entry)
    assert saved.status_code == 200 and 'class="done"' in saved.text
    replies = await console.desk.handle(
        Incoming("telegram", "95", "95", text="шалгалтанд унасан бол яах вэ")
    )
    assert any("дараагийн цонхонд" in reply.text for reply in replies), [r.text for r in replies]
    listing = await console.client.get("/console/knowledge")
    assert "/console/knowledge/exam_retake" in listing.text


async def test_a_teachers_pick_after_a_clarifying_question_becomes_a_paraphrase(
    console: Console,
) -> None:
    words = "есис нууцаа шинэчлэх гэсэн юм"
    async with console.sessions.begin() as session:
        session.add(
            FaqSuggestion(question=words, entry_id="esis_password", suggested_by="clarified")
        )
    await console.sign_in(ADMIN)
    page = await console.client.get("/console/unanswered")
    assert words in page.text
    added = await console.client.post(
        "/console/unanswered/paraphrase",
        data={"csrf": await console.csrf(), "question": words, "entry": "esis_password"},
    )
    assert added.status_code == 303 and "done=added" in added.headers["location"]
    async with console.sessions() as session:
        status = await session.scalar(select(FaqSuggestion.status))
        entry = await knowledge_store.entry(session, "esis_password")
    assert status == "accepted" and entry is not None and words in entry.questions
    assert words not in (await console.client.get("/console/unanswered")).text


async def test_a_ticket_page_shows_what_the_teacher_and_the_bot_said_before_it(
    console: Console,
) -> None:
    await console.desk.handle(Incoming("telegram", "97", "97", text="ESIS нууц үгээ мартсан"))
    await console.desk.handle(
        Incoming("telegram", "97", "97", text="хүнтэй ярих, батламжаа олохгүй байна")
    )
    async with console.sessions() as session:
        number = await session.scalar(select(func.max(Ticket.id)))
    assert number is not None
    await console.sign_in(METHODOLOGIST)
    page = await console.client.get(f"/console/tickets/{number}")
    earlier = page.text.split("Хүсэлтээс өмнө боттой")[1].split("</details>")[0]
    assert "ESIS нууц үгээ мартсан" in earlier and 'class="message bot"' in earlier


async def test_a_ticket_answered_by_staff_waits_for_the_teacher_until_they_write(
    console: Console,
) -> None:
    answered = await console.ticket("нууц үг")
    unanswered = await console.ticket("батламж")
    await console.sign_in(METHODOLOGIST)
    csrf = await console.csrf()
    await console.client.post(
        f"/console/tickets/{answered}/reply", data={"csrf": csrf, "text": "Ок"}
    )
    await console.client.post(f"/console/tickets/{unanswered}/claim", data={"csrf": csrf})
    waiting = await console.client.get("/console/", params={"status": "waiting"})
    assert f"/console/tickets/{answered}" in waiting.text
    assert f"/console/tickets/{unanswered}" not in waiting.text
    assert 'class="status waiting"' in waiting.text
    async with console.sessions.begin() as session:
        ticket = await tickets.get_ticket(session, answered)
        assert ticket is not None
        person = await tickets.person_of(session, ticket)
        await tickets.add_teacher_message(session, ticket, person, "Баярлалаа", str(STAFF_CHAT))
    again = await console.client.get("/console/", params={"status": "waiting"})
    assert f"/console/tickets/{answered}" not in again.text
