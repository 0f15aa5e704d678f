"""The account actions of 用户管理: disable/enable, reset password, role and scope, sign out
everywhere, unlock. Each calls core.access.accounts with the version the admin saw; a refusal is
explained field by field, wholly in the user's language (`show_refusal`), and what was typed
stays; a success is flashed after a rerun and clears the form (`clear`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import streamlit as st

from core.access import accounts
from core.access.permissions import Actor
from core.access.users import UserRow
from core.domain import Role
from core.errors import FieldProblem, LedgerError, ValidationFailed
from core.messages import problem_text
from core.reference_data import DistrictRef, UnitRef
from ui.common import db, label, lang, t
from ui.forms import flash, show_error
from ui.text import plain


def problem_lines(problems: list[FieldProblem], fields: dict[str, str] | None = None) -> list[str]:
    """"**field**：message" per problem, both in the session's language. `fields` maps a column
    core named by its Chinese label to the catalogue key of that label (for core that carries no
    keys, e.g. the kiosk tokens)."""
    lines = []
    for p in problems:
        name, message = problem_text(p, lang())
        if not p.field_key and fields and p.column in fields:
            name = t(fields[p.column])
        lines.append(t("form.problem_line", field=plain(name), message=plain(message)))
    return lines


def show_refusal(exc: LedgerError, fields: dict[str, str] | None = None) -> None:
    """A refused write explained: each bad field in the user's language, else as ui.forms does."""
    if isinstance(exc, ValidationFailed):
        st.error(t("form.invalid") + "\n\n" + "\n".join(problem_lines(exc.problems, fields)),
                 icon=":material/error:")
    else:
        show_error(exc)


def attempt(write: Callable[[], object], fields: dict[str, str] | None = None) -> bool:
    """Run a core write; True if it went through, else its refusal is shown and False."""
    try:
        write()
    except LedgerError as exc:
        show_refusal(exc, fields)
        return False
    return True


def generation(form: str) -> int:
    """A number in a form's widget keys: a refused submit leaves it (what was typed stays, to be
    corrected); `clear` after a success moves it on, so the form starts empty."""
    return st.session_state.get(f"form_gen:{form}", 0)


def clear(form: str) -> None:
    st.session_state[f"form_gen:{form}"] = generation(form) + 1


def field_key(form: str, name: str) -> str:
    """A field's widget key in its form's current generation (the plain name in the first)."""
    gen = generation(form)
    return f"{name}_{gen}" if gen else name


def _done(write: Callable, message: str, *, form: str | None = None) -> None:
    def run() -> None:
        with db() as session:
            write(session)
    if attempt(run):
        if form:
            clear(form)
        flash(message)
        st.rerun()


def _status(actor: Actor, row: UserRow) -> None:
    state = t("users.state.active") if row.is_active else t("users.state.disabled")
    if row.locked_until:
        state += " · " + t("users.state.locked", until=f"{row.locked_until:%H:%M}")
    st.caption(t("users.current", name=plain(row.display_name), role=label(row.role), state=state))
    left, middle, right = st.columns(3)
    toggle = "users.enable" if not row.is_active else "users.disable"
    if left.button(t(toggle), key="toggle_active"):
        _done(lambda s: accounts.set_active(s, actor=actor, user_id=row.id, active=not row.is_active,
                                            expected_version=row.version, now=datetime.now()),
              t("users.done", username=row.username))
    if middle.button(t("users.sign_out_everywhere"), key="sign_out_everywhere",
                     help=t("users.sign_out_everywhere_help")):
        _done(lambda s: accounts.sign_out_everywhere(s, actor=actor, user_id=row.id, now=datetime.now()),
              t("users.done", username=row.username))
    if row.locked_until and right.button(t("users.unlock"), key="unlock"):
        _done(lambda s: accounts.unlock(s, actor=actor, username=row.username, now=datetime.now()),
              t("users.done", username=row.username))


def _password(actor: Actor, row: UserRow) -> None:
    with st.form("reset_form"):
        password = st.text_input(t("users.new_password"), type="password",
                                 key=field_key("reset", "reset_password"))
        if st.form_submit_button(t("users.reset_submit")):
            _done(lambda s: accounts.reset_password(s, actor=actor, user_id=row.id, password=password,
                                                    expected_version=row.version, now=datetime.now()),
                  t("users.done", username=row.username), form="reset")


def _role(actor: Actor, row: UserRow, units: list[UnitRef], districts: list[DistrictRef]) -> None:
    unit_names = {u.id: u.short_name for u in units}
    district_names = {d.id: d.name for d in districts}
    with st.form("role_form"):
        c1, c2, c3 = st.columns(3)
        role = c1.selectbox(t("users.role"), list(Role), index=list(Role).index(row.role),
                            format_func=label, key="change_role")
        unit_id = c2.selectbox(t("users.unit"), [None, *unit_names], key="change_unit",
                               index=([None, *unit_names].index(row.unit_id)
                                      if row.unit_id in unit_names else 0),
                               format_func=lambda i: t("users.none") if i is None else unit_names[i])
        district_id = c3.selectbox(t("users.district"), [None, *district_names], key="change_district",
                                   index=([None, *district_names].index(row.district_id)
                                          if row.district_id in district_names else 0),
                                   format_func=lambda i: t("users.none") if i is None else district_names[i])
        if st.form_submit_button(t("users.role_submit")):
            _done(lambda s: accounts.change_role(s, actor=actor, user_id=row.id, role=role, unit_id=unit_id,
                                                 district_id=district_id, expected_version=row.version,
                                                 now=datetime.now()),
                  t("users.done", username=row.username))


def manage(actor: Actor, rows: list[UserRow], units: list[UnitRef], districts: list[DistrictRef]) -> None:
    """Pick an account, then act on it; every action ends the account's open sessions."""
    st.subheader(t("users.manage"))
    st.caption(t("users.manage_intro"))
    by_id = {r.id: r for r in rows}
    chosen = st.selectbox(t("users.pick"), list(by_id), index=None, key="manage_user",
                          format_func=lambda i: f"{by_id[i].username} · {by_id[i].display_name}",
                          placeholder=t("users.pick_placeholder"))
    if chosen is None:
        return
    row = by_id[chosen]
    _status(actor, row)
    left, right = st.columns([1, 2])
    with left:
        _password(actor, row)
    with right:
        _role(actor, row, units, districts)
