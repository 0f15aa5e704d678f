"""manage.py for accounts: what the users page does, from the server's console (also when every
admin is locked out), and removing demo accounts; each change audited as "system"."""

import manage
from core.access import users
from core.access.permissions import SYSTEM
from core.domain import Role
from db.models import AuditEntry, User
from tests.factories import make_user, unit_id


def run(monkeypatch, database_url, *args) -> int:
    monkeypatch.setenv("LEDGER_DATABASE_URL", database_url)
    return manage.main(list(args))


def reread(session, username) -> User:
    session.expire_all()
    return session.query(User).filter_by(username=username).one()


def test_account_commands(monkeypatch, database_url, session, capsys):
    make_user(session, username="ops", role=Role.ADMIN)
    make_user(session, username="worker", role=Role.VIEWER)
    session.commit()
    assert run(monkeypatch, database_url, "user", "disable", "worker") == 0
    assert not reread(session, "worker").is_active
    assert run(monkeypatch, database_url, "user", "enable", "worker") == 0
    assert run(monkeypatch, database_url, "user", "reset-password", "worker", "--password",
               "fresh-password-1") == 0
    assert users.check_password("fresh-password-1", reread(session, "worker").password_hash)
    wanzhou = unit_id(session, "万州区人民政府")
    assert run(monkeypatch, database_url, "user", "set-role", "worker", "--role", "unit",
               "--unit-id", str(wanzhou)) == 0
    assert reread(session, "worker").role is Role.UNIT
    assert run(monkeypatch, database_url, "user", "sign-out-everywhere", "worker") == 0
    assert run(monkeypatch, database_url, "user", "unlock", "ops") == 0
    assert run(monkeypatch, database_url, "user", "list") == 0
    listed = capsys.readouterr().out
    assert "worker" in listed and "ops" in listed
    actions = {a for (a,) in session.query(AuditEntry.action).filter(AuditEntry.actor_name == "system")}
    assert {"user.set_active", "user.reset_password", "user.change_role", "user.sign_out_everywhere",
            "user.unlock"} <= actions


def test_refusals_exit_2_with_the_reason(monkeypatch, database_url, session, capsys):
    make_user(session, username="only_admin", role=Role.ADMIN)
    session.commit()
    assert run(monkeypatch, database_url, "user", "disable", "nobody") == 2
    assert run(monkeypatch, database_url, "user", "disable", "only_admin") == 2
    assert "最后一个启用的管理员" in capsys.readouterr().err
    assert run(monkeypatch, database_url, "user", "reset-password", "only_admin", "--password", "x") == 2


def test_remove_demo_accounts(monkeypatch, database_url, session, capsys):
    users.ensure_demo_accounts(session, actor=SYSTEM)
    session.commit()
    assert run(monkeypatch, database_url, "remove-demo-accounts") == 0
    assert f"{len(users.DEMO_ACCOUNTS)} deleted" in capsys.readouterr().out
    session.expire_all()
    assert users.list_demo_accounts(session) == []
