"""The hub's controlled vocabularies (sectors, categories, kinds, statuses), and the national identifier systems.

Shared by the ORM, the API schemas and every adapter, so a value means the same everywhere.
"""

from enum import StrEnum

from hub.canonical import national as _national

# Identifier systems the hub gives a meaning to are declared in hub.canonical.national (and by each adapter); the
# national ones are re-exported here, where adapters and tests have always imported them.
FNR_SYSTEM = _national.FNR_SYSTEM
DNR_SYSTEM = _national.DNR_SYSTEM
ORGNR_SYSTEM = _national.ORGNR_SYSTEM
HPR_SYSTEM = _national.HPR_SYSTEM
KOMMUNENUMMER_SYSTEM = _national.KOMMUNENUMMER_SYSTEM
NATIONAL_ID_SYSTEMS = _national.NATIONAL_ID_SYSTEMS


class Sector(StrEnum):
    health = "health"
    school = "school"
    kindergarten = "kindergarten"
    child_welfare = "child_welfare"
    ppt = "ppt"
    nav = "nav"
    social = "social"
    municipality = "municipality"
    other = "other"


class Category(StrEnum):
    health = "health"
    education = "education"
    early_childhood = "early_childhood"
    child_welfare = "child_welfare"
    social = "social"
    home = "home"


class Sensitivity(StrEnum):
    normal = "normal"
    sensitive = "sensitive"
    confidential = "confidential"


class EntryKind(StrEnum):
    note = "note"
    meeting = "meeting"
    observation = "observation"
    assessment = "assessment"
    concern = "concern"
    referral = "referral"
    decision = "decision"
    document = "document"
    alert = "alert"
    enrolment = "enrolment"
    attendance = "attendance"
    highlight = "highlight"


class CaseStatus(StrEnum):
    open = "open"
    closed = "closed"
    transferred_out = "transferred_out"
    handed_off = "handed_off"


class ParentalResponsibility(StrEnum):
    """HL7 Norway 'foreldreansvar' codes."""

    felles = "felles"
    mor = "mor"
    far = "far"
    medmor = "medmor"
    andre = "andre"
    ukjent = "ukjent"


class LogAccess(StrEnum):
    """A guardian's access to the log: granted (by the case's coordinator or an authoritative registry), pending
    (a service or a payload asked for it; the coordinator has not confirmed), none."""

    granted = "granted"
    pending = "pending"
    none = "none"


class GoalStatus(StrEnum):
    proposed = "proposed"
    active = "active"
    achieved = "achieved"
    cancelled = "cancelled"


class MeasureStatus(StrEnum):
    planned = "planned"
    active = "active"
    completed = "completed"
    stopped = "stopped"


class AuthorKind(StrEnum):
    organization = "organization"
    person = "person"
    guardian = "guardian"
    system = "system"


class ConsentGiver(StrEnum):
    guardian = "guardian"
    child = "child"


class ConsentStatus(StrEnum):
    """A consent's state as its source said (FHIR R4 consent-state-codes); only `active` can be in force."""

    draft = "draft"
    proposed = "proposed"
    active = "active"
    rejected = "rejected"
    inactive = "inactive"
    entered_in_error = "entered-in-error"


class ConsentBasis(StrEnum):
    consent = "consent"  # given by the guardians or the young person
    legal = "legal"  # a legal basis an authority recorded (barnevernloven, the municipality's duty)


class SourceStanding(StrEnum):
    """Who a source of a child's demographics was to that child when it sent them (best first)."""

    authoritative = "authoritative"  # the national registry, or a source configured as it (HUB_AUTHORITATIVE_SOURCES)
    service = "service"  # takes part in one of the child's cases (or was the first to know the child; or the hub)
    stranger = "stranger"  # takes part in none of the child's cases, which others do: kept, never shown


# Sector of an organisation -> the category its entries carry by default.
DEFAULT_CATEGORY_FOR_SECTOR: dict[Sector, Category] = {
    Sector.health: Category.health,
    Sector.school: Category.education,
    Sector.kindergarten: Category.early_childhood,
    Sector.child_welfare: Category.child_welfare,
    Sector.ppt: Category.education,
    Sector.nav: Category.social,
    Sector.social: Category.social,
    Sector.municipality: Category.social,
    Sector.other: Category.social,
}
