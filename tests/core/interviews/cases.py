"""Shared by the interview tests: a valid record, and an interview in any state of its track."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from core.domain import InterviewStatus, Role
from core.interviews import moves, records
from db.models import AuditEntry, FollowUpMeasure, Interview, InterviewEvent, InterviewItem, Item
from tests.factories import make_actor, unit_id

TODAY = date(2026, 12, 2)   # the day these tests are "as of" (core takes today where it matters)
WANZHOU_GOV = "万州区人民政府"
OFFICE = "重庆市生态环境保护督察工作领导小组办公室"
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"


def values(session, **overrides) -> dict:
    """The form of a valid interview of 万州区人民政府, held on 2025-09-26 (before 国庆)."""
    return dict(circumstance="poor_rectification", details="整改推进缓慢",
                interviewee_unit_id=unit_id(session, WANZHOU_GOV),
                organiser_unit_id=unit_id(session, OFFICE), held_on=date(2025, 9, 26),
                place="市生态环境局第一会议室", people="张某某，副区长\n李某某，区生态环境局局长",
                plan_workdays=15) | overrides


def record(session, actor=None, *, today: date = TODAY, **overrides) -> Interview:
    actor = actor or make_actor(session, Role.COORDINATOR)
    return records.record_interview(session, actor=actor, values=values(session, **overrides),
                                     today=today)


def advance(session, actor, interview: Interview, to: InterviewStatus) -> Interview:
    """Walk the interview along its track to `to`, with valid dates."""
    held = interview.held_on
    steps = [(InterviewStatus.PLAN_SUBMITTED, lambda v: moves.submit_plan(
                 session, actor=actor, interview_id=interview.id, expected_version=v,
                 submitted_on=held + timedelta(days=10), today=TODAY)),
             (InterviewStatus.RECTIFYING, lambda v: moves.publish_plan(
                 session, actor=actor, interview_id=interview.id, expected_version=v,
                 published_on=held + timedelta(days=12), url="https://wz.gov.cn/zgfa.html", today=TODAY)),
             (InterviewStatus.COMPLETED, lambda v: moves.complete(
                 session, actor=actor, interview_id=interview.id, expected_version=v,
                 completed_on=held + timedelta(days=60), today=TODAY))]
    for status, step in steps:
        if interview.status == to:
            break
        interview = step(interview.version)
        assert interview.status == status
    return interview


def counts(session) -> tuple[int, ...]:
    """Rows that a refused write must not have added: interviews, links, items, measures,
    events, and allowed audit rows."""
    return tuple(session.scalar(select(func.count()).select_from(model)) for model in (
        Interview, InterviewItem, Item, FollowUpMeasure, InterviewEvent)) + (
        session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.outcome == "ok")),)
