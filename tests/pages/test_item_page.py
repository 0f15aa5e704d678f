"""Item page (pages/item.py) through AppTest: fields and timeline, each action shown only to who
may take it, every save through core with the version the user saw, refusals explained and
nothing written."""

import io
import zipfile
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from core.domain import ExtensionStatus, Role, Status, UnitRole
from core.ledger import extensions, items, lifecycle
from db.models import Attachment, Extension, Item, ProgressReport
from tests.core.ledger.lifecycle_cases import item_in
from tests.factories import district_id, make_actor, make_item, unit_id
from tests.pages.page_helpers import PDF, PNG, action_key, errors, labels, open_page, press, texts
from tests.ui.test_evidence_preview import photo, real_pdf

ITEM = "pages/item.py"
WANZHOU_GOV = "万州区人民政府"


@pytest.fixture(autouse=True)
def evidence_dir(tmp_path, monkeypatch):
    """Evidence files of this test go to its own folder, never the repository's data/."""
    monkeypatch.setenv("LEDGER_DATA_DIR", str(tmp_path))
    return tmp_path / "evidence"


def unit_user(session):
    return make_actor(session, Role.UNIT, unit_id=unit_id(session, WANZHOU_GOV), display_name="李填报")


def fresh(session, item_id: int) -> Item:
    session.expire_all()
    return session.get(Item, item_id)


def count(session, model, item_id: int) -> int:
    return session.scalar(select(func.count()).select_from(model).where(model.item_id == item_id))


def report(at, item_id: int, text: str, files=(), percent: int = 40, gen: int = 0):
    """Fill in and send the progress form (`gen`: saves and reloads so far on this page)."""
    at.text_area(key=action_key(item_id, "text", gen)).input(text)
    at.slider(key=action_key(item_id, "percent", gen)).set_value(percent)
    if files:
        at.file_uploader(key=action_key(item_id, "files", gen)).set_value(list(files))
    return press(at, "报送整改进展")


# ------------------------------------------------------------------ reading

def test_without_an_item_the_page_says_where_to_pick_one(app, session):
    actor = make_actor(session, Role.COORDINATOR)
    session.commit()
    at = open_page(app, actor, ITEM)
    assert at.title[0].value == "整改任务详情"
    assert "请先在「我的待办」或「台账」中选择一项整改任务" in texts(at)


def test_unknown_item_and_an_item_outside_the_units_scope_are_refused(app, session):
    other = make_item(session, district_id=district_id(session, "渝中区"),
                      lead_unit_id=unit_id(session, "渝中区人民政府"), description="渝中区的问题")
    unit = unit_user(session)
    coordinator = make_actor(session, Role.COORDINATOR)
    session.commit()
    at = open_page(app, unit, ITEM, other.id)
    assert "无权执行此操作" in errors(at)
    assert "渝中区的问题" not in texts(at) and not at.tabs
    at = open_page(app, unit, ITEM, 999_999)      # a unit learns nothing about ids outside its scope
    assert "无权执行此操作" in errors(at)
    at = open_page(app, coordinator, ITEM, 999_999)
    assert "整改任务不存在" in errors(at)


def test_detail_shows_fields_units_figures_and_the_timeline(app, session):
    item = make_item(session, description="某污水处理厂出水超标", township="五桥街道",
                     responsible_person="张三", due_on=date.today() + timedelta(days=5),
                     deadline_text="限期整改",
                     units={unit_id(session, WANZHOU_GOV): UnitRole.LEAD,
                            unit_id(session, "万州区生态环境局"): UnitRole.RESPONSIBLE})
    coordinator = make_actor(session, Role.COORDINATOR)
    session.commit()
    at = open_page(app, coordinator, ITEM, item.id)
    assert at.title[0].value == f"整改任务 {item.code}"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["状态"] == "已交办" and metrics["剩余时间"] == "5 天"
    assert metrics["整改时限"] == (date.today() + timedelta(days=5)).isoformat()
    shown = texts(at)
    assert "**乡镇（街道）**：五桥街道" in shown and "**责任人**：张三" in shown
    assert "**责任单位**：万州区生态环境局" in shown
    assert [t.label for t in at.tabs][0] == "办理记录（0）"


