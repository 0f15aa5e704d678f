"""约谈 (interviews) of the demo ledger, each in the state its dates have reached by as_of: the
people interviewed, the related items, the track's events and the follow-up measures.

Interview items sharing a lead unit (up to four) make one interview, held a few days before they
were entered. The plan is due `PLAN_WORKDAYS` working days after it, counted by
core.calendar.workdays (no admin-entered days in a demo ledger), so a date running into a year
chinese-calendar does not know is provisional, exactly as in the app. Most plans come in on
time, some late, some never; late ones draw follow-up measures. The first chunk also holds a
showcase: an interview held a week before as_of whose plan is not due yet; one held some nine
weeks before whose plan never came (so its open items meet the 久拖不决 "interview" rule); when
as_of is late in the year, one held the working day before whose plan period runs into the next
(uncovered) year; and at least one measure of each kind.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from functools import lru_cache

import numpy as np

from core.calendar.workdays import add_workdays
from core.domain import InterviewFollowUp, ItemType
from core.domain import Status as S
from demo import text as tx
from demo.context import EPOCH, NEVER, TYPES, Ctx

PLAN_WORKDAYS = 15
LONGER_PERIODS = (20, 25, 30)   # periods an interview notice may give instead of 15
KINDS = list(InterviewFollowUp)
TABLES = ("interview", "interview_item", "interview_person", "interview_follow_up", "interview_event")


def _day(n: int) -> date:
    return EPOCH + timedelta(days=int(n))


def _stamp(n: int, hour: int = 10) -> datetime:
    return datetime.combine(_day(n), datetime.min.time()) + timedelta(hours=hour)


@lru_cache(maxsize=8192)
def plan_due(held: int, workdays: int) -> tuple[int, str | None]:
    """(due day number, uncovered years as stored) for a plan `workdays` after day `held`."""
    result = add_workdays(_day(held), workdays)
    years = ",".join(map(str, result.uncovered_years)) or None
    return (result.due_on - EPOCH).days, years


class Tables:
    """The rows of the five interview tables, gathered for one chunk (and each interview's
    district, which a 区域限批 restricts)."""

    def __init__(self, ctx: Ctx):
        self.rows: dict[str, list[dict]] = {t: [] for t in TABLES}
        self.district: dict[int, int] = {}
        self.ctx = ctx

    def add(self, table: str, **row) -> None:
        self.rows[table].append(row)

    def event(self, iid: int, day: int, what: str, frm: str | None, to: str | None, **detail) -> None:
        self.add("interview_event", interview_id=iid, at=_stamp(day, 15), actor_id=None, kind=what,
                 from_status=frm, to_status=to, detail=detail or None)


def interviews(r: random.Random, ctx: Ctx, f: dict, *, first: bool) -> dict[str, list[dict]]:
    """The chunk's interviews, table → rows (parents first); `first`: the chunk holding the showcase."""
    idx = np.nonzero(f["itype"] == TYPES.index(ItemType.INTERVIEW))[0]
    idx = idx[np.lexsort((f["entered"][idx], f["lead"][idx]))]
    groups = _groups(idx, f["lead"], 4)
    out = Tables(ctx)
    ids = ctx.take("interview", len(groups) + (3 if first else 0)).tolist()
    for iid, g in zip(ids, groups, strict=False):
        held = int(f["entered"][g].min()) - r.randint(3, 10)
        _interview(r, ctx, f, out, iid, g, held, PLAN_WORKDAYS)
    if first:
        _showcase(r, ctx, f, out, ids[-3:])
    return out.rows


def _groups(idx: np.ndarray, key: np.ndarray, size: int) -> list[list[int]]:
    """Consecutive runs of idx with the same key, cut every `size` rows."""
    groups: list[list[int]] = []
    for i in idx.tolist():
        if groups and key[groups[-1][0]] == key[i] and len(groups[-1]) < size:
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


def _interview(r: random.Random, ctx: Ctx, f: dict, out: Tables, iid: int, g: list[int],
               held: int, workdays: int) -> dict:
    circumstance, details = r.choice(tx.INTERVIEW_CIRCUMSTANCES)
    unit = int(f["lead"][g[0]])
    due, uncovered = plan_due(held, workdays)
    row = dict(id=iid, code=f"YT-{_day(held).year}-{iid:06d}", circumstance=circumstance,
               details=details, interviewee_unit_id=unit, interviewee_subunit=None,
               organiser_unit_id=ctx.named["office" if r.random() < 0.7 else "eco"],
               held_on=_day(held), place=r.choice(tx.INTERVIEW_PLACES),
               minutes=f"约谈指出{details}，要求{workdays}个工作日内报送整改方案并向社会公开",
               plan_workdays=workdays, plan_due_on=_day(due), plan_due_uncovered=uncovered,
               status="held", version=1, updated_at=_stamp(held)) | dict.fromkeys(
        ("plan_submitted_on", "plan_url", "plan_published_on", "completed_on", "completion_url",
         "completion_published_on"))
    out.rows["interview"].append(row)   # the same dict: the track below updates it
    d = int(f["district"][g[0]])
    out.district[iid] = int(ctx.district_ids[d]) if d >= 0 else int(r.choice(ctx.district_ids))
    out.rows["interview_item"] += [dict(interview_id=iid, item_id=int(f["id"][i])) for i in g]
    _people(r, ctx, out, iid, unit)
    out.event(iid, held, "recorded", None, "held", due=row["plan_due_on"].isoformat(),
              provisional=uncovered)
    _track(r, ctx.today, f, out, row, g, due)
    return row


