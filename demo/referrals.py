"""移送移交 in the demo: referrals of some assigned items, each carried by its own steps (the moves of
core.referrals.moves) as far as its dates have reached by as_of, and, on the first chunk, a
showcase: referrals in every state to the demo receivers (万州区公安局 for demo_police, 市纪委监委 for
demo_discipline) and to every other kind of organ, including overdue feedback and a refusal.

Feedback due dates are counted by core.calendar.workdays from each kind's default N
(core.referrals.dues), never in calendar days; a count that walks into a year no calendar covers
keeps that year, as the app does (provisional). Steps name the acting unit; no person (the demo
accounts are made at the first sign-in).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal

import numpy as np

from core.calendar.workdays import add_workdays
from core.domain import DisciplineMeasure, ReferralKind
from core.domain import ReferralStatus as S
from core.referrals.dues import SETTING_KEYS
from core.referrals.states import FILING_KINDS, uncovered_text
from db.reference import ADMIN_DISTRICTS
from db.rules_defaults import RULE_SPECS
from demo import text as tx
from demo.context import EPOCH, Ctx

K = ReferralKind
WEIGHTS = dict(police=30, procuratorate=12, court=5, justice=8, discipline=15, department=30)
WORKDAYS = {kind: RULE_SPECS[key].default for kind, key in SETTING_KEYS.items()}
SHARE = dict(silent=0.08, returned=0.06, resent=0.5, refused=0.05, not_filed=0.15,
             supervised=0.3, filed_after=0.5, published=0.5)
PARTIES = ("某化工有限公司", "某建材有限责任公司", "某生猪养殖专业合作社", "某砂石加工厂",
           "某再生资源回收站", "某电镀有限公司", "某造纸有限公司")
WANZHOU = next(i for i, row in enumerate(ADMIN_DISTRICTS, 1) if row[1] == "万州区")  # district id
BLANK = dict.fromkeys((
    "doc_no", "district_id", "contact", "sent_on", "legal_basis", "party", "facts", "receipt_on",
    "feedback_due_on", "feedback_workdays", "feedback_uncovered_years", "returned_reason",
    "last_reminded_on", "escalated_on", "accepted", "acceptance_reason", "filed", "filed_on",
    "not_filed_reason", "supervised_on", "judgment", "discipline_measure", "fine_yuan", "outcome",
    "result_published_on", "result_url", "concluded_on")) | dict(
    return_count=0, reminded_count=0, filing_supervised=False, detained=0, arrested=0, prosecuted=0,
    punished_bureau=0, punished_division=0, punished_section=0)


def _day(n: int) -> date:
    return EPOCH + timedelta(days=int(n))


def _day_no(d: date) -> int:
    return (d - EPOCH).days


class _Referral:
    """One referral being drawn: its row and its steps, moved as core.referrals would move it."""

    def __init__(self, ctx: Ctx, rid: int, kind: ReferralKind, sender: int, receiver: int,
                 district_id: int | None, recorded: int):
        self.ctx, self.kind, self.sender, self.receiver = ctx, kind, sender, receiver
        self.status, self.steps, self.last = None, [], recorded
        self.row = BLANK | dict(id=rid, code=f"YS-{_day(recorded).year}-{rid:06d}", kind=kind.value,
                                from_unit_id=sender, to_unit_id=receiver, district_id=district_id,
                                materials=[], status=S.PENDING.value, version=0,
                                created_at=self._stamp(recorded, 0), updated_at=None)
        self.step(recorded, "record", sender, S.PENDING)

    def _stamp(self, day: int, n: int) -> datetime:
        return datetime.combine(_day(day), datetime.min.time()) + timedelta(hours=9, minutes=7 * n)

    def step(self, day: int, move: str, unit: int, target=None, note: str | None = None,
             **details) -> None:
        """Record one move on `day` (never before the previous one): state, version, its step."""
        day = max(day, self.last)
        at = self._stamp(day, len(self.steps))
        source, self.status = self.status, target or self.status
        self.steps.append(dict(referral_id=self.row["id"], move=move,
                               from_status=source and source.value, to_status=self.status.value,
                               actor_id=None, unit_id=unit, at=at, note=note,
                               details={k: v.isoformat() if isinstance(v, date) else v
                                        for k, v in details.items()}))
        self.row.update(status=self.status.value, updated_at=at, version=self.row["version"] + 1)
        self.last = day

    def send(self, day: int, move: str = "send") -> None:
        n = WORKDAYS[self.kind]
        due = add_workdays(_day(day), n)
        self.row.update(sent_on=_day(day), feedback_due_on=due.due_on, feedback_workdays=n,
                        feedback_uncovered_years=uncovered_text(due.uncovered_years), receipt_on=None)
        self.step(day, move, self.sender, S.SENT, sent_on=_day(day))

    def answer(self, day: int, move: str, target=None, note: str | None = None, **columns) -> None:
        self.row.update(columns)
        self.step(day, move, self.receiver, target, note,
                  **{k: v for k, v in columns.items() if isinstance(v, date)})

    def due_no(self) -> int:
        return _day_no(self.row["feedback_due_on"])


# ------------------------------------------------------------------ the receiver's answers

def _outcome(r: random.Random, kind: ReferralKind) -> dict:
    """What a concluded referral of this kind achieved (people, measure, fine)."""
    if kind is K.POLICE:
        detained = r.randint(0, 3)
        arrested = r.randint(0, detained)
        prosecuted = r.randint(0, arrested)
        return dict(detained=detained, arrested=arrested, prosecuted=prosecuted,
                    judgment="依法判处有期徒刑并处罚金" if prosecuted else None,
                    outcome="侦查终结，已移送审查起诉" if prosecuted else "侦查终结，依法作出处理")
    if kind is K.DISCIPLINE:
        return dict(discipline_measure=r.choice(list(DisciplineMeasure)).value,
                    punished_bureau=r.choice((0, 0, 0, 1)), punished_division=r.randint(0, 2),
                    punished_section=r.randint(1, 4), outcome="已完成责任追究")
    fine = Decimal(r.randint(1, 100) * 5000)
    return dict(procuratorate=dict(outcome="已发出诉前检察建议，行政机关已整改"),
                court=dict(outcome="赔偿协议已经司法确认", fine_yuan=fine),
                justice=dict(outcome="已完成生态环境损害鉴定评估"),
                department=dict(outcome="已依法作出行政处罚决定", fine_yuan=fine))[kind.value]


def _conclude(r: random.Random, ref: _Referral, day: int, today: int) -> None:
    ref.answer(day, "conclude", S.CONCLUDED, concluded_on=_day(day), **_outcome(r, ref.kind))
    ref.steps[-1]["note"] = ref.row["outcome"]
    if day + 10 <= today and r.random() < SHARE["published"]:
        ref.answer(day + 10, "publish", result_published_on=_day(day + 10),
                   result_url=f"https://zgfa.demo.example/ys/{ref.row['id']}.html")


def _filing(r: random.Random, ctx: Ctx, ref: _Referral, accepted: int, today: int) -> int | None:
    """立案 or 不予立案 (perhaps supervised, then filed); the day it was filed, None if not."""
    filing = accepted + r.randint(5, 35)
    if filing > today:
        return None
    if r.random() >= SHARE["not_filed"]:
        ref.answer(filing, "file", S.FILED, filed=True, filed_on=_day(filing))
        return filing
    ref.answer(filing, "not_file", S.NOT_FILED, "经审查，未达到立案追诉标准", filed=False,
               not_filed_reason="经审查，未达到立案追诉标准")
    supervised = filing + r.randint(10, 30)
    if ref.kind is not K.POLICE or supervised > today or r.random() >= SHARE["supervised"]:
        return None
    ref.row.update(filing_supervised=True, supervised_on=_day(supervised))
    ref.step(supervised, "supervise_filing", ctx.named["procuratorate"],
             note="要求公安机关说明不立案理由", supervised_on=_day(supervised))
    refiled = supervised + r.randint(5, 20)
    if refiled > today or r.random() >= SHARE["filed_after"]:
        return None
    ref.answer(refiled, "file", S.FILED, filed=True, filed_on=_day(refiled))
    return refiled


def _handling(r: random.Random, ctx: Ctx, ref: _Referral, accepted: int, today: int) -> None:
    """After 受理: filing where the kind files, progress, and the outcome once concluded."""
    start = accepted
    if ref.kind in FILING_KINDS:
        start = _filing(r, ctx, ref, accepted, today)
        if start is None:
            return
        if start + 30 <= today:
            ref.answer(start + 30, "progress", note="已对涉案单位和人员开展调查取证")
    concluded = start + (r.randint(60, 400) if ref.kind in FILING_KINDS else r.randint(20, 120))
    if concluded <= today:
        _conclude(r, ref, concluded, today)


def _answer(r: random.Random, ctx: Ctx, ref: _Referral, sent: int, today: int) -> None:
    """回证, then 退回 / 不予受理 / 受理 and what follows, as far as `today` allows."""
    receipt = sent + r.randint(1, 5)
    if r.random() < SHARE["silent"] or receipt > today:
        return
    ref.answer(receipt, "receive", S.RECEIVED, receipt_on=_day(receipt))
    decided = receipt + r.randint(2, 12)
    if decided > today:
        return
    u = r.random()
    if u < SHARE["returned"]:
        ref.answer(decided, "return", S.RETURNED, "移送材料不全，请补充监测报告原件",
                   returned_reason="移送材料不全，请补充监测报告原件", return_count=1)
        again = decided + r.randint(5, 20)
        if again <= today and r.random() < SHARE["resent"]:
            ref.row["materials"] = [*ref.row["materials"], "监测报告原件"]
            ref.step(again - 1, "amend", ref.sender)
            ref.send(again, "resend")
        return
    if u < SHARE["returned"] + SHARE["refused"]:
        ref.answer(decided, "refuse", S.REFUSED, "不属于本机关管辖", accepted=False,
                   acceptance_reason="不属于本机关管辖")
        return
    ref.answer(decided, "accept", S.ACCEPTED, accepted=True)
    _handling(r, ctx, ref, decided, today)


def _follow_up(ref: _Referral, today: int) -> None:
    """催告 three days after the due date, 提级督办 a month after, while no answer has come."""
    if ref.status not in (S.SENT, S.RECEIVED, S.ACCEPTED):
        return
    reminded = max(ref.due_no() + 3, ref.last)
    if reminded <= today:
        ref.row.update(reminded_count=1, last_reminded_on=_day(reminded))
        ref.step(reminded, "remind", ref.sender, note="请尽快反馈办理情况")
    escalated = max(ref.due_no() + 30, ref.last)
    if escalated <= today:
        ref.row["escalated_on"] = _day(escalated)
        ref.step(escalated, "escalate", ref.sender, note="报市督察工作领导小组办公室提级督办")


# ------------------------------------------------------------------ drawing referrals

def _words(r: random.Random, ref: _Referral, district: str, description: str) -> None:
    cause, basis = tx.REFERRALS[ref.kind]
    ref.row.update(doc_no=f"渝环移〔{ref.row['code'][3:7]}〕{ref.row['id']}号",
                   party=f"{district}{r.choice(PARTIES)}", cause=cause, legal_basis=basis,
                   facts=f"经查，{description}。", materials=r.sample(tx.MATERIALS, 3),
                   contact=f"{r.choice(tx.SURNAMES)}某 023-6{r.randrange(10_000_000):07d}")


def _receiver(r: random.Random, ctx: Ctx, kind: ReferralKind, district: int, cat: int) -> int:
    """The district's police, the category's lead department, or the city-level organ."""
    if kind is K.POLICE and district >= 0:
        return int(ctx.police[district])
    if kind is K.DEPARTMENT:
        return int(ctx.dept[cat, 0])
    if kind is K.DISCIPLINE and r.random() < 0.3:
        return ctx.named["organisation"]
    return ctx.named[kind.value]


def _drawn(r: random.Random, ctx: Ctx, f: dict, i: int, rid: int) -> _Referral:
    """One referral of item i: from the district's environment bureau (督察办 for accountability
    and citywide items) to the organ of its kind, as far as its dates have reached."""
    kind = K(r.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0])
    d = int(f["district"][i])
    sent = int(f["assigned"][i]) + r.randint(10, 120)
    local = d >= 0 and kind is not K.DISCIPLINE
    ref = _Referral(ctx, rid, kind, int(ctx.eco[d]) if local else ctx.named["office"],
                    _receiver(r, ctx, kind, d, int(f["cat"][i])),
                    int(ctx.district_ids[d]) if d >= 0 else None, min(sent - r.randint(0, 3), ctx.today))
    _words(r, ref, "", str(f["description"][i]))
    if sent <= ctx.today:
        ref.send(sent)
        _answer(r, ctx, ref, sent, ctx.today)
        _follow_up(ref, ctx.today)
    return ref


# (kind, sent this many days before as_of (None: not sent), the receiver's moves, days after sending)
SHOWCASE = (
    (K.POLICE, 3, ()),
    (K.POLICE, 45, ()),                                                   # no answer: overdue
    (K.POLICE, 12, (("receive", 2),)),
    (K.POLICE, 60, (("receive", 2), ("accept", 6))),                      # accepted, overdue
    (K.POLICE, 16, (("receive", 1), ("accept", 4))),
    (K.POLICE, 90, (("receive", 1), ("accept", 3), ("file", 10), ("progress", 40))),
    (K.POLICE, 120, (("receive", 1), ("accept", 3), ("not_file", 15))),
    (K.POLICE, 400, (("receive", 2), ("accept", 5), ("file", 12), ("conclude", 300),
                     ("publish", 310))),
    (K.POLICE, 30, (("receive", 2), ("return", 4))),
    (K.POLICE, 50, (("receive", 1), ("refuse", 6))),
    (K.DISCIPLINE, 5, ()),
    (K.DISCIPLINE, 100, (("receive", 3), ("accept", 8))),                 # accepted, overdue
    (K.DISCIPLINE, 150, (("receive", 2), ("accept", 6), ("file", 30))),
    (K.DISCIPLINE, 300, (("receive", 2), ("accept", 6), ("file", 20), ("conclude", 200))),
    (K.DISCIPLINE, 40, (("receive", 1), ("refuse", 5))),
    (K.PROCURATORATE, 100, (("receive", 2), ("accept", 5), ("file", 20))),
    (K.COURT, 300, (("receive", 3), ("accept", 10), ("file", 30), ("conclude", 250))),
    (K.JUSTICE, 25, (("receive", 2), ("accept", 5))),
    (K.DEPARTMENT, 70, (("receive", 2), ("accept", 5), ("conclude", 40))),
    (K.DEPARTMENT, None, ()),
)
MOVES = {"receive": lambda ref, day: ref.answer(day, "receive", S.RECEIVED, receipt_on=_day(day)),
         "accept": lambda ref, day: ref.answer(day, "accept", S.ACCEPTED, accepted=True),
         "file": lambda ref, day: ref.answer(day, "file", S.FILED, filed=True, filed_on=_day(day)),
         "not_file": lambda ref, day: ref.answer(day, "not_file", S.NOT_FILED, "未达到立案追诉标准",
                                                 filed=False, not_filed_reason="未达到立案追诉标准"),
         "refuse": lambda ref, day: ref.answer(day, "refuse", S.REFUSED, "不属于本机关管辖",
                                               accepted=False, acceptance_reason="不属于本机关管辖"),
         "return": lambda ref, day: ref.answer(day, "return", S.RETURNED, "缺少监测报告原件",
                                               returned_reason="缺少监测报告原件", return_count=1),
         "progress": lambda ref, day: ref.answer(day, "progress", note="已对涉案企业负责人采取强制措施"),
         "publish": lambda ref, day: ref.answer(day, "publish", result_published_on=_day(day),
                                                result_url=f"https://zgfa.demo.example/ys/{ref.row['id']}.html")}


def _showcase_items(f: dict, ctx: Ctx) -> list[int]:
    """Indexes of the chunk's assigned 万州区 items (any assigned items if there are none)."""
    assigned = f["assigned"] <= ctx.today
    wanzhou = np.nonzero(assigned & (ctx.district_ids[np.maximum(f["district"], 0)] == WANZHOU)
                         & (f["district"] >= 0))[0]
    return (wanzhou if len(wanzhou) else np.nonzero(assigned)[0]).tolist()


