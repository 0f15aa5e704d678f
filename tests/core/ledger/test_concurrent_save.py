"""Two users save the same item at the same moment: the one whose UPDATE finds the version moved
is told "changed while saving" (StaleEdit), never shown an error, and nothing of theirs is
written. (soak/load.py found this: the message read the item's id after the failed flush.)"""

import pytest
from sqlalchemy import event, update
from sqlalchemy.orm import Session

from core.domain import Role
from core.errors import StaleEdit
from core.ledger import items
from db.engine import engine_for
from db.models import Item
from tests.factories import make_actor, make_item


@pytest.mark.parametrize("write", ["edit", "report"])
def test_a_save_that_loses_the_race_is_a_stale_edit(database_url, session, write):
    item = make_item(session)
    actor = make_actor(session, Role.COORDINATOR)
    session.commit()
    engine = engine_for(database_url)

    def the_other_user_saves_first(*_args):
        with Session(engine) as other:
            other.execute(update(Item).where(Item.id == item.id).values(version=Item.version + 1,
                                                                          measures="另一人的修改"))
            other.commit()

    with Session(engine) as mine:
        event.listen(mine, "before_flush", the_other_user_saves_first, once=True)
        with pytest.raises(StaleEdit, match="保存时被他人修改"):
            if write == "edit":
                items.update_item(mine, actor=actor, item_id=item.id, expected_version=1,
                                  changes={"measures": "我的修改"})
            else:
                from datetime import date
                items.report_progress(mine, actor=actor, item_id=item.id, expected_version=1,
                                      reported_on=date.today(), percent=10, text="我的进展")
        mine.rollback()
    session.expire_all()
    assert session.get(Item, item.id).measures == "另一人的修改"
