"""soak/load.py, briefly: concurrent coordinators and unit users (processes calling core) and one
real browser session against PostgreSQL; no unhandled error and nothing lost."""

import os

import pytest

from soak import load
from tests.conftest import REQUIRE_PG, _pg_unavailable


def test_many_editors_at_once_lose_nothing(chromium_path):
    reason = _pg_unavailable()
    if reason:
        if REQUIRE_PG:
            pytest.fail(reason)
        pytest.skip(reason)
    url, drop = load.new_database()
    try:
        report = load.run(url=url, seconds=float(os.environ.get("LEDGER_SOAK_SECONDS", 15)), workers=4,
                          browser_sessions=1)
        print("\n".join(load.summary(report)))
        problems = load.check(url, report)
    finally:
        drop()
    assert problems == []
    writes = [o for o in report.outcomes if o.kind in ("edit", "report") and o.result == "ok"]
    assert len(writes) >= 20 and report.browser_loads
