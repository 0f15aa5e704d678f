"""台账 page: filters drive the table; closed items hidden by default; paging; unit scope."""

from datetime import date, timedelta

from core.domain import Role, Status
from tests.factories import district_id, make_actor, make_item, unit_id


def codes(at):
    return list(at.dataframe[0].value["编号"])


def open_ledger(app, actor):
    at = app(actor)
    at.run()
    at.switch_page("pages/ledger.py").run()
    assert not at.exception
    return at


def test_closed_hidden_until_asked(app, session):
    make_item(session, code="OPEN-1")
    make_item(session, code="DONE-1", status=Status.CLOSED)
    actor = make_actor(session, Role.COORDINATOR)
    session.commit()
    at = open_ledger(app, actor)
    assert codes(at) == ["OPEN-1"]
    at.toggle(key="ledger_closed").set_value(True).run()
    assert sorted(codes(at)) == ["DONE-1", "OPEN-1"]


def test_district_filter_search_and_overdue(app, session):
    make_item(session, code="WZ-1", description="污水直排", due_on=date.today() - timedelta(days=5))
    make_item(session, code="YZ-1", description="扬尘", district_id=district_id(session, "渝中区"),
              lead_unit_id=unit_id(session, "渝中区人民政府"), due_on=date.today() + timedelta(days=5))
    actor = make_actor(session, Role.LEADER)
    session.commit()
    at = open_ledger(app, actor)
    at.multiselect(key="ledger_district").set_value([district_id(session, "渝中区")]).run()
    assert codes(at) == ["YZ-1"]
    at.multiselect(key="ledger_district").set_value([]).run()
    at.text_input(key="ledger_search").input("污水").run()
    assert codes(at) == ["WZ-1"]
    at.text_input(key="ledger_search").input("").run()
    at.toggle(key="ledger_overdue").set_value(True).run()
    assert codes(at) == ["WZ-1"] and at.dataframe[0].value["逾期天数"].iloc[0] == 5


def test_paging(app, session):
    for i in range(55):
        make_item(session, code=f"P-{i:03d}", due_on=date(2030, 1, 1) + timedelta(days=i))
    actor = make_actor(session, Role.COORDINATOR)
    session.commit()
    at = open_ledger(app, actor)
    assert len(codes(at)) == 50 and "共 55 条，第 1/2 页" in [c.value for c in at.caption]
    at.number_input(key="ledger_page").set_value(2).run()
    assert codes(at) == ["P-050", "P-051", "P-052", "P-053", "P-054"]


def test_unit_sees_only_own_items(app, session):
    make_item(session, code="MINE")
    make_item(session, code="OTHER", district_id=district_id(session, "渝中区"),
              lead_unit_id=unit_id(session, "渝中区人民政府"))
    actor = make_actor(session, Role.UNIT, unit_id=unit_id(session, "万州区人民政府"))
    session.commit()
    assert codes(open_ledger(app, actor)) == ["MINE"]
