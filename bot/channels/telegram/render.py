"""Reply values as Telegram messages: HTML, inline buttons, the persistent main menu."""

from __future__ import annotations

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from bot.desk.messages import Reply
from bot.desk.questions import menu_buttons
from bot.i18n import use_language

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


def main_menu(language: str | None = None) -> ReplyKeyboardMarkup:
    """Two rows of two, in the teacher's language; stays until replaced."""
    with use_language(language):
        labels = [KeyboardButton(button.label) for button in menu_buttons()]
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
        return main_menu(reply.language)
    return None
