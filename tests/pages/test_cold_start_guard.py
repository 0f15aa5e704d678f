"""A page script run without app.py (what Streamlit's legacy pages/ discovery does on the first
request to a fresh server, e.g. a deep link to /users) must show nothing but a link home."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).parents[2]
PAGE_FILES = sorted(f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py"))


@pytest.mark.parametrize("path", PAGE_FILES)  # every file: the legacy discovery runs them all
def test_page_run_directly_without_sign_in_shows_only_a_link_home(database_url, monkeypatch, path):
    monkeypatch.setenv("LEDGER_DATABASE_URL", database_url)
    at = AppTest.from_file(str(ROOT / path), default_timeout=30)
    at.run()
    assert not at.exception
    assert [m.value for m in at.markdown] == ["[请先登录 →](/)"]
    assert not (at.title or at.dataframe or at.metric or at.text_input or at.button)
