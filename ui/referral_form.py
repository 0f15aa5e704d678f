"""The referral form (移送书 fields): recording a new referral, opened from the list or from an
item in one step (that item picked already), and amending one before or after a return. Core
checks everything again (core.referrals.form.validate) and names each bad field."""

from __future__ import annotations

from datetime import date

import streamlit as st

from core.access.permissions import Actor
from core.domain import ReferralKind, UnitKind
from core.errors import LedgerError
from core.ledger.evidence import TYPES
from core.reference_data import UnitRef, list_units
from core.referrals import sender
from core.referrals.query import ItemChoice, item_choices
from core.referrals.states import KIND_UNITS
from ui.common import db, label, settings, t
from ui.forms import flash, joined, show_error
from ui.item_views import evidence_store
from ui.referral_views import kind_text, open_referral
from ui.uploads import file_uploader

NEW = "ref_new"          # widget-key prefix of the new-referral form
TEXTS = ("doc_no", "party", "cause", "facts", "legal_basis", "contact")


def _item_label(choice: ItemChoice) -> str:
    where = choice.district or t("district.citywide")
    return f"{choice.code} · {where} · {choice.description[:28]} · {label(choice.status)}"


def pick_items(actor: Actor, prefix: str, preset: list[int]) -> list[int]:
    """Items found by 编号 or 问题描述, kept once picked; `preset` picked on first display."""
    key = f"{prefix}_items"
    st.session_state.setdefault(key, list(preset))
    search = st.text_input(t("referrals.form.search"), key=f"{prefix}_search",
                           placeholder=t("referrals.form.search_hint"))
    with db() as session:
        choices = item_choices(session, actor=actor, search=search,
                               keep=tuple(st.session_state[key]))
    names = {c.id: _item_label(c) for c in choices}
    return st.multiselect(t("referral.field.item_ids"), list(names), format_func=names.get,
                          key=key, placeholder=t("referrals.form.pick_items"))


def _units() -> list[UnitRef]:
    with db() as session:
        return list_units(session)


def receivers(units: list[UnitRef], kind: ReferralKind) -> dict[int, str]:
    """The units a referral of this kind may go to (core.referrals.states.KIND_UNITS)."""
    return {u.id: u.name for u in units if u.kind in KIND_UNITS[kind]}


def _index(options: list, value) -> int | None:
    return options.index(value) if value in options else None


def case_fields(prefix: str, kind: ReferralKind, defaults: dict) -> dict:
    """The 移送书's widgets (inside a form), pre-filled from `defaults`; returns their values."""
    units = _units()
    senders = {u.id: u.name for u in units}
    office = next((u.id for u in units if u.kind is UnitKind.OFFICE), None)
    to_units = receivers(units, kind)
    c1, c2 = st.columns(2)
    values = {
        "from_unit_id": c1.selectbox(t("referral.field.from_unit_id"), list(senders),
                                     index=_index(list(senders), defaults.get("from_unit_id", office)),
                                     format_func=senders.get, key=f"{prefix}_from",
                                     placeholder=t("action.pick_unit")),
        "to_unit_id": c2.selectbox(t("referral.field.to_unit_id"), list(to_units),
                                   index=_index(list(to_units), defaults.get("to_unit_id")),
                                   format_func=to_units.get, key=f"{prefix}_to_{kind.value}",
                                   placeholder=t("action.pick_unit")),
        "doc_no": c1.text_input(t("referral.field.doc_no"), value=defaults.get("doc_no") or "",
                                key=f"{prefix}_doc_no"),
        "party": c2.text_input(t("referral.field.party"), value=defaults.get("party") or "",
                               key=f"{prefix}_party"),
        "cause": st.text_input(t("referral.field.cause"), value=defaults.get("cause") or "",
                               key=f"{prefix}_cause"),
        "facts": st.text_area(t("referral.field.facts"), value=defaults.get("facts") or "",
                              key=f"{prefix}_facts", height=100),
        "legal_basis": st.text_input(t("referral.field.legal_basis"),
                                     value=defaults.get("legal_basis") or "", key=f"{prefix}_basis"),
        "materials": st.text_area(t("referral.field.materials"),
                                  value="\n".join(defaults.get("materials") or []),
                                  help=t("referrals.form.materials_help"), key=f"{prefix}_materials"),
        "contact": st.text_input(t("referral.field.contact"), value=defaults.get("contact") or "",
                                 key=f"{prefix}_contact"),
    }
    return {"kind": kind.value, **values}


def material_files(prefix: str) -> list[tuple[str, bytes]]:
    files = file_uploader(t("referrals.form.files", mb=f"{settings().evidence_max_mb:g}"),
                          help=t("action.file_types", types=joined(sorted(TYPES))),
                          accept_multiple_files=True, key=f"{prefix}_files",
                          max_mb=settings().evidence_max_mb)
    return [(f.name, f.getvalue()) for f in files or []]


def _forget_new() -> None:
    for key in [k for k in st.session_state if str(k).startswith(NEW)]:
        del st.session_state[key]


def record_form(actor: Actor, preset_item: int | None) -> None:
    """The new-referral form; on success the new referral's page opens."""
    if st.session_state.get(f"{NEW}_preset") != preset_item:   # opened from another item
        _forget_new()
        st.session_state[f"{NEW}_preset"] = preset_item
    kind = ReferralKind(st.selectbox(t("referral.field.kind"), list(ReferralKind),
                                     format_func=kind_text, key=f"{NEW}_kind"))
    items = pick_items(actor, NEW, [preset_item] if preset_item else [])
    with st.form(f"{NEW}_form", border=True):
        values = case_fields(NEW, kind, {})
        files = material_files(NEW)
        c1, c2 = st.columns(2)
        send_now = c1.checkbox(t("referrals.form.send_now"), value=True, key=f"{NEW}_send_now")
        sent_on = c2.date_input(t("referral.field.sent_on"), value=date.today(),
                                max_value=date.today(), key=f"{NEW}_sent_on")
        if st.form_submit_button(t("referrals.form.submit"), type="primary", icon=":material/send:"):
            _record(actor, {**values, "item_ids": items, "sent_on": sent_on if send_now else None},
                    files)


def _record(actor: Actor, values: dict, files: list) -> None:
    try:
        with db() as session:
            referral = sender.record_referral(session, actor=actor, values=values, attachments=files,
                                              store=evidence_store())
            referral_id, code = referral.id, referral.code
    except LedgerError as exc:
        show_error(exc)
        return
    _forget_new()
    flash(t("referrals.recorded", code=code))
    open_referral(referral_id)
