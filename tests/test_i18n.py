"""Translations: every message has Mongolian, a missing catalog stops the start, Babel dates."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

import pytest

from bot import PROJECT_ROOT, i18n
from bot.i18n import _, format_date, ngettext, use_language


def test_every_message_in_the_code_has_a_mongolian_translation() -> None:
    spec = importlib.util.spec_from_file_location("catalogs", PROJECT_ROOT / "scripts" /
                                                  "catalogs.py")
    assert spec is not None and spec.loader is not None
    catalogs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(catalogs)
    assert catalogs.missing("mn") == []


def test_a_missing_catalog_fails_loudly(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)
    i18n.catalog.cache_clear()
    try:
        with pytest.raises(i18n.CatalogMissing):
            i18n.load_catalogs()
    finally:
        monkeypatch.undo()
        i18n.catalog.cache_clear()


def test_mongolian_is_the_default_and_english_the_second() -> None:
    assert _("Schedule") == "Хуваарь"
    with use_language("en"):
        assert _("Schedule") == "Schedule"
    with use_language("fr"):  # unknown languages fall back to Mongolian
        assert _("Schedule") == "Хуваарь"


def test_babel_formats_dates_and_plurals_per_language() -> None:
    assert format_date(date(2021, 1, 15)) == "2021 оны 1-р сарын 15"
    assert format_date(date(2021, 1, 15), "long") == "2021 оны нэгдүгээр сарын 15"
    with use_language("en"):
        assert format_date(date(2021, 1, 15)) == "Jan 15, 2021"
        one = ngettext("{name} starts in {days} day.", "{name} starts in {days} days.", 1)
        assert one == "{name} starts in {days} day."
