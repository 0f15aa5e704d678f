"""Deadlines as ledgers write them (core.ledger.deadlines): every accepted form, every refused one."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from core.domain import Status
from core.errors import LedgerError
from core.ledger.deadlines import Deadline, DeadlineError, parse_deadline
from core.ledger.stats import days_overdue

ASSIGNED = date(2023, 3, 15)
TODAY = date(2024, 5, 20)


@pytest.mark.parametrize(("text", "due"), [
    # end of a month
    ("2022年6月底前", date(2022, 6, 30)),
    ("2022年6月底", date(2022, 6, 30)),
    ("2022年6月前", date(2022, 6, 30)),
    ("2022年6月", date(2022, 6, 30)),
    ("2022年06月底之前", date(2022, 6, 30)),
    ("2024年2月底前", date(2024, 2, 29)),        # leap year
    ("2023年2月底前", date(2023, 2, 28)),
    ("2022.12", date(2022, 12, 31)),
    ("2022-12", date(2022, 12, 31)),
    ("2022/12", date(2022, 12, 31)),
    ("2022.9", date(2022, 9, 30)),
    # end of a year
    ("2023年底前", date(2023, 12, 31)),
    ("2023年年底前", date(2023, 12, 31)),
    ("2023年底", date(2023, 12, 31)),
    ("2023年年底", date(2023, 12, 31)),
    ("2023年底前完成整改", date(2023, 12, 31)),
    ("2023年末", date(2023, 12, 31)),
    # a day
    ("2023年12月31日", date(2023, 12, 31)),
    ("2023年12月31日前", date(2023, 12, 31)),
    ("2023年12月31日之前完成", date(2023, 12, 31)),
    ("2023年6月30日前", date(2023, 6, 30)),
    ("2023年6月5号", date(2023, 6, 5)),
    ("2023-12-31", date(2023, 12, 31)),
    ("2023/12/31", date(2023, 12, 31)),
    ("2023.12.31", date(2023, 12, 31)),
    ("2023.1.5", date(2023, 1, 5)),
    ("2024年2月29日", date(2024, 2, 29)),
    # half-years and quarters
    ("2023年上半年", date(2023, 6, 30)),
    ("2023年上半年前", date(2023, 6, 30)),
    ("2023年下半年", date(2023, 12, 31)),
    ("2023年第一季度", date(2023, 3, 31)),
    ("2023年二季度", date(2023, 6, 30)),
    ("2023年第三季度", date(2023, 9, 30)),
    ("2023年三季度", date(2023, 9, 30)),
    ("2023年第3季度末", date(2023, 9, 30)),
    ("2023年第四季度前", date(2023, 12, 31)),
    # full-width digits and punctuation, surrounding and inner whitespace
    ("２０２２年６月底前", date(2022, 6, 30)),
    ("２０２３．１２．３１", date(2023, 12, 31)),
    ("２０２３－１２", date(2023, 12, 31)),
    ("  2023年底前\n", date(2023, 12, 31)),
    ("\u30002023年6月底前\u3000", date(2023, 6, 30)),
    ("2023年 6月底前", date(2023, 6, 30)),
])
def test_accepted_text_forms(text, due):
    assert parse_deadline(text) == Deadline(text=text.strip(), due_on=due, ongoing=False,
                                            immediate=False)


def test_assignment_date_does_not_move_a_dated_deadline():
    assert parse_deadline("2023年底前", assigned_on=ASSIGNED).due_on == date(2023, 12, 31)


@pytest.mark.parametrize(("cell", "due"), [
    (date(2023, 6, 30), date(2023, 6, 30)),
    (datetime(2023, 6, 30, 0, 0), date(2023, 6, 30)),     # what openpyxl returns for a date cell
    (datetime(2023, 6, 30, 18, 5), date(2023, 6, 30)),
])
def test_date_cells(cell, due):
    deadline = parse_deadline(cell, assigned_on=ASSIGNED)
    assert deadline == Deadline(text="2023-06-30", due_on=due, ongoing=False, immediate=False)
    assert type(deadline.due_on) is date


@pytest.mark.parametrize(("assigned_on", "due"), [
    (ASSIGNED, ASSIGNED),
    (datetime(2023, 3, 15, 10, 0), ASSIGNED),
    (None, None),
])
def test_immediate(assigned_on, due):
    deadline = parse_deadline(" 立行立改 ", assigned_on=assigned_on)
    assert deadline == Deadline(text="立行立改", due_on=due, ongoing=False, immediate=True)


def test_ongoing():
    deadline = parse_deadline("长期坚持", assigned_on=ASSIGNED)
    assert deadline == Deadline(text="长期坚持", due_on=None, ongoing=True, immediate=False)


@pytest.mark.parametrize(("value", "message"), [
    ("明年", '无法识别的整改时限 "明年"'),
    ("尽快", '无法识别的整改时限 "尽快"'),
    ("2023年", '无法识别的整改时限 "2023年"'),
    ("2023", '无法识别的整改时限 "2023"'),
    ("23年底前", '无法识别的整改时限 "23年底前"'),
    ("2023-12/31", '无法识别的整改时限 "2023-12/31"'),
    ("2023年第五季度", '无法识别的整改时限 "2023年第五季度"'),
    ("2023年6月底后", '无法识别的整改时限 "2023年6月底后"'),
    ("立行立改、长期坚持", '无法识别的整改时限 "立行立改、长期坚持"'),
    ("2023年2月30日", '日期不存在: "2023年2月30日"'),
    ("2023年13月", '日期不存在: "2023年13月"'),
    ("2023年0月底前", '日期不存在: "2023年0月底前"'),
    ("2023-02-29", '日期不存在: "2023-02-29"'),
    ("2023.13", '日期不存在: "2023.13"'),
    ("2023年4月31日前", '日期不存在: "2023年4月31日前"'),
    ("", '整改时限为空: ""'),
    ("   ", "整改时限为空"),
    (None, "整改时限为空"),
    (2022.1, "整改时限须为文字或日期, 收到 2022.1"),    # Excel's number for a typed "2022.10"
    (45291, "整改时限须为文字或日期"),
])
def test_refused_values_name_the_text(value, message):
    with pytest.raises(DeadlineError) as raised:
        parse_deadline(value, assigned_on=ASSIGNED)
    assert message in str(raised.value)
    assert isinstance(raised.value, LedgerError)


def test_message_keeps_the_original_full_width_text():
    with pytest.raises(DeadlineError, match="２０２３年２月３０日"):
        parse_deadline("２０２３年２月３０日")


# --- overdue: parsed deadlines through the one rule in core.ledger.stats ------------------------------

def _overdue(due_on, *, today=TODAY, ongoing=False, done=False):
    status = Status.SUBMITTED if done else Status.IN_PROGRESS
    days = days_overdue(due_on, status=status, ongoing=ongoing, today=today)
    return days > 0, days


@pytest.mark.parametrize(("due_on", "expected"), [
    (TODAY, (False, 0)),                          # due today: not overdue yet
    (date(2024, 5, 19), (True, 1)),               # due yesterday: one day
    (date(2024, 5, 21), (False, 0)),              # due tomorrow
    (date(2023, 5, 20), (True, 366)),             # a year ago, across 29 Feb 2024
    (None, (False, 0)),                           # no due date (立行立改 without assignment)
])
def test_overdue_boundaries(due_on, expected):
    assert _overdue(due_on) == expected


def test_ongoing_is_never_overdue():
    deadline = parse_deadline("长期坚持")
    assert _overdue(deadline.due_on, ongoing=deadline.ongoing) == (False, 0)
    # even if a due date were somehow set
    assert _overdue(date(2000, 1, 1), ongoing=True) == (False, 0)


def test_submitted_or_closed_is_not_overdue():
    assert _overdue(date(2024, 1, 1), done=True) == (False, 0)


def test_immediate_is_overdue_from_the_day_after_assignment():
    deadline = parse_deadline("立行立改", assigned_on=ASSIGNED)
    assert _overdue(deadline.due_on, today=ASSIGNED) == (False, 0)
    assert _overdue(deadline.due_on, today=date(2023, 3, 16)) == (True, 1)