def test_overdue_item_names_its_long_unresolved_reason(app, session):
    item = make_item(session, due_on=date.today() - timedelta(days=12),
                     assigned_on=date.today() - timedelta(days=40))
    coordinator = make_actor(session, Role.COORDINATOR)
    session.commit()
    at = open_page(app, coordinator, ITEM, item.id)
    assert {m.label: m.value for m in at.metric}["剩余时间"] == "逾期 12 天"
    assert "久拖不决：逾期 12 天" in [w.value for w in at.warning]


# ------------------------------------------------------------------ which actions show

@pytest.mark.parametrize("role, status, expected", [
    (Role.UNIT, Status.ASSIGNED, ["报送整改进展", "接收整改", "申请延期"]),
    (Role.UNIT, Status.IN_PROGRESS, ["报送整改进展", "申请销号", "申请延期"]),
    (Role.UNIT, Status.SUBMITTED, ["报送整改进展"]),
    (Role.UNIT, Status.CLOSED, []),
    (Role.COORDINATOR, Status.DRAFT, ["交办", "移交"]),
    (Role.COORDINATOR, Status.SUBMITTED, ["验收通过", "验收不通过", "报送整改进展"]),
    (Role.COORDINATOR, Status.NOTICE, ["销号", "公示有异议", "报送整改进展"]),
    (Role.COORDINATOR, Status.CLOSED, ["反弹重启"]),
    (Role.LEADER, Status.IN_PROGRESS, []),
    (Role.VIEWER, Status.SUBMITTED, []),
])
def test_each_role_is_offered_only_the_actions_core_allows_it(app, session, role, status, expected):
    item = item_in(session, status)
    actor = make_actor(session, role, unit_id=unit_id(session, WANZHOU_GOV))
    session.commit()
    at = open_page(app, actor, ITEM, item.id)
    assert [e.label for e in at.expander] == expected
    if not expected:
        assert "该任务当前没有需要您办理的操作" in texts(at)
    assert ("修改任务信息" in labels(at)) == (role is Role.COORDINATOR)


def test_ongoing_item_offers_no_extension(app, session):
    item = make_item(session, status=Status.IN_PROGRESS, is_ongoing=True, due_on=None,
                     deadline_text="长期坚持")
    unit = unit_user(session)
    session.commit()
    at = open_page(app, unit, ITEM, item.id)
    assert [e.label for e in at.expander] == ["报送整改进展"]  # and no 申请销号: ongoing items stay open
    assert {m.label: m.value for m in at.metric}["剩余时间"] == "长期坚持"


# ------------------------------------------------------------------ progress with evidence

def test_unit_reports_progress_with_evidence_and_sees_it_on_the_timeline(app, session, evidence_dir):
    item = make_item(session)
    unit = unit_user(session)
    session.commit()
    at = open_page(app, unit, ITEM, item.id)
    report(at, item.id, "已完成截污管网铺设", files=[("现场照片.png", PNG, "image/png"),
                                                  ("验收报告.pdf", PDF, "application/pdf")])
    assert [s.value for s in at.success] == ["已办理：报送整改进展"]
    assert "已完成截污管网铺设" in texts(at) and "报送整改进展（40%）" in texts(at)
    assert {"现场照片.png（1 KB）", "验收报告.pdf（1 KB）"} <= {b.label for b in at.get("download_button")}
    saved = fresh(session, item.id)
    assert (saved.status, saved.progress_percent, saved.version) == (Status.IN_PROGRESS, 40, 2)
    files = session.scalars(select(Attachment).where(Attachment.item_id == item.id)).all()
    assert sorted(f.filename for f in files) == ["现场照片.png", "验收报告.pdf"]
    assert all(f.progress_report_id is not None for f in files)
    assert sum(1 for p in evidence_dir.rglob("*") if p.is_file()) == 2
    assert at.text_area(key=action_key(item.id, "text", gen=1)).value == ""   # the form is empty again


def test_second_report_goes_through_without_a_reload(app, session):
    item = make_item(session)
    unit = unit_user(session)
    session.commit()
    at = open_page(app, unit, ITEM, item.id)
    report(at, item.id, "第一次报送")
    report(at, item.id, "第二次报送", gen=1)
    assert not at.error
    assert count(session, ProgressReport, item.id) == 2


