"""Cell values of an imported ledger: names matched to districts, units and inspections, words to
codes, text to dates, percents and deadlines.

Lookups are loaded once per import; converters are memoised per distinct cell value, because a
50,000-row ledger repeats the same few hundred names. Every converter raises CellError(key, …),
which core.excel.imports turns into a FieldProblem naming the Excel row and the column as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.domain import InspectionKind, SourceLevel, Stage, UnitKind
from core.excel.layout import BY_FIELD, enum_of, normalise_text, word_for, word_table
from core.ledger.deadlines import Deadline, DeadlineError, parse_deadline
from db.models import District, Inspection, Unit
from db.reference import CITYWIDE_NAMES

MAX_SOURCE_NAME = 120   # Inspection.name
UNIT_SEPARATORS = re.compile(r"[、,，;；\n]+")
_DATE_TEXT = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")


class _Blank:
    """A blank cell (distinct from None, which is a value: 全市 has no district)."""

    def __repr__(self) -> str:
        return "BLANK"


BLANK = _Blank()


class CellError(Exception):
    """A cell that cannot be imported: `key` names the catalogue message (import.err.<key>)."""

    def __init__(self, key: str, **params):
        super().__init__(key)
        self.key, self.params = key, params


@dataclass(frozen=True)
class InspectionRef:
    id: int
    name: str
    kind: InspectionKind
    level: SourceLevel


@dataclass
class Lookups:
    """Reference data for one import: normalised name → id, and id → the name the export writes."""

    districts: dict[str, int | None]
    district_names: dict[int, str]
    units: dict[str, int]
    unit_names: dict[int, str]
    inspections: dict[str, InspectionRef]
    inspection_by_id: dict[int, InspectionRef]


def load_lookups(session: Session) -> Lookups:
    """Districts by name, short name, aliases and 全市; units by full or short name (a district's
    own name means its government, as ledgers write "万州区" for 万州区人民政府); inspections by name."""
    districts: dict[str, int | None] = {normalise_text(n): None for n in CITYWIDE_NAMES}
    names: dict[int, str] = {}
    for did, name, short, aliases in session.execute(
            select(District.id, District.name, District.short_name, District.aliases)):
        names[did] = name
        for form in (name, short, *(aliases or [])):
            districts[normalise_text(form)] = did
    units, unit_names = _unit_index(session, districts)
    refs = [InspectionRef(i, n, InspectionKind(k), SourceLevel(lv)) for i, n, k, lv in session.execute(
        select(Inspection.id, Inspection.name, Inspection.kind, Inspection.level))]
    return Lookups(districts, names, units, unit_names, {normalise_text(r.name): r for r in refs},
                   {r.id: r for r in refs})


def _unit_index(session: Session, districts: dict[str, int | None]) -> tuple[dict, dict]:
    rows = session.execute(select(Unit.id, Unit.name, Unit.short_name, Unit.kind, Unit.district_id)
                           .order_by(Unit.id)).all()
    governments = {did: uid for uid, _n, _s, kind, did in rows if kind == UnitKind.DISTRICT_GOV}
    index = {form: governments[did] for form, did in districts.items()
             if did is not None and did in governments}
    for uid, _name, short, _kind, _did in rows:   # a unit's own names win over district forms
        index[normalise_text(short)] = uid
    for uid, name, _short, _kind, _did in rows:  # full names win over short ones
        index[normalise_text(name)] = uid
    return index, {uid: short for uid, _n, short, _k, _d in rows}


# ---------------------------------------------------------------- converters

def clean_text(value) -> str | None:
    """A cell as stored text: trimmed, without characters Excel cannot hold; empty → None."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (date, datetime)):
        value = value.isoformat()
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value)).strip()
    return text or None


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(limit: int | None) -> Callable:
    def convert(value):
        text = clean_text(value)
        if limit is not None and text is not None and len(text) > limit:
            raise CellError("too_long", limit=limit, length=len(text))
        return text
    return convert


INT_RANGE = (-2**31, 2**31 - 1)   # what an INTEGER column holds on PostgreSQL


def to_int(value) -> int:
    """A whole number a database INTEGER holds; raises CellError (the fuzzer's 9.2e18 序号
    overflowed SQLite and PostgreSQL before)."""
    number = _whole(value)
    if not INT_RANGE[0] <= number <= INT_RANGE[1]:
        raise CellError("int_range", text=clean_text(value))
    return number


