"""Code lists of the common data model.

Values that other standards define keep those standards' spellings: income, expense, frequency,
household member and rental types are the NYC Benefits Screening API enums, so a benefits record
can be screened without translation; race and ethnicity follow the 2024 revision of OMB SPD-15.
Missing data is never a code value: every coded field has a sibling `*_missing` column holding a
`MissingReason`, so "refused" stays distinct from "not collected" and from a real answer.
"""

from __future__ import annotations

from enum import StrEnum


class MissingReason(StrEnum):
    DONT_KNOW = "dont_know"  # HMIS 8: client doesn't know
    REFUSED = "refused"  # HMIS 9: client prefers not to answer
    NOT_COLLECTED = "not_collected"  # HMIS 99: data not collected


class Agency(StrEnum):
    HRA = "HRA"
    DHS = "DHS"
    ACS = "ACS"
    DOE = "DOE"
    NYCHA = "NYCHA"
    DOHMH = "DOHMH"
    DOC = "DOC"
    DFTA = "DFTA"


AGENCY_NAMES: dict[Agency, str] = {
    Agency.HRA: "Human Resources Administration (cash assistance, SNAP, Medicaid)",
    Agency.DHS: "Department of Homeless Services (shelter)",
    Agency.ACS: "Administration for Children's Services (child welfare)",
    Agency.DOE: "Department of Education (schools)",
    Agency.NYCHA: "New York City Housing Authority (public housing)",
    Agency.DOHMH: "Department of Health and Mental Hygiene (mental health)",
    Agency.DOC: "Department of Correction (jail)",
    Agency.DFTA: "Department for the Aging (aging services)",
}


class Sex(StrEnum):
    """Sex as recorded by the agency (HMIS FY2026 3.06a uses female/male)."""

    FEMALE = "F"
    MALE = "M"
    X = "X"  # neither / intersex / non-binary marker on an ID


class GenderIdentity(StrEnum):
    WOMAN = "woman"
    MAN = "man"
    NON_BINARY = "non_binary"
    TRANSGENDER = "transgender"
    QUESTIONING = "questioning"
    CULTURALLY_SPECIFIC = "culturally_specific"
    DIFFERENT = "different"


class Race(StrEnum):
    """SPD-15 (2024) minimum categories; a person may have several (multi-select)."""

    AIAN = "AIAN"  # American Indian or Alaska Native
    ASIAN = "ASIAN"
    BLACK = "BLACK"  # Black or African American
    HISPANIC = "HISPANIC"  # Hispanic or Latino
    MENA = "MENA"  # Middle Eastern or North African
    NHPI = "NHPI"  # Native Hawaiian or Pacific Islander
    WHITE = "WHITE"


class NameKind(StrEnum):
    LEGAL = "legal"
    ALIAS = "alias"
    PREFERRED = "preferred"
    MAIDEN = "maiden"
    PREVIOUS = "previous"


class AddressKind(StrEnum):
    RESIDENTIAL = "residential"
    MAILING = "mailing"
    SHELTER = "shelter"
    FACILITY = "facility"  # jail, hospital, group home


class PhoneKind(StrEnum):
    MOBILE = "mobile"
    HOME = "home"
    WORK = "work"
    OTHER = "other"


class IdentifierKind(StrEnum):
    CASE_NUMBER = "case_number"
    MEDICAID_CIN = "medicaid_cin"
    NYSID = "nysid"  # NY State identification number (criminal justice)
    BOOK_AND_CASE = "book_and_case"  # DOC booking number
    STUDENT_ID = "student_id"  # DOE OSIS
    HMIS_PERSONAL_ID = "hmis_personal_id"
    NYCHA_TENANT_ID = "nycha_tenant_id"
    OTHER = "other"


class Living(StrEnum):
    RENTING = "renting"
    OWNER = "owner"
    STAYING_WITH_FRIEND = "staying_with_friend"
    HOTEL = "hotel"
    SHELTER = "shelter"
    PREFER_NOT_TO_SAY = "prefer_not_to_say"


class RentalType(StrEnum):
    """NYC Benefits Screening API `livingRentalType`."""

    NYCHA = "NYCHA"
    MARKET_RATE = "MarketRate"
    RENT_CONTROLLED = "RentControlled"
    RENT_REGULATED_HOTEL = "RentRegulatedHotel"
    SECTION_213 = "Section213"
    LIMITED_DIVIDEND = "LimitedDividendDevelopment"
    MITCHELL_LAMA = "MitchellLama"
    REDEVELOPMENT_COMPANY = "RedevelopmentCompany"
    HDFC = "HDFC"
    FAMILY_HOME = "FamilyHome"
    CONDO = "Condo"


class HouseholdRelationship(StrEnum):
    """NYC Benefits Screening API `householdMemberType`."""

    HEAD = "HeadOfHousehold"
    CHILD = "Child"
    FOSTER_CHILD = "FosterChild"
    STEP_CHILD = "StepChild"
    GRANDCHILD = "Grandchild"
    SPOUSE = "Spouse"
    PARENT = "Parent"
    FOSTER_PARENT = "FosterParent"
    STEP_PARENT = "StepParent"
    GRANDPARENT = "Grandparent"
    SIBLING = "SisterBrother"
    STEP_SIBLING = "StepSisterStepBrother"
    BOYFRIEND_GIRLFRIEND = "BoyfriendGirlfriend"
    DOMESTIC_PARTNER = "DomesticPartner"
    UNRELATED = "Unrelated"
    OTHER = "Other"


