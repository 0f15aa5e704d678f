"""Demo data: the same seed gives the same ledger; it covers the whole domain, and every item's
status, transitions, progress, deadline, extensions and units agree with each other."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from collections import defaultdict
from contextlib import closing
from datetime import date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import manage
from core.calendar.workdays import add_workdays
from core.domain import (
    Category,
    InspectionKind,
    InterviewFollowUp,
    ItemType,
    PlanState,
    ReferralKind,
    ReferralStatus,
    Role,
    SourceLevel,
    Stage,
    Status,
    SupervisionLevel,
    UnitRole,
)
from core.errors import LedgerError
from core.interviews.deadlines import plan_state_column, stored_years
from core.ledger.deadlines import parse_deadline
from core.ledger.rules import Reason, RuleSettings, reason_conditions
from core.referrals.states import feedback_overdue_condition
from core.supervision.notice_views import notice_detail
from db.engine import engine_for
from db.models import (
    Base,
    District,
    Extension,
    FollowUpMeasure,
    FollowUpRecord,
    Inspection,
    Interview,
    InterviewEvent,
    InterviewPerson,
    Item,
    ItemUnit,
    LedgerRevision,
    NoticeEscalation,
    Petition,
    ProgressReport,
    Referral,
    ReferralItem,
    ReferralStep,
    StationedFollowUp,
    SupervisionNotice,
    SupervisionNoticeItem,
    Transition,
    Unit,
)
from demo import data as demo_data
from demo import writer as demo_writer
from demo.data import seed_demo
from tests.conftest import new_database
from tests.factories import make_actor

AS_OF = date(2025, 6, 30)
ITEMS = 2000


@pytest.fixture
def seeded(database_url) -> Session:
    """A session on a ledger seeded with ITEMS demo items as of AS_OF."""
    seed_demo(database_url, items=ITEMS, seed=7, as_of=AS_OF)
    with Session(engine_for(database_url)) as session:
        yield session


@pytest.fixture
def fresh_url(request, database_url, tmp_path):
    """Makes more new, migrated databases of the same engine as `database_url`."""
    backend = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    return lambda name: new_database(request, backend, tmp_path / f"{name}.db")


SEEDED_TABLES = ("inspection", "item", "item_unit", "progress_report", "transition", "extension",
                 "supervision_notice", "supervision_notice_item", "notice_response", "notice_escalation",
                 "stationed_follow_up", "follow_up_record", "petition", "interview",
                 "interview_item", "interview_person", "interview_follow_up", "interview_event",
                 "referral", "referral_item", "referral_step")


def ledger_digest(url: str) -> str:
    """sha256 over every column of every table the seeding writes, in primary-key order."""
    digest = hashlib.sha256()
    with engine_for(url).connect() as conn:
        for name in SEEDED_TABLES:
            table = Base.metadata.tables[name]
            rows = conn.execute(select(table).order_by(*table.primary_key.columns)).all()
            assert rows, name
            digest.update(repr(rows).encode())
    return digest.hexdigest()


def test_same_seed_same_ledger_other_seed_another(database_url, fresh_url):
    again, other = fresh_url("again"), fresh_url("other")
    for url, seed in ((database_url, 11), (again, 11), (other, 12)):
        seed_demo(url, items=600, seed=seed, as_of=AS_OF)
    assert ledger_digest(database_url) == ledger_digest(again)
    assert ledger_digest(database_url) != ledger_digest(other)


def stored_rows(path) -> list:
    """Every seeded table's rows exactly as SQLite stores them (text, integer, real, null)."""
    with closing(sqlite3.connect(path)) as conn:
        return [conn.execute(f"SELECT * FROM {name} ORDER BY 1, 2").fetchall()
                for name in SEEDED_TABLES]


