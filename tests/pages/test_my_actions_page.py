"""我的待办 (pages/my_actions.py) through AppTest: the landing page of units and coordinators lists
what needs them, soonest first, only within their scope; ticking a row opens the item."""

from datetime import date, timedelta

from core.domain import ReferralKind, ReferralStatus, Role, Status
from core.ledger import extensions
from db.models import Referral
from tests.core.ledger.lifecycle_cases import item_in
from tests.factories import district_id, make_actor, make_item, unit_id
from tests.pages.page_helpers import texts

TODAY = date.today()
WANZHOU_GOV = "万州区人民政府"


def landing(app, actor):
    """The first page after sign-in (no switch_page: this is where the role lands)."""
    at = app(actor)
    at.run()
    assert not at.exception, at.exception
    return at


def table(at, key: str):
    return next(d for d in at.dataframe if d.key == f"queue_queue.{key}").value


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def pick_row(at, key: str, row: int = 0):
    at.session_state[f"queue_queue.{key}"] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    at.run()
    assert not at.exception, at.exception
    return at


def test_unit_lands_on_its_own_due_soon_and_overdue_items(app, session):
    make_item(session, code="SOON", due_on=TODAY + timedelta(days=3), description="三天后到期")
    make_item(session, code="LATE", status=Status.IN_PROGRESS, due_on=TODAY - timedelta(days=4))
    make_item(session, code="LATER", due_on=TODAY + timedelta(days=30))
    make_item(session, code="DONE", status=Status.SUBMITTED, due_on=TODAY - timedelta(days=4))
    make_item(session, code="OTHERS", due_on=TODAY + timedelta(days=2),
              district_id=district_id(session, "渝中区"), lead_unit_id=unit_id(session, "渝中区人民政府"))
    unit = make_actor(session, Role.UNIT, unit_id=unit_id(session, WANZHOU_GOV))
    session.commit()
    at = landing(app, unit)
    assert at.title[0].value == "我的待办"
    # SOON, LATE and LATER were assigned long ago and never reported: 久拖不决 (stale)
    assert metrics(at) == {"被催办": "0", "即将到期": "1", "已逾期": "1", "验收不通过或反弹，退回整改": "0",
                           "长期坚持：本季度尚未报送进展": "0", "久拖不决": "3", "待反馈的移送案件": "0",
                           "待报送整改方案的约谈": "0", "待回复的督办通知": "0"}
    soon = table(at, "due_soon")
    assert list(soon["编号"]) == ["SOON"] and list(soon["剩余"]) == ["还剩 3 天"]
    assert list(soon["事项"]) == ["三天后到期"] and list(soon["状态"]) == ["已交办"]
    assert list(table(at, "overdue")["剩余"]) == ["逾期 4 天"]
    assert "范围：万州区政府的整改任务" in texts(at)
    assert ("无待办：被催办、验收不通过或反弹，退回整改、长期坚持：本季度尚未报送进展、待反馈的移送案件、"
            "待报送整改方案的约谈、待回复的督办通知") in texts(at)


def test_ticking_a_row_opens_that_item(app, session):
    item = make_item(session, code="SOON", due_on=TODAY + timedelta(days=1))
    unit = make_actor(session, Role.UNIT, unit_id=unit_id(session, WANZHOU_GOV))
    session.commit()
    at = pick_row(landing(app, unit), "due_soon")
    assert at.title[0].value == "整改任务 SOON"
    assert at.query_params["id"] == str(item.id)
    assert [e.label for e in at.expander][0] == "报送整改进展"


def test_nothing_to_do_says_so(app, session):
    make_item(session, due_on=TODAY + timedelta(days=60), status=Status.IN_PROGRESS,
              latest_progress_on=TODAY - timedelta(days=3))   # reported lately: not 久拖不决
    unit = make_actor(session, Role.UNIT, unit_id=unit_id(session, WANZHOU_GOV))
    session.commit()
    at = landing(app, unit)
    assert [s.value for s in at.success] == ["暂无待办事项"]
    assert not at.dataframe


def test_referrals_awaiting_the_units_feedback_are_listed_and_open_the_referral(app, session):
    police = unit_id(session, "万州区公安局")
    session.add(Referral(code="YS-2026-01", kind=ReferralKind.POLICE, to_unit_id=police,
                         from_unit_id=unit_id(session, WANZHOU_GOV), cause="涉嫌污染环境罪",
                         sent_on=TODAY - timedelta(days=10), feedback_due_on=TODAY + timedelta(days=20),
                         status=ReferralStatus.SENT))
    officer = make_actor(session, Role.UNIT, unit_id=police)
    session.commit()
    at = landing(app, officer)
    [rows] = [d.value for d in at.dataframe]           # a row opens the referral (pages/referrals.py)
    assert metrics(at)["待反馈的移送案件"] == "1"
    assert list(rows["编号"]) == ["YS-2026-01"] and list(rows["状态"]) == ["已移送"]
    assert list(rows["剩余"]) == ["还剩 20 天"]
    assert "约谈、移送案件请在相应台账中办理" not in texts(at)


def test_coordinator_lands_on_verification_and_extension_requests(app, session):
    submitted = item_in(session, Status.SUBMITTED, code="SUB-1")
    working = make_item(session, code="EXT-1", status=Status.IN_PROGRESS)
    unit = make_actor(session, Role.UNIT, unit_id=unit_id(session, WANZHOU_GOV))
    extensions.request_extension(session, actor=unit, item_id=working.id,
                                 expected_version=working.version, new_due_on=date(2027, 3, 31),
                                 reason="雨季影响施工")
    coordinator = make_actor(session, Role.COORDINATOR)
    session.commit()
    at = landing(app, coordinator)
    assert metrics(at)["待验收"] == "1" and metrics(at)["待审批的延期申请"] == "1"
    assert list(table(at, "awaiting_verification")["编号"]) == [submitted.code]
    extension = table(at, "pending_extensions")
    assert list(extension["事项"]) == ["雨季影响施工"] and list(extension["申请延至"]) == ["2027-03-31"]
    assert "剩余" not in extension.columns          # a requested date is not a deadline to count to
    at = pick_row(at, "pending_extensions")
    assert at.title[0].value == "整改任务 EXT-1"
    assert [e.label for e in at.expander][0] == "审批延期申请"


def test_english_queue(app, session):
    make_item(session, code="SOON", due_on=TODAY)
    unit = make_actor(session, Role.UNIT, unit_id=unit_id(session, WANZHOU_GOV))
    session.commit()
    at = app(unit)
    at.session_state["lang"] = "en"
    at.run()
    assert at.title[0].value == "My to-do list"
    assert list(table(at, "due_soon")["Time left"]) == ["due today"]
