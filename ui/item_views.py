"""How one item reads on its page: header figures, the fields by section, the timeline with its
evidence, the evidence list and linked interviews and referrals. Everything here only displays
what core returned (core.ledger.timeline.ItemDetail, TimelineEntry); nothing here writes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time

import pandas as pd
import streamlit as st

from core.access.permissions import Actor
from core.domain import (
    Category,
    InspectionKind,
    ItemType,
    SourceLevel,
    Stage,
    Status,
    UnitRole,
)
from core.ledger.evidence import AttachmentInfo, EvidenceStore, open_attachment
from core.ledger.rules import Reason
from core.ledger.timeline import ItemDetail, TimelineEntry
from ui import supervision
from ui.common import db, label, lang, settings, t
from ui.forms import forget_version, joined
from ui.referral_links import open_referral
from ui.text import plain

ITEM_PAGE = "pages/item.py"
LATE = "background-color: #FBE3D6; color: #B3361B; font-weight: 600"   # overdue feedback
SCOPE = "item"   # ui.forms seen-version scope of the item page
KIND_ICONS = {
    "created": ":material/add_circle:", "progress": ":material/trending_up:",
    "transition": ":material/swap_horiz:", "hand_over": ":material/forward:",
    "evidence": ":material/attach_file:", "extension_requested": ":material/schedule:",
    "extension_approved": ":material/event_available:",
    "extension_rejected": ":material/event_busy:", "supervision": ":material/campaign:",
    "supervision_lifted": ":material/campaign:", "interview": ":material/record_voice_over:",
    "supervision_escalated": ":material/priority_high:", "supervision_response": ":material/reply:",
    "referral": ":material/gavel:", "referral_step": ":material/gavel:",
}
def open_item(item_id: int) -> None:
    """Go to the item's page, loading it afresh (the version shown becomes the one seen)."""
    forget_version(SCOPE, item_id)
    st.switch_page(ITEM_PAGE, query_params={"id": str(item_id)})


def item_id_param() -> int | None:
    """The item id in the page's URL (?id=…), or None if absent or not a number."""
    raw = st.query_params.get("id")
    return int(raw) if raw and raw.isdigit() else None


def evidence_store() -> EvidenceStore:
    return EvidenceStore.from_settings(settings())


