"""The burst benchmark's quick mode in CI: correctness only (tests/bench/burst.py).

500 teachers queued before `helpdesk run` starts, then a few seconds of paced arrivals, through
the fast fake Bot API: every update is answered, and none is processed or answered twice. No
timing is asserted; the figures belong to `python -m tests.bench.burst`.
"""

from __future__ import annotations

import os
from collections import Counter

import pytest

from tests.bench import burst

PG_URL = os.environ.get("HELPDESK_TEST_DATABASE_URL", "")

pytestmark = pytest.mark.slow  # real processes and servers: `-m 'not slow'` skips them


@pytest.mark.parametrize(
    "kind", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]
)
def test_quick_burst_answers_every_update_exactly_once(kind: str) -> None:
    if kind == "postgresql" and not PG_URL:
        pytest.skip("PostgreSQL not configured: set HELPDESK_TEST_DATABASE_URL to run this case")
    options = burst.Options(
        teachers=burst.QUICK_TEACHERS,
        databases=(kind,),
        paced_seconds=burst.QUICK_PACED_SECONDS,
        pg_url=PG_URL or None,
        echo=False,
        pin=False,
        timeout=120.0,
        quiet=True,
    )
    workload = burst.make_workload(options)
    _echo, results = burst.run(options, workload)
    [result] = results
    assert result.exactly_once, result.problems
    assert result.drain is not None
    assert result.drain.updates == burst.updates_of(workload.backlog)
    assert result.paced_updates == burst.updates_of(workload.paced)
    assert result.lookups_made == result.lookups_asked > 0


def _report(records: list[list[object]], chat_messages: dict[str, int]) -> dict[str, object]:
    return {"records": records, "chat_messages": chat_messages, "stray_messages": 0}


def test_the_checks_catch_an_update_processed_or_answered_twice() -> None:
    """The exactly-once check is only as good as what it can see: duplicates are reported."""
    # update 1 → chat 7 (answered once, logged once); update 2 → chat 8
    report = _report([[1, 7, 0.0, 0.0, 0.1, 1, 1], [2, 8, 0.0, 0.0, 0.1, 1, 1]], {"7": 1, "8": 1})
    logs = {"7": Counter({"in": 1, "out": 1}), "8": Counter({"in": 1, "out": 1})}
    events = Counter({"1": 1, "2": 1})
    assert burst.check_replies([report]) == []
    assert burst.check_database(logs, events, [report]) == []

    twice_in = {**logs, "8": Counter({"in": 2, "out": 1})}  # processed twice
    assert burst.check_database(twice_in, events, [report])
    answered_twice = _report(report["records"], {"7": 2, "8": 1})  # type: ignore[arg-type]
    assert burst.check_database(logs, events, [answered_twice])
    assert burst.check_database(logs, Counter({"1": 1}), [report])  # an event not recorded
    handed_twice = _report([[1, 7, 0.0, 0.0, 0.1, 1, 2]], {"7": 1})  # in hand at a poll
    assert burst.check_replies([handed_twice]) == []
    unanswered = _report([[1, 7, 0.0, 0.0, None, 0, 1]], {})
    assert burst.check_replies([unanswered])
