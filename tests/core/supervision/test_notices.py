"""督办 notices: one notice over three items of two units; the units' late and on-time answers
(with a file); escalation; lifting; and every refusal — a unit answering another unit's notice,
answering twice, stale edits, bad input — audited, with nothing written."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from core.domain import AuditOutcome, Role, Status, SupervisionLevel
from core.errors import PermissionDenied, StaleEdit, ValidationFailed
from core.ledger.action_queue import needs_my_action
from core.ledger.evidence import EvidenceStore, Owner, open_attachment
from core.ledger.timeline import item_timeline
from core.screen.bigscreen import big_screen
from core.supervision.guard import StateRefused
from core.supervision.notice_views import list_notices, notice_detail, notice_figures, open_answer_file
from core.supervision.notices import escalate_notice, issue_notice, lift_notice, respond_to_notice
from db.models import AuditEntry, Item, NoticeEscalation, NoticeResponse, SupervisionNotice
from tests.factories import district_id, make_actor, make_item, unit_id
from tests.pages.page_helpers import PDF

TODAY = date.today()
WANZHOU, FULING = "万州区人民政府", "涪陵区人民政府"


def _items(session):
    """Three open items: two held by 万州区政府, one by 涪陵区政府 (already 重点督办)."""
    wanzhou = [make_item(session, code=f"WZ-{n}", status=Status.IN_PROGRESS) for n in (1, 2)]
    fuling = make_item(session, code="FL-1", lead_unit_id=unit_id(session, FULING),
                       district_id=district_id(session, "涪陵区"), supervision_level=SupervisionLevel.KEY)
    return [*wanzhou, fuling]


@pytest.fixture
def world(session):
    coordinator = make_actor(session, Role.COORDINATOR)
    wanzhou = make_actor(session, Role.UNIT, unit_id=unit_id(session, WANZHOU))
    fuling = make_actor(session, Role.UNIT, unit_id=unit_id(session, FULING))
    items = _items(session)
    session.commit()
    return coordinator, wanzhou, fuling, items


def _issue(session, coordinator, items, **kw):
    values = dict(item_ids=[i.id for i in items], level=SupervisionLevel.NORMAL,
                  doc_no="渝督办〔2026〕7号", issued_on=TODAY - timedelta(days=20),
                  due_on=TODAY - timedelta(days=5), content="限期整改到位并报送整改情况")
    values.update(kw)
    notice = issue_notice(session, actor=coordinator, **values)
    session.commit()
    return notice


def _response(session, notice, unit_name) -> NoticeResponse:
    session.expire_all()
    return session.scalar(select(NoticeResponse).where(NoticeResponse.notice_id == notice.id,
                                                       NoticeResponse.unit_id == unit_id(session, unit_name)))


def test_a_notice_over_three_items_addresses_their_units_and_raises_levels(session, world):
    coordinator, wanzhou, fuling, items = world
    notice = _issue(session, coordinator, items)
    session.expire_all()
    levels = {i.code: i.supervision_level for i in session.scalars(select(Item))}
    assert levels == {"WZ-1": SupervisionLevel.NORMAL, "WZ-2": SupervisionLevel.NORMAL,
                      "FL-1": SupervisionLevel.KEY}       # never lowered
    detail = notice_detail(session, actor=coordinator, notice_id=notice.id, today=TODAY)
    assert [i.code for i in detail.items] == ["FL-1", "WZ-1", "WZ-2"]
    assert {r.unit for r in detail.responses} == {"万州区政府", "涪陵区政府"}
    n = detail.notice
    assert (n.items, n.units, n.answered, n.late) == (3, 2, 0, 2)
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "notice.issue"))
    assert entry.after["items"] == [i.id for i in items] and entry.actor_name == coordinator.username
    # each unit sees the notice in 我的待办, late already (the due date has passed)
    queue = needs_my_action(session, actor=wanzhou, today=TODAY)
    [row] = queue.section("notices_awaiting").rows
    assert (row.entity, row.id, row.code, row.status, row.days) == ("notice", notice.id, "渝督办〔2026〕7号",
                                                                    "late", -5)
    office = needs_my_action(session, actor=coordinator, today=TODAY)
    assert office.section("notices_late").total == 2
    # a unit reads only its own items of the notice
    mine = notice_detail(session, actor=wanzhou, notice_id=notice.id, today=TODAY)
    assert [i.code for i in mine.items] == ["WZ-1", "WZ-2"] and mine.hidden_items == 1


def test_late_and_on_time_answers(session, world, tmp_path):
    coordinator, wanzhou, fuling, items = world
    late = _issue(session, coordinator, items[:2] + items[2:])                 # due five days ago
    on_time = _issue(session, coordinator, items[:1], doc_no="渝督办〔2026〕8号",
                     due_on=TODAY + timedelta(days=10))
    store = EvidenceStore(tmp_path / "evidence")
    answer = _response(session, late, WANZHOU)
    respond_to_notice(session, actor=wanzhou, notice_id=late.id, expected_version=answer.version,
                      text="已完成截污管网改造", attachments=[("整改报告.pdf", PDF)], store=store)
    session.commit()
    answer = _response(session, on_time, WANZHOU)
    respond_to_notice(session, actor=wanzhou, notice_id=on_time.id, expected_version=answer.version,
                      text="已按要求整改")
    session.commit()
    late_detail = notice_detail(session, actor=coordinator, notice_id=late.id, today=TODAY)
    by_unit = {r.unit: r for r in late_detail.responses}
    assert (by_unit["万州区政府"].late, by_unit["万州区政府"].responded_on) == (True, TODAY)
    assert (by_unit["涪陵区政府"].late, by_unit["涪陵区政府"].responded_on) == (True, None)   # still owed
    [file] = by_unit["万州区政府"].attachments
    opened = open_attachment(session, actor=coordinator, attachment_id=file.id, store=store,
                             owner=Owner("notice_response", by_unit["万州区政府"].id))
    assert opened.data == PDF
    [answered] = notice_detail(session, actor=coordinator, notice_id=on_time.id, today=TODAY).responses
    assert (answered.late, answered.text) == (False, "已按要求整改")
    # 我的待办: 万州 owes nothing; the office still sees 涪陵's missing answer as late
    assert needs_my_action(session, actor=wanzhou, today=TODAY).section("notices_awaiting").total == 0
    [late_row] = needs_my_action(session, actor=coordinator, today=TODAY).section("notices_late").rows
    assert late_row.summary.startswith("涪陵区政府")
    # the lists and the big screen count the late ones: answered late (万州) and owed (涪陵)
    shown = list_notices(session, actor=coordinator, today=TODAY, show="late").rows
    assert [n.id for n in shown] == [late.id]
    figures = big_screen(session, actor=coordinator, today=TODAY).notices
    assert (figures.in_force, figures.awaiting, figures.late) == (2, 1, 2)
    assert notice_figures(session, today=TODAY) == figures


def test_a_unit_cannot_answer_another_units_notice(session, world):
    coordinator, wanzhou, fuling, items = world
    notice = _issue(session, coordinator, items[:2])                  # 万州's items only
    with pytest.raises(PermissionDenied):
        respond_to_notice(session, actor=fuling, notice_id=notice.id, expected_version=1, text="代为回复")
    with pytest.raises(PermissionDenied):
        respond_to_notice(session, actor=coordinator, notice_id=notice.id, expected_version=1, text="x")
    with pytest.raises(PermissionDenied):
        notice_detail(session, actor=fuling, notice_id=notice.id, today=TODAY)
    session.rollback()
    assert list_notices(session, actor=fuling, today=TODAY, show="all").total == 0
    assert session.scalar(select(func.count()).where(NoticeResponse.responded_on.is_not(None))) == 0
    refusals = session.scalars(select(AuditEntry.actor_name).where(
        AuditEntry.action == "notice.respond", AuditEntry.outcome == AuditOutcome.REFUSED_PERMISSION)).all()
    assert refusals == [fuling.username, coordinator.username]


def test_answering_twice_or_on_a_stale_screen_is_refused(session, world):
    coordinator, wanzhou, fuling, items = world
    notice = _issue(session, coordinator, items[:1])
    seen = _response(session, notice, WANZHOU).version
    colleague = make_actor(session, Role.UNIT, unit_id=unit_id(session, WANZHOU))
    session.commit()
    respond_to_notice(session, actor=colleague, notice_id=notice.id, expected_version=seen, text="同事已回复")
    session.commit()
    with pytest.raises(StaleEdit) as stale:
        respond_to_notice(session, actor=wanzhou, notice_id=notice.id, expected_version=seen, text="我的回复")
    assert stale.value.changes["text"] == (None, "同事已回复")
    session.rollback()
    current = _response(session, notice, WANZHOU).version
    with pytest.raises(StateRefused, match="已于"):
        respond_to_notice(session, actor=wanzhou, notice_id=notice.id, expected_version=current, text="再答")
    session.rollback()
    assert _response(session, notice, WANZHOU).text == "同事已回复"
    outcomes = session.scalars(select(AuditEntry.outcome).where(AuditEntry.action == "notice.respond")
                               .order_by(AuditEntry.id)).all()
    assert outcomes == [AuditOutcome.OK, AuditOutcome.REFUSED_STALE, AuditOutcome.REFUSED_INVALID]


def test_escalation_raises_the_level_is_recorded_and_refused_when_stale_or_not_higher(session, world):
    coordinator, wanzhou, fuling, items = world
    notice = _issue(session, coordinator, items)
    other = make_actor(session, Role.COORDINATOR)
    session.commit()
    escalate_notice(session, actor=coordinator, notice_id=notice.id, expected_version=notice.version,
                    level=SupervisionLevel.KEY, reason="逾期未回复", due_on=TODAY + timedelta(days=7))
    session.commit()
    with pytest.raises(StaleEdit) as stale:                   # the colleague's screen shows version 1
        escalate_notice(session, actor=other, notice_id=notice.id, expected_version=1,
                        level=SupervisionLevel.LISTED, reason="再升级")
    assert stale.value.changes["level"] == ("normal", "key")
    session.rollback()
    with pytest.raises(ValidationFailed, match="须高于当前级别"):
        escalate_notice(session, actor=other, notice_id=notice.id, expected_version=2,
                        level=SupervisionLevel.NORMAL, reason="降级")
    with pytest.raises(ValidationFailed, match="必填"):
        escalate_notice(session, actor=other, notice_id=notice.id, expected_version=2,
                        level=SupervisionLevel.LISTED, reason=" ")
    session.rollback()
    escalate_notice(session, actor=other, notice_id=notice.id, expected_version=2,
                    level=SupervisionLevel.LISTED, reason="仍未整改到位")
    session.commit()
    session.expire_all()
    assert session.get(SupervisionNotice, notice.id).level == SupervisionLevel.LISTED
    assert {i.supervision_level for i in session.scalars(select(Item))} == {SupervisionLevel.LISTED}
    steps = session.scalars(select(NoticeEscalation).order_by(NoticeEscalation.id)).all()
    assert [(e.from_level, e.to_level, e.reason) for e in steps] == [
        ("normal", "key", "逾期未回复"), ("key", "listed", "仍未整改到位")]
    assert steps[0].new_due_on == TODAY + timedelta(days=7)
    # the new due date is in the future: the unanswered units are no longer late
    assert notice_detail(session, actor=coordinator, notice_id=notice.id, today=TODAY).notice.late == 0
    with pytest.raises(PermissionDenied):
        escalate_notice(session, actor=wanzhou, notice_id=notice.id, expected_version=3,
                        level=SupervisionLevel.LISTED, reason="x")


def test_lifting_ends_the_notice(session, world):
    coordinator, wanzhou, fuling, items = world
    notice = _issue(session, coordinator, items[:1])
    lift_notice(session, actor=coordinator, notice_id=notice.id, expected_version=1, lifted_on=TODAY)
    session.commit()
    assert needs_my_action(session, actor=wanzhou, today=TODAY).section("notices_awaiting").total == 0
    assert notice_detail(session, actor=coordinator, notice_id=notice.id, today=TODAY).notice.late == 0
    with pytest.raises(StateRefused):
        lift_notice(session, actor=coordinator, notice_id=notice.id, expected_version=2, lifted_on=TODAY)
    with pytest.raises(StateRefused):
        respond_to_notice(session, actor=wanzhou, notice_id=notice.id,
                          expected_version=_response(session, notice, WANZHOU).version, text="迟到的回复")


@pytest.mark.parametrize("change, column", [
    (dict(item_ids=[]), "督办事项"), (dict(doc_no=""), "督办文号"), (dict(content=" "), "督办内容"),
    (dict(level="urgent"), "督办级别"), (dict(issued_on=TODAY + timedelta(days=1)), "发文日期"),
    (dict(due_on=TODAY - timedelta(days=30)), "要求回复日期"),
    (dict(doc_no="渝督办〔2026〕 7号"), "督办文号"),
])
def test_bad_input_names_the_field_and_writes_nothing(session, world, change, column):
    coordinator, wanzhou, fuling, items = world
    _issue(session, coordinator, items[:1])                          # 渝督办〔2026〕7号 is taken
    with pytest.raises(ValidationFailed) as caught:
        _issue(session, coordinator, items, **change)
    assert column in [p.column for p in caught.value.problems]
    session.rollback()
    assert session.scalar(select(func.count()).select_from(SupervisionNotice)) == 1


def test_closed_or_draft_items_cannot_be_supervised(session, world):
    coordinator, *_ = world
    closed = make_item(session, code="CLOSED", status=Status.CLOSED)
    draft = make_item(session, code="DRAFT", status=Status.DRAFT)
    session.commit()
    with pytest.raises(ValidationFailed) as caught:
        _issue(session, coordinator, [closed, draft])
    assert sorted(p.column for p in caught.value.problems) == ["CLOSED", "DRAFT"]
    leader = make_actor(session, Role.LEADER)
    session.commit()
    with pytest.raises(PermissionDenied):
        _issue(session, leader, [closed])


def test_the_items_timeline_tells_the_notice_story(session, world):
    from core.ledger.timeline import item_timeline
    coordinator, wanzhou, fuling, items = world
    notice = _issue(session, coordinator, items)
    respond_to_notice(session, actor=wanzhou, notice_id=notice.id,
                      expected_version=_response(session, notice, WANZHOU).version, text="已整改")
    respond_to_notice(session, actor=fuling, notice_id=notice.id,
                      expected_version=_response(session, notice, FULING).version, text="涪陵已整改")
    escalate_notice(session, actor=coordinator, notice_id=notice.id, expected_version=1,
                    level=SupervisionLevel.KEY, reason="整改不彻底")
    session.commit()
    story = [(e.kind, e.what()) for e in item_timeline(session, actor=coordinator, item_id=items[0].id)
             if e.kind.startswith("supervision")]
    assert story == [("supervision_escalated", "督办升级：一般 → 重点督办（渝督办〔2026〕7号）"),
                     ("supervision_response", "万州区政府逾期回复督办通知（渝督办〔2026〕7号）"),
                     ("supervision", "下发督办通知（一般）")]      # 涪陵's answer is on its own item


def test_an_answers_file_opens_from_the_timeline_of_a_covered_item(session, world, tmp_path):
    """The item's timeline shows the 督办 answer with its file: whoever reads one of the notice's
    items may download it (open_answer_file); a unit reading none of them may not."""
    coordinator, wanzhou, fuling, items = world
    notice = _issue(session, coordinator, items[:2])                 # 万州's two items only
    store = EvidenceStore(tmp_path / "evidence")
    answer = _response(session, notice, WANZHOU)
    respond_to_notice(session, actor=wanzhou, notice_id=notice.id, expected_version=answer.version,
                      text="已完成", attachments=[("整改报告.pdf", PDF)], store=store)
    session.commit()
    [entry] = [e for e in item_timeline(session, actor=wanzhou, item_id=items[0].id)
               if e.attachments]
    [file] = entry.attachments
    assert file.item_id is None and file.owner == Owner("notice_response", answer.id)
    for reader in (coordinator, wanzhou):
        assert open_answer_file(session, actor=reader, attachment_id=file.id, store=store).data == PDF
    with pytest.raises(PermissionDenied):
        open_answer_file(session, actor=fuling, attachment_id=file.id, store=store)
    with pytest.raises(PermissionDenied):          # no such file, or not an answer's
        open_answer_file(session, actor=coordinator, attachment_id=999_999, store=store)
