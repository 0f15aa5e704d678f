"""Referrals (移送移交)."""

TEXTS: dict[str, tuple[str, str]] = {
    "referral.kind.police": ("公安机关", "Police"),
    "referral.kind.procuratorate": ("检察院", "Procuratorate"),
    "referral.kind.court": ("法院", "Court"),
    "referral.kind.justice": ("司法局", "Justice bureau"),
    "referral.kind.discipline": ("纪委监委/组织部", "Discipline commission"),
    "referral.kind.department": ("行业主管部门", "Industry department"),
    "status.referral.pending": ("待移送", "Not yet sent"),
    "status.referral.sent": ("已移送", "Sent"),
    "status.referral.accepted": ("已受理", "Accepted"),
    "status.referral.filed": ("已立案", "Case filed"),
    "status.referral.not_filed": ("不予立案", "Not filed"),
    "status.referral.concluded": ("已办结", "Concluded"),
    "status.referral.returned": ("退回", "Returned"),
}
