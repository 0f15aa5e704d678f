"""Supervision: the 久拖不决 page, 督办 notices and responses, stationed and special inspections, and
the rule settings page."""

TEXTS: dict[str, tuple[str, str]] = {
    # ---------------------------------------------------------------- rule settings
    "settings.title": ("规则设置", "Rule settings"),
    "settings.intro": ("以下参数决定久拖不决的认定、我的待办的提醒和领导大屏的刷新，修改后立即对所有页面生效"
                       "（台账、地图、大屏、久拖不决、我的待办和导出）。",
                       "These numbers decide what is long-unresolved, what 我的待办 reminds of and how "
                       "often the big screen refreshes; a change applies at once to every screen "
                       "(ledger, map, big screen, long-unresolved, my to-do) and to exports."),
    "settings.col.value": ("{label}（{unit}，{low}–{high}）", "{label} ({unit}, {low}–{high})"),
    "settings.default": ("默认 {value}", "default {value}"),
    "settings.changed_by": ("上次修改：{when}", "last changed {when}"),
    "settings.save": ("保存", "Save"),
    "settings.saved": ("已保存：{keys}", "Saved: {keys}"),
    "settings.nothing": ("没有修改任何设置", "No setting was changed"),
    "settings.reload": ("载入最新设置", "Load the latest settings"),
    "setting.unit.days": ("天", "days"),
    "setting.unit.workdays": ("个工作日", "working days"),
    "setting.unit.times": ("次", "times"),
    "setting.unit.seconds": ("秒", "seconds"),
    "setting.stale_after_days": ("无进展天数", "Days without progress"),
    "setting.stale_after_days.help": (
        "久拖不决「长期无进展」：已交办或整改中的任务超过这么多天没有报送进展（从未报送则自交办日起算）。"
        "长期坚持类任务也适用，用来发现漏报的季度进展。",
        "Long-unresolved, stale: an assigned or in-progress item with no progress report for more "
        "than this many days (counted from assignment if it never reported). Applies to ongoing "
        "(长期坚持) items too, catching a missed quarterly review."),
    "setting.old_after_days": ("交办天数", "Days since assignment"),
    "setting.old_after_days.help": (
        "久拖不决「交办时间长」：自交办日起超过这么多天仍未销号（长期坚持类除外）。",
        "Long-unresolved, old: still open more than this many days after assignment (not for "
        "ongoing items)."),
    "setting.bounce_threshold": ("验收不通过次数", "Failed verifications"),
    "setting.bounce_threshold.help": (
        "久拖不决「多次验收不通过」：验收不通过（含公示有异议）达到这么多次。",
        "Long-unresolved, bounced: verification failed (or the public notice drew a valid "
        "objection) this many times or more."),
    "setting.extension_threshold": ("延期次数", "Extensions"),
    "setting.extension_threshold.help": (
        "久拖不决「多次延期」：批准延期达到这么多次。",
        "Long-unresolved, extended: this many approved extensions or more."),
    "setting.due_soon_days": ("即将到期提醒天数", "Due-soon reminder"),
    "setting.due_soon_days.help": (
        "我的待办：整改时限在这么多天内的任务列为「即将到期」。",
        "My to-do: items due within this many days are listed as due soon."),
    "setting.big_screen_refresh_seconds": ("大屏刷新间隔", "Big screen refresh"),
    "setting.big_screen_refresh_seconds.help": (
        "领导大屏每隔这么多秒自动刷新一次。", "The big screen refreshes itself every this many seconds."),
    "setting.interview_plan_workdays": ("约谈整改方案期限", "Interview plan deadline"),
    "setting.interview_plan_workdays.help": (
        "约谈后这么多个工作日内须报送整改方案（按法定节假日和调休计算）。",
        "The rectification plan is due this many working days after an interview (statutory "
        "holidays and make-up workdays counted)."),
    "err.whole_number": ("须为整数（收到“{value}”）", "must be a whole number (got {value!r})"),
    "err.stale_setting": ("未保存：{keys}在您打开页面后已被他人修改",
                          "nothing saved: {keys_en} changed after you opened the page"),
    # ---------------------------------------------------------------- shared wording
    "supervision.level.none": ("未督办", "Not supervised"),
    "entity.notice": ("督办通知", "notice"),
    "entity.notice_response": ("督办回复", "response"),
    "entity.inspection": ("督察", "inspection"),
    "entity.item": ("整改任务", "item"),
    "err.no_record": ("{entity}不存在（编号 {id}）", "{entity_en} {id} does not exist"),
    "err.stale_record": ("该{entity}已被他人修改，未保存（{detail}）",
                         "the {entity_en} changed since you opened it; nothing saved ({detail})"),
    "reason.name.overdue": ("逾期", "Overdue"),
    "reason.name.stale": ("长期无进展", "No progress"),
    "reason.name.bounced": ("多次验收不通过", "Failed verification"),
    "reason.name.old": ("交办时间长", "Open long"),
    "reason.name.extended": ("多次延期", "Extended"),
    "reason.name.interview": ("约谈整改方案逾期", "Interview plan late"),
    "timeline.supervision_escalated": ("督办升级：{from_level} → {to_level}（{doc}）",
                                       "Supervision raised: {from_level_en} → {to_level_en} ({doc})"),
    "timeline.supervision_response": ("{unit}回复督办通知（{doc}）", "{unit} answered notice {doc}"),
    "timeline.supervision_response_late": ("{unit}逾期回复督办通知（{doc}）",
                                           "{unit} answered notice {doc} late"),
    "export.flagged_title": ("久拖不决问题清单", "Long-unresolved items"),
    "export.flagged_subtitle": ("数据截至 {today}，共 {count} 项，按严重程度排序；筛选：{filters}",
                                "As of {today}, {count} items by severity; filter: {filters}"),
}
