"""Sign-in as an attacker sees it: demo accounts outside demo mode, account enumeration through the
lock-out answer, throttling by account and by client, and an admin who can unlock."""

from datetime import datetime, timedelta

import pytest

from core.access import accounts, users
from core.access.permissions import SYSTEM
from core.domain import Role
from core.errors import PermissionDenied
from db.models import AuditEntry
from tests.factories import make_actor, make_user

NOW = datetime(2026, 11, 26, 9, 0)


def attempt(session, username, password, *, client="10.0.0.1", now=NOW, demo=False, per_client=20):
    return users.authenticate(session, username=username, password=password, now=now,
                              max_failed=3, lockout_minutes=15, client=client,
                              client_max_failed=per_client, demo_mode=demo)


# ---------------------------------------------------------------- demo accounts

def test_demo_accounts_sign_in_only_in_demo_mode(session):
    users.ensure_demo_accounts(session, actor=SYSTEM)
    assert attempt(session, "demo_admin", users.DEMO_PASSWORD, demo=True).ok
    refused = attempt(session, "demo_admin", users.DEMO_PASSWORD, demo=False)
    assert not refused.ok and refused.user is None


def test_a_demo_cookie_is_refused_outside_demo_mode(session):
    users.ensure_demo_accounts(session, actor=SYSTEM)
    assert users.user_for_cookie(session, username="demo_admin", issued_at=NOW, demo_mode=True)
    assert users.user_for_cookie(session, username="demo_admin", issued_at=NOW, demo_mode=False) is None


def test_demo_accounts_can_be_removed(session):
    users.ensure_demo_accounts(session, actor=SYSTEM)
    removed = accounts.remove_demo_accounts(session, actor=SYSTEM, now=NOW)
    assert removed.deleted + removed.disabled == len(users.DEMO_ACCOUNTS)
    assert users.list_demo_accounts(session) == []
    assert not attempt(session, "demo_admin", users.DEMO_PASSWORD, demo=True).ok
    assert session.query(AuditEntry).filter_by(action="user.remove_demo").count() == 1


def test_a_demo_account_with_history_is_disabled_not_deleted(session):
    users.ensure_demo_accounts(session, actor=SYSTEM)
    demo = session.query(users.User).filter_by(username="demo_coordinator").one()
    session.add(AuditEntry(at=NOW, actor_id=demo.id, actor_name=demo.username, action="item.edit",
                           entity="item", entity_id="1", outcome="ok"))
    session.flush()
    removed = accounts.remove_demo_accounts(session, actor=SYSTEM, now=NOW)
    assert removed.disabled == 1 and removed.deleted == len(users.DEMO_ACCOUNTS) - 1
    session.refresh(demo)
    assert not demo.is_active and not users.check_password(users.DEMO_PASSWORD, demo.password_hash)


# ---------------------------------------------------------------- enumeration and throttling

def test_existing_and_missing_accounts_answer_alike_through_the_lock_out(session):
    make_user(session, username="alice", password="right-pass")
    answers = {}
    for name in ("alice", "nobody"):
        answers[name] = [attempt(session, name, "wrong", client=f"c-{name}") for _ in range(4)]
    shape = {n: [(a.ok, a.locked_until) for a in rs] for n, rs in answers.items()}
    assert shape["alice"] == shape["nobody"]
    assert shape["alice"][-1][1] == NOW + timedelta(minutes=15)  # both say "locked" after 3


def test_locked_account_refuses_the_right_password_then_unlocks_by_itself(session):
    make_user(session, username="carol", password="right-pass")
    for _ in range(3):
        attempt(session, "carol", "bad")
    assert attempt(session, "carol", "right-pass", now=NOW + timedelta(minutes=5)).locked_until
    assert attempt(session, "carol", "right-pass", now=NOW + timedelta(minutes=16)).ok


def test_a_client_spraying_many_accounts_is_throttled(session):
    make_user(session, username="erin", password="right-pass")
    for n in range(5):
        attempt(session, f"guess{n}", "bad", client="6.6.6.6", per_client=5)
    blocked = attempt(session, "erin", "right-pass", client="6.6.6.6", per_client=5)
    assert not blocked.ok and blocked.locked_until == NOW + timedelta(minutes=15)
    # another client is not affected, and the account itself is not locked
    assert attempt(session, "erin", "right-pass", client="7.7.7.7", per_client=5).ok


def test_success_does_not_reset_the_client_count(session):
    """An attacker with one real account must not clear their client's count by signing in."""
    make_user(session, username="mallory", password="own-pass")
    for n in range(4):
        attempt(session, f"target{n}", "bad", client="6.6.6.6", per_client=5)
    assert attempt(session, "mallory", "own-pass", client="6.6.6.6", per_client=5).ok
    attempt(session, "target9", "bad", client="6.6.6.6", per_client=5)
    assert attempt(session, "mallory", "own-pass", client="6.6.6.6", per_client=5).locked_until


def test_an_admin_can_unlock_an_account_and_it_is_audited(session):
    admin = make_actor(session, Role.ADMIN)
    make_user(session, username="frank", password="right-pass")
    for _ in range(3):
        attempt(session, "frank", "bad")
    assert attempt(session, "frank", "right-pass").locked_until
    accounts.unlock(session, actor=admin, username="frank", now=NOW)
    assert attempt(session, "frank", "right-pass").ok
    assert session.query(AuditEntry).filter_by(action="user.unlock", actor_id=admin.id).count() == 1


def test_only_an_admin_unlocks(session):
    coordinator = make_actor(session, Role.COORDINATOR)
    session.commit()  # refusals are audited in a transaction of their own
    with pytest.raises(PermissionDenied):
        accounts.unlock(session, actor=coordinator, username="anyone", now=NOW)


def test_the_lock_shows_on_the_account_list(session):
    admin = make_actor(session, Role.ADMIN)
    make_user(session, username="gina", password="right-pass")
    for _ in range(3):
        attempt(session, "gina", "bad")
    row = next(r for r in users.list_users(session, actor=admin, now=NOW) if r.username == "gina")
    assert row.locked_until == NOW + timedelta(minutes=15)


def test_a_nul_byte_in_the_name_is_just_a_wrong_name(session):
    """PostgreSQL text cannot hold NUL; the fuzzer typed one (it raised DataError before)."""
    result = attempt(session, "ad\x00min", "whatever", client="1.2.3.4\x00")
    assert not result.ok and result.locked_until is None
    with pytest.raises(users.ValidationFailed) as exc:
        users.create_user(session, actor=SYSTEM, username="nul_name", display_name="张\x00三",
                          password="long-enough-1", role=Role.VIEWER)
    assert exc.value.problems[0].column == "display_name"
