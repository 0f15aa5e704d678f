"""The vectorised item generator: one chunk of items drawn with numpy, then the item table's columns.

Each item's life is a row of event days that increase left to right (entered, assigned, started,
handed over, submitted, bounced, resubmitted, …, noticed, closed, reopened); the events on or before
`as_of` are what has happened, so status, counters and dates agree by construction.
"""

from __future__ import annotations

import numpy as np

from core.domain import ItemType, SupervisionLevel
from core.domain import Status as S
from demo import text as tx
from demo.context import (
    BOUNCES,
    CATEGORIES,
    DAY,
    E_ASSIGN,
    E_CLOSE,
    E_HANDOVER,
    E_NOTICE,
    E_REOPEN,
    E_START,
    E_SUBMIT,
    EVENTS,
    NEVER,
    SHARE,
    TO_STATUS,
    TYPES,
    Arrays,
    Ctx,
    dates,
    masked,
    stamps,
    years,
)

FORMS = tx.FORMS       # deadline wordings: 立行立改, 月底前, 年底前, a date, 长期坚持
FORM_P = (0.10, 0.45, 0.25, 0.12, 0.08)
EXTENSION_P = (0.86, 0.08, 0.04, 0.02)
BOUNCE_P = (0.86, 0.09, 0.035, 0.015)
REPORTS_P = (0.2, 0.3, 0.3, 0.2)     # 1…4 progress reports once work has started
DOC_PREFIX = dict(central="渝督改办", ministry="渝环", city="渝督察办")


def _between(rng: np.random.Generator, lo, hi, size) -> np.ndarray:
    return rng.integers(lo, np.asarray(hi) + 1, size, dtype=np.int64)


def draw_items(rng: np.random.Generator, ctx: Ctx, first: int, n: int) -> dict:
    """Columns (numpy arrays) of items first+1 … first+n: source, place, timeline, progress."""
    f = _draw_sources(rng, ctx, first, n)
    _draw_dates(rng, ctx, f)
    _draw_deadlines(rng, f)
    _draw_timeline(rng, ctx.today, f)
    _derive(ctx.today, f)
    _draw_progress(rng, ctx.today, f)
    _draw_units(rng, ctx, f)
    _draw_flags(rng, ctx.today, f)
    return f


def _draw_sources(rng, ctx: Ctx, first: int, n: int) -> dict:
    ins = ctx.insp
    insp = rng.choice(len(ins.ids), size=n, p=ins.p)
    fresh = rng.random(n) < SHARE["fresh"]     # just entered: most still await assignment
    insp[fresh] = ins.current
    itype = (rng.random(n)[:, None] >= ins.type_cum[insp]).sum(axis=1)
    itype[fresh] = TYPES.index(ItemType.DAILY)
    cat = rng.choice(len(CATEGORIES), size=n, p=ctx.category_p)
    favoured = (ins.category[insp] >= 0) & (rng.random(n) < 0.7)   # a special inspection's field
    cat[favoured] = ins.category[insp][favoured]
    district = rng.choice(len(ctx.district_ids), size=n, p=ctx.district_p)
    district[rng.random(n) < SHARE["citywide"]] = -1
    return dict(n=n, no=first + np.arange(1, n + 1), insp=insp, fresh=fresh, itype=itype,
                cat=cat, district=district, pick=rng.integers(0, 1 << 30, (n, 8)),
                jitter=rng.normal(0.0, 0.04, (n, 2)),
                secs=_between(rng, 8 * 3600 + 1800, 18 * 3600, (n, len(EVENTS))))


def _draw_dates(rng, ctx: Ctx, f: dict) -> None:
    n, today = f["n"], ctx.today
    start, end = ctx.insp.start[f["insp"]], ctx.insp.end[f["insp"]]
    found = start + (rng.random(n) * (end - start + 1)).astype(np.int64)
    late = np.isin(f["itype"], ctx.late_types)    # feedback / warning film: assigned after it
    entered = np.where(late, end + _between(rng, 20, 75, n), found + _between(rng, 1, 12, n))
    recent = np.maximum(today - _between(rng, 0, 20, n), start)
    entered = np.minimum(np.where(f["fresh"], recent, entered), today)
    lag = np.where(f["fresh"], _between(rng, 5, 30, n), _between(rng, 2, 20, n))
    f.update(found=np.minimum(found, entered), entered=entered, assigned=entered + lag)
    f["started"] = f["assigned"] + _between(rng, 3, 40, n)   # 整改方案 first, then work


