"""What a referral's state means (docs/domain.md, Referrals): which states await the receiver's
answer, which are open, which kinds are filed, which units may receive which kind, and the one
definition of "feedback overdue" in SQL and in Python. Imports nothing but the domain and models,
so the ledger's queue, timeline and big screen can read it.

"Feedback" is the receiver's answer on the referral: the filing decision (立案 / 不予立案) where the
kind files a case, the handling result (办结) where it does not, or a refusal (不予受理) or a return
(退回) at any kind. It is overdue on a day after its due date (the due day itself is not overdue)
while the referral is still 已移送, 已签收 or 已受理.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_

from core.domain import ReferralKind, ReferralStatus, UnitKind
from db.models import Referral

S = ReferralStatus
K = ReferralKind

# The receiver has not answered yet (the feedback due date runs).
AWAITING_FEEDBACK = (S.SENT, S.RECEIVED, S.ACCEPTED)
# In the receiver's hands: sent and neither answered negatively, returned nor concluded.
OPEN = (S.SENT, S.RECEIVED, S.ACCEPTED, S.FILED)
# States in which the receiver still has a step to take (its 我的待办).
RECEIVER_TODO = OPEN
# Closed for good: nothing more is recorded except the publication of a result.
FINAL = (S.REFUSED, S.NOT_FILED, S.CONCLUDED)
# The order of the flow, for lists and charts.
FLOW_ORDER = (S.PENDING, S.SENT, S.RECEIVED, S.ACCEPTED, S.FILED, S.CONCLUDED, S.REFUSED,
              S.NOT_FILED, S.RETURNED)

# Kinds whose receiver decides whether to open a case (立案) before concluding it; 司法局 and
# industry departments answer with the handling result itself.
FILING_KINDS = (K.POLICE, K.PROCURATORATE, K.COURT, K.DISCIPLINE)

# The units a referral of each kind may be addressed to.
KIND_UNITS: dict[ReferralKind, tuple[UnitKind, ...]] = {
    K.POLICE: (UnitKind.PUBLIC_SECURITY,),
    K.PROCURATORATE: (UnitKind.PROCURATORATE,),
    K.COURT: (UnitKind.COURT,),
    K.JUSTICE: (UnitKind.JUSTICE,),
    K.DISCIPLINE: (UnitKind.DISCIPLINE, UnitKind.ORGANISATION),
    K.DEPARTMENT: (UnitKind.MUNICIPAL_DEPT, UnitKind.DISTRICT_DEPT, UnitKind.DISTRICT_GOV),
}


def feedback_overdue_condition(today: date):
    """SQL condition: the referral's feedback is overdue on `today` (see module docstring)."""
    return and_(Referral.status.in_(AWAITING_FEEDBACK), Referral.feedback_due_on < today)


def days_feedback_overdue(due_on: date | None, *, status: ReferralStatus | str, today: date) -> int:
    """Whole days the feedback is late on `today` under the same rule (0 when not overdue)."""
    if due_on is None or ReferralStatus(status) not in AWAITING_FEEDBACK:
        return 0
    return max(0, (today - due_on).days)


def uncovered(text: str | None) -> tuple[int, ...]:
    """The years of a stored `feedback_uncovered_years` ("2027,2028"), as numbers."""
    return tuple(int(y) for y in (text or "").split(",") if y.strip())


def uncovered_text(years) -> str | None:
    """What `feedback_uncovered_years` stores for these years (None: none, the date is final)."""
    return ",".join(str(y) for y in sorted(set(years))) or None
