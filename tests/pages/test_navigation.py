"""Each role sees only its pages; every page renders for every role allowed to open it."""

import pytest

from core.domain import Role
from core.i18n import translate
from tests.factories import make_actor, make_item, unit_id
from ui.nav import PAGES, page_paths_for

CASES = [(spec.path, role) for spec in PAGES for role in Role]


def title(at) -> str:
    return at.title[0].value if at.title else ""


@pytest.mark.parametrize("path, role", CASES)
def test_page_opens_only_for_its_roles(app, session, path, role):
    make_item(session)
    actor = make_actor(session, role, unit_id=unit_id(session, "万州区人民政府"))
    session.commit()
    at = app(actor)
    at.run()
    spec = next(p for p in PAGES if p.path == path)
    if role not in spec.roles:  # not registered in this role's st.navigation at all
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(path)
        return
    at.switch_page(path).run()
    assert not at.exception
    assert title(at) == translate(spec.title_key.replace("nav.", "") + ".title")


LANDING = {Role.COORDINATOR: ("pages/my_actions.py", "my_actions.title"),
           Role.UNIT: ("pages/my_actions.py", "my_actions.title")}


@pytest.mark.parametrize("role", list(Role))
def test_every_role_lands_on_its_first_page(app, session, role):
    """Coordinators and units land on 我的待办 (what needs them today); the others on the overview."""
    actor = make_actor(session, role, unit_id=unit_id(session, "万州区人民政府"))
    session.commit()
    at = app(actor)
    at.run()
    assert not at.exception
    path, title_key = LANDING.get(role, ("pages/overview.py", "overview.title"))
    assert page_paths_for(role)[0] == path
    assert title(at) == translate(title_key)


def test_english_switch(app, session):
    actor = make_actor(session, Role.VIEWER)
    session.commit()
    at = app(actor)
    at.run()
    at.session_state["lang"] = "en"
    at.run()
    assert title(at) == "Rectification overview"


@pytest.mark.parametrize("param, english", [("en", True), ("zh", False), ("<script>", False), (None, False)])
def test_a_new_session_reads_its_language_from_the_address(app, session, param, english):
    """A reload or a shared link keeps English: `?lang=en` opens the app in English and stays in
    the address; anything else is Chinese and leaves no parameter. (The switch writing it is seen
    in tests/browser/test_language_browser.py: AppTest reruns only the page, not app.py.)"""
    actor = make_actor(session, Role.VIEWER)
    session.commit()
    at = app(actor)
    if param is not None:
        at.query_params["lang"] = param
    at.run()
    assert not at.exception
    assert title(at) == ("Rectification overview" if english else translate("overview.title"))
    assert at.query_params.get("lang") == ("en" if english else None)
