"""The live knowledge base: import / export, history, hot reload, bad files change nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import PROJECT_ROOT
from bot.desk import knowledge as store
from bot.desk.engine import Desk
from bot.desk.faq import FaqEntry, FaqError, KnowledgeBase, load_faq_dir, parse_faq
from bot.desk.schedule import ScheduleError, parse_schedule
from bot.i18n import use_language
from tests.conftest import FrozenClock
from tests.support import joined, send
from tests.test_cli import helpdesk

FAQ_DIR = PROJECT_ROOT / "faq"


async def seeded(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions.begin() as session:
        assert await store.seed_if_empty(session, FAQ_DIR)


async def test_seed_then_reimport_is_unchanged_and_export_round_trips(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    await seeded(sessions)
    async with sessions.begin() as session:
        report = await store.import_entries(session, store.read_path(FAQ_DIR), "t")
        version = await store.version(session)
        files = await store.export(session)
    bundled = len(load_faq_dir(FAQ_DIR))
    assert (report.added, report.changed, len(report.unchanged)) == ([], [], bundled)
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert sorted(files) == sorted(p.name for p in FAQ_DIR.glob("*.yaml"))
    async with sessions.begin() as session:
        again = await store.import_entries(session, store.read_path(tmp_path), "t")
        await store.import_schedule(session, files["schedule.yaml"], "t")
        assert await store.version(session) == version  # nothing changed, no new version
    assert len(again.unchanged) == bundled and not again.changed


async def test_import_reports_added_changed_and_prunes_only_when_asked(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await seeded(sessions)
    new = parse_faq(
        "- id: thanks\n  questions: [баярлалаа]\n  answer: Зүгээр ээ!\n"
        "- id: winter_school\n  questions: [өвлийн сургууль хэзээ]\n  answer: Удахгүй.\n",
        "extra.yaml",
    )
    async with sessions.begin() as session:
        report = await store.import_entries(session, new, "admin")
    assert (report.added, report.changed, report.removed) == (["winter_school"], ["thanks"], [])
    async with sessions.begin() as session:
        pruned = await store.import_entries(session, new, "admin", prune=True)
        left = [entry.id for entry in await store.entries(session)]
        changes = await store.history(session, limit=100)
    assert len(pruned.removed) == len(load_faq_dir(FAQ_DIR)) - 1  # all but "thanks"
    assert sorted(left) == ["thanks", "winter_school"]
    assert {c.action for c in changes} == {"added", "changed", "deleted"}
    assert changes[0].actor == "admin"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- id: a\n  answer: [broken\n", "bad.yaml line 3: not valid YAML"),
        ("- id: a\n  answer: x\n- id: a\n  answer: y\n",
         "bad.yaml line 3: entry 'a' is defined twice (also in bad.yaml line 1)"),
        ("- id: ok\n  answer: x\n- id: empty\n  questions: [q]\n  answer: ''\n",
         "bad.yaml line 3: entry 'empty': the answer is empty"),
    ],
)
async def test_a_broken_yaml_changes_nothing_and_names_entry_and_line(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path, text: str, message: str
) -> None:
    await seeded(sessions)
    (tmp_path / "bad.yaml").write_text(text, encoding="utf-8")
    async with sessions() as session:
        before = await store.version(session)
    with use_language("en"), pytest.raises(FaqError) as raised:
        store.read_path(tmp_path / "bad.yaml")
    assert str(raised.value).startswith(message)
    async with sessions() as session:
        assert await store.version(session) == before


async def test_a_bad_schedule_changes_nothing(sessions: async_sessionmaker[AsyncSession]) -> None:
    await seeded(sessions)
    bad = "- year: 2022\n  cohort: 5\n  elearning: [2022-03-20, 2022-03-02]\n" \
          "  webinar: [2022-03-24, 2022-04-14]\n"
    async with sessions.begin() as session:
        with use_language("en"), pytest.raises(ScheduleError, match="starts after it ends"):
            await store.import_schedule(session, bad, "admin")
    async with sessions() as session:
        _version, _entries, schedule = await store.load(session)
    assert {row.year for row in schedule} == {2021}


async def test_hot_reload_while_questions_are_answered(
    sessions: async_sessionmaker[AsyncSession], knowledge: KnowledgeBase,
    clock: FrozenClock,
) -> None:
    await seeded(sessions)
    async with sessions() as session:
        version, entries, schedule = await store.load(session)
    engine = Desk(sessions, knowledge.rebuilt(entries), schedule, clock=clock, live=True)
    engine.knowledge_version = version
    question = "өвлийн сургууль хэзээ болох вэ"
    assert "1-р сард болно" not in joined(await send(engine, question))
    new = FaqEntry(id="winter_school", questions=("Өвлийн сургууль хэзээ болох вэ",
                                                   "өвлийн сургууль хэзээ эхлэх"),
                   answer="Өвлийн сургууль 1-р сард болно.")
    async with sessions.begin() as session:
        await store.save_entry(session, new, "admin")
    engine._checked_at = float("-inf")  # the next check is due (normally within a second)
    assert "1-р сард болно" in joined(await send(engine, question))
    async with sessions.begin() as session:
        await store.delete_entry(session, "winter_school", "admin")
    engine._checked_at = float("-inf")
    assert "1-р сард болно" not in joined(await send(engine, question))


def test_cli_import_export_and_schedule(tmp_path: Path) -> None:
    env = {"HELPDESK_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/k.db"}
    exported = helpdesk("faq", "export", str(tmp_path / "out"), env=env)
    assert exported.returncode == 0, exported.stderr
    imported = helpdesk("faq", "import", str(tmp_path / "out"), env=env)
    assert "added: 0" in imported.stdout and "changed: 0" in imported.stdout
    (tmp_path / "broken.yaml").write_text("- id: x\n  answer: [\n", encoding="utf-8")
    broken = helpdesk("faq", "import", str(tmp_path / "broken.yaml"), env=env)
    assert broken.returncode == 2 and "Юу ч өөрчлөгдсөнгүй" in broken.stderr
    schedule = helpdesk("schedule", "import", str(FAQ_DIR / "schedule.yaml"), env=env)
    assert schedule.returncode == 0 and "3 бүлгийн хугацаа" in schedule.stdout


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("- id: a\n  id: b\n  questions: [x]\n  answer: y\n", "given twice"),
        ("- id: a\n  questions: [x]\n  answer: y\n  answer: z\n", "given twice"),
        ("- id: a\n  questions: [x]\n  answer: y\n  action: [1, 2]\n", "unknown action"),
        ("- id: a\n  questions: [x]\n  answer: 'a < b'\n", "Telegram's HTML"),
        ("a: &x [1]\nb: [" + ", ".join(["*x"] * 200) + "]\n", "aliases"),
    ],
)
def test_faq_files_that_would_mislead_are_refused_with_the_reason(text: str, says: str) -> None:
    """The reasons in English here; in Mongolian, as admins read them by default, below."""
    with use_language("en"), pytest.raises(FaqError, match=says):
        parse_faq(text, "bad.yaml")


WINDOWS = "elearning: [2021-01-01, 2021-01-02], webinar: [2021-01-03, 2021-01-04]"


@pytest.mark.parametrize(
    ("row", "says"),
    [
        ("cohort: true, " + WINDOWS, "cohort must be"),
        ("cohort: 5, cohort: 10, " + WINDOWS, "given twice"),
        ("cohort: 5, elearning: [2021-02-30, 2021-03-01], webinar: [2021-03-03, 2021-03-04]",
         "out of range"),
    ],
)  # fmt: skip
def test_schedule_files_that_would_mislead_are_refused(row: str, says: str) -> None:
    with use_language("en"), pytest.raises(ScheduleError, match=says):
        parse_schedule("- {year: 2021, " + row + "}\n")


def test_an_admin_reads_why_a_file_is_refused_in_mongolian() -> None:
    with pytest.raises(FaqError) as raised:
        parse_faq("- id: a\n  answer: x\n- id: a\n  answer: y\n", "bad.yaml")
    assert str(raised.value) == (
        "bad.yaml, 3-р мөр: 'a' асуулт хоёр удаа байна (нөгөө нь: bad.yaml, 1-р мөр)"
    )
