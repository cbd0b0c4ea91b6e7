"""Burst benchmark: `python -m tests.bench.burst [--teachers N] [--db sqlite|postgresql|both]`.

A cohort's opening day: N distinct teachers (a new chat each) write to the help desk — schedule
questions, password and login questions (Cyrillic and Latin script), certificate lookups
("Батламж", then the register number, then the surname, each sent when the bot has answered
the previous one), requests for a person, other FAQ questions and out-of-scope questions; the
texts are those of tests/data/eval.jsonl. Everything runs as processes on this machine:

- a fast fake Bot API (tests/bench/fakebotapi.py) in its own process;
- the ceiling: a bare PTB echo bot (tests/bench/echobot.py) draining the same backlog;
- `helpdesk run` on SQLite and on PostgreSQL (a scratch database, created and dropped here),
  with a synthetic roster imported first. Phase 1, backlog drain: every first message is
  queued before the bot starts; updates/s from the first getUpdates to the last reply.
  Phase 2, paced: new teachers at a steady --rate per second for --paced-seconds; latency from
  the moment an update is available in getUpdates to its first reply. Peak RSS is VmHWM.

By default the bot runs with HELPDESK_TELEGRAM_MAX_RATE=0 (no rate limiter): as shipped it
paces every send to Telegram's ~30 messages/s, which caps the drain near 25 updates/s whatever
the bot's own speed. `--rate-limiter shipped` runs `python -m bot run` with the default.

Exactly once: every update got a reply; the bot's database has one processed event and one
incoming MessageLog row per update, and per chat as many outgoing rows as the fake received
messages; no message went to a chat without a pending update.

Targets (issues 9 and 16): every update answered exactly once; drain ≥ 0.2 × bare bot; paced p99 ≤
250 ms; peak RSS ≤ 250 MB. PostgreSQL needs HELPDESK_TEST_DATABASE_URL (or --pg-url).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import json
import math
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bot.desk.roster import import_file
from bot.nlu.evaluation import read_cases
from bot.storage.db import create_engine, session_factory, upgrade
from bot.storage.models import MessageLog, Person, ProcessedEvent
from tests.bench.roster import synthetic_roster
from tests.process_kit import scratch_database as server_database

ROOT = Path(__file__).resolve().parents[2]
SEED = 20210115
TOKEN = "123456:BURST"
STAFF_CHAT_ID = -1001234567890
CHANNEL = "telegram"
FIRST_TEACHER = 50_000_000  # Telegram user ids of the synthetic teachers (one chat each)
POLL = 0.2  # seconds between looks at the fake's progress
SETTLE = 1.0  # seconds without a reply after the last update is answered: the scenario is over

QUICK_TEACHERS = 500  # --quick, and the CI smoke test
QUICK_PACED_SECONDS = 5.0

TARGET_RATIO = 0.2  # issue 16 withdrew issue 9's 0.5: a transaction through SQLAlchemy costs it
TARGET_P99_MS = 250.0
TARGET_RSS_MB = 250.0

# (kind, share of teachers, eval.jsonl intents whose texts they send; None = out of scope)
MIX: tuple[tuple[str, float, tuple[str | None, ...]], ...] = (
    ("schedule", 0.25, ("schedule",)),
    ("password/login", 0.25, ("esis_password", "esis_login", "elearning_login", "email_change")),
    ("certificate", 0.20, ()),
    ("person", 0.10, ("human",)),
    ("out of scope", 0.10, (None,)),
    ("other FAQ", 0.10, ("who_attends", "format", "webinar_join", "missed_deadline",
                         "pass_criteria", "content_choice", "certificate_view", "contact")),
)  # fmt: skip
WRONG_SURNAME = 0.1  # share of certificate lookups that find nothing
CERTIFICATE_FIRST = "Батламж"


# ---- the workload --------------------------------------------------------------------------


def _texts_by_intent() -> dict[str | None, list[str]]:
    lines = (ROOT / "tests" / "data" / "eval.jsonl").read_text(encoding="utf-8").splitlines()
    texts: dict[str | None, list[str]] = {}
    for case in read_cases(lines):
        texts.setdefault(case.intent, []).append(case.text)
    return texts


def build_teachers(
    count: int, first_id: int, people: Sequence[tuple[str, str]], rng: random.Random
) -> list[tuple[int, str, list[str]]]:
    """`count` teachers as (user id, first name, texts in order), shuffled, kinds per MIX."""
    by_intent = _texts_by_intent()
    kinds: list[str] = []
    for kind, share, _intents in MIX:
        kinds += [kind] * round(share * count)
    kinds = (kinds + [MIX[0][0]] * count)[:count]
    rng.shuffle(kinds)
    pool = {kind: [t for intent in intents for t in by_intent.get(intent, [])]
            for kind, _share, intents in MIX}  # fmt: skip
    names = ("Дулмаа", "Сарангэрэл", "Батбаяр", "Ариунаа", "Энхтуяа", "Тэмүүлэн", "Номин")
    teachers = []
    for index, kind in enumerate(kinds):
        if kind == "certificate":
            number, surname = rng.choice(people)
            if rng.random() < WRONG_SURNAME:
                surname = "Жаргалсайхан"  # not a surname of the synthetic roster
            texts = [CERTIFICATE_FIRST, number if rng.random() < 0.7 else number.lower(), surname]
        else:
            texts = [rng.choice(pool[kind])]
        teachers.append((first_id + index, rng.choice(names), texts))
    return teachers


def updates_of(teachers: Sequence[tuple[int, str, list[str]]]) -> int:
    return sum(len(texts) for _id, _name, texts in teachers)


# ---- the fake Bot API process --------------------------------------------------------------


class FakeServer:
    """tests/bench/fakebotapi.py as a child process, driven over its control API."""

    def __init__(self, cpu: int | None) -> None:
        command = [sys.executable, "-m", "tests.bench.fakebotapi"]
        if cpu is not None:
            command += ["--cpu", str(cpu)]
        self.process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line.startswith("listening "):
            raise RuntimeError(f"the fake Bot API did not start: {line!r}")
        self.port = int(line.split()[1])
        self.base_url = f"http://127.0.0.1:{self.port}/bot"

    def control(self, command: str, body: Any = None) -> dict[str, Any]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            payload = json.dumps(body).encode() if body is not None else None
            connection.request("POST" if payload else "GET", f"/control/{command}", payload)
            answer: dict[str, Any] = json.loads(connection.getresponse().read())
            return answer
        finally:
            connection.close()

    def close(self) -> None:
        with contextlib.suppress(OSError, http.client.HTTPException):
            self.control("quit")
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


# ---- processes -----------------------------------------------------------------------------


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    """VmHWM: the most resident memory the process has had, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@dataclass
class BotProcess:
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> str:
        """SIGTERM, wait, and return what it wrote."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.log_path.read_text(errors="replace")


def start_bot(
    module: str,
    base_url: str,
    database_url: str | None,
    log_path: Path,
    cpu: int | None,
    max_rate: str | None = None,
) -> BotProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELPDESK_")}
    env.update(
        HELPDESK_TELEGRAM_TOKEN=TOKEN,
        HELPDESK_TELEGRAM_BASE_URL=base_url,
        HELPDESK_TELEGRAM_BASE_FILE_URL=base_url.replace("/bot", "/file/bot"),
        HELPDESK_STAFF_CHAT_ID=str(STAFF_CHAT_ID),
    )
    if database_url is not None:
        env["HELPDESK_DATABASE_URL"] = database_url
    if max_rate is not None:
        env["HELPDESK_TELEGRAM_MAX_RATE"] = max_rate
    pin = (lambda: os.sched_setaffinity(0, {cpu})) if cpu is not None else None
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", *module.split()], cwd=ROOT, env=env, stdout=log,
            stderr=subprocess.STDOUT, preexec_fn=pin,
        )  # fmt: skip
    return BotProcess(process, log_path)


def wait_done(fake: FakeServer, bot: BotProcess, timeout: float) -> tuple[dict[str, Any], float]:
    """Poll the fake until every update of the scenario is answered and the replies have
    stopped for SETTLE seconds (a turn's second message may still wait in the send limiter
    after its first answered the update; counted in the next scenario it would look stray),
    or time is up; returns the last status and the bot's CPU seconds at the first handout."""
    deadline = time.monotonic() + timeout
    cpu_at_start = float("nan")
    while True:
        status = fake.control("status")
        if math.isnan(cpu_at_start) and status["first_handout"] is not None:
            cpu_at_start = _cpu_seconds(bot.pid)
        if status["done"] and status["now"] - (status["last_reply"] or 0.0) >= SETTLE:
            return status, cpu_at_start
        if bot.process.poll() is not None:
            raise RuntimeError(f"the bot exited ({bot.process.returncode}): {bot.stop()[-2000:]}")
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"{status['answered']} of {status['expected']} updates answered in {timeout:.0f} s"
            )
        time.sleep(POLL)


