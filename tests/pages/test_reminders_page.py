"""催办 through the pages (AppTest): a coordinator presses the unit from the item page, the unit
finds it first on 我的待办 with who asked and when, opens the item from there, and a progress
report answers it; the menu's 我的待办 carries the count."""

from datetime import date, timedelta

from sqlalchemy import func, select

from core.domain import Role, Status
from core.ledger.reminders import remind_items
from db.models import ItemReminder
from tests.factories import make_actor, make_item, unit_id
from tests.pages.page_helpers import texts

TODAY = date.today()


def open_item(app, actor, item_id: int):
    at = app(actor)
    at.query_params["id"] = str(item_id)
    at.switch_page("pages/item.py")
    at.run()
    assert not at.exception, at.exception
    return at


def people(session):
    coordinator = make_actor(session, display_name="李协调")
    unit = make_actor(session, Role.UNIT, unit_id=unit_id(session, "万州区人民政府"))
    return coordinator, unit


def test_coordinator_reminds_from_the_item_page_once_a_day(app, session):
    item = make_item(session, code="PRESS-1", status=Status.IN_PROGRESS,
                     due_on=TODAY - timedelta(days=3))
    coordinator, _ = people(session)
    session.commit()
    at = open_item(app, coordinator, item.id)
    assert "催办" in [e.label for e in at.expander]
    [note] = [a for a in at.text_area if a.label.startswith("给 万州区政府 的催办说明")]
    note.input("请三日内报送整改进展")
    next(b for b in at.button if b.label == "确认催办").click()
    at.run()
    assert not at.exception, at.exception
    assert session.scalar(select(func.count()).select_from(ItemReminder)) == 1
    assert "已保存：催办" in texts(at) or any("催办" in s.value for s in at.success)
    assert "催办 万州区政府（第 1 次）" in texts(at)          # on the timeline at once

    note = next(a for a in at.text_area if a.label.startswith("给 万州区政府"))
    note.input("再次催办")
    next(b for b in at.button if b.label == "确认催办").click()
    at.run()
    assert [w.value for w in at.warning if "今天已催办过" in w.value]
    assert session.scalar(select(func.count()).select_from(ItemReminder)) == 1


def test_no_reminder_for_a_unit_or_an_item_not_with_a_unit(app, session):
    working = make_item(session, code="W", status=Status.IN_PROGRESS)
    submitted = make_item(session, code="S", status=Status.SUBMITTED)
    coordinator, unit = people(session)
    session.commit()
    assert "催办" not in [e.label for e in open_item(app, unit, working.id).expander]
    assert "催办" not in [e.label for e in open_item(app, coordinator, submitted.id).expander]


def test_the_unit_sees_who_pressed_first_and_opens_the_item(app, session):
    item = make_item(session, code="PRESS-2", status=Status.IN_PROGRESS,
                     due_on=TODAY + timedelta(days=40), latest_progress_on=TODAY)
    coordinator, unit = people(session)
    remind_items(session, actor=coordinator, item_ids=[item.id], note="请说明**滞后**原因")
    session.commit()
    at = app(unit)
    at.run()
    assert not at.exception, at.exception
    assert at.subheader[0].value == "办公室催办（1）"
    page = texts(at)
    assert "PRESS-2" in page and "李协调" in page and "请说明\\*\\*滞后\\*\\*原因" in page
    assert {m.label: m.value for m in at.metric}["被催办"] == "1"
    next(b for b in at.button if b.label == "办理").click()
    at.run()
    assert at.title[0].value == "整改任务 PRESS-2"


def test_english_reminder_panel(app, session):
    item = make_item(session, code="PRESS-3", status=Status.IN_PROGRESS)
    coordinator, unit = people(session)
    remind_items(session, actor=coordinator, item_ids=[item.id])
    session.commit()
    at = app(unit)
    at.session_state["lang"] = "en"
    at.run()
    assert at.subheader[0].value == "The office asks you to act (1)"
    assert "reminder #1" in texts(at)


def test_menu_label_counts_what_waits(session, database_url, monkeypatch):
    from ui.nav import PAGES, page_title
    from ui.todo_count import todo_total

    monkeypatch.setenv("LEDGER_DATABASE_URL", database_url)
    make_item(session, code="DUE", status=Status.IN_PROGRESS, due_on=TODAY + timedelta(days=1))
    coordinator, unit = people(session)
    leader = make_actor(session, Role.LEADER)
    session.commit()
    todo = next(p for p in PAGES if p.path == "pages/my_actions.py")
    assert todo_total(unit) >= 1
    assert page_title(todo, todo_total(unit)) == f"我的待办（{todo_total(unit)}）"
    assert page_title(todo, 0) == "我的待办"
    assert todo_total(leader) is None
    before = todo_total(unit)
    item = make_item(session, code="DUE-2", status=Status.IN_PROGRESS, due_on=TODAY + timedelta(days=2),
                     latest_progress_on=TODAY)          # reported lately: not 久拖不决
    remind_items(session, actor=coordinator, item_ids=[item.id])   # an audited write: new revision
    session.commit()
    assert todo_total(unit) == before + 2          # due soon, and reminded