@pytest.mark.parametrize("upload, message", [
    (("程序.exe", b"MZ\x90\x00", "application/octet-stream"), "不支持的文件类型“exe”"),
    (("伪装.png", b"MZ\x90\x00 not a png", "image/png"), "文件内容与扩展名“png”不符"),
    (("空文件.pdf", b"", "application/pdf"), "文件为空"),
])
def test_a_bad_file_is_named_and_nothing_is_saved(app, session, evidence_dir, upload, message):
    item = make_item(session)
    unit = unit_user(session)
    session.commit()
    at = open_page(app, unit, ITEM, item.id)
    report(at, item.id, "附上照片", files=[("好照片.png", PNG, "image/png"), upload])
    shown = errors(at)
    assert upload[0] in shown and message in shown and "好照片.png" not in shown
    assert count(session, ProgressReport, item.id) == 0 and count(session, Attachment, item.id) == 0
    assert fresh(session, item.id).version == 1
    assert not evidence_dir.exists() or not any(p.is_file() for p in evidence_dir.rglob("*"))


def test_a_file_over_the_size_limit_is_refused_by_name(app, session, monkeypatch):
    monkeypatch.setenv("LEDGER_EVIDENCE_MAX_MB", "0.001")   # about 1 KB
    item = make_item(session)
    unit = unit_user(session)
    session.commit()
    at = open_page(app, unit, ITEM, item.id)
    report(at, item.id, "附上扫描件", files=[("扫描件.pdf", PDF + bytes(4096), "application/pdf")])
    assert "扫描件.pdf" in errors(at) and "文件过大" in errors(at)
    assert count(session, ProgressReport, item.id) == 0


def test_an_empty_report_names_the_field(app, session):
    item = make_item(session)
    unit = unit_user(session)
    session.commit()
    at = open_page(app, unit, ITEM, item.id)
    press(at, "报送整改进展")
    assert "**整改进展**：必填" in errors(at)
    assert count(session, ProgressReport, item.id) == 0


# ------------------------------------------------------------------ stale edits

def test_a_save_on_an_outdated_page_is_refused_with_what_changed(app, session):
    item = make_item(session)
    unit = unit_user(session)
    coordinator = make_actor(session, Role.COORDINATOR)
    session.commit()
    at = open_page(app, unit, ITEM, item.id)          # the unit sees version 1
    items.update_item(session, actor=coordinator, item_id=item.id, expected_version=1,
                      changes={"measures": "加装在线监测设备"})
    session.commit()
    report(at, item.id, "我的进展")
    shown = errors(at)
    assert "未保存：该任务在您打开后已被他人修改" in shown
    assert "整改措施：（空） → 加装在线监测设备" in shown
    assert count(session, ProgressReport, item.id) == 0
    assert fresh(session, item.id).measures == "加装在线监测设备"
    assert "您打开此页后，该任务已被他人修改（版本 1 → 2）" in texts(at)
    press(at, "刷新")                                  # an explicit reload: now the unit saw version 2
    assert "已被他人修改" not in texts(at)
    report(at, item.id, "我的进展", gen=1)
    assert not at.error and count(session, ProgressReport, item.id) == 1


# ------------------------------------------------------------------ coordinator's moves

def test_coordinator_verifies_with_documents_then_closes(app, session):
    item = item_in(session, Status.SUBMITTED)
    coordinator = make_actor(session, Role.COORDINATOR)
    session.commit()
    at = open_page(app, coordinator, ITEM, item.id)
    today = date.today()
    at.text_input(key=action_key(item.id, "acceptance_unit")).input("万州区生态环境局")
    at.text_area(key=action_key(item.id, "conclusion")).input("现场核查，整改到位")
    at.date_input(key=action_key(item.id, "notice_from")).set_value(today - timedelta(days=9))
    at.date_input(key=action_key(item.id, "notice_to")).set_value(today - timedelta(days=2))
    at.date_input(key=action_key(item.id, "accepted_on")).set_value(today - timedelta(days=10))
    at.file_uploader(key=action_key(item.id, "acceptance_files")).set_value(
        [("验收意见.pdf", PDF, "application/pdf")])
    press(at, "验收通过")
    assert [s.value for s in at.success] == ["已办理：验收通过"]
    assert fresh(session, item.id).status == Status.NOTICE
    assert "验收意见.pdf（1 KB）" in {b.label for b in at.get("download_button")}
    at.text_input(key=action_key(item.id, "close_doc_no", gen=1)).input("渝督销〔2026〕8号")
    press(at, "销号")
    closed = fresh(session, item.id)
    assert (closed.status, closed.closed_on, closed.close_doc_no) == (Status.CLOSED, today,
                                                                      "渝督销〔2026〕8号")


