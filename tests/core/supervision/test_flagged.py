"""The 久拖不决 list against an independent computation: a generated ledger of a few hundred items,
the reasons worked out in plain Python from each row as docs/domain.md words them, compared with
the page's rows (all pages, in severity order), its counts and its Excel export; then a changed
threshold moves every screen and the export alike."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from core.domain import InterviewCircumstance, Role, SourceLevel, Stage, Status
from core.errors import PermissionDenied
from core.excel.exports import export_ledger
from core.ledger.action_queue import needs_my_action
from core.ledger.query import LedgerFilter, list_items
from core.ledger.rules import Reason, load_rule_settings
from core.screen.bigscreen import big_screen
from core.supervision.flagged import export_flagged, flagged_counts, flagged_page
from core.supervision.rule_settings import save_rule_settings
from db.models import District, Interview, InterviewItem, Item, Unit
from tests.factories import make_actor, make_inspection, make_item

TODAY = date.today()
ACTIVE = {Status.ASSIGNED, Status.IN_PROGRESS, Status.SUBMITTED, Status.NOTICE}
DISTRICTS = ("万州区", "涪陵区", "渝中区", "綦江区")


def expected_reasons(item: Item, plan_dues: list[date], rules) -> set[Reason]:
    """久拖不决 in plain Python, as docs/domain.md states it."""
    status = Status(item.status)
    active = status in ACTIVE and not item.is_ongoing
    since = item.latest_progress_on or item.assigned_on
    found = {
        Reason.OVERDUE: active and status in (Status.ASSIGNED, Status.IN_PROGRESS)
        and item.due_on is not None and item.due_on < TODAY,
        Reason.STALE: status in (Status.ASSIGNED, Status.IN_PROGRESS) and since is not None
        and (TODAY - since).days > rules.stale_after_days,
        Reason.BOUNCED: active and item.bounce_count >= rules.bounce_threshold,
        Reason.OLD: active and item.assigned_on is not None
        and (TODAY - item.assigned_on).days > rules.old_after_days,
        Reason.EXTENDED: active and item.extension_count >= rules.extension_threshold,
        Reason.INTERVIEW: active and any(d < TODAY for d in plan_dues),
    }
    return {r for r, hit in found.items() if hit}


def severity_key(item: Item, reasons: set[Reason]):
    far = date.max
    return (-len(reasons), item.due_on or far, item.assigned_on or far, item.id)


def _generated(session, n: int = 240, seed: int = 5) -> None:
    rng = random.Random(seed)
    districts = {name: session.scalar(select(District.id).where(District.name == name)) for name in DISTRICTS}
    govs = {name: session.scalar(select(Unit.id).where(Unit.name == name.replace("区", "区人民政府")))
            for name in DISTRICTS}
    inspections = [make_inspection(session, level=level) for level in SourceLevel]
    for k in range(n):
        name = rng.choice(DISTRICTS)
        status = rng.choice([*ACTIVE, Status.CLOSED, Status.DRAFT])
        ongoing = rng.random() < 0.12
        assigned = None if status is Status.DRAFT else TODAY - timedelta(days=rng.randrange(5, 1200))
        report = assigned + timedelta(days=rng.randrange(0, 400)) if assigned and rng.random() < 0.6 else None
        item = make_item(session, code=f"G-{k:04d}", status=status, is_ongoing=ongoing,
                         stage=Stage.ONGOING if ongoing else Stage.SHORT,
                         inspection=rng.choice(inspections), assigned_on=assigned,
                         latest_progress_on=min(report, TODAY) if report else None,
                         due_on=None if ongoing else TODAY + timedelta(days=rng.randrange(-300, 200)),
                         bounce_count=rng.choice([0, 0, 1, 2, 3]),
                         extension_count=rng.choice([0, 0, 1, 2, 3]),
                         district_id=districts[name], lead_unit_id=govs[name])
        if rng.random() < 0.05:
            interview = Interview(code=f"YT-{k}", circumstance=InterviewCircumstance.POOR_RECTIFICATION,
                                  held_on=TODAY - timedelta(days=40), interviewee_unit_id=govs[name],
                                  plan_due_on=TODAY + timedelta(days=rng.choice([-10, 10])))
            session.add(interview)
            session.flush()
            session.add(InterviewItem(interview_id=interview.id, item_id=item.id))
    session.commit()


def independent(session, rules, keep=lambda item: True) -> dict[int, set[Reason]]:
    plans: dict[int, list[date]] = {}
    for item_id, due in session.execute(select(InterviewItem.item_id, Interview.plan_due_on)
                                        .join(Interview, Interview.id == InterviewItem.interview_id)):
        plans.setdefault(item_id, []).append(due)
    found = {}
    for item in session.scalars(select(Item)):
        reasons = expected_reasons(item, plans.get(item.id, []), rules)
        if reasons and keep(item):
            found[item.id] = reasons
    return found


def all_rows(session, actor, flt, page_size=37):
    rows, page = [], 1
    while True:
        got = flagged_page(session, actor=actor, flt=flt, today=TODAY, page=page, page_size=page_size).rows
        rows += got
        if len(got) < page_size:
            return rows
        page += 1


@pytest.fixture
def ledger(session):
    _generated(session)
    return make_actor(session, Role.COORDINATOR)


def test_the_flagged_list_equals_an_independent_computation(session, ledger):
    rules = load_rule_settings(session)
    want = independent(session, rules)
    assert 40 < len(want) < 220                 # the generated ledger exercises both sides
    rows = all_rows(session, ledger, LedgerFilter())
    assert {r.id: set(r.reasons) for r in rows} == want
    items = {i.id: i for i in session.scalars(select(Item))}
    assert [r.id for r in rows] == sorted(want, key=lambda i: severity_key(items[i], want[i]))
    counts = flagged_counts(session, actor=ledger, flt=LedgerFilter(), today=TODAY)
    assert counts.total == len(want)
    assert counts.by_reason == {r: sum(r in v for v in want.values()) for r in Reason}
    by_district = Counter(items[i].district_id for i in want)
    assert {t.key: t.items for t in counts.by_district} == dict(by_district)
    assert {t.key: t.items for t in counts.by_unit} == dict(Counter(items[i].holder_unit_id for i in want))
    assert [t.items for t in counts.by_district] == sorted(by_district.values(), reverse=True)


def test_each_filter_narrows_exactly(session, ledger):
    rules = load_rule_settings(session)
    items = {i.id: i for i in session.scalars(select(Item))}
    wanzhou = items[min(items)].district_id
    cases = [
        (LedgerFilter(reasons=(Reason.STALE, Reason.BOUNCED)),
         lambda i, r: bool(r & {Reason.STALE, Reason.BOUNCED})),
        (LedgerFilter(district_ids=(wanzhou,)), lambda i, r: i.district_id == wanzhou),
        (LedgerFilter(unit_id=items[min(items)].lead_unit_id),
         lambda i, r: i.lead_unit_id == items[min(items)].lead_unit_id),
        (LedgerFilter(levels=(SourceLevel.CENTRAL,)), lambda i, r: i.source_level == SourceLevel.CENTRAL),
        (LedgerFilter(inspection_id=items[min(items)].inspection_id),
         lambda i, r: i.inspection_id == items[min(items)].inspection_id),
    ]
    everything = independent(session, rules)
    for flt, keep in cases:
        want = {i for i, r in everything.items() if keep(items[i], r)}
        assert {r.id for r in all_rows(session, ledger, flt)} == want, flt
        assert flagged_counts(session, actor=ledger, flt=flt, today=TODAY).total == len(want), flt


def _exported_codes(data: bytes) -> list[str]:
    ws = load_workbook(BytesIO(data), read_only=True).active
    header = [c for c in next(ws.iter_rows(min_row=3, max_row=3, values_only=True))]
    code = header.index("编号")
    return [row[code] for row in ws.iter_rows(min_row=5, values_only=True) if row[code]]


def test_the_export_is_the_filtered_view_exactly(session, ledger):
    flt = LedgerFilter(reasons=(Reason.OVERDUE,), levels=(SourceLevel.CITY, SourceLevel.MINISTRY))
    rows = all_rows(session, ledger, flt)
    data = export_flagged(session, actor=ledger, flt=flt, today=TODAY)
    assert _exported_codes(data) == [r.code for r in rows]
    ws = load_workbook(BytesIO(data), read_only=True).active
    header = list(next(ws.iter_rows(min_row=3, max_row=3, values_only=True)))
    first = next(ws.iter_rows(min_row=5, max_row=5, values_only=True))
    assert first[header.index("久拖不决情形")] == rows[0].reason_text()
    assert first[header.index("严重程度")] == rows[0].severity
    subtitle = next(ws.iter_rows(min_row=2, max_row=2, values_only=True))[0]
    assert "久拖不决情形=逾期" in subtitle and "来源层级=" in subtitle


def test_units_and_viewers_may_not_read_the_list(session, ledger):
    for role in (Role.UNIT, Role.VIEWER):
        with pytest.raises(PermissionDenied):
            flagged_page(session, actor=make_actor(session, role), flt=LedgerFilter(), today=TODAY)


def test_a_changed_threshold_moves_every_screen_and_the_export_alike(session, ledger):
    """The 台账 (仅久拖不决), the map's district figures, the big screen, the 久拖不决 page, a
    unit's 我的待办 and both exports, each called as its page calls it (no thresholds passed)."""
    admin = make_actor(session, Role.ADMIN)
    session.commit()
    unit_id = session.scalar(select(Item.holder_unit_id).order_by(Item.id))
    unit = make_actor(session, Role.UNIT, unit_id=unit_id)
    session.commit()

    def screens() -> dict[str, int]:
        flt = LedgerFilter(long_unresolved_only=True)
        screen = big_screen(session, actor=ledger, today=TODAY)
        return {
            "台账": list_items(session, actor=ledger, flt=flt, today=TODAY).total,
            "map": sum(d.long_unresolved for d in (*screen.districts, screen.citywide)),
            "big screen": screen.headline.long_unresolved.now,
            "久拖不决": flagged_counts(session, actor=ledger, flt=LedgerFilter(), today=TODAY).total,
            "台账 export": len(_exported_codes(export_ledger(session, actor=ledger, flt=flt, today=TODAY))),
            "久拖不决 export": len(_exported_codes(export_flagged(session, actor=ledger, flt=LedgerFilter(),
                                                                   today=TODAY))),
        }

    def unit_queue() -> int:
        return needs_my_action(session, actor=unit, today=TODAY).section("long_unresolved").total

    def expected_unit_queue(rules) -> int:
        mine = independent(session, rules, keep=lambda i: unit_id in (i.lead_unit_id, i.holder_unit_id)
                           and i.status in (Status.ASSIGNED, Status.IN_PROGRESS))
        return len(mine)

    before = screens()
    want_before = len(independent(session, load_rule_settings(session)))
    assert set(before.values()) == {want_before}
    assert unit_queue() == expected_unit_queue(load_rule_settings(session))
    save_rule_settings(session, actor=admin, values={"stale_after_days": 400, "old_after_days": 1000,
                                                     "bounce_threshold": 3, "extension_threshold": 3},
                       seen_versions={"stale_after_days": 1, "old_after_days": 1, "bounce_threshold": 1,
                                      "extension_threshold": 1})
    session.commit()
    rules = load_rule_settings(session)
    after = screens()
    want_after = len(independent(session, rules))
    assert want_after < want_before
    assert after == dict.fromkeys(after, want_after)
    assert unit_queue() == expected_unit_queue(rules)
