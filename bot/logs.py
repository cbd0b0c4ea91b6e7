"""Logging that cannot leak what people typed or what opens the bot: one filter on every
handler, for our loggers and the libraries' alike, at every level.

Redacted: bot tokens (they sit in the Bot API's URLs that httpx logs), the configured secrets,
register numbers, and the text of messages the libraries print at DEBUG (PTB logs whole
updates there). SQLAlchemy is told to keep statement parameters out of its errors
(`hide_parameters`, bot/storage/db.py).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from bot.desk.certificates import mask_register_numbers

TOKEN = re.compile(r"(?<!\d)\d{5,}:[A-Za-z0-9_-]{20,}")  # a Telegram bot token, in a URL or not
MESSAGE_TEXT = re.compile(r"""(['"]?(?:text|caption|message|query)['"]?\s*[:=]\s*)(['"]).*?\2""")
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class Redacting(logging.Filter):
    """Rewrites each record's message with secrets, register numbers and texts masked."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = [secret for secret in secrets if len(secret) >= 6]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = self.clean(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_text is None and record.exc_info[1] is not None:
            record.exc_text = self.clean(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = self.clean(record.exc_text)
        return True

    def clean(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "[secret]")
        text = TOKEN.sub("[token]", text)
        text = MESSAGE_TEXT.sub(r"\1\2[text]\2", text)
        return mask_register_numbers(text)


def configure(level: str, secrets: Iterable[str] = (), quiet: Iterable[str] = ()) -> None:
    """The process's logging: one handler, the redacting filter on it."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(Redacting(secrets))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in quiet:
        logging.getLogger(name).setLevel(logging.WARNING)
