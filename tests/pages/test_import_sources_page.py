"""导入 Excel 台账 with a published list naming inspections the ledger lacks (AppTest): the page
refuses the rows, shows each new source with the kind and level inferred from its name, lets the
coordinator correct them and confirm, then imports and creates the inspections."""

from sqlalchemy import func, select

from core.domain import InspectionKind, Role, SourceLevel
from db.models import Inspection, Item
from tests.factories import make_actor
from tests.pages.page_helpers import open_page, press
from tests.published_samples import CENTRAL, SPECIAL, item_count, published_list

PAGE = "pages/import_ledger.py"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_confirm_and_correct_new_sources_then_import(app, session):
    coordinator = make_actor(session, Role.COORDINATOR)
    session.commit()
    at = open_page(app, coordinator, PAGE)
    at.file_uploader(key="import_file_0").set_value(("整改任务清单.xlsx", published_list(), XLSX)).run()
    assert not at.exception
    assert any("不在系统中" in w.value for w in at.warning)
    assert at.selectbox(key="src_kind_0_0").value is InspectionKind.ROUTINE    # 第三轮中央…督察
    assert at.selectbox(key="src_level_0_0").value is SourceLevel.CENTRAL
    assert "import_confirm" not in [b.key for b in at.button]                   # refused until confirmed
    at.selectbox(key="src_level_0_1").select(SourceLevel.MINISTRY)              # correct the special one
    at.checkbox(key="import_create_sources_0").check().run()
    assert not at.exception and not at.error
    press(at, "确认导入")
    assert session.scalar(select(func.count()).select_from(Item)) == item_count()
    made = {i.name: (i.kind, i.level) for i in session.scalars(select(Inspection))}
    assert made[CENTRAL] == (InspectionKind.ROUTINE, SourceLevel.CENTRAL)
    assert made[SPECIAL] == (InspectionKind.SPECIAL, SourceLevel.MINISTRY)
