"""The certificate roster: reading the institute's list, importing it, and the private lookup.

The list is the one the institute already sends to the aimag/district departments, as .csv or
.xlsx with Mongolian or English headers. An import is all-or-nothing: every bad row is
reported with its line number and nothing is written until the whole file is clean. Register
numbers are personal data: they never reach the log, and problems show them masked.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import logging
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
from sqlalchemy import bindparam, case, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.desk import notices, sandbox
from bot.desk.certificates import (
    BIRTH_DATE,
    RegisterNumber,
    RegisterNumberError,
    parse_register_number,
)
from bot.desk.schedule import COHORTS, OTHER_COHORT
from bot.i18n import N_, _, ngettext
from bot.nlu.normalize import fold, normalize
from bot.storage.models import AuditEvent, CertificateLookup, RosterEntry, utcnow

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 20 * 1024 * 1024
"""Larger files are refused before they are read: a real roster of 40,000 rows is ~5 MB."""

MAX_ROWS = 100_000
"""Rows read at most; about 35,000 teachers work in general-education schools."""

MAX_UNPACKED_BYTES = 200 * 1024 * 1024
"""An .xlsx is a zip: refuse one that would unpack to more than this (a zip bomb)."""

HEADER_SCAN_ROWS = 10
"""The header may sit under a title row or two; it is looked for in this many first rows."""

EXTENSIONS = (".csv", ".xlsx")

# The fields of a roster row: how each is labelled in messages, whether the file must have it,
# and the headers that mean it (compared after casefolding and dropping spaces/punctuation).
FIELD_LABELS = {
    "register_number": "Регистрийн дугаар / register number",
    "surname": "Овог / surname",
    "given_name": "Нэр / given name",
    "school": "Сургууль / school",
    "district": "Аймаг/дүүрэг / district",
    "cohort": "Бүлэг / cohort",
    "year": "Он / year",
    "result": "Үр дүн / result",
    "certificate_number": "Батламжийн дугаар / certificate number",
    "registered_on": "ESIS-д бүртгэсэн огноо / date registered",
}
REQUIRED = ("register_number", "surname", "given_name", "cohort", "year", "result")
_HEADERS = {
    "register_number": (
        "Регистрийн дугаар", "Регистрийн №", "Регистр", "РД", "Регистерийн дугаар",
        "register number", "register no", "register_no", "reg no", "registration number",
        "register",
    ),
    "surname": (
        "Овог", "Эцэг/эхийн нэр", "Эцгийн нэр", "surname", "last name", "family name", "ovog",
    ),
    "given_name": ("Нэр", "Өөрийн нэр", "given name", "first name", "name", "ner"),
    "school": (
        "Сургууль", "Сургуулийн нэр", "Байгууллага", "Байгууллагын нэр", "Ажилладаг байгууллага",
        "school", "school name", "organization", "organisation",
    ),
    "district": (
        "Аймаг/дүүрэг", "Аймаг", "Дүүрэг", "Аймаг/нийслэл", "Сум/дүүрэг", "aimag", "district",
        "aimag/district", "province",
    ),
    "cohort": (
        "Бүлэг", "Жил", "Ажилласан жил", "cohort", "year of work", "years of work", "group",
    ),
    "year": (
        "Он", "Хичээлийн жил", "Сургалтын он", "Сургалтад хамрагдсан он", "year",
        "training year", "academic year", "school year",
    ),
    "result": ("Үр дүн", "Дүн", "Тэнцсэн эсэх", "result", "status", "outcome"),
    "certificate_number": (
        "Батламжийн дугаар", "Батламжийн №", "Батламж", "certificate number", "certificate no",
        "certificate",
    ),
    "registered_on": (
        "ESIS-д бүртгэсэн огноо", "ESIS-д бүртгэгдсэн огноо", "ЕСИС-д бүртгэсэн огноо",
        "Бүртгэсэн огноо", "ESIS", "registered", "date registered", "registered on",
        "registration date", "registered in ESIS", "ESIS date",
    ),
}  # fmt: skip
_REGISTER_HEADER_PREFIXES = ("регистр", "регистер")
_MAX_LENGTH = {"surname": 128, "given_name": 128, "school": 255, "district": 128}
_MAX_CERTIFICATE_LENGTH = 64

_PASSED = frozenset(
    ["тэнцсэн", "тэнцэв", "тэнцлээ", "passed", "pass", "yes", "y", "тийм", "1", "true"]
)
_FAILED = frozenset(
    [
        "тэнцээгүй", "тэнцсэнгүй", "тэнцэхгүй", "унасан", "failed", "fail", "notpassed", "no",
        "n", "үгүй", "0", "false",
    ]
)  # fmt: skip
_OTHER_COHORT_WORDS = frozenset(["бусад", "other", "others", "бусадажилтан", "0"])
_COHORT_WORDS = {
    "нэгдүгээр": 1, "нэгдэх": 1, "first": 1, "тавдугаар": 5, "тавдахь": 5, "fifth": 5,
    "аравдугаар": 10, "аравдахь": 10, "tenth": 10,
}  # fmt: skip
_LEADING_NUMBER = re.compile(r"(\d+)(?!\d)")
_YEAR = re.compile(r"(\d{4})(?:\s*[-–/]\s*(\d{4}))?")
_YMD = re.compile(r"(\d{4})[-./](\d{1,2})[-./](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?")
_DMY = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_SERIALS = range(36526, 73051)  # 2000-01-01 .. 2099-12-31 as Excel day numbers
_NOT_WORD = re.compile(r"[\W_]+")


class RosterFileError(ValueError):
    """The file is not a roster at all; the message says why, in one sentence."""


# --- rows and problems --------------------------------------------------------------------


@dataclass(frozen=True)
class RosterRow:
    """One valid row of a roster file; only the parser builds these."""

    line: int
    register_number: str
    surname: str
    given_name: str
    school: str
    district: str
    cohort: int
    year: int
    passed: bool
    certificate_number: str | None
    registered_on: date | None

    def values(self) -> dict[str, Any]:
        """The columns of a RosterEntry this row sets."""
        return {name: getattr(self, name) for name in _DATA_COLUMNS}


_DATA_COLUMNS = (
    "register_number", "surname", "given_name", "school", "district", "cohort", "year", "passed",
    "certificate_number", "registered_on",
)  # fmt: skip
_NUMBER_AT, _YEAR_AT = _DATA_COLUMNS.index("register_number"), _DATA_COLUMNS.index("year")


@dataclass(frozen=True)
class RowProblem:
    """Why a row was refused: a reason code, and the offending value (register numbers masked)."""

    line: int
    reason: str
    value: str = ""


_REASONS = {
    "register_number": N_(
        "malformed register number {value} (expected two letters and eight digits, "
        "like УБ99010112)"
    ),
    "birth_date": N_("register number {value} does not hold a valid birth date"),
    "cohort": N_("unknown cohort {value!r} (expected 1, 5, 10 or бусад/other)"),
    "result": N_("unknown result {value!r} (expected тэнцсэн/тэнцээгүй or passed/failed)"),
    "name": N_("missing name: {value}"),
    "year": N_("bad year {value!r} (expected a year such as 2021)"),
    "date": N_("bad date {value!r} (expected YYYY-MM-DD, YYYY.MM.DD or DD.MM.YYYY)"),
    "duplicate": N_("duplicate of line {value} (same register number and year)"),
    "too_long": N_("{value} is too long"),
    "registered_not_passed": N_("registered in ESIS, but the result is not passed"),
}


def describe_problem(problem: RowProblem) -> str:
    return _(_REASONS[problem.reason]).format(value=problem.value)


@dataclass(frozen=True)
class ParsedRoster:
    rows: list[RosterRow]
    problems: list[RowProblem]
    total: int  # data rows read, good and bad


@dataclass(frozen=True)
class ImportReport:
    """What an import did; with problems it did nothing (all-or-nothing)."""

    total: int
    added: int = 0
    updated: int = 0
    notified: int = 0  # teachers told their certificate is now registered
    unchanged: int = 0
    problems: tuple[RowProblem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def bad_lines(self) -> int:
        return len({problem.line for problem in self.problems})


# --- reading cells ------------------------------------------------------------------------


def _text(value: object) -> str:
    """A cell as clean text: NFKC, whitespace collapsed, integral floats without '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(unicodedata.normalize("NFKC", str(value)).split())


