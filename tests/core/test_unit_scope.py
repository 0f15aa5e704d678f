"""The unit-scope rule (core.access.permissions.item_scope): a unit sees an item only once it is
assigned (交办) to it; a 待交办 draft is the office's working copy. Checked on every unit-facing
read — list, open, files, export, counts — before and after 交办, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from core.access.permissions import item_scope, require_item
from core.domain import Role, Status, UnitRole
from core.errors import PermissionDenied
from core.excel.exports import export_ledger
from core.ledger import lifecycle, stats
from core.ledger.evidence import EvidenceStore, list_attachments, open_attachment
from core.ledger.query import LedgerFilter, list_items
from core.ledger.timeline import item_detail, item_timeline
from db.models import Attachment, Item
from tests.factories import district_id, make_actor, make_item, unit_id

TODAY = date(2026, 3, 2)
WANZHOU_GOV = "万州区人民政府"


@pytest.fixture
def draft(session):
    """A 待交办 draft of 万州区, led by 万州区人民政府, with 万州区生态环境局 listed as responsible."""
    return make_item(session, status=Status.DRAFT, assigned_on=None, description="草稿：某河段黑臭",
                     units={unit_id(session, WANZHOU_GOV): UnitRole.LEAD,
                            unit_id(session, "万州区生态环境局"): UnitRole.RESPONSIBLE})


def unit_actors(session):
    """Every way a unit reaches an item: lead, listed as responsible, bound to the district."""
    return [make_actor(session, Role.UNIT, unit_id=unit_id(session, WANZHOU_GOV)),
            make_actor(session, Role.UNIT, unit_id=unit_id(session, "万州区生态环境局")),
            make_actor(session, Role.UNIT, district_id=district_id(session, "万州区"))]


def visible(session, actor) -> set[int]:
    return set(session.scalars(select(Item.id).where(item_scope(actor))))


def listed(session, actor) -> list[str]:
    return [r.code for r in list_items(session, actor=actor, flt=LedgerFilter(), today=TODAY).rows]


def exported(session, actor) -> str:
    book = load_workbook(io.BytesIO(export_ledger(session, actor=actor, flt=LedgerFilter(), today=TODAY)))
    return "\n".join(str(c.value) for row in book.active.iter_rows() for c in row if c.value)


def counted(session, actor) -> tuple[int, int]:
    total = stats.headline(session, actor=actor, today=TODAY).total
    drafts = {s.status: s.items for s in stats.items_by_status(session, actor=actor)}[Status.DRAFT]
    return total, drafts


def test_a_unit_cannot_list_open_export_or_count_a_draft_of_its_own(session, draft, tmp_path):
    store = EvidenceStore(tmp_path / "evidence")
    session.add(Attachment(item_id=draft.id, purpose="evidence", filename="现场.png",
                           content_type="image/png", size_bytes=1, sha256="0" * 64))
    session.flush()
    attachment = session.scalar(select(Attachment.id).where(Attachment.item_id == draft.id))
    for unit in unit_actors(session):
        assert visible(session, unit) == set()
        assert listed(session, unit) == []
        assert draft.code not in exported(session, unit)
        assert counted(session, unit) == (0, 0)
        for read in (lambda a: item_detail(session, actor=a, item_id=draft.id, today=TODAY),
                     lambda a: item_timeline(session, actor=a, item_id=draft.id),
                     lambda a: list_attachments(session, actor=a, item_id=draft.id),
                     lambda a: open_attachment(session, actor=a, attachment_id=attachment, store=store)):
            with pytest.raises(PermissionDenied):
                read(unit)
        with pytest.raises(PermissionDenied):   # nor act on it
            require_item(session, unit, "item.report_progress", draft.id)


def test_the_office_works_on_the_draft(session, draft):
    for role in (Role.COORDINATOR, Role.ADMIN, Role.LEADER):
        office = make_actor(session, role)
        assert item_scope(office) is None
        assert item_detail(session, actor=office, item_id=draft.id, today=TODAY).status == Status.DRAFT
        assert draft.code in listed(session, office)
        assert counted(session, office) == (1, 1)


def test_after_assignment_the_unit_lists_opens_exports_and_counts_it(session, draft):
    coordinator = make_actor(session, Role.COORDINATOR)
    units = unit_actors(session)
    session.commit()
    lifecycle.assign_item(session, actor=coordinator, item_id=draft.id, expected_version=draft.version,
                          assigned_on=TODAY)
    session.commit()
    for unit in units:
        assert visible(session, unit) == {draft.id}
        assert listed(session, unit) == [draft.code]
        assert draft.code in exported(session, unit)
        assert counted(session, unit) == (1, 0)
        assert item_detail(session, actor=unit, item_id=draft.id, today=TODAY).status == Status.ASSIGNED
        require_item(session, unit, "item.report_progress", draft.id)


def test_the_rule_keeps_the_units_reach_otherwise(session, draft):
    """Drafts aside, the reach is unchanged: another district's assigned item stays out of scope,
    the unit's own assigned items of every later state are in."""
    mine = [make_item(session, status=s) for s in (Status.ASSIGNED, Status.IN_PROGRESS, Status.CLOSED)]
    elsewhere = make_item(session, district_id=district_id(session, "渝中区"),
                          lead_unit_id=unit_id(session, "渝中区人民政府"))
    for unit in unit_actors(session)[::2]:   # the lead unit and the district-bound account
        seen = visible(session, unit)
        assert seen == {i.id for i in mine}
        assert draft.id not in seen and elsewhere.id not in seen
