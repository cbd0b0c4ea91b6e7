"""`helpdesk stats` and `helpdesk report unanswered`: the admin figures as terminal text.

The desk builds the same HTML that /stats and /unanswered send in Telegram; here it is printed
as plain text, so both show the same numbers from the same queries.
"""

from __future__ import annotations

import sys

from bot.config import Settings
from bot.desk.messages import plain
from bot.desk.stats import (
    collect_stats,
    format_stats,
    format_unanswered,
    last_days,
    unanswered_report,
)
from bot.runtime import open_desk

EXIT_USAGE = 2


def _positive(name: str, value: int) -> bool:
    if value >= 1:
        return True
    print(f"helpdesk: {name} must be at least 1", file=sys.stderr)
    return False


async def stats_command(settings: Settings, days: int) -> int:
    """The figures of the last `days` days (today included), from local midnight."""
    if not _positive("--days", days):
        return EXIT_USAGE
    async with open_desk(settings) as runtime, runtime.sessions() as session:
        start, end = last_days(days, runtime.desk.clock(), settings.timezone)
        stats = await collect_stats(session, start, end, timezone=settings.timezone)
    print(plain(format_stats(stats)))
    return 0


async def unanswered_command(settings: Settings, days: int, limit: int) -> int:
    """The `limit` most frequent groups of refused or 👎 questions of the last `days` days."""
    if not (_positive("--days", days) and _positive("--limit", limit)):
        return EXIT_USAGE
    async with open_desk(settings) as runtime, runtime.sessions() as session:
        start, end = last_days(days, runtime.desk.clock(), settings.timezone)
        groups = await unanswered_report(session, start, end, limit)
    print(plain(format_unanswered(groups)))
    return 0
