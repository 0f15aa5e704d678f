"""What supervision shows on the ledger's own pages (AppTest): the 台账's 督办级别 column and filter
and its "驻点督察中" link; the item page's banner and its notices."""

from datetime import date, timedelta

from core.domain import InspectionKind, Role, Status, SupervisionLevel
from core.supervision.inspections import open_inspection
from core.supervision.notices import issue_notice
from tests.factories import make_actor, make_item
from tests.pages.page_helpers import open_page, texts

TODAY = date.today()


def seed(session):
    coordinator = make_actor(session, Role.COORDINATOR)
    a = make_item(session, code="A-LISTED", status=Status.IN_PROGRESS)
    make_item(session, code="B-NONE")
    make_item(session, code="C-KEY", supervision_level=SupervisionLevel.KEY)
    issue_notice(session, actor=coordinator, item_ids=[a.id], level=SupervisionLevel.LISTED,
                 doc_no="渝督办〔2026〕5号", issued_on=TODAY, due_on=TODAY + timedelta(days=10),
                 content="限期整改")
    inspection = open_inspection(session, actor=coordinator, kind=InspectionKind.STATIONED,
                                 name="驻点一组", team="一组", place="万州区", started_on=TODAY,
                                 item_ids=[a.id])
    session.commit()
    return coordinator, a, inspection


def test_the_ledger_shows_and_filters_the_supervision_level_and_links_the_inspection(app, session):
    coordinator, a, inspection = seed(session)
    at = open_page(app, coordinator, "pages/ledger.py")
    frame = at.dataframe[0].value.set_index("编号")
    assert frame.loc["A-LISTED", "督办级别"] == "挂牌督办" and frame.loc["B-NONE", "督办级别"] == "未督办"
    assert frame.loc["A-LISTED", "督察"] == f"/inspections?id={inspection.id}#驻点督察中"
    assert frame.loc["C-KEY", "督察"] == ""
    at.multiselect(key="ledger_supervision").set_value(["none"]).run()
    assert list(at.dataframe[0].value["编号"]) == ["B-NONE"]
    at.multiselect(key="ledger_supervision").set_value([SupervisionLevel.KEY, SupervisionLevel.LISTED]).run()
    assert sorted(at.dataframe[0].value["编号"]) == ["A-LISTED", "C-KEY"]


def test_the_item_page_says_stationed_inspection_and_lists_its_notices(app, session):
    coordinator, a, inspection = seed(session)
    at = open_page(app, coordinator, "pages/item.py", a.id)
    assert "**驻点督察中**：驻点一组" in texts(at)
    assert "督办级别**：挂牌督办" in texts(at)
    links = [p.label for p in at.get("page_link")]
    assert any(label.startswith("督办通知 渝督办〔2026〕5号（挂牌督办）") for label in links)
    assert "查看督察" in links
    unit = make_actor(session, Role.UNIT, unit_id=a.lead_unit_id)
    session.commit()
    at = open_page(app, unit, "pages/item.py", a.id)
    assert "**驻点督察中**：驻点一组" in texts(at)
    assert "查看督察" not in [p.label for p in at.get("page_link")]     # a unit has no such page
