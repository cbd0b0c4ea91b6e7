"""The values that cross the line between a channel and the desk."""

from __future__ import annotations

import re
from dataclasses import dataclass

_ID = re.compile(r"[0-9]{1,9}")


def parse_id(text: str) -> int | None:
    """A number carried by a button or typed after a command, or None: buttons can be forged
    and arguments mistyped, so only plain ASCII digits of a sane length count."""
    return int(text) if _ID.fullmatch(text) else None


@dataclass(frozen=True)
class Attachment:
    """Something that is not text. `file_id` lets a channel pass a photo or file on unread."""

    kind: str  # photo | document | sticker | voice | ... | edited
    file_id: str = ""


@dataclass(frozen=True)
class Incoming:
    """One message or button press, as any channel hands it to the desk.

    `language` is a language the channel already knows the person chose (the terminal's
    --lang); platforms' interface languages say little about Mongolian teachers, so they
    leave it None and the desk asks.
    """

    channel: str
    user_id: str
    chat_id: str
    text: str | None = None
    action: str | None = None
    display_name: str = ""
    message_id: str | None = None
    language: str | None = None
    attachment: Attachment | None = None
    # The platform's id of this delivery (Telegram's update_id): a redelivered one is skipped.
    event_id: str | None = None


@dataclass(frozen=True)
class Button:
    label: str
    action: str  # a short payload (≤ 64 bytes, Telegram's callback_data limit)


@dataclass(frozen=True)
class OutFile:
    """A file in a reply (an export, a chart, a list of bad rows), or one an admin uploaded."""

    name: str
    data: bytes
    kind: str = "document"  # document | photo


@dataclass(frozen=True)
class Reply:
    """Text in Telegram's HTML subset (user-supplied parts already escaped) and its buttons."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    show_menu: bool = False  # show the persistent main-menu keyboard with this message
    files: tuple[OutFile, ...] = ()
    language: str | None = None  # what the menu is shown in; None: the default language
