"""Default values of the admin-editable rule settings (table `setting`), loaded by migration 0002."""

RULE_SETTINGS: dict[str, tuple[str, str]] = {
    "stale_after_days": ("90", "久拖不决: no progress report for this many days"),
    "old_after_days": ("730", "久拖不决: open this many days since assignment"),
    "bounce_threshold": ("2", "久拖不决: verification failed this many times"),
    "extension_threshold": ("2", "久拖不决: extended (延期) this many times"),
    "due_soon_days": ("7", "我的待办: due within this many days"),
    "big_screen_refresh_seconds": ("60", "Big screen refresh interval in seconds"),
    "interview_plan_workdays": ("15", "约谈: rectification plan due this many working days after"),
}
