"""The referral flow as one Altair chart a leader reads at a glance: one horizontal bar per kind of
receiving organ (to whom, for what), its referrals stacked by how far they got — overdue without
an answer first (vermilion), then awaiting an answer, accepted, filed, concluded, and those
refused, not filed or returned. Okabe–Ito colours (ui.charts), Chinese labels, nothing fetched."""

from __future__ import annotations

import altair as alt
import pandas as pd

from core.domain import ReferralKind
from core.i18n import translate
from core.referrals.query import STAGES, Flow
from ui.charts import axis_number_expr, styled

STAGE_COLOURS = {"overdue": "#D55E00", "awaiting": "#E69F00", "accepted": "#F0E442",
                 "filed": "#56B4E9", "concluded": "#009E73", "declined": "#999999",
                 "returned": "#CC79A7"}


def flow_frame(flow: Flow, lang: str) -> pd.DataFrame:
    """Long form: one row per kind and stage with referrals, plus each kind's total and order."""
    totals = {k: sum(c.referrals for c in flow.counts if c.kind is k) for k in ReferralKind}
    rows = [(translate(f"referral.kind.{c.kind.value}", lang),
             translate(f"referrals.stage.{c.stage}", lang), STAGES.index(c.stage), c.referrals,
             totals[c.kind], list(ReferralKind).index(c.kind)) for c in flow.counts]
    return pd.DataFrame(rows, columns=["kind", "stage", "stage_order", "referrals", "total", "rank"])


def flow_chart(flow: Flow, *, lang: str = "zh", dark: bool = False, height: int | None = None,
               width: int | str = "container", font_size: int = 13) -> alt.TopLevelMixin:
    """Stacked horizontal bars, kinds in their fixed order, stages left to right along the way."""
    frame = flow_frame(flow, lang)
    stages = [translate(f"referrals.stage.{s}", lang) for s in STAGES]
    chart = alt.Chart(frame).mark_bar(cornerRadiusEnd=2).encode(
        y=alt.Y("kind:N", title=None, sort=alt.EncodingSortField("rank", order="ascending"),
                axis=alt.Axis(ticks=False, domain=False)),
        x=alt.X("referrals:Q", title=None, stack="zero",
                axis=alt.Axis(labelExpr=axis_number_expr(lang), tickCount=5)),
        color=alt.Color("stage:N", title=None, sort=stages,
                        scale=alt.Scale(domain=stages, range=[STAGE_COLOURS[s] for s in STAGES]),
                        # English labels are long: two rows of four rather than one cut-off row
                        legend=alt.Legend(columns=4 if lang == "en" else len(STAGES), labelLimit=260)),
        order=alt.Order("stage_order:Q"),
        tooltip=[alt.Tooltip("kind:N", title=translate("referral.field.kind", lang)),
                 alt.Tooltip("stage:N", title=translate("referrals.flow.stage", lang)),
                 alt.Tooltip("referrals:Q", title=translate("referrals.flow.count", lang), format=","),
                 alt.Tooltip("total:Q", title=translate("referrals.flow.total", lang), format=",")])
    kinds = frame["kind"].nunique()
    return styled(chart.properties(height=height or 34 * kinds + 20, width=width), dark=dark,
                  font_size=font_size, legend="top")
