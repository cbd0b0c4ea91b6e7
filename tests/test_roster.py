"""The certificate roster: import (all-or-nothing, upsert), refusals, lookup and its rate limit.

Every test that touches the database runs on SQLite and on PostgreSQL (the `sessions` fixture).
"""

from __future__ import annotations

import csv
import io
import logging
import os
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.desk.certificates import parse_register_number
from bot.desk.roster import (
    MAX_FILE_BYTES,
    ImportReport,
    RosterFileError,
    format_report,
    import_file,
    lookup,
    lookups_allowed,
    mask_name,
    problems_csv,
    read_roster,
    record_lookup,
    surname_matches,
)
from bot.desk.sandbox import Limits
from bot.i18n import use_language
from bot.storage.db import create_engine, session_factory
from bot.storage.models import Person, RosterEntry

SAMPLE = Path(__file__).parent / "data" / "roster_sample.csv"
NOW = datetime(2021, 9, 1, 2, 0, tzinfo=UTC)
HEADER = (
    "Регистрийн дугаар,Овог,Нэр,Сургууль,Аймаг/дүүрэг,Бүлэг,Он,Үр дүн,Батламжийн дугаар,"
    "ESIS-д бүртгэсэн огноо"
)


def sample_rows() -> list[list[str]]:
    return list(csv.reader(io.StringIO(SAMPLE.read_text(encoding="utf-8-sig"))))


