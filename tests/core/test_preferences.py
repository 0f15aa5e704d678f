"""core.access.preferences: a person's own view choices, by key, validated; only their own."""

import pytest
from sqlalchemy import select

from core.access.audit import ledger_revision
from core.access.permissions import SYSTEM
from core.access.preferences import LEDGER_COLUMNS, get_preference, set_preference
from core.domain import AuditOutcome, Role
from core.errors import PermissionDenied, ValidationFailed
from db.models import AuditEntry, UserPreference
from tests.factories import make_actor


@pytest.fixture
def people(session):
    a, b = make_actor(session, Role.COORDINATOR), make_actor(session, Role.UNIT)
    session.commit()
    return a, b


def test_a_choice_is_stored_read_back_and_replaced(session, people):
    a, b = people
    assert get_preference(session, actor=a, key=LEDGER_COLUMNS) is None
    assert get_preference(session, actor=a, key=LEDGER_COLUMNS, default=["code"]) == ["code"]
    revision = ledger_revision(session)[0]
    assert set_preference(session, actor=a, key=LEDGER_COLUMNS,
                          value=["code", "status", "code"]) == ["code", "status"]   # no repeats
    session.commit()
    assert get_preference(session, actor=a, key=LEDGER_COLUMNS) == ["code", "status"]
    assert get_preference(session, actor=b, key=LEDGER_COLUMNS) is None               # each their own
    set_preference(session, actor=a, key=LEDGER_COLUMNS, value=["district"])
    session.commit()
    assert get_preference(session, actor=a, key=LEDGER_COLUMNS) == ["district"]
    entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "preference.set")
                              .order_by(AuditEntry.id)).all()
    assert [(e.outcome, e.before, e.after) for e in entries] == [
        (AuditOutcome.OK, {"value": None}, {"value": ["code", "status"]}),
        (AuditOutcome.OK, {"value": ["code", "status"]}, {"value": ["district"]})]
    assert ledger_revision(session)[0] == revision          # a view choice is not a ledger change


def test_unknown_keys_in_a_stored_choice_are_ignored(session, people):
    a, _ = people
    session.add(UserPreference(user_id=a.id, key=LEDGER_COLUMNS, value=["gone", "status", 7]))
    session.commit()
    assert get_preference(session, actor=a, key=LEDGER_COLUMNS, default=["code"]) == ["code"]  # 7: unusable
    session.get(UserPreference, (a.id, LEDGER_COLUMNS)).value = ["gone", "status"]
    session.commit()
    assert get_preference(session, actor=a, key=LEDGER_COLUMNS) == ["status"]
    session.get(UserPreference, (a.id, LEDGER_COLUMNS)).value = ["gone"]
    session.commit()
    assert get_preference(session, actor=a, key=LEDGER_COLUMNS, default=["code"]) == ["code"]


@pytest.mark.parametrize("value", [["code", "no_such"], [], "code", None, [1, 2], {"code": True}])
def test_a_bad_value_is_refused_naming_the_field_and_nothing_is_stored(session, people, value):
    a, _ = people
    with pytest.raises(ValidationFailed) as caught:
        set_preference(session, actor=a, key=LEDGER_COLUMNS, value=value)
    session.rollback()
    assert [p.column for p in caught.value.problems] == ["台账显示列"]
    assert session.scalar(select(UserPreference.value)) is None


def test_an_unknown_preference_key(session, people):
    a, _ = people
    with pytest.raises(ValidationFailed):
        set_preference(session, actor=a, key="ledger.colour", value=["code"])
    with pytest.raises(KeyError):
        get_preference(session, actor=a, key="ledger.colour")


def test_only_ones_own(session, people):
    a, b = people
    with pytest.raises(PermissionDenied):
        set_preference(session, actor=a, key=LEDGER_COLUMNS, value=["code"], user_id=b.id)
    with pytest.raises(PermissionDenied):
        set_preference(session, actor=SYSTEM, key=LEDGER_COLUMNS, value=["code"])
    session.rollback()
    assert session.scalar(select(UserPreference.value)) is None
    assert session.scalars(select(AuditEntry.outcome).where(AuditEntry.action == "preference.set")).all() == [
        AuditOutcome.REFUSED_PERMISSION, AuditOutcome.REFUSED_PERMISSION]
    set_preference(session, actor=b, key=LEDGER_COLUMNS, value=["code"], user_id=b.id)  # own id: fine
    session.commit()
    assert get_preference(session, actor=SYSTEM, key=LEDGER_COLUMNS) is None
