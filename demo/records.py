"""Records drawn alongside each chunk of items, vectorised like the items: units, progress reports,
transitions, extensions, 督办 notices and stationed teams' follow-ups."""

from __future__ import annotations

import numpy as np

from core.domain import Status as S
from core.domain import UnitRole
from demo import text as tx
from demo.context import (
    BOUNCES,
    E_HANDOVER,
    E_REOPEN,
    EVENTS,
    NEVER,
    SHARE,
    TO_STATUS,
    Ctx,
    dates,
    masked,
    stamps,
    years,
)
from demo.items import granted_by, status_on

_ROLES = np.array([UnitRole.LEAD.value] + [UnitRole.RESPONSIBLE.value] * 3
                  + [UnitRole.COOPERATING.value], dtype=object)


def unit_columns(f: dict) -> dict:
    """item_unit rows: each item's lead, its 1–3 responsible and any cooperating unit."""
    r, ok = np.nonzero(f["unit_ok"])
    return dict(item_id=f["id"][r], unit_id=f["units"][r, ok], role=_ROLES[ok])


def progress_columns(ctx: Ctx, f: dict) -> dict:
    """进展 reports, oldest first per item; the last one is what the item shows as latest."""
    r, j = np.nonzero(np.arange(4) < f["reports"][:, None])
    days, pct, pick = f["report_days"][r, j], f["report_pct"][r, j], f["pick"][r, j]
    ongoing = f["ongoing"][r]
    texts = [tx.progress_text(p, k, o)
             for p, k, o in zip(pct.tolist(), pick.tolist(), ongoing.tolist(), strict=True)]
    return dict(id=ctx.take("progress_report", len(r)), item_id=f["id"][r],
                reported_on=dates(days), percent=pct, text=texts, unit_id=f["holder"][r],
                created_at=stamps(days, 61200 + j * 60))


_REASONS = np.full((len(EVENTS), 3), None, dtype=object)
_REASONS[E_HANDOVER] = tx.HANDOVER_REASON
_REASONS[list(BOUNCES)] = tx.BOUNCE_REASONS
_REASONS[E_REOPEN] = tx.REOPEN_REASONS


def transition_columns(ctx: Ctx, f: dict) -> dict:
    """Every event that has happened, in order (np.nonzero walks rows, then columns)."""
    r, c = np.nonzero(f["kept"])
    to = TO_STATUS[c]
    first = np.r_[True, r[1:] != r[:-1]]
    return dict(id=ctx.take("transition", len(r)), item_id=f["id"][r],
                from_status=np.where(first, None, np.roll(to, 1)), to_status=to,
                at=stamps(f["ev"][r, c], f["secs"][r, c]),
                reason=_REASONS[c, f["pick"][r, 3] % 3],
                to_unit_id=masked(c == E_HANDOVER, f["holder"][r]))


def extension_columns(ctx: Ctx, f: dict) -> dict:
    """Approved 延期 requests (each moved the due date), plus any request still pending."""
    j3, today = np.arange(3), ctx.today
    asked, decided = f["ext_asked"], f["ext_decided"]
    pending = ((j3 == f["granted"][:, None]) & (j3 < f["ext_wanted"][:, None]) & (asked <= today)
               & (decided > today) & (asked < f["submitted"][:, None])
               & (asked > f["assigned"][:, None]))
    approved = j3 < f["granted"][:, None]
    r, j = np.nonzero(approved | pending)
    ok = approved[r, j]
    return dict(id=ctx.take("extension", len(r)), item_id=f["id"][r],
                requested_at=stamps(asked[r, j], 36000), reason=tx.choose(tx.EXTENSION_REASONS, r + j),
                old_due_on=dates(f["due_steps"][r, j]), new_due_on=dates(f["due_steps"][r, j + 1]),
                status=np.where(ok, "approved", "pending").astype(object),
                decided_at=stamps(np.where(ok, decided[r, j], NEVER), 54000),
                decision_note=masked(ok, "同意延期"), version=np.ones(len(r), np.int64),
                updated_at=stamps(np.where(ok, decided[r, j], asked[r, j]), 54000))