def sample_xlsx() -> bytes:
    """The sample as Excel writes it: numbers and dates as such, an instructions sheet first."""
    workbook = openpyxl.Workbook()
    workbook.active.title = "Заавар"
    workbook.active.append(["Энэ файлд 2021 оны жагсаалт байна."])
    sheet = workbook.create_sheet("Жагсаалт")
    for row in sample_rows():
        cells: list[object] = []
        for value in row:
            if value.isdigit():
                cells.append(int(value))
            elif len(value) == 10 and value[4] == "-" and value[:4].isdigit():
                cells.append(datetime.fromisoformat(value))
            else:
                cells.append(value)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def roster_csv(*lines: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode("utf-8")


async def count_entries(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        return await session.scalar(select(func.count()).select_from(RosterEntry)) or 0


async def find(
    sessions: async_sessionmaker[AsyncSession], number: str, surname: str
) -> RosterEntry | None:
    async with sessions() as session:
        return await lookup(session, parse_register_number(number), surname)


# --- a good import --------------------------------------------------------------------------


async def test_sample_csv_imports_every_row(sessions: async_sessionmaker[AsyncSession]) -> None:
    report = await import_file(sessions, SAMPLE, now=NOW)
    assert report == ImportReport(total=10, added=10)
    assert await count_entries(sessions) == 10

    registered = await find(sessions, "УБ85031214", "Дорж")
    assert registered is not None
    assert (registered.passed, registered.registered_on) == (True, date(2021, 6, 15))
    assert (registered.cohort, registered.year, registered.certificate_number) == (
        10,
        2021,
        "Б2021-0001",
    )
    assert registered.updated_at == NOW
    dotted = await find(sessions, "ДА90112508", "Төмөрбаатар")
    assert dotted is not None and dotted.registered_on == date(2021, 6, 20)
    day_first = await find(sessions, "ХЭ92041736", "Өлзий")
    assert day_first is not None and day_first.registered_on == date(2021, 6, 30)
    not_registered = await find(sessions, "УБ01231507", "Мөнхбат")
    assert not_registered is not None
    assert (not_registered.passed, not_registered.registered_on) == (True, None)
    not_passed = await find(sessions, "ОР88070923", "Цэрэн")
    assert not_passed is not None
    assert (not_passed.passed, not_passed.certificate_number) == (False, None)
    other_staff = await find(sessions, "ЗА80122045", "Сүхбаатар")
    assert other_staff is not None and other_staff.cohort == 0


async def test_xlsx_imports_the_same_as_csv(sessions: async_sessionmaker[AsyncSession]) -> None:
    from_csv = read_roster(SAMPLE)
    from_xlsx = read_roster(sample_xlsx(), "жагсаалт.XLSX")
    assert from_xlsx.problems == []
    assert from_xlsx.rows == from_csv.rows

    report = await import_file(sessions, sample_xlsx(), "жагсаалт.xlsx", now=NOW)
    assert (report.added, report.updated, report.unchanged) == (10, 0, 0)
    again = await import_file(sessions, SAMPLE, now=NOW)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 10)


def test_xlsx_problems_carry_the_sheet_row_numbers() -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    sheet.append(["УБ85031214", "Дорж", "Батбаяр", "1", "УБ", 10, 2021, "тэнцсэн", None, 44362])
    sheet.append([])
    sheet.append(["УБ85031215", "Дорж", "Бат", "1", "УБ", 4, 2021.0, "тэнцсэн", None, "15/6"])
    out = io.BytesIO()
    workbook.save(out)
    parsed = read_roster(out.getvalue(), "roster.xlsx")
    assert parsed.rows[0].registered_on == date(2021, 6, 15)  # an Excel day number
    assert [(p.line, p.reason, p.value) for p in parsed.problems] == [
        (4, "cohort", "4"),
        (4, "date", "15/6"),
    ]


def test_headers_and_values_are_matched_leniently() -> None:
    data = (
        "\ufeffREGISTER NO; Last name ;First_name;School;Aimag;Year of work;Training year;"
        "Result;Certificate No.;Date registered\n"
        "ub 85031214;Дорж;Батбаяр;23;УБ;1 дэх жил;2021;Passed;;2021-06-15 00:00:00\n"
        "уб85031215;Дорж;Бат;23;УБ;10-р жил;2020-2021;YES;12;2021.6.5\n"
        "УБ85031216;Дорж;Бат;23;УБ;Бусад;2021;тэнцээгүй;;\n"
        "УБ85031217;Дорж;Бат;23;УБ;5;2021;no;;\n"
    ).encode()
    parsed = read_roster(data, "list.csv")
    assert parsed.problems == []
    assert [(r.register_number, r.cohort, r.year, r.passed) for r in parsed.rows] == [
        ("УБ85031214", 1, 2021, True),
        ("УБ85031215", 10, 2021, True),
        ("УБ85031216", 0, 2021, False),
        ("УБ85031217", 5, 2021, False),
    ]
    assert [r.registered_on for r in parsed.rows[:2]] == [date(2021, 6, 15), date(2021, 6, 5)]
    assert parsed.rows[1].certificate_number == "12"


def test_aimag_and_district_columns_are_joined() -> None:
    parsed = read_roster(
        roster_csv(
            "УБ85031214,Дорж,Батбаяр,1,Архангай,Эрдэнэбулган,10,2021,тэнцсэн",
            header="РД,Овог,Нэр,Сургууль,Аймаг,Дүүрэг,Бүлэг,Он,Үр дүн",
        ),
        "a.csv",
    )
    assert parsed.rows[0].district == "Архангай, Эрдэнэбулган"


# --- bad rows -------------------------------------------------------------------------------

BAD_ROWS = (
    "УБ85031214,Дорж,Батбаяр,1,УБ,10,2021,тэнцсэн,Б-1,2021-06-15",  # 2: good
    "УБ123,Дорж,Бат,1,УБ,10,2021,тэнцсэн,,",  # 3
    "УБ85023014,Дорж,Бат,1,УБ,10,2021,тэнцсэн,,",  # 4: 30 February
    "УБ85031215,Дорж,Бат,1,УБ,3,2021,тэнцсэн,,",  # 5
    "УБ85031216,Дорж,Бат,1,УБ,10,2021,магадгүй,,",  # 6
    "УБ85031217,,Бат,1,УБ,10,2021,тэнцсэн,,",  # 7
    "уб 85031214,Дорж,Батбаяр,1,УБ,10,2021,тэнцсэн,,",  # 8: line 2 again
    "УБ85031218,Дорж,Бат,1,УБ,10,2021,тэнцсэн,,2021-13-45",  # 9
    "УБ85031219,Дорж,Бат,1,УБ,10,20x1,тэнцсэн,,",  # 10
    "УБ85031220,Дорж,Бат,1,УБ,10,2021,тэнцээгүй,,2021-06-15",  # 11
    "УБ85031221,Дорж,Бат," + "я" * 300 + ",УБ,10,2021,тэнцсэн,,",  # 12
    ",,,,,,,,,",  # 13: blank, skipped
    "ХХ,Дорж,Бат,1,УБ,10,2021,?,,",  # 14: two problems
    "УБ01131507,Дорж,Бат,1,УБ,1,2021,тэнцсэн,,",  # 15: month 13 - 20 is not a month either
)
EXPECTED_PROBLEMS = [
    (3, "register_number"),
    (4, "birth_date"),
    (5, "cohort"),
    (6, "result"),
    (7, "name"),
    (8, "duplicate"),
    (9, "date"),
    (10, "year"),
    (11, "registered_not_passed"),
    (12, "too_long"),
    (14, "register_number"),
    (14, "result"),
    (15, "birth_date"),
]


async def test_every_bad_row_is_reported_and_nothing_is_written(
    sessions: async_sessionmaker[AsyncSession], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    report = await import_file(sessions, roster_csv(*BAD_ROWS), "roster.csv", now=NOW)
    assert not report.ok
    assert [(p.line, p.reason) for p in report.problems] == EXPECTED_PROBLEMS
    assert (report.total, report.bad_lines, report.added) == (13, 12, 0)
    assert await count_entries(sessions) == 0

    with use_language("en"):
        text = format_report(report)
        table = problems_csv(report.problems).decode("utf-8-sig")
    assert "nothing was written" in text
    assert "line 3: malformed register number УБ*23" in text
    assert "line 4: register number УБ******14 does not hold a valid birth date" in text
    assert "line 5: unknown cohort '3'" in text
    assert "line 6: unknown result 'магадгүй'" in text
    assert "line 7: missing name: Овог / surname" in text
    assert "line 8: duplicate of line 2" in text
    assert "line 9: bad date '2021-13-45'" in text
    assert "line 10: bad year '20x1'" in text
    assert "line 11: registered in ESIS, but the result is not passed" in text
    assert "line 12: Сургууль / school is too long" in text
    assert text.count("line 14:") == 2
    for number in ("УБ85023014", "УБ01131507", "85031214"):
        assert number not in text and number not in table and number not in caplog.text
    assert list(csv.reader(io.StringIO(table)))[1] == [
        "3",
        "malformed register number УБ*23 (expected two letters and eight digits, like УБ99010112)",
    ]
    with use_language("en"):
        short = format_report(report, max_problems=3)
    assert short.count("\nline ") == 3 and "… and 10 more" in short


async def test_bad_rows_leave_an_earlier_roster_untouched(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await import_file(sessions, SAMPLE, now=NOW)
    changed = roster_csv(
        "УБ85031214,Дорж,Батбаяр,1,УБ,10,2021,тэнцээгүй,,",  # would update
        "УБ85031299,Шинэ,Хүн,1,УБ,10,2021,тэнцсэн,,",  # would add
        "УБ123,Дорж,Бат,1,УБ,10,2021,тэнцсэн,,",
    )
    report = await import_file(sessions, changed, "roster.csv", now=NOW + timedelta(days=1))
    assert [(p.line, p.reason) for p in report.problems] == [(4, "register_number")]
    assert await count_entries(sessions) == 10
    entry = await find(sessions, "УБ85031214", "Дорж")
    assert entry is not None and entry.passed and entry.updated_at == NOW


# --- re-imports -----------------------------------------------------------------------------


async def test_reimport_of_the_same_file_changes_nothing(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await import_file(sessions, SAMPLE, now=NOW)
    again = await import_file(sessions, SAMPLE, now=NOW + timedelta(days=1))
    assert again == ImportReport(total=10, unchanged=10)
    with use_language("en"):
        assert format_report(again) == (
            "Roster imported: 10 rows — 0 added, 0 updated, 10 unchanged."
        )
    entry = await find(sessions, "УБ85031214", "Дорж")
    assert entry is not None and entry.updated_at == NOW


async def test_a_newer_list_updates_in_place(sessions: async_sessionmaker[AsyncSession]) -> None:
    await import_file(sessions, SAMPLE, now=NOW)
    rows = sample_rows()
    by_number = {row[1]: row for row in rows[2:]}
    by_number["УБ01231507"][10] = "2021-09-20"  # now registered in ESIS
    by_number["УБ99010112"][4] = "46-р сургууль"  # moved school
    rows.append(["11", "УБ85031214", "Дорж", "Батбаяр", "23", "УБ", "10", "2022", "тэнцсэн"])
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    later = NOW + timedelta(days=30)
    report = await import_file(sessions, out.getvalue().encode(), "roster.csv", now=later)
    assert (report.added, report.updated, report.unchanged) == (1, 2, 8)
    assert await count_entries(sessions) == 11

    registered = await find(sessions, "УБ01231507", "Мөнхбат")
    assert registered is not None
    assert (registered.registered_on, registered.updated_at) == (date(2021, 9, 20), later)
    moved = await find(sessions, "УБ99010112", "Ганболд")
    assert moved is not None and moved.school == "46-р сургууль"
    latest = await find(sessions, "УБ85031214", "Дорж")
    assert latest is not None and (latest.year, latest.registered_on) == (2022, None)


# --- files that are not rosters -------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "roster.csv", "The file is empty."),
        (b"\n\n ,,\n", "roster.csv", "The file is empty."),
        (os.urandom(4096), "roster.csv", "not"),
        (b"\x00\x01garbage" * 100, "roster.csv", "not a CSV text file"),
        (b"\x98\x98,\x98\n" * 3, "roster.csv", "encoding I cannot read"),
        (os.urandom(4096), "roster.xlsx", "not a readable Excel workbook"),
        (b"PK\x03\x04" + os.urandom(4096), "roster.xlsx", "not a readable Excel workbook"),
        (b"%PDF-1.4 ...", "roster.pdf", "must be a .csv or .xlsx file, not .pdf"),
        (b"\xd0\xcf\x11\xe0", "roster.xls", "must be a .csv or .xlsx file, not .xls"),
        (b"a,b\n1,2\n", "roster", "must be a .csv or .xlsx file"),
        (b"name,school,colour\nx,y,z\n", "people.csv", "The roster has no column for:"),
        (b"just some text\nof a letter\n", "letter.csv", "This file is not a roster"),
        (HEADER.encode() + b"\n", "roster.csv", "has a header but no rows"),
    ],
)
def test_a_file_that_is_not_a_roster_is_refused_with_one_message(
    data: bytes, filename: str, message: str
) -> None:
    with pytest.raises(RosterFileError) as refused, use_language("en"):
        read_roster(data, filename)
    assert message in str(refused.value)
    assert "\n" not in str(refused.value)


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.replace(",", "\t").encode("utf-16"),  # Excel's "Unicode text"
        lambda text: text.encode("cp1251"),  # an old Windows "CSV (Comma delimited)"
    ],
    ids=["utf-16-tab", "cp1251"],
)
def test_a_roster_saved_by_excel_in_other_encodings_reads_the_same(
    encode: Callable[[str], bytes],
) -> None:
    # cp1251 has no ө and ү: files saved in it already carry о and у instead
    text = SAMPLE.read_text(encoding="utf-8-sig").translate(str.maketrans("өүӨҮ", "оуОУ"))
    expected = read_roster(text.encode("utf-8"), "roster.csv")
    assert read_roster(encode(text), "roster.csv").rows == expected.rows


