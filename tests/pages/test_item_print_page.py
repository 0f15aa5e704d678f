"""The print view of an item (pages/item_print.py, 一案一档) through AppTest: the whole record for
an office user — fields by section, units, the timeline (who / when / what / why), evidence with
thumbnails, linked interviews — the print styles and button; the same refusal as the item page
for a unit user out of scope (or on a draft), and user text escaped."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from core.domain import Role, Status, UnitRole
from core.ledger import items, lifecycle
from db.models import Interview, InterviewItem
from tests.factories import district_id, make_actor, make_item, unit_id
from tests.pages.page_helpers import PNG, action_key, errors, open_page, press, texts
from tests.ui.test_evidence_preview import photo

PRINT = "pages/item_print.py"
ITEM = "pages/item.py"
WANZHOU_GOV = "万州区人民政府"


@pytest.fixture(autouse=True)
def evidence_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("LEDGER_DATA_DIR", str(tmp_path))
    return tmp_path / "evidence"


def dossier(at) -> str:
    """The body of the case file (the st.html that is not only a style sheet)."""
    bodies = [h.proto.body for h in at.get("html") if "class='dossier'" in h.proto.body]
    assert len(bodies) == 1, [h.proto.body[:80] for h in at.get("html")]
    return bodies[0]


def styles(at) -> str:
    return "\n".join(h.proto.body for h in at.get("html") if h.proto.body.startswith("<style>"))


def with_a_report(app, session, item, unit, files=()):
    """The unit reports progress (with files) on the item page."""
    at = open_page(app, unit, ITEM, item.id)
    at.text_area(key=action_key(item.id, "text")).input("已完成截污管网铺设")
    at.slider(key=action_key(item.id, "percent")).set_value(60)
    if files:
        at.file_uploader(key=action_key(item.id, "files")).set_value(list(files))
    press(at, "报送整改进展")
    assert not at.error


def test_an_office_user_gets_the_whole_record(app, session):
    item = make_item(session, description="某污水处理厂出水超标", responsible_person="张三",
                     units={unit_id(session, WANZHOU_GOV): UnitRole.LEAD,
                            unit_id(session, "万州区生态环境局"): UnitRole.RESPONSIBLE})
    unit = make_actor(session, Role.UNIT, unit_id=unit_id(session, WANZHOU_GOV), display_name="李填报")
    coordinator = make_actor(session, Role.COORDINATOR, display_name="王协调")
    today = date.today()
    interview = Interview(code="YT-2026-001", details="整改不力", interviewee_unit_id=unit.unit_id,
                          held_on=today - timedelta(days=3), plan_due_on=today + timedelta(days=18))
    session.add(interview)
    session.flush()
    session.add(InterviewItem(interview_id=interview.id, item_id=item.id))
    session.commit()
    with_a_report(app, session, item, unit, files=[("现场照片.jpg", photo(), "image/jpeg"),
                                                   ("坏照片.png", b"\x89PNG\r\n\x1a\njunk", "image/png")])
    items.update_item(session, actor=coordinator, item_id=item.id, expected_version=2,
                      changes={"measures": "加装在线监测设备"})
    session.commit()

    at = open_page(app, coordinator, PRINT, item.id)
    assert not at.error
    body = dossier(at)
    for expected in ("整改任务档案（一案一档）", f"整改任务 {item.code} · 整改中", "某污水处理厂出水超标",
                     "<h2>问题</h2>", "<h2>责任</h2>", "<h2>整改</h2>", "<h2>验收销号</h2>",
                     "万州区生态环境局", "张三",                                   # units, people
                     "<h2>办理记录</h2>", "报送整改进展（60%）", "已完成截污管网铺设", "李填报",
                     "已交办 → 整改中", "修改任务信息（1 项）", "整改措施：— → 加装在线监测设备",
                     "附件：现场照片.jpg、坏照片.png",
                     "<h2>佐证材料</h2>", "现场照片.jpg", "坏照片.png", "无法预览",
                     "<h2>关联约谈与移送</h2>", "YT-2026-001",
                     "打印人：王协调"):
        assert expected in body, expected
    assert body.count("<img class='thumb'") == 1 and "src='data:image/jpeg;base64," in body
    assert body.index("已交办 → 整改中") < body.index("修改任务信息")           # oldest first
    css = styles(at)
    assert "@media print" in css and '[data-testid="stSidebar"]' in css and "break-inside: avoid" in css
    assert any(p.proto.label == "返回任务详情" for p in at.get("page_link"))


def test_the_print_button_is_a_component_calling_window_print(app, session):
    """The button is the print_button component (served from this server; no inline script)."""
    item = make_item(session)
    coordinator = make_actor(session, Role.COORDINATOR)
    session.commit()
    at = open_page(app, coordinator, PRINT, item.id)
    components = list(at.get("component_instance"))
    assert len(components) == 1 and "print_button" in components[0].proto.component_name
    assert json.loads(components[0].proto.json_args)["label"] == "打印"
    script = (Path(__file__).parents[2] / "ui/assets/print_button/print.js").read_text()
    assert "window.parent.print()" in script and "streamlit:componentReady" in script


def test_english(app, session):
    item = make_item(session)
    coordinator = make_actor(session, Role.COORDINATOR)
    session.commit()
    at = app(coordinator)
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page(PRINT)
    at.query_params["id"] = str(item.id)
    at.run()
    body = dossier(at)
    assert "Item case file" in body and "<h2>Timeline</h2>" in body and "<h2>Evidence</h2>" in body


@pytest.mark.parametrize("case", ["other_district", "draft"])
def test_a_unit_out_of_scope_gets_the_item_pages_refusal(app, session, case):
    if case == "other_district":
        item = make_item(session, district_id=district_id(session, "渝中区"),
                         lead_unit_id=unit_id(session, "渝中区人民政府"), description="不该看到的问题")
    else:
        item = make_item(session, status=Status.DRAFT, assigned_on=None, description="不该看到的问题")
    unit = make_actor(session, Role.UNIT, unit_id=unit_id(session, WANZHOU_GOV),
                      district_id=district_id(session, "万州区"))
    session.commit()
    printed = open_page(app, unit, PRINT, item.id)
    page = open_page(app, unit, ITEM, item.id)
    assert "无权执行此操作" in errors(printed) and errors(printed) == errors(page)
    assert "不该看到的问题" not in texts(printed)
    assert not [h for h in printed.get("html") if "dossier" in h.proto.body and "<h1>" in h.proto.body]
    assert not printed.get("component_instance")


def test_after_assignment_the_unit_prints_it(app, session):
    item = make_item(session, status=Status.DRAFT, assigned_on=None, description="交办后的问题")
    unit = make_actor(session, Role.UNIT, unit_id=unit_id(session, WANZHOU_GOV))
    coordinator = make_actor(session, Role.COORDINATOR)
    session.commit()
    lifecycle.assign_item(session, actor=coordinator, item_id=item.id, expected_version=item.version,
                          assigned_on=date.today())
    session.commit()
    assert "交办后的问题" in dossier(open_page(app, unit, PRINT, item.id))


def test_unknown_or_missing_item(app, session):
    coordinator = make_actor(session, Role.COORDINATOR)
    session.commit()
    assert "整改任务不存在" in errors(open_page(app, coordinator, PRINT, 999_999))
    at = open_page(app, coordinator, PRINT)
    assert "请从整改任务详情页进入打印。" in texts(at)


def test_user_text_is_escaped_not_rendered(app, session):
    item = make_item(session, description="<img src=x onerror=alert(1)> **加粗** <script>x()</script>")
    unit = make_actor(session, Role.UNIT, unit_id=unit_id(session, WANZHOU_GOV))
    session.commit()
    with_a_report(app, session, item, unit, files=[("<i>照片.png", PNG, "image/png")])
    body = dossier(open_page(app, make_actor_committed(session), PRINT, item.id))
    assert "&lt;img src=x onerror=alert(1)&gt; **加粗** &lt;script&gt;x()&lt;/script&gt;" in body
    assert "<script>" not in body and "onerror=alert" not in body.replace("&lt;img src=x onerror=alert", "")
    assert "&lt;i&gt;照片.png" in body


def make_actor_committed(session):
    actor = make_actor(session, Role.COORDINATOR)
    session.commit()
    return actor
