"""How referrals read on their page: the filter, the list with overdue feedback standing out, the
flow's figures and chart, and one referral's header, fields, items, steps, files and documents.
Everything here only displays what core returned (core.referrals.query); nothing here writes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pandas as pd
import streamlit as st

from core.access.permissions import Actor
from core.domain import ReferralKind, ReferralStatus, Status
from core.reference_data import list_units
from core.referrals import documents
from core.referrals.documents import DOCX
from core.referrals.query import Flow, ReferralDetail, ReferralFilter, ReferralPage, open_referral_file
from ui import referral_charts
from ui.common import db, label, lang, t
from ui.forms import joined
from ui.item_views import LATE, evidence_store, open_item, size_text
from ui.referral_links import SCOPE, open_referral, referral_id_param  # noqa: F401 - the page's links
from ui.text import plain

PERSIST = "session"
FIRST_YEAR = 2017       # the 2017 rules; nothing is referred before them here
STEP_ICONS = {"record": ":material/edit_note:", "send": ":material/send:", "resend": ":material/send:",
              "amend": ":material/edit:", "remind": ":material/notifications:",
              "escalate": ":material/priority_high:", "receive": ":material/inbox:",
              "return": ":material/undo:", "accept": ":material/how_to_reg:",
              "refuse": ":material/block:", "file": ":material/folder_open:",
              "not_file": ":material/folder_off:", "supervise_filing": ":material/policy:",
              "progress": ":material/trending_up:", "conclude": ":material/task_alt:",
              "publish": ":material/public:", "recompute_due": ":material/event_repeat:"}


def status_text(status: ReferralStatus | str) -> str:
    return t(f"status.referral.{ReferralStatus(status).value}")


def kind_text(kind: ReferralKind | str) -> str:
    return t(f"referral.kind.{ReferralKind(kind).value}")


def due_text(due: date | None, provisional: bool) -> str:
    if due is None:
        return ""
    return due.isoformat() + (t("referrals.provisional_mark") if provisional else "")


# ------------------------------------------------------------------ the list

def _multi(title_key: str, options, key: str, fmt: Callable):
    return tuple(st.multiselect(t(title_key), list(options), format_func=fmt, key=key,
                                placeholder=t("ledger.any"), persist_state=PERSIST))


def _unit_pick(title_key: str, units: dict[int, str], key: str) -> int | None:
    return st.selectbox(t(title_key), [None, *units], key=key, persist_state=PERSIST,
                        format_func=lambda i: t("ledger.any") if i is None else units[i])


def referral_filter(today: date) -> ReferralFilter:
    """The filter widgets (kept for the session) and what they say."""
    with db() as session:
        units = {u.id: u.short_name for u in list_units(session)}
    c1, c2, c3 = st.columns(3)
    with c1:
        from_unit = _unit_pick("referral.field.from_unit_id", units, "ref_from")
        kinds = _multi("referral.field.kind", ReferralKind, "ref_kind", kind_text)
    with c2:
        to_unit = _unit_pick("referral.field.to_unit_id", units, "ref_to")
        statuses = _multi("ledger.status", ReferralStatus, "ref_status", status_text)
    with c3:
        year = st.selectbox(t("referrals.year"), [None, *range(today.year, FIRST_YEAR - 1, -1)],
                            key="ref_year", persist_state=PERSIST,
                            format_func=lambda y: t("ledger.any") if y is None else str(y))
        overdue = st.toggle(t("referrals.overdue_only"), key="ref_overdue", persist_state=PERSIST)
    return ReferralFilter(from_unit_id=from_unit, to_unit_id=to_unit, kinds=kinds,
                          statuses=statuses, overdue_only=overdue, year=year)


def flow_figures(flow: Flow) -> None:
    """What a leader reads first: sent, accepted, filed, concluded, awaiting an answer, overdue."""
    figures = (("sent", flow.total()), ("accepted", flow.accepted), ("filed", flow.filed),
               ("concluded", flow.total("concluded")), ("unanswered", flow.unanswered()),
               ("overdue", flow.total("overdue")))
    for col, (key, value) in zip(st.columns(len(figures)), figures, strict=True):
        col.metric(t(f"referrals.metric.{key}"), f"{value:,}")
    if flow.total("overdue"):
        st.error(t("referrals.overdue_note", n=flow.total("overdue")), icon=":material/alarm:")


def flow_chart(flow: Flow) -> None:
    st.markdown(f"##### {t('referrals.flow.title')}")
    if not flow.total():
        st.caption(t("referrals.flow.empty"))
        return
    st.altair_chart(referral_charts.flow_chart(flow, lang=lang()), theme=None,
                    key="referral_flow_chart")
    st.caption(t("referrals.flow.note"))


def list_frame(page: ReferralPage) -> pd.DataFrame:
    """The list's columns, what matters first: number, state, late feedback, to whom."""
    rows = page.rows
    return pd.DataFrame({
        t("referral.field.code"): [r.code for r in rows],
        t("ledger.status"): [status_text(r.status) for r in rows],
        t("referrals.col.feedback"): [t("referrals.days_late", n=r.days_overdue) if r.days_overdue
                                      else "" for r in rows],
        t("referral.field.to_unit_id"): [r.to_unit for r in rows],
        t("referral.field.kind"): [kind_text(r.kind) for r in rows],
        t("referral.field.cause"): [r.cause for r in rows],
        t("referral.field.sent_on"): [r.sent_on.isoformat() if r.sent_on else "" for r in rows],
        t("referral.field.feedback_due_on"): [due_text(r.feedback_due_on, r.provisional) for r in rows],
        t("referral.field.from_unit_id"): [r.from_unit for r in rows],
        t("referral.field.district"): [r.district or t("district.citywide") for r in rows],
        t("referrals.col.items"): [r.items for r in rows]})


