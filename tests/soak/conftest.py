"""The soak tests drive a browser too: the browser tests' fixture."""

from tests.browser.conftest import chromium_path  # noqa: F401
