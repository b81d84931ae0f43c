"""SIF AU 3.4 constants: namespace, identifier and code systems, code displays and the 3.4.8 element lists.

The element lists were read from SIF_AU_3.4.8_SIF_Message.xsd; an element outside them is newer than 3.4.8.
"""

from __future__ import annotations

from hub.canonical.vocab import Sensitivity

NS = "http://www.sifassociation.org/datamodel/au/3.4"
FORMAT_ID = "sif-au"
MAPPING_VERSION = "sif-au/1"
FORMAT_VERSION = "3.4"

# Identifier systems. A Norwegian fødselsnummer / D-nummer travels as
# <OtherId Type="NorwegianNationalId">…</OtherId> and maps to FNR_SYSTEM / DNR_SYSTEM when it validates.
REFID_STUDENT = "urn:sif:au:refid:StudentPersonal"
REFID_CONTACT = "urn:sif:au:refid:StudentContactPersonal"
REFID_SCHOOL = "urn:sif:au:refid:SchoolInfo"
LOCALID_STUDENT = "urn:sif:au:localid:StudentPersonal"
LOCALID_CONTACT = "urn:sif:au:localid:StudentContactPersonal"
STATE_PROVINCE_ID = "urn:sif:au:state-province-id"
NUSI_SYSTEM = "urn:sif:au:nusi"  # NationalUniqueStudentIdentifier (newer than 3.4.8)
ELECTRONIC_ID_PREFIX = "urn:sif:au:electronic-id:"  # + Type
OTHER_ID_PREFIX = "urn:sif:au:other-id:"  # + Type
NORWEGIAN_ID_TYPE = "NorwegianNationalId"
NORWEGIAN_ID_ALIASES = frozenset({"norwegiannationalid", "fnr", "dnr", "fodselsnummer", "fødselsnummer", "d-nummer"})
LANGUAGE_PREFIX = "ascl:"  # languages are ASCL 1267.0 codes, kept with this prefix

# SIF_ExtendedElement names the hub writes and reads.
RELATED_OBJECTS = "urn:stafett:sif-au:related-objects"
EXT_NUSI = "NationalUniqueStudentIdentifier"

# Code systems for codes the entries carry.
CS_PLAN = "urn:sif:au:codeset:PersonalisedPlanCategory"
CS_ALERT = "urn:sif:au:codeset:WellbeingAlertCategory"
CS_CHARACTERISTIC = "urn:sif:au:codeset:WellbeingCharacteristicCategory"
CS_EVENT_CLASS = "urn:sif:au:codeset:WellbeingEventCategoryClass"
CS_RESPONSE = "urn:sif:au:codeset:WellbeingResponseCategory"
CS_APPEAL = "urn:sif:au:codeset:WellbeingAppealStatus"

PLAN_CATEGORIES = {
    "M": "Medical", "At": "Attendance", "Ac": "Academic", "B": "Behavioural", "S": "Special Needs",
    "L": "Legal", "O": "Other", "W": "Welfare", "R": "Risk",
}
ALERT_CATEGORIES = {
    "M": "Medical", "L": "Legal", "D": "Discipline", "E": "Educational", "S": "SpecialNeeds/Disability",
    "P": "Plan Review", "O": "Other",
}
RESPONSE_CATEGORIES = {"S": "Suspension", "D": "Detention", "A": "Award", "P": "PlanRequired",
                       "M": "MultipleResponse", "O": "Other"}
EVENT_CLASSES = {"P": "Positive", "N": "Negative", "D": "Data Record Only", "O": "Other"}
APPEAL_STATUSES = {"N": "In Progress", "N/S": "Not Specified", "RE": "Rejected", "SU": "Successful"}
RELATIONSHIPS = {
    "01": "Parent", "02": "Step-Parent", "03": "Adoptive Parent", "04": "Foster Parent", "05": "Host Family",
    "06": "Relative", "07": "Friend", "08": "Self", "09": "Other", "10": "Sibling", "11": "Grandparent",
    "12": "Aunt/Uncle", "13": "Nephew/Niece", "14": "Step-Sibling", "00": "Spouse", "32": "Duty Manager",
    "31": "Supervisor", "30": "Case Worker", "20": "Guardian", "40": "Medical Contact", "99": "Not provided",
}
SEX_TO_CANONICAL = {"1": "male", "2": "female", "3": "other", "4": "other", "9": "unknown"}
SEX_TO_SIF = {"male": "1", "female": "2", "other": "3", "unknown": "9"}
NAME_USE = {"LGL": "official", "PRF": "usual", "AKA": "nickname", "BTH": "old", "PRV": "old-previous",
            "MDN": "maiden"}
NAME_TYPE = {use: typ for typ, use in NAME_USE.items()}

