"""AppTest helpers: run app.py against this test's database, optionally as a signed-in actor."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).parents[2] / "app.py")


@pytest.fixture
def app(database_url, monkeypatch):
    """A factory of AppTest instances bound to this test's database."""
    monkeypatch.setenv("LEDGER_DATABASE_URL", database_url)
    monkeypatch.delenv("LEDGER_DEMO", raising=False)

    def make(actor=None, demo: bool = False) -> AppTest:
        if demo:
            monkeypatch.setenv("LEDGER_DEMO", "1")
        at = AppTest.from_file(APP, default_timeout=30)
        at.secrets["auth"] = {"cookie_key": "test-cookie-key-that-is-long-enough-0123"}
        if actor is not None:
            at.session_state["user"] = actor
        return at

    return make