# ---- measurements --------------------------------------------------------------------------


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


@dataclass
class Drain:
    updates: int
    seconds: float
    cpu_seconds: float = float("nan")  # the bot's, while draining

    @property
    def rate(self) -> float:
        return self.updates / self.seconds if self.seconds > 0 else float("nan")


def drain_of(report: dict[str, Any]) -> Drain:
    return Drain(report["expected"], report["last_reply"] - report["first_handout"])


@dataclass
class Result:
    """One database's figures and the problems the exactly-once check found."""

    name: str
    drain: Drain | None = None
    rss_mb: float = float("nan")
    paced_updates: int = 0
    paced_rate: float = float("nan")
    latencies_ms: list[float] = field(default_factory=list)
    lookups_made: int = 0  # certificate lookups the desk made (the surname step reached)
    lookups_asked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def exactly_once(self) -> bool:
        return not self.problems


async def database_counts(url: str) -> tuple[dict[str, Counter[str]], Counter[str], int]:
    """Per teacher chat, MessageLog rows by direction; the processed Telegram update ids; how
    many certificate lookups were made."""
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session:
            rows = await session.execute(
                select(Person.external_id, MessageLog.direction, func.count())
                .join(MessageLog, MessageLog.person_id == Person.id)
                .where(Person.channel == CHANNEL)
                .group_by(Person.external_id, MessageLog.direction)
            )
            logs: dict[str, Counter[str]] = {}
            for external_id, direction, count in rows:
                logs.setdefault(external_id, Counter())[direction] = count
            events = Counter(
                await session.scalars(
                    select(ProcessedEvent.event_id).where(ProcessedEvent.channel == CHANNEL)
                )
            )
            lookups = await session.scalar(
                select(func.count())
                .select_from(MessageLog)
                .where(MessageLog.intent == "certificate_lookup")
            )
            return logs, events, int(lookups or 0)
    finally:
        await engine.dispose()