def notice_tables(rng, ctx: Ctx, f: dict):
    """One 督办 notice per supervised item (its level), addressed to the unit holding the item and
    lifted when the item is closed; most are answered, some after the due date, some not yet.
    (demo.supervision adds notices over several items, with escalations.)"""
    sel = np.nonzero(f["level"] != None)[0]  # noqa: E711 - numpy elementwise comparison
    start = f["assigned"][sel]
    end = np.minimum(f["closed_on"][sel], ctx.today)
    issued = start + ((end - start) * rng.uniform(0.2, 0.9, len(sel))).astype(np.int64)
    due = issued + 30 + sel % 61
    ids = ctx.take("supervision_notice", len(sel))
    # Responses from a generator of their own: the chunk's stream stays as it was for what follows.
    own = np.random.default_rng([ctx.today, int(ids[0]) if len(ids) else 0])
    answered = issued + ((due - issued) * own.uniform(0.2, 1.4, len(sel))).astype(np.int64)
    answered = np.where((own.random(len(sel)) < 0.85) & (answered <= ctx.today), answered, NEVER)
    yield "supervision_notice", dict(
        id=ids, level=f["level"][sel], issued_on=dates(issued),
        doc_no=tx.formatted("渝督办〔{}〕{}号", years(issued), ids), due_on=dates(due),
        requirements=[tx.NOTICE_REQUIREMENTS] * len(sel), lifted_on=dates(f["closed_on"][sel]),
        version=np.ones(len(sel), np.int64), updated_at=stamps(issued, 36000))
    yield "supervision_notice_item", dict(notice_id=ids, item_id=f["id"][sel])
    yield "notice_response", dict(
        notice_id=ids, unit_id=f["holder"][sel], text=masked(answered < NEVER, tx.NOTICE_RESPONSE),
        responded_on=dates(answered), responded_at=stamps(answered, 39600),
        version=np.where(answered < NEVER, 2, 1),
        updated_at=stamps(np.where(answered < NEVER, answered, issued), 39600))


def follow_up_columns(rng, ctx: Ctx, f: dict) -> dict:
    """Stationed teams (驻点督察) take up items that were long-unresolved when they arrived."""
    cols: dict[str, list] = dict(inspection_id=[], item_id=[], reasons=[], added_on=[])
    for s in ctx.insp.stationed:
        day = int(ctx.insp.start[s])
        reasons = _reasons_on(f, day)
        candidates = np.nonzero(reasons.any(axis=1))[0]
        size = min(len(candidates), max(1, round(f["n"] * SHARE["follow_up"])))
        chosen = np.sort(rng.choice(candidates, size=size, replace=False))
        cols["inspection_id"] += [int(ctx.insp.ids[s])] * size
        cols["item_id"] += f["id"][chosen].tolist()
        cols["reasons"] += [[REASON_CODES[k] for k in np.nonzero(row)[0]] for row in reasons[chosen]]
        cols["added_on"] += dates(np.minimum(day + chosen % 15, ctx.today))
    return cols


REASON_CODES = ("overdue", "old", "extended", "bounced")   # as core.ledger.rules.Reason


def _reasons_on(f: dict, day: int) -> np.ndarray:
    """Which 久拖不决 reasons each item met on `day` (columns as REASON_CODES)."""
    ev = f["ev"]
    working = np.isin(status_on(ev, day), [S.ASSIGNED.value, S.IN_PROGRESS.value])
    granted = granted_by(f, day)
    due = f["due_steps"][np.arange(f["n"]), granted]
    bounced = (ev[:, list(BOUNCES)] <= day).sum(axis=1)
    return working[:, None] & np.column_stack(
        [due < day, f["assigned"] < day - 730, granted >= 2, bounced >= 2])