def test_an_xlsx_named_csv_and_a_csv_of_many_rows_are_refused() -> None:
    with pytest.raises(RosterFileError, match=r"name it \.xlsx"), use_language("en"):
        read_roster(sample_xlsx(), "roster.csv")
    many = roster_csv(*["УБ85031214,Дорж,Бат,1,УБ,10,2021,тэнцсэн,,"] * 100_001)
    with pytest.raises(RosterFileError, match="more than 100000 rows"), use_language("en"):
        read_roster(many, "roster.csv")


async def test_fifty_megabytes_of_garbage_are_refused_without_being_read(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    garbage = os.urandom(50 * 1024 * 1024)
    huge = tmp_path / "roster.xlsx"
    with huge.open("wb") as sparse:  # a file of 50 MB that costs nothing to make
        sparse.truncate(50 * 1024 * 1024)
    for source, name in ((garbage, "roster.csv"), (huge, None)):
        start = time.perf_counter()
        with pytest.raises(RosterFileError) as refused, use_language("en"):
            await import_file(sessions, source, name)
        assert time.perf_counter() - start < 0.5
        assert str(refused.value) == "The file is too large (50 MB; at most 20 MB)."
    assert MAX_FILE_BYTES == 20 * 1024 * 1024
    assert await count_entries(sessions) == 0


# --- the lookup -----------------------------------------------------------------------------


async def test_lookup_by_latin_letters_and_a_latin_surname(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await import_file(sessions, SAMPLE, now=NOW)
    for number, surname in [
        ("ub85031214", "Dorj"),
        ("УБ 85031214", "  дОРЖ "),
        ("da 90112508", "Tumurbaatar"),
        ("DA90112508", "Tömörbaatar"),
        ("da90112508", "Томорбаатар"),
        ("or88070923", "Tseren"),
        ("xe92041736", "Ulzii"),
        ("ub02280411", "Bat-Erdene"),
        ("уб02280411", "Бат Эрдэнэ"),
    ]:
        entry = await find(sessions, number, surname)
        assert entry is not None, (number, surname)


async def test_a_wrong_surname_is_answered_like_an_unknown_number(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await import_file(sessions, SAMPLE, now=NOW)
    assert await find(sessions, "УБ85031214", "Батбаяр") is None  # the given name
    assert await find(sessions, "УБ85031214", "Дор") is None
    assert await find(sessions, "УБ85031214", "") is None
    assert await find(sessions, "УБ85031214", "12345") is None
    assert await find(sessions, "УБ85031299", "Дорж") is None  # not in the roster


async def test_a_register_number_born_after_2000(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    number = parse_register_number("уб01231507")
    assert (number.value, number.birth_date) == ("УБ01231507", date(2001, 3, 15))
    await import_file(sessions, SAMPLE, now=NOW)
    entry = await find(sessions, "ub01231507", "Munkhbat")
    assert entry is not None and entry.given_name == "Ариунаа"
    assert parse_register_number("УБ02280411").birth_date == date(2002, 8, 4)


def test_surname_comparison_is_exact_after_folding() -> None:
    assert surname_matches("Өлзий", "olzii")
    assert surname_matches("Сүхбаатар", "Suhbaatar")
    assert surname_matches("Мөнхбат", "мунхбат")  # a phone without ө
    assert surname_matches("Цэрэн", "Цэрэн ")
    assert not surname_matches("Цэрэн", "Цэрэнгийн")
    assert not surname_matches("Дорж", "Доржсүрэн")
    assert not surname_matches("Болд", "Бат")


def test_names_in_replies_are_masked() -> None:
    assert mask_name("Батбаяр") == "Б*****р"
    assert mask_name("Бат-Эрдэнэ") == "Б*т-Э****э"
    assert mask_name("Бо") == "Б*"
    assert mask_name(" Ю ") == "Ю"


# --- the rate limit -------------------------------------------------------------------------


async def test_the_rate_limit_holds_across_a_restart(database_url: str) -> None:
    first = create_engine(database_url)
    async with session_factory(first).begin() as session:
        person = Person(channel="test", external_id="42", chat_id="42")
        session.add(person)
        await session.flush()
        person_id = person.id
        for minute in range(5):
            await record_lookup(session, person_id, NOW + timedelta(minutes=minute))
    await first.dispose()

    restarted = create_engine(database_url)  # a new process: nothing kept in memory
    sessions = session_factory(restarted)
    try:
        async with sessions() as session:
            later = NOW + timedelta(minutes=10)
            assert await lookups_allowed(session, person_id, later, 5, 20) == NOW + timedelta(
                hours=1
            )
            assert (
                await lookups_allowed(session, person_id, NOW + timedelta(hours=1), 5, 20) is None
            )
            assert await lookups_allowed(session, person_id, later, 6, 20) is None
    finally:
        await restarted.dispose()


async def test_the_daily_limit(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions.begin() as session:
        person = Person(channel="test", external_id="7", chat_id="7")
        other = Person(channel="test", external_id="8", chat_id="8")
        session.add_all([person, other])
        await session.flush()
        for hour in range(4):  # 5 an hour for 4 hours: 20 in all
            for minute in range(5):
                moment = NOW + timedelta(hours=hour, minutes=minute)
                await record_lookup(session, person.id, moment)
    evening = NOW + timedelta(hours=10)
    async with sessions() as session:
        assert await lookups_allowed(session, person.id, evening, 5, 20) == NOW + timedelta(days=1)
        assert await lookups_allowed(session, person.id, evening, 5, 21) is None
        assert await lookups_allowed(session, other.id, evening, 5, 20) is None
        next_day = NOW + timedelta(days=1)
        assert await lookups_allowed(session, person.id, next_day, 5, 20) is None


async def test_a_reader_past_its_memory_limit_is_refused_with_the_reason(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """The child that reads an upload has a capped address space: when reading needs more, the
    child fails, not the desk, and the import says why. (64 MB is less than the interpreter and
    openpyxl need, so the sample itself cannot be read within it.)"""
    with pytest.raises(RosterFileError, match="64 МБ-аас их санах ой"):
        await import_file(sessions, sample_xlsx(), "roster.xlsx", limits=Limits(memory_mb=64))
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(RosterEntry)) == 0
    report = await import_file(sessions, sample_xlsx(), "roster.xlsx", now=NOW)
    assert report.ok and report.added == 10
