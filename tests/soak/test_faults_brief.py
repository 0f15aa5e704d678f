"""soak/faults.py, once: a process dying between a write and its audit row leaves nothing (both
engines); on a private PostgreSQL, the database stopping under an open page or mid-import."""

import shutil
from datetime import date

import pytest

from soak import faults
from tests.factories import make_item


@pytest.mark.parametrize("what", ["move", "import"])
def test_a_crash_mid_write_leaves_nothing_half_written(database_url, session, what):
    make_item(session, code="CRASH-1", due_on=date(2026, 1, 1))
    session.commit()
    result = faults.crash_mid_write(database_url, what)
    assert result["exit"] == 3, result["stderr"]        # it died where it was told to
    assert result["unchanged"]


def _private_postgres_available() -> bool:
    try:
        faults._bin("initdb")
    except RuntimeError:
        return False
    return shutil.which("runuser") is not None


@pytest.mark.skipif(not _private_postgres_available(), reason="no PostgreSQL binaries for a private cluster")
def test_the_database_stops_and_returns(browser, tmp_path):
    with faults.private_postgres() as pg:
        seen = faults.database_restart_under_a_page(pg, tmp_path, browser)
    assert seen["message"] and not seen["traceback"] and seen["recovered"] and seen["still_signed_in"]
    assert seen["console_errors"] == []
    with faults.private_postgres() as pg:
        mid = faults.database_stop_mid_import(pg)
    assert mid["after"] == mid["before"] or mid["result"] == "finished before the stop", mid
