"""The live knowledge base in the database: FAQ entries, the schedule, their history.

faq/*.yaml seeds an empty database and is the exchange format (import / export). Every change
bumps one version number; each running instance compares it and rebuilds its matcher index,
so edits take effect without a restart. Data functions use the caller's session and never
commit: a validated import lands whole, or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.desk import notices, sandbox
from bot.desk.faq import FaqEntry, check_unique_ids, faq_files, parse_faq
from bot.desk.schedule import CohortSchedule, parse_schedule
from bot.storage.models import FaqChange, FaqRecord, FaqSuggestion, KnowledgeState

SCHEDULE_FILE = "schedule.yaml"
STATE_ID = 1


# ---- entries as YAML data --------------------------------------------------------------------


def entry_data(entry: FaqEntry) -> dict[str, Any]:
    """The entry as its YAML mapping, defaults left out, so an export reads like the seed."""
    data: dict[str, Any] = {"id": entry.id}
    if entry.refuse:
        data["refuse"] = True
    if entry.title:
        data["title"] = entry.title
    if entry.title_en:
        data["title_en"] = entry.title_en
    data["questions"] = list(entry.questions)
    if entry.answer.strip():
        data["answer"] = entry.answer
    if entry.answer_en.strip():
        data["answer_en"] = entry.answer_en
    if entry.keywords:
        data["keywords"] = list(entry.keywords)
    if entry.action:
        data["action"] = entry.action
    return data


def parsed_entry(data: dict[str, Any], source: str) -> FaqEntry:
    """One entry as an admin wrote it (chat, web console), through exactly the checks a YAML
    file gets; raises FaqError with the reason."""
    [entry] = parse_faq(yaml.safe_dump([data], allow_unicode=True), source)
    return entry


def _entry(record: FaqRecord) -> FaqEntry:
    data = record.data
    return FaqEntry(
        id=record.id,
        questions=tuple(data.get("questions", ())),
        answer=data.get("answer", ""),
        answer_en=data.get("answer_en", ""),
        keywords=tuple(data.get("keywords", ())),
        action=data.get("action"),
        refuse=bool(data.get("refuse", False)),
        title=data.get("title", ""),
        title_en=data.get("title_en", ""),
        source=record.source,
    )


class _Dumper(yaml.SafeDumper):
    """Multi-line answers as `|` blocks, as people write them."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def dump_entries(entries: list[FaqEntry]) -> str:
    return yaml.dump(
        [entry_data(entry) for entry in entries],
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=99,
    )


# ---- reading ---------------------------------------------------------------------------------


async def _state(session: AsyncSession) -> KnowledgeState:
    state = await session.get(KnowledgeState, STATE_ID)
    if state is None:
        state = KnowledgeState(id=STATE_ID, version=0, schedule_yaml="")
        session.add(state)
        await session.flush()
    return state


async def version(session: AsyncSession) -> int:
    found = await session.scalar(
        select(KnowledgeState.version).where(KnowledgeState.id == STATE_ID)
    )
    return found or 0


async def entries(session: AsyncSession) -> list[FaqEntry]:
    records = await session.scalars(
        select(FaqRecord).order_by(FaqRecord.source, FaqRecord.position, FaqRecord.id)
    )
    return [_entry(record) for record in records]


async def entry(session: AsyncSession, entry_id: str) -> FaqEntry | None:
    record = await session.get(FaqRecord, entry_id)
    return _entry(record) if record is not None else None


async def load(session: AsyncSession) -> tuple[int, list[FaqEntry], list[CohortSchedule]]:
    """Everything the desk answers from, with the version it was read at."""
    state = await session.get(KnowledgeState, STATE_ID)
    schedule = parse_schedule(state.schedule_yaml) if state and state.schedule_yaml else []
    return (state.version if state else 0), await entries(session), schedule


async def history(
    session: AsyncSession, limit: int = 20, entry_id: str | None = None
) -> list[FaqChange]:
    """The latest changes, newest first (of one entry, if given)."""
    query = select(FaqChange).order_by(FaqChange.id.desc()).limit(limit)
    if entry_id is not None:
        query = query.where(FaqChange.entry_id == entry_id)
    return list(await session.scalars(query))


async def change_of(session: AsyncSession, entry_id: str, change_id: int) -> FaqChange | None:
    """One recorded change of this entry."""
    change = await session.get(FaqChange, change_id)
    return change if change is not None and change.entry_id == entry_id else None


async def pending_clarifications(session: AsyncSession, limit: int = 50) -> list[FaqSuggestion]:
    """Teachers' picks after "which do you mean?" not yet taken up: their words, the entry."""
    return list(
        await session.scalars(
            select(FaqSuggestion)
            .where(FaqSuggestion.status == "pending", FaqSuggestion.suggested_by == "clarified")
            .order_by(FaqSuggestion.id.desc())
            .limit(limit)
        )
    )


async def settle_clarifications(session: AsyncSession, question: str, entry_id: str) -> None:
    """The pending picks of these words for this entry are taken up (made a paraphrase)."""
    await session.execute(
        update(FaqSuggestion)
        .where(
            FaqSuggestion.status == "pending",
            FaqSuggestion.suggested_by == "clarified",
            FaqSuggestion.question == question,
            FaqSuggestion.entry_id == entry_id,
        )
        .values(status="accepted")
    )


# ---- changing --------------------------------------------------------------------------------


