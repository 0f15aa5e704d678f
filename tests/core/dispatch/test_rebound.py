"""反弹 per district (items reopened after closing and still open) equals an independent count, and
reaches the big screen's district figures and the district map (a measure with a figure in every
tooltip)."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date

from core.access.permissions import SYSTEM
from core.dispatch.rebound import rebounds_by_district
from core.domain import Status
from core.screen.bigscreen import big_screen
from tests.core.ledger.lifecycle_cases import do_move, item_in
from tests.factories import district_id, make_actor, make_item
from ui.cache import figures_by_code
from ui.district_map import MEASURES, district_deck

NAMES = ("万州区", "渝中区", "涪陵区", "两江新区")


def test_rebounds_per_district_equal_an_independent_count(session):
    rng = random.Random(7)
    districts = [district_id(session, n) for n in NAMES] + [None]
    expected: Counter = Counter()
    for _ in range(80):
        d = rng.choice(districts)
        reopened = rng.choice((0, 0, 0, 1, 2))
        status = rng.choice((Status.IN_PROGRESS, Status.CLOSED)) if reopened else \
            rng.choice(list(Status))
        make_item(session, district_id=d, reopen_count=reopened, status=status)
        expected[d] += reopened > 0 and status != Status.CLOSED
    assert rebounds_by_district(session) == {d: n for d, n in expected.items() if n}
    screen = big_screen(session, actor=SYSTEM, today=date(2025, 6, 30))
    assert {f.district_id: f.reopened for f in (*screen.districts, screen.citywide) if f.reopened} \
        == {d: n for d, n in expected.items() if n}


def test_a_rebound_counts_once_however_often_until_it_is_closed_again(session):
    coordinator = make_actor(session, "coordinator")
    item = item_in(session, Status.CLOSED)
    wanzhou = district_id(session, "万州区")
    for _ in range(2):
        do_move(session, "reopen", coordinator, item)
        assert rebounds_by_district(session) == {wanzhou: 1}
        item.status, item.closed_on = Status.CLOSED, date(2025, 6, 10)   # closed again, by hand
        session.flush()
        assert rebounds_by_district(session) == {}
    assert item.reopen_count == 2


def test_the_big_screen_and_the_map_show_rebounds_per_district(session):
    wanzhou, liangjiang = district_id(session, "万州区"), district_id(session, "两江新区")
    for d, n in ((wanzhou, 3), (liangjiang, 1)):
        for _ in range(n):
            make_item(session, district_id=d, reopen_count=1, status=Status.IN_PROGRESS)
    make_item(session, district_id=wanzhou)
    make_item(session, district_id=wanzhou, reopen_count=2, status=Status.CLOSED)   # put right again
    screen = big_screen(session, actor=SYSTEM, today=date(2025, 6, 30))
    by_id = {f.district_id: f for f in screen.districts}
    assert (by_id[wanzhou].reopened, by_id[liangjiang].reopened) == (3, 1)
    assert sum(f.reopened for f in screen.districts) == 4
    figures = figures_by_code(screen)
    assert figures[by_id[wanzhou].code]["reopened"] == 3
    assert "reopened" in MEASURES
    deck = district_deck(figures, measure="reopened", measure_label="反弹", functional_markers=[],
                         lang="zh")
    assert "反弹：<b>{reopened_text}</b>" in deck._tooltip["html"]   # every tooltip; the measure in bold
    wz = next(f for f in deck.layers[0].data["features"]
              if f["properties"]["code"] == by_id[wanzhou].code)
    assert wz["properties"]["reopened_text"] == "3" and wz["properties"]["measure_text"] == "3"