def _district_of(ctx: Ctx, f: dict, items: list[int]) -> int | None:
    """As core.referrals.form.referral_district: most items' district (ties: the lower id); a
    showcase referral's sender is a district's bureau or the office, never needed here."""
    ids = [int(ctx.district_ids[f["district"][i]]) for i in items if f["district"][i] >= 0]
    return min(ids, key=lambda d: (-ids.count(d), d)) if ids else None


def _showcase(r: random.Random, ctx: Ctx, f: dict) -> list[tuple[_Referral, list[int]]]:
    picks = _showcase_items(f, ctx)
    if not picks:
        return []
    where = int(np.nonzero(ctx.district_ids == WANZHOU)[0][0])
    receivers = {K.POLICE: int(ctx.police[where]), K.DISCIPLINE: ctx.named["discipline"],
                 K.PROCURATORATE: ctx.named["procuratorate"], K.COURT: ctx.named["court"],
                 K.JUSTICE: ctx.named["justice"], K.DEPARTMENT: int(ctx.dept[0, 0])}
    made = []
    for n, (kind, ago, moves) in enumerate(SHOWCASE):
        items = [picks[(2 * n) % len(picks)], picks[(2 * n + 1) % len(picks)]]
        sender = ctx.named["office"] if kind is K.DISCIPLINE else int(ctx.eco[where])
        sent = None if ago is None else ctx.today - ago
        ref = _Referral(ctx, int(ctx.take("referral", 1)[0]), kind, sender, receivers[kind],
                        _district_of(ctx, f, items), ctx.today - 1 if sent is None else sent - 1)
        _words(r, ref, "万州区", str(f["description"][items[0]]))
        if sent is not None:
            ref.send(sent)
            for move, after in moves:
                if move == "conclude":
                    _conclude(r, ref, sent + after, sent + after)
                else:
                    MOVES[move](ref, sent + after)
            _follow_up(ref, ctx.today)
        made.append((ref, sorted(set(items))))
    return made


def referral_tables(r: random.Random, ctx: Ctx, f: dict,
                    chosen: np.ndarray) -> Iterator[tuple[str, dict]]:
    """(table, columns) of the chunk's referrals, their items and their steps; the showcase comes
    with the first chunk that has assigned items."""
    made = []
    if not getattr(ctx, "referral_showcase_done", False):
        made = _showcase(r, ctx, f)
        ctx.referral_showcase_done = bool(made)
    ids = ctx.take("referral", len(chosen)).tolist()
    made += [(_drawn(r, ctx, f, int(i), rid), [int(i)]) for i, rid in zip(chosen, ids, strict=True)]
    steps = [s for ref, _ in made for s in ref.steps]
    for s, step_id in zip(steps, ctx.take("referral_step", len(steps)).tolist(), strict=True):
        s["id"] = step_id
    yield "referral", _columns([ref.row for ref, _ in made])
    yield "referral_item", _columns([dict(referral_id=ref.row["id"], item_id=int(f["id"][i]))
                                     for ref, items in made for i in items])
    yield "referral_step", _columns(steps)


def _columns(rows: list[dict]) -> dict:
    return {k: [r[k] for r in rows] for k in rows[0]} if rows else {}

