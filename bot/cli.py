"""The `helpdesk` command (also `python -m bot`)."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.exc import InterfaceError, OperationalError

from bot import logs
from bot.config import Settings, SettingsError, load_settings
from bot.desk.sandbox import ReadLimitError
from bot.i18n import LANGUAGES, _, use_language

EXIT_USAGE = 2


def _fail(message: str) -> None:
    """One line on stderr, as every error of the command line is."""
    print(f"helpdesk: {message}", file=sys.stderr)


def _not_a_file(path: Path) -> int:
    _fail(_("{path} is not a file").format(path=path))
    return EXIT_USAGE


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="helpdesk", description="ITPD teachers' help desk")
    parser.add_argument(
        "--lang", dest="cli_lang", choices=LANGUAGES, help="messages in this language (mn, en)"
    )
    commands = parser.add_subparsers(dest="command", required=True)

    chat = commands.add_parser("chat", help="talk to the bot in the terminal")
    chat.add_argument("--user", default="console", help="who you are (a conversation per user)")
    chat.add_argument("--lang", choices=("mn", "en"), help="answer in this language")

    commands.add_parser("run", help="run on Telegram and/or Messenger")

    match = commands.add_parser("match", help="match questions to FAQ entries")
    match.add_argument(
        "--jsonl",
        action="store_true",
        help="one question per line on stdin, one JSON object per line out (the only format)",
    )

    evaluate = commands.add_parser("eval", help="score the matcher on a labelled JSONL file")
    evaluate.add_argument("file", type=Path)

    faq = commands.add_parser("faq", help="the knowledge base")
    faq_commands = faq.add_subparsers(dest="faq_command", required=True)
    validate = faq_commands.add_parser(
        "validate", help="check the FAQ files (exit 1 on an error; warnings are advice)"
    )
    validate.add_argument("path", nargs="?", type=Path, help="a folder of YAML files")
    validate.add_argument("--verbose", action="store_true", help="every warning")
    validate.add_argument(
        "--strict", action="store_true", help="warnings fail too (CI of a FAQ repository)"
    )
    faq_import = faq_commands.add_parser("import", help="validate, then load into the database")
    faq_import.add_argument("path", type=Path, help="a YAML file or a folder of them")
    faq_import.add_argument(
        "--prune", action="store_true", help="remove entries that are not in the file(s)"
    )
    faq_export = faq_commands.add_parser("export", help="write the live FAQ as YAML files")
    faq_export.add_argument("directory", type=Path)

    schedule = commands.add_parser("schedule", help="the training schedule")
    schedule_commands = schedule.add_subparsers(dest="schedule_command", required=True)
    schedule_import = schedule_commands.add_parser("import", help="replace the schedule")
    schedule_import.add_argument("file", type=Path)

    db = commands.add_parser("db", help="the database")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("upgrade", help="apply the migrations")
    db_commands.add_parser("check", help="exit 0 when the database answers")

    tickets = commands.add_parser("tickets", help="the staff queue")
    ticket_commands = tickets.add_subparsers(dest="tickets_command", required=True)
    me = getpass.getuser().capitalize()
    listing = ticket_commands.add_parser("list", help="the queue, oldest first")
    listing.add_argument("--all", action="store_true", help="closed ones too")
    listing.add_argument(
        "--status", choices=("open", "claimed", "closed"), help="only tickets in this status"
    )
    listing.add_argument("--mine", action="store_true", help="only tickets claimed --as you")
    listing.add_argument("--as", dest="staff_name", default=me, help=f"you (default {me})")
    show = ticket_commands.add_parser("show", help="one ticket as a conversation")
    show.add_argument("number", type=int)
    reply = ticket_commands.add_parser("reply", help="answer the teacher")
    reply.add_argument("number", type=int)
    reply.add_argument("text")
    reply.add_argument("--as", dest="staff_name", default=me, help=f"signed with (default {me})")
    for verb, what in (("close", "close a ticket"), ("reopen", "reopen a closed ticket")):
        acted = ticket_commands.add_parser(verb, help=what)
        acted.add_argument("number", type=int)
        acted.add_argument("--as", dest="staff_name", default=me, help=f"you (default {me})")

    console = commands.add_parser("console", help="the web console")
    console_commands = console.add_subparsers(dest="console_command", required=True)
    link = console_commands.add_parser(
        "link", help="a one-time sign-in link for a methodologist or admin (10 minutes)"
    )
    link.add_argument("user_id", type=int, help="their Telegram user id")
    link.add_argument("--name", default="", help="the name their replies are signed with")

    roster = commands.add_parser("roster", help="the list of who passed (certificates)")
    roster_commands = roster.add_subparsers(dest="roster_command", required=True)
    roster_import = roster_commands.add_parser("import", help="import a .csv or .xlsx roster")
    roster_import.add_argument("file", type=Path)

    stats = commands.add_parser("stats", help="how the desk is doing")
    stats.add_argument("--days", type=int, default=30, help="the last N days, today included")
    report = commands.add_parser("report", help="reports for admins")
    report_commands = report.add_subparsers(dest="report_command", required=True)
    unanswered = report_commands.add_parser(
        "unanswered", help="questions the bot refused or got 👎 on, grouped"
    )
    unanswered.add_argument("--days", type=int, default=30, help="the last N days")
    unanswered.add_argument("--limit", type=int, default=20, help="groups shown at most")
    return parser


# Libraries that log every request or plugin at INFO: httpx would write the bot token
# (it is part of every Bot API URL), alembic its plugin list on each import.
# Libraries whose DEBUG lines are statements with their parameters or whole HTTP exchanges:
# they stay at WARNING whatever HELPDESK_LOG_LEVEL says (the filter in bot/logs.py masks
# what reaches it, but cannot know which bound parameter is a teacher's text).
ENTRIES_SHOWN = 10  # `faq validate`: entries with warnings shown without --verbose
WARNINGS_SHOWN = 3  # … and warnings per entry
QUIET_LOGGERS = (
    "httpx",
    "httpcore",
    "alembic",
    "telegram.ext.Application",
    "aiosqlite",
    "asyncpg",
    "sqlalchemy",
)


def _configure_logging(settings: Settings) -> None:
    secrets = [
        value.get_secret_value()
        for value in (
            settings.telegram_token,
            settings.webhook_secret,
            settings.messenger_page_token,
            settings.messenger_app_secret,
            settings.messenger_verify_token,
        )
        if value is not None
    ]
    logs.configure(settings.log_level, secrets, QUIET_LOGGERS)
    # The outbox job may still be draining when its next run is due; that skip is expected.
    logging.getLogger("apscheduler").setLevel(logging.ERROR)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # The language before the settings load (they may not), and for every line after:
    # --lang, else HELPDESK_LANG (the `lang` setting), else Mongolian.
    wanted = args.cli_lang or os.environ.get("HELPDESK_LANG", "")
    with use_language(wanted if wanted in LANGUAGES else "mn"):
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    try:
        settings = load_settings()
        _configure_logging(settings)
        return asyncio.run(_dispatch(args, settings))
    except SettingsError as exc:
        _fail(exc.describe())
        return EXIT_USAGE
    except BrokenPipeError:  # `helpdesk … | head`: the reader has what it wanted
        return 0
    except (OperationalError, InterfaceError, OSError) as exc:
        # The database refused, is down, or the password is wrong: one line, never the URL
        # (it may hold the password).
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0][:200]
        _fail(_("the database does not answer ({reason})").format(reason=reason))
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


async def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    match args.command:
        case "chat":
            return await _chat(settings, args.user, args.lang)
        case "run":
            from bot.serve import run

            return await run(settings)
        case "match":
            return _match(settings)
        case "eval":
            return _eval(settings, args.file)
        case "faq" if args.faq_command == "validate":
            return _faq_validate(settings, args)
        case "faq" | "schedule":
            return await _knowledge(settings, args)
        case "db":
            return await _db(settings, args.db_command)
        case "tickets":
            return await _tickets(settings, args)
        case "roster":
            return await _roster_import(settings, args.file)
        case "console":
            return await _console_link(settings, args.user_id, args.name)
        case "stats":
            from bot.admin_cli import stats_command

            return await stats_command(settings, args.days)
        case "report":
            from bot.admin_cli import unanswered_command

            return await unanswered_command(settings, args.days, args.limit)
    raise AssertionError(args.command)


async def _db(settings: Settings, command: str) -> int:
    from bot.storage.db import database_answers, upgrade

    if command == "upgrade":
        await upgrade(settings.database_url)
        print(_("database upgraded"))
        return 0
    if await database_answers(settings.database_url):
        print(_("the database answers"))
        return 0
    _fail(_("the database does not answer"))
    return 1


async def _chat(settings: Settings, user: str, language: str | None) -> int:
    from bot.channels.console import chat
    from bot.runtime import open_desk

    async with open_desk(settings) as runtime:
        runtime.desk.knowledge.matcher.prepare()
        await chat(runtime.desk, user, language)
    return 0


def _match(settings: Settings) -> int:
    from bot.runtime import load_knowledge

    matcher = load_knowledge(settings).matcher
    for line in sys.stdin:
        text = line.rstrip("\n")
        result = matcher.match(text)
        record = {
            "text": text,
            "intent": result.intent,
            "score": round(result.score, 1),
            "reason": result.reason,
            "candidates": [
                {"intent": c.intent, "score": round(c.score, 1)} for c in result.candidates
            ],
        }
        print(json.dumps(record, ensure_ascii=False), flush=True)
    return 0


def _eval(settings: Settings, path: Path) -> int:
    from bot.nlu.evaluation import evaluate, format_report, read_cases
    from bot.runtime import load_knowledge

    if not path.is_file():
        return _not_a_file(path)
    try:
        with path.open(encoding="utf-8") as lines:
            cases = read_cases(lines)
    except (ValueError, UnicodeDecodeError) as exc:
        _fail(f"{path}: {exc}")
        return EXIT_USAGE
    print(format_report(evaluate(load_knowledge(settings).matcher, cases)))
    return 0


async def _roster_import(settings: Settings, path: Path) -> int:
    """All rows or none; the report lists every bad row with its line and reason."""
    from bot.desk import roster
    from bot.runtime import open_desk

    if not path.is_file():
        return _not_a_file(path)
    async with open_desk(settings) as runtime:
        try:
            report = await roster.import_file(
                runtime.sessions,
                path,
                limits=settings.read_limits(),
                actor=getpass.getuser() + " (command line)",
            )
        except roster.RosterFileError as exc:  # not a roster at all: a bad input file
            _fail(str(exc))
            return EXIT_USAGE
    print(roster.format_report(report))
    return 0 if report.ok else 1


async def _knowledge(settings: Settings, args: argparse.Namespace) -> int:
    """faq import / export and schedule import, on the live knowledge base."""
    from bot.desk import knowledge, sandbox
    from bot.desk.faq import FaqError
    from bot.desk.schedule import ScheduleError
    from bot.runtime import open_desk

    limits = settings.read_limits()
    async with open_desk(settings) as runtime:
        try:
            async with runtime.sessions.begin() as session:
                if args.command == "schedule":
                    data = args.file.read_bytes()
                    rows = await sandbox.read("schedule", data, args.file.name, limits)
                    text = data.decode("utf-8")
                    today = runtime.desk.clock().astimezone(runtime.desk.zone).date()
                    rows = await knowledge.import_schedule(
                        session, text, "cli", rows=rows, today=today
                    )
                    print(_("Schedule imported: {count} cohort windows.").format(count=len(rows)))
                elif args.faq_command == "import":
                    entries = await knowledge.read_path_limited(args.path, limits)
                    report = await knowledge.import_entries(session, entries, "cli", args.prune)
                    print("\n".join(report.lines()))
                else:
                    args.directory.mkdir(parents=True, exist_ok=True)
                    for name, text in (await knowledge.export(session)).items():
                        (args.directory / name).write_text(text, encoding="utf-8")
                        print(args.directory / name)
        except (FaqError, ScheduleError, ReadLimitError, OSError, UnicodeDecodeError) as exc:
            _fail(_("Nothing was changed: {reason}").format(reason=exc))
            return EXIT_USAGE
    return 0


def _faq_validate(settings: Settings, args: argparse.Namespace) -> int:
    """A one-line verdict with counts first; then errors; then warnings by entry, the entries
    other wordings pull at most first (three each, ten entries, unless --verbose)."""
    from bot.desk.faq import FaqError, validate_dir

    folder = args.path or settings.faq_dir
    if not folder.is_dir():
        _fail(_("{path} is not a folder").format(path=folder))
        return EXIT_USAGE
    try:
        result = validate_dir(folder)
    except FaqError as exc:
        print(_("FAQ is not valid: {reason}").format(reason=exc))
        return 1
    by_entry: dict[str, list[str]] = {}
    for confusion in sorted(result.confusions, key=lambda c: -c.score):
        by_entry.setdefault(confusion.entry_id, []).append(result.warning(confusion))
    paraphrases = sum(len(entry.questions) for entry in result.entries)
    counts = _(
        "{entries} entries, {paraphrases} paraphrases; {errors} errors, "
        "{warnings} warnings in {warned} entries"
    ).format(
        entries=len(result.entries),
        paraphrases=paraphrases,
        errors=len(result.errors),
        warnings=len(result.confusions),
        warned=len(by_entry),
    )
    failed = bool(result.errors) or (args.strict and bool(result.confusions))
    verdict = _("FAQ is not valid: {reason}") if failed else _("FAQ is valid: {counts}")
    print(verdict.format(reason=counts, counts=counts))
    for error in result.errors:
        print(_("error: {error}").format(error=error))
    worst = sorted(by_entry.items(), key=lambda item: -len(item[1]))
    shown = worst if args.verbose else worst[:ENTRIES_SHOWN]
    for entry_id, warnings in shown:
        print(_("warnings for {entry} ({count}):").format(entry=entry_id, count=len(warnings)))
        for warning in warnings if args.verbose else warnings[:WARNINGS_SHOWN]:
            print(f"  {warning}")
    if len(shown) < len(worst) or any(len(w) > WARNINGS_SHOWN for _e, w in shown):
        print(_("(--verbose shows every warning)"))
    return 1 if failed else 0


async def _console_link(settings: Settings, user_id: int, name: str) -> int:
    """The link /console sends in Telegram, for an operator at a terminal. Whether the person
    may come in is checked when the link is opened, by the running desk."""
    from bot.desk import console_access
    from bot.runtime import open_desk
    from bot.storage.models import utcnow

    if settings.public_url is None:
        _fail(_("HELPDESK_PUBLIC_URL is not set: the web console is off"))
        return EXIT_USAGE
    async with open_desk(settings) as runtime, runtime.sessions.begin() as session:
        token = console_access.issue_link(session, user_id, name, utcnow())
    print(settings.console_link(token))
    return 0


async def _tickets(settings: Settings, args: argparse.Namespace) -> int:
    """The queue from a terminal; replies go through the same outbox as Telegram's."""
    from bot.desk import ticket_views, tickets
    from bot.runtime import open_desk

    async with open_desk(settings) as runtime, runtime.sessions.begin() as session:
        if args.tickets_command == "list":
            listed = await tickets.list_tickets(
                session,
                include_closed=args.all or args.status == "closed",
                owner_name=args.staff_name if args.mine else None,
            )
            if args.status is not None:
                listed = [ticket for ticket in listed if ticket.status == args.status]
            print(await ticket_views.terminal_queue(session, listed, runtime.desk.clock()))
            return 0
        ticket = await tickets.get_ticket(session, args.number)
        if ticket is None:
            _fail(_("no ticket #{number}").format(number=args.number))
            return 1
        try:
            if args.tickets_command == "show":
                print(await ticket_views.terminal_conversation(session, ticket, settings.timezone))
            elif args.tickets_command == "reply":
                if not args.text.strip():
                    _fail(_("the reply is empty; nothing was sent"))
                    return EXIT_USAGE
                await tickets.staff_reply(session, ticket, args.staff_name, args.text)
                print(_("reply to #{number} queued").format(number=ticket.id))
            elif args.tickets_command == "close":
                await tickets.close(session, ticket, args.staff_name, settings.staff_chat)
                print(_("#{number} closed").format(number=ticket.id))
            elif args.tickets_command == "reopen":
                await tickets.reopen(session, ticket, args.staff_name, settings.staff_chat)
                print(_("#{number} reopened").format(number=ticket.id))
        except tickets.TicketError as exc:
            _fail(str(exc))
            return 1
    return 0
