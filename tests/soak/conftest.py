"""The soak tests drive a browser too: the browser tests' fixtures."""

from tests.browser.conftest import browser, chromium_path  # noqa: F401