def test_sqlite_bulk_path_stores_what_sqlalchemy_core_would(sqlite_template, tmp_path, monkeypatch):
    fast, core = tmp_path / "fast.db", tmp_path / "core.db"
    for path in (fast, core):
        shutil.copyfile(sqlite_template, path)
    seed_demo(f"sqlite:///{fast}", items=600, seed=11, as_of=AS_OF)
    monkeypatch.setattr(demo_data, "writer_for", demo_writer.Writer)
    seed_demo(f"sqlite:///{core}", items=600, seed=11, as_of=AS_OF)
    for path in (fast, core):
        engine_for(f"sqlite:///{path}").dispose()
    assert stored_rows(fast) == stored_rows(core)


def test_sqlite_bulk_pragmas_last_only_as_long_as_the_seeding(sqlite_template, tmp_path):
    path = tmp_path / "ledger.db"
    shutil.copyfile(sqlite_template, path)
    engine = engine_for(f"sqlite:///{path}")
    with engine.connect() as conn:
        before = [conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                  for name in demo_writer.SQLITE_BULK_PRAGMAS]
    seed_demo(f"sqlite:///{path}", items=20, seed=1, as_of=AS_OF)
    with engine.connect() as conn:   # the same pooled sqlite3 connection
        after = [conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                 for name in demo_writer.SQLITE_BULK_PRAGMAS]
    engine.dispose()
    assert after == before and before[0] != 0   # synchronous back from OFF (0) to the engine's


def distinct(session: Session, column) -> set:
    return set(session.scalars(select(column).distinct()))


def test_covers_every_district_status_kind_level_category(seeded):
    assert distinct(seeded, Item.district_id) - {None} == distinct(seeded, District.id)
    assert len(distinct(seeded, District.id)) == 41
    assert distinct(seeded, Item.status) == set(Status)
    assert distinct(seeded, Item.inspection_kind) == set(InspectionKind)
    assert distinct(seeded, Item.source_level) == set(SourceLevel)
    assert distinct(seeded, Item.category) == set(Category)
    assert distinct(seeded, Item.item_type) == set(ItemType)
    assert distinct(seeded, Item.stage) == set(Stage)
    assert distinct(seeded, Item.supervision_level) == {*SupervisionLevel, None}   # None: never supervised
    assert distinct(seeded, Inspection.kind) == set(InspectionKind)
    assert distinct(seeded, Inspection.level) == set(SourceLevel)
    assert seeded.scalar(select(func.count()).where(Inspection.year.is_not(None))) >= 6


def test_citywide_items_are_led_by_municipal_bodies(seeded):
    kinds = seeded.scalars(select(Unit.kind).join(Item, Item.lead_unit_id == Unit.id)
                           .where(Item.district_id.is_(None)).distinct()).all()
    assert kinds and set(kinds) <= {"municipal", "soe"}
    local = seeded.execute(select(Item.district_id, Unit.district_id)
                           .join(Unit, Item.lead_unit_id == Unit.id)
                           .where(Item.district_id.is_not(None))).all()
    assert all(item_district == unit_district for item_district, unit_district in local)


def test_some_items_meet_each_long_unresolved_rule(seeded):
    for reason, condition in reason_conditions(RuleSettings(), AS_OF).items():
        count = seeded.scalar(select(func.count()).select_from(Item).where(condition))
        assert count > 0, reason
    ongoing_overdue = reason_conditions(RuleSettings(), AS_OF)[Reason.OVERDUE] & Item.is_ongoing
    assert seeded.scalar(select(func.count()).select_from(Item).where(ongoing_overdue)) == 0


