"""The knowledge base: FAQ entries loaded from YAML and checked before anyone relies on them."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.desk import yamlfile
from bot.desk.messages import html_problem
from bot.i18n import _
from bot.nlu.matcher import Confusion, Matcher, find_confusions

ACTIONS = frozenset({"schedule", "certificate", "recovery", "human"})
ID_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,63}")


class FaqError(ValueError):
    """A knowledge-base file that cannot be used; the message names the file and entry."""


@dataclass(frozen=True)
class FaqEntry:
    id: str
    questions: tuple[str, ...]
    answer: str = ""
    answer_en: str = ""
    keywords: tuple[str, ...] = ()
    action: str | None = None
    refuse: bool = False
    title: str = ""  # a few words naming the topic, for "which do you mean?" buttons
    title_en: str = ""
    source: str = field(default="", compare=False)

    def answer_for(self, language: str) -> str:
        """The answer in the asker's language, falling back to Mongolian."""
        if language == "en" and self.answer_en.strip():
            return self.answer_en.strip()
        return self.answer.strip()

    def title_for(self, language: str) -> str:
        """The short title in the asker's language; the first paraphrase when none is set."""
        if language == "en" and self.title_en.strip():
            return self.title_en.strip()
        return self.title.strip() or (self.questions[0] if self.questions else self.id)


def _entry_from_mapping(raw: object, where: str) -> FaqEntry:
    located = where  # the file and line, until parse_faq has checked the ids
    if not isinstance(raw, dict):
        raise FaqError(_("{where}: every entry must be a mapping with an id").format(where=where))
    entry_id = raw.get("id")
    if not isinstance(entry_id, str) or not entry_id.strip():
        raise FaqError(_("{where}: an entry has no id").format(where=where))
    where = _("{where}: entry {id}").format(where=where, id=repr(entry_id))
    if not ID_PATTERN.fullmatch(entry_id.strip()):
        raise FaqError(_("{where}: an id is snake_case letters, digits and _").format(where=where))
    questions = raw.get("questions") or []
    keywords = raw.get("keywords") or []
    if not isinstance(questions, list) or not all(isinstance(q, str) for q in questions):
        raise FaqError(_("{where}: questions must be a list of strings").format(where=where))
    if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
        raise FaqError(_("{where}: keywords must be a list of strings").format(where=where))
    action = raw.get("action")
    if action is not None and (not isinstance(action, str) or action not in ACTIONS):
        raise FaqError(
            _("{where}: unknown action {action} (known: {known})").format(
                where=where, action=repr(action), known=", ".join(sorted(ACTIONS))
            )
        )
    refuse = bool(raw.get("refuse", False))
    answer = raw.get("answer") or ""
    answer_en = raw.get("answer_en") or ""
    title = raw.get("title") or ""
    title_en = raw.get("title_en") or ""
    if not all(isinstance(text, str) for text in (answer, answer_en, title, title_en)):
        raise FaqError(_("{where}: answers and titles must be text").format(where=where))
    if not refuse and not answer.strip():
        raise FaqError(_("{where}: the answer is empty").format(where=where))
    for field_name, text in (("answer", answer), ("answer_en", answer_en)):
        if (problem := html_problem(text)) is not None:
            raise FaqError(
                _("{where}: {field} is not Telegram's HTML: {problem}").format(
                    where=where, field=field_name, problem=problem
                )
            )
    return FaqEntry(
        id=entry_id.strip(),
        questions=tuple(q.strip() for q in questions if q.strip()),
        answer=answer,
        answer_en=answer_en,
        keywords=tuple(k.strip() for k in keywords if k.strip()),
        action=action,
        refuse=refuse,
        title=title.strip(),
        title_en=title_en.strip(),
        source=located,
    )