def referral_table(page: ReferralPage) -> int | None:
    """The page of referrals, late feedback in red; the id of a row the user picked."""
    frame = list_frame(page)
    late = t("referrals.col.feedback")
    styled = frame.style.map(lambda v: LATE if v else "", subset=[late])
    picked = st.dataframe(styled, hide_index=True, key="referral_table", on_select="rerun",
                          selection_mode="single-row",
                          column_config={t("referral.field.cause"): st.column_config.TextColumn(
                              width="medium")})
    return page.rows[picked.selection.rows[0]].id if picked.selection.rows else None


# ------------------------------------------------------------------ one referral

def detail_header(detail: ReferralDetail) -> None:
    """Who referred what to whom, its state and due date; late or provisional feedback said."""
    f = detail.fields
    st.markdown(f"**{plain(detail.from_unit.name)}** → **{plain(detail.to_unit.name)}** · "
                f"{kind_text(detail.kind)} · {plain(detail.district or t('district.citywide'))}")
    cols = st.columns(4)
    cols[0].metric(t("ledger.status"), status_text(detail.status))
    cols[1].metric(t("referral.field.sent_on"), f["sent_on"].isoformat() if f["sent_on"] else "—")
    cols[2].metric(t("referral.field.feedback_due_on"),
                   f["feedback_due_on"].isoformat() if f["feedback_due_on"] else "—",
                   delta=t("referrals.provisional_short") if detail.provisional_years else None,
                   delta_color="off", delta_arrow="off")
    cols[3].metric(t("referral.field.receipt_on"), f["receipt_on"].isoformat() if f["receipt_on"] else "—")
    if detail.days_overdue:
        st.error(t("referrals.overdue_banner", n=detail.days_overdue,
                   due=f["feedback_due_on"].isoformat()), icon=":material/alarm:")
    if detail.provisional_years:
        st.warning(t("referrals.provisional", years=joined(detail.provisional_years)),
                   icon=":material/event_busy:")


def documents_row(actor: Actor, detail: ReferralDetail) -> None:
    """The 移送书 and the 回执 as Word documents, each one click (made when clicked)."""
    letter_name, receipt_name = documents.file_names(detail.code, lang())
    c1, c2 = st.columns(2)
    c1.download_button(t("referrals.letter"), data=_document(actor, detail.id, documents.referral_letter),
                       file_name=letter_name, mime=DOCX, icon=":material/description:",
                       key=f"letter_{detail.id}", on_click="ignore", width="stretch")
    c2.download_button(t("referrals.receipt"), data=_document(actor, detail.id, documents.referral_receipt),
                       file_name=receipt_name, mime=DOCX, icon=":material/receipt_long:",
                       key=f"receipt_{detail.id}", on_click="ignore", width="stretch")


def _document(actor: Actor, referral_id: int, build) -> Callable[[], bytes]:
    language = lang()

    def make() -> bytes:
        with db() as session:
            return build(session, actor=actor, referral_id=referral_id, lang=language)
    return make


def _line(key: str, value) -> str:
    shown = plain(str(value)) if value not in (None, "", []) else t("item.none")
    return f"**{t(key)}**：{shown}"


def _case_lines(detail: ReferralDetail) -> list[str]:
    f = detail.fields
    return [_line("referral.field.doc_no", f["doc_no"] or detail.code),
            _line("referral.field.party", f["party"]), _line("referral.field.cause", f["cause"]),
            _line("referral.field.facts", f["facts"]),
            _line("referral.field.legal_basis", f["legal_basis"]),
            _line("referral.field.materials", joined(f["materials"] or [])),
            _line("referral.field.contact", f["contact"])]


def _answer_lines(detail: ReferralDetail) -> list[str]:
    f = detail.fields
    reminded = t("referrals.reminded", n=f["reminded_count"], day=f["last_reminded_on"]) \
        if f["reminded_count"] else None
    return [_line(k, v) for k, v in (
        ("referral.field.returned_reason", f["returned_reason"]),
        ("referral.field.acceptance_reason", f["acceptance_reason"]),
        ("referral.field.filed_on", f["filed_on"]),
        ("referral.field.not_filed_reason", f["not_filed_reason"]),
        ("referral.field.supervised_on", f["supervised_on"]),
        ("referral.field.reminded", reminded),
        ("referral.field.escalated_on", f["escalated_on"])) if v not in (None, "")]


