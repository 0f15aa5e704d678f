"""Shared by the lifecycle tests: an item in any state, and a valid call of every move."""

from __future__ import annotations

from datetime import date

from core.domain import Status
from core.ledger import lifecycle
from tests.factories import make_item, unit_id

ACCEPTED = dict(accepted_on=date(2025, 6, 1), acceptance_unit="万州区生态环境局",
                acceptance_conclusion="整改到位", notice_from=date(2025, 6, 2),
                notice_to=date(2025, 6, 8))
STATE_FIELDS = {
    Status.DRAFT: dict(assigned_on=None),
    Status.ASSIGNED: {},
    Status.IN_PROGRESS: dict(latest_progress_on=date(2025, 3, 1), progress_percent=50),
    Status.SUBMITTED: dict(progress_percent=100),
    Status.NOTICE: dict(progress_percent=100, **ACCEPTED),
    Status.CLOSED: dict(progress_percent=100, closed_on=date(2025, 6, 10), **ACCEPTED),
}


def item_in(session, status: Status, **overrides):
    """An item of 万州区 (lead: 万州区人民政府) in `status`, with the fields that state implies."""
    return make_item(session, status=status, **{**STATE_FIELDS[status], **overrides})


def do_move(session, name: str, actor, item, **overrides):
    """Call move `name` with valid values (overridable), as a page would."""
    version = overrides.pop("expected_version", item.version)
    args = dict(session=session, actor=actor, item_id=item.id, expected_version=version)
    calls = {
        "assign": lambda: lifecycle.assign_item(**args, **{"assigned_on": date(2025, 1, 10),
                                                           "assign_doc_no": "渝督办〔2025〕1号",
                                                           **overrides}),
        "start": lambda: lifecycle.start_item(**args, **overrides),
        "request_closure": lambda: lifecycle.request_closure(**args, **overrides),
        "pass_verification": lambda: lifecycle.pass_verification(**args, **{
            "accepted_on": date(2025, 6, 1), "acceptance_unit": "万州区生态环境局",
            "conclusion": "现场核查，整改到位", "notice_from": date(2025, 6, 2),
            "notice_to": date(2025, 6, 8), **overrides}),
        "fail_verification": lambda: lifecycle.fail_verification(
            **args, **{"reason": "现场核查：出水仍超标", **overrides}),
        "object_notice": lambda: lifecycle.object_notice(
            **args, **{"reason": "公示期间群众反映仍有异味", **overrides}),
        "close": lambda: lifecycle.close_item(**args, **{"closed_on": date(2025, 6, 10),
                                                         "close_doc_no": "渝督销〔2025〕8号",
                                                         **overrides}),
        "reopen": lambda: lifecycle.reopen_item(**args, **{"reason": "问题反弹：再次被举报",
                                                           **overrides}),
        "hand_over": lambda: lifecycle.hand_over_item(**args, **{
            "to_unit_id": unit_id(session, "重庆市水利局"), "reason": "属水利部门职责", **overrides}),
    }
    return calls[name]()
