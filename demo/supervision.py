"""Supervision in the demo ledger, drawn once after the items (it looks at them through SQL):

- the catalogue's stationed and special inspections get their team, place or subject, and those
  that have ended their conclusion (and, for special ones, the cause-and-responsibility finding);
- a stationed inspection under way follows a handful of long-unresolved items of one district,
  with visits and findings; a special inspection opened from clues of the daily inspection is
  concluded, with its finding;
- three 督办 notices over several long-unresolved items each, addressed to their units: one
  answered on time, one answered late by one unit and not at all by the other, one escalated
  twice (一般 → 重点 → 挂牌督办) and still unanswered past its due date.
Everything is deterministic for a given (seed, as_of); a ledger too small to hold the needed
long-unresolved items gets what fits.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from sqlalchemy import Connection, select, update

from core.domain import FollowUpKind, InspectionKind, InspectionState, Status, SupervisionLevel
from core.ledger.rules import RuleSettings, long_unresolved_condition, reason_columns, reasons_from_row
from db.models import District, Inspection, Item
from demo.context import EPOCH, Ctx

RANK = {None: 0, "normal": 1, "key": 2, "listed": 3}
TEAMS = ("第一督察组", "第二督察组", "第三督察组")
VISITS = ("现场核查整改进展，查阅整改台账和佐证材料", "走访周边群众，了解问题整改效果",
          "约见责任单位负责同志，督促倒排工期", "暗查暗访夜间排放情况")
FINDINGS = ("整改方案措施不具体，时间节点不明确", "资金未落实到位，工程建设滞后",
            "部门之间推诿扯皮，牵头单位统筹不力", "存在表面整改、敷衍整改问题")
CONCLUSION = "督促责任单位制定整改清单，已整改到位的按程序申请销号，未整改到位的纳入季度调度跟踪。"
REQUIREMENTS = "以下久拖不决问题限期整改到位，逐项报送整改情况及佐证材料"
ANSWER = "已逐项落实整改措施，整改进展及佐证材料见附件"
ESCALATION = "逾期未回复，整改无实质进展"
CLUES = "日常督察调度中发现多个区县同类问题长期无进展"
SPECIAL_FINDING = ("属地政府履行生态环境保护责任不到位，行业主管部门监管缺位；"
                   "对相关责任人的问责线索已移交纪委监委。")


def supervision_tables(conn: Connection, ctx: Ctx, seed: int) -> Iterator[tuple[str, dict]]:
    """(table, columns) rows to write, after updating the catalogue inspections in place."""
    as_of = EPOCH + timedelta(days=int(ctx.today))
    rng = random.Random(seed * 7919 + int(ctx.today))
    _describe_catalogue(conn, as_of)
    flagged = _flagged(conn, as_of)
    if len(flagged) < 6:
        return
    yield from _inspections(conn, ctx, rng, as_of, flagged)
    yield from _notices(conn, ctx, rng, as_of, flagged)


def _describe_catalogue(conn: Connection, as_of: date) -> None:
    places = conn.scalars(select(District.name).order_by(District.sort_order)).all()
    rows = conn.execute(select(Inspection.id, Inspection.kind, Inspection.ended_on, Inspection.scope)
                        .where(Inspection.kind.in_((InspectionKind.STATIONED, InspectionKind.SPECIAL)))
                        .order_by(Inspection.id)).all()
    for n, (insp_id, kind, ended_on, scope) in enumerate(rows):
        done = ended_on is not None and ended_on < as_of
        stationed = kind == InspectionKind.STATIONED
        conn.execute(update(Inspection).where(Inspection.id == insp_id).values(
            state=InspectionState.CONCLUDED if done else InspectionState.OPEN,
            team=TEAMS[n % len(TEAMS)], place=places[(n * 7) % len(places)] if stationed else None,
            subject=None if stationed else scope, conclusion=CONCLUSION if done else None,
            finding=SPECIAL_FINDING if done and not stationed else None,
            updated_at=Inspection.updated_at))   # not the clock: the same seed, the same ledger


def _flagged(conn: Connection, as_of: date) -> list:
    """Long-unresolved items on as_of (the default thresholds), oldest id first."""
    rules = RuleSettings()
    stmt = (select(Item.id, Item.district_id, Item.holder_unit_id, Item.supervision_level,
                   *reason_columns(rules, as_of))
            .where(Item.status.in_((Status.ASSIGNED, Status.IN_PROGRESS)),
                   Item.holder_unit_id.is_not(None), long_unresolved_condition(rules, as_of))
            .order_by(Item.id).limit(5000))
    return conn.execute(stmt).all()


def _stamp(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour)


# ---------------------------------------------------------------- inspections

def _inspections(conn, ctx: Ctx, rng: random.Random, as_of: date, flagged: list):
    by_district: dict = {}
    for row in flagged:
        by_district.setdefault(row.district_id, []).append(row)
    district_id, rows = max(((d, r) for d, r in by_district.items() if d is not None),
                            key=lambda p: (len(p[1]), -p[0]), default=(None, flagged))
    stationed = rows[:8]
    place = conn.scalar(select(District.name).where(District.id == district_id)) or "全市"
    taken = {r.id for r in stationed}
    special = [r for r in flagged if r.id not in taken][:3]
    daily = conn.scalar(select(Inspection.id).where(Inspection.kind == InspectionKind.DAILY)
                        .order_by(Inspection.started_on.desc()))
    ids = ctx.take("inspection", 2).tolist()
    start, special_start = as_of - timedelta(days=20), as_of - timedelta(days=70)
    yield "inspection", dict(
        id=ids, name=[f"{as_of.year}年久拖不决问题驻点督察（{place}）",
                      f"{as_of.year}年整改不力问题专项督察"],
        kind=[InspectionKind.STATIONED.value, InspectionKind.SPECIAL.value], level=["city", "city"],
        is_look_back=[False, False], started_on=[start, special_start],
        ended_on=[as_of + timedelta(days=40), as_of - timedelta(days=10)],
        scope=[place, "督察发现整改不力、敷衍整改问题"], team=["市督察办驻点督察组", "市督察办专项督察组"],
        place=[place, None], subject=[None, "督察发现整改不力、敷衍整改问题的原因和责任"],
        origin_inspection_id=[None, daily], clues=[None, CLUES if daily else None],
        state=[InspectionState.OPEN.value, InspectionState.CONCLUDED.value],
        conclusion=[None, CONCLUSION], finding=[None, SPECIAL_FINDING], version=[1, 1],
        updated_at=[_stamp(start, 9), _stamp(as_of - timedelta(days=10), 17)])
    follows = [(ids[0], r, start) for r in stationed] + [(ids[1], r, special_start) for r in special]
    yield "stationed_follow_up", dict(
        inspection_id=[i for i, _, _ in follows], item_id=[r.id for _, r, _ in follows],
        reasons=[[x.value for x in reasons_from_row(r)] for _, r, _ in follows],
        added_on=[d for _, _, d in follows])
    records = [(ids[0], r.id, start + timedelta(days=2 + 3 * k), FollowUpKind.VISIT, VISITS[k % 4])
               for k, r in enumerate(stationed[:4])]
    records += [(ids[0], None, start + timedelta(days=15), FollowUpKind.FINDING,
                 FINDINGS[rng.randrange(4)]),
                (ids[1], special[0].id if special else None, special_start + timedelta(days=9),
                 FollowUpKind.VISIT, VISITS[1]),
                (ids[1], None, special_start + timedelta(days=40), FollowUpKind.FINDING, FINDINGS[2])]
    yield "follow_up_record", dict(
        inspection_id=[r[0] for r in records], item_id=[r[1] for r in records],
        kind=[r[3].value for r in records], recorded_on=[r[2] for r in records],
        place=[place if r[0] == ids[0] else None for r in records], text=[r[4] for r in records],
        created_at=[_stamp(r[2], 16) for r in records])


# ---------------------------------------------------------------- notices over several items

def _pick_two_units(flagged: list, k: int, used: set) -> list:
    """Up to three items of one unit and two of another (the k-th and the next busiest units
    among the flagged items not used before)."""
    by_unit: dict = {}
    for row in flagged:
        if row.id not in used:
            by_unit.setdefault(row.holder_unit_id, []).append(row)
    units = sorted(by_unit, key=lambda u: (-len(by_unit[u]), u))
    if not units:
        return []
    first, second = units[k % len(units)], units[(k + 1) % len(units)]
    chosen = by_unit[first][:3] + (by_unit[second][:2] if second != first else [])
    used.update(r.id for r in chosen)
    return chosen


def _notices(conn, ctx: Ctx, rng: random.Random, as_of: date, flagged: list):
    used: set = set()
    plans = [  # (level now, escalations, issued, due, answered offsets per unit: days after issue or None)
        (SupervisionLevel.KEY, [], 45, 30, (12, 20)),
        (SupervisionLevel.KEY, [], 35, 15, (25, None)),
        (SupervisionLevel.LISTED, [(SupervisionLevel.NORMAL, SupervisionLevel.KEY, 25),
                                   (SupervisionLevel.KEY, SupervisionLevel.LISTED, 12)],
         50, 20, (None, None)),
    ]
    groups = [_pick_two_units(flagged, rng.randrange(4), used) for _ in plans]
    plans = [(p, g) for p, g in zip(plans, groups, strict=True) if g]
    ids = ctx.take("supervision_notice", len(plans)).tolist()
    notices, links, responses, escalations, levels = [], [], [], [], {}
    for notice_id, ((level, ups, issued, due_in, answers), rows) in zip(ids, plans, strict=True):
        issued_on = as_of - timedelta(days=issued)
        due_on = issued_on + timedelta(days=due_in)
        notices.append(dict(id=notice_id, level=level.value, issued_on=issued_on, due_on=due_on,
                            doc_no=f"渝督察办督〔{issued_on.year}〕{len(notices) + 1}号",
                            requirements=REQUIREMENTS, lifted_on=None, version=1 + len(ups),
                            updated_at=_stamp(issued_on, 10)))
        links += [dict(notice_id=notice_id, item_id=r.id) for r in rows]
        units = list(dict.fromkeys(r.holder_unit_id for r in rows))
        for unit, offset in zip(units, answers + (None,) * len(units), strict=False):
            day = issued_on + timedelta(days=offset) if offset is not None else None
            responses.append(dict(notice_id=notice_id, unit_id=unit, text=ANSWER if day else None,
                                  responded_on=day, responded_at=_stamp(day, 15) if day else None,
                                  version=2 if day else 1, updated_at=_stamp(day or issued_on, 15)))
        escalations += [dict(notice_id=notice_id, from_level=a.value, to_level=b.value,
                             old_due_on=due_on, new_due_on=due_on, reason=ESCALATION,
                             at=_stamp(as_of - timedelta(days=ago), 11)) for a, b, ago in ups]
        for r in rows:
            levels[r.id] = max((levels.get(r.id), r.supervision_level, level.value), key=lambda v: RANK[v])
    yield "supervision_notice", _columns(notices)
    yield "supervision_notice_item", _columns(links)
    yield "notice_response", _columns(responses)
    yield "notice_escalation", _columns(escalations)
    for level in ("normal", "key", "listed"):   # each item at the highest level it is under
        chosen = [i for i, v in levels.items() if v == level]
        if chosen:
            conn.execute(update(Item).where(Item.id.in_(chosen))   # updated_at kept: deterministic
                         .values(supervision_level=level, updated_at=Item.updated_at))


def _columns(rows: list[dict]) -> dict:
    return {k: [r[k] for r in rows] for k in rows[0]} if rows else {}
