"""The page registry: which role sees which page. `st.navigation` given only these pages is a real
gate (an unlisted page answers "Page not found"); `core` checks every write again."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from core.domain import Role
from ui.common import t

ALL_ROLES = frozenset(Role)


@dataclass(frozen=True)
class PageSpec:
    path: str
    title_key: str
    icon: str
    roles: frozenset[Role]
    group_key: str
    url_path: str | None = None   # None: Streamlit derives it from the file name
    visible: bool = True          # False: reachable by link (e.g. an item's page), not in the menu
    landing: frozenset[Role] = frozenset()  # roles that land here (others: first page without)


PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/my_actions.py", "nav.my_actions", ":material/checklist:",
             frozenset({Role.COORDINATOR, Role.UNIT, Role.ADMIN}), "nav.group.ledger",
             url_path="my-actions", landing=frozenset({Role.COORDINATOR, Role.UNIT})),
    PageSpec("pages/overview.py", "nav.overview", ":material/dashboard:", ALL_ROLES, "nav.group.ledger"),
    PageSpec("pages/ledger.py", "nav.ledger", ":material/table_view:", ALL_ROLES, "nav.group.ledger"),
    PageSpec("pages/item.py", "nav.item", ":material/description:", ALL_ROLES, "nav.group.ledger",
             url_path="item", visible=False),
    PageSpec("pages/item_form.py", "nav.item_form", ":material/note_add:",
             frozenset({Role.COORDINATOR, Role.ADMIN}), "nav.group.ledger", url_path="item-form"),
    PageSpec("pages/import_ledger.py", "nav.import_ledger", ":material/upload_file:",
             frozenset({Role.COORDINATOR, Role.ADMIN}), "nav.group.ledger", url_path="import"),
    PageSpec("pages/referrals.py", "nav.referrals", ":material/gavel:", ALL_ROLES, "nav.group.ledger",
             url_path="referrals"),
    PageSpec("pages/big_screen.py", "nav.big_screen", ":material/tv:",
             frozenset({Role.LEADER, Role.COORDINATOR, Role.ADMIN, Role.VIEWER}), "nav.group.ledger",
             url_path="big-screen"),
    PageSpec("pages/district_map.py", "nav.district_map", ":material/map:",
             frozenset({Role.COORDINATOR, Role.ADMIN, Role.LEADER}), "nav.group.ledger"),
    PageSpec("pages/interviews.py", "nav.interviews", ":material/record_voice_over:", ALL_ROLES,
             "nav.group.ledger", url_path="interviews"),
    PageSpec("pages/dispatch.py", "nav.dispatch", ":material/event_repeat:", ALL_ROLES,
             "nav.group.ledger", url_path="dispatch"),
    PageSpec("pages/users.py", "nav.users", ":material/manage_accounts:", frozenset({Role.ADMIN}),
             "nav.group.admin"),
    PageSpec("pages/kiosk_tokens.py", "nav.kiosk_tokens", ":material/key:", frozenset({Role.ADMIN}),
             "nav.group.admin"),
    PageSpec("pages/holidays.py", "nav.holidays", ":material/calendar_month:", frozenset({Role.ADMIN}),
             "nav.group.admin", url_path="holidays"),
    # supervision (core.supervision): unit users answer their notices; the 久拖不决 list and the
    # inspections are the office's (leaders read them)
    PageSpec("pages/long_unresolved.py", "nav.long_unresolved", ":material/hourglass_bottom:",
             frozenset({Role.COORDINATOR, Role.ADMIN, Role.LEADER}), "nav.group.supervision",
             url_path="long-unresolved"),
    PageSpec("pages/notices.py", "nav.notices", ":material/campaign:",
             frozenset({Role.COORDINATOR, Role.ADMIN, Role.LEADER, Role.UNIT}), "nav.group.supervision",
             url_path="notices"),
    PageSpec("pages/inspections.py", "nav.inspections", ":material/groups:",
             frozenset({Role.COORDINATOR, Role.ADMIN, Role.LEADER}), "nav.group.supervision",
             url_path="inspections"),
    PageSpec("pages/settings.py", "nav.settings", ":material/tune:", frozenset({Role.ADMIN}),
             "nav.group.admin", url_path="settings"),
)


def landing_page(role: Role) -> PageSpec:
    """The page a role lands on: one that names the role in `landing`, else its first page
    that names no role there."""
    mine = [p for p in PAGES if role in p.roles]
    return next((p for p in mine if role in p.landing), None) or next(p for p in mine if not p.landing)


def page_paths_for(role: Role) -> list[str]:
    """Paths of the pages this role may open, the first being its landing page."""
    first = landing_page(role).path
    return [first] + [p.path for p in PAGES if role in p.roles and p.path != first]


def navigation_for(role: Role):
    """st.navigation grouped by section, listing only the role's pages."""
    sections: dict[str, list] = {}
    first = landing_page(role).path
    for spec in PAGES:
        if role in spec.roles:
            sections.setdefault(t(spec.group_key), []).append(
                st.Page(spec.path, title=t(spec.title_key), icon=spec.icon, url_path=spec.url_path,
                        default=spec.path == first,
                        visibility="visible" if spec.visible else "hidden"))
    return st.navigation(sections, expanded=True)   # every page listed, no "View more"
