"""The receiver's steps, recorded only by a user of the receiving unit: 回证 (receipt), 退回,
受理 / 不予受理, 立案 / 不予立案, progress notes, 办结 with the outcome, and the publication of the
result; and the procuratorate's 立案监督 on a police referral not filed.

Every function checks its input first (ValidationFailed, nothing read or written), then goes
through core.referrals.moves (permission and side, the version the user saw, the state; audited).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy.orm import Session

from core.access.permissions import Actor
from core.domain import DisciplineMeasure
from core.errors import FieldProblem, ValidationFailed
from core.ledger.evidence import EvidenceStore, check_files
from core.ledger.item_form import check_date, check_text
from core.messages import field_label, say, zh
from core.referrals.moves import Change, make_move
from db.models import Referral

COUNTS = ("detained", "arrested", "prosecuted", "punished_bureau", "punished_division",
          "punished_section")
MAX_PEOPLE = 10_000
MAX_FINE = Decimal("1e12")   # Numeric(14, 2)


def _raise(problems: list[FieldProblem]) -> None:
    if problems:
        raise ValidationFailed(problems)


def _problem(name: str, message: str) -> FieldProblem:
    return FieldProblem(None, zh(f"referral.field.{name}"), message)


def _not_before(name: str, day: date | None, earlier: date | None, earlier_name: str):
    """A check for `apply`: `day` is not before `earlier` (a date on the referral)."""
    if day is not None and earlier is not None and day < earlier:
        raise ValidationFailed([_problem(name, say(
            "err.referral_not_before", other=field_label(f"referral.field.{earlier_name}"),
            value=earlier.isoformat()))])


def _step(session, actor, name, referral_id, expected_version, **change) -> Referral:
    return make_move(session, actor=actor, name=name, referral_id=referral_id,
                     expected_version=expected_version, change=Change(**change))


def _note(value, *, required: bool) -> str | None:
    problems: list[FieldProblem] = []
    text = check_text(problems, "referral.field.note", value, required=required)
    _raise(problems)
    return text


def _reason(value) -> str:
    problems: list[FieldProblem] = []
    text = check_text(problems, "referral.field.reason", value)
    _raise(problems)
    return text


def _day(name: str, value, *, required: bool = True) -> date | None:
    problems: list[FieldProblem] = []
    day = check_date(problems, f"referral.field.{name}", value, required=required)
    _raise(problems)
    return day


# ------------------------------------------------------------------ receipt and acceptance

def receive_referral(session: Session, *, actor: Actor, referral_id: int, expected_version: int,
                     received_on: date, note: str | None = None) -> Referral:
    """回证 (已移送 → 已签收): the receiver signs for the referral and its materials on `received_on`
    (not before it was sent, not after today). Raises PermissionDenied (also: not the receiver),
    StaleEdit, TransitionNotAllowed, ValidationFailed."""
    received_on, note = _day("receipt_on", received_on), _note(note, required=False)

    def apply(referral: Referral) -> None:
        _not_before("receipt_on", received_on, referral.sent_on, "sent_on")
        referral.receipt_on = received_on

    return _step(session, actor, "receive", referral_id, expected_version, note=note,
                 tracked=["receipt_on"], apply=apply, details={"received_on": received_on})


def return_referral(session: Session, *, actor: Actor, referral_id: int, expected_version: int,
                    reason: str) -> Referral:
    """退回 (已移送/已签收 → 退回): the materials are incomplete; the reason says what is missing.
    The sender completes them (amend) and sends again (resend). Raises PermissionDenied,
    StaleEdit, TransitionNotAllowed, ValidationFailed."""
    reason = _reason(reason)

    def apply(referral: Referral) -> None:
        referral.returned_reason = reason
        referral.return_count = (referral.return_count or 0) + 1

    return _step(session, actor, "return", referral_id, expected_version, note=reason,
                 tracked=["returned_reason", "return_count"], apply=apply)


def accept_referral(session: Session, *, actor: Actor, referral_id: int, expected_version: int,
                    note: str | None = None) -> Referral:
    """受理 (已签收 → 已受理). Raises PermissionDenied, StaleEdit, TransitionNotAllowed."""
    note = _note(note, required=False)

    def apply(referral: Referral) -> None:
        referral.accepted, referral.acceptance_reason = True, None

    return _step(session, actor, "accept", referral_id, expected_version, note=note,
                 tracked=["accepted", "acceptance_reason"], apply=apply)


def refuse_referral(session: Session, *, actor: Actor, referral_id: int, expected_version: int,
                    reason: str) -> Referral:
    """不予受理 (已签收 → 不予受理), reason required: a state of its own, not a return. Raises
    PermissionDenied, StaleEdit, TransitionNotAllowed, ValidationFailed."""
    reason = _reason(reason)

    def apply(referral: Referral) -> None:
        referral.accepted, referral.acceptance_reason = False, reason

    return _step(session, actor, "refuse", referral_id, expected_version, note=reason,
                 tracked=["accepted", "acceptance_reason"], apply=apply)


# ------------------------------------------------------------------ filing

def file_referral(session: Session, *, actor: Actor, referral_id: int, expected_version: int,
                  filed_on: date, note: str | None = None) -> Referral:
    """立案 (已受理 → 已立案, or 不予立案 → 已立案 after the procuratorate's 立案监督) on `filed_on`
    (not before it was sent, not after today). Raises PermissionDenied, StaleEdit,
    TransitionNotAllowed, ValidationFailed."""
    filed_on, note = _day("filed_on", filed_on), _note(note, required=False)

    def apply(referral: Referral) -> None:
        _not_before("filed_on", filed_on, referral.sent_on, "sent_on")
        referral.filed, referral.filed_on = True, filed_on

    return _step(session, actor, "file", referral_id, expected_version, note=note,
                 tracked=["filed", "filed_on"], apply=apply, details={"filed_on": filed_on})


def not_file_referral(session: Session, *, actor: Actor, referral_id: int, expected_version: int,
                      reason: str) -> Referral:
    """不予立案 (已受理 → 不予立案), reason required. For a police referral the procuratorate may then
    record 立案监督. Raises PermissionDenied, StaleEdit, TransitionNotAllowed, ValidationFailed."""
    reason = _reason(reason)

    def apply(referral: Referral) -> None:
        referral.filed, referral.not_filed_reason = False, reason

    return _step(session, actor, "not_file", referral_id, expected_version, note=reason,
                 tracked=["filed", "not_filed_reason"], apply=apply)


def supervise_filing(session: Session, *, actor: Actor, referral_id: int, expected_version: int,
                     supervised_on: date, note: str) -> Referral:
    """立案监督: a procuratorate in reach (core.referrals.access) records that it asked the police
    to explain the non-filing or to file; the state stays 不予立案 until the police files. Raises
    PermissionDenied (not a procuratorate, or not in reach), StaleEdit, TransitionNotAllowed
    (not a police referral, not 不予立案, already supervised), ValidationFailed."""
    supervised_on, note = _day("supervised_on", supervised_on), _note(note, required=True)

    def apply(referral: Referral) -> None:
        referral.filing_supervised, referral.supervised_on = True, supervised_on

    return _step(session, actor, "supervise_filing", referral_id, expected_version, note=note,
                 tracked=["filing_supervised", "supervised_on"], apply=apply,
                 details={"supervised_on": supervised_on})


def record_progress(session: Session, *, actor: Actor, referral_id: int, expected_version: int,
                    note: str, attachments: Sequence[tuple[str, bytes]] = (),
                    store: EvidenceStore | None = None) -> Referral:
    """A progress note of the receiver (with documents), the state unchanged. Raises
    PermissionDenied, StaleEdit, TransitionNotAllowed, ValidationFailed, EvidenceError."""
    note = _note(note, required=True)
    files = check_files(attachments, store=store)
    return _step(session, actor, "progress", referral_id, expected_version, note=note,
                 files=files, store=store)


# ------------------------------------------------------------------ the outcome

@dataclass(frozen=True)
class Outcome:
    """What a concluded referral achieved; counts are people, the fine is in yuan."""

    concluded_on: date
    outcome: str                              # 办理结果 in words (required)
    detained: int = 0                         # 刑事拘留
    arrested: int = 0                         # 逮捕
    prosecuted: int = 0                       # 起诉
    judgment: str | None = None               # 判决
    discipline_measure: str | None = None     # core.domain.DisciplineMeasure code
    punished_bureau: int = 0                  # 厅级
    punished_division: int = 0                # 处级
    punished_section: int = 0                 # 科级及以下
    fine_yuan: Decimal | int | str | None = None
    result_published_on: date | None = None
    result_url: str | None = None


def _count_problems(outcome: Outcome) -> list[FieldProblem]:
    problems = []
    for name in COUNTS:
        value = getattr(outcome, name)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_PEOPLE:
            problems.append(_problem(name, say("err.out_of_range", low=0, high=MAX_PEOPLE)))
    return problems


def _fine(value, problems: list[FieldProblem]) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        fine = Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        problems.append(_problem("fine_yuan", say("err.not_number")))
        return None
    if not 0 <= fine < MAX_FINE:
        problems.append(_problem("fine_yuan", say("err.out_of_range", low=0, high=f"{MAX_FINE:,.0f}")))
    return fine


def _publication(problems, published_on, url) -> tuple[date | None, str | None]:
    day = check_date(problems, "referral.field.result_published_on", published_on, required=False)
    url = check_text(problems, "referral.field.result_url", url, required=False, limit=300)
    if url and not url.startswith(("http://", "https://")):
        problems.append(_problem("result_url", say("err.url")))
    if (day is None) != (url is None) and not any(p.column in (
            zh("referral.field.result_published_on"), zh("referral.field.result_url"))
            for p in problems):
        problems.append(_problem("result_url", say("err.referral_publication_pair")))
    return day, url


def check_outcome(outcome: Outcome) -> dict:
    """The outcome's column values; raises ValidationFailed naming each bad field."""
    problems = _count_problems(outcome)
    values = {name: getattr(outcome, name) for name in COUNTS}
    values["concluded_on"] = check_date(problems, "referral.field.concluded_on", outcome.concluded_on)
    values["outcome"] = check_text(problems, "referral.field.outcome", outcome.outcome)
    values["judgment"] = check_text(problems, "referral.field.judgment", outcome.judgment,
                                    required=False)
    measure = outcome.discipline_measure or None
    if measure is not None and measure not in {m.value for m in DisciplineMeasure}:
        problems.append(_problem("discipline_measure", say("err.unknown_value", value=measure)))
    values["discipline_measure"] = measure
    values["fine_yuan"] = _fine(outcome.fine_yuan, problems)
    values["result_published_on"], values["result_url"] = _publication(
        problems, outcome.result_published_on, outcome.result_url)
    _raise(problems)
    return values


def conclude_referral(session: Session, *, actor: Actor, referral_id: int, expected_version: int,
                      outcome: Outcome, attachments: Sequence[tuple[str, bytes]] = (),
                      store: EvidenceStore | None = None) -> Referral:
    """办结 (已立案 → 已办结; 已受理 → 已办结 for kinds that file no case) with its outcome: people
    detained/arrested/prosecuted, judgment, discipline measure and people held accountable by rank,
    fine, and (optionally) where the result was published; concluded_on not before filing or
    sending. Raises PermissionDenied, StaleEdit, TransitionNotAllowed, ValidationFailed,
    EvidenceError."""
    values = check_outcome(outcome)
    files = check_files(attachments, store=store)

    def apply(referral: Referral) -> None:
        _not_before("concluded_on", values["concluded_on"], referral.filed_on or referral.sent_on,
                    "filed_on" if referral.filed_on else "sent_on")
        for key, value in values.items():
            setattr(referral, key, value)

    return _step(session, actor, "conclude", referral_id, expected_version, note=values["outcome"],
                 tracked=list(values), apply=apply, details=values, files=files, store=store)


def publish_result(session: Session, *, actor: Actor, referral_id: int, expected_version: int,
                   published_on: date, url: str) -> Referral:
    """结果公开: where and when the result of a concluded referral was published (both required,
    the date not before it was concluded). Raises PermissionDenied, StaleEdit,
    TransitionNotAllowed, ValidationFailed."""
    problems: list[FieldProblem] = []
    day, url = _publication(problems, published_on, url)
    if day is None and url is None and not problems:
        problems.append(_problem("result_url", say("err.required")))
    _raise(problems)

    def apply(referral: Referral) -> None:
        _not_before("result_published_on", day, referral.concluded_on, "concluded_on")
        referral.result_published_on, referral.result_url = day, url

    return _step(session, actor, "publish", referral_id, expected_version,
                 tracked=["result_published_on", "result_url"], apply=apply,
                 details={"published_on": day, "url": url})