def _outcome_lines(detail: ReferralDetail) -> list[str]:
    """The outcome, with the figures of the referral's kind only (people for the police,
    people held accountable for discipline, a fine for the others)."""
    f, kind = detail.fields, detail.kind
    if not f["concluded_on"]:
        return [t("referrals.no_outcome")]
    published = " ".join(str(v) for v in (f["result_published_on"], f["result_url"]) if v)
    lines = [_line("referral.field.concluded_on", f["concluded_on"]),
             _line("referral.field.outcome", f["outcome"])]
    if kind is ReferralKind.POLICE:
        lines += [t("referrals.people", detained=f["detained"], arrested=f["arrested"],
                    prosecuted=f["prosecuted"]), _line("referral.field.judgment", f["judgment"])]
    if kind is ReferralKind.DISCIPLINE:
        measure = t(f"referral.measure.{f['discipline_measure']}") if f["discipline_measure"] else None
        lines += [_line("referral.field.discipline_measure", measure),
                  t("referrals.ranks", bureau=f["punished_bureau"], division=f["punished_division"],
                    section=f["punished_section"])]
    else:
        lines.append(_line("referral.field.fine_yuan",
                           f"{f['fine_yuan']:,.2f}" if f["fine_yuan"] else None))
    return [*lines, _line("referral.field.result_url", published or None)]


def detail_fields(detail: ReferralDetail) -> None:
    left, right = st.columns(2)
    with left:
        st.markdown(f"##### {t('referrals.section.case')}")
        st.markdown("  \n".join(_case_lines(detail)))
    with right:
        st.markdown(f"##### {t('referrals.section.answer')}")
        st.markdown("  \n".join(_answer_lines(detail)) or t("referrals.no_answer"))
        st.markdown(f"##### {t('referrals.section.outcome')}")
        st.markdown("  \n".join(_outcome_lines(detail)))


def related_items(detail: ReferralDetail) -> None:
    """The referred items; a row the reader may open goes to the item's page."""
    frame = pd.DataFrame({t("col.code"): [i.code for i in detail.items],
                          t("col.district"): [i.district or t("district.citywide") for i in detail.items],
                          t("col.description"): [i.description for i in detail.items],
                          t("col.status"): [label(i.status, Status) for i in detail.items],
                          t("col.due_on"): [i.due_on for i in detail.items]})
    picked = st.dataframe(frame, hide_index=True, key=f"referral_items_{detail.id}",
                          on_select="rerun", selection_mode="single-row")
    if picked.selection.rows:
        item = detail.items[picked.selection.rows[0]]
        if item.readable:
            open_item(item.id)
        st.info(t("referrals.item_out_of_scope", code=item.code))
    st.caption(t("referrals.items_hint"))


def _file_button(actor: Actor, detail: ReferralDetail, info, key: str) -> None:
    def load() -> bytes:
        with db() as session:
            return open_referral_file(session, actor=actor, referral_id=detail.id,
                                      attachment_id=info.id, store=evidence_store()).data
    if not evidence_store().path_for(info.sha256).is_file():
        st.caption(f":material/broken_image: {t('err.evidence_missing', name=plain(info.filename))}")
        return
    st.download_button(f"{info.filename}（{size_text(info.size_bytes)}）", data=load,
                       file_name=info.filename, mime=info.content_type, key=key,
                       icon=":material/attach_file:", type="tertiary", on_click="ignore")


def steps_timeline(actor: Actor, detail: ReferralDetail) -> None:
    """Every step, newest first: what, who and which unit, when, the note, files that came with it."""
    for step in detail.steps:
        with st.container(border=True):
            states = (f"（{status_text(step.from_status)} → {status_text(step.to_status)}）"
                      if step.from_status and step.from_status != step.to_status else "")
            st.markdown(f"{STEP_ICONS.get(step.move, '')} **{t(f'referral.step.{step.move}')}**{states}")
            st.caption(" · ".join([f"{step.at:%Y-%m-%d %H:%M}"] + [plain(p) for p in (step.who, step.unit)
                                                                   if p]))
            if step.note:
                st.markdown(plain(step.note))
            for info in step.attachments:
                _file_button(actor, detail, info, key=f"step_{step.id}_{info.id}")


def files_list(actor: Actor, detail: ReferralDetail) -> None:
    if not detail.attachments:
        st.caption(t("referrals.no_files"))
    for info in detail.attachments:
        left, right = st.columns([3, 2])
        with left:
            _file_button(actor, detail, info, key=f"file_{info.id}")
        right.caption(" · ".join(p for p in (t(f"evidence.purpose.{info.purpose}"), info.uploaded_by,
                                             f"{info.created_at:%Y-%m-%d}" if info.created_at else None)
                                 if p))
