"""How one item reads on its page: header figures, the fields by section, the timeline with its
evidence, the evidence list and linked interviews and referrals. Everything here only displays
what core returned (core.ledger.timeline.ItemDetail, TimelineEntry); nothing here writes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time
from html import escape
from pathlib import Path

import pandas as pd
import streamlit as st
import streamlit.components.v1 as components

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
from core.ledger.evidence import AttachmentInfo, EvidenceStore, Owner, open_attachment
from core.ledger.rules import Reason
from core.ledger.timeline import ItemDetail, TimelineEntry
from core.supervision.notice_views import open_answer_file
from ui import supervision
from ui.common import db, label, lang, settings, t
from ui.evidence_preview import data_uri, preview_kind, preview_tile, thumbnail
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
    "reminder": ":material/notifications_active:", "edit": ":material/edit_note:",
}
PRINT_PAGE = "pages/item_print.py"
# The header figures a little smaller than st.metric's default, so that five fit on one row at
# 1366 px in either language (a box still grows with its value and the row wraps if need be).
FIGURES_CSS = """<style>
.st-key-item_figures [data-testid="stMetricValue"] { font-size: 1.6rem; line-height: 1.3; }
.st-key-item_figures [data-testid="stMetric"] > div { padding: .6rem .8rem; }
</style>"""


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

def _left(detail: ItemDetail) -> tuple[str, str | None]:
    """Time left as a short value (and a tooltip where the value needs one)."""
    if detail.fields["is_ongoing"]:
        return t("figure.left.ongoing"), t("figure.left.ongoing_help")
    if detail.days_overdue:
        return t("figure.left.overdue", n=detail.days_overdue), None
    if detail.days_left is not None:
        return t("figure.left.days", n=detail.days_left), None
    return t("item.no_due"), None


def item_figures(detail: ItemDetail) -> None:
    """Five figures: state, due date (with the deadline as worded), time left, progress, history.
    Each box is as wide as its value and the row wraps when the page is narrow, so a value is
    never cut off ("逾期 172 天", "Awaiting verification" at 1366 px, in either language)."""
    f = detail.fields
    due, wording = f["due_on"], f["deadline_text"]
    shown = due.isoformat() if due else (wording or t("item.no_due"))
    worded = wording if wording and wording != shown else None
    left, left_help = _left(detail)
    history = dict(ext=f["extension_count"], bounce=f["bounce_count"], reopen=f["reopen_count"])
    st.html(FIGURES_CSS)
    with st.container(horizontal=True, gap="small", key="item_figures"):
        st.metric(t("item.metric.status"), label(detail.status, Status), border=True, width="content")
        st.metric(t("item.metric.deadline"), shown, delta=worded, delta_color="off", delta_arrow="off",
                  border=True, width="content",
                  help=t("figure.deadline_help", text=plain(wording)) if worded else None)
        st.metric(t("item.metric.left"), left, help=left_help, border=True, width="content")
        st.metric(t("item.metric.progress"), f"{f['progress_percent']}%", border=True, width="content")
        st.metric(t("item.metric.history"), "{ext} / {bounce} / {reopen}".format(**history),
                  help=t("figure.history_help", **history), border=True, width="content")


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
              Reason.STALE: {"days": _days_since_report(detail)}, Reason.INTERVIEW: {},
              Reason.REMINDED: {"n": f["reminder_count"]}}
    return t(f"reason.{reason.value}", **values[reason])


def _days_since_report(detail: ItemDetail) -> str:
    f = detail.fields
    last = f["latest_progress_on"] or f["assigned_on"]
    if last is None or detail.days_open is None or f["assigned_on"] is None:
        return "?"
    return str(detail.days_open - (last - f["assigned_on"]).days)


# ------------------------------------------------------------------ fields by section
# Each section is a list of (label key, value as typed); a key of None: the value is a sentence.

Field = tuple[str | None, object]


def _shown(value) -> str:
    return t("item.none") if value in (None, "") else str(value)


def _line(key: str | None, value) -> str:
    return plain(_shown(value)) if key is None else f"**{t(key)}**：{plain(_shown(value))}"


def _units_text(detail: ItemDetail, role) -> str:
    return joined(u.short_name for u in detail.units[role]) or None


def _problem_fields(detail: ItemDetail) -> list[Field]:
    f = detail.fields
    return [("item.field.description", f["description"]),
            ("item.field.category", label(f["category"], Category)),
            ("item.field.item_type", label(f["item_type"], ItemType)),
            ("item.field.inspection", detail.inspection),
            ("item.field.source_level", label(f["source_level"], SourceLevel)),
            ("item.field.inspection_kind", label(f["inspection_kind"], InspectionKind)),
            ("move.field.assign_doc_no", f["assign_doc_no"]),
            ("move.field.assigned_on", f["assigned_on"]),
            ("item.field.district_id", detail.district or t("district.citywide")),
            ("item.field.township", f["township"])]


def _responsibility_fields(detail: ItemDetail) -> list[Field]:
    f = detail.fields
    return [("item.field.lead_unit_id", detail.lead_unit and detail.lead_unit.name),
            ("item.field.responsible_unit_ids", _units_text(detail, UnitRole.RESPONSIBLE)),
            ("item.field.cooperating_unit_ids", _units_text(detail, UnitRole.COOPERATING)),
            ("item.field.holder", detail.holder_unit and detail.holder_unit.name),
            ("item.field.responsible_leader", f["responsible_leader"]),
            ("item.field.responsible_person", f["responsible_person"]),
            ("item.field.contact_phone", f["contact_phone"])]


def _plan_fields(detail: ItemDetail) -> list[Field]:
    f = detail.fields
    plan = " ".join(str(v) for v in (f["plan_url"], f["plan_published_on"]) if v)
    due = f["due_on"].isoformat() if f["due_on"] else None
    deadline = " ".join(dict.fromkeys(v for v in (f["deadline_text"], due) if v))  # once if the same
    extended = [("item.field.original_due_on", f["original_due_on"])] if f["extension_count"] else []
    return [("item.field.target", f["target"]), ("item.field.measures", f["measures"]),
            ("item.field.deadline", deadline), *extended,
            ("item.field.stage", label(f["stage"], Stage)),
            ("item.field.supervision_level", supervision.level_text(f["supervision_level"])),
            ("item.field.plan_url", plan),
            ("item.field.latest_progress", " ".join(
                str(v) for v in (f["latest_progress_on"], f["latest_progress"]) if v)),
            ("item.field.delay_reason", f["delay_reason"]),
            ("item.field.days_open", t("fmt.days", value=detail.days_open)
             if detail.days_open is not None else None)]


def _closure_fields(detail: ItemDetail) -> list[Field]:
    f = detail.fields
    notice = f"{f['notice_from']} – {f['notice_to']}" if f["notice_from"] else None
    closed = " ".join(str(v) for v in (f["closed_on"], f["close_doc_no"]) if v)
    return [("move.field.accepted_on", f["accepted_on"]),
            ("move.field.acceptance_unit", f["acceptance_unit"]),
            ("move.field.conclusion", f["acceptance_conclusion"]),
            ("item.field.notice", notice), ("item.field.closed", closed),
            (None, t("item.field.counts", ext=f["extension_count"], bounce=f["bounce_count"],
                     reopen=f["reopen_count"]))]


SECTIONS = (("problem", _problem_fields), ("responsibility", _responsibility_fields),
            ("plan", _plan_fields), ("closure", _closure_fields))


def detail_sections(detail: ItemDetail) -> None:
    """Every field, grouped as a ledger groups its columns."""
    for column, sections in zip(st.columns(2), (SECTIONS[:2], SECTIONS[2:]), strict=True):
        with column:
            for name, fields in sections:
                st.markdown(f"##### {t('item.section.' + name)}")
                st.markdown("  \n".join(_line(key, value) for key, value in fields(detail)))


# ------------------------------------------------------------------ timeline and evidence

def _loader(actor: Actor, attachment_id: int, owner: Owner | None = None) -> Callable[[], bytes]:
    """The file's bytes, read (and checked against its hash) only when the user clicks. A 督办
    answer's file (shown on the timeline of an item its notice covers) is opened through the
    item (core.supervision.notice_views.open_answer_file)."""
    def load() -> bytes:
        with db() as session:
            if owner is not None and owner.kind == "notice_response":
                return open_answer_file(session, actor=actor, attachment_id=attachment_id,
                                        store=evidence_store()).data
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
                       data=loader or _loader(actor, info.id, info.owner),
                       file_name=info.filename, mime=info.content_type, key=key,
                       icon=":material/attach_file:", type="tertiary", on_click="ignore",
                       help=t("evidence.download_help", name=plain(info.filename),
                              size=size_text(info.size_bytes)))


def item_loader(actor: Actor, info: AttachmentInfo) -> Callable[[], bytes] | None:
    """The reader's loader for an item's own file (core checks the item is in their scope on
    every read); None for a file of another record shown on the timeline (a unit's answer to a
    督办 notice): no preview is made of it here."""
    return _loader(actor, info.id) if info.item_id is not None else None


def _when(at: datetime) -> str:
    return f"{at:%Y-%m-%d %H:%M}" if at.time() != time.min else f"{at:%Y-%m-%d}"


def change_texts(entry: TimelineEntry) -> list[str]:
    """An edit's changes as "字段：旧 → 新" lines (an empty value as "—"), in the reader's language."""
    if hasattr(entry, "change_lines"):
        changes = entry.change_lines(lang())
    else:
        changes = [(t(key), before, after) for key, before, after in entry.changes]
    return [t("timeline.change", field=name, before=before or "—", after=after or "—")
            for name, before, after in changes]


def detail_text(entry: TimelineEntry) -> str | None:
    """The entry's detail as worded for its kind (the 验收结论 on 待验收 → 公示中, a 催办's note)."""
    if not entry.detail:
        return None
    if entry.kind == "transition" and entry.to_status == Status.NOTICE:
        return t("timeline.conclusion", text=entry.detail)
    if entry.kind == "reminder":
        return t("timeline.reminder_note", text=entry.detail)
    return entry.detail


def _previews(actor: Actor, files, key: str) -> None:
    """Thumbnails of the photos and PDFs among `files`, in a row (each can be enlarged)."""
    shown = [(info, load) for info in files
             if preview_kind(info) and (load := item_loader(actor, info)) is not None]
    if not shown:
        return
    with st.container(horizontal=True, gap="small", vertical_alignment="top"):
        for info, load in shown:
            with st.container(width=128, gap="small", horizontal_alignment="left"):
                preview_tile(info, load, key=f"{key}_{info.id}", width=112)


def _entry(actor: Actor, entry: TimelineEntry) -> None:
    with st.container(border=True):
        st.markdown(f"{KIND_ICONS.get(entry.kind, '')} **{plain(entry.what(lang()))}**")
        st.caption(" · ".join([_when(entry.at)] + [plain(p) for p in (entry.who, entry.unit) if p]))
        if entry.changes:
            st.markdown("  \n".join(plain(line) for line in change_texts(entry)))
        if detail := detail_text(entry):
            st.markdown(plain(detail))
        if entry.why:
            st.markdown(t("timeline.reason", why=plain(entry.why)))
        key = f"tl_{entry.kind}_{entry.ref_id}"
        _previews(actor, entry.attachments, key)
        for info in entry.attachments:
            download_button(actor, info, key=f"{key}_{info.id}")


def timeline(actor: Actor, entries: list[TimelineEntry]) -> None:
    """Newest first: moves, reports with their files, extensions, notices, interviews, referrals,
    催办 and edits (each field changed, before → after)."""
    if not entries:
        st.info(t("timeline.empty"))
    for entry in entries:
        _entry(actor, entry)


def _file_caption(info: AttachmentInfo) -> str:
    return " · ".join(p for p in (
        t(f"evidence.purpose.{info.purpose}"), plain(info.uploaded_by),
        f"{info.created_at:%Y-%m-%d %H:%M}" if info.created_at else None) if p)


def evidence_list(actor: Actor, detail: ItemDetail) -> None:
    """Every evidence file of the item (一案一档), newest first: a thumbnail of each photo and
    PDF (click to enlarge), each file downloadable."""
    if not detail.attachments:
        st.info(t("evidence.none"))
        return
    for info in reversed(detail.attachments):
        with st.container(horizontal=True, gap="medium", vertical_alignment="top"):
            with st.container(width=128, gap="small", horizontal_alignment="left"):
                if not preview_tile(info, _loader(actor, info.id), key=f"ev_{info.id}", width=112,
                                    named=False):
                    st.markdown(":material/description:")
            with st.container(gap="small"):
                download_button(actor, info, key=f"ev_{info.id}")
                st.caption(_file_caption(info))


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


# ------------------------------------------------------------------ the print view (一案一档)

PRINT_CSS = """<style>
.dossier { color: #000; background: #fff; font-size: 14px; line-height: 1.5; }
.dossier h1 { font-size: 1.5rem; margin: 0 0 .25rem; padding: 0; }
.dossier h2 { font-size: 1.1rem; margin: 1.2rem 0 .4rem; padding: 0 0 .2rem; border-bottom: 2px solid #000;
  break-after: avoid; page-break-after: avoid; }
.dossier h3 { font-size: 1rem; margin: .8rem 0 .3rem; padding: 0; break-after: avoid; }
.dossier .meta { color: #333; font-size: 12px; margin-bottom: .6rem; }
.dossier .lead { font-weight: 600; margin: .4rem 0; }
.dossier table { width: 100%; border-collapse: collapse; margin: 0 0 .4rem; table-layout: auto; }
.dossier th, .dossier td { border: 1px solid #666; padding: 4px 6px; vertical-align: top; text-align: left;
  overflow-wrap: anywhere; white-space: pre-wrap; }
.dossier th { background: #eee; font-weight: 600; white-space: nowrap; }
.dossier table.fields th { width: 9em; white-space: normal; }
.dossier tr, .dossier .entry { break-inside: avoid; page-break-inside: avoid; }
.dossier td.when { white-space: nowrap; }
.dossier img.thumb { width: 96px; height: auto; border: 1px solid #999; display: block; }
.dossier .muted { color: #555; }
.dossier .sections { display: grid; grid-template-columns: 1fr 1fr; gap: 0 1.2rem; }
@media (max-width: 900px) { .dossier .sections { grid-template-columns: 1fr; } }
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  html, body, .stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"],
  [data-testid="stMainBlockContainer"] {
    background: #fff !important; color: #000 !important; overflow: visible !important;
    height: auto !important; min-height: 0 !important; position: static !important; }
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
  [data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"],
  [data-testid="stBottom"], header, footer, .stButton, .stDownloadButton, [data-testid="stPageLink"],
  [data-testid="stCaptionContainer"], [data-testid="stIFrame"], iframe, .st-key-print_toolbar,
  [data-testid="stAlert"], [data-testid="stToast"] { display: none !important; }
  [data-testid="stMainBlockContainer"] { padding: 0 !important; max-width: none !important; }
  .dossier { font-size: 10.5pt; }
  .dossier .sections { display: block; }
  .dossier th { background: #eee !important; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: #000 !important; text-decoration: none !important; }
}
</style>"""

_print_button = components.declare_component(
    "print_button", path=str(Path(__file__).parent / "assets" / "print_button"))


def print_button() -> None:
    """A button calling window.print() on the page: a component served from this server (the
    site's CSP allows no inline script), hidden when printing."""
    _print_button(label=t("print.button"), key="print_button", default=None)


def print_link(item_id: int) -> None:
    st.page_link(PRINT_PAGE, label=t("print.open"), icon=":material/print:",
                 query_params={"id": str(item_id)})


def _h(value) -> str:
    """User text (or any value) for HTML: escaped, "—" when empty."""
    return escape(_shown(value))


def _fields_table(fields: list[Field]) -> str:
    rows = "".join(f"<tr><th>{escape(t(key))}</th><td>{_h(value)}</td></tr>" if key else
                   f"<tr><td colspan='2'>{_h(value)}</td></tr>" for key, value in fields)
    return f"<table class='fields'>{rows}</table>"


def _entry_row(entry: TimelineEntry) -> str:
    what = [escape(entry.what(lang())), *(escape(line) for line in change_texts(entry))]
    why = [escape(x) for x in (detail_text(entry), entry.why and t("timeline.reason", why=entry.why)) if x]
    if entry.attachments:
        why.append(escape(t("print.files", names=joined(i.filename for i in entry.attachments))))
    who = " / ".join(escape(p) for p in (entry.who, entry.unit) if p) or "—"
    return (f"<tr class='entry'><td class='when'>{_when(entry.at)}</td><td>{who}</td>"
            f"<td>{'<br>'.join(what)}</td><td>{'<br>'.join(why) or '—'}</td></tr>")


def _timeline_table(entries: list[TimelineEntry]) -> str:
    if not entries:
        return f"<p class='muted'>{escape(t('timeline.empty'))}</p>"
    head = "".join(f"<th>{escape(t('print.col.' + c))}</th>" for c in ("when", "who", "what", "why"))
    body = "".join(_entry_row(e) for e in reversed(entries))   # oldest first, as a file reads
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _evidence_table(files: list[AttachmentInfo], thumbs: dict[int, bytes | None]) -> str:
    if not files:
        return f"<p class='muted'>{escape(t('evidence.none'))}</p>"
    head = "".join(f"<th>{escape(t(k))}</th>" for k in (
        "print.col.preview", "print.col.file", "evidence.col.purpose", "evidence.col.by",
        "evidence.col.at", "evidence.col.size"))
    rows = []
    for info in files:
        jpeg = thumbs.get(info.id)
        picture = (f"<img class='thumb' alt='' src='{data_uri(jpeg)}'>" if jpeg else
                   f"<span class='muted'>{escape(t('preview.none'))}</span>" if preview_kind(info) else "")
        at = f"{info.created_at:%Y-%m-%d %H:%M}" if info.created_at else "—"
        rows.append(f"<tr><td>{picture}</td><td>{_h(info.filename)}</td>"
                    f"<td>{escape(t(f'evidence.purpose.{info.purpose}'))}</td><td>{_h(info.uploaded_by)}</td>"
                    f"<td class='when'>{at}</td><td class='when'>{size_text(info.size_bytes)}</td></tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _links_tables(detail: ItemDetail) -> str:
    if not detail.interviews and not detail.referrals:
        return f"<p class='muted'>{escape(t('links.none'))}</p>"
    cols = [t(f"links.col.{c}") for c in ("code", "date", "unit", "kind", "due", "status")]
    parts = []
    if detail.interviews:
        head = "".join(f"<th>{escape(c)}</th>" for c in cols[:3] + cols[4:])
        rows = "".join(f"<tr><td>{_h(i.code)}</td><td>{i.held_on}</td><td>{_h(i.interviewee)}</td>"
                       f"<td>{i.plan_due_on}</td><td>{escape(t(f'status.interview.{i.status.value}'))}</td></tr>"
                       for i in detail.interviews)
        parts.append(f"<h3>{escape(t('print.interviews'))}</h3><table><thead><tr>{head}</tr></thead>"
                     f"<tbody>{rows}</tbody></table>")
    if detail.referrals:
        head = "".join(f"<th>{escape(c)}</th>" for c in cols)
        rows = "".join(f"<tr><td>{_h(r.code)}</td><td>{_h(r.sent_on)}</td><td>{_h(r.to_unit)}</td>"
                       f"<td>{escape(t(f'referral.kind.{r.kind.value}'))}</td><td>{_h(r.feedback_due_on)}</td>"
                       f"<td>{escape(t(f'status.referral.{r.status.value}'))}</td></tr>"
                       for r in detail.referrals)
        parts.append(f"<h3>{escape(t('print.referrals'))}</h3><table><thead><tr>{head}</tr></thead>"
                     f"<tbody>{rows}</tbody></table>")
    return "".join(parts)


def dossier_thumbnails(actor: Actor, detail: ItemDetail) -> dict[int, bytes | None]:
    """Thumbnails of the item's photos and PDFs, read through the reader's loader."""
    return {info.id: thumbnail(info, _loader(actor, info.id)) for info in detail.attachments
            if preview_kind(info)}


def dossier_html(detail: ItemDetail, entries: list[TimelineEntry], thumbs: dict[int, bytes | None], *,
                 printed_by: str, printed_at: datetime) -> str:
    """The whole record of one item as one HTML document body (every value escaped): the fields
    by section (the units under 责任), the timeline oldest first (who / when / what / why), the evidence with
    thumbnails, the linked interviews and referrals."""
    sections = "".join(f"<div><h2>{escape(t('item.section.' + name))}</h2>"
                       f"{_fields_table(fields(detail))}</div>" for name, fields in SECTIONS)
    where = " · ".join(escape(w) for w in (detail.district or t("district.citywide"), detail.inspection) if w)
    printed = t("print.printed", who=printed_by, at=f"{printed_at:%Y-%m-%d %H:%M}", version=detail.version)
    return (f"<div class='dossier'><h1>{escape(t('print.title'))}</h1>"
            f"<div class='meta'>{escape(printed)}</div>"
            f"<h2>{escape(t('item.heading', code=detail.code))} · {escape(label(detail.status, Status))}</h2>"
            f"<p class='lead'>{_h(detail.fields['description'])}</p><p class='muted'>{where}</p>"
            f"<div class='sections'>{sections}</div>"
            f"<h2>{escape(t('print.section.timeline'))}</h2>{_timeline_table(entries)}"
            f"<h2>{escape(t('print.section.evidence'))}</h2>{_evidence_table(detail.attachments, thumbs)}"
            f"<h2>{escape(t('print.section.links'))}</h2>{_links_tables(detail)}</div>")
