"""Import of an Excel ledger (台账): a preview, then every row or none.

Every row is validated first, with lookups loaded once. On any problem `import_ledger` raises
ValidationFailed listing each one by Excel row and by column as the sheet names it, and writes
nothing. Rows are keyed by 编号, or by 问题来源 + 序号 when a row has no 编号. Only the columns a
sheet has are compared and written: re-importing the same file changes nothing (no version, no
audit row per item); a changed row updates its item (version + 1, audit before/after); a new row
creates one (状态 from the sheet, else 已交办 with a 交办日期, else 待交办). Blank 类型/阶段/督办级别/
状态/完成进度 keep an item's value (a new item gets the default). A 版本 column (the export writes
one) makes a row edited on an item that changed since the export a stale edit, refused. A changed
状态 is set as the sheet says and recorded as a transition ("Excel 台账导入"); the per-move rules
of core.ledger.lifecycle (reasons, bounce/reopen counts) are not applied to imports.
Coordinators and admins only ("ledger.import"); writes go in the caller's transaction.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from core.access import audit
from core.access.permissions import Actor, require
from core.domain import AuditOutcome
from core.errors import FieldProblem, PermissionDenied, ValidationFailed
from core.excel.import_plan import Plan, plan_import
from core.excel.import_preview import ImportPreview, ImportRow
from core.excel.import_writes import ACTION, insert_items, record_summary, refresh_statistics, update_items
from core.excel.sources import create_inspections as create_inspections_for

__all__ = ["ImportPreview", "ImportRefused", "ImportResult", "ImportRow", "import_ledger", "preview_import"]


@dataclass
class ImportRefused(ValidationFailed):
    """The import wrote nothing: every problem, and the inspections it would create if confirmed."""

    new_inspections: list = field(default_factory=list)


@dataclass(frozen=True)
class ImportResult:
    """Items created, changed and left unchanged (dry run: what would be), with their 编号."""

    created: int
    changed: int
    unchanged: int
    dry_run: bool
    sheet: str
    created_codes: list[str] = field(default_factory=list)
    changed_codes: list[str] = field(default_factory=list)


def preview_import(session: Session, *, actor: Actor, data: bytes, inspection: str | None = None,
                   lang: str = "zh", create_inspections: bool = False,
                   inspection_choices: dict | None = None, max_bytes: int | None = None) -> ImportPreview:
    """What importing the workbook `data` would do, row by row, and every problem (by Excel row and
    column as written); writes nothing. `inspection`: the 问题来源 of rows that name none. Sources
    not in the database are listed in `new_inspections` (kind and level inferred from the name);
    each row naming one is a problem unless `create_inspections`. Coordinator/admin only: raises
    PermissionDenied."""
    require(actor, ACTION)
    return plan_import(session, data=data, inspection=inspection, lang=lang,
                       create_inspections=create_inspections, inspection_choices=inspection_choices,
                       max_bytes=max_bytes).preview


def import_ledger(session: Session, *, actor: Actor, data: bytes, dry_run: bool = False,
                  inspection: str | None = None, filename: str | None = None,
                  lang: str = "zh", create_inspections: bool = False,
                  inspection_choices: dict | None = None, max_bytes: int | None = None) -> ImportResult:
    """Import every row of the workbook `data`, or none: raises ValidationFailed (each problem by
    Excel row and column), PermissionDenied (not coordinator/admin; refusals are audited) or
    StaleEdit (an item saved meanwhile). With `create_inspections`, the sources the sheet names
    that the database lacks are created first (audited; `inspection_choices` name → (kind, level)
    overrides the kind and level inferred from a name). Writes in the caller's transaction;
    dry_run writes nothing."""
    try:
        require(actor, ACTION)
    except PermissionDenied as exc:
        audit.record_refusal(session, actor=actor, action=ACTION, entity="ledger", entity_id=None,
                             outcome=AuditOutcome.REFUSED_PERMISSION, detail=str(exc))
        raise
    options = dict(inspection=inspection, lang=lang, create_inspections=create_inspections,
                   inspection_choices=inspection_choices, max_bytes=max_bytes)
    plan = plan_import(session, data=data, **options)
    if not plan.preview.errors and plan.preview.new_inspections and not dry_run:
        create_inspections_for(session, actor=actor, drafts=plan.preview.new_inspections, now=datetime.now())
        plan = plan_import(session, data=data, **options)   # now every source is known: real 编号
    preview = plan.preview
    if preview.errors:
        audit.record_refusal(session, actor=actor, action=ACTION, entity="ledger", entity_id=None,
                             outcome=AuditOutcome.REFUSED_INVALID,
                             detail=_refusal_detail(preview.errors, filename))
        raise ImportRefused(preview.errors, new_inspections=preview.new_inspections)
    result = ImportResult(preview.new, preview.changed, preview.unchanged, dry_run, preview.sheet,
                          [r.code for r in preview.rows if r.action == "new"],
                          [r.code for r in preview.rows if r.action == "changed"])
    if not dry_run:
        _write(session, actor, plan, result, data, filename)
    return result


def _write(session: Session, actor: Actor, plan: Plan, result: ImportResult, data: bytes,
           filename: str | None) -> None:
    at = datetime.now()
    insert_items(session, actor=actor, creates=plan.creates, at=at)
    update_items(session, actor=actor, updates=plan.updates, at=at)
    refresh_statistics(session, created=result.created)
    summary = {"sheet": result.sheet, "created": result.created, "changed": result.changed,
               "unchanged": result.unchanged, "sha256": hashlib.sha256(data).hexdigest()}
    record_summary(session, actor=actor, summary=summary, detail=filename,
                   changed_anything=bool(result.created or result.changed))


def _refusal_detail(errors: list[FieldProblem], filename: str | None) -> str:
    shown = "; ".join(str(ValidationFailed([p])) for p in errors[:20])
    more = f" (+{len(errors) - 20})" if len(errors) > 20 else ""
    return f"{filename or ''} {len(errors)} problems: {shown}{more}".strip()
