"""The certificate lookup as a teacher meets it: register number, surname, each status, limits."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import PROJECT_ROOT
from bot.desk import roster
from bot.desk.certificates import (
    MISCOUNTED,
    find_register_number,
    parse_register_number,
    told_surname,
)
from bot.desk.engine import Desk
from bot.desk.outbox import Payload
from bot.desk.stats import collect_stats
from bot.storage.models import MessageLog, OutboxMessage, Ticket, utcnow
from tests.conftest import FrozenClock
from tests.support import actions, joined, send

SAMPLE = PROJECT_ROOT / "tests" / "data" / "roster_sample.csv"


@pytest.fixture
async def with_roster(sessions: async_sessionmaker[AsyncSession]) -> None:
    report = await roster.import_file(sessions, SAMPLE)
    assert report.ok and report.added == 10


async def look_up(engine: Desk, number: str, surname: str, user: str = "1001") -> str:
    asked = await send(engine, "Батламж", user=user)
    assert "регистрийн дугаар" in joined(asked).lower() or "давтамж" in joined(asked)
    await send(engine, number, user=user)
    return joined(await send(engine, surname, user=user))


@pytest.mark.usefixtures("with_roster")
async def test_passed_and_registered_in_esis(engine: Desk) -> None:
    text = await look_up(engine, "УБ85031214", "Дорж")
    assert "Дорж Б*****р, 2021" in text
    assert "тэнцсэн" in text and "2021 оны 6-р сарын 15" in text
    assert "Б2021-0001" in text
    assert engine.knowledge.answer("certificate_view", "mn") in text


@pytest.mark.usefixtures("with_roster")
async def test_passed_not_yet_registered_latin_letters_and_born_after_2000(engine: Desk) -> None:
    text = await look_up(engine, "ub 01231507", "Munkhbat")
    assert "Мөнхбат А*****а, 2021" in text  # the roster's spelling, not the typed one
    assert "ESIS-д хараахан бүртгэгдээгүй" in text


@pytest.mark.usefixtures("with_roster")
async def test_not_passed_gets_the_retake_answer(engine: Desk) -> None:
    text = await look_up(engine, "ОР88070923", "цэрэн")
    assert "тэнцээгүй" in text
    assert engine.knowledge.answer("failed_retake", "mn") in text


@pytest.mark.usefixtures("with_roster")
async def test_wrong_surname_is_answered_exactly_like_an_unknown_number(
    engine: Desk, sessions: async_sessionmaker[AsyncSession]
) -> None:
    wrong_surname = await look_up(engine, "УБ85031214", "Болд", user="a")
    unknown_number = await look_up(engine, "УБ85031299", "Дорж", user="b")
    assert wrong_surname == unknown_number
    assert "олдсонгүй" in wrong_surname
    replies = await send(engine, action="cert:ticket", user="b")
    assert "хүсэлт №1" in joined(replies)
    async with sessions() as session:
        ticket = await session.scalar(select(Ticket))
        assert ticket is not None and ticket.context["reason"].startswith("certificate")


@pytest.mark.usefixtures("with_roster")
async def test_malformed_numbers_get_the_expected_form(engine: Desk) -> None:
    await send(engine, "Батламж")
    assert "УБ99010112" in joined(await send(engine, "12345"))
    assert "төрсөн огноо" in joined(await send(engine, "УБ99133112"))
    assert "овгоо" in joined(await send(engine, "уб99010112"))


@pytest.mark.usefixtures("with_roster")
async def test_rate_limit_holds_across_a_restart(
    engine: Desk, sessions: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    for wrong in ["Бат", "Болд", "Дулам", "Сүх", "Цэцэг"]:
        assert "олдсонгүй" in await look_up(engine, "УБ85031214", wrong)
    restarted = Desk(sessions, engine.knowledge, engine.schedule, clock=clock)
    refused = joined(await send(restarted, "Батламж"))
    assert "дахин оролдоно уу" in refused and "регистрийн дугаар" not in refused.lower()
    clock.moment += timedelta(hours=1, minutes=1)
    assert "тэнцсэн" in await look_up(restarted, "УБ85031214", "Дорж")


@pytest.mark.usefixtures("with_roster")
async def test_one_number_guessed_from_many_accounts_is_limited_across_them(
    engine: Desk, clock: FrozenClock
) -> None:
    """Ten accounts, each within its own limit, guess surnames for one number: the eleventh
    lookup of that number is refused, even with the right surname and from a fresh account,
    exactly as a person's own limit is; other numbers are not affected; a day later it works."""
    guesses = ["Бат", "Болд", "Дулам", "Сүх", "Цэцэг", "Оюун", "Ганаа", "Туяа", "Нараа", "Энх"]
    assert engine.lookups_per_number == len(guesses)
    for account, guess in enumerate(guesses):
        assert "олдсонгүй" in await look_up(engine, "УБ85031214", guess, user=f"g{account}")
    refused = await look_up(engine, "УБ85031214", "Дорж", user="fresh")
    assert "дахин оролдоно уу" in refused and "тэнцсэн" not in refused
    assert "тэнцээгүй" in await look_up(engine, "ОР88070923", "цэрэн", user="other")
    clock.moment += timedelta(days=1, minutes=1)
    assert "тэнцсэн" in await look_up(engine, "УБ85031214", "Дорж", user="later")


