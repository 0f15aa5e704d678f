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


PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/overview.py", "nav.overview", ":material/dashboard:", ALL_ROLES, "nav.group.ledger"),
    PageSpec("pages/ledger.py", "nav.ledger", ":material/table_view:", ALL_ROLES, "nav.group.ledger"),
    PageSpec("pages/big_screen.py", "nav.big_screen", ":material/tv:",
             frozenset({Role.LEADER, Role.COORDINATOR, Role.ADMIN, Role.VIEWER}), "nav.group.ledger",
             url_path="big-screen"),
    PageSpec("pages/district_map.py", "nav.district_map", ":material/map:",
             frozenset({Role.COORDINATOR, Role.ADMIN, Role.LEADER}), "nav.group.ledger"),
    PageSpec("pages/users.py", "nav.users", ":material/manage_accounts:", frozenset({Role.ADMIN}),
             "nav.group.admin"),
    PageSpec("pages/kiosk_tokens.py", "nav.kiosk_tokens", ":material/key:", frozenset({Role.ADMIN}),
             "nav.group.admin"),
)


def page_paths_for(role: Role) -> list[str]:
    """Paths of the pages this role may open, the first being its landing page."""
    return [p.path for p in PAGES if role in p.roles]


def navigation_for(role: Role):
    """st.navigation grouped by section, listing only the role's pages."""
    sections: dict[str, list] = {}
    for spec in PAGES:
        if role in spec.roles:
            sections.setdefault(t(spec.group_key), []).append(
                st.Page(spec.path, title=t(spec.title_key), icon=spec.icon, url_path=spec.url_path))
    return st.navigation(sections)
