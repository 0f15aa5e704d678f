"""Where a referral opens: its page (?id=), loaded afresh. Kept apart from ui.referral_views so
that the item page and 我的待办 can link to referrals without importing the referral views."""

from __future__ import annotations

import streamlit as st

from ui.forms import forget_version

PAGE = "pages/referrals.py"
SCOPE = "referral"      # ui.forms seen-version scope of the referral page


def open_referral(referral_id: int) -> None:
    """Go to the referral's page, loading it afresh (the version shown becomes the one seen)."""
    forget_version(SCOPE, referral_id)
    st.switch_page(PAGE, query_params={"id": str(referral_id)})


def new_referral_from_item(item_id: int) -> None:
    """Start a new referral with this item picked already (one step from the item's page)."""
    st.switch_page(PAGE, query_params={"new": "1", "item": str(item_id)})


def referral_id_param() -> int | None:
    """The referral id in the page's URL (?id=…), or None if absent or not a number."""
    raw = st.query_params.get("id")
    return int(raw) if raw and raw.isdigit() else None