def test_verification_without_the_required_fields_names_each_one(app, session):
    item = item_in(session, Status.SUBMITTED)
    coordinator = make_actor(session, Role.COORDINATOR)
    session.commit()
    at = open_page(app, coordinator, ITEM, item.id)
    press(at, "验收通过")
    shown = errors(at)
    for field in ("验收单位", "验收结论", "公示开始日期", "公示结束日期"):
        assert f"**{field}**：必填" in shown
    assert fresh(session, item.id).status == Status.SUBMITTED


def test_failed_verification_needs_a_reason_and_sends_the_item_back(app, session):
    item = item_in(session, Status.SUBMITTED)
    coordinator = make_actor(session, Role.COORDINATOR)
    session.commit()
    at = open_page(app, coordinator, ITEM, item.id)
    press(at, "验收不通过")
    assert "**原因**：必填" in errors(at)
    assert fresh(session, item.id).status == Status.SUBMITTED
    at.text_area(key=action_key(item.id, "fail_verification_text")).input("出水仍超标")
    press(at, "验收不通过")
    back = fresh(session, item.id)
    assert (back.status, back.bounce_count) == (Status.IN_PROGRESS, 1)
    assert "出水仍超标" in texts(at)


def test_reopen_with_a_new_deadline(app, session):
    item = item_in(session, Status.CLOSED)
    coordinator = make_actor(session, Role.COORDINATOR)
    session.commit()
    at = open_page(app, coordinator, ITEM, item.id)
    at.text_area(key=action_key(item.id, "reopen_reason")).input("问题反弹：再次被举报")
    at.text_input(key=action_key(item.id, "reopen_deadline")).input("2027年6月底前")
    press(at, "反弹重启")
    again = fresh(session, item.id)
    assert (again.status, again.reopen_count, again.due_on) == (Status.IN_PROGRESS, 1, date(2027, 6, 30))


def test_hand_over_to_another_unit_keeps_the_state_and_shows_who_holds_it(app, session):
    item = make_item(session, status=Status.IN_PROGRESS)
    coordinator = make_actor(session, Role.COORDINATOR)
    target = unit_id(session, "万州区生态环境局")
    session.commit()
    at = open_page(app, coordinator, ITEM, item.id)
    at.selectbox(key=action_key(item.id, "to_unit")).set_value(target)
    press(at, "移交")
    assert "**原因**：必填" in errors(at) and fresh(session, item.id).holder_unit_id != target
    at.text_area(key=action_key(item.id, "hand_over_reason")).input("属行业监管职责")
    press(at, "移交")
    moved = fresh(session, item.id)
    assert (moved.holder_unit_id, moved.status) == (target, Status.IN_PROGRESS)
    assert "移交给 万州区生态环境局" in texts(at)


# ------------------------------------------------------------------ 延期

def test_unit_asks_for_an_extension_and_the_coordinator_approves_it(app, session):
    item = make_item(session, status=Status.IN_PROGRESS, due_on=date.today() + timedelta(days=3))
    unit = unit_user(session)
    coordinator = make_actor(session, Role.COORDINATOR)
    session.commit()
    new_due = date.today() + timedelta(days=60)
    at = open_page(app, unit, ITEM, item.id)
    at.date_input(key=action_key(item.id, "new_due_on")).set_value(new_due)
    press(at, "申请延期")
    assert "**延期理由**：必填" in errors(at)
    at.text_area(key=action_key(item.id, "extension_reason")).input("雨季影响施工")
    press(at, "申请延期")
    assert f"延期申请待审批：申请延至 {new_due.isoformat()}。理由：雨季影响施工" in texts(at)
    assert "申请延期" not in [e.label for e in at.expander]   # one pending request at a time

    at = open_page(app, coordinator, ITEM, item.id)
    assert [e.label for e in at.expander][0] == "审批延期申请"
    press(at, "批准延期")
    extended = fresh(session, item.id)
    assert (extended.due_on, extended.extension_count) == (new_due, 1)
    assert session.scalar(select(Extension.status)) == ExtensionStatus.APPROVED


