"""The 登记约谈 form and the widgets it shares with the interview page's forms, returning values as
core.interviews.records takes them (keys of core.interviews.form.FIELDS). Checks are core's."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import streamlit as st

from core.access.permissions import Actor
from core.domain import Category, InterviewCircumstance, Stage
from core.interviews.form import INTERVIEWEES, ORGANISERS
from core.interviews.query import PersonRef
from core.interviews.records import record_interview
from core.ledger.evidence import TYPES
from core.ledger.query import inspection_choices
from core.ledger.rules import load_rule_settings
from core.reference_data import list_units
from ui.common import db, label, settings, t
from ui.forms import attempt, flash, form_generation, joined, reset_forms
from ui.interview_views import PAGE, SCOPE, open_interview
from ui.item_views import evidence_store
from ui.uploads import file_uploader

Key = Callable[[str], str]
OFFICE = "市督察办"


@dataclass(frozen=True)
class Choices:
    interviewees: dict[int, str]
    organisers: dict[int, str]
    inspections: dict[int, str]
    plan_workdays: int              # the rule setting: the form's default period

    @classmethod
    def load(cls) -> Choices:
        with db() as session:
            units = list_units(session)
            return cls({u.id: u.short_name for u in units if u.kind in INTERVIEWEES},
                       {u.id: u.short_name for u in units if u.kind in ORGANISERS},
                       dict(inspection_choices(session)),
                       load_rule_settings(session).interview_plan_workdays)


def people_text(people: list[PersonRef]) -> str:
    """The people as the form shows them: one per line, "姓名，职务"."""
    return "\n".join(f"{p.name}，{p.position}" if p.name else p.position for p in people)


def unit_pick(field: str, options: dict[int, str], k: Key, *, current: int | None = None):
    ids = list(options)
    return st.selectbox(t(f"interview.field.{field}"), ids, key=k(field), format_func=options.get,
                        index=ids.index(current) if current in options else None,
                        placeholder=t("item_form.choose"))


def new_item_inputs(ch: Choices, k: Key) -> dict:
    """Related items: existing ones by 编号, new 约谈问题 one per line with what they share."""
    values = {"item_codes": st.text_input(t("interview.field.item_codes"), key=k("item_codes"),
                                          help=t("interviews.item_codes_help"))}
    values["new_items"] = st.text_area(t("interview.field.new_items"), key=k("new_items"), height=80,
                                       help=t("interviews.new_items_help"))
    c1, c2 = st.columns(2)
    values["new_item_category"] = c1.selectbox(t("interview.field.new_item_category"), list(Category),
                                               index=None, format_func=label, key=k("new_category"),
                                               placeholder=t("item_form.choose"))
    values["new_item_deadline"] = c2.text_input(t("interview.field.new_item_deadline"),
                                                key=k("new_deadline"), help=t("item_form.deadline_help"))
    values["new_item_stage"] = c1.selectbox(t("interview.field.new_item_stage"), list(Stage),
                                            format_func=label, key=k("new_stage"))
    values["new_item_inspection_id"] = c2.selectbox(
        t("interview.field.new_item_inspection_id"), list(ch.inspections), index=None,
        format_func=ch.inspections.get, key=k("new_inspection"), placeholder=t("item_form.choose"))
    return values


def _files(k: Key, purpose: str) -> list[tuple[str, bytes]]:
    files = file_uploader(t(f"interviews.upload.{purpose}", mb=f"{settings().evidence_max_mb:g}"),
                          help=t("action.file_types", types=joined(sorted(TYPES))),
                          accept_multiple_files=True, key=k(purpose), max_mb=settings().evidence_max_mb)
    return [(f.name, f.getvalue()) for f in files or []]


def record_inputs(ch: Choices, k: Key) -> tuple[dict, dict]:
    """The whole 登记约谈 form: (values, files by purpose)."""
    st.markdown(f"##### {t('interviews.section.who')}")
    c1, c2 = st.columns(2)
    with c1:
        circumstance = st.selectbox(t("interview.field.circumstance"), list(InterviewCircumstance),
                                    index=None, format_func=label, key=k("circumstance"),
                                    placeholder=t("item_form.choose"))
        unit = unit_pick("interviewee_unit_id", ch.interviewees, k)
        subunit = st.text_input(t("interview.field.interviewee_subunit"), key=k("interviewee_subunit"),
                                help=t("interviews.subunit_help"))
    with c2:
        held = st.date_input(t("interview.field.held_on"), value=date.today(), max_value=date.today(),
                             key=k("held_on"))
        place = st.text_input(t("interview.field.place"), key=k("place"))
        office = next((i for i, n in ch.organisers.items() if n == OFFICE), None)
        organiser = unit_pick("organiser_unit_id", ch.organisers, k, current=office)
    details = st.text_area(t("interview.field.details"), key=k("details"), height=70)
    people = st.text_area(t("interview.field.people"), key=k("people"), height=90,
                          placeholder=t("interviews.people_help"), help=t("interviews.people_help"))
    workdays = st.number_input(t("interview.field.plan_workdays"), 1, 60, value=ch.plan_workdays,
                               key=k("plan_workdays"), help=t("interviews.workdays_help", n=ch.plan_workdays))
    st.markdown(f"##### {t('interviews.section.items')}")
    values = dict(circumstance=circumstance, interviewee_unit_id=unit, interviewee_subunit=subunit,
                  held_on=held, place=place, organiser_unit_id=organiser, details=details,
                  people=people, plan_workdays=int(workdays), **new_item_inputs(ch, k))
    st.markdown(f"##### {t('interviews.section.minutes')}")
    values["minutes"] = st.text_area(t("interview.field.minutes"), key=k("minutes"), height=90)
    files = {p: _files(k, p) for p in ("interview_minutes", "interview_other")}
    return values, files


def record_page(actor: Actor) -> None:
    """登记约谈: the form; once saved, the interview's page with its plan due date."""
    st.title(t("interviews.new_title"))
    st.page_link(PAGE, label=t("interviews.back"), icon=":material/arrow_back:")
    st.caption(t("interviews.new_intro"))
    gen = form_generation(SCOPE, 0)
    with st.form("record_interview"):
        values, uploads = record_inputs(Choices.load(), lambda f: f"ivn_{gen}_{f}")
        submitted = st.form_submit_button(t("interviews.record"), type="primary")
    saved = {}

    def save() -> None:
        with db() as session:
            row = record_interview(session, actor=actor, values=values, attachments=uploads,
                                   store=evidence_store())
            saved.update(id=row.id, code=row.code, due=row.plan_due_on, years=row.plan_due_uncovered)

    if submitted and attempt(save):
        reset_forms(SCOPE, 0)
        key = "interviews.recorded_provisional" if saved["years"] else "interviews.recorded"
        flash(t(key, code=saved["code"], day=saved["due"].isoformat(), years=saved["years"] or ""))
        open_interview(saved["id"])
