from datetime import date

import pytest

from core.domain import (
    ExtensionStatus,
    InterviewStatus,
    ReferralKind,
    ReferralStatus,
    Role,
    Status,
    SupervisionLevel,
    UnitRole,
)
from core.errors import NotFound, PermissionDenied
from core.ledger import extensions, items, lifecycle, timeline
from core.ledger.evidence import EvidenceStore
from core.ledger.rules import Reason
from db.models import (
    Interview,
    InterviewItem,
    Referral,
    ReferralItem,
    SupervisionNotice,
    SupervisionNoticeItem,
)
from tests.core.ledger.lifecycle_cases import item_in
from tests.factories import district_id, make_actor, make_inspection, unit_id

JPEG = b"\xff\xd8\xff\xe0" + bytes(40)
PDF = b"%PDF-1.7\n%%EOF\n"


def link_interview_and_referral(session, item, coordinator):
    police = unit_id(session, "万州区公安局")
    notice = SupervisionNotice(level=SupervisionLevel.KEY, doc_no="渝督〔2025〕3号",
                               issued_on=date(2025, 3, 1), requirements="30日内报送整改情况",
                               issued_by=coordinator.id, lifted_on=date(2025, 4, 1))
    session.add(notice)
    session.flush()
    session.add(SupervisionNoticeItem(notice_id=notice.id, item_id=item.id))
    interview = Interview(code="YT-2025-01", details="整改不力", held_on=date(2025, 2, 10),
                          interviewee_unit_id=item.lead_unit_id, plan_due_on=date(2025, 3, 3))
    referral = Referral(code="YS-2025-01", kind=ReferralKind.POLICE, from_unit_id=item.lead_unit_id,
                        to_unit_id=police, cause="涉嫌污染环境罪", sent_on=date(2025, 2, 20),
                        feedback_due_on=date(2025, 3, 20), status=ReferralStatus.SENT)
    unsent = Referral(code="YS-2025-02", kind=ReferralKind.DEPARTMENT, from_unit_id=item.lead_unit_id,
                      to_unit_id=police, cause="待移送")
    session.add_all([interview, referral, unsent])
    session.flush()
    session.add_all([InterviewItem(interview_id=interview.id, item_id=item.id),
                     ReferralItem(referral_id=referral.id, item_id=item.id),
                     ReferralItem(referral_id=unsent.id, item_id=item.id)])
    session.flush()


def whole_story(session, tmp_path):
    """An item's life: created, assigned, reported on, extended, handed over, bounced, verified."""
    store = EvidenceStore(tmp_path / "evidence")
    coordinator = make_actor(session, display_name="王协调")
    unit = make_actor(session, Role.UNIT, unit_id=unit_id(session, "万州区人民政府"), display_name="李填报")
    item = items.create_item(session, actor=coordinator, values=dict(
        inspection_id=make_inspection(session).id, item_type="feedback", category="water",
        description="污水直排", district_id=district_id(session, "万州区"),
        lead_unit_id=unit_id(session, "万州区人民政府"), deadline="2025年12月底前", stage="short"))
    v = lambda: dict(item_id=item.id, expected_version=item.version)  # noqa: E731
    lifecycle.assign_item(session, actor=coordinator, **v(), assigned_on=date(2025, 1, 10))
    items.report_progress(session, actor=unit, **v(), reported_on=date(2025, 2, 1), percent=30,
                          text="已完成截污设计", attachments=[("现场.jpg", JPEG)], store=store)
    ext = extensions.request_extension(session, actor=unit, **v(), new_due_on=date(2026, 6, 30),
                                       reason="汛期停工")
    extensions.approve_extension(session, actor=coordinator, extension_id=ext.id,
                                 expected_version=ext.version, item_version=item.version,
                                 note="同意")
    lifecycle.hand_over_item(session, actor=coordinator, **v(), reason="涉及市政管网",
                             to_unit_id=unit_id(session, "重庆市住房和城乡建设委员会"))
    lifecycle.request_closure(session, actor=unit, **v())
    lifecycle.fail_verification(session, actor=coordinator, **v(), reason="现场仍有溢流")
    lifecycle.request_closure(session, actor=unit, **v(), note="已整改")
    lifecycle.pass_verification(session, actor=coordinator, **v(), accepted_on=date(2025, 6, 1),
                                acceptance_unit="万州区生态环境局", conclusion="整改到位",
                                notice_from=date(2025, 6, 2), notice_to=date(2025, 6, 8),
                                attachments=[("验收意见.pdf", PDF)], store=store)
    link_interview_and_referral(session, item, coordinator)
    return item, coordinator, unit