async def _bump(session: AsyncSession) -> None:
    await _state(session)
    await session.execute(
        update(KnowledgeState)
        .where(KnowledgeState.id == STATE_ID)
        .values(version=KnowledgeState.version + 1)
    )


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [
            f"{name}: {len(ids)}" + (f" ({', '.join(ids)})" if ids and name != "unchanged" else "")
            for name, ids in (
                ("added", self.added),
                ("changed", self.changed),
                ("unchanged", self.unchanged),
                ("removed", self.removed),
            )
        ]


async def _write(
    session: AsyncSession,
    entry: FaqEntry,
    position: int,
    actor: str,
    existing: FaqRecord | None,
) -> str:
    data = entry_data(entry)
    source = entry.source or (existing.source if existing else "faq.yaml")
    if existing is None:
        session.add(FaqRecord(id=entry.id, source=source, position=position, data=data))
        session.add(FaqChange(entry_id=entry.id, action="added", actor=actor, after=data))
        return "added"
    if existing.data == data:
        return "unchanged"
    session.add(
        FaqChange(
            entry_id=entry.id, action="changed", actor=actor, before=existing.data, after=data
        )
    )
    existing.data, existing.source = data, source
    return "changed"


async def import_entries(
    session: AsyncSession, new: list[FaqEntry], actor: str, prune: bool = False
) -> ImportReport:
    """Upsert validated entries; entries missing from `new` go only with `prune`."""
    check_unique_ids(new)
    current = {record.id: record for record in await session.scalars(select(FaqRecord))}
    report = ImportReport()
    for position, entry in enumerate(new):
        outcome = await _write(session, entry, position, actor, current.get(entry.id))
        getattr(report, outcome).append(entry.id)
    if prune:
        for entry_id in sorted(set(current) - {entry.id for entry in new}):
            await delete_entry(session, entry_id, actor)
            report.removed.append(entry_id)
    if report.added or report.changed or report.removed:
        await _bump(session)
    return report


async def save_entry(session: AsyncSession, entry: FaqEntry, actor: str) -> str:
    """Add or change one entry (an admin's edit); returns added / changed / unchanged."""
    existing = await session.get(FaqRecord, entry.id)
    position = existing.position if existing else 10_000
    outcome = await _write(session, entry, position, actor, existing)
    if outcome != "unchanged":
        await _bump(session)
    return outcome


async def delete_entry(session: AsyncSession, entry_id: str, actor: str) -> bool:
    existing = await session.get(FaqRecord, entry_id)
    if existing is None:
        return False
    session.add(FaqChange(entry_id=entry_id, action="deleted", actor=actor, before=existing.data))
    await session.execute(delete(FaqRecord).where(FaqRecord.id == entry_id))
    await _bump(session)
    return True


async def import_schedule(
    session: AsyncSession,
    text: str,
    actor: str,
    rows: list[CohortSchedule] | None = None,
    today: date | None = None,
) -> list[CohortSchedule]:
    """Replace the schedule after validating it (raises ScheduleError, nothing written), and
    queue the notices of a newly published cohort's schedule in the same transaction.

    `rows` is the text already parsed and validated elsewhere (bot.desk.sandbox)."""
    if rows is None:
        rows = parse_schedule(text, SCHEDULE_FILE)
    state = await _state(session)
    if state.schedule_yaml != text:
        previous = parse_schedule(state.schedule_yaml) if state.schedule_yaml else []
        await notices.schedule_published(session, rows, previous, today or date.today())
        before = {"schedule": state.schedule_yaml} if state.schedule_yaml else None
        session.add(
            FaqChange(
                entry_id=SCHEDULE_FILE,
                action="changed",
                actor=actor,
                before=before,
                after={"schedule": text},
            )
        )
        state.schedule_yaml = text
        await _bump(session)
    return rows


# ---- files -----------------------------------------------------------------------------------


def _files(path: Path) -> list[Path]:
    return list(faq_files(path)) if path.is_dir() else [path]


def read_path(path: Path) -> list[FaqEntry]:
    """Entries of one YAML file, or of every FAQ file in a folder (raises FaqError)."""
    found: list[FaqEntry] = []
    for file in _files(path):
        found.extend(parse_faq(file.read_text(encoding="utf-8"), file.name))
    check_unique_ids(found)
    return found


async def read_path_limited(path: Path, limits: sandbox.Limits) -> list[FaqEntry]:
    """read_path for files someone brings: each read in a child under `limits`."""
    found: list[FaqEntry] = []
    for file in _files(path):
        found.extend(await sandbox.read("faq", file.read_bytes(), file.name, limits))
    check_unique_ids(found)
    return found


async def export(session: AsyncSession) -> dict[str, str]:
    """File name → YAML text, the FAQ files and schedule.yaml, re-importable unchanged."""
    by_source: dict[str, list[FaqEntry]] = {}
    for entry in await entries(session):
        by_source.setdefault(entry.source, []).append(entry)
    files = {source: dump_entries(group) for source, group in by_source.items()}
    state = await session.get(KnowledgeState, STATE_ID)
    if state is not None and state.schedule_yaml:
        files[SCHEDULE_FILE] = state.schedule_yaml
    return files


async def seed_if_empty(session: AsyncSession, faq_dir: Path) -> bool:
    """A new database starts from the bundled knowledge base."""
    if await session.scalar(select(FaqRecord.id).limit(1)) is not None:
        return False
    await import_entries(session, read_path(faq_dir), actor="seed")
    schedule = faq_dir / SCHEDULE_FILE
    if schedule.is_file():
        await import_schedule(session, schedule.read_text(encoding="utf-8"), actor="seed")
    return True