def test_latest_progress_is_the_last_report_and_percent_rises(seeded):
    """Percent rises with each report; a 季调度 report (demo/dispatch.py) may repeat it once the
    work is done (100), and may come on top of the 1–4 reports drawn with the item."""
    reports = defaultdict(list)
    for item_id, day, percent, text_, round_id in seeded.execute(
            select(ProgressReport.item_id, ProgressReport.reported_on, ProgressReport.percent,
                   ProgressReport.text, ProgressReport.dispatch_round_id).order_by(ProgressReport.id)):
        reports[item_id].append((day, percent, text_, round_id))
    items = seeded.execute(select(Item.id, Item.latest_progress_on, Item.progress_percent,
                                  Item.latest_progress, Item.assigned_on)).all()
    drawn = [sum(r[3] is None for r in rows) for rows in reports.values()]
    assert set(drawn) - {0} == {1, 2, 3, 4}
    assert any(r[3] is not None for rows in reports.values() for r in rows)
    for item_id, latest_on, percent, latest, assigned_on in items:
        rows = reports.get(item_id)
        if not rows:
            assert (latest_on, percent, latest) == (None, 0, None)
            continue
        assert latest_on == max(r[0] for r in rows) == rows[-1][0]
        assert (percent, latest) == rows[-1][1:3]
        assert [r[0] for r in rows] == sorted(r[0] for r in rows)
        assert all(a[1] < b[1] or (b[3] is not None and a[1] == b[1] == 100)
                   for a, b in zip(rows, rows[1:], strict=False)), item_id
        assert assigned_on < rows[0][0] <= AS_OF


def test_transitions_lead_to_the_status_in_order(seeded):
    moves = defaultdict(list)
    for row in seeded.execute(select(Transition.item_id, Transition.from_status,
                                     Transition.to_status, Transition.at, Transition.reason)
                              .order_by(Transition.id)):
        moves[row.item_id].append(row)
    items = seeded.execute(select(Item.id, Item.status, Item.bounce_count, Item.reopen_count,
                                  Item.closed_on, Item.close_doc_no, Item.accepted_on)).all()
    assert len(moves) == len(items) == ITEMS
    for item in items:
        path = moves[item.id]
        assert (path[0].from_status, path[0].to_status) == (None, Status.DRAFT)
        assert path[-1].to_status == item.status
        assert all(a.to_status == b.from_status and a.at < b.at
                   for a, b in zip(path, path[1:], strict=False))
        back = [m for m in path if m.to_status == Status.IN_PROGRESS and m.from_status in
                (Status.SUBMITTED, Status.CLOSED)]
        assert all(m.reason for m in back)
        assert sum(m.from_status == Status.SUBMITTED for m in back) == item.bounce_count
        assert sum(m.from_status == Status.CLOSED for m in back) == item.reopen_count
        closed = item.status == Status.CLOSED
        assert (item.closed_on is not None, item.close_doc_no is not None) == (closed, closed)
        if closed:
            assert item.accepted_on < item.closed_on <= AS_OF
            assert path[-1].at.date() == item.closed_on


def test_deadline_text_means_the_due_date_and_extensions_move_it(seeded):
    items = seeded.execute(select(Item.id, Item.deadline_text, Item.due_on, Item.original_due_on,
                                  Item.is_ongoing, Item.stage, Item.assigned_on,
                                  Item.extension_count)).all()
    texts = {i.deadline_text for i in items}
    assert {"立行立改", "长期坚持"} <= texts
    assert any(t.endswith("月底前") for t in texts) and any(t.endswith("年底前") for t in texts)
    assert any(t.endswith("日") for t in texts)
    approved = defaultdict(list)
    for ext in seeded.scalars(select(Extension).where(Extension.status == "approved")
                              .order_by(Extension.id)):
        approved[ext.item_id].append(ext)
    for i in items:
        parsed = parse_deadline(i.deadline_text, assigned_on=i.assigned_on)
        assert (parsed.due_on, parsed.ongoing) == (i.due_on, i.is_ongoing), i
        assert (i.stage == Stage.ONGOING) == i.is_ongoing
        chain = approved.get(i.id, [])
        assert len(chain) == i.extension_count
        if chain:
            assert chain[0].old_due_on == i.original_due_on and chain[-1].new_due_on == i.due_on
            assert all(a.new_due_on == b.old_due_on for a, b in zip(chain, chain[1:], strict=False))


