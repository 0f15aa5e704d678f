from pathlib import Path

import pytest

from core.settings import PROJECT_ROOT, SPECS, SettingsError, load_settings


def test_defaults_give_an_embedded_sqlite_ledger_in_the_data_folder():
    s = load_settings({})
    assert s.database_url == f"sqlite:///{PROJECT_ROOT / 'data' / 'ledger.db'}"
    assert s.is_sqlite and not s.demo and s.max_failed_logins == 5


def test_postgres_url_is_taken_as_given():
    url = "postgresql+psycopg://u@db:5432/ledger"
    assert load_settings({"LEDGER_DATABASE_URL": url}).database_url == url


@pytest.mark.parametrize("env, name", [
    ({"LEDGER_MAX_FAILED_LOGINS": "five"}, "LEDGER_MAX_FAILED_LOGINS"),
    ({"LEDGER_LOCKOUT_MINUTES": "0"}, "LEDGER_LOCKOUT_MINUTES"),
    ({"LEDGER_DEMO": "maybe"}, "LEDGER_DEMO"),
    ({"LEDGER_DATABASE_URL": "mysql://x"}, "LEDGER_DATABASE_URL"),
])
def test_bad_values_fail_at_start_naming_the_variable(env, name):
    with pytest.raises(SettingsError, match=name):
        load_settings(env)


def test_readme_documents_every_setting():
    readme = (Path(PROJECT_ROOT) / "README.md").read_text(encoding="utf-8")
    missing = [spec.env for spec in SPECS.values() if spec.env not in readme]
    assert missing == []