class IncomeType(StrEnum):
    """NYC Benefits Screening API income `type`."""

    WAGES = "Wages"
    SELF_EMPLOYMENT = "SelfEmployment"
    UNEMPLOYMENT = "Unemployment"
    CASH_ASSISTANCE = "CashAssistance"
    CHILD_SUPPORT = "ChildSupport"
    DISABILITY_MEDICAID = "DisabilityMedicaid"
    SSI = "SSI"
    SS_DEPENDENT = "SSDependent"
    SS_DISABILITY = "SSDisability"
    SS_SURVIVOR = "SSSurvivor"
    SS_RETIREMENT = "SSRetirement"
    NYS_DISABILITY = "NYSDisability"
    VETERAN = "Veteran"
    PENSION = "Pension"
    DEFERRED_COMP = "DeferredComp"
    WORKERS_COMP = "WorkersComp"
    ALIMONY = "Alimony"
    BOARDER = "Boarder"
    GIFTS = "Gifts"
    RENTAL = "Rental"
    INVESTMENT = "Investment"


class ExpenseType(StrEnum):
    """NYC Benefits Screening API expense `type`."""

    CHILD_CARE = "ChildCare"
    CHILD_SUPPORT = "ChildSupport"
    DEPENDENT_CARE = "DependentCare"
    RENT = "Rent"
    MEDICAL = "Medical"
    HEATING = "Heating"
    COOLING = "Cooling"
    MORTGAGE = "Mortgage"
    UTILITIES = "Utilities"
    TELEPHONE = "Telephone"
    INSURANCE_PREMIUMS = "InsurancePremiums"


class Frequency(StrEnum):
    WEEKLY = "Weekly"
    BIWEEKLY = "Biweekly"
    MONTHLY = "Monthly"
    SEMIMONTHLY = "Semimonthly"
    YEARLY = "Yearly"


PERIODS_PER_YEAR: dict[Frequency, int] = {
    Frequency.WEEKLY: 52,
    Frequency.BIWEEKLY: 26,
    Frequency.SEMIMONTHLY: 24,
    Frequency.MONTHLY: 12,
    Frequency.YEARLY: 1,
}


class ProgramArea(StrEnum):
    BENEFITS = "benefits"
    SHELTER = "shelter"
    CHILD_WELFARE = "child_welfare"
    EDUCATION = "education"
    HOUSING = "housing"
    MENTAL_HEALTH = "mental_health"
    JUSTICE = "justice"
    AGING = "aging"


class SensitiveCategory(StrEnum):
    """Categories whose disclosure needs more than an agreement (consent or a specific purpose)."""

    MENTAL_HEALTH = "mental_health"  # NY MHL 33.13
    SUBSTANCE_USE = "substance_use"  # 42 CFR Part 2
    HIV = "hiv"  # NY PHL Article 27-F
    DOMESTIC_VIOLENCE = "domestic_violence"
    REPRODUCTIVE_HEALTH = "reproductive_health"
    EDUCATION_RECORD = "education_record"  # FERPA
    JUSTICE = "justice"
    CHILD_WELFARE = "child_welfare"  # NY SSL 372, 422


class EnrollmentStatus(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    CLOSED = "closed"
    DENIED = "denied"


class EventType(StrEnum):
    CASE_OPENED = "case_opened"
    CASE_CLOSING = "case_closing"  # a case is scheduled to close
    CASE_CLOSED = "case_closed"
    SHELTER_ENTRY = "shelter_entry"
    SHELTER_EXIT = "shelter_exit"
    JAIL_BOOKING = "jail_booking"
    JAIL_RELEASE = "jail_release"
    PLACEMENT = "placement"  # foster care placement
    PLACEMENT_END = "placement_end"
    MH_SERVICE = "mh_service"  # a mental-health service contact
    MOVE = "move"  # change of address
    SCHOOL_ENROLLMENT = "school_enrollment"
    SCHOOL_EXIT = "school_exit"
    BENEFIT_APPLICATION = "benefit_application"
    HOSPITAL_DISCHARGE = "hospital_discharge"
    DEATH = "death"


class DocumentType(StrEnum):
    BIRTH_CERTIFICATE = "birth_certificate"
    SSN_CARD = "ssn_card"
    PHOTO_ID = "photo_id"
    PASSPORT = "passport"
    IMMIGRATION_DOCUMENT = "immigration_document"
    LEASE = "lease"
    PAY_STUB = "pay_stub"
    BENEFIT_LETTER = "benefit_letter"
    UTILITY_BILL = "utility_bill"
    SCHOOL_RECORD = "school_record"
    MEDICAL_RECORD = "medical_record"
    COURT_ORDER = "court_order"
    OTHER = "other"


class BatchMode(StrEnum):
    FULL = "full"  # a complete extract: rows absent from it become tombstones
    INCREMENTAL = "incremental"  # only changed rows; deletions are flagged explicitly
    API = "api"  # pushed through the REST API


class BatchStatus(StrEnum):
    RUNNING = "running"
    COMMITTED = "committed"
    FAILED = "failed"  # rolled back; nothing of it stored