_WITHOUT_OE_UE = str.maketrans("өү", "оу")  # a cp1251 file has no ө or ү: "Булэг", "Ур дун"


def _key(value: object) -> str:
    return _NOT_WORD.sub("", _text(value).casefold().translate(_WITHOUT_OE_UE))


_HEADER_FIELDS = {_key(alias): name for name, aliases in _HEADERS.items() for alias in aliases}


def _header_field(value: object) -> str | None:
    key = _key(value)
    if key in _HEADER_FIELDS:
        return _HEADER_FIELDS[key]
    return "register_number" if key.startswith(_REGISTER_HEADER_PREFIXES) else None


def _columns(header: Sequence[object]) -> dict[str, list[int]]:
    """Which columns hold each field; district may be split into aimag and district columns."""
    columns: dict[str, list[int]] = {}
    for index, cell in enumerate(header):
        name = _header_field(cell)
        if name is not None and (name == "district" or name not in columns):
            columns.setdefault(name, []).append(index)
    return columns


def mask_raw(value: str) -> str:
    """A register number as typed, possibly malformed, masked to its two ends."""
    compact = _NOT_WORD.sub("", value)
    if len(compact) <= 4:
        return "*" * len(compact)
    return compact[:2] + "*" * (len(compact) - 4) + compact[-2:]