def _people(r: random.Random, ctx: Ctx, out: Tables, iid: int, unit: int) -> None:
    positions = tx.INTERVIEW_POSITIONS.get(ctx.unit_kind[unit], tx.INTERVIEW_POSITIONS["municipal"])
    for seq, position in enumerate(r.sample(positions, r.randint(1, len(positions))), 1):
        out.add("interview_person", interview_id=iid, seq=seq, name=r.choice(tx.SURNAMES) + "某某",
                position=position)


def _track(r: random.Random, today: int, f: dict, out: Tables, row: dict, g: list[int], due: int) -> None:
    """Plan submitted (on time 70 %, late 20 %, never 10 %), published, completed once every
    item is closed; late or never brings follow-up measures."""
    held, iid = (row["held_on"] - EPOCH).days, row["id"]
    u = r.random()
    submitted = (r.randint(held + 5, max(held + 5, due)) if u < 0.7
                 else due + r.randint(1, 20) if u < 0.9 else NEVER)
    late = submitted > due
    if late and due + 30 <= today and r.random() < 0.5:
        _measure(r, out, row, r.choice(KINDS), due + r.randint(10, 30))
    if submitted > today:
        return
    _step(out, row, "submit_plan", submitted, "held", "plan", plan_submitted_on=_day(submitted))
    published = submitted + r.randint(1, 5)
    if published > today:
        return
    _step(out, row, "publish_plan", published, "plan", "rectifying", plan_published_on=_day(published),
          plan_url=f"https://zgfa.demo.example/yt/{iid}.html")
    closed = f["closed_on"][g]
    if (closed < NEVER).all() and int(closed.max()) + 10 <= today:
        done = max(int(closed.max()), published)
        _step(out, row, "complete", done, "rectifying", "completed", completed_on=_day(done))
        _step(out, row, "publish_completion", done + 10, "completed", "completed",
              completion_published_on=_day(done + 10),
              completion_url=f"https://zgfa.demo.example/yt/{iid}-done.html")


def _step(out: Tables, row: dict, kind: str, day: int, frm: str, to: str, **values) -> None:
    row.update(values, status=to, updated_at=_stamp(day, 15))
    out.event(row["id"], day, kind, frm, to, **{k: v.isoformat() if isinstance(v, date) else v
                                                 for k, v in values.items()})


def _measure(r: random.Random, out: Tables, row: dict, kind: InterviewFollowUp, day: int) -> None:
    district = out.district[row["id"]]
    out.add("interview_follow_up", interview_id=row["id"], kind=kind.value, taken_on=_day(day),
            note=tx.FOLLOW_UP_NOTES[kind.value],
            district_id=district if kind is InterviewFollowUp.APPROVAL_RESTRICTION else None,
            created_by=None, created_at=_stamp(day))
    out.event(row["id"], day, "follow_up", None, None, kind=kind.value, taken_on=_day(day).isoformat(),
              note=tx.FOLLOW_UP_NOTES[kind.value])


def _showcase(r: random.Random, ctx: Ctx, f: dict, out: Tables, ids: list[int]) -> None:
    """Two recent interviews (plan not yet due; plan due in a year the calendar lacks, when as_of
    allows), and one measure of each kind on the chunk's earliest interviews whose plan came
    late or never."""
    _recent(r, ctx, f, out, ids[0], ctx.today - 7, (PLAN_WORKDAYS,), provisional=False)
    _recent(r, ctx, f, out, ids[1], ctx.today - 1, (PLAN_WORKDAYS, *LONGER_PERIODS), provisional=True)
    _recent(r, ctx, f, out, ids[2], ctx.today - 60, (PLAN_WORKDAYS,), provisional=False, skip=2)
    late = [row for row in out.rows["interview"]
            if (row["plan_submitted_on"] or date.max) > row["plan_due_on"]
            and (row["plan_due_on"] - EPOCH).days + 40 <= ctx.today]
    for kind, row in zip(KINDS, late or out.rows["interview"][:4], strict=False):
        _measure(r, out, row, kind, min((row["plan_due_on"] - EPOCH).days + 35, ctx.today))


def _recent(r: random.Random, ctx: Ctx, f: dict, out: Tables, iid: int, held: int,
            periods: tuple[int, ...], *, provisional: bool, skip: int = 0) -> None:
    """An interview held on the working day at or before `held`, about two open items of one
    district government (after its first `skip`, when it has that many more); its plan period the
    first of `periods` whose due date is (or is not) provisional; the plan not submitted."""
    while _day(held).weekday() >= 5:
        held -= 1
    workdays = next((n for n in periods if bool(plan_due(held, n)[1]) == provisional), None)
    working = np.nonzero(np.isin(f["status"], [S.ASSIGNED.value, S.IN_PROGRESS.value])
                         & (f["district"] >= 0))[0]
    if workdays is None or not len(working):
        return
    # the first district's government (万州, the demo unit account's) when it has open items
    first_gov = working[f["lead"][working] == ctx.gov[0]]
    lead = f["lead"][first_gov[0] if len(first_gov) and not provisional else working[-1]]
    mine = [int(i) for i in working if f["lead"][i] == lead]
    g = mine[skip:skip + 2] if len(mine) >= skip + 2 else mine[:2]
    row = _interview(r, ctx, f, out, iid, g, held, workdays)
    _unsubmitted(out, row)


def _unsubmitted(out: Tables, row: dict) -> None:
    """Undo any plan step the random track drew: a showcase interview awaits its plan."""
    row.update(status="held", plan_submitted_on=None, plan_published_on=None, plan_url=None,
               completed_on=None, completion_url=None, completion_published_on=None)
    events = out.rows["interview_event"]
    events[:] = [e for e in events if e["interview_id"] != row["id"] or e["kind"] == "recorded"]
    measures = out.rows["interview_follow_up"]
    measures[:] = [m for m in measures if m["interview_id"] != row["id"]]
