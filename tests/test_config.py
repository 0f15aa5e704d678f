"""The Streamlit config keeps the promises of issue 10: no traceback reaches a browser, the upload
cap matches the app's own limits, the agent API and outside requests stay off."""

import tomllib
from pathlib import Path

from core.settings import SPECS

CONFIG = tomllib.loads((Path(__file__).parents[1] / ".streamlit" / "config.toml").read_text())


def test_uncaught_errors_show_no_details():
    # Streamlit 1.67 accepts full | stacktrace | type | none; the legacy false means "stacktrace".
    assert CONFIG["client"]["showErrorDetails"] == "none"


def test_the_upload_cap_is_the_largest_of_the_app_limits():
    limits = [float(SPECS[name].default) for name in ("evidence_max_mb", "import_max_mb")]
    assert CONFIG["server"]["maxUploadSize"] == max(limits)


def test_nothing_is_served_or_fetched_that_we_did_not_ask_for():
    assert CONFIG["browser"]["gatherUsageStats"] is False
    assert CONFIG["server"]["enableAgentApi"] is False
    assert CONFIG["server"]["enableXsrfProtection"] is True