def _cohort(value: object) -> int | None:
    text = _text(value).casefold()
    key = _NOT_WORD.sub("", text)
    if key in _OTHER_COHORT_WORDS:
        return OTHER_COHORT
    number = _LEADING_NUMBER.match(text)
    if number:
        cohort = int(number.group(1))
        return cohort if cohort in COHORTS else None
    return next((c for word, c in _COHORT_WORDS.items() if key.startswith(word)), None)


def _passed(value: object) -> bool | None:
    key = _key(value)
    if key in _PASSED_KEYS:
        return True
    return False if key in _FAILED_KEYS else None


_PASSED_KEYS = frozenset(map(_key, _PASSED))
_FAILED_KEYS = frozenset(map(_key, _FAILED))


def _year(value: object) -> int | None:
    """2021, or an academic year "2020-2021", which is the training of 2021."""
    match = _YEAR.fullmatch(_text(value))
    if not match:
        return None
    first, second = int(match.group(1)), match.group(2)
    if second is not None:
        if int(second) != first + 1:
            return None
        first = int(second)
    return first if 2000 <= first <= 2100 else None


def _date(value: object) -> date:
    """Excel dates and serial numbers, YYYY-MM-DD, YYYY.MM.DD, DD.MM.YYYY; raises if none."""
    if isinstance(value, datetime):
        found = value.date()
    elif isinstance(value, date):
        found = value
    elif isinstance(value, int | float) and int(value) in _EXCEL_SERIALS:
        found = _EXCEL_EPOCH + timedelta(days=int(value))
    else:
        text = _text(value)
        if ymd := _YMD.fullmatch(text):
            found = date(int(ymd.group(1)), int(ymd.group(2)), int(ymd.group(3)))
        elif dmy := _DMY.fullmatch(text):
            found = date(int(dmy.group(3)), int(dmy.group(2)), int(dmy.group(1)))
        else:
            raise ValueError("not a date")
    if not 2000 <= found.year <= 2100:
        raise ValueError("out of range")
    return found


# --- validating rows ----------------------------------------------------------------------


