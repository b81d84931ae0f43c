"""Which children a person may act for (parental responsibility and log access, or the young person themself) and
which of their cases the family may learn of; the guardian-side reads and writes go through here.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.access import policy
from hub.access.policy import Visibility
from hub.audit import service as audit
from hub.auth.principal import Principal
from hub.canonical.vocab import NATIONAL_ID_SYSTEMS
from hub.cases.models import Case
from hub.children.models import Child, ChildIdentifier, Guardian
from hub.consent import service as consents
from hub.consent.models import Consent
from hub.core.errors import AccessDenied
from hub.core.settings import Settings


@dataclass
class Standing:
    child: Child
    guardian: Guardian | None  # None: the young person themself


def standings(session: Session, *, national_id: str) -> list[Standing]:
    result = [
        Standing(child=session.get(Child, g.child_id), guardian=g)
        for g in policy.guardians_of(session, national_id=national_id)
        if policy.may_act_as_guardian(g)
    ]
    own = session.scalars(
        select(Child).join(ChildIdentifier).where(ChildIdentifier.system.in_(NATIONAL_ID_SYSTEMS), ChildIdentifier.value == national_id)
    )
    result += [Standing(child=c, guardian=None) for c in own]
    return result


def standing_for_child(session: Session, *, principal: Principal, child_id: uuid.UUID, action: str) -> Standing:
    for standing in standings(session, national_id=principal.national_id):
        if standing.child.id == child_id:
            return standing
    audit.record(session, principal=principal, action=action, outcome="deny", reason="no parental responsibility with log access", child_id=child_id)
    raise AccessDenied(f"child {child_id} not found", status=404)


def case_for_person(
    session: Session, *, principal: Principal, case_id: uuid.UUID, settings: Settings, action: str
) -> tuple[Case, Standing, Visibility]:
    case = session.get(Case, case_id)
    if case is None:
        audit.record(session, principal=principal, action=action, outcome="deny", reason="no such case", case_id=case_id)
        raise AccessDenied(f"case {case_id} not found", status=404)
    standing = standing_for_child(session, principal=principal, child_id=case.child_id, action=action)
    visibility = visibility_of(session, standing=standing, settings=settings)
    if not known_to_family(session, case=case, visibility=visibility):
        audit.record(session, principal=principal, action=action, outcome="deny", reason="no service the family may know of takes part",
                     case_id=case.id, child_id=case.child_id)
        raise AccessDenied(f"case {case_id} not found", status=404)
    return case, standing, visibility


def known_to_family(session: Session, *, case: Case, visibility: Visibility) -> bool:
    """A case only child welfare or social services take part in is not the family's to learn of (their taking part
    is theirs to tell): the family sees a case once a service it may know of takes part."""
    return bool(policy.shown_participants(session, case=case, visibility=visibility))


def visibility_of(session: Session, *, standing: Standing, settings: Settings) -> Visibility:
    if standing.guardian is None:
        return policy.self_visibility(session, child=standing.child, settings=settings)
    return policy.guardian_visibility(session, child=standing.child, settings=settings)


def consents_shown(session: Session, *, standing: Standing, settings: Settings) -> list[Consent]:
    """The family's own consents, and the legal bases services recorded that tell of no service hidden from them."""
    rows = consents.consents_for(session, child=standing.child)
    legal = policy.shown_consents(session, consents=[c for c in rows if c.basis != "consent"], visibility=visibility_of(session, standing=standing, settings=settings))
    return [c for c in rows if c.basis == "consent" or c in legal]
