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


OFFICE = frozenset({Role.COORDINATOR, Role.ADMIN, Role.LEADER})
EDITORS = frozenset({Role.COORDINATOR, Role.ADMIN})
ADMIN = frozenset({Role.ADMIN})
TODO_PAGE = "pages/my_actions.py"

# In menu order; a group's pages sit together, the groups in the order of their first page.
PAGES: tuple[PageSpec, ...] = (
    # 台账: the everyday ledger (core.ledger, core.excel)
    PageSpec("pages/my_actions.py", "nav.my_actions", ":material/checklist:",
             frozenset({Role.COORDINATOR, Role.UNIT, Role.ADMIN}), "nav.group.ledger",
             url_path="my-actions", landing=frozenset({Role.COORDINATOR, Role.UNIT})),
    PageSpec("pages/overview.py", "nav.overview", ":material/dashboard:", ALL_ROLES, "nav.group.ledger"),
    PageSpec("pages/ledger.py", "nav.ledger", ":material/table_view:", ALL_ROLES, "nav.group.ledger"),
    PageSpec("pages/item.py", "nav.item", ":material/description:", ALL_ROLES, "nav.group.ledger",
             url_path="item", visible=False),
    PageSpec("pages/item_print.py", "nav.item_print", ":material/print:", ALL_ROLES, "nav.group.ledger",
             url_path="item-print", visible=False),
    PageSpec("pages/item_form.py", "nav.item_form", ":material/note_add:", EDITORS, "nav.group.ledger",
             url_path="item-form"),
    PageSpec("pages/import_ledger.py", "nav.import_ledger", ":material/upload_file:", EDITORS,
             "nav.group.ledger", url_path="import"),
    # 督办督察 (core.supervision, core.dispatch): unit users answer their notices and report to
    # their rounds; the 久拖不决 list and the inspections are the office's (leaders read them)
    PageSpec("pages/long_unresolved.py", "nav.long_unresolved", ":material/hourglass_bottom:", OFFICE,
             "nav.group.supervision", url_path="long-unresolved"),
    PageSpec("pages/notices.py", "nav.notices", ":material/campaign:", OFFICE | {Role.UNIT},
             "nav.group.supervision", url_path="notices"),
    PageSpec("pages/inspections.py", "nav.inspections", ":material/groups:", OFFICE,
             "nav.group.supervision", url_path="inspections"),
    PageSpec("pages/dispatch.py", "nav.dispatch", ":material/event_repeat:", ALL_ROLES,
             "nav.group.supervision", url_path="dispatch"),
    # 移送约谈 (core.referrals, core.interviews): receivers of referrals are unit users too
    PageSpec("pages/referrals.py", "nav.referrals", ":material/gavel:", ALL_ROLES,
             "nav.group.referrals", url_path="referrals"),
    PageSpec("pages/interviews.py", "nav.interviews", ":material/record_voice_over:", ALL_ROLES,
             "nav.group.referrals", url_path="interviews"),
    # 大屏地图 (core.screen)
    PageSpec("pages/big_screen.py", "nav.big_screen", ":material/tv:",
             OFFICE | {Role.VIEWER}, "nav.group.screens", url_path="big-screen"),
    PageSpec("pages/district_map.py", "nav.district_map", ":material/map:", OFFICE, "nav.group.screens"),
    # 管理 (core.access, core.calendar, rule settings)
    PageSpec("pages/users.py", "nav.users", ":material/manage_accounts:", ADMIN, "nav.group.admin"),
    PageSpec("pages/kiosk_tokens.py", "nav.kiosk_tokens", ":material/key:", ADMIN, "nav.group.admin"),
    PageSpec("pages/holidays.py", "nav.holidays", ":material/calendar_month:", ADMIN, "nav.group.admin",
             url_path="holidays"),
    PageSpec("pages/settings.py", "nav.settings", ":material/tune:", ADMIN, "nav.group.admin",
             url_path="settings"),
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


def page_title(spec: PageSpec, todo: int | None = None) -> str:
    """The page's menu title; 我的待办 carries how many things wait (when there are any)."""
    if spec.path == TODO_PAGE and todo:
        return t("nav.my_actions_count", n=todo)
    return t(spec.title_key)


def navigation_for(role: Role, *, todo: int | None = None):
    """st.navigation grouped by section, listing only the role's pages; `todo` is the count
    shown beside 我的待办 (ui.todo_count)."""
    sections: dict[str, list] = {}
    first = landing_page(role).path
    for spec in PAGES:
        if role in spec.roles:
            sections.setdefault(t(spec.group_key), []).append(
                st.Page(spec.path, title=page_title(spec, todo), icon=spec.icon, url_path=spec.url_path,
                        default=spec.path == first,
                        visibility="visible" if spec.visible else "hidden"))
    return st.navigation(sections, expanded=True)   # every page listed, no "View more"
