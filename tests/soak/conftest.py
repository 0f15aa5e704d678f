"""The soak tests drive a browser too: `chromium_path` and `browser` come from tests/conftest.py
(one sync Playwright per process, shared with tests/browser)."""