def check_replies(reports: Sequence[dict[str, Any]]) -> list[str]:
    """What the fake saw: every update answered, no stray message. (An update still in hand
    is handed out again when the bot asks for newer ones: its offset cannot pass it yet. That
    each is handled once is checked against the desk's records, in check_database.)"""
    problems = []
    for report in reports:
        unanswered = [r[0] for r in report["records"] if r[4] is None]
        if unanswered:
            problems.append(f"{len(unanswered)} updates never answered, e.g. {unanswered[:5]}")
        if report["stray_messages"]:
            problems.append(f"{report['stray_messages']} messages to chats with no update")
    return problems


def check_database(
    logs: dict[str, Counter[str]], events: Counter[str], reports: Sequence[dict[str, Any]]
) -> list[str]:
    """One event and one incoming row per update; per chat, as many replies as logged."""
    problems = []
    updates: Counter[str] = Counter()
    messages: Counter[str] = Counter()
    ids: set[str] = set()
    for report in reports:
        for record in report["records"]:
            updates[str(record[1])] += 1
            ids.add(str(record[0]))
        messages.update({chat: count for chat, count in report["chat_messages"].items()})
    twice = [event for event, count in events.items() if count > 1]
    if twice or set(events) != ids:
        problems.append(
            f"processed events: {len(events)} for {len(ids)} updates"
            f" ({len(set(events) - ids)} unknown, {len(ids - set(events))} missing,"
            f" {len(twice)} twice)"
        )
    wrong_in = [chat for chat, n in updates.items() if logs.get(chat, Counter())["in"] != n]
    if wrong_in:
        problems.append(f"{len(wrong_in)} chats: incoming rows ≠ updates, e.g. {wrong_in[:3]}")
    wrong_out = [
        chat for chat in updates if logs.get(chat, Counter())["out"] != messages.get(chat, 0)
    ]
    if wrong_out:
        problems.append(
            f"{len(wrong_out)} chats whose replies ≠ outgoing rows, e.g. {wrong_out[:3]}"
        )
    return problems


