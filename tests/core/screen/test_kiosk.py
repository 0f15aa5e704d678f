"""Kiosk tokens: issued once and stored hashed, verified read-only, revocable, admin-only, audited;
and the `manage.py kiosk-token` commands."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

import manage
from core.access import audit
from core.access.permissions import SYSTEM, can
from core.domain import AuditOutcome, Role
from core.errors import NotFound, PermissionDenied, ValidationFailed
from core.screen import kiosk
from db.models import AuditEntry, KioskToken
from tests.factories import make_actor

NOW = datetime(2026, 6, 1, 9, 0)


def issue(session, name="三楼会议室", now=NOW):
    """An admin (committed: refusals are audited in a transaction of their own) and a token."""
    admin = make_actor(session, Role.ADMIN)
    session.commit()
    return admin, kiosk.create_token(session, actor=admin, name=name, now=now)


def test_a_token_is_shown_once_and_only_its_hash_is_stored(session):
    admin, issued = issue(session)
    session.commit()
    row = session.scalar(select(KioskToken))
    assert issued.name == row.name == "三楼会议室"
    assert len(issued.token) >= 43 and issued.token not in (row.token_sha256, row.name)
    assert row.token_sha256 == kiosk.digest(issued.token) and len(row.token_sha256) == 64
    assert row.created_by == admin.id and row.created_at == NOW and row.revoked_at is None
    entries = session.scalars(select(AuditEntry).where(AuditEntry.entity == "kiosk_token")).all()
    assert [(e.action, e.outcome) for e in entries] == [("kiosk.create", AuditOutcome.OK)]
    assert issued.token not in str(entries[0].after) and entries[0].after["name"] == "三楼会议室"


def test_tokens_are_random(session):
    _, first = issue(session, "甲")
    _, second = issue(session, "乙")
    assert first.token != second.token


def test_a_valid_token_acts_as_a_read_only_viewer(session):
    _, issued = issue(session)
    actor = kiosk.verify_token(session, token=issued.token, now=NOW)
    assert actor.role is Role.VIEWER and actor.id is None
    assert actor.username == "kiosk:三楼会议室" and actor.display_name == "三楼会议室"
    assert kiosk.is_kiosk(actor) and not kiosk.is_kiosk(SYSTEM)
    for action in ("item.create", "item.edit", "item.close", "item.report_progress", "user.manage",
                   "kiosk.manage", "settings.manage", "ledger.import", "referral.record"):
        assert not can(actor, action), action


def test_verify_records_the_last_use_at_most_once_a_minute(session):
    _, issued = issue(session)
    kiosk.verify_token(session, token=issued.token, now=NOW)
    kiosk.verify_token(session, token=issued.token, now=NOW + timedelta(seconds=59))
    session.expire_all()
    assert session.scalar(select(KioskToken.last_used_at)) == NOW
    kiosk.verify_token(session, token=issued.token, now=NOW + timedelta(minutes=1))
    session.expire_all()
    assert session.scalar(select(KioskToken.last_used_at)) == NOW + timedelta(minutes=1)


def test_verify_does_not_bump_the_ledger_revision(session):
    _, issued = issue(session)
    before = audit.ledger_revision(session)[0]
    kiosk.verify_token(session, token=issued.token, now=NOW)
    assert audit.ledger_revision(session)[0] == before


@pytest.mark.parametrize("token", ["", "x", "a" * 43, "a" * 201])
def test_unknown_empty_or_oversized_tokens_are_refused(session, token):
    issue(session)
    assert kiosk.verify_token(session, token=token, now=NOW) is None


def test_a_revoked_token_opens_nothing(session):
    admin, issued = issue(session)
    row = kiosk.revoke_token(session, actor=admin, name="三楼会议室", now=NOW + timedelta(hours=1))
    assert not row.active and row.revoked_at == NOW + timedelta(hours=1)
    assert kiosk.verify_token(session, token=issued.token, now=NOW + timedelta(hours=2)) is None
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "kiosk_token")
                              .order_by(AuditEntry.id)).all()
    assert actions == ["kiosk.create", "kiosk.revoke"]


def test_revoking_twice_or_an_unknown_name_is_refused(session):
    admin, _ = issue(session)
    kiosk.revoke_token(session, actor=admin, name="三楼会议室", now=NOW)
    with pytest.raises(ValidationFailed) as twice:
        kiosk.revoke_token(session, actor=admin, name="三楼会议室", now=NOW)
    assert twice.value.problems[0].column == "名称" and "已于 2026-06-01 09:00 吊销" in str(twice.value)
    with pytest.raises(NotFound, match="没有名为“别的屏”的令牌"):
        kiosk.revoke_token(session, actor=admin, name="别的屏", now=NOW)


@pytest.mark.parametrize("name, message", [
    ("", "名称不能为空"), ("   ", "名称不能为空"), ("屏" * 61, "名称不能超过 60 个字"),
    ("三楼会议室", "“三楼会议室”已被使用"),
])
def test_bad_names_are_refused_in_chinese_first_and_audited(session, name, message):
    admin, _ = issue(session)
    session.commit()
    with pytest.raises(ValidationFailed) as exc:
        kiosk.create_token(session, actor=admin, name=name, now=NOW)
    problem = exc.value.problems[0]
    assert problem.column == "名称" and problem.message.startswith(message)
    assert " / " in problem.message  # English follows for visitors
    refused = session.scalars(select(AuditEntry).where(
        AuditEntry.outcome == AuditOutcome.REFUSED_INVALID)).all()
    assert [e.action for e in refused] == ["kiosk.create"]
    assert session.scalar(select(KioskToken.id).where(KioskToken.name == name.strip())) is None or (
        name == "三楼会议室")


def test_a_revoked_name_cannot_be_reused(session):
    admin, _ = issue(session)
    kiosk.revoke_token(session, actor=admin, name="三楼会议室", now=NOW)
    with pytest.raises(ValidationFailed, match="含已吊销的令牌"):
        kiosk.create_token(session, actor=admin, name="三楼会议室", now=NOW)


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.LEADER, Role.UNIT, Role.VIEWER])
def test_only_admins_issue_list_and_revoke(session, role):
    _, issued = issue(session)
    session.commit()
    other = make_actor(session, role)
    session.commit()
    with pytest.raises(PermissionDenied):
        kiosk.create_token(session, actor=other, name="偷偷的屏", now=NOW)
    with pytest.raises(PermissionDenied):
        kiosk.revoke_token(session, actor=other, name="三楼会议室", now=NOW)
    with pytest.raises(PermissionDenied):
        kiosk.list_tokens(session, actor=other)
    session.rollback()
    refused = session.scalars(select(AuditEntry.action).where(
        AuditEntry.outcome == AuditOutcome.REFUSED_PERMISSION).order_by(AuditEntry.id)).all()
    assert refused == ["kiosk.create", "kiosk.revoke"]  # kept although the caller rolled back
    assert session.scalars(select(KioskToken.name)).all() == ["三楼会议室"]
    assert kiosk.verify_token(session, token=issued.token, now=NOW) is not None


def test_list_shows_every_token_newest_first_without_secrets(session):
    admin, _ = issue(session, "甲", now=NOW)
    kiosk.create_token(session, actor=admin, name="乙", now=NOW + timedelta(days=1))
    kiosk.revoke_token(session, actor=admin, name="甲", now=NOW + timedelta(days=2))
    rows = kiosk.list_tokens(session, actor=admin)
    assert [(r.name, r.active, r.created_by) for r in rows] == [
        ("乙", True, admin.username), ("甲", False, admin.username)]
    assert not any(hasattr(r, "token") or hasattr(r, "token_sha256") for r in rows)


def test_manage_py_creates_lists_and_revokes(database_url, session, monkeypatch, capsys):
    monkeypatch.setenv("LEDGER_DATABASE_URL", database_url)
    assert manage.main(["kiosk-token", "create", "大厅大屏"]) == 0
    token = capsys.readouterr().out.strip()
    assert kiosk.verify_token(session, token=token, now=NOW).display_name == "大厅大屏"
    session.commit()
    assert manage.main(["kiosk-token", "create", "大厅大屏"]) == 2
    assert "已被使用" in capsys.readouterr().err
    assert manage.main(["kiosk-token", "list"]) == 0
    listed = capsys.readouterr().out
    assert "大厅大屏\tactive" in listed and token not in listed
    assert manage.main(["kiosk-token", "revoke", "大厅大屏"]) == 0
    assert manage.main(["kiosk-token", "revoke", "大厅大屏"]) == 2
    assert manage.main(["kiosk-token", "revoke", "没有这块屏"]) == 2
    capsys.readouterr()
    assert manage.main(["kiosk-token", "list"]) == 0
    assert "大厅大屏\trevoked" in capsys.readouterr().out
    session.expire_all()
    assert kiosk.verify_token(session, token=token, now=NOW) is None