def test_each_item_has_one_lead_and_one_to_three_responsible_units(seeded):
    roles = defaultdict(lambda: defaultdict(list))
    for item_id, unit_id, role in seeded.execute(select(ItemUnit.item_id, ItemUnit.unit_id,
                                                        ItemUnit.role)):
        roles[item_id][role].append(unit_id)
    handed_over = 0
    for item_id, lead, holder in seeded.execute(select(Item.id, Item.lead_unit_id,
                                                       Item.holder_unit_id)):
        assert roles[item_id][UnitRole.LEAD] == [lead]
        assert 1 <= len(roles[item_id][UnitRole.RESPONSIBLE]) <= 3
        assert holder == lead or holder in roles[item_id][UnitRole.RESPONSIBLE]
        handed_over += holder != lead
    assert 0 < handed_over < ITEMS / 10


def test_side_records_exist_and_point_at_the_right_places(seeded):
    assert seeded.scalar(select(func.count()).select_from(Interview)) > 0
    assert len(distinct(seeded, Referral.kind)) >= 4 and len(distinct(seeded, Referral.status)) >= 3
    petition_kinds = seeded.execute(select(Inspection.kind, Inspection.level).distinct()
                                    .join(Petition, Petition.inspection_id == Inspection.id)).all()
    assert {(k, lv) for k, lv in petition_kinds} >= {("routine", "central")}
    assert {k for k, _ in petition_kinds} == {"routine"}
    following = seeded.scalars(select(Inspection.kind).distinct()
                               .join(StationedFollowUp,
                                     StationedFollowUp.inspection_id == Inspection.id)).all()
    assert set(following) == {"stationed", "special"}   # special: demo.supervision's
    phones = seeded.scalars(select(Item.contact_phone).limit(200)).all()
    assert all(p.startswith("023-6") and len(p) == 12 for p in phones)


def test_if_empty_skips_and_a_second_seed_is_refused(database_url):
    first = seed_demo(database_url, items=50, seed=1, as_of=AS_OF)
    assert str(first).startswith("seeded 50 items, ") and "transitions" in str(first)
    with Session(engine_for(database_url)) as s:
        revision = s.scalar(select(LedgerRevision.revision))
    again = seed_demo(database_url, items=50, seed=2, as_of=AS_OF, if_empty=True)
    assert again.skipped_items == 50 and "nothing seeded" in str(again)
    with pytest.raises(LedgerError, match="already has 50 items"):
        seed_demo(database_url, items=50, seed=2, as_of=AS_OF)
    with Session(engine_for(database_url)) as s:
        assert s.scalar(select(func.count()).select_from(Item)) == 50
        assert s.scalar(select(LedgerRevision.revision)) == revision == 1


def test_manage_seed_demo_takes_as_of(database_url, monkeypatch, capsys):
    monkeypatch.setenv("LEDGER_DATABASE_URL", database_url)
    assert manage.main(["seed-demo", "--items", "30", "--seed", "3", "--as-of", "2024-12-31"]) == 0
    assert "seeded 30 items" in capsys.readouterr().out
    with Session(engine_for(database_url)) as s:
        assert s.scalar(select(func.max(Transition.at))).date() <= date(2024, 12, 31)
    assert manage.main(["seed-demo", "--as-of", "31.12.2024"]) == 2


