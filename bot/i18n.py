"""Translations and locale-aware formatting.

The current language lives in a ContextVar, so concurrent updates never see each other's
language. Catalogs are compiled from the .po sources when first used: there is no .mo to go
stale, and a missing catalog stops the program instead of showing raw message ids.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from functools import cache

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from bot import PROJECT_ROOT

LOCALES_DIR = PROJECT_ROOT / "locales"
DOMAIN = "helpdesk"
LANGUAGES = ("mn", "en")
DEFAULT_LANGUAGE = "mn"

_current: ContextVar[str] = ContextVar("language", default=DEFAULT_LANGUAGE)


class CatalogMissing(RuntimeError):
    pass


@cache
def catalog(language: str) -> gettext.GNUTranslations:
    path = LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not path.is_file():
        raise CatalogMissing(f"translation catalog {path} is missing")
    with path.open("rb") as source:
        messages = read_po(source, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, messages, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def load_catalogs() -> None:
    """Compile every catalog now, so a missing one fails at start, not on a teacher's message."""
    for language in LANGUAGES:
        catalog(language)


def current_language() -> str:
    return _current.get()


def normalize_language(language: str | None) -> str:
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


@contextmanager
def use_language(language: str | None) -> Iterator[None]:
    token = _current.set(normalize_language(language))
    try:
        yield
    finally:
        _current.reset(token)


def gettext_(message: str) -> str:
    return catalog(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return catalog(_current.get()).ngettext(singular, plural, count)


_ = gettext_


def N_(message: str) -> str:
    """Mark a string for extraction; translate it later, where the language is known."""
    return message


def format_date(value: date, fmt: str = "medium") -> str:
    """'2021 оны 1-р сарын 15' in Mongolian; spaces normalized (Babel uses U+202F)."""
    text = babel_format_date(value, format=fmt, locale=Locale.parse(_current.get()))
    return text.replace("\u202f", " ").replace("\xa0", " ")


def format_number(value: float) -> str:
    return format_decimal(value, locale=_current.get()).replace("\u202f", " ").replace("\xa0", " ")
