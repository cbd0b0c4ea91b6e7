"""Reply values as Telegram messages: HTML, inline buttons, the persistent main menu."""

from __future__ import annotations

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from bot.desk.engine import MENU
from bot.desk.messages import Reply
from bot.i18n import _

TELEGRAM_TEXT_LIMIT = 4096


def split_text(text: str, limit: int = TELEGRAM_TEXT_LIMIT) -> list[str]:
    """Pieces of at most `limit` characters, cut at paragraph, then line, then word breaks."""
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind("\n\n"), 0) or max(window.rfind("\n"), 0) or window.rfind(" ")
        if cut <= 0:
            cut = limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest or not pieces:
        pieces.append(rest)
    return pieces


def main_menu() -> ReplyKeyboardMarkup:
    """Two rows of two, in the current language; stays until replaced."""
    labels = [KeyboardButton(_(label)) for _action, label in MENU]
    return ReplyKeyboardMarkup([labels[:2], labels[2:]], resize_keyboard=True, is_persistent=True)


def markup(reply: Reply) -> InlineKeyboardMarkup | ReplyKeyboardMarkup | None:
    """A message carries one keyboard: its own buttons win; the menu persists once shown."""
    if reply.buttons:
        return InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(button.label, callback_data=button.action) for button in row]
                for row in reply.buttons
            ]
        )
    if reply.show_menu:
        return main_menu()
    return None
