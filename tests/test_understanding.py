"""The whole message understood: facts that fill a flow, corrections, two questions, asking
which entry is meant, out-of-scope pointers, long pastes, the schedule's year, English."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import PROJECT_ROOT
from bot.desk import roster
from bot.desk.engine import Desk
from bot.desk.faq import FaqEntry, KnowledgeBase
from bot.desk.flows.new_message import ALONE_BAND
from bot.desk.schedule import CohortSchedule, Window
from bot.nlu.matcher import DEFAULT_MARGIN, DEFAULT_THRESHOLD
from bot.storage.models import FaqSuggestion, Person, Ticket
from tests.conftest import FrozenClock
from tests.support import actions, joined, send

SAMPLE = PROJECT_ROOT / "tests" / "data" / "roster_sample.csv"


@pytest.fixture
async def with_roster(sessions: async_sessionmaker[AsyncSession]) -> None:
    await roster.import_file(sessions, SAMPLE)


@pytest.mark.usefixtures("with_roster")
@pytest.mark.parametrize(
    "message",
    [
        "батламж шалгуулах гэсэн юм. УБ85031214 Дорж",
        "ub85031214 dorj",
        "Миний регистр УБ 8503 1214, овог Дорж",
    ],
)
async def test_register_number_and_surname_in_one_message_answer_at_once(
    engine: Desk, message: str
) -> None:
    text = joined(await send(engine, message))
    assert "тэнцсэн" in text and "2021 оны 6-р сарын 15" in text


@pytest.mark.usefixtures("with_roster")
async def test_inside_the_lookup_a_number_with_its_surname_is_both_answers(engine: Desk) -> None:
    await send(engine, "Батламж")
    text = joined(await send(engine, "ub85031214 dorj"))
    assert "тэнцсэн" in text and "хоёр үсэг" not in text


async def test_a_stated_cohort_is_remembered_and_a_correction_answers_again(
    engine: Desk, sessions: async_sessionmaker[AsyncSession]
) -> None:
    first = joined(await send(engine, "би 10 дахь жилийн багш, сургалт хэзээ эхлэх вэ"))
    assert "10 дахь жил" in first and "1-р сарын 15" in first
    corrected = joined(await send(engine, "уучлаарай, би 5 дахь жилийн багш байна"))
    assert "5 дахь жил" in corrected and "3-р сарын 2" in corrected
    assert "Сайн байна уу" not in corrected  # not read as a greeting
    latin = joined(await send(engine, "uuchlaarai bi 1 deh jiliin bagsh"))
    assert "4-р сарын 15" in latin
    async with sessions() as session:
        person = await session.scalar(select(Person))
        assert person is not None and person.cohort == 1
    assert "4-р сарын 15" in joined(await send(engine, "хуваарь"))  # kept for later


async def test_a_cohort_stated_alone_elsewhere_is_noted(engine: Desk) -> None:
    text = joined(await send(engine, "би 5 дахь жилийн багш"))
    assert "5 дахь жил" in text and "мэдэхгүй" not in text


async def test_a_question_left_is_answered_the_next_message_but_not_the_next_day(
    engine: Desk, clock: FrozenClock
) -> None:
    await send(engine, "хуваарь хэзээ вэ")
    await send(engine, "вебинарт яаж орох вэ")
    assert "13 хоногийн дараа дуусна" in joined(await send(engine, "5 дахь жил"))
    await send(engine, "хуваарь хэзээ вэ", user="1002")
    await send(engine, "вебинарт яаж орох вэ", user="1002")
    clock.moment += timedelta(days=1)
    text = joined(await send(engine, "5 дахь жил", user="1002"))
    assert "Тэмдэглэлээ: 5 дахь жил" in text and "13 хоногийн дараа" not in text


async def test_a_system_correction_gives_the_other_systems_steps(engine: Desk) -> None:
    esis = await send(engine, "ESIS нууц үгээ мартсан")
    assert esis[0].text.startswith(engine.knowledge.answer("esis_password", "mn"))
    other = await send(engine, "үгүй ээ, цахим сургалтынх")
    assert other[0].text.startswith(engine.knowledge.answer("elearning_login", "mn"))


async def test_a_password_question_without_a_system_asks_which(engine: Desk) -> None:
    asked = await send(engine, "Нууц угээ мартсан 😭😭 тусална уу")
    assert actions(asked) == ["rec:esis", "rec:elearning"]
    steps = await send(engine, "есис")
    assert steps[0].text.startswith(engine.knowledge.answer("esis_password", "mn"))


async def test_two_questions_in_one_message_get_two_answers(engine: Desk) -> None:
    replies = await send(
        engine, "Цахим сургалтын нууц үгээ мартсан. Бас батламжаа хаанаас харах вэ?"
    )
    feedback = [a for a in actions(replies) if a.startswith("fb:up:")]
    assert len(replies) >= 2 and len(feedback) == 2
    assert {a.rsplit(":", 1)[1] for a in feedback} == {"elearning_login", "certificate_view"}


CLOSE = 10.0  # HELPDESK_MATCH_MARGIN: entries this close are both offered


RED_FORM = FaqEntry("red_form", ("улаан маягт бөглөх", "улаан маягт хаана"), "Улаан.",
                    title="Улаан маягт", title_en="The red form")  # fmt: skip
BLUE_FORM = FaqEntry("blue_form", ("бараан маягт бөглөх", "бараан маягт хаана"), "Бараан.",
                     title="Бараан маягт", title_en="The dark form")  # fmt: skip
LUNCH = FaqEntry("lunch", ("өдрийн хоолны цэс", "хоол хэдэн цагт"), "Хоол.",
                 title="Хоолны цэс", title_en="Lunch")  # fmt: skip


def _two_close_entries() -> KnowledgeBase:
    # CLOSE: the pieces of "улаан" and "бараан" tip the classifier a few points
    return KnowledgeBase([RED_FORM, BLUE_FORM], DEFAULT_THRESHOLD, CLOSE)


async def test_close_entries_are_offered_and_the_choice_is_kept_for_admins(
    sessions: async_sessionmaker[AsyncSession], engine: Desk
) -> None:
    desk = Desk(sessions, _two_close_entries(), engine.schedule, clock=engine.clock)
    asked = await send(desk, "маягт бөглөх")
    assert actions(asked) == ["which:red_form", "which:blue_form", "which:none"]
    assert "1. Улаан маягт" in joined(asked) and "2. Бараан маягт" in joined(asked)
    answered = await send(desk, "2")  # typed, as a tap
    assert answered[0].text.startswith("Бараан.")
    async with sessions() as session:
        kept = await session.scalar(select(FaqSuggestion))
    assert kept is not None and (kept.entry_id, kept.question) == ("blue_form", "маягт бөглөх")
    assert kept.ticket_id is None


def _form_and_lunch(threshold: float) -> KnowledgeBase:
    return KnowledgeBase([RED_FORM, LUNCH], threshold, DEFAULT_MARGIN)


@pytest.mark.parametrize(("under", "offered"), [(2.0, True), (ALONE_BAND + 2.0, False)])
async def test_one_entry_just_under_the_threshold_is_offered_alone(
    sessions: async_sessionmaker[AsyncSession], engine: Desk, under: float, offered: bool
) -> None:
    """Nearly sure of one entry: "did you mean this?" with it and a way out; further under
    the threshold the message is not understood."""
    question = "улаан маягтаа яаж авах вэ"
    score = _form_and_lunch(DEFAULT_THRESHOLD).matcher.match(question).score
    desk = Desk(sessions, _form_and_lunch(score + under), engine.schedule, clock=engine.clock)
    asked = await send(desk, question)
    if not offered:
        assert not any(a.startswith("which:") for a in actions(asked))
        return
    assert actions(asked) == ["which:red_form", "which:none"]
    assert "Та үүнийг асууж байна уу?" in joined(asked) and "1. Улаан маягт" in joined(asked)
    assert (await send(desk, "1"))[0].text.startswith("Улаан.")


async def test_a_long_paste_is_judged_by_its_request(engine: Desk) -> None:
    law = "Боловсролын тухай хуулийн 40.8-д заасны дагуу багш сургалтад хамрагдана. " * 70
    replies = await send(engine, law + "Цахим сургалтын нууц үгээ мартсан, яах вэ?")
    assert replies[0].text.startswith(engine.knowledge.answer("elearning_login", "mn"))


async def test_a_request_for_a_person_asks_for_the_problem_then_opens_the_ticket(
    engine: Desk, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await send(engine, action="cohort:5")
    asked = joined(await send(engine, "operator"))
    assert "нэг мессежээр" in asked and "№" not in asked
    opened = joined(await send(engine, "ESIS-д батламж маань харагдахгүй байна"))
    assert "хүсэлт №1" in opened
    async with sessions() as session:
        ticket = await session.scalar(select(Ticket))
    assert ticket is not None and ticket.cohort == 5 and ticket.context["system"] == "esis"


@pytest.mark.parametrize(
    ("text", "opens"),
    [
        ("оператор!! роботтой ярихыг хүсэхгүй", False),  # the robot turned away: no problem
        ("хүнтэй ярих!!! ботоор яримааргүй байна", False),
        ("hvntei yarih, nuuts ug martsan", True),  # chat's "pass" words are no passing on
        ("хүнтэй ярих, нууц үг ажиллахгүй байна", True),
    ],
)
async def test_a_person_asked_for_with_or_without_a_problem(
    engine: Desk, text: str, opens: bool
) -> None:
    replied = joined(await send(engine, text))
    assert ("хүсэлт №1" in replied) == opens
    assert ("нэг мессежээр" in replied) != opens


async def test_english_questions_get_english_answers(engine: Desk) -> None:
    await send(engine, action="lang:en")
    schedule = joined(await send(engine, "When is the webinar for 5th year teachers?"))
    assert "5th year" in schedule and "Mar 24, 2021" in schedule
    person = joined(await send(engine, "I need to talk to a human"))
    assert "describe the problem" in person


def _clock_in_december_2026() -> FrozenClock:
    return FrozenClock(datetime(2026, 12, 3, 2, 0, tzinfo=UTC))


def _year(year: int) -> list[CohortSchedule]:
    return [
        CohortSchedule(year, 5, Window(date(year, 3, 2), date(year, 3, 23)),
                       Window(date(year, 3, 24), date(year, 4, 14))),
    ]  # fmt: skip


async def test_next_years_schedule_is_the_upcoming_one_and_offers_reminders(
    sessions: async_sessionmaker[AsyncSession], knowledge: KnowledgeBase
) -> None:
    desk = Desk(sessions, knowledge, _year(2021) + _year(2027), clock=_clock_in_december_2026())
    await send(desk, action="cohort:5")
    replies = await send(desk, "хуваарь")
    text = joined(replies)
    assert "2027" in text and "гараагүй" not in text
    assert "remind:on" in actions(replies)


async def test_past_windows_are_not_offered_reminders(
    sessions: async_sessionmaker[AsyncSession], knowledge: KnowledgeBase
) -> None:
    desk = Desk(sessions, knowledge, _year(2021), clock=_clock_in_december_2026())
    await send(desk, action="cohort:5")
    replies = await send(desk, "хуваарь")
    assert "2026" in joined(replies) and "remind:on" not in actions(replies)
