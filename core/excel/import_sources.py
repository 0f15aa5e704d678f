"""The 问题来源 of an import: inspections the database has, and the ones a sheet names that it does
not (each given a placeholder id below zero until the user confirms and they are created; see
core.excel.sources); and 序号 that start again in each section of one source."""

from __future__ import annotations

from core.excel.import_values import InspectionRef, Lookups, UnknownSource
from core.excel.layout import normalise_text
from core.excel.sources import InspectionDraft, infer_inspection, with_choice


class SourceBook:
    """Known inspections by id, and drafts for the unknown names met so far (placeholder ids)."""

    def __init__(self, lk: Lookups, choices: dict | None = None):
        self.lk = lk
        self.choices = {normalise_text(k): v for k, v in (choices or {}).items()}
        self._new: dict[str, tuple[int, InspectionDraft]] = {}

    def named(self, name: str) -> int:
        """The id of the inspection called `name`, or a placeholder for a new one."""
        ref = self.lk.inspections.get(normalise_text(name))
        if ref is not None:
            return ref.id
        key = normalise_text(name)
        if key not in self._new:
            choice = self.choices.get(key) or self.choices.get("*")   # "*": every new one
            draft = with_choice(infer_inspection(name.strip()), choice)
            self._new[key] = (-1 - len(self._new), draft)
        return self._new[key][0]

    def id_for(self, value) -> int:
        """A converted 问题来源 cell (an id, or UnknownSource) as an id or placeholder."""
        return self.named(value.name) if isinstance(value, UnknownSource) else value

    @staticmethod
    def is_new(inspection_id: int | None) -> bool:
        return inspection_id is not None and inspection_id < 0

    def ref(self, inspection_id: int) -> InspectionRef:
        if inspection_id >= 0:
            return self.lk.inspection_by_id[inspection_id]
        draft = next(d for i, d in self._new.values() if i == inspection_id)
        return InspectionRef(inspection_id, draft.name, draft.kind, draft.level)

    def draft(self, inspection_id: int) -> InspectionDraft:
        return next(d for i, d in self._new.values() if i == inspection_id)

    @property
    def drafts(self) -> list[InspectionDraft]:
        return [d for _i, d in self._new.values()]


def restarts_per_section(rows: list, skipped: set[int]) -> bool:
    """True if, in sheet order, every time 序号 does not go up a section (or note) row lies between
    the two rows: the sheet numbers each section from 1 (published lists do)."""
    numbered = [r for r in rows if r.seq is not None]
    restarts = [(a, b) for a, b in zip(numbered, numbered[1:], strict=False) if b.seq <= a.seq]
    return bool(restarts) and all(any(a.number < s < b.number for s in skipped) for a, b in restarts)


def renumber_restarts(rows: list, skipped: set[int]) -> list[tuple[int, int]]:
    """For each source whose 序号 restart per section, number its rows through the sheet (1, 2, …)
    so that 问题来源 + 序号 stays a key; returns (source id, rows renumbered) for the preview."""
    done = []
    for source in sorted({r.inspection_id for r in rows if r.inspection_id is not None}):
        group = sorted((r for r in rows if r.inspection_id == source), key=lambda r: r.number)
        if restarts_per_section(group, skipped):
            for n, row in enumerate(group, 1):
                row.seq = n
            done.append((source, len(group)))
    return done