class _Validator:
    """Turns raw rows into RosterRows, collecting every problem with its line number."""

    def __init__(self, columns: dict[str, list[int]]) -> None:
        self.columns = columns
        self.rows: list[RosterRow] = []
        self.problems: list[RowProblem] = []
        self.total = 0
        self.seen: dict[tuple[str, int], int] = {}

    def cell(self, raw: Sequence[object], name: str) -> object:
        values = [
            raw[i] for i in self.columns.get(name, ()) if i < len(raw) and raw[i] is not None
        ]
        if name == "district":
            return ", ".join(text for text in map(_text, values) if text)
        return values[0] if values else None

    def add(self, line: int, raw: Sequence[object]) -> None:
        if all(_text(value) == "" for value in raw):
            return
        self.total += 1
        problems: list[RowProblem] = []

        def problem(reason: str, value: object = "") -> None:
            problems.append(RowProblem(line, reason, _text(value)))

        typed = _text(self.cell(raw, "register_number"))
        number: RegisterNumber | None = None
        try:
            number = parse_register_number(typed)
        except RegisterNumberError as exc:
            problem(BIRTH_DATE if str(exc) == BIRTH_DATE else "register_number", mask_raw(typed))
        texts = {name: _text(self.cell(raw, name)) for name in _MAX_LENGTH}
        missing = [FIELD_LABELS[name] for name in ("surname", "given_name") if not texts[name]]
        if missing:
            problem("name", ", ".join(missing))
        for name, limit in _MAX_LENGTH.items():
            if len(texts[name]) > limit:
                problem("too_long", FIELD_LABELS[name])
        cohort = _cohort(self.cell(raw, "cohort"))
        if cohort is None:
            problem("cohort", self.cell(raw, "cohort"))
        year = _year(self.cell(raw, "year"))
        if year is None:
            problem("year", self.cell(raw, "year"))
        passed = _passed(self.cell(raw, "result"))
        if passed is None:
            problem("result", self.cell(raw, "result"))
        certificate = _text(self.cell(raw, "certificate_number")) or None
        if certificate is not None and len(certificate) > _MAX_CERTIFICATE_LENGTH:
            problem("too_long", FIELD_LABELS["certificate_number"])
        registered_on: date | None = None
        raw_date = self.cell(raw, "registered_on")
        if _text(raw_date):
            try:
                registered_on = _date(raw_date)
            except ValueError:
                problem("date", raw_date)
        if passed is False and registered_on is not None:
            problem("registered_not_passed")
        if number is not None and year is not None:
            first = self.seen.setdefault((number.value, year), line)
            if first != line:
                problem("duplicate", first)
        if problems:
            self.problems.extend(problems)
            return
        assert number is not None and cohort is not None and year is not None
        assert passed is not None
        self.rows.append(
            RosterRow(
                line=line,
                register_number=number.value,
                surname=texts["surname"],
                given_name=texts["given_name"],
                school=texts["school"],
                district=texts["district"],
                cohort=cohort,
                year=year,
                passed=passed,
                certificate_number=certificate,
                registered_on=registered_on,
            )
        )


# --- reading files ------------------------------------------------------------------------


def _find_header(rows: Sequence[Sequence[object]]) -> tuple[int, dict[str, list[int]]]:
    """The index of the header row among the first rows; refuses a file that has none."""
    best: tuple[int, dict[str, list[int]]] = (-1, {})
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        columns = _columns(row)
        if columns.keys() >= set(REQUIRED):
            return index, columns
        if len(columns) > len(best[1]):
            best = (index, columns)
    if len(best[1]) < 2:
        raise RosterFileError(
            _("This file is not a roster: no header row with the columns {columns}.").format(
                columns=", ".join(FIELD_LABELS[name] for name in REQUIRED)
            )
        )
    missing = [FIELD_LABELS[name] for name in REQUIRED if name not in best[1]]
    raise RosterFileError(
        _("The roster has no column for: {columns}.").format(columns=", ".join(missing))
    )


