"""Standardization: agency values in, comparable standard values plus flags out.

Every function is pure, never raises on garbage (it reports it in `flags`) and returns a
frozen dataclass. Ingest stores the values and flags; linkage compares the values.
"""

from openhhs.standardize.address import StdAddress, standardize_address, standardize_zip
from openhhs.standardize.codes import (
    HMIS_RACE_CODES,
    CodeResult,
    GenderResult,
    RaceResult,
    map_gender_identity,
    map_language,
    map_race,
    map_sex,
    us_core_race_ethnicity,
)
from openhhs.standardize.dates import StdDate, standardize_date
from openhhs.standardize.geo import ZipInfo, enrich_zip
from openhhs.standardize.names import (
    FullName,
    StdName,
    canonical_given_name,
    parse_full_name,
    standardize_name,
)
from openhhs.standardize.phone import StdPhone, standardize_phone
from openhhs.standardize.ssn import StdSSN, standardize_ssn

__all__ = [
    "HMIS_RACE_CODES",
    "CodeResult",
    "FullName",
    "GenderResult",
    "RaceResult",
    "StdAddress",
    "StdDate",
    "StdName",
    "StdPhone",
    "StdSSN",
    "ZipInfo",
    "canonical_given_name",
    "enrich_zip",
    "map_gender_identity",
    "map_language",
    "map_race",
    "map_sex",
    "parse_full_name",
    "standardize_address",
    "standardize_date",
    "standardize_name",
    "standardize_phone",
    "standardize_ssn",
    "standardize_zip",
    "us_core_race_ethnicity",
]