def _snap(form: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Due days as the deadline form writes them: end of month (月底前), end of year (年底前)."""
    d = days.astype("M8[D]")
    month_end = ((d.astype("M8[M]") + 1).astype("M8[D]") - 1).astype(np.int64)
    year_end = ((d.astype("M8[Y]") + 1).astype("M8[D]") - 1).astype(np.int64)
    return np.select([form == FORMS.index("month"), form == FORMS.index("year")],
                     [month_end, year_end], days)


def _draw_deadlines(rng, f: dict) -> None:
    n, assigned = f["n"], f["assigned"]
    form = rng.choice(len(FORMS), size=n, p=FORM_P)
    u = rng.random(n)
    horizon = np.select([u < 0.45, u < 0.85],
                        [_between(rng, 30, 180, n), _between(rng, 181, 720, n)],
                        _between(rng, 721, 1460, n))
    # 立行立改: due the day it is assigned (as core.ledger.deadlines reads it); extended, it reads 月底前.
    due0 = np.where(form == 0, assigned, _snap(form, assigned + horizon))
    later_form = np.where(form == 0, FORMS.index("month"), form)
    due = np.empty((n, 4), dtype=np.int64)
    due[:, 0] = due0
    for j in range(1, 4):
        due[:, j] = _snap(later_form, due[:, j - 1] + _between(rng, 90, 300, n))
    ongoing = form == FORMS.index("ongoing")
    due[ongoing] = NEVER
    asked = due[:, :3] - _between(rng, 5, 30, (n, 3))
    f.update(form=form, later_form=later_form, ongoing=ongoing, due_steps=due,
             ext_asked=asked, ext_decided=asked + _between(rng, 2, 10, (n, 3)),
             ext_wanted=np.where(ongoing, 0, rng.choice(4, size=n, p=EXTENSION_P)))


def _draw_timeline(rng, today: int, f: dict) -> None:
    n = f["n"]
    started, target = f["started"], f["due_steps"][np.arange(n), f["ext_wanted"]]
    stuck = (rng.random(n) < SHARE["stuck"]) | f["ongoing"]   # 长期坚持 items stay open
    span = np.maximum(target - started, 20)
    work = (span * rng.uniform(0.35, 1.3, n)).astype(np.int64)
    submitted = np.where(stuck, NEVER, started + work)
    ev = np.full((n, len(EVENTS)), NEVER, dtype=np.int64)
    ev[:, 0], ev[:, E_ASSIGN], ev[:, E_START] = f["entered"], f["assigned"], started
    ev[:, E_SUBMIT] = submitted
    last = _draw_bounces(rng, ev, submitted)
    done = submitted < NEVER
    noticed = last + _between(rng, 10, 90, n)               # verification backlog (现场核查, 审核)
    closed = noticed + 7 + _between(rng, 1, 20, n)          # after 7 days of 公示
    ev[done, E_NOTICE], ev[done, E_CLOSE] = noticed[done], closed[done]
    reopen = done & (rng.random(n) < SHARE["reopen"])       # 反弹
    ev[reopen, E_REOPEN] = (closed + _between(rng, 60, 500, n))[reopen]
    bound = np.minimum(submitted, today)
    handover = (rng.random(n) < SHARE["handover"]) & (bound - started >= 2)   # 移交
    ev[handover, E_HANDOVER] = (started + (bound - started) // 2)[handover]
    f.update(ev=ev, stuck=stuck, submitted=submitted)


def _draw_bounces(rng, ev: np.ndarray, submitted: np.ndarray) -> np.ndarray:
    """Fill failed verifications (验收不通过) and resubmissions; returns the final submission."""
    n = len(submitted)
    bounces = rng.choice(4, size=n, p=BOUNCE_P)
    gap, rework = _between(rng, 10, 40, (n, 3)), _between(rng, 20, 120, (n, 3))
    last = submitted.copy()
    for j, col in enumerate(BOUNCES):
        has = (bounces > j) & (submitted < NEVER)
        failed = last + gap[:, j]
        ev[has, col], ev[has, col + 1] = failed[has], (failed + rework[:, j])[has]
        last = np.where(has, failed + rework[:, j], last)
    return last


def status_on(ev: np.ndarray, day: int) -> np.ndarray:
    """Each item's status on `day`: where its last event up to then led (None: not entered yet)."""
    kept = ev <= day
    status = TO_STATUS[len(EVENTS) - 1 - np.argmax(kept[:, ::-1], axis=1)]
    return np.where(kept[:, 0], status, None)


def granted_by(f: dict, day: int) -> np.ndarray:
    """Extensions granted by `day`: asked after assignment and before submission, in order."""
    ok = ((np.arange(3) < f["ext_wanted"][:, None]) & (f["ext_decided"] <= day)
          & (f["ext_asked"] < f["submitted"][:, None])
          & (f["ext_asked"] > f["assigned"][:, None]))
    return np.cumprod(ok, axis=1).sum(axis=1)


def _derive(today: int, f: dict) -> None:
    """What has happened by `today`: status, counters, the extensions granted, the due date."""
    ev, rows = f["ev"], np.arange(f["n"])
    kept = ev <= today
    granted = granted_by(f, today)
    reopened = kept[:, E_REOPEN]
    f.update(kept=kept, status=status_on(ev, today), granted=granted, reopened=reopened,
             due=f["due_steps"][rows, granted], bounce_count=kept[:, list(BOUNCES)].sum(axis=1),
             accepted=np.where(kept[:, E_NOTICE] & ~reopened, ev[:, E_NOTICE], NEVER),
             closed_on=np.where(kept[:, E_CLOSE] & ~reopened, ev[:, E_CLOSE], NEVER),
             assigned_on=np.where(kept[:, E_ASSIGN], f["assigned"], NEVER))


def _draw_progress(rng, today: int, f: dict) -> None:
    """0–4 reports from the start of work; percent rising, 100 at the (first) submission."""
    n, started, completed = f["n"], f["started"], f["kept"][:, E_SUBMIT]
    lag = np.where(f["stuck"] & ~f["ongoing"], _between(rng, 0, 900, n), _between(rng, 0, 75, n))
    last = np.maximum(np.where(completed, f["submitted"], today - lag), started)
    k = np.where(f["kept"][:, E_START], 1 + rng.choice(4, size=n, p=REPORTS_P), 0)
    k = np.where(last - started < 20, np.minimum(k, 1), k)
    final = np.select([completed, f["ongoing"], k == 1],
                      [100, _between(rng, 60, 95, n), _between(rng, 5, 60, n)],
                      _between(rng, 30, 95, n))
    cols = np.arange(4)
    is_last = cols == (k - 1)[:, None]
    frac = np.sort(rng.random((n, 4)), axis=1)
    days = started[:, None] + (frac * (last - started)[:, None]).astype(np.int64)
    # weights >= 0.2 keep each step >= 1 point once final >= 30 (k >= 2): strictly rising
    w = np.where(cols < k[:, None], 0.2 + rng.random((n, 4)), 0.0)
    share = np.cumsum(w, axis=1) / np.maximum(w.sum(axis=1), 1e-9)[:, None]
    f.update(reports=k, report_days=np.where(is_last, last[:, None], days),
             report_pct=np.where(is_last, final[:, None], (share * final[:, None]).astype(int)),
             percent=np.where(k > 0, final, 0), last_report=np.where(k > 0, last, NEVER))


def _draw_units(rng, ctx: Ctx, f: dict) -> None:
    """Lead + 1–3 responsible (+ cooperating) units; the holder differs only after a 移交."""
    n, d, cat = f["n"], f["district"], f["cat"]
    local, dd = d >= 0, np.maximum(d, 0)
    keys = np.where(ctx.dept[cat] >= 0, rng.random((n, 4)), 2.0)   # shuffle, valid ones first
    depts = np.take_along_axis(ctx.dept[cat], np.argsort(keys, axis=1), axis=1)
    soe_lead = ~local & (rng.random(n) < SHARE["soe"])
    lead = np.select([local, soe_lead], [ctx.gov[dd], rng.choice(ctx.soe, n)], depts[:, 0])
    resp = np.where(local[:, None], np.column_stack([ctx.eco[dd], depts[:, :2]]),
                    np.where(soe_lead[:, None], depts[:, :3], depts[:, 1:]))
    resp_ok = (np.arange(3) < _between(rng, 1, 3, n)[:, None]) & (resp >= 0)
    f["units"] = np.column_stack([lead, resp, rng.choice(ctx.coop, n)])
    f["unit_ok"] = np.column_stack([np.ones(n, bool), resp_ok, rng.random(n) < SHARE["coop"]])
    f["lead"] = lead
    f["holder"] = np.where(f["kept"][:, E_HANDOVER], resp[:, 0], lead)


def _draw_flags(rng, today: int, f: dict) -> None:
    """Long-unresolved (久拖不决) items, and the 督办 level that tends to follow them (None: never
    supervised, most items; a draft never is)."""
    status = f["status"]
    working = np.isin(status, [S.ASSIGNED.value, S.IN_PROGRESS.value])
    is_open = working | np.isin(status, [S.SUBMITTED.value, S.NOTICE.value])
    overdue = working & (f["due"] < today)
    stale = working & (np.where(f["reports"] > 0, f["last_report"], f["assigned"]) < today - 90)
    old = is_open & (f["assigned"] < today - 730)
    long = overdue | stale | old | (f["bounce_count"] >= 2) | (f["granted"] >= 2)
    u = rng.random(f["n"])
    level = np.select([u < 0.01 + 0.10 * long, u < 0.04 + 0.35 * long, u < 0.06 + 0.45 * long],
                      [SupervisionLevel.LISTED.value, SupervisionLevel.KEY.value,
                       SupervisionLevel.NORMAL.value], None).astype(object)
    f.update(delayed=overdue | stale, long=long,
             level=np.where(status == S.DRAFT.value, None, level))


# ---------------------------------------------------------------- the item table's columns

def _seq(ins: Arrays, insp: np.ndarray) -> np.ndarray:
    """序号: 1, 2, … within each inspection, continuing across chunks."""
    counts = np.bincount(insp, minlength=len(ins.ids))
    order = np.argsort(insp, kind="stable")
    rank = np.empty_like(insp)
    rank[order] = np.arange(len(insp)) - (np.cumsum(counts) - counts)[insp[order]]
    seq = ins.seq[insp] + rank + 1
    ins.seq += counts
    return seq


def _titles(ctx: Ctx, local: np.ndarray, dd: np.ndarray, picks: np.ndarray) -> np.ndarray:
    """责任领导's title: the district's deputy head or its bureau chief; a city department's."""
    local_title = np.where(picks % 10 < 7, ctx.head_title[dd], tx.BUREAU_TITLE)
    return np.where(local, local_title, tx.choose(tx.CITY_TITLES, picks))


def item_columns(ctx: Ctx, f: dict) -> dict:
    """The item table's columns for drawn items `f` (ids already taken); sets f["description"]."""
    ins, insp, pick = ctx.insp, f["insp"], f["pick"]
    local, dd = f["district"] >= 0, np.maximum(f["district"], 0)
    township = masked(local, tx.choose(tx.TOWNSHIPS, pick[:, 0]))
    f["description"] = (np.where(local, township, "") + tx.problems(f["cat"], pick[:, 1])
                        + tx.choose(tx.DETAILS, pick[:, 2]))
    doc_no = tx.formatted("{}〔{}〕{}号", [DOC_PREFIX[v] for v in ins.level[insp].tolist()],
                          years(f["assigned"]), (insp * 7 + dd) % 60 + 1)
    lonlat = np.round(ctx.lonlat[dd] + f["jitter"], 5)
    cols = dict(
        id=f["id"], code=tx.formatted("{}-{}-{:07d}", ins.prefix[insp], years(f["entered"]), f["no"]),
        seq=_seq(ins, insp), inspection_id=ins.ids[insp], inspection_kind=ins.kind[insp],
        source_level=ins.level[insp], item_type=[TYPES[t].value for t in f["itype"].tolist()],
        assign_doc_no=masked(f["kept"][:, E_ASSIGN], doc_no), assigned_on=dates(f["assigned_on"]),
        district_id=masked(local, ctx.district_ids[dd]), township=township,
        lon=masked(local, lonlat[:, 0]), lat=masked(local, lonlat[:, 1]),
        category=[CATEGORIES[c].value for c in f["cat"].tolist()], description=f["description"],
        lead_unit_id=f["lead"], holder_unit_id=f["holder"],
        responsible_leader=tx.leaders(_titles(ctx, local, dd, pick[:, 3]), pick[:, 3]),
        responsible_person=tx.persons(pick[:, 4]),
        contact_phone=tx.phones(pick[:, 5]), target=tx.targets(f["cat"]),
        measures=tx.measures(pick[:, 6]))
    cols.update(_plan_columns(ctx, f))
    cols.update(_outcome_columns(ctx, f))
    return cols


def _plan_columns(ctx: Ctx, f: dict) -> dict:
    assigned, ongoing, pick = f["assigned"], f["ongoing"], f["pick"][:, 7]
    form = np.where(f["granted"] > 0, f["later_form"], f["form"])
    # 立行立改 is due on the assignment day: none yet while the item awaits assignment (待交办)
    due = np.where((form == 0) & ~f["kept"][:, E_ASSIGN], NEVER, f["due"])
    horizon = f["due_steps"][:, 0] - assigned
    stage = np.select([ongoing, horizon <= 183, horizon <= 730], ["ongoing", "short", "medium"],
                      "long").astype(object)
    published = assigned + 15 + pick % 46
    has_plan = f["kept"][:, E_START] & (pick % 100 < 100 * SHARE["plan"]) & (published <= ctx.today)
    reasons = masked(f["delayed"], tx.choose(tx.DELAY_REASONS, pick // 3))
    return dict(
        deadline_text=tx.deadline_texts(form, np.minimum(f["due"], NEVER - 1)), due_on=dates(due),
        original_due_on=dates(np.where(f["granted"] > 0, f["due_steps"][:, 0], due)),
        stage=stage, is_ongoing=ongoing, extension_count=f["granted"], delay_reason=reasons,
        plan_url=masked(has_plan, tx.formatted("https://zgfa.demo.example/{}.html", f["id"])),
        plan_published_on=dates(np.where(has_plan, published, NEVER)))


def _outcome_columns(ctx: Ctx, f: dict) -> dict:
    kept, ev, secs, pick = f["kept"], f["ev"], f["secs"], f["pick"]
    accepted, closed = f["accepted"] < NEVER, f["closed_on"] < NEVER
    last_pick = pick[np.arange(f["n"]), np.maximum(f["reports"] - 1, 0)]   # as its last report's
    progress = [tx.progress_text(p, k, o) for p, k, o
                in zip(f["percent"].tolist(), last_pick.tolist(), f["ongoing"].tolist(), strict=True)]
    touched = np.where(kept, ev * DAY + secs, 0).max(axis=1)   # seconds of the last change
    touched = np.maximum(touched, np.where(f["reports"] > 0, f["last_report"] * DAY + 61200, 0))
    return dict(
        latest_progress=masked(f["reports"] > 0, progress), latest_progress_on=dates(f["last_report"]),
        progress_percent=f["percent"], accepted_on=dates(f["accepted"]),
        acceptance_unit=masked(accepted, ctx.unit_short[f["lead"]]),
        acceptance_conclusion=masked(accepted, tx.ACCEPTANCE),
        notice_from=dates(f["accepted"]), notice_to=dates(np.where(accepted, f["accepted"] + 6, NEVER)),
        closed_on=dates(f["closed_on"]),
        close_doc_no=masked(closed, tx.formatted("渝督改销〔{}〕{}号", years(f["closed_on"]),
                                                   pick[:, 2] % 300 + 1)),
        supervision_level=f["level"], status=f["status"], bounce_count=f["bounce_count"],
        reopen_count=kept[:, E_REOPEN].astype(np.int64),
        created_at=stamps(f["entered"], secs[:, 0]),
        updated_at=touched.astype("M8[s]").astype(object).tolist(), version=np.ones(f["n"], np.int64))

