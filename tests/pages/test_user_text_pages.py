"""User text never becomes Markdown or HTML, on any page: Markdown and HTML typed into every text
field, reason, file name, display name, token name and Excel cell are walked through every page
that shows them, and every string the page sends to be rendered as Markdown (bodies, labels,
help tooltips) or as HTML is checked for the payload in raw form."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from streamlit.testing.v1.element_tree import Block, Element

from core.access import users
from core.domain import Role
from core.ledger import extensions, items, lifecycle
from core.ledger.evidence import EvidenceStore
from core.screen import kiosk
from tests.excel_samples import build_workbook
from tests.factories import make_actor, make_inspection, make_item, make_user, unit_id
from tests.pages.page_helpers import PNG, action_key, open_page, press

# Markdown: bold, a disguised outside link, code; HTML: an outside image (breaks the offline promise)
LONG = "**粗** [点我](http://evil.example/x) <img src=http://evil.example/p.png> `码`"
SHORT = "**粗**<img src=x>`码`"
RAW_MARKDOWN = ("**粗**", "[点我](", "`码`")
MARKDOWN_FIELDS = {"body", "label", "help"}   # proto fields Streamlit renders as Markdown
HTML_TYPES = {"html"}


@pytest.fixture(autouse=True)
def evidence_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("LEDGER_DATA_DIR", str(tmp_path))
    return tmp_path / "evidence"


def _strings(message, wanted: set[str]):
    """Every str field named in `wanted`, anywhere inside a protobuf message."""
    for field, value in message.ListFields():
        values = value if field.is_repeated else [value]
        if field.type == field.TYPE_MESSAGE:
            for sub in values:
                yield from _strings(sub, wanted)
        elif field.type == field.TYPE_STRING and field.name in wanted:
            yield from values


def rendered(at) -> list[tuple[str, str]]:
    """(kind, text) of everything the page renders as Markdown or as HTML."""
    out, stack = [], [at._tree]
    while stack:
        node = stack.pop()
        if isinstance(node, Block):
            stack.extend(node.children.values())
            if getattr(node, "proto", None) is not None:
                out += [("markdown", s) for s in _strings(node.proto, MARKDOWN_FIELDS)]
        elif isinstance(node, Element) and getattr(node, "proto", None) is not None:
            kind = "html" if node.type in HTML_TYPES else "markdown"
            fields = {"body"} if kind == "html" else MARKDOWN_FIELDS
            out += [(kind, s) for s in _strings(node.proto, fields)]
    return out


def unsafe(at) -> list[str]:
    bad = []
    for kind, text in rendered(at):
        if kind == "html":
            if "<img src=http://evil" in text or "<img src=x>" in text:
                bad.append(text)
        elif any(raw in text for raw in RAW_MARKDOWN) or re.search(r"(?<!\\)<img", text):
            bad.append(text)
    return bad


def seen(at, needle: str = "粗") -> bool:
    """The payload did reach the page (so the check above is not vacuous)."""
    cells = (str(v) for d in at.dataframe for v in d.value.astype(str).to_numpy().ravel())
    return any(needle in text for _kind, text in rendered(at)) or any(needle in c for c in cells)


@pytest.fixture
def hostile(session, evidence_dir):
    """An item whose every user-typed text is the payload, with a report, a file, a pending
    extension and a hand-over reason; plus a unit user, a coordinator, an admin and a leader."""
    gov = unit_id(session, "万州区人民政府")
    unit = make_actor(session, Role.UNIT, unit_id=gov, display_name=SHORT)
    coordinator = make_actor(session, Role.COORDINATOR, display_name=SHORT)
    admin = make_actor(session, Role.ADMIN)
    leader = make_actor(session, Role.LEADER)
    make_user(session, username="hostile_name", display_name=LONG[:60], role=Role.VIEWER)
    item = make_item(session, inspection=make_inspection(session, name=LONG), description=LONG,
                     township=SHORT, responsible_leader=SHORT, responsible_person=SHORT,
                     contact_phone=SHORT, target=LONG, measures=LONG, assign_doc_no=SHORT,
                     delay_reason=LONG, due_on=date.today() - timedelta(days=30))
    session.commit()
    items.report_progress(session, actor=unit, item_id=item.id, expected_version=1,
                          reported_on=date.today(), percent=30, text=LONG,
                          attachments=[(f"{SHORT}.png", PNG)], store=EvidenceStore(evidence_dir))
    version = session.get(type(item), item.id).version
    extensions.request_extension(session, actor=unit, item_id=item.id, expected_version=version,
                                 new_due_on=date.today() + timedelta(days=90), reason=LONG)
    version = session.get(type(item), item.id).version
    lifecycle.hand_over_item(session, actor=coordinator, item_id=item.id, expected_version=version,
                             to_unit_id=unit_id(session, "万州区生态环境局"), reason=LONG)
    kiosk.create_token(session, actor=admin, name=SHORT, now=datetime.now())
    session.commit()
    return dict(item=item, unit=unit, coordinator=coordinator, admin=admin, leader=leader)


PAGES = [("coordinator", "pages/item.py"), ("unit", "pages/item.py"), ("coordinator", "pages/my_actions.py"),
         ("unit", "pages/my_actions.py"), ("coordinator", "pages/ledger.py"), ("leader", "pages/overview.py"),
         ("leader", "pages/big_screen.py"), ("coordinator", "pages/item_form.py"),
         ("admin", "pages/users.py"), ("admin", "pages/kiosk_tokens.py")]


@pytest.mark.parametrize("who, path", PAGES)
def test_every_page_shows_user_text_as_written(app, session, hostile, who, path):
    item_id = hostile["item"].id if path in ("pages/item.py", "pages/item_form.py") else None
    at = open_page(app, hostile[who], path, item_id)
    if path == "pages/users.py":
        at.selectbox(key="manage_user").select(users.list_users(session, actor=hostile["admin"])[-1].id).run()
    assert not at.exception
    assert unsafe(at) == []
    if path not in ("pages/overview.py", "pages/item_form.py"):
        assert seen(at)


def test_the_changed_since_you_opened_it_box_escapes_what_changed(app, session, hostile):
    item = hostile["item"]
    at = open_page(app, hostile["unit"], "pages/item.py", item.id)
    version = session.get(type(item), item.id, populate_existing=True).version
    items.update_item(session, actor=hostile["coordinator"], item_id=item.id, expected_version=version,
                      changes={"measures": LONG + " 2", "target": SHORT})
    session.commit()
    at.text_area(key=action_key(item.id, "text")).input("进展")
    press(at, "报送整改进展")
    shown = "\n".join(e.value for e in at.error)
    assert "已被他人修改" in shown and "粗" in shown
    assert unsafe(at) == []


def test_an_import_preview_escapes_sheet_names_headers_and_cells(app, session, hostile):
    workbook = build_workbook([{"序号": 1, "区县": SHORT, "问题描述": LONG, "完成时限": "2025年底前",
                                "问题类别": "水", "牵头单位": "万州区", SHORT: "x"}],
                              columns=((None, "序号"), (None, "区县"), (None, "问题描述"),
                                       (None, "完成时限"), (None, "问题类别"), (None, "牵头单位"),
                                       (None, SHORT)), title=LONG)
    at = open_page(app, hostile["coordinator"], "pages/import_ledger.py")
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    at.file_uploader(key="import_file_0").set_value((f"{SHORT}.xlsx", workbook, xlsx)).run()
    assert not at.exception
    assert seen(at)
    assert unsafe(at) == []
