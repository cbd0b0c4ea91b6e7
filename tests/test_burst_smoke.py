"""The burst benchmark's quick mode in CI: correctness only (tests/bench/burst.py).

500 teachers queued before `helpdesk run` starts, then a few seconds of paced arrivals, through
the fast fake Bot API: every update is answered, and none is processed or answered twice. No
timing is asserted; the figures belong to `python -m tests.bench.burst`.
"""

from __future__ import annotations

import os

import pytest

from tests.bench import burst

PG_URL = os.environ.get("HELPDESK_TEST_DATABASE_URL", "")


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