def test_rejecting_an_extension_needs_a_note(app, session):
    item = make_item(session, status=Status.IN_PROGRESS)
    unit = unit_user(session)
    coordinator = make_actor(session, Role.COORDINATOR)
    extensions.request_extension(session, actor=unit, item_id=item.id, expected_version=item.version,
                                 new_due_on=date(2026, 12, 31), reason="资金未到位")
    session.commit()
    at = open_page(app, coordinator, ITEM, item.id)
    press(at, "不予延期")
    assert "**审批意见**：必填" in errors(at)
    at.text_area(key=action_key(item.id, "decision_note")).input("理由不充分")
    press(at, "不予延期")
    assert session.scalar(select(Extension.status)) == ExtensionStatus.REJECTED
    assert fresh(session, item.id).extension_count == 0
    assert "理由不充分" in texts(at)


def test_a_unit_cannot_act_on_a_move_core_refuses_even_if_the_page_offered_it(app, session):
    """The page offered 申请销号 when loaded; meanwhile the item was submitted by a colleague.
    The stale save is refused by core, named, and nothing changes."""
    item = make_item(session, status=Status.IN_PROGRESS)
    unit = unit_user(session)
    other = unit_user(session)
    session.commit()
    at = open_page(app, unit, ITEM, item.id)
    lifecycle.request_closure(session, actor=other, item_id=item.id, expected_version=item.version)
    session.commit()
    report(at, item.id, "补充进展")
    assert "状态：整改中 → 待验收" in errors(at)
    assert count(session, ProgressReport, item.id) == 0


def test_a_file_missing_from_the_evidence_store_is_named_instead_of_offered(app, session, evidence_dir):
    item = make_item(session)
    unit = unit_user(session)
    session.commit()
    at = open_page(app, unit, ITEM, item.id)
    report(at, item.id, "附照片", files=[("现场照片.png", PNG, "image/png")])
    assert "现场照片.png（1 KB）" in {b.label for b in at.get("download_button")}
    for stored in evidence_dir.rglob("*"):
        if stored.is_file():
            stored.unlink()
    press(at, "刷新")
    assert "现场照片.png（1 KB）" not in {b.label for b in at.get("download_button")}
    assert "证据文件缺失：现场照片.png" in texts(at)


def test_user_text_is_shown_as_written_not_as_markdown(app, session):
    item = make_item(session, description="**紧急** <b>整改</b>", measures="1. 提标改造\n2. 加强运维",
                     deadline_text="2025-12-31")
    coordinator = make_actor(session, Role.COORDINATOR)
    session.commit()
    shown = texts(open_page(app, coordinator, ITEM, item.id))
    assert r"\*\*紧急\*\* \<b\>整改\</b\>" in shown          # no bold, no HTML
    assert "1\\. 提标改造  \n2\\. 加强运维" in shown          # not turned into a list, no stray "\"
    assert "**整改时限**：2025-12-31  \n" in shown              # the wording once when it is the date


# ------------------------------------------------------------------ thumbnails, print link, figures, timeline

def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def images(at) -> list:
    return list(at.get("image"))


def test_photos_and_a_pdf_show_as_thumbnails_in_the_evidence_list_and_on_the_timeline(app, session):
    item = make_item(session)
    unit = unit_user(session)
    session.commit()
    at = open_page(app, unit, ITEM, item.id)
    assert images(at) == []
    report(at, item.id, "整改后现场照片", files=[("现场照片.jpg", photo(), "image/jpeg"),
                                             ("验收报告.pdf", real_pdf(), "application/pdf"),
                                             ("方案.docx", docx(), "application/octet-stream")])
    assert not at.error
    # two on the timeline (the report's files), two in the evidence list; none for the .docx
    assert len(images(at)) == 4
    assert [b.label for b in at.button].count("查看大图") == 4
    assert "无法预览" not in texts(at)
    downloads = {b.label for b in at.get("download_button")}
    assert any(label.startswith("现场照片.jpg（") for label in downloads)
    assert any(label.startswith("方案.docx（") for label in downloads)


def test_a_damaged_photo_shows_its_name_and_no_preview(app, session, evidence_dir):
    item = make_item(session)
    unit = unit_user(session)
    session.commit()
    at = open_page(app, unit, ITEM, item.id)
    report(at, item.id, "照片", files=[("坏照片.png", b"\x89PNG\r\n\x1a\n" + b"junk" * 50, "image/png")])
    assert not at.exception and not at.error
    assert images(at) == []
    assert "坏照片.png · 无法预览" in texts(at)      # on the timeline, with its name
    assert "坏照片.png（1 KB）" in {b.label for b in at.get("download_button")}