# ---- databases -----------------------------------------------------------------------------


@contextlib.contextmanager
def scratch_database(kind: str, directory: Path, server_url: str | None) -> Iterator[str]:
    """An empty database URL: a SQLite file, or a PostgreSQL database dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite+aiosqlite:///{directory / 'burst.db'}"
        return
    assert server_url is not None
    with server_database(server_url) as url:
        yield url


async def prepare(url: str, roster: bytes) -> None:
    """Schema (`helpdesk db upgrade`), then the roster, as an admin would before the day."""
    await upgrade(url)
    engine = create_engine(url)
    try:
        report = await import_file(session_factory(engine), roster, "roster.csv")
        assert not report.problems, report
    finally:
        await engine.dispose()


# ---- the run -------------------------------------------------------------------------------


@dataclass
class Options:
    teachers: int = 10_000
    databases: tuple[str, ...] = ("sqlite", "postgresql")
    paced_seconds: float = 30.0
    rate: float = 50.0
    pg_url: str | None = None
    rate_limiter: str = "off"  # "off": pass-through; "shipped": SendRate as configured (30/s)
    echo: bool = True
    pin: bool = True
    timeout: float = 1800.0  # per phase
    quiet: bool = False
    keep: Path | None = None  # write the bots' logs and the fake's reports here


@dataclass
class Workload:
    backlog: list[tuple[int, str, list[str]]]
    paced: list[tuple[int, str, list[str]]]
    roster: bytes


def make_workload(options: Options) -> Workload:
    rng = random.Random(SEED)
    paced_count = round(options.paced_seconds * options.rate)
    roster, people = synthetic_roster(max(1000, options.teachers + paced_count))
    backlog = build_teachers(options.teachers, FIRST_TEACHER, people, rng)
    paced = build_teachers(paced_count, FIRST_TEACHER + options.teachers, people, rng)
    return Workload(backlog, paced, roster)


def _cpus(options: Options) -> tuple[int | None, int | None]:
    """(bot, fake): one CPU each when there are two or more and pinning is wanted."""
    if not options.pin or not hasattr(os, "sched_getaffinity"):
        return None, None
    cpus = sorted(os.sched_getaffinity(0))
    return (cpus[0], cpus[1]) if len(cpus) >= 2 else (None, None)


def run_echo(fake: FakeServer, workload: Workload, options: Options, directory: Path) -> Drain:
    bot_cpu, _fake_cpu = _cpus(options)
    fake.control("load", {"teachers": workload.backlog})
    bot = start_bot("tests.bench.echobot", fake.base_url, None, directory / "echo.log", bot_cpu)
    try:
        _status, cpu_at_start = wait_done(fake, bot, options.timeout)
        drain = drain_of(fake.control("report"))
        drain.cpu_seconds = _cpu_seconds(bot.pid) - cpu_at_start
    finally:
        bot.stop()
    return drain


def run_desk(
    kind: str, fake: FakeServer, workload: Workload, options: Options, directory: Path
) -> Result:
    """Drain, then paced arrivals, on one database; then the exactly-once check."""
    result = Result("SQLite" if kind == "sqlite" else "PostgreSQL")
    bot_cpu, _fake_cpu = _cpus(options)
    max_rate = None if options.rate_limiter == "shipped" else "0"  # "0": no limiter
    with scratch_database(kind, directory, options.pg_url) as url:
        asyncio.run(prepare(url, workload.roster))
        reports = []
        fake.control("load", {"teachers": workload.backlog})
        log_path = directory / f"{kind}.log"
        bot = start_bot("bot run", fake.base_url, url, log_path, bot_cpu, max_rate)
        try:
            _status, cpu_at_start = wait_done(fake, bot, options.timeout)
            reports.append(fake.control("report"))
            result.drain = drain_of(reports[-1])
            result.drain.cpu_seconds = _cpu_seconds(bot.pid) - cpu_at_start
            if workload.paced:
                fake.control("load", {"teachers": workload.paced, "rate": options.rate})
                status, _cpu = wait_done(fake, bot, options.paced_seconds + options.timeout)
                reports.append(fake.control("report"))
                records = reports[-1]["records"]
                result.paced_updates = len(records)
                result.latencies_ms = [(r[4] - r[2]) * 1000 for r in records]
                first = min(r[2] for r in records)
                result.paced_rate = len(records) / max(1e-9, status["last_reply"] - first)
            result.rss_mb = peak_rss_mb(bot.pid)
        finally:
            output = bot.stop()
        if bot.process.returncode != 0:
            result.problems.append(f"the bot exited with {bot.process.returncode}")
        if "Traceback" in output:
            result.problems.append(f"the bot logged a traceback (see {bot.log_path})")
        if options.keep is not None:
            (options.keep / f"{kind}-reports.json").write_text(json.dumps(reports))
        result.problems += check_replies(reports)
        logs, events, lookups = asyncio.run(database_counts(url))
        result.problems += check_database(logs, events, reports)
        asked = sum(1 for _id, _name, texts in workload.backlog + workload.paced
                    if texts[0] == CERTIFICATE_FIRST)  # fmt: skip
        result.lookups_made, result.lookups_asked = lookups, asked
    return result


def run(options: Options, workload: Workload | None = None) -> tuple[Drain | None, list[Result]]:
    """The whole benchmark; returns the echo bot's drain and each database's result."""
    workload = workload or make_workload(options)
    _bot_cpu, fake_cpu = _cpus(options)
    fake = FakeServer(fake_cpu)
    results = []
    echo = None
    try:
        with tempfile.TemporaryDirectory(prefix="burst-") as name:
            directory = options.keep or Path(name)
            if options.echo:
                echo = run_echo(fake, workload, options, directory)
                _say(options, f"bare echo bot: {echo.rate:.0f} updates/s")
            for kind in options.databases:
                result = run_desk(kind, fake, workload, options, directory)
                _say(options, f"{result.name}: done")
                results.append(result)
    finally:
        fake.close()
    return echo, results


def machine() -> str:
    """CPUs and load: other work on the machine shows in every figure here."""
    load = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else []
    return f"{os.cpu_count()} CPUs, load average {' '.join(load) or 'unknown'}"


def _say(options: Options, line: str) -> None:
    if not options.quiet:
        print(line, flush=True)


def table(options: Options, echo: Drain | None, results: Sequence[Result]) -> str:
    """The figures beside their targets, one column per database."""
    rows: list[tuple[str, list[str], str]] = []

    def row(label: str, cells: list[str], target: str = "") -> None:
        rows.append((label, cells, target))

    drains = [r.drain for r in results]
    row("backlog drained (updates)", [f"{d.updates}" if d else "-" for d in drains])
    row("drain (updates/s)", [f"{d.rate:.1f}" if d else "-" for d in drains])
    row("bot CPU per update (ms)",
        [f"{1000 * d.cpu_seconds / d.updates:.2f}" if d else "-" for d in drains])  # fmt: skip
    echo_cell = f"{echo.rate:.1f}" if echo else "not run"
    row("bare echo bot (updates/s)", [echo_cell] * len(results))
    echo_cpu = f"{1000 * echo.cpu_seconds / echo.updates:.2f}" if echo else "-"
    row("bare echo CPU per update (ms)", [echo_cpu] * len(results))
    row(
        "ratio bot / bare",
        [f"{d.rate / echo.rate:.2f}" if d and echo else "-" for d in drains],
        f"≥ {TARGET_RATIO}",
    )
    row("peak RSS (MB)", [f"{r.rss_mb:.0f}" for r in results], f"≤ {TARGET_RSS_MB:.0f}")
    row(
        f"paced: {options.rate:g} teachers/s × {options.paced_seconds:g} s (updates)",
        [f"{r.paced_updates} at {r.paced_rate:.0f}/s" for r in results],
    )
    row("paced latency p50 (ms)", [f"{percentile(r.latencies_ms, 0.5):.0f}" for r in results])
    row(
        "paced latency p99 (ms)",
        [f"{percentile(r.latencies_ms, 0.99):.0f}" for r in results],
        f"≤ {TARGET_P99_MS:.0f}",
    )
    row("paced latency max (ms)", [f"{max(r.latencies_ms, default=float('nan')):.0f}"
                                   for r in results])  # fmt: skip
    row("certificate lookups made", [f"{r.lookups_made}/{r.lookups_asked}" for r in results])
    row(
        "every update answered exactly once",
        ["yes" if r.exactly_once else "NO" for r in results],
        "yes",
    )
    width = max(len(label) for label, _cells, _target in rows)
    header = [f"{'':<{width}}  " + "".join(f"{r.name:>16}" for r in results) + "  target"]
    lines = [
        f"{label:<{width}}  " + "".join(f"{cell:>16}" for cell in cells) + f"  {target}"
        for label, cells, target in rows
    ]
    notes = [f"{r.name}: {problem}" for r in results for problem in r.problems]
    return "\n".join(header + lines + notes)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teachers", type=int, default=10_000, help="backlog size")
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"{QUICK_TEACHERS} teachers, {QUICK_PACED_SECONDS:g} s paced (the CI smoke test)",
    )
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--paced-seconds", type=float, default=30.0)
    parser.add_argument("--rate", type=float, default=50.0, help="paced new teachers per second")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("HELPDESK_TEST_DATABASE_URL"),
        help="a PostgreSQL server (default: HELPDESK_TEST_DATABASE_URL)",
    )
    parser.add_argument(
        "--rate-limiter",
        choices=("off", "shipped"),
        default="off",
        help="off: the bot's own speed; shipped: `python -m bot run` as is",
    )
    parser.add_argument("--no-echo", action="store_true", help="skip the bare echo bot")
    parser.add_argument("--no-pin", action="store_true", help="do not pin bot and fake to CPUs")
    parser.add_argument("--keep", type=Path, help="keep logs, SQLite file and reports here")
    args = parser.parse_args(argv)  # fmt: skip
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
    if args.quick:
        args.teachers, args.paced_seconds = QUICK_TEACHERS, QUICK_PACED_SECONDS
    databases = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    if "postgresql" in databases and not args.pg_url:
        if args.db == "postgresql":
            parser.error("PostgreSQL needs --pg-url or HELPDESK_TEST_DATABASE_URL")
        print("PostgreSQL: skipped (set HELPDESK_TEST_DATABASE_URL or --pg-url)")
        databases = ("sqlite",)
    options = Options(
        teachers=args.teachers, databases=databases, paced_seconds=args.paced_seconds,
        rate=args.rate, pg_url=args.pg_url, rate_limiter=args.rate_limiter,
        echo=not args.no_echo, pin=not args.no_pin, keep=args.keep,
    )  # fmt: skip
    limiter = (
        "SendRate, 30/s (shipped)"
        if args.rate_limiter == "shipped"
        else "none (HELPDESK_TELEGRAM_MAX_RATE=0)"
    )
    paced = round(args.paced_seconds * args.rate)
    print(f"{args.teachers} teachers in the backlog, {paced} paced; rate limiter: {limiter}")
    bot_cpu, fake_cpu = _cpus(options)
    pinned = (
        f"bot on CPU {bot_cpu}, fake on CPU {fake_cpu}" if bot_cpu is not None else "not pinned"
    )
    print(f"machine: {machine()}; {pinned}", flush=True)
    echo, results = run(options)
    print(table(options, echo, results))
    print(f"machine after: {machine()}")
    return 0 if all(r.exactly_once for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
