"""Referrals (移送移交) end to end: recording, sending and the receiving organ's answer as moves of
one table (`moves.MOVES`), feedback due dates, the 移送书 and 回执, and accountability counts."""

from core.referrals.accountability import Accountability, accountability
from core.referrals.dues import recompute_feedback_dues

__all__ = ["Accountability", "accountability", "recompute_feedback_dues"]
