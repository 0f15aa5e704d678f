"""The rule settings form: one text field per declared setting (db/rules_defaults.py RULE_SPECS),
labelled with its meaning, unit and allowed range; core checks every value. The versions the page
showed are kept until a save succeeds or the admin reloads, so a colleague's save in between is
refused (core.errors.StaleEdit) instead of overwritten."""

from __future__ import annotations

import streamlit as st

from core.i18n import CATALOGUE
from core.supervision.rule_settings import RuleSetting, list_rule_settings, save_rule_settings
from ui.common import current_actor, db, t
from ui.forms import attempt, flash, joined

SEEN_KEY = "settings_seen"        # key → (version, value) as first shown
GEN_KEY = "settings_gen"          # bumped after a save or reload: the fields start afresh


def setting_label(key: str) -> str:
    """The setting's name (its key if the catalogue has none yet)."""
    return t(f"setting.{key}") if f"setting.{key}" in CATALOGUE else key


def setting_help(row: RuleSetting) -> str:
    key = f"setting.{row.key}.help"
    return t(key) if key in CATALOGUE else row.spec.help


def load_settings() -> list[RuleSetting]:
    with db() as session:
        return list_rule_settings(session, actor=current_actor())


def seen(rows: list[RuleSetting]) -> dict[str, tuple[int, str]]:
    """What the form showed first, per key: (version, value as text)."""
    return st.session_state.setdefault(SEEN_KEY, {r.key: (r.version, str(r.value)) for r in rows})


def reload() -> None:
    st.session_state.pop(SEEN_KEY, None)
    st.session_state[GEN_KEY] = st.session_state.get(GEN_KEY, 0) + 1


# Labels that already name their unit ("移送公安反馈期限（工作日）"): the field's title names it again
# with the range, so it is said once ("…反馈期限（个工作日，3–120）").
UNIT_SUFFIXES = ("（工作日）", " (working days)")


def _without_unit(text: str) -> str:
    for suffix in UNIT_SUFFIXES:
        text = text.removesuffix(suffix)
    return text


def _field(row: RuleSetting, shown: str) -> str:
    unit = t(f"setting.unit.{row.spec.unit}") if f"setting.unit.{row.spec.unit}" in CATALOGUE \
        else row.spec.unit
    title = t("settings.col.value", label=_without_unit(setting_label(row.key)), unit=unit,
              low=row.spec.low, high=row.spec.high)
    note = t("settings.default", value=row.spec.default)
    if row.updated_at and row.version:
        note += " · " + t("settings.changed_by", when=f"{row.updated_at:%Y-%m-%d %H:%M}")
    gen = st.session_state.get(GEN_KEY, 0)
    value = st.text_input(title, value=shown, key=f"setting_{row.key}_{gen}", help=setting_help(row))
    st.caption(note)
    return value


def settings_form(rows: list[RuleSetting]) -> None:
    """The form; on submit the changed values go to core with the versions the page showed."""
    shown = seen(rows)
    with st.form("rule_settings"):
        cols = st.columns(2)
        entered = {}
        for i, row in enumerate(rows):
            with cols[i % 2]:
                entered[row.key] = _field(row, shown.get(row.key, (row.version, str(row.value)))[1])
        submitted = st.form_submit_button(t("settings.save"), type="primary", icon=":material/save:")
    if not submitted:
        return
    changed = {k: v for k, v in entered.items() if v.strip() != shown.get(k, (0, ""))[1]}
    if not changed:
        st.info(t("settings.nothing"))
        return
    versions = {k: shown.get(k, (0, ""))[0] for k in changed}

    def save() -> None:
        with db() as session:
            save_rule_settings(session, actor=current_actor(), values=changed, seen_versions=versions)

    if attempt(save):
        flash(t("settings.saved", keys=joined(setting_label(k) for k in changed)))
        reload()
        st.rerun()



