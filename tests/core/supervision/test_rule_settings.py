"""The rule settings: listed with meaning, unit and range; saved with audit; a stale edit and a bad
value refused with nothing written; a key with no row takes its default until it is saved."""

import pytest
from sqlalchemy import delete, select

from core.domain import AuditOutcome, Role
from core.errors import PermissionDenied, StaleEdit, ValidationFailed
from core.ledger.rules import load_rule_settings
from core.supervision.rule_settings import list_rule_settings, save_rule_settings
from db.models import AuditEntry, Setting
from db.rules_defaults import RULE_SPECS
from tests.factories import make_actor


def values(session) -> dict[str, str]:
    session.expire_all()
    return dict(session.execute(select(Setting.key, Setting.value)).all())


def audits(session, outcome=AuditOutcome.OK) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.entity == "setting",
                                                        AuditEntry.outcome == outcome)
                                .order_by(AuditEntry.id)))


def test_every_declared_setting_is_listed_with_its_spec(session):
    admin = make_actor(session, Role.ADMIN)
    listed = list_rule_settings(session, actor=admin)
    assert [s.key for s in listed] == list(RULE_SPECS)
    stale = next(s for s in listed if s.key == "stale_after_days")
    assert (stale.value, stale.version, stale.spec.unit) == (90, 1, "days")
    assert (stale.spec.low, stale.spec.high) == (7, 730)


def test_save_writes_audits_and_takes_effect(session):
    admin = make_actor(session, Role.ADMIN)
    changed = save_rule_settings(session, actor=admin,
                                 values={"stale_after_days": "60", "bounce_threshold": 2},
                                 seen_versions={"stale_after_days": 1, "bounce_threshold": 1})
    session.commit()
    assert changed == ["stale_after_days"]          # 2 is the value in force: nothing to write
    assert values(session)["stale_after_days"] == "60"
    assert load_rule_settings(session).stale_after_days == 60
    [entry] = audits(session)
    assert (entry.action, entry.entity_id, entry.before, entry.after, entry.actor_name) == (
        "settings.save", "stale_after_days", {"value": 90, "version": 1}, {"value": 60, "version": 2},
        admin.username)


def test_a_key_with_no_row_takes_its_default_and_saving_writes_the_row(session):
    admin = make_actor(session, Role.ADMIN)
    session.execute(delete(Setting).where(Setting.key == "old_after_days"))
    session.flush()
    listed = {s.key: s for s in list_rule_settings(session, actor=admin)}
    assert (listed["old_after_days"].value, listed["old_after_days"].version) == (730, 0)
    assert load_rule_settings(session).old_after_days == 730
    save_rule_settings(session, actor=admin, values={"old_after_days": 500},
                       seen_versions={"old_after_days": 0})
    session.commit()
    row = session.get(Setting, "old_after_days")
    assert (row.value, row.version, row.help) == ("500", 1, RULE_SPECS["old_after_days"].help)
    assert load_rule_settings(session).old_after_days == 500


@pytest.mark.parametrize("bad, message", [("abc", "须为整数"), ("9.5", "须为整数"), ("", "必填"),
                                          ("6", "须在 7 到 730 之间"), ("731", "须在 7 到 730 之间"),
                                          (None, "必填")])
def test_a_bad_value_names_the_field_and_changes_nothing(session, bad, message):
    admin = make_actor(session, Role.ADMIN)
    before = values(session)
    with pytest.raises(ValidationFailed) as caught:
        save_rule_settings(session, actor=admin, values={"stale_after_days": bad, "old_after_days": 400},
                           seen_versions={"stale_after_days": 1, "old_after_days": 1})
    [problem] = caught.value.problems
    assert problem.column == "无进展天数" and message in problem.message
    session.rollback()
    assert values(session) == before and audits(session) == []


def test_an_unknown_key_is_refused(session):
    admin = make_actor(session, Role.ADMIN)
    with pytest.raises(ValidationFailed, match="nonsense"):
        save_rule_settings(session, actor=admin, values={"nonsense": 3}, seen_versions={})


def test_a_stale_edit_is_refused_naming_the_setting_and_what_changed(session):
    first, second = make_actor(session, Role.ADMIN), make_actor(session, Role.ADMIN)
    session.commit()
    save_rule_settings(session, actor=first, values={"extension_threshold": 3},
                       seen_versions={"extension_threshold": 1})
    session.commit()
    with pytest.raises(StaleEdit) as caught:   # the second admin still shows version 1
        save_rule_settings(session, actor=second, values={"extension_threshold": 5, "stale_after_days": 30},
                           seen_versions={"extension_threshold": 1, "stale_after_days": 1})
    assert "延期次数" in str(caught.value)
    assert caught.value.changes == {"延期次数": (2, 3)}
    session.rollback()
    assert values(session)["extension_threshold"] == "3" and values(session)["stale_after_days"] == "90"
    [refusal] = audits(session, AuditOutcome.REFUSED_STALE)
    assert refusal.actor_name == second.username and refusal.entity_id == "extension_threshold"


def test_only_an_admin_may_save(session):
    coordinator = make_actor(session, Role.COORDINATOR)
    session.commit()
    with pytest.raises(PermissionDenied):
        save_rule_settings(session, actor=coordinator, values={"stale_after_days": 30},
                           seen_versions={"stale_after_days": 1})
    with pytest.raises(PermissionDenied):
        list_rule_settings(session, actor=coordinator)
    session.rollback()
    assert values(session)["stale_after_days"] == "90"
    assert len(audits(session, AuditOutcome.REFUSED_PERMISSION)) == 1
