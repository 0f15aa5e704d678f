"""Account administration and the per-run session check: an open session keeps its rights only
while the account is unchanged."""

from datetime import datetime, timedelta

import pytest

from core.access import accounts, users
from core.access.permissions import SYSTEM
from core.domain import Role
from core.errors import PermissionDenied, StaleEdit, ValidationFailed
from db.models import AuditEntry, User
from tests.factories import make_actor, unit_id

NOW = datetime(2026, 11, 26, 9, 0)
LATER = NOW + timedelta(minutes=5)


def check(session, actor, began=NOW, demo=False):
    return accounts.check_session(session, actor=actor, began_at=began, demo_mode=demo)


def version_of(session, user_id):
    return session.get(User, user_id, populate_existing=True).version


# ---------------------------------------------------------------- the session check

def test_an_unchanged_account_keeps_its_session(session):
    actor = make_actor(session, Role.COORDINATOR)
    assert check(session, actor).actor == actor


@pytest.mark.parametrize("change", ["disabled", "role", "unit", "revoked", "deleted_id"])
def test_any_change_to_the_account_ends_the_session(session, change):
    actor = make_actor(session, Role.COORDINATOR)
    user = session.get(User, actor.id)
    if change == "disabled":
        user.is_active = False
    elif change == "role":
        user.role = Role.VIEWER
    elif change == "unit":
        user.unit_id = unit_id(session, "万州区人民政府")
    elif change == "revoked":
        user.sessions_valid_after = LATER
    session.flush()
    if change == "deleted_id":
        actor = users.Actor(id=999_999, username=actor.username, role=actor.role)
    result = check(session, actor)
    assert result.actor is None and result.reason == change.removesuffix("_id")


def test_a_session_begun_after_the_revocation_stays(session):
    actor = make_actor(session, Role.COORDINATOR)
    session.get(User, actor.id).sessions_valid_after = NOW
    assert check(session, actor, began=LATER).actor == actor


def test_a_new_display_name_is_picked_up_without_ending_the_session(session):
    actor = make_actor(session, Role.COORDINATOR)
    session.get(User, actor.id).display_name = "新名字"
    assert check(session, actor).actor.display_name == "新名字"


def test_a_demo_session_ends_outside_demo_mode(session):
    actor = make_actor(session, Role.ADMIN, is_demo=True)
    assert check(session, actor, demo=True).actor == actor
    assert check(session, actor, demo=False).reason == "demo"


# ---------------------------------------------------------------- what an admin does

def test_disable_and_enable_revoke_open_sessions_and_are_audited(session):
    admin = make_actor(session, Role.ADMIN)
    target = make_actor(session, Role.UNIT, unit_id=unit_id(session, "万州区人民政府"))
    accounts.set_active(session, actor=admin, user_id=target.id, active=False,
                        expected_version=version_of(session, target.id), now=LATER)
    assert check(session, target).reason == "disabled"
    assert not users.authenticate(session, username=target.username, password="secret-123", now=LATER,
                                  max_failed=5, lockout_minutes=15).ok
    accounts.set_active(session, actor=admin, user_id=target.id, active=True,
                        expected_version=version_of(session, target.id), now=LATER)
    assert check(session, target, began=LATER + timedelta(seconds=1)).actor is not None
    entries = session.query(AuditEntry).filter_by(entity="user", entity_id=str(target.id)).all()
    assert [(e.action, e.before["is_active"], e.after["is_active"]) for e in entries] == [
        ("user.set_active", True, False), ("user.set_active", False, True)]


def test_reset_password_replaces_the_old_one_and_never_audits_it(session):
    admin = make_actor(session, Role.ADMIN)
    target = make_actor(session, Role.VIEWER)
    session.commit()  # refusals are audited in a transaction of their own
    accounts.reset_password(session, actor=admin, user_id=target.id, password="brand-new-pass",
                            expected_version=version_of(session, target.id), now=LATER)
    assert users.authenticate(session, username=target.username, password="brand-new-pass", now=LATER,
                              max_failed=5, lockout_minutes=15).ok
    assert check(session, target).reason == "revoked"
    entry = session.query(AuditEntry).filter_by(action="user.reset_password").one()
    assert "brand-new-pass" not in repr((entry.before, entry.after, entry.detail))
    with pytest.raises(ValidationFailed) as exc:
        accounts.reset_password(session, actor=admin, user_id=target.id, password="short",
                                expected_version=version_of(session, target.id), now=LATER)
    assert exc.value.problems[0].column == "password"


