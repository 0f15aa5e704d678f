"""The admin-editable rule settings (table `setting`): default, unit and allowed range of each.

A key with no row in the table takes its default, so a new setting needs no migration; the
settings page writes a row when an admin changes one. Units: "days" (calendar days), "workdays"
(working days, core.calendar.workdays), "times" (a count), "seconds".
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RuleSpec:
    default: int
    unit: str
    low: int          # allowed range, both ends included
    high: int
    help: str         # one line, stored in the table's help column


RULE_SPECS: dict[str, RuleSpec] = {
    "stale_after_days": RuleSpec(90, "days", 7, 730, "久拖不决: no progress report for this many days"),
    "old_after_days": RuleSpec(730, "days", 30, 3650, "久拖不决: open this many days since assignment"),
    "bounce_threshold": RuleSpec(2, "times", 1, 20, "久拖不决: verification failed this many times"),
    "extension_threshold": RuleSpec(2, "times", 1, 20, "久拖不决: extended (延期) this many times"),
    "reminder_threshold": RuleSpec(3, "times", 1, 20, "久拖不决: reminded (催办) on this many days"),
    "due_soon_days": RuleSpec(7, "days", 1, 90, "我的待办: due within this many days"),
    "big_screen_refresh_seconds": RuleSpec(60, "seconds", 10, 3600, "Big screen refresh interval"),
    "interview_plan_workdays": RuleSpec(15, "workdays", 1, 60,
                                        "约谈: rectification plan due this many working days after"),
    # 移送移交: the receiver's answer (filing decision, or the handling result where nothing is
    # filed) is due this many working days after the referral is sent (docs/domain.md, Referrals).
    "referral_feedback_workdays_police": RuleSpec(
        20, "workdays", 3, 120, "移送公安: filing decision due this many working days after sending"),
    "referral_feedback_workdays_procuratorate": RuleSpec(
        30, "workdays", 3, 120, "移送检察院: filing decision due this many working days after sending"),
    "referral_feedback_workdays_court": RuleSpec(
        30, "workdays", 3, 120, "移送法院: filing decision due this many working days after sending"),
    "referral_feedback_workdays_justice": RuleSpec(
        20, "workdays", 3, 120, "移送司法局: handling result due this many working days after sending"),
    "referral_feedback_workdays_discipline": RuleSpec(
        40, "workdays", 3, 120, "移送纪委监委/组织部: filing decision due this many working days after"),
    "referral_feedback_workdays_department": RuleSpec(
        30, "workdays", 3, 120, "移送行业部门: handling result due this many working days after sending"),
}

# (default as text, help) per key: the shape the `setting` table stores.
RULE_SETTINGS: dict[str, tuple[str, str]] = {k: (str(s.default), s.help) for k, s in RULE_SPECS.items()}
