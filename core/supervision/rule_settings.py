"""The admin's rule settings (table `setting`): read with their declared meaning, unit and range
(db/rules_defaults.py `RULE_SPECS`), saved with permission, validation, stale-edit refusal and audit.

A key with no row takes its default and shows version 0; saving it writes the row (version 1).
A save names only the keys the admin changed, each with the version the page showed: a key that
another admin saved meanwhile is refused (StaleEdit naming it), and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from core.access import audit
from core.access.permissions import Actor, require
from core.domain import AuditOutcome
from core.errors import FieldProblem, PermissionDenied, StaleEdit, ValidationFailed
from core.i18n import CATALOGUE
from core.ledger.rules import stored_value
from core.messages import say
from db.models import AuditEntry, Setting
from db.rules_defaults import RULE_SPECS, RuleSpec

ACTION = "settings.save"


@dataclass(frozen=True)
class RuleSetting:
    key: str
    spec: RuleSpec
    value: int                    # in force now (the default if no row, or an unusable one)
    stored: str | None            # as stored; None: no row
    version: int                  # 0: no row yet
    updated_at: datetime | None

    @property
    def is_default(self) -> bool:
        return self.value == self.spec.default


def field_label(key: str) -> str:
    """The Chinese label a problem names the setting by (its key if the catalogue lacks one)."""
    return CATALOGUE.get(f"setting.{key}", (key,))[0]


def list_rule_settings(session: Session, *, actor: Actor) -> list[RuleSetting]:
    """Every declared setting in RULE_SPECS order, with the value in force and its row's version.
    Admin only: raises PermissionDenied."""
    require(actor, "settings.manage")
    rows = {s.key: s for s in session.scalars(select(Setting))}
    return [RuleSetting(key, spec, stored_value(key, rows[key].value if key in rows else None),
                        rows[key].value if key in rows else None,
                        rows[key].version if key in rows else 0,
                        rows[key].updated_at if key in rows else None)
            for key, spec in RULE_SPECS.items()]


def _number(key: str, raw) -> tuple[int | None, str | None]:
    """(value, problem) for one submitted value: a whole number within the key's range."""
    spec = RULE_SPECS[key]
    text = str(raw).strip() if raw is not None and not isinstance(raw, bool) else ""
    if isinstance(raw, float) and raw.is_integer():
        text = str(int(raw))
    if not text:
        return None, say("err.required")
    try:
        value = int(text)
    except ValueError:
        return None, say("err.whole_number", value=text)
    if not spec.low <= value <= spec.high:
        return None, say("err.out_of_range", low=spec.low, high=spec.high)
    return value, None


def check_values(values: dict) -> dict[str, int]:
    """The submitted values as numbers; raises ValidationFailed naming each bad field (unknown
    key, empty, not a whole number, outside its range)."""
    problems, clean = [], {}
    for key, raw in values.items():
        if key not in RULE_SPECS:
            problems.append(FieldProblem(None, str(key), say("err.unknown_field")))
            continue
        value, problem = _number(key, raw)
        if problem:
            problems.append(FieldProblem(None, field_label(key), problem))
        else:
            clean[key] = value
    if problems:
        raise ValidationFailed(problems)
    return clean


def _changes_since(session: Session, key: str, version: int) -> tuple:
    """(value the admin saw, value now) from the audit trail of this key's saves after `version`."""
    entries = session.scalars(select(AuditEntry).where(
        AuditEntry.entity == "setting", AuditEntry.entity_id == key,
        AuditEntry.outcome == AuditOutcome.OK).order_by(AuditEntry.id)).all()
    later = [e for e in entries if (e.after or {}).get("version", 0) > version]
    if not later:
        return None, None
    return (later[0].before or {}).get("value"), (later[-1].after or {}).get("value")


def _refuse(session: Session, actor: Actor, key: str | None, outcome: AuditOutcome, detail: str,
            attempted: dict) -> None:
    audit.record_refusal(session, actor=actor, action=ACTION, entity="setting", entity_id=key,
                         outcome=outcome, detail=detail, attempted=attempted)


def _guard(session: Session, actor: Actor, values: dict, seen: dict[str, int]) -> dict[str, Setting]:
    """The rows of the keys to save, after the permission and version checks (refusals audited)."""
    try:
        require(actor, "settings.manage")
    except PermissionDenied as exc:
        _refuse(session, actor, None, AuditOutcome.REFUSED_PERMISSION, str(exc), values)
        raise
    rows = {s.key: s for s in session.scalars(select(Setting).where(Setting.key.in_(list(values)))
                                              .execution_options(populate_existing=True))}
    stale = {key: _changes_since(session, key, seen.get(key, 0)) for key in values
             if (rows[key].version if key in rows else 0) != seen.get(key, 0)}
    if stale:
        detail = "; ".join(f"{k}: saw version {seen.get(k, 0)}" for k in stale)
        _refuse(session, actor, ",".join(stale), AuditOutcome.REFUSED_STALE, detail, values)
        raise StaleEdit(say("err.stale_setting", keys="、".join(field_label(k) for k in stale)),
                        {field_label(k): v for k, v in stale.items()})
    return rows


def save_rule_settings(session: Session, *, actor: Actor, values: dict,
                       seen_versions: dict[str, int]) -> list[str]:
    """Save the settings the admin changed (`values`: key → number or text), each checked against
    the version the page showed (`seen_versions`, 0 for a key with no row). Returns the keys whose
    value changed (a value equal to the one in force writes nothing). Raises ValidationFailed
    (nothing written), PermissionDenied, StaleEdit (a key saved by someone else meanwhile)."""
    clean = check_values(values)
    rows = _guard(session, actor, {k: str(v) for k, v in values.items()}, seen_versions)
    changed = []
    for key, value in clean.items():
        row = rows.get(key)
        before = stored_value(key, row.value if row else None)
        if row is not None and row.value == str(value):
            continue
        if row is None:
            row = Setting(key=key, value=str(value), help=RULE_SPECS[key].help)
            session.add(row)
        else:
            row.value = str(value)
        _flush(session, key)
        audit.record(session, actor=actor, action=ACTION, entity="setting", entity_id=key,
                     before={"value": before, "version": seen_versions.get(key, 0)},
                     after={"value": value, "version": row.version})
        changed.append(key)
    return changed


def _flush(session: Session, key: str) -> None:
    """Flush one setting; a row written by someone else at this very moment is a stale edit."""
    try:
        session.flush()
    except (IntegrityError, StaleDataError) as exc:
        raise StaleEdit(say("err.stale_setting", keys=field_label(key))) from exc
