"""Things named inside a message that the dialogue needs, such as the teacher's cohort."""

from __future__ import annotations

import re

from bot.nlu.normalize import fold, normalize

_COHORT_OF = {"1": 1, "5": 5, "10": 10, "нэг": 1, "тав": 5, "арав": 10, "анхни": 1, "эхни": 1}

# On folded text (ө→о, ү→у, ь dropped, doubled letters single): a cohort is a year of work,
# so the number must be followed by жил ("year"), optionally through an ordinal ending:
# 10 дахь жил, 5-р жилийн, нэгдүгээр жил, тав жил, анхны жилийн. "1-р сар" (January) and
# "2021 он" have no жил after them; "10 жилийн өмнө" (ten years ago) is not a cohort either.
_COHORT = re.compile(
    r"(?<![\w])(?P<n>10|5|1|нэг|тав|арав)(?!\d)"
    r"[\s-]*(?:р|ду?г[аэу]р|д[аэо]х(?:и)?|ин|н)?[\s-]*жил(?!\w*\s+омно)"
    r"|(?<![\w])(?P<first>анхни|эхни)\s+жил"
)


def detect_cohort(text: str) -> int | None:
    """1, 5 or 10 when the message names the teacher's year of work, else None.

    Two different cohorts in one message name none for sure, so that is None too.
    """
    folded = " ".join(fold(word) for word in normalize(text).split())
    found = {
        _COHORT_OF[match.group("n") or match.group("first")]
        for match in _COHORT.finditer(folded)
    }
    return found.pop() if len(found) == 1 else None