def test_referrals_in_every_state_reached_by_their_steps(seeded):
    assert distinct(seeded, Referral.status) == set(ReferralStatus)
    assert distinct(seeded, Referral.kind) == set(ReferralKind)
    steps = defaultdict(list)
    for step in seeded.scalars(select(ReferralStep).order_by(ReferralStep.at, ReferralStep.id)):
        steps[step.referral_id].append(step)
    for r in seeded.scalars(select(Referral)):
        path = steps[r.id]
        assert (path[0].move, path[0].from_status, path[0].to_status) == ("record", None, "pending")
        assert all(a.to_status == b.from_status for a, b in zip(path, path[1:], strict=False)), r.code
        assert path[-1].to_status == r.status and r.version == len(path)
        assert all(s.at.date() <= AS_OF for s in path)
        if r.sent_on is None:
            assert r.status == ReferralStatus.PENDING and r.feedback_due_on is None
            continue
        due = add_workdays(r.sent_on, r.feedback_workdays)     # working days, not calendar days
        assert r.feedback_due_on == due.due_on
        assert r.feedback_uncovered_years == (",".join(map(str, due.uncovered_years)) or None)


def test_demo_receivers_have_work_and_overdue_feedback_stands_out(seeded):
    for name in ("万州区公安局", "中共重庆市纪律检查委员会 重庆市监察委员会"):
        unit = seeded.scalar(select(Unit.id).where(Unit.name == name))
        states = set(seeded.scalars(select(Referral.status).where(Referral.to_unit_id == unit)))
        assert len(states) >= 5 and ReferralStatus.REFUSED in states, name
        late = seeded.scalar(select(func.count()).select_from(Referral).where(
            Referral.to_unit_id == unit, feedback_overdue_condition(AS_OF)))
        assert late >= 1, name


def test_a_referral_counts_in_its_items_district(seeded):
    items = defaultdict(list)
    for rid, district in seeded.execute(select(ReferralItem.referral_id, Item.district_id)
                                        .join(Item, Item.id == ReferralItem.item_id)):
        items[rid].append(district)
    referrals = dict(seeded.execute(select(Referral.id, Referral.district_id)).all())
    assert referrals.keys() == items.keys()
    for rid, districts in items.items():
        known = [d for d in districts if d is not None]
        expected = min(known, key=lambda d: (-known.count(d), d)) if known else None
        assert referrals[rid] == expected, rid


# --- interviews -------------------------------------------------------------------------------

def test_interview_plans_are_due_in_working_days_not_calendar_days(seeded):
    rows = seeded.execute(select(Interview.held_on, Interview.plan_workdays, Interview.plan_due_on,
                                 Interview.plan_due_uncovered)).all()
    assert rows
    for held, workdays, due, uncovered in rows:   # a few dozen interviews
        counted = add_workdays(held, workdays)
        assert (due, uncovered) == (counted.due_on, stored_years(counted.uncovered_years)), held


@pytest.fixture
def year_end(database_url) -> Session:
    """A demo ledger as of 2 December 2026: 15 working days no longer fit in the year."""
    seed_demo(database_url, items=1500, seed=5, as_of=date(2026, 12, 2))
    with Session(engine_for(database_url)) as session:
        yield session


def test_interviews_show_every_plan_state_and_every_measure(year_end):
    today = date(2026, 12, 2)
    states = set(year_end.scalars(select(plan_state_column(today)).select_from(Interview)))
    assert states == {s.value for s in PlanState}
    [(code, workdays, due, years)] = year_end.execute(
        select(Interview.code, Interview.plan_workdays, Interview.plan_due_on, Interview.plan_due_uncovered)
        .where(Interview.plan_due_uncovered.is_not(None))).all()
    assert due.year == 2027 and years == "2027" and workdays in (15, 20, 25, 30)
    assert distinct(year_end, FollowUpMeasure.kind) == {k.value for k in InterviewFollowUp}
    restricted = year_end.scalars(select(FollowUpMeasure.district_id)
                                  .where(FollowUpMeasure.kind == "restriction")).all()
    assert restricted and all(restricted)
    first = year_end.execute(select(InterviewEvent.interview_id, func.min(InterviewEvent.id))
                             .group_by(InterviewEvent.interview_id)).all()
    kinds = dict(year_end.execute(select(InterviewEvent.id, InterviewEvent.kind)).all())
    assert {kinds[i] for _, i in first} == {"recorded"}
    assert year_end.scalar(select(func.count(func.distinct(InterviewPerson.interview_id)))) == \
        year_end.scalar(select(func.count()).select_from(Interview))