# Object privacy ratings of SIF AU 3.4.8 (<privacyRating> on the object type); High and Extreme -> sensitive.
OBJECT_PRIVACY = {
    "StudentPersonal": "Extreme", "StudentSchoolEnrollment": "High", "StudentAttendanceSummary": "Low",
    "PersonalisedPlan": "High", "WellbeingCharacteristic": "High", "WellbeingAlert": "High",
    "WellbeingEvent": "High", "WellbeingResponse": "High", "WellbeingAppeal": "High",
    "WellbeingPersonLink": "High",
}


def privacy_sensitivity(sif_object: str, *, confidential: bool = False) -> Sensitivity:
    """Sensitivity from the object's privacy rating; ConfidentialFlag=Y makes it confidential."""
    if confidential:
        return Sensitivity.confidential
    rating = OBJECT_PRIVACY.get(sif_object, "High")
    return Sensitivity.sensitive if rating in {"High", "Very High", "Extreme"} else Sensitivity.normal


KNOWN_348: dict[str, frozenset[str]] = {
    "StudentPersonal": frozenset(['AlertMessages', 'MedicalAlertMessages', 'LocalId', 'StateProvinceId', 'ElectronicIdList', 'OtherIdList', 'PersonInfo', 'ProjectedGraduationYear', 'OnTimeGraduationYear', 'GraduationDate', 'MostRecent', 'AcceptableUsePolicy', 'GiftedTalented', 'EconomicDisadvantage', 'ESL', 'ESLDateAssessed', 'YoungCarersRole', 'Disability', 'IntegrationAide', 'EducationSupport', 'HomeSchooledStudent', 'Sensitive', 'OfflineDelivery', 'ESLSupport', 'PrePrimaryEducation', 'PrePrimaryEducationHours', 'FirstAUSchoolEnrollment', 'LocalCodeList', 'SIF_Metadata', 'SIF_ExtendedElements']),  # noqa: E501
    "StudentContactPersonal": frozenset(['LocalId', 'OtherIdList', 'PersonInfo', 'EmploymentType', 'SchoolEducationalLevel', 'NonSchoolEducation', 'LocalCodeList', 'SIF_Metadata', 'SIF_ExtendedElements']),
    "StudentContactRelationship": frozenset(['StudentPersonalRefId', 'StudentContactPersonalRefId', 'Relationship', 'ParentRelationshipStatus', 'HouseholdList', 'ContactFlags', 'MainlySpeaksEnglishAtHome', 'ContactSequence', 'ContactSequenceSource', 'SchoolInfoRefId', 'LocalCodeList', 'SIF_Metadata', 'SIF_ExtendedElements']),  # noqa: E501
    "StudentSchoolEnrollment": frozenset(['StudentPersonalRefId', 'SchoolInfoRefId', 'MembershipType', 'LocalId', 'TimeFrame', 'SchoolYear', 'EntryDate', 'EntryType', 'YearLevel', 'Homeroom', 'Advisor', 'Counselor', 'Homegroup', 'ACARASchoolId', 'ClassCode', 'TestLevel', 'ReportingSchool', 'House', 'IndividualLearningPlan', 'Calendar', 'ExitDate', 'ExitStatus', 'ExitType', 'FTE', 'FTPTStatus', 'FFPOS', 'CatchmentStatus', 'RecordClosureReason', 'PromotionInfo', 'PreviousSchool', 'PreviousSchoolName', 'DestinationSchool', 'DestinationSchoolName', 'StudentSubjectChoiceList', 'StartedAtSchoolDate', 'StudentGroupList', 'PublishingPermissionList', 'DisabilityLevelOfAdjustment', 'DisabilityCategory', 'CensusAge', 'DistanceEducationStudent', 'BoardingStatus', 'InternationalStudent', 'TravelDetails', 'LocalCodeList', 'SIF_Metadata', 'SIF_ExtendedElements']),  # noqa: E501
    "StudentAttendanceSummary": frozenset(['StudentPersonalRefId', 'SchoolInfoRefId', 'SchoolYear', 'StartDate', 'EndDate', 'StartDay', 'EndDay', 'FTE', 'DaysAttended', 'ExcusedAbsences', 'UnexcusedAbsences', 'DaysTardy', 'DaysInMembership', 'LocalCodeList', 'SIF_Metadata', 'SIF_ExtendedElements']),  # noqa: E501
    "PersonalisedPlan": frozenset(['LocalId', 'StudentPersonalRefId', 'SchoolInfoRefId', 'PersonalisedPlanCategory', 'PersonalisedPlanStartDate', 'PersonalisedPlanEndDate', 'PersonalisedPlanReviewDate', 'PersonalisedPlanNotes', 'DocumentList', 'AssociatedAttachment', 'LocalCodeList', 'SIF_Metadata', 'SIF_ExtendedElements']),  # noqa: E501
    "WellbeingCharacteristic": frozenset(['LocalId', 'StudentPersonalRefId', 'SchoolInfoRefId', 'WellbeingCharacteristicClassification', 'WellbeingCharacteristicStartDate', 'WellbeingCharacteristicEndDate', 'WellbeingCharacteristicReviewDate', 'WellbeingCharacteristicNotes', 'WellbeingCharacteristicCategory', 'WellbeingCharacteristicSubCategory', 'LocalCharacteristicCode', 'CharacteristicSeverity', 'SymptomList', 'DailyManagement', 'EmergencyManagement', 'EmergencyResponsePlan', 'Trigger', 'ConfidentialFlag', 'Alert', 'MedicationList', 'DocumentList', 'LocalCodeList', 'SIF_Metadata', 'SIF_ExtendedElements']),  # noqa: E501
    "WellbeingAlert": frozenset(['LocalId', 'StudentPersonalRefId', 'SchoolInfoRefId', 'Date', 'WellbeingAlertStartDate', 'WellbeingAlertEndDate', 'WellbeingAlertCategory', 'WellbeingAlertDescription', 'EnrolmentRestricted', 'AlertAudience', 'AlertSeverity', 'AlertKeyContact', 'LocalCodeList', 'SIF_Metadata', 'SIF_ExtendedElements']),  # noqa: E501
    "WellbeingEvent": frozenset(['StudentPersonalRefId', 'GroupIndicator', 'SchoolInfoRefId', 'EventId', 'WellbeingEventNotes', 'WellbeingEventCategoryClass', 'WellbeingEventCategoryList', 'ReportingStaffRefId', 'WellbeingEventLocationDetails', 'WellbeingEventCreationTimeStamp', 'WellbeingEventDate', 'WellbeingEventTime', 'WellbeingEventDescription', 'WellbeingEventTimePeriod', 'ConfidentialFlag', 'PersonInvolvementList', 'FollowUpActionList', 'Status', 'DocumentList', 'LocalCodeList', 'SIF_Metadata', 'SIF_ExtendedElements']),  # noqa: E501
    "WellbeingResponse": frozenset(['LocalId', 'StudentPersonalRefId', 'SchoolInfoRefId', 'Date', 'WellbeingResponseStartDate', 'WellbeingResponseEndDate', 'WellbeingResponseCategory', 'WellbeingResponseNotes', 'PersonInvolvementList', 'Suspension', 'Detention', 'PlanRequired', 'Award', 'OtherResponse', 'DocumentList', 'LocalCodeList', 'SIF_Metadata', 'SIF_ExtendedElements']),  # noqa: E501
    "WellbeingAppeal": frozenset(['LocalId', 'StudentPersonalRefId', 'SchoolInfoRefId', 'WellbeingResponseRefId', 'LocalAppealId', 'AppealStatusCode', 'Date', 'AppealNotes', 'AppealOutcome', 'DocumentList', 'LocalCodeList', 'SIF_Metadata', 'SIF_ExtendedElements']),  # noqa: E501
    "WellbeingPersonLink": frozenset(['LocalId', 'WellbeingEventRefId', 'WellbeingResponseRefId', 'GroupId', 'PersonRefId', 'ShortName', 'HowInvolved', 'OtherPersonId', 'OtherPersonContactDetails', 'PersonRole', 'FollowUpActionList', 'LocalCodeList', 'SIF_Metadata', 'SIF_ExtendedElements']),  # noqa: E501
    "PersonInfo": frozenset(['Name', 'OtherNames', 'Demographics', 'AddressList', 'PhoneNumberList', 'EmailList', 'HouseholdContactInfoList']),
    "Demographics": frozenset(['IndigenousStatus', 'Sex', 'BirthDate', 'DateOfDeath', 'Deceased', 'BirthDateVerification', 'PlaceOfBirth', 'StateOfBirth', 'CountryOfBirth', 'CountriesOfCitizenship', 'CountriesOfResidency', 'CountryArrivalDate', 'AustralianCitizenshipStatus', 'EnglishProficiency', 'LanguageList', 'DwellingArrangement', 'Religion', 'ReligiousEventList', 'ReligiousRegion', 'PermanentResident', 'VisaSubClass', 'VisaStatisticalCode', 'VisaExpiryDate', 'VisaSubClassList', 'LBOTE', 'InterpreterRequired', 'ImmunisationCertificateStatus', 'CulturalBackground', 'MaritalStatus', 'MedicareNumber']),  # noqa: E501
    "ContactFlags": frozenset(['ParentLegalGuardian', 'PickupRights', 'LivesWith', 'AccessToRecords', 'ReceivesAssessmentReport', 'EmergencyContact', 'HasCustody', 'DisciplinaryContact', 'AttendanceContact', 'PrimaryCareProvider', 'FeesBilling', 'FeesAccess', 'FamilyMail', 'InterventionOrder']),  # noqa: E501
}

# Attribute carrying each object's own GUID (most use RefId).
REFID_ATTRIBUTE = {
    "StudentContactRelationship": "StudentContactRelationshipRefId",
    "StudentAttendanceSummary": "StudentAttendanceSummaryRefId",
}
