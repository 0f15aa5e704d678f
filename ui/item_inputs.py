"""Widgets of the new/edit item form, returning values as core takes them: the keys of
core.ledger.item_form.FIELDS for a new item (core.ledger.items.create_item), of
core.ledger.items.EDITABLE for an edit (core.ledger.items.update_item). Checks are core's; this
module only lays the fields out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import streamlit as st

from core.domain import Category, ItemType, Stage, SupervisionLevel
from core.ledger.query import inspection_choices
from core.reference_data import list_districts, list_units
from ui.common import db, label, t

CITYWIDE = -1   # widget stand-in for "全市" (district None)
TEXT_AREAS = ("description", "target", "measures", "delay_reason")
# What an edit may change (core.ledger.items.EDITABLE), in the order the form shows them.
EDIT_FIELDS = ("description", "category", "township", "responsible_leader", "responsible_person",
               "contact_phone", "target", "measures", "deadline", "stage", "supervision_level",
               "plan_url", "plan_published_on", "delay_reason")
Key = Callable[[str], str]


@dataclass(frozen=True)
class Choices:
    inspections: dict[int, str]
    districts: dict[int, str]
    units: dict[int, str]


def load_choices() -> Choices:
    with db() as session:
        return Choices(dict(inspection_choices(session)),
                       {d.id: d.name for d in list_districts(session)},
                       {u.id: u.short_name for u in list_units(session)})


def _label(field: str, required: bool = False) -> str:
    text = t(f"item.field.{field}")
    return t("item_form.required", label=text) if required else text


def _text(field: str, seen: dict, k: Key, *, required: bool = False, help: str | None = None) -> str:
    widget = st.text_area if field in TEXT_AREAS else st.text_input
    extra = {"height": 100} if field in TEXT_AREAS else {}
    return widget(_label(field, required), value=seen.get(field) or "", key=k(field), help=help, **extra)


def _enum(field: str, enum: type[StrEnum], seen: dict, k: Key, *, required: bool = False,
          help: str | None = None):
    options = list(enum)
    current = seen.get(field)
    return st.selectbox(_label(field, required), options, key=k(field), help=help,
                        index=options.index(enum(current)) if current else None,
                        format_func=label, placeholder=t("item_form.choose"))


def _supervision_level(seen: dict, k: Key) -> SupervisionLevel | None:
    """督办级别, "未督办" (None) first: an item is supervised once a notice is issued."""
    options = [None, *SupervisionLevel]
    current = seen.get("supervision_level")
    return st.selectbox(_label("supervision_level"), options, key=k("supervision_level"),
                        index=options.index(SupervisionLevel(current) if current else None),
                        format_func=lambda v: t("supervision.level.none") if v is None else label(v))


def _pick(field: str, options: dict, k: Key, *, required: bool = False):
    return st.selectbox(_label(field, required), list(options), index=None, key=k(field),
                        format_func=options.get, placeholder=t("item_form.choose"))


def _section(name: str) -> None:
    st.markdown(f"##### {t('item_form.section.' + name)}")


def _source(ch: Choices, k: Key) -> dict:
    _section("source")
    c1, c2, c3 = st.columns(3)
    with c1:
        inspection = _pick("inspection_id", ch.inspections, k, required=True)
        code = st.text_input(_label("code"), key=k("code"), help=t("item_form.code_help"))
    with c2:
        item_type = _enum("item_type", ItemType, {}, k, required=True)
        seq = st.number_input(_label("seq"), min_value=1, step=1, value=None, key=k("seq"))
    with c3:
        district = _pick("district_id", {CITYWIDE: t("district.citywide"), **ch.districts}, k)
        township = _text("township", {}, k)
    lon, lat = st.columns(2)
    return {"inspection_id": inspection, "item_type": item_type, "code": code, "seq": seq,
            "district_id": None if district in (None, CITYWIDE) else district, "township": township,
            "lon": lon.number_input(_label("lon"), value=None, format="%.6f", key=k("lon")),
            "lat": lat.number_input(_label("lat"), value=None, format="%.6f", key=k("lat"))}


def _responsibility(ch: Choices, seen: dict, k: Key, *, units: bool) -> dict:
    _section("responsibility")
    values = {}
    if units:
        lead, *lists = st.columns(3)
        with lead:
            values["lead_unit_id"] = _pick("lead_unit_id", ch.units, k, required=True)
        for column, field in zip(lists, ("responsible_unit_ids", "cooperating_unit_ids"), strict=True):
            values[field] = column.multiselect(_label(field), list(ch.units), format_func=ch.units.get,
                                               key=k(field), placeholder=t("item_form.none"))
    c1, c2, c3 = st.columns(3)
    for column, field in zip((c1, c2, c3), ("responsible_leader", "responsible_person",
                                            "contact_phone"), strict=True):
        with column:
            values[field] = _text(field, seen, k)
    return values


def _plan(seen: dict, k: Key, *, editing: bool) -> dict:
    _section("plan")
    values = {"target": _text("target", seen, k), "measures": _text("measures", seen, k)}
    c1, c2, c3 = st.columns(3)
    with c1:
        values["deadline"] = _text("deadline", seen, k, required=True, help=t("item_form.deadline_help"))
    with c2:
        values["stage"] = _enum("stage", Stage, seen, k, help=t("item_form.stage_help"))
    with c3:
        values["supervision_level"] = _supervision_level(seen, k)
    c1, c2 = st.columns([2, 1])
    with c1:
        values["plan_url"] = _text("plan_url", seen, k)
    values["plan_published_on"] = c2.date_input(_label("plan_published_on"),
                                                value=seen.get("plan_published_on"),
                                                max_value=date.today(), key=k("plan_published_on"))
    if editing:
        values["delay_reason"] = _text("delay_reason", seen, k)
    return values


def _problem(seen: dict, k: Key) -> dict:
    _section("problem")
    return {"category": _enum("category", Category, seen, k, required=True),
            "description": _text("description", seen, k, required=True)}


def new_item_values(ch: Choices, k: Key) -> dict:
    """Every field of a new item (keys as core.ledger.item_form.FIELDS), as entered."""
    values = _source(ch, k)
    values.update(_problem({}, k))
    values.update(_responsibility(ch, {}, k, units=True))
    values.update(_plan({}, k, editing=False))
    return values


def edit_values(seen: dict, k: Key) -> dict:
    """The editable fields (core.ledger.items.EDITABLE), starting from what the user saw."""
    values = _problem(seen, k)
    values["township"] = _text("township", seen, k)
    values.update(_responsibility(Choices({}, {}, {}), seen, k, units=False))
    values.update(_plan(seen, k, editing=True))
    return values


def item_values(fields: dict) -> dict:
    """What the edit form shows for an item's stored columns (ItemDetail.fields)."""
    values = {f: fields.get(f) for f in EDIT_FIELDS if f != "deadline"}
    values["deadline"] = fields.get("deadline_text")
    return {k: v.value if isinstance(v, StrEnum) else v for k, v in values.items()}


def _norm(value):
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, str):
        return value.strip() or None
    return value


def edited(seen: dict, now: dict) -> dict:
    """Only the fields the user changed from what they saw (text trimmed, empty as None)."""
    return {k: _norm(v) for k, v in now.items() if _norm(v) != _norm(seen.get(k))}
