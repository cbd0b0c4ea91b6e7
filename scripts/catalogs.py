"""Merge new message ids from the code into locales/*/helpdesk.po (run after adding strings).

python scripts/catalogs.py          # extract and update; new ids get empty translations
python scripts/catalogs.py --check  # exit 1 if any Mongolian translation is missing, or a
                                    # _() hides inside an f-string (the extractor misses it)
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def extracted() -> Catalog:
    template = Catalog(project="itpd-helpdesk")
    for _filename, _lineno, message, comments, context in extract_from_dir(
        ROOT / "bot",
        method_map=[("**.py", "python"), ("**/templates/**.html", "jinja2")],
        options_map={"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}},
        keywords=KEYWORDS,
    ):
        template.add(message, None, auto_comments=comments, context=context)
    return template


def po_path(language: str) -> Path:
    return ROOT / "locales" / language / "LC_MESSAGES" / "helpdesk.po"


def missing(language: str) -> list[str]:
    with po_path(language).open("rb") as source:
        catalog = read_po(source, locale=language)
    gaps = []
    for message in extracted():
        if not message.id:  # the catalog's header
            continue
        have = catalog.get(message.id)
        strings = have.string if have is not None else None
        if not strings or (isinstance(strings, tuple) and not all(strings)):
            gaps.append(str(message.id))
    return gaps


def hidden_in_f_strings() -> list[str]:
    """Every `_()`, `N_()` or `ngettext()` call inside an f-string: Babel's extractor does not
    look there, so the message would reach Mongolian teachers in English."""
    found = []
    for path in sorted((ROOT / "bot").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.JoinedStr):
                continue
            for inner in ast.walk(node):
                if (
                    isinstance(inner, ast.Call)
                    and isinstance(inner.func, ast.Name)
                    and inner.func.id in KEYWORDS
                ):
                    where = f"{path.relative_to(ROOT)}:{inner.lineno}"
                    found.append(f"{where}: {inner.func.id}() in an f-string")
    return found


def update() -> None:
    template = extracted()
    for language in ("mn", "en"):
        path = po_path(language)
        if path.exists():
            with path.open("rb") as source:
                catalog = read_po(source, locale=language)
        else:
            catalog = Catalog(locale=language, project="itpd-helpdesk")
        catalog.update(template, no_fuzzy_matching=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as target:
            write_po(target, catalog, omit_header=False, ignore_obsolete=True, width=99)


if __name__ == "__main__":
    if "--check" in sys.argv:
        gaps = missing("mn") + hidden_in_f_strings()
        print("\n".join(gaps) or "every message has a Mongolian translation")
        sys.exit(1 if gaps else 0)
    update()
