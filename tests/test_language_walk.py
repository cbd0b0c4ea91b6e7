"""Every flow walked in Mongolian and in English: no reply or button carries the other language.

Mongolian teachers must never meet an English sentence (a `_()` the catalog missed, a label
left untranslated); English speakers never a Mongolian one. Product names and links are the
only Latin words a Mongolian reply may hold.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import PROJECT_ROOT
from bot.desk import outbox, roster, tickets
from bot.desk.engine import Desk
from bot.desk.messages import Attachment, Incoming, Reply
from bot.desk.outbox import Payload
from bot.desk.questions import menu_buttons
from bot.i18n import use_language
from bot.storage.models import OutboxMessage, Ticket
from tests.support import send

# Latin words a Mongolian reply may contain: products, what their screens say, file types.
PRODUCT_WORDS = frozenset(
    {"esis", "google", "meet", "classroom", "gmail", "pdf", "spam", "join", "class"}
)
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
LINK = re.compile(r"\S+\.(?:mn|com|org)\S*|/\w+|@\w+")
TAG = re.compile(r"<[^>]+>")
# Mongolian a reply in English may hold: what the walk typed (a surname, its people's names),
# register numbers, the institutions' Mongolian acronyms, ESIS's own menu words.
MONGOLIAN_NAMES = re.compile(
    r"Дорж|Сараа|Болд|Б\*+р|\b[А-ЯӨҮ]{2}\d{8}\b|\b[А-ЯӨҮ]{2,5}\b|Б2021-\d+|"
    r'"[^"]*" \([^)]*\)|\(овог\)'  # ESIS's menu named in Mongolian, then in English
)

# (typed text, or an action) in order: every flow, every declared question, typed and tapped.
WALK: tuple[tuple[str, str], ...] = (
    ("say", "/start"),
    ("say", "/help"),
    ("say", "/cohort"),
    ("say", "5 жил"),
    ("act", "menu:schedule"),
    ("act", "remind:on"),
    ("say", "/stop_reminders"),
    ("act", "menu:recovery"),
    ("act", "rec:esis"),
    ("act", "lost:password"),
    ("act", "solved:yes"),
    ("act", "menu:recovery"),
    ("say", "болих"),
    ("act", "menu:certificate"),
    ("say", "12345"),
    ("say", "УБ85031214"),
    ("say", "Дорж"),
    ("act", "menu:certificate"),
    ("say", "УБ85031299 Дорж"),
    ("act", "cert:again"),
    ("say", "цэс"),
    ("say", "Вебинарт яаж орох вэ"),
    ("say", "үгүй"),
    ("say", "Вебинарт яаж орох вэ"),
    ("act", "fb:down:0"),
    ("say", "сайн байна уу"),
    ("say", "qwrtpsdf zxcvbnm"),
    ("say", "qwrtpsdf zxcvbnm"),
    ("say", "үгүй"),
    ("say", "qwrtpsdf zxcvbnm"),
    ("say", "qwrtpsdf zxcvbnm"),
    ("say", "тийм"),
    ("say", "Батламж хэзээ ирэх вэ"),
    ("say", "цуцлах"),
    ("say", "үгүй"),
    ("say", "цуцлах"),
    ("say", "тийм"),
    ("say", "/nonsense"),
    ("say", "😀"),
    ("act", "nope:1"),
    ("act", "menu:human"),
    ("act", "ticket:cancel"),
)


async def _walk(desk: Desk, sessions: async_sessionmaker[AsyncSession], language: str) -> str:
    """Everything the desk said along the walk, buttons and the menu included."""
    said: list[Reply] = []
    said += await send(desk, action=f"lang:{language}")
    for kind, value in WALK:
        said += await (send(desk, value) if kind == "say" else send(desk, action=value))
    said += await desk.handle(
        Incoming("test", "1001", "1001", attachment=Attachment("sticker"), display_name="Сараа")
    )
    said += await send(desk, action="menu:human")  # the problem is asked for first
    said += await send(desk, "Сертификатаа олохгүй байна")
    async with sessions.begin() as session:  # a methodologist closes it: the rating is asked
        ticket = await session.scalar(select(Ticket).where(Ticket.status == "open"))
        assert ticket is not None
        await tickets.close(session, ticket, "Болд")
    said += await _delivered(desk)  # the closing message with its rating buttons
    said += await send(desk, "5")
    said += await _delivered(desk)  # the thanks, queued behind it
    with use_language(language):
        menu = [button.label for button in menu_buttons()]
    labels = [button.label for reply in said for row in reply.buttons for button in row]
    return "\n".join([*(reply.text for reply in said), *labels, *menu])


async def _delivered(desk: Desk) -> list[Reply]:
    """What the outbox holds for the walk's chat, as the channel would deliver it."""
    delivered: list[Reply] = []

    async def deliver(row: OutboxMessage) -> outbox.Outcome:
        delivered.append(Payload.from_json(row.payload).reply())
        return outbox.Delivered(str(row.id))

    while await outbox.deliver_due(desk.sessions, ("test",), deliver):
        pass
    return delivered


def _leftover_latin(text: str) -> set[str]:
    plain = LINK.sub(" ", TAG.sub(" ", text))
    return {w for w in LATIN_WORD.findall(plain) if w.lower().strip("'’-") not in PRODUCT_WORDS}


@pytest.fixture
async def with_roster(sessions: async_sessionmaker[AsyncSession]) -> None:
    await roster.import_file(sessions, PROJECT_ROOT / "tests" / "data" / "roster_sample.csv")


@pytest.mark.usefixtures("with_roster")
async def test_the_mongolian_walk_has_no_english(
    engine: Desk, sessions: async_sessionmaker[AsyncSession]
) -> None:
    said = await _walk(engine, sessions, "mn")
    assert "Тусалсан уу?" in said and "Асуудал шийдэгдсэн үү?" in said  # the walk got there
    assert "Цуцаллаа" in said and "үнэлгээ" in said.lower()
    assert _leftover_latin(said) == set()


@pytest.mark.usefixtures("with_roster")
async def test_the_english_walk_has_no_mongolian(
    engine: Desk, sessions: async_sessionmaker[AsyncSession]
) -> None:
    said = await _walk(engine, sessions, "en")
    assert "Did this help?" in said and "Is the problem solved?" in said
    said = MONGOLIAN_NAMES.sub("", said)
    assert [line for line in said.splitlines() if CYRILLIC.search(line)] == []