def test_demo_dispatch_rounds_show_every_state(seeded):
    """demo/dispatch.py: last quarter's round closed with its snapshot, this quarter's past its
    date (reported and late units), another still running (reported and not-yet units); every
    round report is on an item the round covers, entered while it ran, never after AS_OF."""
    from core.access.permissions import SYSTEM
    from core.dispatch import snapshot
    from core.dispatch.scope import RoundScope, scope_condition
    from db.models import DispatchFigure, DispatchItem, QuarterlyDispatch

    rounds = seeded.scalars(select(QuarterlyDispatch).order_by(QuarterlyDispatch.id)).all()
    assert [r.closed_at is not None for r in rounds] == [True, False, False]
    states = [{s.state.value for s in snapshot.unit_statuses(seeded, actor=SYSTEM, round_id=r.id,
                                                            today=AS_OF)[1]} for r in rounds]
    assert states[0] >= {"reported", "late"} and states[1] == {"reported", "late"}
    assert states[2] == {"reported", "not_yet"}
    assert seeded.scalar(select(func.count()).select_from(DispatchFigure)
                         .where(DispatchFigure.round_id == rounds[0].id,
                                DispatchFigure.dimension == "total")) == 1
    for r in rounds:
        members = set(seeded.scalars(select(DispatchItem.item_id).where(DispatchItem.round_id == r.id)))
        covered = set(seeded.scalars(select(Item.id).where(scope_condition(RoundScope.from_json(r.scope)))))
        assert members and members == covered, r.title
        answers = seeded.execute(select(ProgressReport.item_id, ProgressReport.created_at)
                                 .where(ProgressReport.dispatch_round_id == r.id)).all()
        assert answers and {i for i, _ in answers} <= members
        last = r.closed_at or datetime.combine(AS_OF, datetime.max.time())
        assert all(r.opened_at <= at <= last for _, at in answers), r.title


def test_supervision_is_alive(seeded):
    """Notices over several items with on-time, late and missing answers and an escalation; a
    stationed inspection under way and a concluded special one, with follow-ups; an item has a
    督办级别 exactly when a notice covers it."""
    covered = set(seeded.scalars(select(SupervisionNoticeItem.item_id)))
    levelled = set(seeded.scalars(select(Item.id).where(Item.supervision_level.is_not(None))))
    assert covered == levelled
    multi = seeded.scalars(select(SupervisionNoticeItem.notice_id)
                           .group_by(SupervisionNoticeItem.notice_id).having(func.count() > 1)).all()
    assert len(multi) == 3
    office = make_actor(seeded, Role.COORDINATOR)
    details = [notice_detail(seeded, actor=office, notice_id=n, today=AS_OF) for n in sorted(multi)]
    answers = [(r.responded_on is not None, r.late) for d in details for r in d.responses]
    assert {(True, False), (True, True), (False, True)} <= set(answers)
    assert seeded.scalar(select(func.count()).select_from(NoticeEscalation)) == 2
    assert {d.notice.level for d in details} >= {SupervisionLevel.LISTED}
    states = dict(seeded.execute(select(Inspection.name, Inspection.state)
                                 .where(Inspection.team.like("市督察办%"))).all())
    assert sorted(states.values()) == ["concluded", "open"]
    records = seeded.scalars(select(FollowUpRecord.kind).distinct()).all()
    assert set(records) == {"visit", "finding"}
    special = seeded.scalar(select(Inspection).where(Inspection.kind == "special",
                                                     Inspection.team == "市督察办专项督察组"))
    assert special.finding and special.origin_inspection_id and special.clues
    assert seeded.scalar(select(func.count()).select_from(SupervisionNotice)) > 3
