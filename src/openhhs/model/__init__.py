"""The common data model (PRODUCT.md §2.1): what every agency's records are loaded into."""

from openhhs.model import codes
from openhhs.model.agency import Agency, SourceSystem
from openhhs.model.document import Document
from openhhs.model.event import Event
from openhhs.model.household import Expense, Household, HouseholdMember, Income
from openhhs.model.lineage import IngestBatch, QuarantinedRow
from openhhs.model.person import (
    PersonAddress,
    PersonIdentifier,
    PersonLanguage,
    PersonName,
    PersonPhone,
    PersonRace,
    SourcePerson,
)
from openhhs.model.program import Enrollment, Program

__all__ = [
    "Agency",
    "Document",
    "Enrollment",
    "Event",
    "Expense",
    "Household",
    "HouseholdMember",
    "Income",
    "IngestBatch",
    "PersonAddress",
    "PersonIdentifier",
    "PersonLanguage",
    "PersonName",
    "PersonPhone",
    "PersonRace",
    "Program",
    "QuarantinedRow",
    "SourcePerson",
    "SourceSystem",
    "codes",
]
