"""规则设置 page (pages/settings.py) through AppTest: every declared setting with its meaning, unit
and range; a save changes the value in force (and the 久拖不决 page's rule with it) and is
audited; a bad value or a stale edit is explained and changes nothing."""

from sqlalchemy import select

from core.domain import AuditOutcome, Role
from db.models import AuditEntry, Setting
from db.rules_defaults import RULE_SPECS
from tests.factories import make_actor
from tests.pages.page_helpers import errors, open_page, press, texts

PAGE = "pages/settings.py"


def field(at, key: str, gen: int = 0):
    return at.text_input(key=f"setting_{key}_{gen}")


def stored(session, key: str) -> str:
    session.expire_all()
    return session.get(Setting, key).value


def test_every_setting_is_listed_with_unit_and_range(app, session):
    admin = make_actor(session, Role.ADMIN)
    session.commit()
    at = open_page(app, admin, PAGE)
    assert sorted(i.key for i in at.text_input) == sorted(f"setting_{k}_0" for k in RULE_SPECS)
    assert field(at, "stale_after_days").label == "无进展天数（天，7–730）"
    assert field(at, "interview_plan_workdays").label == "约谈整改方案期限（个工作日，1–60）"
    assert field(at, "stale_after_days").value == "90"
    assert "长期坚持类任务也适用" in field(at, "stale_after_days").help


def test_a_save_takes_effect_everywhere_and_is_audited(app, session):
    admin = make_actor(session, Role.ADMIN)
    session.commit()
    at = open_page(app, admin, PAGE)
    field(at, "stale_after_days").input("60")
    press(at, "保存")
    assert "已保存：无进展天数" in texts(at)
    assert stored(session, "stale_after_days") == "60"
    [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "settings.save")).all()
    assert (entry.before["value"], entry.after["value"]) == (90, 60)
    assert field(at, "stale_after_days", gen=1).value == "60"
    at.switch_page("pages/long_unresolved.py").run()
    assert "超过 60 天无进展" in texts(at)


def test_bad_values_are_explained_and_nothing_changes(app, session):
    admin = make_actor(session, Role.ADMIN)
    session.commit()
    at = open_page(app, admin, PAGE)
    field(at, "stale_after_days").input("九十")
    field(at, "bounce_threshold").input("0")
    press(at, "保存")
    shown = errors(at)
    assert "无进展天数" in shown and "须为整数" in shown
    assert "验收不通过次数" in shown and "须在 1 到 20 之间" in shown
    assert (stored(session, "stale_after_days"), stored(session, "bounce_threshold")) == ("90", "2")
    assert not session.scalars(select(AuditEntry).where(AuditEntry.action == "settings.save")).all()


def test_a_stale_edit_is_refused_and_the_change_named(app, session):
    admin, second = make_actor(session, Role.ADMIN), make_actor(session, Role.ADMIN)
    session.commit()                                      # the sign-in re-check reads both accounts
    at = open_page(app, admin, PAGE)                      # shows version 1 of every setting
    other = open_page(app, second, PAGE)
    field(other, "extension_threshold").input("3")
    press(other, "保存")
    field(at, "extension_threshold").input("5")
    press(at, "保存")
    assert "延期次数" in errors(at) and "2 → 3" in errors(at)
    assert stored(session, "extension_threshold") == "3"
    refused = session.scalars(select(AuditEntry.outcome).where(AuditEntry.action == "settings.save")
                              .order_by(AuditEntry.id)).all()
    assert refused == [AuditOutcome.OK, AuditOutcome.REFUSED_STALE]
    press(at, "载入最新设置")
    assert field(at, "extension_threshold", gen=1).value == "3"


def test_nothing_changed_says_so(app, session):
    admin = make_actor(session, Role.ADMIN)
    session.commit()
    at = open_page(app, admin, PAGE)
    press(at, "保存")
    assert "没有修改任何设置" in texts(at)


def test_a_label_that_names_its_unit_does_not_name_it_twice(app, session):
    admin = make_actor(session, Role.ADMIN)
    session.commit()
    at = open_page(app, admin, PAGE)
    police = field(at, "referral_feedback_workdays_police").label
    assert police == "移送公安机关反馈期限（个工作日，3–120）", police
    assert all(i.label.count("工作日") <= 1 for i in at.text_input)
    at.session_state["lang"] = "en"
    at.run()
    assert field(at, "referral_feedback_workdays_police").label.count("working days") == 1
    assert "My to-do" in at.caption[0].value and "我的待办" not in at.caption[0].value