def size_text(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{max(1, round(size / 1024))} KB"


# ------------------------------------------------------------------ header

def _left_text(detail: ItemDetail) -> str:
    if detail.fields["is_ongoing"]:
        return t("item.ongoing")
    if detail.days_overdue:
        return t("item.days_overdue", n=detail.days_overdue)
    if detail.days_left is not None:
        return t("item.days_left", n=detail.days_left)
    return t("item.no_due")


def item_figures(detail: ItemDetail) -> None:
    """Five figures: state, due date (with the deadline as worded), time left, progress, history."""
    f = detail.fields
    due, wording = f["due_on"], f["deadline_text"]
    shown = due.isoformat() if due else (wording or t("item.no_due"))
    cols = st.columns(5)
    cols[0].metric(t("item.metric.status"), label(detail.status, Status))
    cols[1].metric(t("item.metric.deadline"), shown, delta_color="off", delta_arrow="off",
                   delta=wording if wording and wording != shown else None)
    cols[2].metric(t("item.metric.left"), _left_text(detail))
    cols[3].metric(t("item.metric.progress"), f"{f['progress_percent']}%")
    cols[4].metric(t("item.metric.history"),
                   f"{f['extension_count']} / {f['bounce_count']} / {f['reopen_count']}")


def item_summary(detail: ItemDetail) -> None:
    """The problem, where and who, and the warnings a coordinator must not miss."""
    st.markdown(f"**{plain(detail.fields['description'])}**")
    where = [detail.district or t("district.citywide"),
             detail.lead_unit.short_name if detail.lead_unit else None, detail.inspection]
    st.caption(" · ".join(plain(w) for w in where if w))
    if detail.long_unresolved:
        st.warning(t("item.long_unresolved", reasons=joined(
            _reason_text(r, detail) for r in detail.long_unresolved)), icon=":material/warning:")
    pending = detail.pending_extension
    if pending:
        st.info(t("item.pending_extension", day=pending.new_due_on.isoformat(),
                  reason=plain(pending.reason)), icon=":material/schedule:")


def _reason_text(reason: Reason, detail: ItemDetail) -> str:
    f = detail.fields
    values = {Reason.OVERDUE: {"days": detail.days_overdue}, Reason.BOUNCED: {"n": f["bounce_count"]},
              Reason.EXTENDED: {"n": f["extension_count"]}, Reason.OLD: {"days": detail.days_open},
              Reason.STALE: {"days": _days_since_report(detail)}, Reason.INTERVIEW: {}}
    return t(f"reason.{reason.value}", **values[reason])


def _days_since_report(detail: ItemDetail) -> str:
    f = detail.fields
    last = f["latest_progress_on"] or f["assigned_on"]
    if last is None or detail.days_open is None or f["assigned_on"] is None:
        return "?"
    return str(detail.days_open - (last - f["assigned_on"]).days)


# ------------------------------------------------------------------ fields by section

def _line(key: str, value) -> str:
    shown = value if value not in (None, "") else t("item.none")
    return f"**{t(key)}**：{shown}"


def _units_text(detail: ItemDetail, role) -> str:
    return joined(u.short_name for u in detail.units[role]) or None


def _problem_lines(detail: ItemDetail) -> list[str]:
    f = detail.fields
    return [_line("item.field.description", plain(f["description"])),
            _line("item.field.category", label(f["category"], Category)),
            _line("item.field.item_type", label(f["item_type"], ItemType)),
            _line("item.field.inspection", plain(detail.inspection)),
            _line("item.field.source_level", label(f["source_level"], SourceLevel)),
            _line("item.field.inspection_kind", label(f["inspection_kind"], InspectionKind)),
            _line("move.field.assign_doc_no", plain(f["assign_doc_no"])),
            _line("move.field.assigned_on", f["assigned_on"]),
            _line("item.field.district_id", detail.district or t("district.citywide")),
            _line("item.field.township", plain(f["township"]))]


def _responsibility_lines(detail: ItemDetail) -> list[str]:
    f = detail.fields
    return [_line("item.field.lead_unit_id", detail.lead_unit and detail.lead_unit.name),
            _line("item.field.responsible_unit_ids", _units_text(detail, UnitRole.RESPONSIBLE)),
            _line("item.field.cooperating_unit_ids", _units_text(detail, UnitRole.COOPERATING)),
            _line("item.field.holder", detail.holder_unit and detail.holder_unit.name),
            _line("item.field.responsible_leader", plain(f["responsible_leader"])),
            _line("item.field.responsible_person", plain(f["responsible_person"])),
            _line("item.field.contact_phone", plain(f["contact_phone"]))]


def _plan_lines(detail: ItemDetail) -> list[str]:
    f = detail.fields
    plan = " ".join(str(v) for v in (f["plan_url"], f["plan_published_on"]) if v)
    due = f["due_on"].isoformat() if f["due_on"] else None
    deadline = " ".join(dict.fromkeys(v for v in (f["deadline_text"], due) if v))  # once if the same
    extended = [_line("item.field.original_due_on", f["original_due_on"])] if f["extension_count"] else []
    return [_line("item.field.target", plain(f["target"])),
            _line("item.field.measures", plain(f["measures"])),
            _line("item.field.deadline", plain(deadline)), *extended,
            _line("item.field.stage", label(f["stage"], Stage)),
            _line("item.field.supervision_level", supervision.level_text(f["supervision_level"])),
            _line("item.field.plan_url", plain(plan)),
            _line("item.field.latest_progress", " ".join(
                str(v) for v in (f["latest_progress_on"], plain(f["latest_progress"])) if v)),
            _line("item.field.delay_reason", plain(f["delay_reason"])),
            _line("item.field.days_open", t("fmt.days", value=detail.days_open)
                  if detail.days_open is not None else None)]


def _closure_lines(detail: ItemDetail) -> list[str]:
    f = detail.fields
    notice = f"{f['notice_from']} – {f['notice_to']}" if f["notice_from"] else None
    closed = " ".join(str(v) for v in (f["closed_on"], plain(f["close_doc_no"])) if v)
    return [_line("move.field.accepted_on", f["accepted_on"]),
            _line("move.field.acceptance_unit", plain(f["acceptance_unit"])),
            _line("move.field.conclusion", plain(f["acceptance_conclusion"])),
            _line("item.field.notice", notice), _line("item.field.closed", closed),
            t("item.field.counts", ext=f["extension_count"], bounce=f["bounce_count"],
              reopen=f["reopen_count"])]


def detail_sections(detail: ItemDetail) -> None:
    """Every field, grouped as a ledger groups its columns."""
    left, right = st.columns(2)
    for column, sections in ((left, (("problem", _problem_lines), ("responsibility",
                                                                   _responsibility_lines))),
                             (right, (("plan", _plan_lines), ("closure", _closure_lines)))):
        with column:
            for name, lines in sections:
                st.markdown(f"##### {t('item.section.' + name)}")
                st.markdown("  \n".join(lines(detail)))


# ------------------------------------------------------------------ timeline and evidence

def _loader(actor: Actor, attachment_id: int) -> Callable[[], bytes]:
    """The file's bytes, read (and checked against its hash) only when the user clicks."""
    def load() -> bytes:
        with db() as session:
            return open_attachment(session, actor=actor, attachment_id=attachment_id,
                                   store=evidence_store()).data
    return load


def download_button(actor: Actor, info: AttachmentInfo, key: str,
                    loader: Callable[[], bytes] | None = None) -> None:
    """The file as a download (read only when clicked); a file gone from the store is said so
    here, since a click could not tell (its content is checked against the hash on the click).
    `loader` reads it for a record other than an item (which checks its own read permission)."""
    if not evidence_store().path_for(info.sha256).is_file():
        st.caption(f":material/broken_image: {t('err.evidence_missing', name=plain(info.filename))}")
        return
    st.download_button(f"{plain(info.filename)}（{size_text(info.size_bytes)}）",
                       data=loader or _loader(actor, info.id),
                       file_name=info.filename, mime=info.content_type, key=key,
                       icon=":material/attach_file:", type="tertiary", on_click="ignore",
                       help=t("evidence.download_help", name=plain(info.filename),
                              size=size_text(info.size_bytes)))


def _entry(actor: Actor, entry: TimelineEntry) -> None:
    with st.container(border=True):
        st.markdown(f"{KIND_ICONS.get(entry.kind, '')} **{plain(entry.what(lang()))}**")
        when = f"{entry.at:%Y-%m-%d %H:%M}" if entry.at.time() != time.min else f"{entry.at:%Y-%m-%d}"
        st.caption(" · ".join([when] + [plain(p) for p in (entry.who, entry.unit) if p]))
        if entry.detail:
            st.markdown(plain(entry.detail))
        if entry.why:
            st.markdown(t("timeline.reason", why=plain(entry.why)))
        for info in entry.attachments:
            download_button(actor, info, key=f"tl_{entry.kind}_{entry.ref_id}_{info.id}")


def timeline(actor: Actor, entries: list[TimelineEntry]) -> None:
    """Newest first: moves, reports with their files, extensions, notices, interviews, referrals."""
    if not entries:
        st.info(t("timeline.empty"))
    for entry in entries:
        _entry(actor, entry)


def evidence_list(actor: Actor, detail: ItemDetail) -> None:
    """Every evidence file of the item (一案一档), newest first, each downloadable."""
    if not detail.attachments:
        st.info(t("evidence.none"))
        return
    for info in reversed(detail.attachments):
        left, right = st.columns([3, 2])
        with left:
            download_button(actor, info, key=f"ev_{info.id}")
        right.caption(" · ".join(p for p in (
            t(f"evidence.purpose.{info.purpose}"), plain(info.uploaded_by),
            f"{info.created_at:%Y-%m-%d %H:%M}" if info.created_at else None) if p))


def linked_records(detail: ItemDetail) -> None:
    """Interviews (约谈) and referrals (移送) that name this item."""
    if not detail.interviews and not detail.referrals:
        st.info(t("links.none"))
        return
    cols = [t(f"links.col.{c}") for c in ("code", "date", "unit", "kind", "due", "status")]
    if detail.interviews:
        st.markdown(f"##### {t('links.interviews')}")
        due = [t("interviews.due_provisional", day=i.plan_due_on.isoformat()) if i.plan_due_uncovered
               else i.plan_due_on.isoformat() for i in detail.interviews]
        picked = st.dataframe(pd.DataFrame([(i.code, i.held_on, i.interviewee, "", d,
                                             t(f"status.interview.{i.status.value}"))
                                            for i, d in zip(detail.interviews, due, strict=True)],
                                           columns=cols).drop(columns=cols[3]),
                              hide_index=True, key="item_interviews", on_select="rerun",
                              selection_mode="single-row")
        st.caption(t("links.open_interview"))
        if picked.selection.rows:   # as ui.interview_views.open_interview (which imports this module)
            interview_id = detail.interviews[picked.selection.rows[0]].id
            forget_version("interview", interview_id)
            st.switch_page("pages/interviews.py", query_params={"id": str(interview_id)})
    if detail.referrals:
        st.markdown(f"##### {t('links.referrals')}")
        late = t("referrals.col.feedback")    # feedback overdue stands out here too
        frame = pd.DataFrame([(r.code, r.sent_on, r.to_unit, t(f"referral.kind.{r.kind.value}"),
                               r.feedback_due_on, t(f"status.referral.{r.status.value}"),
                               t("referrals.days_late", n=r.days_overdue) if r.days_overdue else "")
                              for r in detail.referrals], columns=[*cols, late])
        picked = st.dataframe(frame.style.map(lambda v: LATE if v else "", subset=[late]),
                              hide_index=True, key="item_referrals", on_select="rerun",
                              selection_mode="single-row")
        if picked.selection.rows:
            open_referral(detail.referrals[picked.selection.rows[0]].id)
        st.caption(t("referrals.open_hint"))
