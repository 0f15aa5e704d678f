"""Interviews (约谈)."""

TEXTS: dict[str, tuple[str, str]] = {
    "status.interview.held": ("已约谈，待报整改方案", "Held, plan awaited"),
    "status.interview.plan": ("整改方案已报送", "Plan submitted"),
    "status.interview.rectifying": ("整改中", "Rectifying"),
    "status.interview.completed": ("整改完成", "Completed"),
    "status.interview.escalated": ("整改不力，已追加措施", "Escalated"),
}
