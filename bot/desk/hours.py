"""The staff's working hours: when a methodologist can be expected to answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

WORK_DAYS = frozenset(range(5))  # Monday..Friday


@dataclass(frozen=True)
class WorkingHours:
    start: time = time(9)
    end: time = time(18)
    timezone: str = "Asia/Ulaanbaatar"

    def is_open(self, moment: datetime) -> bool:
        local = moment.astimezone(ZoneInfo(self.timezone))
        return local.weekday() in WORK_DAYS and self.start <= local.time() < self.end

    def next_opening(self, moment: datetime) -> datetime:
        local = moment.astimezone(ZoneInfo(self.timezone))
        day = local.date()
        for _offset in range(8):
            opening = datetime.combine(day, self.start, tzinfo=local.tzinfo)
            if day.weekday() in WORK_DAYS and opening > local:
                return opening
            day += timedelta(days=1)
        raise AssertionError("no working day within a week")
