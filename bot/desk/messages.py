"""The values that cross the line between a channel and the desk."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

_ID = re.compile(r"[0-9]{1,9}")
_TAG = re.compile(r"<[^>]+>")


# Telegram's HTML subset (Bot API "formatting options"): tags outside it, a bare "<", ">" or
# "&", or tags that do not nest make Telegram refuse the whole message.
TELEGRAM_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
     "tg-spoiler", "span", "blockquote", "tg-emoji"}
)  # fmt: skip
_ANY_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z-]*)(?:\s[^<>]*)?>")
_ENTITY = re.compile(r"&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);")


def html_problem(text: str) -> str | None:
    """Why Telegram would refuse this text as HTML, or None: checked where text enters
    (an admin's FAQ answer) so that it never blocks a chat's delivery later."""
    bare = _ANY_TAG.sub("", _ENTITY.sub("", text))
    for char in "<>&":
        if char in bare:
            return f"a bare {char!r} (write {html.escape(char)})"
    open_tags: list[str] = []
    for closing, name in _ANY_TAG.findall(text):
        name = name.lower()
        if name not in TELEGRAM_TAGS:
            return f"the tag <{name}> (Telegram allows: {', '.join(sorted(TELEGRAM_TAGS))})"
        if not closing:
            open_tags.append(name)
        elif not open_tags or open_tags.pop() != name:
            return f"</{name}> closes no open <{name}>"
    return f"<{open_tags[-1]}> is never closed" if open_tags else None


def plain(text: str) -> str:
    """Telegram's HTML subset as plain text: for a terminal, Messenger, or a message Telegram
    refused to parse."""
    return html.unescape(_TAG.sub("", text))


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
