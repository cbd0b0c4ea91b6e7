"""The `helpdesk` command as a process: settings errors, the terminal chat, match --jsonl."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import TextIO

import pytest

from tests.process_kit import wait_for


def helpdesk(
    *args: str, stdin: str = "", env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("HELPDESK_")}
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=environment,
        cwd=cwd,
        timeout=120,
    )


def test_run_without_a_token_names_the_variable_and_exits_2(tmp_path: Path) -> None:
    result = helpdesk("run", env={"HELPDESK_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/x.db"})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "helpdesk: HELPDESK_TELEGRAM_TOKEN тохируулаагүй байна; энэ горимд хэрэгтэй."
    ]
    english = helpdesk(
        "--lang", "en", "run", env={"HELPDESK_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/x.db"}
    )
    assert english.stderr.strip().splitlines() == [
        "helpdesk: HELPDESK_TELEGRAM_TOKEN is not set; this mode needs it."
    ]


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("HELPDESK_STAFF_CHAT_ID", "not-a-number"),
        ("HELPDESK_ADMIN_IDS", "1,x"),
        ("HELPDESK_LISTEN", "nowhere"),
        ("HELPDESK_MATCH_THRESHOLD", "250"),
    ],
)
def test_a_malformed_setting_is_one_line_naming_it(variable: str, value: str) -> None:
    result = helpdesk("chat", env={variable: value})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"helpdesk: {variable} буруу байна")
    assert "Traceback" not in result.stderr


def test_terminal_chat_greets_with_the_menu_non_interactively(tmp_path: Path) -> None:
    result = helpdesk("chat", stdin="сайн байна уу\n", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Сайн байна уу!" in out
    for item in ["Хуваарь", "Нууц үг / имэйл", "Батламж", "Ажилтантай холбогдох"]:
        assert item in out
    assert (tmp_path / "helpdesk.db").exists()  # the embedded default, upgraded on start


def test_terminal_chat_numbered_choices_and_state_across_runs(tmp_path: Path) -> None:
    env = {"HELPDESK_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/chat.db"}
    first = helpdesk("chat", stdin="Нууц үг / имэйл\n1\n", env=env)
    assert "[1] ESIS" in first.stdout
    assert "Юу нь алга болсон бэ?" in first.stdout  # "1" pressed the first button
    # A new process continues the flow: the state is in the database.
    second = helpdesk("chat", stdin="/menu\n", env=env)
    assert second.returncode == 0
    third = helpdesk("chat", stdin="/quit\n", env=env)
    assert third.returncode == 0


def test_staff_reply_from_the_command_line_reaches_the_terminal(tmp_path: Path) -> None:
    env = {"HELPDESK_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/q.db"}
    asked = helpdesk("chat", stdin="Ажилтантай холбогдох\nбатламж маань олдохгүй байна\n", env=env)
    assert "хүсэлт №1" in asked.stdout
    listed = helpdesk("tickets", "list", env=env).stdout.splitlines()
    assert listed[0].split("\t")[:2] == ["#", "төлөв"]  # a header
    assert listed[1].startswith("#1\topen\t0:0") and "console" in listed[1]
    assert listed[1].endswith("батламж маань олдохгүй байна")
    shown = helpdesk("tickets", "show", "1", env=env)
    assert "батламж маань олдохгүй байна" in shown.stdout and "{" not in shown.stdout
    empty = helpdesk("tickets", "reply", "1", "  ", env=env)
    assert empty.returncode == 2 and "хариу хоосон" in empty.stderr
    assert (
        helpdesk("tickets", "reply", "1", "Шалгаад хэлье", "--as", "Болд", env=env).returncode == 0
    )
    assert helpdesk("tickets", "close", "1", env=env).returncode == 0
    delivered = helpdesk("chat", stdin="", env=env)
    assert "Болд" in delivered.stdout and "Шалгаад хэлье" in delivered.stdout
    assert "хүсэлтийг хаалаа" in delivered.stdout
    assert helpdesk("tickets", "close", "1", env=env).returncode == 1  # already closed
    assert helpdesk("tickets", "reopen", "1", env=env).returncode == 0
    assert helpdesk("tickets", "list", "--status", "open", env=env).stdout.count("#1\t") == 1
    mine = helpdesk("tickets", "list", "--mine", "--as", "Болд", env=env).stdout
    assert "#1\t" not in mine  # reopened: nobody's
    role = helpdesk("tickets", "reply", "1", "Харлаа", "--as", "Арга зүйч", env=env)
    assert role.returncode == 0
    delivered = helpdesk("chat", stdin="", env=env).stdout
    assert "Арга зүйч (арга зүйч)" not in delivered and "Арга зүйч, хүсэлт №1" in delivered


def test_match_jsonl_contract() -> None:
    questions = ["nuuts ugee martsan esis", "Цалин хэзээ буух вэ", ""]
    result = helpdesk("match", "--jsonl", stdin="\n".join(questions) + "\n")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["text"] for r in records] == questions
    assert records[0]["intent"] == "esis_password"
    assert records[1]["intent"] is None and records[2]["intent"] is None
    assert all(0 <= r["score"] <= 100 for r in records)


def test_roster_import_reports_and_refuses_bad_files(tmp_path: Path) -> None:
    env = {"HELPDESK_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/r.db"}
    sample = Path(__file__).parent / "data" / "roster_sample.csv"
    first = helpdesk("roster", "import", str(sample), env=env)
    assert first.returncode == 0, first.stderr
    assert "10 нэмэгдсэн" in first.stdout
    again = helpdesk("roster", "import", str(sample), env=env)
    assert "10 өөрчлөгдөөгүй" in again.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text(sample.read_text(encoding="utf-8").replace("УБ85031214", "УБ8503"),
                   encoding="utf-8")
    refused = helpdesk("roster", "import", str(bad), env=env)
    assert refused.returncode == 1 and "ОРСОНГҮЙ" in refused.stdout
    garbage = tmp_path / "garbage.xlsx"
    garbage.write_bytes(b"\x00\x01not a workbook" * 100)
    not_roster = helpdesk("roster", "import", str(garbage), env=env)
    assert not_roster.returncode == 2  # not a roster at all: a bad input file
    assert len(not_roster.stderr.strip().splitlines()) == 1


def test_faq_validate_passes_the_bundled_faq_and_names_problems(tmp_path: Path) -> None:
    bundled = helpdesk("--lang", "en", "faq", "validate")
    assert bundled.returncode == 0, bundled.stdout
    verdict, *rest = bundled.stdout.splitlines()
    assert verdict.startswith("FAQ is valid: ") and " warnings in " in verdict  # one line first
    assert sum(line.startswith("warnings for ") for line in rest) <= 10  # grouped, the worst
    everything = helpdesk("--lang", "en", "faq", "validate", "--verbose").stdout
    assert everything.count("would go to") > bundled.stdout.count("would go to")
    strict = helpdesk("--lang", "en", "faq", "validate", "--strict")
    assert strict.returncode == 1 and strict.stdout.startswith("FAQ is not valid: ")
    assert helpdesk("faq", "validate").stdout.startswith("FAQ зөв байна: ")  # Mongolian first
    (tmp_path / "a.yaml").write_text(
        "- id: esis_password\n  questions: [ESIS нууц үгээ мартсан]\n  answer: Менежерт.\n"
        "- id: other\n  questions: [ESIS нууц үгээ мартсан]\n  answer: Өөр.\n",
        encoding="utf-8",
    )
    clash = helpdesk("--lang", "en", "faq", "validate", str(tmp_path))
    assert clash.returncode == 1
    assert "error: a.yaml: entry 'other': paraphrase 'ESIS нууц үгээ мартсан'" in clash.stdout
    (tmp_path / "a.yaml").write_text(
        "- id: x\n  questions: [a]\n  answer: b\n- id: x\n  questions: [c]\n  answer: d\n",
        encoding="utf-8",
    )
    duplicate = helpdesk("--lang", "en", "faq", "validate", str(tmp_path))
    assert duplicate.returncode == 1 and "entry 'x' is defined twice" in duplicate.stdout


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("HELPDESK_DATABASE_URL", "sqlite+aiosqlite:////no/such/folder/x.db", "does not exist"),
        ("HELPDESK_DATABASE_URL", "sqlite:///x.db", "not one the desk runs on"),
        ("HELPDESK_DATABASE_URL", "garbage", "not a database URL"),
        ("HELPDESK_DATABASE_URL", "postgresql+asyncpg://u:pw@127.0.0.1:1/x", "does not answer"),
        ("HELPDESK_TELEGRAM_TOKEN", "garbage", "not a bot token"),
        ("HELPDESK_MESSENGER_GRAPH_URL", "graph.facebook.com", "https://"),
        ("HELPDESK_MESSENGER_PAGE_TOKEN", "EAAG", "HELPDESK_MESSENGER_APP_SECRET is not set"),
    ],
)
def test_a_bad_setting_is_one_line_and_exit_code_2(
    tmp_path: Path, variable: str, value: str, says: str
) -> None:
    commands = [["stats"], ["tickets", "list"], ["db", "upgrade"]]
    if variable.startswith("HELPDESK_MESSENGER"):
        commands = [["run"]]  # the one command that needs them
    for command in commands:
        done = helpdesk("--lang", "en", *command, env={variable: value}, cwd=tmp_path)
        assert done.returncode == 2, (command, done.stderr)
        assert done.stderr.count("\n") == 1 and says in done.stderr, (command, done.stderr)
        assert "Traceback" not in done.stderr and "pw@" not in done.stderr


@pytest.mark.parametrize(
    ("language", "says"),
    [
        ({}, "HELPDESK_DATABASE_URL буруу байна: 'sqlite' драйвертай ажиллахгүй"),
        ({"HELPDESK_LANG": "en"}, "HELPDESK_DATABASE_URL is malformed: driver 'sqlite' is not"),
    ],
)
def test_a_bad_setting_is_said_in_the_command_lines_language(
    tmp_path: Path, language: dict[str, str], says: str
) -> None:
    """Mongolian unless HELPDESK_LANG (or --lang) says English, though the settings that
    would name the language did not load."""
    env = {"HELPDESK_DATABASE_URL": "sqlite:///x.db", **language}
    done = helpdesk("stats", env=env, cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith(f"helpdesk: {says}"), done.stderr


def test_eval_of_a_file_that_is_not_jsonl_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n", encoding="utf-8")
    done = helpdesk("eval", str(bad))
    assert done.returncode == 2
    assert done.stderr.strip() == f"helpdesk: {bad}: line 1: not JSON (Expecting value)"


def test_the_terminal_chat_prints_a_staff_reply_while_it_waits_for_a_line(
    tmp_path: Path,
) -> None:
    """The teacher types nothing more: the methodologist's reply and the closing question
    appear anyway, and the rating typed after them is understood."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELPDESK_")}
    env["HELPDESK_DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path}/w.db"
    out = (tmp_path / "chat.out").open("w+", encoding="utf-8")
    chat = subprocess.Popen(
        [sys.executable, "-m", "bot", "chat"], stdin=subprocess.PIPE, stdout=out,
        stderr=subprocess.STDOUT, text=True, env=env,
    )  # fmt: skip
    assert chat.stdin is not None
    try:
        chat.stdin.write("хүнтэй ярих, батламж маань олдохгүй байна\n")
        chat.stdin.flush()
        assert wait_for(lambda: "хүсэлт №1" in _read(out)), _read(out)
        assert helpdesk("tickets", "reply", "1", "Шалгаад хэлье", env=env).returncode == 0
        assert helpdesk("tickets", "close", "1", env=env).returncode == 0
        assert wait_for(lambda: "хүсэлтийг хаалаа" in _read(out)), _read(out)
        assert "Шалгаад хэлье" in _read(out)
        chat.stdin.write("5\n")  # the rating, typed: the closing question's choices stand
        chat.stdin.flush()
        assert wait_for(lambda: "Үнэлгээ өгсөнд баярлалаа" in _read(out)), _read(out)
    finally:
        chat.stdin.close()
        chat.wait(timeout=30)
        out.close()


def _read(out: TextIO) -> str:
    out.seek(0)
    return out.read()


def test_the_command_line_speaks_mongolian_or_english_as_asked(tmp_path: Path) -> None:
    """Mongolian by default, English with --lang en or HELPDESK_LANG=en, through the bot's
    catalogs; every error one line, a missing file or folder exit code 2."""
    env = {"HELPDESK_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/l.db"}
    assert helpdesk("db", "upgrade", env=env).stdout.strip() == "өгөгдлийн сан шинэчлэгдлээ"
    missing = helpdesk("tickets", "show", "99", env=env)
    assert missing.stderr == "helpdesk: №99 хүсэлт алга\n" and missing.returncode == 1
    english = helpdesk("--lang", "en", "tickets", "show", "99", env=env)
    assert english.stderr == "helpdesk: no ticket #99\n"
    by_setting = helpdesk("tickets", "show", "99", env={**env, "HELPDESK_LANG": "en"})
    assert by_setting.stderr == "helpdesk: no ticket #99\n"
    nowhere = tmp_path / "nowhere"
    for command in (("faq", "validate", str(nowhere)), ("faq", "import", str(nowhere)),
                    ("schedule", "import", str(nowhere / "s.yaml")),
                    ("roster", "import", str(nowhere / "r.csv"))):
        done = helpdesk(*command, env=env)
        assert done.returncode == 2, (command, done.stderr)
        assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
        assert str(nowhere) in done.stderr


def test_console_link_needs_the_public_url_and_prints_a_fresh_link_each_time(
    tmp_path: Path,
) -> None:
    database = {"HELPDESK_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/links.db"}
    off = helpdesk("console", "link", "9001", env=database, cwd=tmp_path)
    assert off.returncode == 2 and off.stderr.count("\n") == 1
    assert "HELPDESK_PUBLIC_URL" in off.stderr and "Traceback" not in off.stderr

    on = {**database, "HELPDESK_PUBLIC_URL": "https://desk.example.mn/"}
    links = [helpdesk("console", "link", "9001", env=on, cwd=tmp_path) for _ in range(2)]
    assert all(done.returncode == 0 for done in links), links[0].stderr
    printed = [done.stdout.strip() for done in links]
    assert all(p.startswith("https://desk.example.mn/console/login?token=") for p in printed)
    assert printed[0] != printed[1]  # one link, one sign-in
