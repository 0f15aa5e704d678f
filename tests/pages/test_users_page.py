"""用户管理 (AppTest): an admin creates, disables and enables accounts, resets a password, changes
a role and unit, signs an account out everywhere and unlocks it; each is audited, and a refused
change says which field is wrong."""

from datetime import datetime

import pytest

from core.access import users
from core.domain import Role
from core.i18n import translate
from db.models import AuditEntry, User
from tests.factories import make_actor, make_user, unit_id
from tests.pages.page_helpers import errors, open_page, press

PAGE = "pages/users.py"


@pytest.fixture
def admin_page(app, session):
    admin = make_actor(session, Role.ADMIN)
    target = make_user(session, username="target", role=Role.COORDINATOR)
    session.commit()

    def open_on_target():
        at = open_page(app, admin, PAGE)
        at.selectbox(key="manage_user").select(target.id).run()
        assert not at.exception, at.exception
        return at
    return open_on_target, admin, target


def reread(session, user_id) -> User:
    session.expire_all()
    return session.get(User, user_id)


def test_disable_then_enable(admin_page, session):
    open_on_target, _admin, target = admin_page
    at = press(open_on_target(), translate("users.disable"))
    assert not reread(session, target.id).is_active
    press(at, translate("users.enable"))
    assert reread(session, target.id).is_active
    assert session.query(AuditEntry).filter_by(action="user.set_active").count() == 2


def test_reset_password(admin_page, session):
    open_on_target, _admin, target = admin_page
    at = open_on_target()
    at.text_input(key="reset_password").input("short")
    press(at, translate("users.reset_submit"))
    assert "**密码**：至少 8 个字符" in errors(at)             # the field named in Chinese too
    assert "password" not in errors(at).lower() and " / " not in errors(at)
    assert at.text_input(key="reset_password").value == "short"     # kept, to be corrected
    at.text_input(key="reset_password").input("a-new-long-password")
    press(at, translate("users.reset_submit"))
    assert users.check_password("a-new-long-password", reread(session, target.id).password_hash)


def test_change_role_and_unit(admin_page, session):
    open_on_target, _admin, target = admin_page
    at = open_on_target()
    at.selectbox(key="change_role").select(Role.UNIT)
    press(at, translate("users.role_submit"))
    assert "**所属单位**：填报员账号必须绑定单位或区县" in errors(at)
    assert reread(session, target.id).role is Role.COORDINATOR
    wanzhou = unit_id(session, "万州区人民政府")
    at.selectbox(key="change_role").select(Role.UNIT)
    at.selectbox(key="change_unit").select(wanzhou)
    press(at, translate("users.role_submit"))
    user = reread(session, target.id)
    assert (user.role, user.unit_id) == (Role.UNIT, wanzhou)


def test_sign_out_everywhere_and_unlock(admin_page, session):
    open_on_target, _admin, target = admin_page
    for _ in range(5):
        users.authenticate(session, username="target", password="bad", now=datetime.now(), max_failed=5,
                           lockout_minutes=15)
    session.commit()
    at = open_on_target()
    press(at, translate("users.sign_out_everywhere"))
    assert reread(session, target.id).sessions_valid_after is not None
    press(at, translate("users.unlock"))
    assert users.authenticate(session, username="target", password="secret-123", now=datetime.now(),
                              max_failed=5, lockout_minutes=15).ok
    assert session.query(AuditEntry).filter_by(action="user.unlock").count() == 1


def test_the_last_admin_cannot_disable_themself(app, session):
    admin = make_actor(session, Role.ADMIN)
    session.commit()
    at = open_page(app, admin, PAGE)
    at.selectbox(key="manage_user").select(admin.id).run()
    press(at, translate("users.disable"))
    assert "最后一个启用的管理员" in errors(at)
    assert reread(session, admin.id).is_active
