"""Things named inside a message that the dialogue needs, such as the teacher's cohort."""

from __future__ import annotations

from bot.nlu.normalize import cohorts


def detect_cohort(text: str) -> int | None:
    """1, 5 or 10 when the message names the teacher's year of work, else None.

    "10 дахь жилийнх", "5-р жилийн", "нэгдүгээр жил", "анхны жилийн", "10 dahi jiliinh";
    not "2021 он" or "1-р сар". Two different cohorts in one message name none for sure.
    """
    found = set(cohorts(text))
    return found.pop() if len(found) == 1 else None