def _validate(rows: Iterator[Sequence[object]]) -> ParsedRoster:
    head = list(itertools.islice(rows, HEADER_SCAN_ROWS))
    if not any(_text(value) for row in head for value in row):
        raise RosterFileError(_("The file is empty."))
    header_index, columns = _find_header(head)
    validator = _Validator(columns)
    line = header_index + 1
    for row in itertools.chain(head[header_index + 1 :], rows):
        line += 1
        if line > MAX_ROWS + header_index + 1:
            raise RosterFileError(
                _("The roster has more than {rows} rows; split it into several files.").format(
                    rows=MAX_ROWS
                )
            )
        validator.add(line, row)
    if validator.total == 0:
        raise RosterFileError(_("The roster has a header but no rows."))
    return ParsedRoster(validator.rows, validator.problems, validator.total)


def _decoded(data: bytes) -> str:
    """The text of a CSV as Excel saves one: UTF-8 (BOM or not), "Unicode text" (UTF-16
    with a BOM, tab-separated) or an old Windows Cyrillic (cp1251) file."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise RosterFileError(_("This file is not a CSV text file.")) from None
    if b"\x00" in data[:65536]:
        raise RosterFileError(_("This file is not a CSV text file."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    text = data.decode("cp1251", errors="replace")
    if "\ufffd" in text or not _CYRILLIC.search(text):
        raise RosterFileError(
            _(
                "The CSV file is in an encoding I cannot read; save it from Excel as "
                "“CSV UTF-8” or as “Unicode text”."
            )
        )
    return text


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    """Rows of a CSV (see _decoded), with the delimiter that finds the header."""
    text = _decoded(data)
    head = text[:65536].splitlines()[:HEADER_SCAN_ROWS]

    def recognised(delimiter: str) -> int:
        try:
            rows = list(csv.reader(head, delimiter=delimiter))
        except csv.Error:
            return 0
        return max((len(_columns(row)) for row in rows), default=0)

    delimiter = max((",", ";", "\t"), key=recognised)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from reader
    except csv.Error as exc:
        raise RosterFileError(
            _("The CSV file is malformed near line {line}.").format(line=reader.line_num)
        ) from exc


_CYRILLIC = re.compile(r"[\u0400-\u04ff]")

_UNREADABLE_XLSX = N_("This file is not a readable Excel workbook (.xlsx).")


def _xlsx_rows(data: bytes) -> Iterator[Sequence[object]]:
    """Rows of the first sheet that has a roster header, streamed (openpyxl read-only)."""
    unreadable = _(_UNREADABLE_XLSX)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise RosterFileError(unreadable)
    except zipfile.BadZipFile:
        raise RosterFileError(unreadable) from None
    # A corrupt or hostile workbook makes openpyxl raise almost anything (KeyError,
    # ValueError, XML errors, ...): all of them mean the same thing to the admin.
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise RosterFileError(unreadable) from exc
    try:
        for sheet in workbook.worksheets:
            sheet.reset_dimensions()
            rows = sheet.iter_rows(values_only=True)
            head = list(itertools.islice(rows, HEADER_SCAN_ROWS))
            if any(_columns(row).keys() >= set(REQUIRED) for row in head):
                yield from head
                yield from rows
                return
        # No sheet has a whole header: the first sheet's rows give the precise complaint.
        yield from workbook.worksheets[0].iter_rows(values_only=True)
    except Exception as exc:
        raise RosterFileError(unreadable) from exc
    finally:
        workbook.close()


def check_file(filename: str | None, size: int) -> None:
    """Refuse a file by its name and size, before a byte of it is read."""
    suffix = Path(filename or "").suffix.casefold()
    if suffix not in EXTENSIONS:
        raise RosterFileError(
            _("A roster must be a .csv or .xlsx file, not {kind}.").format(
                kind=suffix or _("a file without an extension")
            )
        )
    if size > MAX_FILE_BYTES:
        raise RosterFileError(
            _("The file is too large ({size} MB; at most {limit} MB).").format(
                size=size // (1024 * 1024), limit=MAX_FILE_BYTES // (1024 * 1024)
            )
        )
    if size == 0:
        raise RosterFileError(_("The file is empty."))


def read_roster(source: bytes | Path, filename: str | None = None) -> ParsedRoster:
    """Parse and validate a roster file; RosterFileError when it is not a roster at all.

    The size is checked before anything is read, so a huge upload costs nothing.
    """
    if isinstance(source, Path):
        filename = filename or source.name
    check_file(filename, source.stat().st_size if isinstance(source, Path) else len(source))
    suffix = Path(filename or "").suffix.casefold()
    data = source.read_bytes() if isinstance(source, Path) else source
    if suffix == ".xlsx":
        if not data.startswith(b"PK\x03\x04"):
            raise RosterFileError(_(_UNREADABLE_XLSX))
        return _validate(_xlsx_rows(data))
    if data.startswith(b"PK\x03\x04"):
        raise RosterFileError(_("This is an Excel workbook named .csv; name it .xlsx."))
    return _validate(_csv_rows(data))


# --- writing ------------------------------------------------------------------------------


async def import_roster(
    session: AsyncSession, rows: Sequence[RosterRow], now: datetime
) -> ImportReport:
    """Upsert valid rows by (register number, year) in the caller's transaction, in bulk.

    One query loads what the years of the file already hold; then one executemany inserts
    the new rows and one updates the changed ones, so 40,000 rows take seconds, not minutes.
    """
    years = sorted({row.year for row in rows})
    existing: dict[tuple[str, int], tuple[int, tuple[Any, ...]]] = {}
    if years:
        columns = [getattr(RosterEntry, name) for name in _DATA_COLUMNS]
        result = await session.execute(
            select(RosterEntry.id, *columns).where(RosterEntry.year.in_(years))
        )
        for entry_id, *values in result:
            existing[(values[_NUMBER_AT], values[_YEAR_AT])] = (entry_id, tuple(values))
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for row in rows:
        values = row.values()
        found = existing.get((row.register_number, row.year))
        if found is None:
            inserts.append({**values, "updated_at": now})
        elif found[1] != tuple(values.values()):
            updates.append({**values, "row_id": found[0], "updated_at": now})
    # Core statements on the table: the ORM's bulk paths are ~15x slower for 40,000 rows.
    table = RosterEntry.__table__
    if inserts:
        await session.execute(insert(table), inserts)
    if updates:
        await session.execute(update(table).where(table.c.id == bindparam("row_id")), updates)
    registered = [
        (row.register_number, row.year, row.registered_on)
        for row in rows
        if row.passed and row.registered_on is not None
    ]
    notified = await notices.certificates_registered(session, registered, now)
    return ImportReport(
        total=len(rows),
        added=len(inserts),
        updated=len(updates),
        unchanged=len(rows) - len(inserts) - len(updates),
        notified=notified,
    )


async def import_file(
    sessions: async_sessionmaker[AsyncSession],
    source: bytes | Path,
    filename: str | None = None,
    *,
    now: datetime | None = None,
    limits: sandbox.Limits | None = None,
    actor: str = "",
) -> ImportReport:
    """Read, validate and import a roster file in one transaction; all rows or none.

    The file is read in a child process under `limits` (bot.desk.sandbox), so a hostile
    workbook costs neither the bot's time nor its memory. Raises RosterFileError when the
    file is not a roster, ReadLimitError past the limits; returns a report with problems
    (and writes nothing) when some rows are bad.
    """
    if isinstance(source, Path):
        filename = filename or source.name
        check_file(filename, source.stat().st_size)
        source = source.read_bytes()
    check_file(filename, len(source))
    try:
        parsed: ParsedRoster = await sandbox.read("roster", source, filename or "", limits)
    except sandbox.ReadLimitError as exc:
        raise RosterFileError(str(exc)) from None
    if parsed.problems:
        return ImportReport(total=parsed.total, problems=tuple(parsed.problems))
    try:
        async with sessions.begin() as session:
            report = await import_roster(session, parsed.rows, now or utcnow())
            session.add(
                AuditEvent(
                    actor=actor,
                    action="roster_import",
                    detail={"file": filename or "", "rows": report.total,
                            "added": report.added, "updated": report.updated},
                )
            )  # fmt: skip
    except IntegrityError as exc:
        raise RosterFileError(
            _("Another roster import ran at the same time; send the file again.")
        ) from exc
    logger.info(
        "roster imported: %d added, %d updated, %d unchanged",
        report.added,
        report.updated,
        report.unchanged,
    )
    return report


# --- reporting ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RosterYear:
    """What the roster holds for one training year (the web console's roster page)."""

    year: int
    passed: int
    failed: int
    registered: int  # certificates already registered in ESIS


async def summary(session: AsyncSession) -> list[RosterYear]:
    rows = await session.execute(
        select(
            RosterEntry.year,
            func.sum(case((RosterEntry.passed, 1), else_=0)),
            func.sum(case((RosterEntry.passed, 0), else_=1)),
            func.count(RosterEntry.registered_on),
        )
        .group_by(RosterEntry.year)
        .order_by(RosterEntry.year.desc())
    )
    return [RosterYear(int(y), int(p or 0), int(f or 0), int(r or 0)) for y, p, f, r in rows]


def format_report(report: ImportReport, max_problems: int | None = None) -> str:
    """The plain-text report for the admin: counts, then every bad row as "line N: reason"."""
    if report.ok:
        done = _(
            "Roster imported: {total} rows — {added} added, {updated} updated, "
            "{unchanged} unchanged."
        ).format(
            total=report.total,
            added=report.added,
            updated=report.updated,
            unchanged=report.unchanged,
        )
        if report.notified:
            told = ngettext(
                "{count} teacher who asked is told the certificate is registered.",
                "{count} teachers who asked are told their certificates are registered.",
                report.notified,
            ).format(count=report.notified)
            done += "\n" + told
        return done
    lines = [
        ngettext(
            "Roster NOT imported: {bad} of {total} rows has problems, so nothing was written. "
            "Correct it and send the file again.",
            "Roster NOT imported: {bad} of {total} rows have problems, so nothing was written. "
            "Correct them and send the file again.",
            report.bad_lines,
        ).format(bad=report.bad_lines, total=report.total)
    ]
    shown = report.problems if max_problems is None else report.problems[:max_problems]
    lines += [
        _("line {line}: {reason}").format(line=problem.line, reason=describe_problem(problem))
        for problem in shown
    ]
    if len(shown) < len(report.problems):
        lines.append(
            _("… and {more} more: see the attached list.").format(
                more=len(report.problems) - len(shown)
            )
        )
    return "\n".join(lines)


def problems_csv(problems: Iterable[RowProblem]) -> bytes:
    """The bad rows as a CSV (UTF-8 with BOM, so Excel shows Cyrillic) for long reports."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("line"), _("problem")])
    for problem in problems:
        writer.writerow([problem.line, describe_problem(problem)])
    return out.getvalue().encode("utf-8-sig")


# --- the lookup ---------------------------------------------------------------------------


def _name_key(name: str) -> str:
    """A name folded for comparison, о and у merged: Latin typing conflates them, and so do
    phones without ө and ү ("мунхбат" for Мөнхбат)."""
    key = "".join(ch for word in normalize(name).split() for ch in fold(word) if ch.isalpha())
    return key.replace("о", "у")


def surname_matches(expected: str, typed: str) -> bool:
    """Does a typed surname, Cyrillic or Latin letters, name the roster's surname?

    Both sides are folded the way the matcher folds words (ө→о, ү→у, ц→тс, ...), and о/у
    are forgiven, since ө is typed as "u" or "у" as often as "o" or "о".
    """
    typed_key = _name_key(typed)
    return bool(typed_key) and typed_key == _name_key(expected)


async def lookup(
    session: AsyncSession, register_number: RegisterNumber, surname: str
) -> RosterEntry | None:
    """The most recent year's entry for the number, only when the surname matches too.

    Letters typed ambiguously (Latin "e" for е or э, у for ү, ...) are tried every way; the
    surname then tells which person was meant. A wrong surname gives None exactly like an
    unknown number: the answer never tells whether a register number is in the roster.
    """
    entries = await session.scalars(
        select(RosterEntry)
        .where(RosterEntry.register_number.in_(register_number.spellings))
        .order_by(RosterEntry.year.desc())
    )
    latest: dict[str, RosterEntry] = {}
    for entry in entries:
        latest.setdefault(entry.register_number, entry)
    return next((e for e in latest.values() if surname_matches(e.surname, surname)), None)


def mask_name(name: str) -> str:
    """Батбаяр → Б*****р: the person recognises their own name, a bystander learns little."""

    def mask(match: re.Match[str]) -> str:
        word = match.group(0)
        if len(word) <= 2:
            return word[0] + "*" * (len(word) - 1)
        return word[0] + "*" * (len(word) - 2) + word[-1]

    return re.sub(r"[^\W\d_]+", mask, name.strip())


# --- the rate limit -----------------------------------------------------------------------

_HOUR = timedelta(hours=1)
_DAY = timedelta(days=1)


LOOKUPS = CertificateLookup.__table__
# Built once (see bot/storage/people.py): the lookups of the last day, newest first.
_RECENT_BY_PERSON = (
    select(LOOKUPS.c.created_at)
    .where(LOOKUPS.c.person_id == bindparam("person"), LOOKUPS.c.created_at > bindparam("since"))
    .order_by(LOOKUPS.c.created_at.desc())
    .limit(bindparam("keep"))
)
_RECENT_BY_NUMBER = (
    select(LOOKUPS.c.created_at)
    .where(LOOKUPS.c.number_key == bindparam("key"), LOOKUPS.c.created_at > bindparam("since"))
    .order_by(LOOKUPS.c.created_at.desc())
    .limit(bindparam("keep"))
)


async def lookups_allowed(
    session: AsyncSession, person_id: int, now: datetime, per_hour: int, per_day: int
) -> datetime | None:
    """None when the person may look up now, else the moment the next lookup is allowed.

    Both limits must be at least 1. Counted from the database over sliding windows, so a
    restart does not reset the count.
    """
    recent = list(
        await session.scalars(
            _RECENT_BY_PERSON,
            {"person": person_id, "since": now - _DAY, "keep": max(per_hour, per_day)},
        )
    )
    waits: list[datetime] = []
    if len(recent) >= per_day:
        waits.append(recent[per_day - 1] + _DAY)
    last_hour = [moment for moment in recent if moment > now - _HOUR]
    if len(last_hour) >= per_hour:
        waits.append(last_hour[per_hour - 1] + _HOUR)
    return max(waits) if waits else None


async def number_lookups_allowed(
    session: AsyncSession, number: RegisterNumber, now: datetime, per_day: int
) -> datetime | None:
    """None when the number may be looked up now, by anyone; else when it may be again."""
    recent = list(
        await session.scalars(
            _RECENT_BY_NUMBER, {"key": number.key, "since": now - _DAY, "keep": per_day}
        )
    )
    return recent[per_day - 1] + _DAY if len(recent) >= per_day else None


async def record_lookup(
    session: AsyncSession, person_id: int, now: datetime, number: RegisterNumber | None = None
) -> None:
    """Count one lookup, by the person and of the number, in the caller's transaction."""
    key = number.key if number is not None else None
    await session.execute(
        LOOKUPS.insert(), {"person_id": person_id, "created_at": now, "number_key": key}
    )