@pytest.mark.usefixtures("with_roster")
async def test_register_numbers_never_reach_logs_or_the_message_log(
    engine: Desk, sessions: async_sessionmaker[AsyncSession], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    await look_up(engine, "УБ85031214", "Дорж")
    assert "85031214" not in caplog.text
    async with sessions() as session:
        texts = list(await session.scalars(select(MessageLog.text)))
    assert not [text for text in texts if "85031214" in text]


async def test_matched_certificate_question_starts_the_flow(engine: Desk) -> None:
    replies = await send(engine, "batlamj mini burtgegdsen uu")
    assert "регистрийн дугаар" in joined(replies).lower()
    assert actions(replies) == []


async def _notices_to(sessions: async_sessionmaker[AsyncSession], chat: str) -> list[str]:
    async with sessions() as session:
        rows = await session.scalars(select(OutboxMessage).where(OutboxMessage.chat_id == chat))
        return [Payload.from_json(row.payload).text for row in rows]


@pytest.mark.usefixtures("with_roster")
async def test_told_once_when_the_certificate_is_registered_and_only_if_asked(
    engine: Desk, sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    """Passed, not yet in ESIS: the bot offers a notice (typed "тийм" takes it). The roster
    import that records the date queues one message, in the teacher's language; importing
    again queues none; a lookup with a wrong surname is offered nothing and told nothing."""
    offered = await look_up(engine, "ub 01231507", "Munkhbat", user="asker")
    assert "Бүртгэгдмэгц энд танд мэдэгдэх үү?" in offered
    taken = joined(await send(engine, "тийм", user="asker"))
    assert "ESIS-д бүртгэгдсэн нь жагсаалтад ормогц" in taken
    assert "мэдэгдэх үү" not in await look_up(engine, "УБ01231507", "Болд", user="guesser")
    await send(engine, "тийм", user="guesser")  # not an answer to any offer: a new message

    registered = tmp_path / "registered.csv"
    registered.write_text(
        SAMPLE.read_text(encoding="utf-8").replace("Б2021-0003,\n", "Б2021-0003,2021-09-01\n"),
        encoding="utf-8",
    )
    report = await roster.import_file(sessions, registered)
    assert report.ok and report.updated == 1 and report.notified == 1
    [notice] = await _notices_to(sessions, "asker")
    assert "бүртгэгдлээ" in notice and "2021" in notice
    again = await roster.import_file(sessions, registered)
    assert again.notified == 0 and len(await _notices_to(sessions, "asker")) == 1
    assert await _notices_to(sessions, "guesser") == []
    async with sessions() as session:  # the admins' figures count it
        stats = await collect_stats(session, utcnow() - timedelta(days=1), utcnow())
    assert [(d.notices_asked, d.notices_sent) for d in stats.days if d.notices_asked] == [(1, 1)]


async def test_told_when_the_next_schedule_is_published(
    engine: Desk, sessions: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    """Nothing of the cohort's training is ahead: the next schedule is offered as a notice;
    the schedule import that adds that cohort's coming year sends it, once, with the dates."""
    from bot.desk import knowledge

    clock.moment = clock.moment.replace(year=2022, month=1, day=10)  # all 2021 windows ended
    shown = joined(await send(engine, "5 дахь жилийн сургалт хэзээ вэ", user="waiting"))
    assert "Дараагийн хуваарь гармагц энд танд илгээх үү?" in shown
    assert "илгээнэ" in joined(await send(engine, "тийм", user="waiting"))
    text = (PROJECT_ROOT / "faq" / "schedule.yaml").read_text(encoding="utf-8")
    new_year = text + (
        "- year: 2022\n  cohort: 5\n  elearning: [2022-03-01, 2022-03-20]\n"
        "  webinar: [2022-03-24, 2022-04-14]\n"
    )
    today = clock.moment.date()
    async with sessions.begin() as session:
        await knowledge.import_schedule(session, text, "admin", today=today)
    assert await _notices_to(sessions, "waiting") == []  # the same years: nothing new
    async with sessions.begin() as session:
        await knowledge.import_schedule(session, new_year, "admin", today=today)
    [notice] = await _notices_to(sessions, "waiting")
    assert "Таны асуусан хуваарь гарлаа" in notice and "2022" in notice
    async with sessions.begin() as session:
        await knowledge.import_schedule(session, new_year + "\n", "admin", today=today)
    assert len(await _notices_to(sessions, "waiting")) == 1


def test_a_word_before_the_number_across_a_full_stop_is_no_surname() -> None:
    """"Уучлаарай. ОР88070923" apologises; "Бат УБ85031512" names."""
    mention = find_register_number("Уучлаарай. ОР88070923")
    assert mention is not None and mention.number is not None
    assert mention.surname == ""
    named = find_register_number("Бат УБ85031512")
    assert named is not None and named.surname == "Бат"


def test_an_apology_or_a_yes_beside_the_number_is_no_surname() -> None:
    """"uuchlaarai ub85031214" (the number typed right after a wrong one) asks for the
    surname; it is not "Uuchlaarai"'s lookup. Nor is "за" or "тийм" a surname."""
    for text in ("uuchlaarai ub85031214", "за УБ85031214", "УБ85031214 тийм"):
        mention = find_register_number(text, lambda _word: False)
        assert mention is not None and mention.number is not None
        assert mention.surname == "", text


@pytest.mark.usefixtures("with_roster")
async def test_a_surname_told_again_after_nothing_was_found_looks_up_the_same_number(
    engine: Desk,
) -> None:
    """The number is kept under "not found": "уучлаарай андуурлаа, овог нь Мөнхбат" or the
    surname alone looks it up again (counted like any lookup); thanks is no surname."""
    assert "олдсонгүй" in await look_up(engine, "УБ01231507", "Батболд")
    assert "Мөнхбат А*****а" in joined(await send(engine, "уучлаарай андуурлаа, овог нь Мөнхбат"))
    assert "олдсонгүй" in await look_up(engine, "УБ85031214", "Болд", user="b")
    assert "олдсонгүй" not in joined(await send(engine, "баярлалаа", user="b"))
    assert "олдсонгүй" in await look_up(engine, "УБ85031214", "Болд", user="c")
    assert "Дорж Б*****р" in joined(await send(engine, "Дорж", user="c"))


def test_a_name_before_the_number_wins_over_a_question_word_after_it() -> None:
    """"Дорж УБ-85031214 батламжаа шалгуулъя": "батламжаа" is the request's word (the
    matcher knows it), "Дорж" the surname; a name after the number is still taken."""
    known = {"батламжаа", "шалгуулъя"}.__contains__
    mention = find_register_number("Дорж УБ-85031214 батламжаа шалгуулъя", known)
    assert mention is not None and mention.surname == "Дорж"
    after = find_register_number("УБ85031214 Дорж батламжаа шалгуулъя", known)
    assert after is not None and after.surname == "Дорж"


def test_a_surname_told_in_words_anywhere() -> None:
    """"Дорж гэдэг" across a full stop, "Овог маань Мөнхбат" at the surname step; a request's
    two words after the number ("батламж шалгах") name nobody."""
    known = {"батламж", "шалгах"}.__contains__
    told = find_register_number("би 5 дахь жилийн багш. Дорж гэдэг. УБ85031214.", known)
    assert told is not None and told.surname == "Дорж"
    assert told_surname("Овог маань Мөнхбат.") == "Мөнхбат"
    assert told_surname("my surname is Dorj") == "Dorj"
    assert told_surname("батламж гэдэг юу вэ", known) == ""
    assert told_surname("ESIS дээр хуучин овгоороо Мөнхбат гэж байгаа") == "Мөнхбат"
    assert told_surname("ovgooroo dorj gej bichigdsen") == "dorj"
    request = find_register_number("УБ85031214 батламж шалгах", known)
    assert request is not None and request.surname == ""


def test_numbers_typed_wrong_are_read_or_named_wrong() -> None:
    """A letter O between digits is a zero; capital Latin P, B, C, H that look like Р, В, С,
    Н are tried both ways; two letters with a digit too few or too many are a register
    number mistyped (said at once), and the surname beside them is kept."""
    zero = find_register_number("УБ85О31214 Дорж", lambda _word: False)
    assert zero is not None and zero.number is not None
    assert zero.number.value == "УБ85031214" and zero.surname == "Дорж"
    look_alike = parse_register_number("OP88070923")
    assert look_alike.value == "ОП88070923"
    assert "ОР88070923" in look_alike.spellings
    assert parse_register_number("or88070923").spellings == ("ОР88070923", "ӨР88070923")
    for typed in ("УБ8503121 Дорж", "УБ850312144 Дорж"):
        short = find_register_number(typed, lambda _word: False)
        assert short is not None and short.number is None, typed
        assert short.problem == MISCOUNTED and short.surname == "Дорж", typed


def test_the_surname_as_written_wins_over_one_told_before() -> None:
    """"хуучнаар Бат байсан, одоо ESIS дээр Дорж гэж бий": the name as it is written now."""
    story = "Овог маань гэрлэснээр солигдсон. Хуучнаар Бат байсан, одоо ESIS дээр Дорж гэж бий"
    assert told_surname(story) == "Дорж"
    assert told_surname("esis deer ovgiig ni dorj gej bichsen") == "dorj"
    assert told_surname("in ESIS my family name is written as Мөнхбат") == "Мөнхбат"
