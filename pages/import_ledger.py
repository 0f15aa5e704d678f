"""导入 Excel 台账: upload → preview (what each row would do; every problem by Excel row and
column) → confirm. core.excel.imports imports every row or none, and refuses edits of an outdated
export. A 问题来源 the ledger lacks is shown with the kind and level its name suggests; once the
user confirms (and corrects them if need be) the import creates it."""

import streamlit as st

from core.access.audit import ledger_revision
from core.errors import LedgerError, ValidationFailed
from core.excel.imports import ImportPreview, import_ledger, preview_import
from core.ledger.query import inspection_choices
from ui import import_sources
from ui.common import current_actor, db, lang, settings, t
from ui.forms import flash, form_generation, joined, problem_frame, reset_forms, show_error, show_flash
from ui.text import plain
from ui.uploads import file_uploader

SCOPE = "import"
actor = current_actor()


def preview_of(upload, options: dict) -> ImportPreview:
    """The preview, kept for this file, its options and the ledger revision (a big sheet is read
    once per change)."""
    with db() as session:
        revision, _ = ledger_revision(session)
        key = ("import_preview", upload.file_id, repr(sorted(options.items())), lang(), revision)
        if st.session_state.get("import_preview_key") != key:
            st.session_state["import_preview"] = preview_import(
                session, actor=actor, data=upload.getvalue(), lang=lang(), **options)
            st.session_state["import_preview_key"] = key
    return st.session_state["import_preview"]


def show_preview(preview: ImportPreview) -> None:
    if preview.sheet:
        st.caption(t("import_ledger.sheet", sheet=plain(preview.sheet),
                     rows=joined(map(str, preview.header_rows))))
    cols = st.columns(4)
    for col, (key, value) in zip(cols, (("new", preview.new), ("changed", preview.changed),
                                        ("unchanged", preview.unchanged),
                                        ("errors", len(preview.errors))), strict=True):
        col.metric(t(f"import_ledger.metric.{key}"), f"{value:,}")
    if preview.columns:
        with st.expander(t("import_ledger.columns", n=len(preview.columns))):
            st.markdown(plain(joined(preview.columns.values())))
    if preview.ignored_columns:
        st.warning(t("import_ledger.ignored", columns=plain(joined(preview.ignored_columns))))
    if preview.skipped_rows:
        st.caption(t("import_ledger.skipped", rows=joined(map(str, preview.skipped_rows))))
    for note in preview.notes:
        st.info(plain(note), icon=":material/format_list_numbered:")


def show_problems(problems) -> None:
    st.error(t("import_ledger.has_errors", count=len(problems)), icon=":material/error:")
    st.dataframe(problem_frame(problems), hide_index=True, key="import_problems",
                 column_config={t("import_ledger.col.message"): st.column_config.TextColumn(
                     width="large")})


def confirm(data: bytes, options: dict, filename: str) -> None:
    try:
        with db() as session:
            result = import_ledger(session, actor=actor, data=data, filename=filename, lang=lang(),
                                   **options)
    except ValidationFailed as exc:
        show_problems(exc.problems)
        return
    except LedgerError as exc:
        show_error(exc)
        return
    flash(t("import.summary", sheet=plain(result.sheet), created=result.created, changed=result.changed,
            unchanged=result.unchanged))
    reset_forms(SCOPE, 0)   # a new uploader: the imported file is gone from the page
    st.rerun()


st.title(t("import_ledger.title"))
show_flash()
st.caption(t("import_ledger.intro"))
st.caption(t("import_ledger.export_hint"))
with db() as session:
    sources = [name for _, name in inspection_choices(session)]
left, right = st.columns([3, 2])
upload = file_uploader(t("import_ledger.file"), key=f"import_file_{form_generation(SCOPE, 0)}",
                       type=["xlsx"], max_mb=settings().import_max_mb, where=left)
inspection = right.selectbox(t("import_ledger.inspection"), sources, index=None, key="import_inspection",
                             placeholder=t("import_ledger.inspection_none"), accept_new_options=True)
if upload is None:
    st.stop()

options = dict(inspection=inspection, max_bytes=int(settings().import_max_mb * 1024 * 1024))
preview = preview_of(upload, options)
if preview.new_inspections:
    create, choices = import_sources.choose([d.name for d in preview.new_inspections],
                                            form_generation(SCOPE, 0))
    options.update(create_inspections=create, inspection_choices=choices)
    preview = preview_of(upload, options) if create else preview
show_preview(preview)
if preview.errors:
    show_problems(preview.errors)
    st.stop()
if not preview.new and not preview.changed:
    st.info(t("import_ledger.nothing"))
else:
    st.success(t("import_ledger.ready", new=preview.new, changed=preview.changed))
    if st.button(t("import_ledger.confirm"), type="primary", icon=":material/upload:",
                 key="import_confirm"):
        confirm(upload.getvalue(), options, upload.name)
only_changes = st.toggle(t("import_ledger.only_changes"), value=True, key="import_only_changes")
st.dataframe(preview.frame(lang=lang(), only_changes=only_changes), hide_index=True,
             key="import_rows")
