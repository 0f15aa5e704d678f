"""问题来源 the database does not know yet: what kind and level of inspection a name suggests, and
creating it once the user has confirmed (docs/domain.md, Four kinds of inspection).

A published list names its source in words ("第三轮中央生态环境保护督察", "2025年长江流域生态环境
专项督察"). The words say the level (中央 / 部 / 市), the kind (例行, 专项, 驻点, 日常), the round and
the year; each guess is returned with the words it rests on, so the page can show them and the
user can correct them before anything is created. A name that says nothing of its level is taken
as municipal (the office's own inspections), of its kind as routine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access import audit
from core.access.permissions import Actor
from core.domain import InspectionKind, SourceLevel
from db.models import Inspection

MAX_NAME = 120
_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
# (words, level), first match wins: a ministry's list often mentions 中央 policies, not vice versa
_LEVELS = ((("生态环境部", "部级", "部督察", "国家"), SourceLevel.MINISTRY),
           (("中央",), SourceLevel.CENTRAL),
           (("市级", "重庆市", "市委", "市政府", "市督察"), SourceLevel.CITY))
_KINDS = ((("专项", "警示片"), InspectionKind.SPECIAL), (("驻点",), InspectionKind.STATIONED),
          (("日常", "季调度", "年度"), InspectionKind.DAILY),
          (("例行", "回头看", "督察"), InspectionKind.ROUTINE))


@dataclass(frozen=True)
class InspectionDraft:
    """An inspection to create for a 问题来源: the name as written and what it was taken for."""

    name: str
    kind: InspectionKind
    level: SourceLevel
    round_no: int | None = None
    year: int | None = None
    is_look_back: bool = False
    reasons: tuple[str, ...] = ()      # "中央 → 中央", "专项 → 专项督察", or what was assumed


def _match(name: str, table) -> tuple[object, str] | None:
    for words, value in table:
        for word in words:
            if word in name:
                return value, word
    return None


def infer_inspection(name: str) -> InspectionDraft:
    """The kind, level, round (第N轮) and year (20xx年) a source name suggests, with the reasons."""
    level = _match(name, _LEVELS)
    kind = _match(name, _KINDS)
    reasons = [f"“{level[1]}” → level:{level[0].value}" if level else "level:city (assumed)",
               f"“{kind[1]}” → kind:{kind[0].value}" if kind else "kind:routine (assumed)"]
    found = re.search(r"第([一二三四五六七八九十]|\d+)轮", name)
    round_no = (int(found[1]) if found[1].isdigit() else _NUMERALS[found[1]]) if found else None
    year = re.search(r"(20\d\d)年", name)
    return InspectionDraft(name=name, kind=kind[0] if kind else InspectionKind.ROUTINE,
                           level=level[0] if level else SourceLevel.CITY, round_no=round_no,
                           year=int(year[1]) if year else None, is_look_back="回头看" in name,
                           reasons=tuple(reasons))


def with_choice(draft: InspectionDraft, choice: tuple[InspectionKind, SourceLevel] | None) -> InspectionDraft:
    """The draft with the kind and level the user chose (None: as inferred)."""
    if choice is None:
        return draft
    kind, level = InspectionKind(choice[0]), SourceLevel(choice[1])
    return replace(draft, kind=kind, level=level, reasons=(*draft.reasons, "chosen by the user"))


def create_inspections(session: Session, *, actor: Actor, drafts: list[InspectionDraft],
                       now: datetime) -> dict[str, int]:
    """Create the drafted inspections that do not exist yet (a concurrent import may have made
    one: it is matched by name, not duplicated); name → id. The caller checks permission;
    each creation is audited."""
    made: dict[str, int] = {}
    for draft in drafts:
        existing = session.scalar(select(Inspection.id).where(Inspection.name == draft.name))
        if existing is not None:
            made[draft.name] = existing
            continue
        row = Inspection(name=draft.name, kind=draft.kind, level=draft.level, round_no=draft.round_no,
                         year=draft.year, is_look_back=draft.is_look_back)
        session.add(row)
        session.flush()
        made[draft.name] = row.id
        audit.record(session, actor=actor, action="inspection.create", entity="inspection",
                     entity_id=row.id, after={**audit.snapshot(row, ["name", "kind", "level", "round_no",
                                                                     "year", "is_look_back"]),
                                              "inferred": list(draft.reasons), "at": now.isoformat()})
    return made
