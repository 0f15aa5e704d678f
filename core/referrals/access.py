"""Who sees and who acts on a referral (docs/domain.md, Referrals).

Everybody but a unit user reads every referral. A unit user reads the referrals its unit sent or
received; a procuratorate (检察院) user also reads the police referrals within its reach that were
not filed (不予立案) or whose filing it supervised, since it records the 立案监督 on them.

Acting: the sender's steps (send, amend, resend, remind, escalate) are a coordinator's or an
admin's; the receiver's steps only a unit user's whose unit is the referral's `to_unit_id`; the
立案监督 only a procuratorate user's whose procuratorate reaches the receiving police: the
municipal procuratorate (no district) reaches every police unit, a district's procuratorate the
police of its own district.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from core.access.permissions import Actor, require
from core.domain import ReferralKind, ReferralStatus, Role, UnitKind
from core.errors import NotFound, PermissionDenied
from core.referrals.states import RECEIVER_TODO
from db.models import Referral, Unit

SENDER, RECEIVER, PROCURATORATE = "sender", "receiver", "procuratorate"


@dataclass(frozen=True)
class UnitFacts:
    """The kind and district of the actor's unit (None for an actor without a unit)."""

    kind: UnitKind | None
    district_id: int | None


def unit_facts(session: Session, actor: Actor) -> UnitFacts:
    """What the actor's unit is: a kind and a district (both None without a unit)."""
    if actor.unit_id is None:
        return UnitFacts(None, None)
    row = session.execute(select(Unit.kind, Unit.district_id).where(Unit.id == actor.unit_id)).first()
    return UnitFacts(UnitKind(row[0]), row[1]) if row else UnitFacts(None, None)


def police_in_reach(facts: UnitFacts):
    """A subquery of the police units a procuratorate of these facts supervises."""
    stmt = select(Unit.id).where(Unit.kind == UnitKind.PUBLIC_SECURITY)
    if facts.district_id is not None:
        stmt = stmt.where(Unit.district_id == facts.district_id)
    return stmt


def referral_scope(session: Session, actor: Actor):
    """A SQL condition on Referral limiting what this actor reads (None: everything)."""
    if actor.role is not Role.UNIT:
        return None
    if actor.unit_id is None:
        return Referral.id.is_(None)
    mine = or_(Referral.from_unit_id == actor.unit_id, Referral.to_unit_id == actor.unit_id)
    facts = unit_facts(session, actor)
    if facts.kind is not UnitKind.PROCURATORATE:
        return mine
    supervised = (Referral.kind == ReferralKind.POLICE) & or_(
        Referral.status == ReferralStatus.NOT_FILED, Referral.filing_supervised.is_(True)) & (
        Referral.to_unit_id.in_(police_in_reach(facts)))
    return or_(mine, supervised)


def readable_referral(session: Session, actor: Actor, referral_id: int) -> Referral:
    """The referral, if this actor may read it; raises PermissionDenied (also for an id a unit
    may not see, so that ids outside its scope tell it nothing) or NotFound."""
    require(actor, "referral.read")
    scope = referral_scope(session, actor)
    if scope is not None:
        if session.scalar(select(Referral.id).where(Referral.id == referral_id, scope)) is None:
            raise PermissionDenied(f"{actor.username} may not read referral {referral_id}")
    referral = session.get(Referral, referral_id, populate_existing=True)
    if referral is None:
        raise NotFound(f"移送案件不存在 / referral {referral_id} does not exist")
    return referral


def side_problem(session: Session, actor: Actor, side: str, referral: Referral) -> str | None:
    """Why this actor may not take a step of `side` on the referral (None: it may). The role
    check (RULES) comes first and is the caller's."""
    if side == SENDER:
        return None
    if actor.role is not Role.UNIT or actor.unit_id is None:
        return f"{actor.username} ({actor.role}) is not a user of the receiving organ"
    if side == RECEIVER:
        if actor.unit_id != referral.to_unit_id:
            return f"{actor.username}'s unit is not the receiver of referral {referral.id}"
        return None
    facts = unit_facts(session, actor)
    if facts.kind is not UnitKind.PROCURATORATE:
        return f"{actor.username}'s unit is not a procuratorate"
    if referral.kind != ReferralKind.POLICE:
        return None   # not a matter of who: the move's state check refuses it, saying why
    reach = session.scalar(police_in_reach(facts).where(Unit.id == referral.to_unit_id))
    if reach is None:
        return f"{actor.username}'s procuratorate does not supervise unit {referral.to_unit_id}"
    return None


def receiver_todo(session: Session, actor: Actor):
    """A SQL condition on Referral: what this unit user still has to record as a receiver (an
    answer, the filing, the outcome; a non-filing its procuratorate has supervised), and, for a
    procuratorate, the police referrals in reach not filed and not yet supervised."""
    if actor.role is not Role.UNIT or actor.unit_id is None:
        return Referral.id.is_(None)
    parts = [and_(Referral.to_unit_id == actor.unit_id, or_(
        Referral.status.in_(RECEIVER_TODO),
        and_(Referral.status == ReferralStatus.NOT_FILED, Referral.filing_supervised.is_(True))))]
    facts = unit_facts(session, actor)
    if facts.kind is UnitKind.PROCURATORATE:
        parts.append(and_(Referral.kind == ReferralKind.POLICE,
                          Referral.status == ReferralStatus.NOT_FILED,
                          Referral.filing_supervised.is_(False),
                          Referral.to_unit_id.in_(police_in_reach(facts))))
    return or_(*parts)
