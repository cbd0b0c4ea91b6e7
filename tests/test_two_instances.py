"""Two `helpdesk run` processes on one PostgreSQL database behind a splitter (issue 9, point 5).

Both run in webhook mode on their own ports and both run the outbox worker against the same
fake Bot API; the test posts a burst alternately to the two, as a load balancer would, and
posts some updates to both, as a webhook retry that lands on the other instance. Everything a
person sees must happen once: each update answered, each outbox row delivered, each ticket
claimed by one methodologist while the other is told it is taken.
"""

from __future__ import annotations

import asyncio
import itertools
import os
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.process_kit import (
    METHODOLOGIST,
    PASSWORD_QUESTION,
    SECOND_METHODOLOGIST,
    STAFF_CHAT,
    BotProcess,
    FaultyBotApi,
    FaultyBotApiServer,
    answered_chats,
    bot_environment,
    cards_recorded,
    free_port,
    inbound_per_person,
    outbox_drained,
    query,
    run_cli,
    scalar,
    scratch_database,
    staff_button,
    staff_reply,
    teacher_text,
    unexpected_errors,
    wait_for,
)
from tests.updates import numbered

pytestmark = pytest.mark.slow  # real processes and servers: `-m 'not slow'` skips them

PG_URL = os.environ.get("HELPDESK_TEST_DATABASE_URL", "")
SECRET = "two-instances-secret"
TEACHERS = 300
TICKETS = 10  # each card and claim notice is a staff-group message: Telegram allows 20/min
REPEATED = 30  # updates posted to both instances
FIRST_TEACHER = 8000
QUESTIONS = (PASSWORD_QUESTION, "сургалт хэзээ эхлэх вэ", "цалин хэзээ буух вэ")
ESCALATION = "хүнтэй ярих, батламжаа олохгүй байна"
YOURS, TAKEN = "таных боллоо", "аль хэдийн"  # "… is yours", "… is already claimed"


class Splitter:
    """The load balancer: round robin over the instances' webhooks, on loopback."""

    def __init__(self, ports: list[int]) -> None:
        self.urls = [f"http://127.0.0.1:{port}/telegram" for port in ports]
        self._turn = itertools.count()
        self._client = httpx.AsyncClient(
            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}, timeout=30
        )
        self._slots = asyncio.Semaphore(16)

    async def post(self, update: dict[str, Any], instance: int | None = None) -> None:
        index = next(self._turn) % len(self.urls) if instance is None else instance
        async with self._slots:
            response = await self._client.post(self.urls[index], json=update)
        assert response.status_code == 200, response.text

    async def close(self) -> None:
        await self._client.aclose()


def split(
    ports: list[int], updates: list[dict[str, Any]], on_both: list[dict[str, Any]] | None = None
) -> None:
    """Post `updates` round robin and `on_both` to each instance, all at once."""

    async def run() -> None:
        splitter = Splitter(ports)
        try:
            posts = [splitter.post(update) for update in updates]
            posts += [splitter.post(u, instance) for u in on_both or [] for instance in (0, 1)]
            await asyncio.gather(*posts)
        finally:
            await splitter.close()

    asyncio.run(run())


def claim_races(ports: list[int], tickets: range) -> dict[str, tuple[int, int]]:
    """Two methodologists press Claim on each card at once, each on another instance;
    callback query id → (ticket, methodologist)."""
    presses: dict[str, tuple[int, int]] = {}

    async def run() -> None:
        splitter = Splitter(ports)
        try:
            races = []
            for ticket in tickets:
                pair = []
                for instance, staff in enumerate((METHODOLOGIST, SECOND_METHODOLOGIST)):
                    press = numbered(staff_button(f"staff:claim:{ticket}", staff))
                    presses[press["callback_query"]["id"]] = (ticket, staff)
                    pair.append(splitter.post(press, instance))
                races.append(asyncio.gather(*pair))
            await asyncio.gather(*races)
        finally:
            await splitter.close()

    asyncio.run(run())
    return presses


