"""The import page's panel for 问题来源 the database does not have: each name with the kind and
level its words suggest (and which words), changeable, and one box to confirm creating them."""

from __future__ import annotations

import streamlit as st

from core.domain import InspectionKind, SourceLevel
from core.excel.sources import infer_inspection
from ui.common import label, t
from ui.text import plain

CONFIRM_KEY = "import_create_sources"


def _reason(text: str) -> str:
    """'“中央” → level:central' as the user reads it: '“中央” → 中央'."""
    for enum in (SourceLevel, InspectionKind):
        for member in enum:
            for prefix in ("level:", "kind:"):
                text = text.replace(f"{prefix}{member.value}", label(member))
    return text.replace("(assumed)", t("import_sources.assumed")).replace(
        "chosen by the user", t("import_sources.chosen"))


def choose(names: list[str], generation: int) -> tuple[bool, dict]:
    """Show each new source (kind and level preset from its name); (confirmed, name → choice)."""
    st.warning(t("import_sources.intro", n=len(names)), icon=":material/new_label:")
    choices = {}
    for i, name in enumerate(names):
        draft = infer_inspection(name)
        left, mid, right = st.columns([3, 1, 1])
        left.markdown(f"**{plain(name)}**")
        left.caption(plain(t("import_sources.because", why="；".join(_reason(r) for r in draft.reasons))))
        kinds, levels = list(InspectionKind), list(SourceLevel)
        kind = mid.selectbox(t("import_sources.kind"), kinds, index=kinds.index(draft.kind),
                             format_func=label, key=f"src_kind_{generation}_{i}")
        level = right.selectbox(t("import_sources.level"), levels, index=levels.index(draft.level),
                                format_func=label, key=f"src_level_{generation}_{i}")
        choices[name] = (kind, level)
    confirmed = st.checkbox(t("import_sources.confirm", n=len(names)), key=f"{CONFIRM_KEY}_{generation}")
    return confirmed, choices
