"""Faults a deployment meets, against `helpdesk run` as a real process (issue 9, point 2).

The Bot API failing for a while (429, 502, timeouts), the database going away, SIGKILL in the
middle of a burst, and a webhook delivering the same update twice. Each test checks what the
people on both sides would see: every question answered, every staff reply relayed, nothing
twice, and the process still serving. Counts are taken after the bot has stopped, so nothing
can still arrive late and go unseen.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from telegram import Bot

from bot.channels.telegram.staff import StaffGate
from bot.desk.outbox import LEASE
from tests.fake_telegram import FakeBotApi, RecordingRequest
from tests.process_kit import (
    METHODOLOGIST,
    PASSWORD_QUESTION,
    PASSWORD_STEPS,
    RETRY_TEXT,
    STAFF_CHAT,
    BotProcess,
    FaultyBotApi,
    FaultyBotApiServer,
    Outage,
    PrivateCluster,
    answered_chats,
    bot_environment,
    cards_recorded,
    free_port,
    inbound_per_person,
    outbox_drained,
    query,
    run_cli,
    scalar,
    staff_button,
    staff_reply,
    teacher_button,
    teacher_text,
    unexpected_errors,
    wait_for,
    with_buttons,
)
from tests.updates import numbered

pytestmark = pytest.mark.slow  # real processes and servers: `-m 'not slow'` skips them

WHICH_SYSTEM = "Аль системд нэвтэрч чадахгүй байна вэ?"  # the recovery guide's first question
SOLVED_PROMPT = "Асуудал шийдэгдсэн үү?"  # the recovery steps' last line
HANDLED = ("the desk could not handle an update",)


# ---- 1. the Bot API fails for a while ------------------------------------------------------

ASKER, QUESTIONER, PRESSER = 6101, 6102, 6103
STRANGER = 6666


@pytest.mark.parametrize("kind", ["429", "502", "timeout"])
def test_bot_api_outage_replies_and_relays_arrive_once_after_recovery(
    kind: str, tmp_path: Path
) -> None:
    """Both delivery paths ride out an outage: a direct answer to a question (and to a button),
    and a staff reply relayed through the outbox. Each arrives after recovery, once, and in
    order: a question asked after recovery is answered after the answers parked before it."""
    api = FaultyBotApi(members={METHODOLOGIST})
    url = f"sqlite+aiosqlite:///{tmp_path}/faults.db"
    with FaultyBotApiServer(api) as server:
        env = bot_environment(server, url)
        assert run_cli(env, "db", "upgrade").returncode == 0
        bot = BotProcess(env, tmp_path / "bot.log")
        try:
            api.push_update(teacher_text(ASKER, "хүнтэй ярих, батламжаа олохгүй байна"))
            assert wait_for(lambda: cards_recorded(url, 1)), bot.tail()
            api.push_update(staff_button("staff:claim:1"))
            assert wait_for(lambda: bool(api.alerts())), bot.tail()

            api.outages.append(Outage(kind))
            api.push_update(staff_reply("Зөв хариу 42", api.card_message_id(1)))
            api.push_update(teacher_text(QUESTIONER, PASSWORD_QUESTION))
            api.push_update(teacher_button(PRESSER, "menu:recovery"))
            enough = 1 if kind == "timeout" else 2  # a timeout costs the bot 5 s each
            assert wait_for(
                lambda: all(len(api.failed(c)) >= enough for c in (ASKER, QUESTIONER, PRESSER)),
                timeout=90,
            ), bot.tail()
            api.outages.clear()
            # Written while the parked answers still wait: its reply must not overtake them.
            api.push_update(teacher_text(QUESTIONER, "баярлалаа"))

            assert wait_for(
                lambda: any("Зөв хариу 42" in t for t in api.texts(ASKER))
                and len(api.texts(QUESTIONER)) >= 2
                and len(api.texts(PRESSER)) >= 1
                and outbox_drained(url),
                timeout=90,
            ), bot.tail()
            assert bot.alive()
        finally:
            code = bot.stop()
    assert code == 0, bot.tail()
    assert [t for t in api.texts(ASKER) if "Зөв хариу 42" in t] == [api.texts(ASKER)[-1]]
    answer, thanks = api.texts(QUESTIONER)  # the steps end with "solved?": one message
    assert answer.startswith(PASSWORD_STEPS) and answer.endswith(SOLVED_PROMPT)
    assert not thanks.startswith(PASSWORD_STEPS)
    assert api.texts(PRESSER) == [WHICH_SYSTEM]
    assert not [t for t in api.texts(STAFF_CHAT) if t.startswith("⚠️")]  # no update failed
    assert not unexpected_errors(bot.output(), ("Rate limit hit after maximum",)), bot.tail()


LOUD, QUIET = 6201, 6202  # a chat in trouble with Telegram, and a teacher who is not


@pytest.mark.parametrize("troubled", ["teacher", "staff group"])
def test_a_429_holds_only_the_chat_it_was_given_for(troubled: str, tmp_path: Path) -> None:
    """Telegram's 429 with retry_after = 15 s for one teacher's chat (or for the staff group):
    another teacher is answered meanwhile; the held messages arrive, once, after the wait.
    (PTB's AIORateLimiter paused every request of the bot for the retry_after, three times.)"""
    api = FaultyBotApi(members={METHODOLOGIST})
    url = f"sqlite+aiosqlite:///{tmp_path}/faults.db"
    held = LOUD if troubled == "teacher" else STAFF_CHAT
    with FaultyBotApiServer(api) as server:
        env = bot_environment(server, url)
        assert run_cli(env, "db", "upgrade").returncode == 0
        bot = BotProcess(env, tmp_path / "bot.log")
        try:
            api.outages.append(Outage("429", chats=frozenset({held}), retry_after=15))
            api.push_update(teacher_text(LOUD, "хүнтэй ярих, батламжаа олохгүй байна"))
            # The first wait includes the bot's start, which a loaded machine slows past 20 s
            assert wait_for(lambda: bool(api.failed(held)), timeout=60), bot.tail()
            api.push_update(teacher_text(QUIET, PASSWORD_QUESTION))
            assert wait_for(lambda: bool(api.texts(QUIET)), timeout=10), bot.tail()
            assert not api.texts(held)  # still held: Telegram's 15 s are not over
            api.outages.clear()
            assert wait_for(lambda: bool(api.texts(held)), timeout=40), bot.tail()
            assert wait_for(lambda: outbox_drained(url), timeout=40), bot.tail()
        finally:
            code = bot.stop()
    assert code == 0, bot.tail()
    assert api.texts(QUIET)[0].startswith(PASSWORD_STEPS)
    assert len(api.texts(LOUD)) == 1 and len(api.failed(held)) == 1
    assert not unexpected_errors(bot.output()), bot.tail()


def test_a_turn_stuck_on_telegram_does_not_hold_other_teachers(tmp_path: Path) -> None:
    """Telegram holds one chat's sendMessage for 7 s (past the bot's 5 s read timeout). A
    teacher who writes after is answered while that turn still waits: before it gave up and
    parked its reply in the outbox, which is what the one-update-at-a-time bot did first."""
    api = FaultyBotApi()
    url = f"sqlite+aiosqlite:///{tmp_path}/faults.db"
    with FaultyBotApiServer(api) as server:
        env = bot_environment(server, url)
        assert run_cli(env, "db", "upgrade").returncode == 0
        bot = BotProcess(env, tmp_path / "bot.log")
        try:
            api.outages.append(Outage("timeout", chats=frozenset({LOUD})))
            api.push_update(teacher_text(LOUD, PASSWORD_QUESTION))
            # The first wait includes the bot's start, which a loaded machine slows past 20 s
            assert wait_for(lambda: bool(api.failed(LOUD)), timeout=60), bot.tail()
            api.push_update(teacher_text(QUIET, PASSWORD_QUESTION))
            assert wait_for(lambda: bool(api.texts(QUIET)), timeout=20), bot.tail()
            parked = scalar(url, f"SELECT count(*) FROM outbox WHERE chat_id = '{LOUD}'")
            assert parked == 0, "the stuck turn had already given up: the teachers waited"
            api.outages.clear()
            assert wait_for(lambda: bool(api.texts(LOUD)), timeout=40), bot.tail()
        finally:
            code = bot.stop()
    assert code == 0, bot.tail()
    assert api.texts(LOUD)[0].startswith(PASSWORD_STEPS)


async def test_staff_gate_does_not_turn_a_failed_lookup_into_a_refusal() -> None:
    """When getChatMember gets no answer, the gate neither lets a stranger in nor remembers
    the failure as a refusal; someone seen as staff before keeps acting through the outage."""
    api = FakeBotApi(members={METHODOLOGIST})
    cache: dict[int, tuple[bool, float]] = {}
    async with Bot("123:GATE", request=RecordingRequest(api)) as bot:
        gate = StaffGate(bot, STAFF_CHAT, frozenset(), cache)
        api.fail_next("getChatMember", 502)
        assert not await gate.allows(METHODOLOGIST)  # no answer, never seen: not let in
        assert await gate.allows(METHODOLOGIST)  # and asked again next time
        cache[METHODOLOGIST] = (True, 0.0)  # the membership answer has expired
        api.fail_next("getChatMember", 502)
        assert await gate.allows(METHODOLOGIST)
        api.fail_next("getChatMember", 400, description="Bad Request: user not found")
        assert not await gate.allows(STRANGER)
        assert not await gate.allows(STRANGER)  # Telegram's "no" is remembered
    assert len([c for c in api.calls if c.method.startswith("getChatMember")]) == 4


# ---- 2. the database goes away for 10 s ----------------------------------------------------

OUTAGE_SECONDS = 10.0


def test_database_outage_teachers_told_to_retry_and_service_resumes(tmp_path: Path) -> None:
    """PostgreSQL stopped for 10 s (a private cluster: the shared server is left alone):
    teachers who write meanwhile are told in Mongolian to try again shortly, the process
    keeps running without unhandled errors, and answers again by itself once it is back."""
    cluster = PrivateCluster()
    try:
        cluster.init()
        cluster.start()
        api = FaultyBotApi()
        with FaultyBotApiServer(api) as server:
            env = bot_environment(server, cluster.url)
            upgraded = run_cli(env, "db", "upgrade")
            assert upgraded.returncode == 0, upgraded.stdout + upgraded.stderr
            bot = BotProcess(env, tmp_path / "bot.log")
            try:
                before = 7001
                api.push_update(teacher_text(before, PASSWORD_QUESTION))
                assert wait_for(lambda: len(api.texts(before)) == 1), bot.tail()

                cluster.stop()
                stopped = time.monotonic()
                during = []
                while time.monotonic() - stopped < OUTAGE_SECONDS:
                    teacher = 7100 + len(during)
                    during.append(teacher)
                    api.push_update(teacher_text(teacher, PASSWORD_QUESTION))
                    assert wait_for(lambda: bool(api.texts(teacher))), bot.tail()  # noqa: B023
                    time.sleep(1.5)
                cluster.start()

                after = 7900
                api.push_update(teacher_text(after, PASSWORD_QUESTION))
                api.push_update(teacher_text(during[0], PASSWORD_QUESTION))  # trying again
                assert wait_for(
                    lambda: len(api.texts(after)) >= 1 and len(api.texts(during[0])) >= 2,
                    timeout=60,
                ), bot.tail()
                assert bot.alive(), bot.tail()
            finally:
                code = bot.stop()
    finally:
        cluster.destroy()
    assert code == 0, bot.tail()
    assert len(during) >= 4
    for teacher in during:
        [told] = api.texts(teacher)[:1]
        assert told.startswith(RETRY_TEXT), told
    assert api.texts(after)[0].startswith(PASSWORD_STEPS)
    assert api.texts(during[0])[1].startswith(PASSWORD_STEPS)
    assert not api.texts(STAFF_CHAT), "the staff group was alerted: something failed unhandled"
    assert not unexpected_errors(bot.output(), HANDLED), bot.tail()
    # One line per outage and place (the teachers' turns, the outbox job, the chores), not
    # one per message: this outage is shorter than OUTAGE_LOG_EVERY.
    assert bot.output().count("the database is unavailable") <= 3, bot.tail()
    assert "Traceback" not in bot.output(), bot.tail()


# ---- 3. SIGKILL in the middle of a burst, then a restart -------------------------------------

ASKERS = (6201, 6202, 6203)
LATE_ASKER = 6204
RECOVERING = 6205
BURST_BASE, BURST = 6300, 150
KILL_AT = 40  # the burst answer whose arrival at Telegram is the moment of the kill
QUESTIONS = (PASSWORD_QUESTION, "сургалт хэзээ эхлэх вэ", "цалин хэзээ буух вэ")


def test_sigkill_mid_burst_then_restart_loses_nothing(database_url: str, tmp_path: Path) -> None:
    """Killed with updates fetched but not handled, staff replies and a new ticket's card still
    in the outbox, and a teacher halfway through the recovery guide. After a restart on the
    same database every update is answered once, every outbox row delivered once, and the
    teacher's next press continues the guide where it was."""
    api = FaultyBotApi(members={METHODOLOGIST})
    with FaultyBotApiServer(api) as server:
        env = bot_environment(server, database_url)
        first = BotProcess(env, tmp_path / "first.log")
        try:
            for asker in ASKERS:
                api.push_update(teacher_text(asker, "хүнтэй ярих, батламжаа олохгүй байна"))
            api.push_update(teacher_button(RECOVERING, "menu:recovery"))
            assert wait_for(lambda: cards_recorded(database_url, len(ASKERS))), first.tail()
            for number in range(1, len(ASKERS) + 1):
                api.push_update(staff_button(f"staff:claim:{number}"))
            api.push_update(teacher_button(RECOVERING, "rec:esis"))
            assert wait_for(
                lambda: len(api.texts(RECOVERING)) == 2 and len(api.alerts()) == len(ASKERS)
            ), first.tail()

            # The staff answer while the teachers' chats and the staff group fail: the replies
            # stay in the outbox, and so does the card of a ticket opened in the burst.
            api.outages.append(Outage("502", chats=frozenset({*ASKERS, STAFF_CHAT})))
            for number in range(1, len(ASKERS) + 1):
                api.push_update(staff_reply(f"Хариу №{number}", api.card_message_id(number)))
            assert wait_for(lambda: all(api.failed(asker) for asker in ASKERS)), first.tail()

            burst = {BURST_BASE + i: QUESTIONS[i % len(QUESTIONS)] for i in range(BURST)}
            finished: list[int] = []

            def kill_at_an_answer(method: str, params: dict[str, Any]) -> bool:
                """SIGKILL the moment the KILL_AT-th burst answer reaches "Telegram"."""
                if method == "sendMessage" and int(params["chat_id"]) in burst:
                    if with_buttons(params):  # the last message of an answer carries buttons
                        finished.append(int(params["chat_id"]))
                    if len(finished) == KILL_AT:
                        os.kill(first.pid, signal.SIGKILL)
                        return True
                return False

            api.watcher = kill_at_an_answer
            api.push_update(teacher_text(LATE_ASKER, "хүнтэй ярих, батламжаа олохгүй байна"))
            for chat, question in burst.items():
                api.push_update(teacher_text(chat, question))
            assert first.wait() == -signal.SIGKILL, first.tail()
        finally:
            first.kill()
        assert len(finished) == KILL_AT, first.tail()
        touched = {int(p["chat_id"]) for p in api.sent()} & set(burst)
        assert len(touched) < BURST

        api.watcher, api.dead = None, False
        api.outages.clear()
        second = BotProcess(env, tmp_path / "second.log")
        try:
            api.push_update(teacher_button(RECOVERING, "lost:password"))
            everyone = set(burst) | {LATE_ASKER, RECOVERING}
            assert wait_for(
                lambda: everyone <= answered_chats(api)
                and len(api.texts(RECOVERING)) >= 3
                and set(api.cards()) == {1, 2, 3, 4}
                and all(any("Хариу №" in t for t in api.texts(a)) for a in ASKERS)
                and outbox_drained(database_url),
                timeout=LEASE.total_seconds() + 60,  # a row leased at the kill waits out LEASE
            ), (sorted(everyone - answered_chats(api)), api.cards().keys(), second.tail())
            assert second.alive()
        finally:
            code = second.stop()
    assert code == 0, second.tail()

    assert {n: len(c) for n, c in api.cards().items()} == {1: 1, 2: 1, 3: 1, 4: 1}
    # The askers wrote at once, so their chats' turns ran side by side: which ticket number
    # each got is the database's to say.
    ticket_of = {
        int(chat): number
        for number, chat in query(
            database_url,
            "SELECT t.id, p.external_id FROM tickets t JOIN people p ON p.id = t.person_id",
        )
    }
    for asker in ASKERS:
        assert len([t for t in api.texts(asker) if f"Хариу №{ticket_of[asker]}" in t]) == 1
        assert len([t for t in api.texts(asker) if "Хариу №" in t]) == 1
    assert len(api.texts(RECOVERING)) == 3  # two steps before the kill, the answer after
    assert api.texts(RECOVERING)[2].startswith(PASSWORD_STEPS)  # the guide continued: ESIS
    # Answers in flight at the kill (turns run side by side, so up to one per lane) reached
    # "Telegram" before the bot heard back, so the bot sends them again after the restart:
    # at least once, never lost, the resent part a repeat of what had arrived. Every chat
    # the first process had not written to gets its answer exactly once.
    answer_to: dict[str, list[str]] = {}
    for chat, question in burst.items():
        if chat not in touched:
            answer_to.setdefault(question, api.texts(chat))
            assert api.texts(chat) == answer_to[question], question
            assert len(set(answer_to[question])) == len(answer_to[question]), question
    for chat in touched:
        answer, texts = answer_to[burst[chat]], api.texts(chat)
        repeated = texts[: len(texts) - len(answer)]
        assert texts[len(repeated) :] == answer and repeated == answer[: len(repeated)], chat
    handled = inbound_per_person(database_url)
    assert all(handled[chat] == 1 for chat in burst), "a burst message was handled twice"
    assert scalar(database_url, "SELECT count(*) FROM tickets") == 4
    assert scalar(database_url, "SELECT count(*) FROM outbox WHERE dead") == 0
    assert not unexpected_errors(second.output()), second.tail()


# ---- 3b. killed after the turn committed, before its reply reached Telegram ---------------

KILLED_TEACHER = 6251


def test_killed_between_commit_and_send_the_reply_arrives_once_after_restart(
    database_url: str, tmp_path: Path
) -> None:
    """The turn committed (the teacher's state moved on) and the process died before the
    reply went out: the update is delivered again after the restart, and the desk sends the
    replies its turn kept — once, and without handling the message a second time."""
    api = FaultyBotApi(members={METHODOLOGIST})
    with FaultyBotApiServer(api) as server:
        env = bot_environment(server, database_url)
        first = BotProcess(env, tmp_path / "first.log")
        try:

            def kill_before_the_reply(method: str, params: dict[str, Any]) -> bool:
                if method == "sendMessage" and int(params["chat_id"]) == KILLED_TEACHER:
                    os.kill(first.pid, signal.SIGKILL)
                    return True
                return False

            api.tripwire = kill_before_the_reply
            api.push_update(teacher_text(KILLED_TEACHER, PASSWORD_QUESTION))
            assert first.wait() == -signal.SIGKILL, first.tail()
        finally:
            first.kill()
        assert api.texts(KILLED_TEACHER) == []  # nothing reached "Telegram"
        assert inbound_per_person(database_url)[KILLED_TEACHER] == 1  # the turn committed

        api.tripwire, api.dead = None, False
        second = BotProcess(env, tmp_path / "second.log")
        try:
            assert wait_for(lambda: KILLED_TEACHER in answered_chats(api)), second.tail()
            api.push_update(teacher_text(KILLED_TEACHER, "тийм"))  # the question's answer
            assert wait_for(lambda: len(api.texts(KILLED_TEACHER)) >= 2), second.tail()
        finally:
            code = second.stop()
    assert code == 0, second.tail()
    texts = api.texts(KILLED_TEACHER)
    assert texts[0].startswith(PASSWORD_STEPS), texts
    assert len(texts) == len(set(texts)) == 2, texts  # the steps with "solved?", the glad reply
    assert inbound_per_person(database_url)[KILLED_TEACHER] == 2  # each message handled once
    assert not unexpected_errors(second.output()), second.tail()


# ---- 4. the same update twice through the webhook -------------------------------------------

SECRET = "webhook-secret-for-tests"
DOUBLED_TEACHER, DOUBLED_ASKER = 6401, 6402


def test_the_same_webhook_update_twice_is_processed_once(
    database_url: str, tmp_path: Path
) -> None:
    """Telegram retries a webhook call it thinks failed: a teacher's question, a button press
    and a staff reply each posted twice with the right secret are handled once."""
    api = FaultyBotApi(members={METHODOLOGIST})
    port = free_port()
    with FaultyBotApiServer(api) as server:
        env = bot_environment(
            server, database_url, HELPDESK_WEBHOOK_URL=f"http://127.0.0.1:{port}",
            HELPDESK_WEBHOOK_SECRET=SECRET, HELPDESK_LISTEN=f"127.0.0.1:{port}",
        )  # fmt: skip
        bot = BotProcess(env, tmp_path / "bot.log")
        base = f"http://127.0.0.1:{port}"
        try:
            with httpx.Client(base_url=base, headers={
                    "X-Telegram-Bot-Api-Secret-Token": SECRET}) as client:  # fmt: skip
                assert wait_for(lambda: _healthy(client)), bot.tail()

                def post_twice(update: dict[str, Any]) -> None:
                    for _attempt in range(2):
                        assert client.post("/telegram", json=update).status_code == 200

                asking = "хүнтэй ярих, батламжаа олохгүй байна"
                post_twice(numbered(teacher_text(DOUBLED_ASKER, asking)))
                assert wait_for(lambda: cards_recorded(database_url, 1)), bot.tail()
                post_twice(numbered(teacher_text(DOUBLED_TEACHER, PASSWORD_QUESTION)))
                post_twice(numbered(teacher_button(DOUBLED_TEACHER, "menu:recovery")))
                post_twice(numbered(staff_reply("Давхар биш хариу", api.card_message_id(1))))
                # Updates are handled in order: once this one is answered, the others were.
                client.post("/telegram", json=numbered(teacher_text(DOUBLED_TEACHER, "баярлалаа")))
                assert wait_for(
                    lambda: len(api.texts(DOUBLED_TEACHER)) >= 3
                    and any("Давхар биш" in t for t in api.texts(DOUBLED_ASKER))
                    and outbox_drained(database_url),
                ), bot.tail()
        finally:
            code = bot.stop()
    assert code == 0, bot.tail()
    texts = api.texts(DOUBLED_TEACHER)
    assert texts[0].startswith(PASSWORD_STEPS) and texts[1] == WHICH_SYSTEM and len(texts) == 3
    assert len([t for t in api.texts(DOUBLED_ASKER) if "Давхар биш" in t]) == 1
    assert len(api.cards()[1]) == 1
    assert inbound_per_person(database_url) == {DOUBLED_ASKER: 1, DOUBLED_TEACHER: 3}
    staff_messages = query(database_url, "SELECT count(*) FROM ticket_messages "
                                         "WHERE author = 'staff'")  # fmt: skip
    assert staff_messages == [(1,)]
    assert not unexpected_errors(bot.output()), bot.tail()


def _healthy(client: httpx.Client) -> bool:
    try:
        return client.get("/healthz").status_code == 200
    except httpx.TransportError:
        return False


# ---- Telegram unreachable, or the token rejected, at start -------------------------------


def test_telegram_unreachable_at_start_is_waited_out_with_one_line_per_try(
    tmp_path: Path,
) -> None:
    """Nothing listens where the Bot API should be: the bot logs one line per try (no
    traceback), keeps trying with a growing pause, and serves once Telegram answers."""
    api = FaultyBotApi()
    url = f"sqlite+aiosqlite:///{tmp_path}/start.db"
    server = FaultyBotApiServer(api)  # its port is chosen, nothing listens on it yet
    env = bot_environment(server, url)
    assert run_cli(env, "db", "upgrade").returncode == 0
    bot = BotProcess(env, tmp_path / "bot.log")
    try:
        assert wait_for(lambda: bot.output().count("Telegram is unreachable") >= 2), bot.tail()
        assert bot.alive()
        with server:
            api.push_update(teacher_text(ASKER, PASSWORD_QUESTION))
            assert wait_for(lambda: bool(api.texts(ASKER)), timeout=60), bot.tail()
            code = bot.stop()
    finally:
        if bot.alive():
            bot.kill()
    assert code == 0, bot.tail()
    tries = [line for line in bot.output().splitlines() if "Telegram is unreachable" in line]
    assert "trying again in 1 s" in tries[0] and "trying again in 2 s" in tries[1]
    assert "Traceback" not in bot.output()


def test_a_token_telegram_rejects_stops_run_with_one_line_and_exit_code_2(
    tmp_path: Path,
) -> None:
    api = FaultyBotApi()
    api.fail_next("getMe", 401)
    url = f"sqlite+aiosqlite:///{tmp_path}/start.db"
    with FaultyBotApiServer(api) as server:
        env = bot_environment(server, url)
        assert run_cli(env, "db", "upgrade").returncode == 0
        result = run_cli(env, "run")
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[-1] == (
        "helpdesk: HELPDESK_TELEGRAM_TOKEN: Telegram токеныг хүлээж авсангүй (хүчингүй болсон "
        "эсвэл буруу бичсэн)"
    )
    assert "Traceback" not in result.stderr
