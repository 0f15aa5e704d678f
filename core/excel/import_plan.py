"""Planning a ledger import: match each row to an item, compare, and collect every problem.

Reads the items the sheet's keys name (in chunks) and writes nothing. The result is the preview
(what each row would do, every problem by Excel row and column as written) and, for a clean
sheet, the new items and updates that core.excel.import_writes applies.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter
from sqlalchemy import any_, bindparam, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from core.access import audit
from core.domain import ItemType, Status, UnitRole
from core.errors import FieldProblem
from core.excel.import_preview import ImportPreview, ImportRow
from core.excel.import_sources import SourceBook, renumber_restarts
from core.excel.import_values import (
    BLANK,
    CellError,
    Lookups,
    converters,
    deadline_of,
    derive_stage,
    display_value,
    load_lookups,
    parse_cells,
    row_list,
    same_value,
)
from core.excel.import_writes import CHUNK, ItemUpdate, NewItem
from core.excel.layout import BY_FIELD, RawSheet, SheetError, read_ledger_sheet
from core.i18n import label, translate
from core.ledger.deadlines import Deadline
from db.models import Item, ItemUnit

# Sheet fields stored as they are, in the Item column of the same name.
DIRECT = ("seq", "item_type", "assign_doc_no", "assigned_on", "township", "category", "description",
          "responsible_leader", "responsible_person", "contact_phone", "target", "measures", "stage",
          "supervision_level", "latest_progress", "latest_progress_on", "progress_percent", "status",
          "delay_reason", "closed_on", "close_doc_no")
KEEP_IF_BLANK = frozenset({"item_type", "stage", "supervision_level", "status", "progress_percent"})
REQUIRED = ("description", "district", "category", "deadline")
ROLES = {"lead_units": UnitRole.LEAD, "resp_units": UnitRole.RESPONSIBLE, "coop_units": UnitRole.COOPERATING}
ROLE_FIELD = {role: f for f, role in ROLES.items()}
SHOWN = {"district_id": "district", "inspection_id": "inspection", "deadline_text": "deadline",
         **{f: f for f in DIRECT}}   # Item column → sheet field, for the preview's changes
NEW_ITEM = dict(assign_doc_no=None, assigned_on=None, district_id=None, township=None, lon=None,
                lat=None, responsible_leader=None, responsible_person=None, contact_phone=None,
                target=None, measures=None, plan_url=None, plan_published_on=None,
                latest_progress=None, latest_progress_on=None, progress_percent=0, extension_count=0,
                delay_reason=None, accepted_on=None, acceptance_unit=None, acceptance_conclusion=None,
                notice_from=None, notice_to=None, closed_on=None, close_doc_no=None,
                item_type=ItemType.FEEDBACK, supervision_level=None,
                bounce_count=0, reopen_count=0, version=1)
LOADED = (Item.id, Item.code, Item.seq, Item.inspection_id, Item.lead_unit_id, Item.holder_unit_id,
          Item.deadline_text, Item.due_on, Item.original_due_on, Item.is_ongoing, Item.district_id,
          Item.version, Item.extension_count, *(getattr(Item, f) for f in DIRECT if f != "seq"))


@dataclass
class Plan:
    preview: ImportPreview
    creates: list[NewItem] = field(default_factory=list)
    updates: list[ItemUpdate] = field(default_factory=list)


@dataclass
class _Row:
    number: int
    values: dict
    bad: set[str]
    code: str | None = None
    inspection_id: int | None = None      # below zero: a new inspection (import_sources)
    seq: int | None = None
    existing: dict | None = None
    failed: bool = False
    source_in_cell: bool = False          # 问题来源 written in the row (not the import's option)


def plan_import(session: Session, *, data: bytes, inspection: str | None, lang: str,
                create_inspections: bool = False, inspection_choices: dict | None = None,
                max_bytes: int | None = None) -> Plan:
    """Read and check the workbook against the ledger; writes nothing. A 问题来源 not in the
    database is a problem of each row naming it unless `create_inspections` (then the preview
    lists it, with `inspection_choices` name → (kind, level) overriding what its name suggests)."""
    try:
        sheet = read_ledger_sheet(data, max_bytes=max_bytes)
    except SheetError as exc:
        column = translate(f"import.column.{'header' if exc.key == 'no_header' else 'file'}", lang)
        message = translate(f"import.err.{exc.key}", lang, **exc.params)
        return Plan(ImportPreview(errors=[FieldProblem(None, column, message)]))
    lookups = load_lookups(session)
    planner = _Planner(session, sheet, lookups, lang, SourceBook(lookups, inspection_choices),
                       create_inspections)
    return planner.run(inspection)


def _chunks(keys) -> list[list]:
    keys = sorted(keys)
    return [keys[i:i + CHUNK] for i in range(0, len(keys), CHUNK)]


class _Planner:
    def __init__(self, session: Session, sheet: RawSheet, lk: Lookups, lang: str, sources: SourceBook,
                 create: bool):
        self.session, self.sheet, self.lk, self.lang = session, sheet, lk, lang
        self.sources, self.create = sources, create
        self.headers = {c.field: c.header for c in sheet.columns}
        self.plan = Plan(ImportPreview(sheet.title, sheet.header_rows, dict(self.headers),
                                       list(sheet.ignored), list(sheet.skipped)))
        self.missing: dict[str, list[int]] = {}
        self.units: dict[int, dict[UnitRole, list[int]]] = {}
        self.by_pair: dict[tuple[int, int], dict] = {}
        self.source_id: int | None = None

    def run(self, inspection: str | None) -> Plan:
        self._sheet_problems(inspection)
        rows = self._parse()
        self._match(rows)
        self._check_keys(rows)
        for row in rows:
            self._decide(row)
        for f, numbers in self.missing.items():
            self._problem(None, BY_FIELD[f].header, "missing_column", rows=row_list(numbers))
        self.plan.preview.new_inspections = self.sources.drafts
        self.plan.preview.errors.sort(key=lambda p: p.row or 0)
        return self.plan

    # ---- problems
    def _column(self, f: str) -> str:
        return self.headers.get(f) or BY_FIELD[f].header

    def _problem(self, row: _Row | None, f: str, key: str, **params) -> None:
        column = self._column(f) if f in BY_FIELD else f
        message = translate(f"import.err.{key}", self.lang, **params)
        self.plan.preview.errors.append(FieldProblem(row.number if row else None, column, message))
        if row is not None:
            row.failed = True

    def _sheet_problems(self, inspection: str | None) -> None:
        for first, dup in self.sheet.duplicates:
            self._problem(None, dup.header, "duplicate_column",
                          other=get_column_letter(first.index), other_header=first.header)
        if not self.sheet.rows:
            self._problem(None, translate("import.column.file", self.lang), "no_rows")
        if inspection and inspection.strip():
            self.source_id = self.sources.named(inspection)
            if self.sources.is_new(self.source_id) and not self.create:
                self._problem(None, "inspection", "new_source", **self._draft_words(self.source_id))

    # ---- reading and matching
    def _parse(self) -> list[_Row]:
        fields = [c.field for c in self.sheet.columns]
        convert = converters(self.lk)
        rows = []
        for number, raw in self.sheet.rows:
            values, errors = parse_cells(raw, fields, convert)
            row = _Row(number, values, {f for f, _ in errors})
            for f, exc in errors:
                self._problem(row, f, exc.key, **exc.params)
            rows.append(row)
        self.sheet.rows = []  # the raw cells are no longer needed
        return rows

    def _value(self, row: _Row, f: str):
        value = row.values.get(f, BLANK)
        return None if value is BLANK or f in row.bad else value

    def _match(self, rows: list[_Row]) -> None:
        by_code = self._load(Item.code, {self._value(r, "code") for r in rows} - {None})
        for row in rows:
            row.code = self._value(row, "code")
            row.existing = by_code.get(row.code) if row.code else None
            old = row.existing or {}
            cell = self._value(row, "inspection")
            row.source_in_cell = cell is not None
            row.inspection_id = (self.sources.id_for(cell) if cell is not None
                                 else old.get("inspection_id", self.source_id))
            row.seq = self._value(row, "seq") if "seq" in self.headers else old.get("seq")
        for source, count in renumber_restarts(rows, set(self.sheet.skipped)):
            self.plan.preview.notes.append(translate("import.note.renumbered", self.lang, count=count,
                                                     source=self.sources.ref(source).name))
        for insp in {r.inspection_id for r in rows if r.seq is not None and r.inspection_id is not None
                     and r.inspection_id >= 0}:
            seqs = {r.seq for r in rows if r.inspection_id == insp and r.seq is not None}
            found = self._load(Item.seq, seqs, Item.inspection_id == insp)
            self.by_pair.update({(insp, s): rec for s, rec in found.items()})
        for row in rows:
            if row.code is None and row.inspection_id is not None and row.seq is not None:
                row.existing = self.by_pair.get((row.inspection_id, row.seq))
                row.code = row.existing["code"] if row.existing else None
        self._load_units([r.existing["id"] for r in rows if r.existing])

    def _among(self, column, keys: list):
        """column IN keys; on PostgreSQL one array parameter (= ANY): a 1,000-placeholder IN list
        costs psycopg and the planner ~40 ms a query, even on an empty table."""
        if self.session.get_bind().dialect.name == "postgresql":
            return column == any_(bindparam(None, keys, type_=ARRAY(column.type)))
        return column.in_(keys)

    def _load(self, column, keys: set, *where) -> dict:
        found: dict = {}
        for chunk in _chunks(keys):
            stmt = select(*LOADED).where(self._among(column, chunk), *where)
            found.update({rec[column.key]: dict(rec) for rec in self.session.execute(stmt).mappings()})
        return found

    def _load_units(self, ids: list[int]) -> None:
        for chunk in _chunks(ids):
            stmt = (select(ItemUnit.item_id, ItemUnit.unit_id, ItemUnit.role)
                    .where(self._among(ItemUnit.item_id, chunk)).order_by(ItemUnit.unit_id))
            for item_id, unit_id, role in self.session.execute(stmt):
                self.units.setdefault(item_id, {}).setdefault(UnitRole(role), []).append(unit_id)

    def _check_keys(self, rows: list[_Row]) -> None:
        codes: dict[str, int] = {}
        pairs: dict[tuple[int, int], int] = {}
        for row in rows:
            if row.code in codes:
                self._problem(row, "code", "duplicate_code", code=row.code, other=codes[row.code])
            elif row.code:
                codes[row.code] = row.number
            if row.inspection_id is not None and row.seq is not None:
                self._check_pair(row, pairs)
            if row.code is None and not row.bad:
                self._make_code(row)
        self._check_made_codes([r for r in rows if r.code and r.existing is None
                                and self._value(r, "code") is None], codes)

    def _check_pair(self, row: _Row, pairs: dict) -> None:
        pair = (row.inspection_id, row.seq)
        source = self.sources.ref(row.inspection_id).name
        if pair in pairs:
            self._problem(row, "seq", "duplicate_seq", source=source, seq=row.seq, other=pairs[pair])
            return
        pairs[pair] = row.number
        owner = self.by_pair.get(pair)
        if owner and (row.existing is None or owner["id"] != row.existing["id"]):
            self._problem(row, "seq", "seq_taken", source=source, seq=row.seq, code=owner["code"])

    def _make_code(self, row: _Row) -> None:
        if row.seq is None:
            self._problem(row, "seq" if "seq" in self.headers else "code", "no_key")
        elif row.inspection_id is None:
            self._problem(row, "inspection", "no_source")
        elif self.sources.is_new(row.inspection_id):   # the id comes when the inspection does
            row.code = f"NEW{-row.inspection_id}-{row.seq:05d}"
        else:
            row.code = f"I{row.inspection_id:03d}-{row.seq:05d}"

    def _check_made_codes(self, rows: list[_Row], file_codes: dict[str, int]) -> None:
        taken = self._load(Item.code, {r.code for r in rows})
        for row in rows:
            if row.code in taken or row.code in file_codes:
                self._problem(row, "code", "code_taken", code=row.code)

    def _draft_words(self, inspection_id: int) -> dict:
        draft = self.sources.draft(inspection_id)
        return dict(name=draft.name, kind=label(draft.kind, lang=self.lang),
                    level=label(draft.level, lang=self.lang))

    def _confirm_source(self, row: _Row) -> None:
        """A row naming a new inspection in its own cell is refused until the user confirms."""
        if self.sources.is_new(row.inspection_id) and row.source_in_cell and not self.create:
            self._problem(row, "inspection", "new_source", **self._draft_words(row.inspection_id))

    # ---- deciding
    def _decide(self, row: _Row) -> None:
        if not row.failed and not row.bad:
            cols, units, deadline = self._target(row)
            if not row.failed:
                if row.existing is None:
                    self._new(row, cols, units, deadline)
                else:
                    self._update(row, cols, units, deadline)
        if row.failed or row.bad:
            self.plan.preview.rows.append(ImportRow(row.number, row.code or "", "invalid"))
        row.values = {}  # decided: the parsed cells are no longer needed (50,000 rows add up)

    def _target(self, row: _Row) -> tuple[dict, dict, Deadline | None]:
        cols: dict = {}
        for f in DIRECT:
            value = row.values.get(f, BLANK)
            if f in self.headers and not (value is BLANK and f in KEEP_IF_BLANK):
                cols[f] = None if value is BLANK else value
        if "seq" in cols:
            cols["seq"] = row.seq       # as matched: numbered through the sheet if it restarts
        if "district" in self.headers and row.values["district"] is not BLANK:
            cols["district_id"] = row.values["district"]
        if row.inspection_id is not None:
            cols["inspection_id"] = row.inspection_id
        units = {role: (() if row.values[f] is BLANK else row.values[f])
                 for f, role in ROLES.items() if f in self.headers}
        if UnitRole.LEAD in units and not units[UnitRole.LEAD] and units.get(UnitRole.RESPONSIBLE):
            units[UnitRole.LEAD] = units[UnitRole.RESPONSIBLE][:1]   # as _new does: re-import changes nothing
        deadline = None
        if "deadline" in self.headers and row.values["deadline"] is not BLANK:
            old = row.existing or {}
            try:
                deadline = deadline_of(row.values["deadline"],
                                       cols.get("assigned_on", old.get("assigned_on")))
            except CellError as exc:
                self._problem(row, "deadline", exc.key, **exc.params)
        return cols, units, deadline

    def _require(self, row: _Row, f: str) -> None:
        if f in self.headers:
            self._problem(row, f, "required")
        else:
            self.missing.setdefault(f, []).append(row.number)
            row.failed = True

    def _new(self, row: _Row, cols: dict, units: dict, deadline: Deadline | None) -> None:
        present = {"description": cols.get("description"), "district": "district_id" in cols,
                   "category": cols.get("category"), "deadline": deadline}
        for f in REQUIRED:
            if not present[f]:
                self._require(row, f)
        lead = units.get(UnitRole.LEAD) or units.get(UnitRole.RESPONSIBLE, ())[:1]
        if not lead:
            self._require(row, "lead_units" if "lead_units" in self.headers else "resp_units")
        if row.inspection_id is None:
            self._problem(row, "inspection", "no_source")
        self._confirm_source(row)
        if row.failed:
            return
        ref = self.sources.ref(row.inspection_id)
        values = {**NEW_ITEM, **cols, "code": row.code, "seq": row.seq,
                  "inspection_kind": ref.kind, "source_level": ref.level,
                  "lead_unit_id": lead[0], "holder_unit_id": lead[0],
                  "deadline_text": deadline.text, "due_on": deadline.due_on,
                  "original_due_on": deadline.due_on, "is_ongoing": deadline.ongoing}
        values["stage"] = cols.get("stage") or derive_stage(deadline, cols.get("assigned_on"))
        values["status"] = cols.get("status") or (
            Status.ASSIGNED if cols.get("assigned_on") else Status.DRAFT)
        links = [(u, UnitRole.LEAD) for u in lead] + [
            (u, role) for role in (UnitRole.RESPONSIBLE, UnitRole.COOPERATING) for u in units.get(role, ())]
        self.plan.creates.append(NewItem(values, links))
        self.plan.preview.rows.append(ImportRow(row.number, row.code, "new"))

    def _update(self, row: _Row, cols: dict, units: dict, deadline: Deadline | None) -> None:
        rec = row.existing
        for f in ("description", "category"):
            if f in cols and cols[f] is None:
                self._problem(row, f, "required")
        for f in ("district", "deadline"):
            if f in self.headers and row.values[f] is BLANK and (f == "district" or rec["deadline_text"]):
                self._problem(row, f, "required")
        changes = {c: v for c, v in cols.items() if not same_value(rec[c], v)}
        if "inspection_id" in changes:
            ref = self.sources.ref(changes["inspection_id"])
            changes.update(inspection_kind=ref.kind, source_level=ref.level)
            self._confirm_source(row)
        if deadline is not None:
            self._deadline_changes(rec, deadline, cols, changes)
        unit_changes = self._unit_changes(row, units, changes)
        version = self._value(row, "version")
        if version is not None and version != rec["version"] and (changes or unit_changes):
            self._problem(row, "version", "stale", code=rec["code"], seen=version,
                          current=rec["version"])
        if row.failed:
            return
        if not changes and not unit_changes:
            self.plan.preview.rows.append(ImportRow(row.number, rec["code"], "unchanged"))
            return
        self._record_update(row, changes, unit_changes)

    def _deadline_changes(self, rec: dict, deadline: Deadline, cols: dict, changes: dict) -> None:
        if same_value(rec["deadline_text"], deadline.text) and not (
                deadline.immediate and "assigned_on" in changes):
            return
        derived = {"deadline_text": deadline.text, "due_on": deadline.due_on,
                   "is_ongoing": deadline.ongoing}
        if not rec["extension_count"]:
            derived["original_due_on"] = deadline.due_on
        if "stage" not in cols:
            derived["stage"] = derive_stage(deadline, cols.get("assigned_on", rec["assigned_on"]))
        changes.update({k: v for k, v in derived.items() if not same_value(rec[k], v)})

    def _unit_changes(self, row: _Row, units: dict, changes: dict) -> dict:
        rec, have = row.existing, self.units.get(row.existing["id"], {})
        out: dict[UnitRole, tuple[int, ...]] = {}
        for role, new in units.items():
            old = set(have.get(role, ()))
            if role is UnitRole.LEAD:
                old |= {rec["lead_unit_id"]} - {None}
                lead = new[0] if new else None
                if lead != rec["lead_unit_id"]:
                    changes["lead_unit_id"] = lead
                    if rec["holder_unit_id"] in (None, rec["lead_unit_id"]):
                        changes["holder_unit_id"] = lead
            if set(new) != old or (role is UnitRole.LEAD and "lead_unit_id" in changes):
                out[role] = new
        if out and not self._final_units(rec, have, units):
            self._problem(row, "lead_units" if "lead_units" in self.headers else "resp_units",
                          "no_unit")
        return out

    @staticmethod
    def _final_units(rec: dict, have: dict, units: dict) -> bool:
        lead = units.get(UnitRole.LEAD, have.get(UnitRole.LEAD) or [rec["lead_unit_id"]])
        resp = units.get(UnitRole.RESPONSIBLE, have.get(UnitRole.RESPONSIBLE, ()))
        return any(u is not None for u in (*lead, *resp))

    def _record_update(self, row: _Row, changes: dict, unit_changes: dict) -> None:
        rec = row.existing
        shown = {}
        for column, f in SHOWN.items():
            if column in changes and f in self.headers:
                shown[self.headers[f]] = (display_value(self.lk, f, rec[column]),
                                          display_value(self.lk, f, changes[column]))
        before = {c: audit.plain(rec[c]) for c in changes}
        after = {**{c: audit.plain(v) for c, v in changes.items()}, "version": rec["version"] + 1}
        have = self.units.get(rec["id"], {})
        for role, new in unit_changes.items():
            old = have.get(role, [rec["lead_unit_id"]] if role is UnitRole.LEAD else [])
            shown[self.headers[ROLE_FIELD[role]]] = (display_value(self.lk, "units", tuple(old)),
                                                     display_value(self.lk, "units", new))
            before[f"units.{role.value}"], after[f"units.{role.value}"] = list(old), list(new)
        transition = (rec["status"], changes["status"]) if "status" in changes else None
        self.plan.updates.append(ItemUpdate(rec["id"], rec["code"], rec["version"], changes,
                                            unit_changes, before, after, transition))
        self.plan.preview.rows.append(ImportRow(row.number, rec["code"], "changed", shown))