def test_the_enlarge_button_opens_a_larger_view(app, session):
    item = make_item(session)
    unit = unit_user(session)
    session.commit()
    at = open_page(app, unit, ITEM, item.id)
    report(at, item.id, "照片", files=[("现场照片.jpg", photo(), "image/jpeg")])
    before = len(images(at))
    press(at, "查看大图")
    assert len(images(at)) == before + 1


def test_the_page_links_to_the_print_view(app, session):
    item = make_item(session)
    coordinator = make_actor(session, Role.COORDINATOR)
    session.commit()
    at = open_page(app, coordinator, ITEM, item.id)
    link = [p.proto for p in at.get("page_link") if p.proto.label == "打印 / 一案一档"]
    assert len(link) == 1 and link[0].page.replace("-", "_") == "item_print"
    assert link[0].query_string == f"id={item.id}"


def test_figures_are_short_enough_to_fit(app, session):
    item = make_item(session, status=Status.IN_PROGRESS, due_on=date.today() - timedelta(days=172),
                     assigned_on=date.today() - timedelta(days=400), extension_count=1, bounce_count=2)
    coordinator = make_actor(session, Role.COORDINATOR)
    session.commit()
    at = open_page(app, coordinator, ITEM, item.id)
    figures = {m.label: m.value for m in at.metric}
    assert figures == {"状态": "整改中", "整改时限": item.due_on.isoformat(), "剩余时间": "逾期 172 天",
                       "整改进度": "0%", "延期 / 退回 / 反弹": "1 / 2 / 0"}
    assert all(len(v) <= 10 for v in figures.values())
    history = next(m for m in at.metric if m.label == "延期 / 退回 / 反弹")
    assert "延期 1 次" in history.help and "反弹 0 次" in history.help


def test_an_edit_and_a_reminder_read_on_the_timeline(app, session):
    from core.ledger.reminders import remind_items

    item = make_item(session, status=Status.IN_PROGRESS)
    coordinator = make_actor(session, Role.COORDINATOR)
    session.commit()
    items.update_item(session, actor=coordinator, item_id=item.id, expected_version=1,
                      changes={"measures": "加装在线监测设备", "township": "五桥街道"})
    remind_items(session, actor=coordinator, item_ids=[item.id], note="请本周内报送进展")
    session.commit()
    at = open_page(app, coordinator, ITEM, item.id)
    shown = texts(at)
    assert "修改任务信息（2 项）" in shown
    assert "整改措施：— → 加装在线监测设备" in shown and "乡镇（街道）：— → 五桥街道" in shown
    assert "催办说明：请本周内报送进展" in shown
    assert ":material/edit_note:" in shown and ":material/notifications_active:" in shown


def test_the_verification_conclusion_shows_on_its_move(app, session):
    item = item_in(session, Status.SUBMITTED)
    coordinator = make_actor(session, Role.COORDINATOR)
    session.commit()
    lifecycle.pass_verification(session, actor=coordinator, item_id=item.id, expected_version=item.version,
                                accepted_on=date.today(), acceptance_unit="万州区生态环境局",
                                conclusion="现场核查，整改到位", notice_from=date.today(),
                                notice_to=date.today() + timedelta(days=7))
    session.commit()
    shown = texts(open_page(app, coordinator, ITEM, item.id))
    assert "验收结论：现场核查，整改到位" in shown


def test_a_unit_cannot_open_a_draft_of_its_own_until_it_is_assigned(app, session):
    item = make_item(session, status=Status.DRAFT, assigned_on=None, description="草稿中的问题")
    unit = unit_user(session)
    coordinator = make_actor(session, Role.COORDINATOR)
    session.commit()
    at = open_page(app, unit, ITEM, item.id)
    assert "无权执行此操作" in errors(at) and "草稿中的问题" not in texts(at)
    lifecycle.assign_item(session, actor=coordinator, item_id=item.id, expected_version=item.version,
                          assigned_on=date.today())
    session.commit()
    at = open_page(app, unit, ITEM, item.id)
    assert not at.error and "草稿中的问题" in texts(at)
