"""The database goes away under an open page and comes back: the page says so in Chinese (no
traceback, nothing half-saved) and works again on the next run."""

import pytest

from core.domain import Role
from core.i18n import translate
from tests.factories import make_actor
from tests.pages.page_helpers import open_page

DEAD = "postgresql+psycopg://postgres@127.0.0.1:9/ledger_gone"   # nothing listens on port 9


@pytest.mark.parametrize("path", ["pages/overview.py", "pages/ledger.py", "pages/my_actions.py",
                                  "pages/big_screen.py", "pages/users.py"])
def test_a_page_says_the_database_is_down_and_recovers(app, session, monkeypatch, database_url, path):
    admin = make_actor(session, Role.ADMIN)
    session.commit()
    at = open_page(app, admin, path)
    monkeypatch.setenv("LEDGER_DATABASE_URL", DEAD)
    at.run()
    assert not at.exception
    assert translate("error.database") in [e.value for e in at.error]
    monkeypatch.setenv("LEDGER_DATABASE_URL", database_url)
    at.run()
    assert not at.exception and translate("error.database") not in [e.value for e in at.error]
    assert at.session_state["user"] is not None     # still signed in: the outage ended nothing
