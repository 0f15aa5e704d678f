"""节假日设置 (pages/holidays.py) through AppTest: admin only; which years the official calendar
covers and which rely on entered days; a file imported after its preview (and a bad one refused
row by row, nothing changed); one day entered and removed; a colleague's save in between refused;
and the provisional interview dates it settles."""

from __future__ import annotations

from datetime import date

import pytest

from core.calendar.holidays import HolidayEntry, import_holidays, load_overrides, year_versions
from core.domain import Role
from core.interviews import records
from db.models import Interview
from tests.core.interviews.cases import values
from tests.factories import make_actor
from tests.pages.page_helpers import errors, labels, open_page, press

PAGE = "pages/holidays.py"
GOOD = ("日期,类型,名称\n2027年1月1日,休,元旦\n2027年2月6日至12日,休,春节\n2027/2/13,班,春节调休\n"
        "2027-10-01~2027-10-07,休,国庆节\n2027/9/26,班,国庆调休\n").encode("utf-8-sig")


@pytest.fixture
def admin(session):
    actor = make_actor(session, Role.ADMIN, display_name="管理员甲")
    session.commit()
    return actor


def frame(at, column: str):
    return next(d.value for d in at.dataframe if column in getattr(d.value, "columns", []))


def upload(at, data: bytes, name: str = "2027年节假日.csv"):
    uploader = next(u for u in at.file_uploader if u.key.startswith("holiday_file_"))
    uploader.set_value((name, data, "text/csv"))
    at.run()
    assert not at.exception, at.exception
    return at


def provisional_interview(session):
    coordinator = make_actor(session, Role.COORDINATOR)
    interview = records.record_interview(session, actor=coordinator, values=values(
        session, held_on=date(2026, 12, 1), plan_workdays=25), today=date(2026, 12, 2))
    session.commit()
    return interview


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.LEADER, Role.UNIT, Role.VIEWER])
def test_only_an_admin_opens_it(app, session, role):
    actor = make_actor(session, role)
    session.commit()
    at = app(actor)
    at.run()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(PAGE)


def test_it_says_which_years_the_official_calendar_covers(app, session, admin):
    provisional_interview(session)
    at = open_page(app, admin, PAGE)
    assert at.title[0].value == "节假日设置"
    assert "官方日历（chinese-calendar）收录 2004–2026 年" in at.caption[0].value
    [warning] = [w.value for w in at.warning]
    assert warning.startswith("2027 年尚无节假日安排：1 个约谈的整改方案期限为暂定")
    cover = frame(at, "依据").set_index("年份")
    today = date.today().year
    assert cover.loc[str(today - 1), "依据"] == "官方日历"
    assert cover.loc["2027", "依据"] == "无（暂按周一至周五）" and cover.loc["2027", "暂定期限的约谈"] == 1


def test_a_file_is_previewed_then_imported_and_the_interview_date_settles(app, session, admin):
    interview = provisional_interview(session)
    at = upload(open_page(app, admin, PAGE), GOOD)
    plan = frame(at, "新增")
    assert plan.to_dict("records") == [{"年份": "2027", "新增": 17, "修改": 0, "删除": 0, "不变": 0}]
    assert load_overrides(session) == {}                     # a preview writes nothing
    at = press(at, "导入并替换 2027 年的录入")
    [done] = [s.value for s in at.success]
    assert done.startswith("已导入 2027年节假日.csv：2027 年新增 17 天")
    assert f"约谈 {interview.code} 的方案期限重新计算：2027-01-05 → 2027-01-06（已不再暂定）" in done
    session.expire_all()
    fresh = session.get(Interview, interview.id)
    assert (fresh.plan_due_on, fresh.plan_due_uncovered) == (date(2027, 1, 6), None)
    assert frame(at, "依据").set_index("年份").loc["2027", "依据"] == "录入"
    assert not at.warning


def test_a_bad_file_is_refused_row_by_row_and_nothing_changes(app, session, admin):
    bad = "日期,类型,名称\n2027-01-01,休,元旦\n2027-02-30,休,春节\n2027-01-06,班,调休\n".encode()
    at = upload(open_page(app, admin, PAGE), bad)
    assert "文件有 2 处错误，未导入任何内容" in errors(at)
    problems = frame(at, "列")
    assert problems[["Excel 行号", "列"]].values.tolist() == [[3, "日期"], [4, "类型"]]
    assert "导入并替换 2027 年的录入" not in labels(at)
    assert load_overrides(session) == {}


def test_one_day_entered_then_removed(app, session, admin):
    at = open_page(app, admin, PAGE)
    at.selectbox(key="holiday_year").set_value(2027).run()
    at.date_input(key="hd_day_2027_0").set_value(date(2027, 1, 1))
    at.text_input(key="hd_name_2027_0").input("元旦")
    at = press(at, "录入一天")
    assert [s.value for s in at.success] == ["已录入 2027-01-01：2027 年新增 1 天、修改 0 天、删除 0 天"]
    assert frame(at, "星期").to_dict("records") == [{"日期": "2027-01-01", "星期": "周五", "类型": "休",
                                                     "名称": "元旦"}]
    at = press(at, "删除一天")
    assert load_overrides(session) == {} and year_versions(session, [2027]) == {2027: 2}


def test_a_colleagues_save_in_between_is_refused(app, session, admin):
    at = open_page(app, admin, PAGE)
    at.selectbox(key="holiday_year").set_value(2027).run()     # seen: 2027 never entered
    other = make_actor(session, Role.ADMIN)
    import_holidays(session, actor=other, entries=[HolidayEntry(date(2027, 1, 1), False, "元旦")],
                    expected_versions={2027: 0}, source="同事.csv")
    session.commit()
    at.date_input(key="hd_day_2027_0").set_value(date(2027, 5, 1))
    at = press(at, "录入一天")
    assert "2027-01-01" in errors(at)                         # the change made meanwhile, named
    assert load_overrides(session) == {date(2027, 1, 1): False}
    assert any("已被他人修改" in w.value for w in at.warning)
    at = press(at, "载入最新内容")
    at.date_input(key="hd_day_2027_1").set_value(date(2027, 5, 1))
    at = press(at, "录入一天")
    assert load_overrides(session)[date(2027, 5, 1)] is False


def test_english(app, session, admin):
    at = app(admin)
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page(PAGE).run()
    assert at.title[0].value == "Holidays"
    assert "covers 2004–2026" in at.caption[0].value
    assert frame(at, "Basis").set_index("Year").loc["2027", "Basis"] == "none (Monday–Friday, provisional)"