def parse_faq(text: str, source: str) -> list[FaqEntry]:
    """Parse one YAML document of entries; every error names the file, the line and the entry."""
    try:
        data, node = yamlfile.load(text, source)
    except yamlfile.YamlError as exc:
        raise FaqError(str(exc)) from None
    if data is None:
        return []
    if not isinstance(data, list) or not isinstance(node, yaml.SequenceNode):
        raise FaqError(_("{source}: the file must be a list of entries").format(source=source))
    entries = [
        _entry_from_mapping(
            raw, _("{source} line {line}").format(source=source, line=item.start_mark.line + 1)
        )
        for raw, item in zip(data, node.value, strict=True)
    ]
    check_unique_ids(entries)  # while each entry's source still names its line
    return [dataclasses.replace(entry, source=source) for entry in entries]


def faq_files(directory: Path) -> Iterator[Path]:
    """The knowledge-base files of a folder; schedule.yaml is data of its own."""
    for path in sorted(directory.glob("*.yaml")):
        if path.name != "schedule.yaml":
            yield path


def load_faq_dir(directory: Path) -> list[FaqEntry]:
    entries: list[FaqEntry] = []
    for path in faq_files(directory):
        entries.extend(parse_faq(path.read_text(encoding="utf-8"), path.name))
    check_unique_ids(entries)
    return entries


def check_unique_ids(entries: Iterable[FaqEntry]) -> None:
    seen: dict[str, str] = {}
    for entry in entries:
        if entry.id in seen:
            raise FaqError(
                _("{source}: entry {id} is defined twice (also in {other})").format(
                    source=entry.source, id=repr(entry.id), other=seen[entry.id]
                )
            )
        seen[entry.id] = entry.source


class KnowledgeBase:
    """The entries and the matcher index built over them, replaced whole when the FAQ changes."""

    def __init__(self, entries: Iterable[FaqEntry], threshold: float, margin: float) -> None:
        self.entries = {entry.id: entry for entry in entries}
        self.threshold, self.margin = threshold, margin
        self.matcher = Matcher(self.entries.values(), threshold=threshold, margin=margin)

    def rebuilt(self, entries: Iterable[FaqEntry], *, prepared: bool = False) -> KnowledgeBase:
        """A new base over other entries, with the same matcher settings; `prepared` trains
        its classifier now, in a child process (call it in a thread)."""
        base = KnowledgeBase(entries, self.threshold, self.margin)
        if prepared:
            base.matcher.prepare(apart=True)
        return base

    def answer(self, entry_id: str, language: str) -> str:
        entry = self.entries.get(entry_id)
        return entry.answer_for(language) if entry else ""


def clashes(entries: Sequence[FaqEntry]) -> list[str]:
    """Paraphrases that, with the whole FAQ indexed, another entry matches better than their
    own: the bot would answer them wrongly today. Judged by their words alone: the classifier
    learnt every paraphrase, so it would vouch for each; and validation stays quick."""
    matcher = Matcher(entries, classify=False)
    refused = {entry.id for entry in entries if entry.refuse}
    found = []
    for entry in entries:
        for question in entry.questions:
            best = matcher.match(question).best
            if best is None or best.intent == entry.id:
                continue
            if entry.refuse and best.intent in refused:
                continue  # refused either way
            found.append(
                _(
                    "{source}: entry {id}: paraphrase {question} is matched to {other} ({score})"
                ).format(
                    source=entry.source,
                    id=repr(entry.id),
                    question=repr(question),
                    other=repr(best.intent),
                    score=f"{best.score:.0f}",
                )
            )
    return found


@dataclass(frozen=True)
class Validation:
    """What `helpdesk faq validate` reports: errors stop an import; warnings are advice."""

    entries: list[FaqEntry]
    errors: list[str]
    confusions: list[Confusion]  # paraphrases that, left out, would go to another entry

    def warning(self, confusion: Confusion) -> str:
        return _("paraphrase {question} would go to {other} ({score}) without it").format(
            question=repr(confusion.question),
            other=repr(confusion.better_id),
            score=f"{confusion.score:.0f}",
        )


def validate_dir(directory: Path) -> Validation:
    """Loading raises on broken files, duplicate ids and empty answers; errors are clashes;
    warnings are paraphrases that, left out, would go elsewhere — the wordings the other
    entries pull at, worth a look but not wrong."""
    entries = load_faq_dir(directory)
    return Validation(entries, clashes(entries), find_confusions(entries))