def _whole(value) -> int:
    if isinstance(value, bool):
        raise CellError("not_integer", text=value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = normalise_text(value)
    if isinstance(value, str) and text.isdigit():
        return int(text)
    raise CellError("not_integer", text=clean_text(value))


def to_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        m = _DATE_TEXT.fullmatch(normalise_text(value))
        if m:
            try:
                return date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                pass
    raise CellError("not_date", text=clean_text(value))


def to_percent(value) -> int:
    number = value
    if isinstance(value, str):
        text = normalise_text(value).removesuffix("%")
        try:
            number = float(text)
        except ValueError:
            raise CellError("percent", text=clean_text(value)) from None
    if isinstance(number, bool) or not isinstance(number, (int, float)) or not 0 <= number <= 100:
        raise CellError("percent", text=clean_text(value))
    return round(number)


# Words that mean "no value" in a coded column (the export and ledgers write 未督办 for an item
# never supervised): the cell converts to None, as a blank one would.
NONE_WORDS: dict[str, frozenset[str]] = {
    "supervision_level": frozenset(normalise_text(w) for w in ("未督办", "不督办", "无", "否", "—", "-")),
}


def _choice(column_field: str) -> Callable:
    words = word_table(column_field)
    allowed = "、".join(dict.fromkeys(_labels(column_field)))
    none_words = NONE_WORDS.get(column_field, frozenset())

    def convert(value):
        if normalise_text(value) in none_words:
            return None
        code = words.get(normalise_text(value))
        if code is None:
            raise CellError("unknown_word", text=clean_text(value), allowed=allowed)
        return code
    return convert


def _labels(column_field: str) -> list[str]:
    return [word_for(m) for m in enum_of(column_field)]


def _district(lk: Lookups) -> Callable:
    def convert(value):
        key = normalise_text(value)
        if key not in lk.districts:
            raise CellError("unknown_district", text=clean_text(value))
        return lk.districts[key]
    return convert


def _units(lk: Lookups) -> Callable:
    def convert(value):
        found: list[int] = []
        for part in UNIT_SEPARATORS.split(str(value)):
            if not part.strip():
                continue
            uid = lk.units.get(normalise_text(part))
            if uid is None:
                raise CellError("unknown_unit", text=part.strip())
            if uid not in found:
                found.append(uid)
        return tuple(found)
    return convert


@dataclass(frozen=True)
class UnknownSource:
    """A 问题来源 naming no inspection in the database: created only when the user confirms."""

    name: str


def _inspection(lk: Lookups) -> Callable:
    def convert(value):
        ref = lk.inspections.get(normalise_text(value))
        if ref is not None:
            return ref.id
        name = clean_text(value)
        if len(name) > MAX_SOURCE_NAME:
            raise CellError("too_long", limit=MAX_SOURCE_NAME, length=len(name))
        return UnknownSource(name)
    return convert


def _memo(convert: Callable) -> Callable:
    """convert, remembered per distinct cell value (errors too)."""
    cache: dict = {}

    def cached(value):
        hit = cache.get(value)
        if hit is None:
            try:
                hit = (True, convert(value))
            except CellError as exc:
                hit = (False, exc)
            cache[value] = hit
        if hit[0]:
            return hit[1]
        raise hit[1]
    return cached


def converters(lk: Lookups) -> dict[str, Callable]:
    """field → converter of a non-blank cell (the deadline is converted by `deadline_of`)."""
    by_kind: dict[str, Callable[[str], Callable]] = {
        "int": lambda f: to_int, "version": lambda f: to_int, "date": lambda f: _memo(to_date),
        "percent": lambda f: to_percent, "district": lambda f: _memo(_district(lk)),
        "units": lambda f: _memo(_units(lk)), "choice": lambda f: _memo(_choice(f)),
        "inspection": lambda f: _memo(_inspection(lk)),
        "text": lambda f: _text(BY_FIELD[f].max_len),
    }
    return {c.field: by_kind[c.kind](c.field) for c in BY_FIELD.values() if c.kind in by_kind}


def deadline_of(value, assigned_on: date | None) -> Deadline:
    """The deadline a cell means (立行立改: the assignment date); raises CellError."""
    try:
        deadline = parse_deadline(value, assigned_on=assigned_on)
    except DeadlineError as exc:
        raise CellError("deadline", detail=str(exc)) from None
    limit = BY_FIELD["deadline"].max_len
    if len(deadline.text) > limit:
        raise CellError("too_long", limit=limit, length=len(deadline.text))
    return deadline


def cell_value(lk: Lookups, column_field: str, value):
    """What a ledger cell shows for a stored value: names for ids (全市 for no district), Chinese
    labels for codes; dates and numbers stay typed."""
    if column_field == "district":
        return "全市" if value is None else lk.district_names[value]
    if value is None:
        return None
    if column_field == "inspection":
        return lk.inspection_by_id[value].name
    if column_field == "units":
        return "、".join(lk.unit_names[u] for u in value) or None
    if isinstance(value, StrEnum):
        return word_for(value)
    return value


def display_value(lk: Lookups, column_field: str, value) -> str | None:
    """A stored value as the text a cell would show (dates as 2024-03-01)."""
    shown = cell_value(lk, column_field, value)
    return clean_text(shown) if shown is not None else None


def parse_cells(row: list, fields: list[str], convert: dict[str, Callable]) -> tuple[dict, list]:
    """(field → value, [(field, CellError)]) for one row; blank cells give BLANK. The deadline
    stays raw: it depends on the row's 交办日期."""
    values: dict = {}
    errors: list[tuple[str, CellError]] = []
    for name, raw in zip(fields, row, strict=True):
        if is_blank(raw):
            values[name] = BLANK
        elif name == "deadline":
            values[name] = raw
        else:
            try:
                values[name] = convert[name](raw)
            except CellError as exc:
                errors.append((name, exc))
    return values, errors


def derive_stage(deadline: Deadline, assigned_on: date | None) -> Stage:
    """阶段 when the sheet gives none: 长期坚持, else by months from 交办 to the due date."""
    if deadline.ongoing:
        return Stage.ONGOING
    if deadline.due_on is None or assigned_on is None:
        return Stage.SHORT
    days = (deadline.due_on - assigned_on).days
    return Stage.SHORT if days <= 183 else Stage.MEDIUM if days <= 730 else Stage.LONG


def same_value(old, new) -> bool:
    """Equal as the ledger sees it: text trimmed, without illegal characters, empty as None."""
    if isinstance(old, str) or isinstance(new, str):
        return clean_text(old) == clean_text(new)
    return old == new


def row_list(numbers: list[int]) -> str:
    """5–9, 12, … (37): consecutive rows as ranges, the first few shown."""
    spans: list[list[int]] = []
    for n in numbers:
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    shown = ", ".join(f"{a}–{b}" if a != b else str(a) for a, b in spans[:5])
    return shown + (f", … ({len(numbers)})" if len(spans) > 5 else "")
