"""`helpdesk run` as a real process, polling a fake Bot API on 127.0.0.1."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fake_telegram import FakeBotApi, FakeBotApiServer
from tests.process_kit import BotProcess, wait_for

pytestmark = pytest.mark.slow  # real processes and servers: `-m 'not slow'` skips them

TEACHER = 5151


def _start_helpdesk(**settings: str) -> subprocess.Popen[str]:
    """`helpdesk run` with these HELPDESK_* settings only, its output captured."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELPDESK_")}
    env.update(settings)
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run"], env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip


def _teacher_says(api: FakeBotApi, number: int, text: str) -> None:
    chat = {"id": TEACHER, "type": "private", "first_name": "Дулмаа"}
    sender = {"id": TEACHER, "is_bot": False, "first_name": "Дулмаа"}
    api.push_update({"message": {"message_id": number, "date": int(time.time()),
                                 "chat": chat, "from": sender, "text": text}})  # fmt: skip


def test_helpdesk_run_polls_answers_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    api = FakeBotApi()
    with FakeBotApiServer(api) as server:
        process = _start_helpdesk(
            HELPDESK_TELEGRAM_TOKEN="123:PROCESS",
            HELPDESK_TELEGRAM_BASE_URL=server.base_url,
            HELPDESK_TELEGRAM_BASE_FILE_URL=server.base_url.replace("/bot", "/file/bot"),
            HELPDESK_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/run.db",
        )
        try:
            _teacher_says(api, 1, "/start")
            assert wait_for(lambda: len(api.texts(TEACHER)) >= 2), api.calls
            assert api.texts(TEACHER)[0].startswith("Сайн байна уу, Дулмаа!")
            assert api.sent("setMyCommands")
        finally:
            process.send_signal(signal.SIGTERM)
            output, _ = process.communicate(timeout=30)
        assert process.returncode == 0, output
        assert "Traceback" not in output
        assert len(api.texts(TEACHER)) == 2  # answered once, not again after restart of polling


TOKEN = "987654321:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"  # shaped like a real one


@pytest.mark.parametrize("level", ["INFO", "DEBUG"])
def test_the_log_holds_no_message_text_register_number_or_token(
    tmp_path: Path, level: str
) -> None:
    """The process's own log output, at INFO and at DEBUG (where the libraries print whole
    API calls), over a whole conversation: questions, a certificate lookup with a register
    number, a request for a person."""
    api = FakeBotApi()
    secrets = ["миний нууц үг мартагдчихлаа", "УБ85031214", "Доржпалам", "хүнтэй ярих"]
    with FakeBotApiServer(api) as server:
        env = {k: v for k, v in os.environ.items() if not k.startswith("HELPDESK_")}
        env.update(
            HELPDESK_TELEGRAM_TOKEN=TOKEN,
            HELPDESK_TELEGRAM_BASE_URL=server.base_url,
            HELPDESK_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/logs.db",
            HELPDESK_LOG_LEVEL=level,
        )
        process = BotProcess(env, tmp_path / "bot.log")  # a file: DEBUG would fill a pipe
        try:
            for number, text in enumerate(
                [secrets[0], "Батламж", secrets[1], secrets[2], secrets[3]], start=1
            ):
                _teacher_says(api, number, text)
                assert wait_for(lambda n=number: len(api.texts(TEACHER)) >= n), api.calls
        finally:
            code = process.stop()
        output = process.output()
        assert code == 0, output[-3000:]
    assert level in output  # the log was on, at that level
    for secret in [*secrets, "85031214", TOKEN, TOKEN.split(":")[1]]:
        assert secret not in output
