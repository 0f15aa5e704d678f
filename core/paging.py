"""One page of a list's rows, as every list page shows them (items, referrals, interviews,
notices): the rows, how many match in all, which page of what size."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

Row = TypeVar("Row")


@dataclass(frozen=True)
class ResultPage(Generic[Row]):
    rows: list[Row] = field(default_factory=list)
    total: int = 0
    page: int = 1
    page_size: int = 50

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))
