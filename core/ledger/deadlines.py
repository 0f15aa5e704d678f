"""Deadlines as ledgers write them (整改时限): "2022年6月底前", "立行立改", "长期坚持", date cells.

The ledger keeps the wording and a computed due date. The parser is a small table of exact
patterns; anything else raises DeadlineError naming the text, because a guessed date would
silently move a deadline (and with it every overdue count).
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from core.errors import LedgerError

IMMEDIATE = "立行立改"   # due the day it is assigned
ONGOING = "长期坚持"     # completed and kept up: reviewed each quarter, never overdue


class DeadlineError(LedgerError):
    """A 整改时限 that is empty, not a known wording, or names a day that does not exist."""


@dataclass(frozen=True)
class Deadline:
    """A 整改时限: the ledger's wording and the last day (inclusive) it allows."""

    text: str               # the wording as entered (ISO text for a date cell), whitespace trimmed
    due_on: date | None     # None for 长期坚持, and for 立行立改 without an assignment date
    ongoing: bool = False   # 长期坚持: never overdue
    immediate: bool = False  # 立行立改: due on the assignment date


def _month_end(year: int, month: int) -> date:
    # calendar.IllegalMonthError is a ValueError, as is date()'s: both mean "no such day".
    return date(year, month, calendar.monthrange(year, month)[1])


def _on_day(m: re.Match) -> date:
    return date(int(m["y"]), int(m["m"]), int(m["d"]))


def _on_month_end(m: re.Match) -> date:
    return _month_end(int(m["y"]), int(m["m"]))


def _on_year_end(m: re.Match) -> date:
    return date(int(m["y"]), 12, 31)


def _on_half_end(m: re.Match) -> date:
    return _month_end(int(m["y"]), 6 if m["h"] == "上" else 12)


_QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def _on_quarter_end(m: re.Match) -> date:
    return _month_end(int(m["y"]), 3 * _QUARTERS[m["q"]])


# Optional tail on every form: "前"/"之前"/"以前", then "完成"/"完成整改" ("2023年底前完成整改").
# None of them changes the day: "6月底前" and "6月底" both allow June 30.
_TAIL = r"(?:之前|以前|前)?(?:完成(?:整改)?)?"
_Y = r"(?P<y>[0-9]{4})"
_FORMS: tuple[tuple[str, Callable[[re.Match], date]], ...] = (
    (_Y + r"年(?P<m>[0-9]{1,2})月(?P<d>[0-9]{1,2})[日号]?", _on_day),          # 2023年12月31日
    (_Y + r"(?P<s>[-/.])(?P<m>[0-9]{1,2})(?P=s)(?P<d>[0-9]{1,2})", _on_day),  # 2023-12-31
    (_Y + r"年(?P<m>[0-9]{1,2})月[底末]?", _on_month_end),                    # 2022年6月底
    (_Y + r"[-/.](?P<m>[0-9]{1,2})", _on_month_end),                         # 2022.12
    (_Y + r"年年?[底末]", _on_year_end),                                      # 2023年(年)底
    (_Y + r"年(?P<h>[上下])半年[底末]?", _on_half_end),                       # 2023年上半年
    (_Y + r"年第?(?P<q>[1-4一二三四])季度[底末]?", _on_quarter_end),          # 2023年第三季度
)
_PATTERNS = tuple((re.compile(rf"{form}{_TAIL}", re.ASCII), resolve) for form, resolve in _FORMS)


def parse_deadline(value, *, assigned_on: date | None = None) -> Deadline:
    """The deadline a ledger cell means (a month/quarter/year means its last day); raises DeadlineError."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return Deadline(value.isoformat(), value)
    text = _cell_text(value)
    key = _normalise(text)
    if key == IMMEDIATE:
        return Deadline(text, _as_date(assigned_on), immediate=True)
    if key == ONGOING:
        return Deadline(text, None, ongoing=True)
    return Deadline(text, _due_on(key, text))


def _cell_text(value) -> str:
    if value is None:
        raise DeadlineError('整改时限为空: ""')
    if not isinstance(value, str):
        # Excel stores a typed "2022.10" as the number 2022.1: which month was meant is lost.
        raise DeadlineError(f"整改时限须为文字或日期, 收到 {value!r}: 请把单元格改为文本或日期格式")
    text = value.strip()
    if not text:
        raise DeadlineError(f'整改时限为空: "{value}"')
    return text


def _normalise(text: str) -> str:
    # NFKC folds full-width digits and ．－／ to ASCII; inner spaces carry no meaning here.
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _due_on(key: str, text: str) -> date:
    for pattern, resolve in _PATTERNS:
        match = pattern.fullmatch(key)
        if match:
            try:
                return resolve(match)
            except ValueError:
                raise DeadlineError(f'日期不存在: "{text}"') from None
    raise DeadlineError(f'无法识别的整改时限 "{text}"')


def _as_date(value: date | None) -> date | None:
    return value.date() if isinstance(value, datetime) else value
