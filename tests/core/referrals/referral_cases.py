"""Shared by the referral tests: the people on each side, a referral recorded through core, a
referral brought to any state by its own moves, and a valid call of every move."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from core.access.permissions import SYSTEM
from core.domain import ReferralStatus, Role, UnitKind
from core.referrals import receiver, sender
from core.referrals.receiver import Outcome
from db.models import Referral, ReferralItem, Unit
from tests.factories import district_id, make_actor, make_item, unit_id

S = ReferralStatus
POLICE = "万州区公安局"
SENDER = "万州区生态环境局"
CITY_PROCURATORATE = "重庆市人民检察院"
TODAY = date.today()
SENT_ON = TODAY - timedelta(days=20)


def coordinator(session):
    return make_actor(session, Role.COORDINATOR, display_name="赵协调")


def unit_user(session, unit_name: str = POLICE, **kw):
    return make_actor(session, Role.UNIT, unit_id=unit_id(session, unit_name), **kw)


def district_procuratorate(session, district: str = "渝中区") -> int:
    """A district's procuratorate (reference data has only the municipal one)."""
    unit = Unit(name=f"{district}人民检察院", short_name=f"{district}检察院",
                kind=UnitKind.PROCURATORATE, district_id=district_id(session, district))
    session.add(unit)
    session.flush()
    return unit.id


def form_values(session, *, items: list[int] | None = None, **overrides) -> dict:
    """A complete, valid referral form: 万州区生态环境局 → 万州区公安局, two items."""
    if items is None:
        items = [make_item(session).id, make_item(session).id]
    values = dict(kind="police", from_unit_id=unit_id(session, SENDER),
                  to_unit_id=unit_id(session, POLICE), item_ids=items, doc_no="万州环移〔2025〕7号",
                  party="重庆某化工有限公司", cause="涉嫌污染环境罪",
                  facts="该公司通过暗管向长江支流排放含重金属废水，超标 12 倍。",
                  legal_basis="《行政执法机关移送涉嫌犯罪案件的规定》第三条",
                  materials=["案件调查报告", "现场检查笔录", "监测报告"],
                  contact="王某 023-61234567", sent_on=None)
    values.update(overrides)
    return values


def new_referral(session, actor=SYSTEM, **overrides) -> Referral:
    """A referral recorded (and sent, when `sent_on` is given) through core."""
    return sender.record_referral(session, actor=actor, values=form_values(session, **overrides))


def fresh(session, referral_id: int) -> Referral:
    session.expire_all()
    return session.get(Referral, referral_id)


OUTCOME = Outcome(concluded_on=TODAY, outcome="侦查终结，移送起诉", detained=3, arrested=2,
                  prosecuted=2, judgment="判处有期徒刑一年", fine_yuan="200000")
# Each state, reached from 待移送 by the receiver's (or the sender's) own moves.
PATHS = {
    S.PENDING: (), S.SENT: ("send",), S.RECEIVED: ("send", "receive"),
    S.ACCEPTED: ("send", "receive", "accept"), S.REFUSED: ("send", "receive", "refuse"),
    S.FILED: ("send", "receive", "accept", "file"),
    S.NOT_FILED: ("send", "receive", "accept", "not_file"),
    S.CONCLUDED: ("send", "receive", "accept", "file", "conclude"),
    S.RETURNED: ("send", "return"),
}


def actor_for_move(session, name: str, referral: Referral):
    """Someone allowed to make move `name` on this referral."""
    if name in ("send", "amend", "resend", "remind", "escalate"):
        return SYSTEM
    if name == "supervise_filing":
        return unit_user(session, CITY_PROCURATORATE)
    return make_actor(session, Role.UNIT, unit_id=referral.to_unit_id)


def referral_in(session, status: ReferralStatus, kind: str = "police", **overrides) -> Referral:
    """A referral in `status`, brought there by its moves (so its fields and steps agree)."""
    referral = new_referral(session, kind=kind, **overrides)
    for name in PATHS[status]:
        referral = do_move(session, name, actor_for_move(session, name, referral), referral)
    assert referral.status == status
    return referral


def do_move(session, name: str, actor, referral: Referral, **overrides) -> Referral:
    """Call move `name` with valid values (overridable), as a page would."""
    version = overrides.pop("expected_version", referral.version)
    args = dict(actor=actor, referral_id=referral.id, expected_version=version)
    calls = {
        "send": lambda: sender.send_referral(session, **args, **{"sent_on": SENT_ON, **overrides}),
        "amend": lambda: sender.amend_referral(session, **args, values={
            **form_values(session, items=_item_ids(session, referral)), "cause": "涉嫌污染环境罪（补充）",
            **overrides}),
        "resend": lambda: sender.resend_referral(session, **args, **{"sent_on": TODAY, **overrides}),
        "remind": lambda: sender.remind_referral(session, **args, **overrides),
        "escalate": lambda: sender.escalate_referral(session, **args, **{
            "note": "报市督察工作领导小组", **overrides}),
        "receive": lambda: receiver.receive_referral(session, **args, **{
            "received_on": SENT_ON + timedelta(days=1), **overrides}),
        "return": lambda: receiver.return_referral(session, **args, **{
            "reason": "缺少监测报告原件", **overrides}),
        "accept": lambda: receiver.accept_referral(session, **args, **overrides),
        "refuse": lambda: receiver.refuse_referral(session, **args, **{
            "reason": "不属于本机关管辖", **overrides}),
        "file": lambda: receiver.file_referral(session, **args, **{
            "filed_on": SENT_ON + timedelta(days=5), **overrides}),
        "not_file": lambda: receiver.not_file_referral(session, **args, **{
            "reason": "经审查，未达到立案追诉标准", **overrides}),
        "supervise_filing": lambda: receiver.supervise_filing(session, **args, **{
            "supervised_on": TODAY, "note": "要求公安机关说明不立案理由", **overrides}),
        "progress": lambda: receiver.record_progress(session, **args, **{
            "note": "已对涉案企业负责人刑事拘留", **overrides}),
        "conclude": lambda: receiver.conclude_referral(session, **args, **{
            "outcome": OUTCOME, **overrides}),
        "publish": lambda: receiver.publish_result(session, **args, **{
            "published_on": TODAY, "url": "https://gaj.wz.gov.cn/ys/1.html", **overrides}),
    }
    calls[name]()
    session.flush()
    return fresh(session, referral.id)


def _item_ids(session, referral: Referral) -> list[int]:
    return list(session.scalars(select(ReferralItem.item_id)
                                .where(ReferralItem.referral_id == referral.id)
                                .order_by(ReferralItem.item_id)))

