"""Speed of the roster: `python -m tests.bench.roster [--rows 40000]` (a benchmark, not a test).

Imports a synthetic roster (parse + validate + write in one transaction) into SQLite in a
temporary file and, when HELPDESK_TEST_DATABASE_URL names a PostgreSQL server, into a scratch
database created and dropped here: fresh from .csv, re-imported unchanged, re-imported with
every row changed (.csv, then .xlsx); then times lookups (register number + surname, one
session each, as the desk does them).
Targets (issue 5): import ≤ 20 s per database for 40,000 rows; lookup p99 ≤ 5 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

import openpyxl
from sqlalchemy.engine import make_url

from bot.desk.certificates import parse_register_number
from bot.desk.roster import import_file, lookup
from bot.storage.db import create_engine, session_factory, upgrade
from tests.support import admin_execute

SEED = 20210115
LOOKUPS = 2000
LETTERS = "АБВГДЕЗИКЛМНОПРСТУФХЦЧШЭЮЯӨҮ"
SURNAMES = (
    "Дорж", "Төмөрбаатар", "Мөнхбат", "Цэрэн", "Өлзий", "Ганболд", "Сүхбаатар", "Нямдорж",
    "Бат-Эрдэнэ", "Пүрэвдорж", "Батсүх", "Энхбаяр", "Оюунбилэг", "Ганзориг", "Чимэддорж",
)  # fmt: skip
GIVEN_NAMES = ("Батбаяр", "Сарангэрэл", "Ариунаа", "Энхтуяа", "Баярмаа", "Тэмүүлэн", "Номин")
COHORTS = ("1", "5", "10", "бусад")


def synthetic_roster(
    rows: int, year: int = 2021, edition: int = 1
) -> tuple[bytes, list[tuple[str, str]]]:
    """A CSV of `rows` distinct people, and their (register number, surname) pairs.

    Another edition of the same roster names every school differently: a re-import of it
    updates every row, the worst case for an update.
    """
    rng = random.Random(SEED)
    numbers: set[str] = set()
    people: list[tuple[str, str]] = []
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["№", "Регистрийн дугаар", "Овог", "Нэр", "Сургууль", "Аймаг/дүүрэг", "Бүлэг", "Он",
         "Үр дүн", "Батламжийн дугаар", "ESIS-д бүртгэсэн огноо"]
    )  # fmt: skip
    while len(people) < rows:
        born = date(1960, 1, 1) + timedelta(days=rng.randrange(16000))
        month = born.month + (20 if born.year >= 2000 else 0)
        number = (
            rng.choice(LETTERS) + rng.choice(LETTERS)
            + f"{born.year % 100:02d}{month:02d}{born.day:02d}{rng.randrange(100):02d}"
        )  # fmt: skip
        if number in numbers:
            continue
        numbers.add(number)
        surname = rng.choice(SURNAMES)
        passed = rng.random() < 0.64
        registered = passed and rng.random() < 0.7
        writer.writerow(
            [
                len(people) + 1, number, surname, rng.choice(GIVEN_NAMES),
                f"{rng.randrange(1, 120)}-р сургууль ({edition})", "Улаанбаатар",
                rng.choice(COHORTS), year,
                "тэнцсэн" if passed else "тэнцээгүй",
                f"Б{year}-{len(people) + 1:05d}" if passed else "",
                f"{year}-06-{rng.randrange(1, 31):02d}" if registered else "",
            ]
        )  # fmt: skip
        people.append((number, surname))
    return out.getvalue().encode("utf-8-sig"), people


def _percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def as_xlsx(data: bytes) -> bytes:
    """The same roster as an Excel workbook, the form admins usually upload."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))):
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# (what is timed, file name, which file of main()'s, the count that must equal the rows)
STEPS = (
    ("import .csv", "roster.csv", "first", "added"),
    ("unchanged re-import .csv", "roster.csv", "first", "unchanged"),
    ("all-updated re-import .csv", "roster.csv", "second", "updated"),
    ("all-updated re-import .xlsx", "roster.xlsx", "first_xlsx", "updated"),
)


async def run(
    label: str, url: str, files: dict[str, bytes], people: list[tuple[str, str]]
) -> None:
    await upgrade(url)
    engine = create_engine(url)
    sessions = session_factory(engine)
    try:
        print(label)
        for what, filename, key, count in STEPS:
            start = time.perf_counter()
            report = await import_file(sessions, files[key], filename)
            print(f"  {what:<30} {time.perf_counter() - start:6.2f} s")
            assert getattr(report, count) == len(people), report
        sample = random.Random(SEED).sample(people, min(LOOKUPS, len(people)))
        timings: list[float] = []
        for number, surname in sample:
            parsed = parse_register_number(number)
            start_ns = time.perf_counter_ns()
            async with sessions() as session:
                found = await lookup(session, parsed, surname)
            timings.append((time.perf_counter_ns() - start_ns) / 1e6)
            assert found is not None
        print(
            f"  {'lookup (' + str(len(timings)) + ')':<30} p50 {statistics.median(timings):.2f} ms"
            f"   p95 {_percentile(timings, 0.95):.2f} ms   p99 {_percentile(timings, 0.99):.2f} ms"
            f"   max {max(timings):.2f} ms"
        )
    finally:
        await engine.dispose()


async def main(rows: int) -> None:
    start = time.perf_counter()
    first, people = synthetic_roster(rows)
    files = {
        "first": first,
        "second": synthetic_roster(rows, edition=2)[0],
        "first_xlsx": as_xlsx(first),
    }
    print(
        f"synthetic roster: {rows} rows, {len(first) / 1e6:.1f} MB as .csv, "
        f"{len(files['first_xlsx']) / 1e6:.1f} MB as .xlsx, built in "
        f"{time.perf_counter() - start:.1f} s"
    )
    with tempfile.TemporaryDirectory() as directory:
        await run("SQLite", f"sqlite+aiosqlite:///{Path(directory) / 'bench.db'}", files, people)
    server = os.environ.get("HELPDESK_TEST_DATABASE_URL", "")
    if not server:
        print("PostgreSQL: skipped (set HELPDESK_TEST_DATABASE_URL)")
        return
    name = f"helpdesk_bench_{uuid.uuid4().hex[:10]}"
    await admin_execute(server, f'CREATE DATABASE "{name}"')
    try:
        url = make_url(server).set(database=name).render_as_string(hide_password=False)
        await run("PostgreSQL", url, files, people)
    finally:
        await admin_execute(server, f'DROP DATABASE "{name}" WITH (FORCE)')


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=40_000)
    asyncio.run(main(parser.parse_args().rows))