def healthy(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200
    except httpx.TransportError:
        return False


@pytest.mark.postgresql
def test_two_instances_answer_deliver_and_claim_everything_once(tmp_path: Path) -> None:
    """A burst of teachers split across two instances, tickets, claim races and staff replies
    through both: every update answered once, every outbox row delivered once, every ticket
    claimed once."""
    if not PG_URL:
        pytest.skip("PostgreSQL not configured: set HELPDESK_TEST_DATABASE_URL to run this case")
    api = FaultyBotApi(members={METHODOLOGIST, SECOND_METHODOLOGIST})
    ports = [free_port(), free_port()]
    with scratch_database(PG_URL) as url, FaultyBotApiServer(api) as server:
        envs = [
            bot_environment(
                server, url, HELPDESK_WEBHOOK_URL=f"http://127.0.0.1:{ports[0]}",
                HELPDESK_WEBHOOK_SECRET=SECRET, HELPDESK_LISTEN=f"127.0.0.1:{port}",
                # No send limiter: this is about exactly-once across instances; the staff
                # group's pacing (and digests when cards queue) is tests/bench/rush.py's.
                HELPDESK_TELEGRAM_MAX_RATE="0",
            )
            for port in ports
        ]  # fmt: skip
        upgraded = run_cli(envs[0], "db", "upgrade")
        assert upgraded.returncode == 0, upgraded.stdout + upgraded.stderr
        bots = [BotProcess(env, tmp_path / f"instance{n}.log") for n, env in enumerate(envs)]
        try:
            assert wait_for(lambda: all(healthy(port) for port in ports)), bots[1].tail()

            every = TEACHERS // TICKETS
            teachers = {
                FIRST_TEACHER + i: ESCALATION if i % every == 0 else QUESTIONS[i % len(QUESTIONS)]
                for i in range(TEACHERS)
            }
            updates = [numbered(teacher_text(chat, text)) for chat, text in teachers.items()]
            split(ports, updates, on_both=updates[:: TEACHERS // REPEATED])
            assert wait_for(
                lambda: set(teachers) <= answered_chats(api) and cards_recorded(url, TICKETS),
                timeout=120,
            ), (len(set(teachers) - answered_chats(api)), bots[0].tail(), bots[1].tail())

            presses = claim_races(ports, range(1, TICKETS + 1))
            assert wait_for(lambda: len(api.alerts()) == 2 * TICKETS), bots[0].tail()
            winners = {}
            for alert in api.alerts():
                ticket, staff = presses[alert["callback_query_id"]]
                if YOURS in alert["text"]:
                    winners[ticket] = staff

            split(ports, [numbered(staff_reply(f"Хариу-{ticket:02d}", api.card_message_id(ticket),
                                               staff)) for ticket, staff in winners.items()])
            owner = dict(query(url, "SELECT t.id, p.external_id FROM tickets t "
                                    "JOIN people p ON p.id = t.person_id"))  # fmt: skip
            assert wait_for(
                lambda: all(any(f"Хариу-{t:02d}" in text for text in api.texts(int(owner[t])))
                            for t in winners)
                and outbox_drained(url),
                timeout=60,
            ), (bots[0].tail(), bots[1].tail())
        finally:
            codes = [bot.stop() for bot in bots]
        handled = inbound_per_person(url)
        outbox = query(url, "SELECT count(*), count(sent_at), count(*) FILTER (WHERE dead) "
                            "FROM outbox")  # fmt: skip
        events = scalar(url, "SELECT count(*) FROM processed_events")

    assert codes == [0, 0], (bots[0].tail(), bots[1].tail())
    # Tickets claimed once: per ticket one "yours" and one "already claimed".
    outcomes: dict[int, list[str]] = {}
    for alert in api.alerts():
        ticket, _staff = presses[alert["callback_query_id"]]
        text = alert["text"]
        outcome = "yours" if YOURS in text else "taken" if TAKEN in text else text
        outcomes.setdefault(ticket, []).append(outcome)
    assert {t: sorted(o) for t, o in outcomes.items()} == {
        t: ["taken", "yours"] for t in range(1, TICKETS + 1)
    }
    notices = Counter(t.split(" ")[0] for t in api.texts(STAFF_CHAT) if "авлаа" in t)
    assert notices == {f"№{t}": 1 for t in range(1, TICKETS + 1)}  # one "claimed by" each

    # Outbox rows delivered once: a card, a claim notice and a relay per ticket, each sent once.
    assert outbox == [(3 * TICKETS, 3 * TICKETS, 0)]
    assert {t: len(cards) for t, cards in api.cards().items()} == {
        t: 1 for t in range(1, TICKETS + 1)
    }
    for ticket in range(1, TICKETS + 1):
        relays = [t for t in api.texts(int(owner[ticket])) if f"Хариу-{ticket:02d}" in t]
        assert len(relays) == 1, ticket
    assert len(api.texts(STAFF_CHAT)) == 2 * TICKETS

    # Every update answered once, the repeated ones included.
    assert all(handled[chat] == 1 for chat in teachers), "an update was handled twice"
    assert events == TEACHERS + TICKETS  # the teachers' messages and the staff replies
    replies: dict[str, list[list[str]]] = {}
    for chat, text in teachers.items():
        texts = api.texts(chat)
        assert len(set(texts)) == len(texts), (chat, texts)
        if text == ESCALATION:
            assert len(texts) == 2, texts  # "passed to a methodologist", then the relay
        else:
            replies.setdefault(text, []).append(texts)
    for text, lists in replies.items():
        assert lists[0] and all(texts == lists[0] for texts in lists), text
    for bot in bots:
        assert not unexpected_errors(bot.output()), bot.tail()