def test_timeline_merges_everything_newest_first(session, tmp_path):
    item, coordinator, unit = whole_story(session, tmp_path)
    entries = timeline.item_timeline(session, actor=unit, item_id=item.id)
    assert [(e.kind, e.what()) for e in entries] == [
        ("transition", "待验收 → 公示中"),
        ("transition", "整改中 → 待验收"),
        ("transition", "待验收 → 整改中"),
        ("transition", "整改中 → 待验收"),
        ("hand_over", "移交给 市住房城乡建委"),
        ("extension_approved", "批准延期至 2026-06-30"),
        ("extension_requested", "申请延期至 2026-06-30"),
        ("transition", "已交办 → 整改中"),
        ("progress", "报送整改进展（30%）"),
        ("transition", "待交办 → 已交办"),
        ("created", "录入台账"),
        ("supervision_lifted", "解除督办（重点督办）"),
        ("supervision", "下发督办通知（重点督办）"),
        ("referral", "移送 万州区公安局（YS-2025-01）"),   # the unsent referral has no date yet
        ("interview", "约谈 万州区政府"),
    ]
    by_kind = {e.kind: e for e in entries}
    bounce = entries[2]
    assert (bounce.who, bounce.why, bounce.from_status, bounce.to_status) == (
        "王协调", "现场仍有溢流", Status.SUBMITTED, Status.IN_PROGRESS)
    assert entries[1].why == "已整改" and entries[1].who == "李填报"
    progress = by_kind["progress"]
    assert (progress.who, progress.detail) == ("李填报", "已完成截污设计")
    assert [a.filename for a in progress.attachments] == ["现场.jpg"]
    assert [a.filename for a in entries[0].attachments] == ["验收意见.pdf"]  # on 验收通过
    assert by_kind["hand_over"].why == "涉及市政管网" and by_kind["hand_over"].unit == "市住房城乡建委"
    assert (by_kind["extension_requested"].why, by_kind["extension_approved"].why) == ("汛期停工", "同意")
    assert by_kind["supervision"].detail == "30日内报送整改情况"
    assert by_kind["referral"].detail == "涉嫌污染环境罪"
    assert entries[0].what("en") == "Awaiting verification → Public notice"
    assert by_kind["hand_over"].what("en") == "Handed over to 市住房城乡建委"


def test_detail_has_names_units_links_and_derived_figures(session, tmp_path):
    item, coordinator, unit = whole_story(session, tmp_path)
    detail = timeline.item_detail(session, actor=coordinator, item_id=item.id, today=date(2025, 6, 20))
    assert (detail.code, detail.status, detail.version) == (item.code, Status.NOTICE, item.version)
    assert detail.fields["description"] == "污水直排" and detail.fields["bounce_count"] == 1
    assert detail.district == "万州区" and detail.inspection.startswith("测试督察")
    assert detail.lead_unit.name == "万州区人民政府"
    assert detail.holder_unit.short_name == "市住房城乡建委"
    assert [u.name for u in detail.units[UnitRole.LEAD]] == ["万州区人民政府"]
    assert detail.units[UnitRole.RESPONSIBLE] == [] and detail.units[UnitRole.COOPERATING] == []
    assert (detail.days_left, detail.days_overdue, detail.days_open) == (None, 0, 161)
    assert [(i.code, i.status) for i in detail.interviews] == [("YT-2025-01", InterviewStatus.HELD)]
    assert [r.code for r in detail.referrals] == ["YS-2025-02", "YS-2025-01"]
    assert [e.status for e in detail.extensions] == [ExtensionStatus.APPROVED]
    assert detail.pending_extension is None
    assert [a.purpose for a in detail.attachments] == ["evidence", "acceptance"]
    assert detail.moves == ["object_notice", "close"]
    assert detail.long_unresolved == [Reason.INTERVIEW]   # plan due 2025-03-03 passed


def test_detail_days_and_reasons_for_an_overdue_item(session):
    item = item_in(session, Status.IN_PROGRESS, due_on=date(2025, 3, 31), extension_count=2,
                   latest_progress_on=date(2025, 3, 1))
    unit = make_actor(session, Role.UNIT, unit_id=unit_id(session, "万州区人民政府"))
    detail = timeline.item_detail(session, actor=unit, item_id=item.id, today=date(2025, 4, 10))
    assert (detail.days_left, detail.days_overdue, detail.days_open) == (None, 10, 90)
    assert detail.long_unresolved == [Reason.OVERDUE, Reason.EXTENDED]
    assert detail.moves == ["request_closure"]
    early = timeline.item_detail(session, actor=unit, item_id=item.id, today=date(2025, 3, 21))
    assert (early.days_left, early.days_overdue) == (10, 0)


def test_ongoing_items_have_no_days_left_and_are_never_overdue(session):
    item = item_in(session, Status.IN_PROGRESS, due_on=None, is_ongoing=True, deadline_text="长期坚持")
    detail = timeline.item_detail(session, actor=make_actor(session), item_id=item.id,
                                  today=date(2030, 1, 1))
    assert (detail.days_left, detail.days_overdue) == (None, 0)
    assert "request_closure" not in detail.moves


@pytest.mark.parametrize("fn", [timeline.item_timeline, timeline.item_detail])
def test_unit_users_read_only_their_items(session, fn):
    other = item_in(session, Status.ASSIGNED, lead_unit_id=unit_id(session, "涪陵区人民政府"),
                    district_id=district_id(session, "涪陵区"))
    unit = make_actor(session, Role.UNIT, unit_id=unit_id(session, "万州区人民政府"))
    with pytest.raises(PermissionDenied):
        fn(session, actor=unit, item_id=other.id)
    with pytest.raises(NotFound):
        fn(session, actor=make_actor(session, Role.VIEWER), item_id=999_999)
    assert fn(session, actor=make_actor(session, Role.LEADER), item_id=other.id) is not None


def test_files_uploaded_apart_from_any_move_get_their_own_entry():
    from datetime import datetime

    from core.ledger.evidence import AttachmentInfo
    at = datetime(2025, 5, 1, 9, 30)
    files = [AttachmentInfo(i, 1, None, "notice", f"公示{i}.jpg", "image/jpeg", 10, "ab" * 32,
                            "王协调", at) for i in (1, 2)]
    moves = [timeline.TimelineEntry(datetime(2025, 5, 1, 9, 0), "transition", "王协调", None,
                                    "timeline.transition", {})]
    [entry] = timeline._uploads(files, moves)
    assert (entry.kind, entry.what(), entry.what("en")) == (
        "evidence", "上传公示材料 2 件", "2 notice document(s) uploaded")
    assert moves[0].attachments == ()
