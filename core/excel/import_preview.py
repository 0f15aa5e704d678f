"""What an import would do: the preview a page shows before the user confirms."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from core.errors import FieldProblem
from core.i18n import translate


@dataclass(frozen=True)
class ImportRow:
    """What importing one data row does: `changes` maps the column as written to (before, after)."""

    row: int                     # Excel row number
    code: str                    # 编号 (made from 问题来源 + 序号 for a new row without one)
    action: str                  # "new" | "changed" | "unchanged" | "invalid"
    changes: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)


@dataclass
class ImportPreview:
    """The parsed sheet: which columns were recognised, what each row would do, every problem."""

    sheet: str = ""
    header_rows: tuple[int, ...] = ()
    columns: dict[str, str] = field(default_factory=dict)   # field → column header as written
    ignored_columns: list[str] = field(default_factory=list)
    skipped_rows: list[int] = field(default_factory=list)    # section / note rows
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[FieldProblem] = field(default_factory=list)
    new_inspections: list = field(default_factory=list)      # InspectionDrafts (core.excel.sources)
    notes: list[str] = field(default_factory=list)             # what the import understood, said

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def new(self) -> int:
        return self.count("new")

    @property
    def changed(self) -> int:
        return self.count("changed")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")

    def frame(self, *, lang: str = "zh", only_changes: bool = False) -> pd.DataFrame:
        """Rows as a table (Excel row, 编号, action, changes), for a page to show."""
        rows = [r for r in self.rows if not only_changes or r.action in ("new", "changed")]
        data = [(r.row, r.code, translate(f"import.action.{r.action}", lang),
                 "；".join(f"{k}：{a or '—'} → {b or '—'}" for k, (a, b) in r.changes.items()))
                for r in rows]
        names = [translate(f"import.col.{k}", lang) for k in ("row", "code", "action", "changes")]
        return pd.DataFrame(data, columns=names)
