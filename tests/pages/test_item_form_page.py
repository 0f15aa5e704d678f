"""New/edit item form (pages/item_form.py) through AppTest: a new item is created through core with
every bad field named; an edit saves only what changed, and a stale edit is refused with the
changes made meanwhile named, the colleague's values kept and the user's form kept."""

from datetime import date

from sqlalchemy import func, select

from core.domain import Category, ItemType, Role, Stage, Status, SupervisionLevel
from core.ledger import items
from db.models import AuditEntry, Item
from tests.factories import district_id, make_actor, make_inspection, make_item, unit_id
from tests.pages.page_helpers import errors, open_page, press, texts

FORM = "pages/item_form.py"


def fresh(session, item_id: int) -> Item:
    session.expire_all()
    return session.get(Item, item_id)


def item_count(session) -> int:
    return session.scalar(select(func.count(Item.id)))


def new_key(field: str) -> str:
    return f"new_0_{field}"


def edit_key(item_id: int, field: str, gen: int = 0) -> str:
    return f"edit_{item_id}_{gen}_{field}"


def fill_new_item(at, session, inspection_id: int, **overrides):
    values = dict(description="某工业园区雨污分流不彻底", deadline="2026年12月底前")
    values.update(overrides)
    at.selectbox(key=new_key("inspection_id")).set_value(inspection_id)
    at.selectbox(key=new_key("item_type")).set_value(ItemType.FEEDBACK)
    at.selectbox(key=new_key("district_id")).set_value(district_id(session, "万州区"))
    at.selectbox(key=new_key("category")).set_value(Category.WATER)
    at.text_area(key=new_key("description")).input(values["description"])
    at.selectbox(key=new_key("lead_unit_id")).set_value(unit_id(session, "万州区人民政府"))
    at.multiselect(key=new_key("responsible_unit_ids")).set_value([unit_id(session, "万州区生态环境局")])
    at.text_input(key=new_key("deadline")).input(values["deadline"])
    at.selectbox(key=new_key("stage")).set_value(Stage.SHORT)
    return press(at, "创建任务")


# ------------------------------------------------------------------ new items

def test_coordinator_creates_a_draft_and_lands_on_its_page(app, session):
    inspection = make_inspection(session, name="第三轮市级督察")
    coordinator = make_actor(session, Role.COORDINATOR)
    session.commit()
    at = open_page(app, coordinator, FORM)
    assert at.title[0].value == "新建整改任务"
    fill_new_item(at, session, inspection.id)
    created = session.scalars(select(Item)).one()
    assert (created.status, created.due_on, created.description) == (
        Status.DRAFT, date(2026, 12, 31), "某工业园区雨污分流不彻底")
    assert at.title[0].value == f"整改任务 {created.code}"           # now on the item's page
    assert [s.value for s in at.success] == [f"已创建整改任务 {created.code}（待交办）"]
    assert [e.label for e in at.expander][0] == "交办"


def test_an_empty_form_names_every_required_field_and_creates_nothing(app, session):
    coordinator = make_actor(session, Role.COORDINATOR)
    session.commit()
    at = open_page(app, coordinator, FORM)
    press(at, "创建任务")
    shown = errors(at)
    for label in ("问题来源", "类型", "问题类别", "问题描述", "牵头单位", "整改时限"):
        assert f"**{label}**：必填" in shown, label
    assert item_count(session) == 0
    assert at.title[0].value == "新建整改任务"   # still on the form, values kept


def test_a_deadline_core_cannot_read_is_explained(app, session):
    inspection = make_inspection(session)
    coordinator = make_actor(session, Role.COORDINATOR)
    session.commit()
    at = open_page(app, coordinator, FORM)
    fill_new_item(at, session, inspection.id, deadline="尽快完成")
    assert "**整改时限**" in errors(at) and "尽快完成" in errors(at)
    assert item_count(session) == 0
    assert at.text_area(key=new_key("description")).value == "某工业园区雨污分流不彻底"


# ------------------------------------------------------------------ edits

