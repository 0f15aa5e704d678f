from datetime import datetime, timedelta

import pytest

from core.access import users
from core.access.permissions import SYSTEM
from core.domain import Role
from core.errors import PermissionDenied, ValidationFailed
from db.models import AuditEntry, User
from tests.factories import make_actor, make_user, unit_id

NOW = datetime(2026, 11, 26, 9, 0)


def sign_in(session, username, password, now=NOW):
    return users.authenticate(session, username=username, password=password, now=now,
                              max_failed=3, lockout_minutes=15)


def test_right_password_signs_in_and_wrong_one_is_refused(session):
    make_user(session, username="alice", password="right-pass")
    assert sign_in(session, "alice", "right-pass").ok
    wrong = sign_in(session, "alice", "wrong-pass")
    assert not wrong.ok and wrong.user is None
    assert not sign_in(session, "nobody", "right-pass").ok


def test_passwords_are_stored_hashed(session):
    user = users.create_user(session, actor=SYSTEM, username="bob", display_name="Bob",
                             password="plain-text-1", role=Role.VIEWER)
    assert "plain-text-1" not in user.password_hash
    assert users.check_password("plain-text-1", user.password_hash)


def test_account_locks_after_failures_and_unlocks_by_itself(session):
    make_user(session, username="carol", password="right-pass")
    for _ in range(3):
        result = sign_in(session, "carol", "bad")
    assert result.locked_until == NOW + timedelta(minutes=15)
    assert not sign_in(session, "carol", "right-pass", now=NOW + timedelta(minutes=5)).ok
    assert sign_in(session, "carol", "right-pass", now=NOW + timedelta(minutes=16)).ok


def test_inactive_account_cannot_sign_in(session):
    make_user(session, username="dave", password="right-pass", is_active=False)
    assert not sign_in(session, "dave", "right-pass").ok


def test_cookie_issued_before_sign_out_is_refused(session):
    user = make_user(session, username="erin")
    assert users.user_for_cookie(session, username="erin", issued_at=NOW) is not None
    users.revoke_sessions(session, user_id=user.id, now=NOW + timedelta(minutes=1))
    assert users.user_for_cookie(session, username="erin", issued_at=NOW) is None
    assert users.user_for_cookie(session, username="erin", issued_at=NOW + timedelta(minutes=2))


def test_only_admin_creates_users_and_it_is_audited(session):
    coordinator = make_actor(session, Role.COORDINATOR)
    session.commit()  # the refusal is audited in a transaction of its own
    with pytest.raises(PermissionDenied):
        users.create_user(session, actor=coordinator, username="x1", display_name="x",
                          password="long-enough", role=Role.VIEWER)
    admin = make_actor(session, Role.ADMIN)
    created = users.create_user(session, actor=admin, username="x2", display_name="x",
                                password="long-enough", role=Role.VIEWER)
    entry = session.query(AuditEntry).filter_by(action="user.create", entity_id=str(created.id)).one()
    assert entry.actor_id == admin.id and entry.after["username"] == "x2"
    refused = session.query(AuditEntry).filter_by(action="user.create", outcome="refused_permission").one()
    assert refused.actor_id == coordinator.id


@pytest.mark.parametrize("kwargs, field", [
    (dict(username="has space"), "username"),
    (dict(password="short"), "password"),
    (dict(role=Role.UNIT), "unit"),
    (dict(unit_id=999999), "unit"),
    (dict(username="a" * 41), "username"),              # longer than the column
    (dict(display_name="名" * 61), "display_name"),
    (dict(password="密" * 25), "password"),              # 75 bytes: more than bcrypt reads
])
def test_create_user_names_the_bad_field(session, kwargs, field):
    values = dict(username="ok_name", display_name="n", password="long-enough", role=Role.VIEWER)
    values.update(kwargs)
    with pytest.raises(ValidationFailed) as exc:
        users.create_user(session, actor=SYSTEM, **values)
    assert field in [p.column for p in exc.value.problems]


def test_duplicate_username_refused(session):
    make_user(session, username="same")
    with pytest.raises(ValidationFailed, match="taken"):
        users.create_user(session, actor=SYSTEM, username="same", display_name="n",
                          password="long-enough", role=Role.VIEWER)


def test_demo_accounts_one_per_role_and_idempotent(session):
    created = users.ensure_demo_accounts(session, actor=SYSTEM)
    assert created == [u for u, _, _ in users.DEMO_ACCOUNTS]
    assert users.ensure_demo_accounts(session, actor=SYSTEM) == []
    roles = {r for _, _, r in users.list_demo_accounts(session)}
    assert roles == {r.value for r in Role}
    unit_user = session.query(User).filter_by(username="demo_unit").one()
    assert unit_user.unit_id == unit_id(session, "万州区人民政府")
    receivers = {u.username: u.unit_id for u in session.query(User).filter(
        User.username.in_(["demo_police", "demo_discipline"]))}
    assert receivers == {"demo_police": unit_id(session, "万州区公安局"), "demo_discipline": unit_id(
        session, "中共重庆市纪律检查委员会 重庆市监察委员会")}
    assert session.query(User).filter_by(username="demo_admin").one().password_hash.startswith("$2")


@pytest.mark.parametrize("kwargs, field, zh, en", [
    (dict(password="short"), "users.field.password", ("密码", "至少 8 个字符"),
     ("Password", "at least 8 characters")),
    (dict(username="has space"), "users.field.username", ("用户名", "只能使用字母"),
     ("Username", "letters, digits")),
    (dict(role=Role.UNIT), "users.field.unit", ("所属单位", "填报员账号必须绑定"), ("Unit", "unit account")),
    (dict(display_name="名" * 61), "users.field.display_name", ("姓名", "不能超过 60 个字"),
     ("Name", "at most 60 characters")),
])
def test_each_problem_carries_keys_for_a_page_to_word_in_one_language(session, kwargs, field, zh, en):
    """core returns the field's and the message's catalogue keys with the values; the page words
    them in the user's language, field name included (no "password: at least 8 characters")."""
    from core.messages import problem_text
    values = dict(username="ok_name", display_name="n", password="long-enough", role=Role.VIEWER)
    values.update(kwargs)
    with pytest.raises(ValidationFailed) as exc:
        users.create_user(session, actor=SYSTEM, **values)
    [problem] = [p for p in exc.value.problems if p.field_key == field]
    assert problem.key and " / " in problem.message            # the audit trail keeps both languages
    name, message = problem_text(problem, "zh")
    assert name == zh[0] and zh[1] in message and not any(c.isascii() and c.isalpha() for c in name)
    name, message = problem_text(problem, "en")
    assert name == en[0] and en[1] in message
    assert not any("\u4e00" <= c <= "\u9fff" for c in name + message), (name, message)


def test_a_problem_without_keys_is_cut_to_one_language():
    from core.errors import FieldProblem
    from core.messages import problem_text
    problem = FieldProblem(None, "名称", "已被使用 / is taken")
    assert problem_text(problem, "zh") == ("名称", "已被使用")
    assert problem_text(problem, "en") == ("名称", "is taken")
    assert problem_text(FieldProblem(None, "x", "only one"), "en") == ("x", "only one")
