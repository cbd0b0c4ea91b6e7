"""The `helpdesk` command as a process: settings errors, the terminal chat, match --jsonl."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


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
    assert len(lines) == 1 and lines[0].startswith(f"helpdesk: {variable} is malformed")
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
    listed = helpdesk("tickets", "list", env=env)
    assert listed.stdout.startswith("#1\topen")
    shown = helpdesk("tickets", "show", "1", env=env)
    assert "батламж маань олдохгүй байна" in shown.stdout
    assert (
        helpdesk("tickets", "reply", "1", "Шалгаад хэлье", "--as", "Болд", env=env).returncode == 0
    )
    assert helpdesk("tickets", "close", "1", env=env).returncode == 0
    delivered = helpdesk("chat", stdin="", env=env)
    assert "Болд" in delivered.stdout and "Шалгаад хэлье" in delivered.stdout
    assert "хүсэлтийг хаалаа" in delivered.stdout
    assert helpdesk("tickets", "close", "1", env=env).returncode == 1  # already closed


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
    assert not_roster.returncode == 1
    assert len(not_roster.stderr.strip().splitlines()) == 1


def test_faq_validate_passes_the_bundled_faq_and_names_problems(tmp_path: Path) -> None:
    bundled = helpdesk("faq", "validate")
    assert bundled.returncode == 0, bundled.stdout
    assert "FAQ is valid" in bundled.stdout
    (tmp_path / "a.yaml").write_text(
        "- id: esis_password\n  questions: [ESIS нууц үгээ мартсан]\n  answer: Менежерт.\n"
        "- id: other\n  questions: [ESIS нууц үгээ мартсан]\n  answer: Өөр.\n",
        encoding="utf-8",
    )
    clash = helpdesk("faq", "validate", str(tmp_path))
    assert clash.returncode == 1
    assert "error: a.yaml: entry 'other': paraphrase 'ESIS нууц үгээ мартсан'" in clash.stdout
    (tmp_path / "a.yaml").write_text(
        "- id: x\n  questions: [a]\n  answer: b\n- id: x\n  questions: [c]\n  answer: d\n",
        encoding="utf-8",
    )
    duplicate = helpdesk("faq", "validate", str(tmp_path))
    assert duplicate.returncode == 1 and "entry 'x' is defined twice" in duplicate.stdout