def test_an_edit_saves_only_the_changed_fields(app, session):
    item = make_item(session, description="原描述", measures="原措施")
    coordinator = make_actor(session, Role.COORDINATOR)
    session.commit()
    at = open_page(app, coordinator, FORM, item.id)
    assert at.title[0].value == f"修改整改任务 {item.code}"
    at.text_area(key=edit_key(item.id, "measures")).input("新措施：加装在线监测")
    at.text_input(key=edit_key(item.id, "deadline")).input("2027年3月底前")
    at.selectbox(key=edit_key(item.id, "supervision_level")).set_value(SupervisionLevel.KEY)
    press(at, "保存修改")
    saved = fresh(session, item.id)
    assert (saved.measures, saved.due_on, saved.supervision_level, saved.description) == (
        "新措施：加装在线监测", date(2027, 3, 31), SupervisionLevel.KEY, "原描述")
    edit = session.scalars(select(AuditEntry).where(AuditEntry.action == "item.edit")).one()
    assert set(edit.before) == {"measures", "supervision_level", "deadline_text", "due_on",
                                "is_ongoing", "original_due_on"}
    assert at.title[0].value == f"整改任务 {item.code}"
    assert [s.value for s in at.success] == ["已保存修改：整改措施、整改时限、督办级别"]


def test_saving_an_unchanged_form_writes_nothing(app, session):
    item = make_item(session)
    coordinator = make_actor(session, Role.COORDINATOR)
    session.commit()
    at = open_page(app, coordinator, FORM, item.id)
    press(at, "保存修改")
    assert "没有修改任何内容" in texts(at)
    assert fresh(session, item.id).version == 1


def test_clearing_the_description_is_refused(app, session):
    item = make_item(session, description="原描述")
    coordinator = make_actor(session, Role.COORDINATOR)
    session.commit()
    at = open_page(app, coordinator, FORM, item.id)
    at.text_area(key=edit_key(item.id, "description")).input("   ")
    press(at, "保存修改")
    assert "**问题描述**：必填" in errors(at)
    assert fresh(session, item.id).description == "原描述"


def test_stale_edit_is_refused_with_the_changes_named_and_nothing_overwritten(app, session):
    item = make_item(session, description="原描述", measures="原措施")
    coordinator = make_actor(session, Role.COORDINATOR, display_name="王协调")
    colleague = make_actor(session, Role.COORDINATOR, display_name="赵协调")
    session.commit()
    at = open_page(app, coordinator, FORM, item.id)              # the form shows version 1
    items.update_item(session, actor=colleague, item_id=item.id, expected_version=1,
                      changes={"description": "同事改过的描述", "deadline": "2027年6月底前"})
    session.commit()
    at.text_area(key=edit_key(item.id, "description")).input("我的描述")
    at.text_area(key=edit_key(item.id, "measures")).input("我的措施")
    press(at, "保存修改")
    shown = errors(at)
    assert "未保存：该任务在您打开后已被他人修改" in shown
    assert "问题描述：原描述 → 同事改过的描述" in shown
    assert "整改时限：2025年12月底前 → 2027年6月底前" in shown
    kept = fresh(session, item.id)
    assert (kept.description, kept.measures, kept.version) == ("同事改过的描述", "原措施", 2)
    assert at.text_area(key=edit_key(item.id, "measures")).value == "我的措施"   # the form is kept
    refused = session.scalars(select(AuditEntry).where(AuditEntry.outcome == "refused_stale")).one()
    assert refused.actor_id == coordinator.id
    # "load the latest": the form now starts from version 2, and a save goes through
    press(at, "载入最新内容")
    assert at.text_area(key=edit_key(item.id, "description", gen=1)).value == "同事改过的描述"
    at.text_area(key=edit_key(item.id, "measures", gen=1)).input("我的措施")
    press(at, "保存修改")
    assert fresh(session, item.id).measures == "我的措施" and not at.error


def test_unit_user_cannot_edit_even_with_a_link(app, session):
    item = make_item(session)
    unit = make_actor(session, Role.UNIT, unit_id=unit_id(session, "万州区人民政府"))
    session.commit()
    at = app(unit)
    at.run()
    try:
        at.switch_page(FORM)
    except ValueError as exc:   # not in a unit's navigation at all
        assert "Could not find a navigation page" in str(exc)
    else:
        raise AssertionError("a unit user reached the item form")
    assert fresh(session, item.id).version == 1