def test_change_role_and_unit(session):
    admin = make_actor(session, Role.ADMIN)
    target = make_actor(session, Role.COORDINATOR)
    wanzhou = unit_id(session, "万州区人民政府")
    accounts.change_role(session, actor=admin, user_id=target.id, role=Role.UNIT, unit_id=wanzhou,
                         district_id=None, expected_version=version_of(session, target.id), now=LATER)
    user = session.get(User, target.id)
    assert (user.role, user.unit_id) == (Role.UNIT, wanzhou)
    assert check(session, target).actor is None
    entry = session.query(AuditEntry).filter_by(action="user.change_role").one()
    assert entry.before["role"] == "coordinator" and entry.after == {"role": "unit", "unit_id": wanzhou,
                                                                     "district_id": None}


def test_a_unit_role_needs_a_unit_or_district(session):
    admin = make_actor(session, Role.ADMIN)
    target = make_actor(session, Role.VIEWER)
    session.commit()  # refusals are audited in a transaction of their own
    with pytest.raises(ValidationFailed) as exc:
        accounts.change_role(session, actor=admin, user_id=target.id, role=Role.UNIT, unit_id=None,
                             district_id=None, expected_version=version_of(session, target.id), now=LATER)
    assert exc.value.problems[0].column == "unit"


def test_sign_out_everywhere_ends_every_open_session(session):
    admin = make_actor(session, Role.ADMIN)
    target = make_actor(session, Role.LEADER)
    accounts.sign_out_everywhere(session, actor=admin, user_id=target.id, now=LATER)
    assert check(session, target).reason == "revoked"
    assert users.user_for_cookie(session, username=target.username, issued_at=NOW) is None
    assert session.query(AuditEntry).filter_by(action="user.sign_out_everywhere").count() == 1


def test_the_last_active_admin_cannot_be_disabled_or_demoted(session):
    admin = make_actor(session, Role.ADMIN)
    session.commit()  # refusals are audited in a transaction of their own
    with pytest.raises(ValidationFailed):
        accounts.set_active(session, actor=SYSTEM, user_id=admin.id, active=False,
                            expected_version=version_of(session, admin.id), now=LATER)
    with pytest.raises(ValidationFailed):
        accounts.change_role(session, actor=SYSTEM, user_id=admin.id, role=Role.VIEWER, unit_id=None,
                             district_id=None, expected_version=version_of(session, admin.id), now=LATER)
    other = make_actor(session, Role.ADMIN)
    accounts.change_role(session, actor=other, user_id=admin.id, role=Role.VIEWER, unit_id=None,
                         district_id=None, expected_version=version_of(session, admin.id), now=LATER)


def test_an_account_changed_meanwhile_is_a_stale_edit(session):
    admin = make_actor(session, Role.ADMIN)
    target = make_actor(session, Role.VIEWER)
    session.commit()  # refusals are audited in a transaction of their own
    seen = version_of(session, target.id)
    accounts.sign_out_everywhere(session, actor=admin, user_id=target.id, now=LATER)
    with pytest.raises(StaleEdit):
        accounts.set_active(session, actor=admin, user_id=target.id, active=False, expected_version=seen,
                            now=LATER)
    assert session.get(User, target.id).is_active
    assert session.query(AuditEntry).filter_by(action="user.set_active", outcome="refused_stale").count() == 1


@pytest.mark.parametrize("write", ["set_active", "reset_password", "change_role", "sign_out_everywhere"])
def test_only_an_admin_manages_accounts_and_refusals_are_audited(session, write):
    coordinator = make_actor(session, Role.COORDINATOR)
    target = make_actor(session, Role.VIEWER)
    session.commit()  # refusals are audited in a transaction of their own
    args = dict(actor=coordinator, user_id=target.id, now=LATER)
    extra = {"set_active": dict(active=False), "reset_password": dict(password="long-enough-1"),
             "change_role": dict(role=Role.ADMIN, unit_id=None, district_id=None),
             "sign_out_everywhere": {}}[write]
    if write != "sign_out_everywhere":
        extra["expected_version"] = version_of(session, target.id)
    with pytest.raises(PermissionDenied):
        getattr(accounts, write)(session, **args, **extra)
    assert session.get(User, target.id).role is Role.VIEWER
    assert session.query(AuditEntry).filter_by(outcome="refused_permission").count() == 1
