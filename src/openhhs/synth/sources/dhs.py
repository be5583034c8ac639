"""DHS shelter system as a HUD HMIS CSV export (FY2024 layout) in `dhs/hmis_export.zip`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from openhhs.synth import data
from openhhs.synth.corrupt import PLACEHOLDER_DOB, Profile
from openhhs.synth.population import (
    AS_OF_1,
    CHILD,
    ELDER,
    FAMILY,
    HEAD,
    PARTNER,
    SINGLE,
    SINGLE_PARENT,
    SPOUSE,
    START,
    THREE_GEN,
    Person,
)
from openhhs.synth.sources.base import Context, PersonRecord, Row, SourceData, Table, link_row

SOURCE = "DHS"
PROFILE = Profile(ssn_missing=0.12, phone_missing=1.0, middle_missing=0.5, ascii_only=False)
ZIP = "dhs/hmis_export.zip"
TRAILER = ("DateCreated", "DateUpdated", "UserID", "DateDeleted", "ExportID")
EXPORT_ID = "DHSNYC"

EXPORT_COLUMNS = (
    "ExportID", "SourceType", "SourceID", "SourceName", "SourceContactFirst", "SourceContactLast",
    "SourceContactPhone", "SourceContactExtension", "SourceContactEmail", "ExportDate",
    "ExportStartDate", "ExportEndDate", "SoftwareName", "SoftwareVersion", "CSVVersion",
    "ExportPeriodType", "ExportDirective", "HashStatus", "ImplementationID",
)  # fmt: skip
ORGANIZATION_COLUMNS = (
    "OrganizationID", "OrganizationName", "VictimServiceProvider", "OrganizationCommonName",
    *TRAILER,
)  # fmt: skip
PROJECT_COLUMNS = (
    "ProjectID", "OrganizationID", "ProjectName", "ProjectCommonName", "OperatingStartDate",
    "OperatingEndDate", "ContinuumProject", "ProjectType", "HousingType", "RRHSubType",
    "ResidentialAffiliation", "TargetPopulation", "HOPWAMedAssistedLivingFac", "PITCount",
    *TRAILER,
)  # fmt: skip
USER_COLUMNS = (
    "UserID", "UserFirstName", "UserLastName", "UserPhone", "UserExtension", "UserEmail",
    "DateCreated", "DateUpdated", "DateDeleted", "ExportID",
)  # fmt: skip
CLIENT_COLUMNS = (
    "PersonalID", "FirstName", "MiddleName", "LastName", "NameSuffix", "NameDataQuality", "SSN",
    "SSNDataQuality", "DOB", "DOBDataQuality", "AmIndAKNative", "Asian", "BlackAfAmerican",
    "HispanicLatinaeo", "MidEastNAfrican", "NativeHIPacific", "White", "RaceNone",
    "AdditionalRaceEthnicity", "Woman", "Man", "NonBinary", "CulturallySpecific", "Transgender",
    "Questioning", "DifferentIdentity", "GenderNone", "DifferentIdentityText", "VeteranStatus",
    "YearEnteredService", "YearSeparated", "WorldWarII", "KoreanWar", "VietnamWar",
    "DesertStorm", "AfghanistanOEF", "IraqOIF", "IraqOND", "OtherTheater", "MilitaryBranch",
    "DischargeStatus", *TRAILER,
)  # fmt: skip
GENDER_COLUMNS = (
    "Woman", "Man", "NonBinary", "CulturallySpecific", "Transgender", "Questioning",
    "DifferentIdentity", "GenderNone", "DifferentIdentityText",
)  # fmt: skip
# FY2026 (effective 2025-10-01): gender leaves the CSV, 4.21 Sex arrives, Hispanic is relabelled.
CLIENT_COLUMNS_2026 = tuple(
    "HispanicLatinao" if c == "HispanicLatinaeo" else c
    for c in CLIENT_COLUMNS
    if c not in GENDER_COLUMNS
)
CLIENT_COLUMNS_2026 = (
    *CLIENT_COLUMNS_2026[: CLIENT_COLUMNS_2026.index("VeteranStatus")],
    "Sex",
    *CLIENT_COLUMNS_2026[CLIENT_COLUMNS_2026.index("VeteranStatus") :],
)
ENROLLMENT_COLUMNS = (
    "EnrollmentID", "PersonalID", "ProjectID", "EntryDate", "HouseholdID", "RelationshipToHoH",
    "EnrollmentCoC", "LivingSituation", "RentalSubsidyType", "LengthOfStay", "LOSUnderThreshold",
    "PreviousStreetESSH", "DateToStreetESSH", "TimesHomelessPastThreeYears",
    "MonthsHomelessPastThreeYears", "DisablingCondition", "DateOfEngagement", "MoveInDate",
    "DateOfPATHStatus", "ClientEnrolledInPATH", "ReasonNotEnrolled", "PercentAMI",
    "ReferralSource", "CountOutreachReferralApproaches", "DateOfBCPStatus", "EligibleForRHY",
    "ReasonNoServices", "RunawayYouth", "SexualOrientation", "SexualOrientationOther",
    "FormerWardChildWelfare", "ChildWelfareYears", "ChildWelfareMonths",
    "FormerWardJuvenileJustice", "JuvenileJusticeYears", "JuvenileJusticeMonths",
    "UnemploymentFam", "MentalHealthDisorderFam", "PhysicalDisabilityFam",
    "AlcoholDrugUseDisorderFam", "InsufficientIncome", "IncarceratedParent", "VAMCStation",
    "TargetScreenReqd", "TimeToHousingLoss", "AnnualPercentAMI", "LiteralHomelessHistory",
    "ClientLeaseholder", "HOHLeaseholder", "SubsidyAtRisk", "EvictionHistory", "CriminalRecord",
    "IncarceratedAdult", "PrisonDischarge", "SexOffender", "DisabledHoH", "CurrentPregnant",
    "SingleParent", "DependentUnder6", "HH5Plus", "CoCPrioritized", "HPScreeningScore",
    "ThresholdScore", "TranslationNeeded", "PreferredLanguage", "PreferredLanguageDifferent",
    *TRAILER,
)  # fmt: skip
EXIT_COLUMNS = (
    "ExitID", "EnrollmentID", "PersonalID", "ExitDate", "Destination", "DestinationSubsidyType",
    "OtherDestination", "HousingAssessment", "SubsidyInformation", "ProjectCompletionStatus",
    "EarlyExitReason", "ExchangeForSex", "ExchangeForSexPastThreeMonths", "CountOfExchangeForSex",
    "AskedOrForcedToExchangeForSex", "AskedOrForcedToExchangeForSexPastThreeMonths",
    "WorkPlaceViolenceThreats", "WorkplacePromiseDifference", "CoercedToContinueWork",
    "LaborExploitPastThreeMonths", "CounselingReceived", "IndividualCounseling",
    "FamilyCounseling", "GroupCounseling", "SessionCountAtExit", "PostExitCounselingPlan",
    "SessionsInPlan", "DestinationSafeClient", "DestinationSafeWorker", "PosAdultConnections",
    "PosPeerConnections", "PosCommunityConnections", "AftercareDate", "AftercareProvided",
    "EmailSocialMedia", "Telephone", "InPersonIndividual", "InPersonGroup", "CMExitReason",
    *TRAILER,
)  # fmt: skip
SERVICES_COLUMNS = (
    "ServicesID", "EnrollmentID", "PersonalID", "DateProvided", "RecordType", "TypeProvided",
    "OtherTypeProvided", "MovingOnOtherType", "SubTypeProvided", "FAAmount", "FAStartDate",
    "FAEndDate", "ReferralOutcome", *TRAILER,
)  # fmt: skip

RELATIONSHIP = {HEAD: "1", CHILD: "2", SPOUSE: "3", PARTNER: "3"}
RACE_COLUMNS = {
    "AIAN": "AmIndAKNative", "ASIAN": "Asian", "BLACK": "BlackAfAmerican",
    "HISPANIC": "HispanicLatinaeo", "MENA": "MidEastNAfrican", "NHPI": "NativeHIPacific",
    "WHITE": "White",
}  # fmt: skip
PRIOR_LIVING = ("116", "101", "207", "312", "313", "410", "435", "422")
DESTINATIONS = ("410", "435", "422", "423", "116", "207", "101", "17", "30")


def _hex(ctx: Context, namespace: str) -> str:
    return ctx.ids.new(namespace, lambda r: f"{r.getrandbits(128):032x}")


def _ts(day: int, minute: int) -> str:
    d = dt.datetime.combine(dt.date.fromordinal(day), dt.time(8 + minute // 60 % 10, minute % 60))
    return d.strftime("%Y-%m-%d %H:%M:%S")


def _for_men(project_name: str) -> bool:
    return "MEN'S" in project_name and "WOMEN'S" not in project_name


def build(ctx: Context) -> SourceData:
    r = ctx.r
    src = SourceData(
        SOURCE,
        rows={"projects": [], "users": [], "enrollments": [], "exits": [], "services": []},
    )
    projects = []
    for i, (org, names) in enumerate(data.DHS_PROVIDERS):
        for j, name in enumerate(names):
            night_by_night = _for_men(name)
            family = "FAMILY" in name or "ARMORY" in name
            projects.append((f"{100 + i * 10 + j}", f"{i + 1}", org, name, night_by_night, family))
    src.rows["projects"] = [
        {"ProjectID": p[0], "OrganizationID": p[1], "Org": p[2], "ProjectName": p[3],
         "ProjectType": "1" if p[4] else "0", "HousingType": "2" if p[5] else "1"}
        for p in projects
    ]  # fmt: skip
    family_projects = [p for p in projects if p[5]] or projects
    adult_projects = [p for p in projects if not p[5]] or projects
    by_person: dict[int, PersonRecord] = {}
    for hh in ctx.city.households:
        if hh.kind in (FAMILY, SINGLE_PARENT, THREE_GEN):
            rate = 0.07 if hh.poor else 0.004
        elif hh.kind in (SINGLE, ELDER):
            rate = 0.08 if hh.poor else 0.01
        else:
            rate = 0.02 if hh.poor else 0.002
        if r.random() >= rate:
            continue
        members = [ctx.city.people[m] for m in hh.members]
        if hh.kind not in (FAMILY, SINGLE_PARENT, THREE_GEN):
            members = [m for m in members if m.role == HEAD]
        stays = r.choices((1, 2, 3), weights=(70, 22, 8))[0]
        day = ctx.day_between(START, AS_OF_1 - 60)
        for _ in range(stays):
            if day >= AS_OF_1:
                break
            nbn = False
            if len(members) > 1:
                project = family_projects[r.randrange(len(family_projects))]
                los = r.randrange(60, 600)
            else:
                # Single adults go to a shelter for their sex (men's vs women's/general sites).
                mens = members[0].sex == "M"
                fits = [p for p in adult_projects if _for_men(p[3]) == mens] or adult_projects
                project = fits[r.randrange(len(fits))]
                nbn = project[4]
                los = r.randrange(1, 45) if nbn else r.randrange(20, 400)
            exit_day = day + los
            stay(ctx, src, by_person, members, day, exit_day if exit_day < AS_OF_1 else None,
                  project[0], nbn)  # fmt: skip
            day = exit_day + r.randrange(30, 700)
    ctx.involved[SOURCE] = set(by_person)
    return src


def stay(
    ctx: Context,
    src: SourceData,
    by_person: dict[int, PersonRecord],
    members: list[Person],
    entry: int,
    exit_day: int | None,
    project: str,
    night_by_night: bool,
) -> None:
    r = ctx.r
    household_id = _hex(ctx, "dhs.household")
    office = next(p["ProjectName"] for p in src.rows["projects"] if p["ProjectID"] == project)
    worker = ctx.worker(SOURCE, office, "dhs.nyc.gov")
    user_id = _user(src, worker)
    for person in members:
        if person.dob > entry:
            continue
        rec = by_person.get(person.id)
        if rec is None or r.random() < 0.04:  # a new PersonalID: intake missed the old one
            rec = PersonRecord(
                SOURCE,
                _hex(ctx, "dhs.personal"),
                person.id,
                entry,
                ctx.view(person, entry, PROFILE),
                {"user": user_id, "created": entry, "updated": entry},
            )
            src.records.append(rec)
            by_person[person.id] = rec
        rec.extra["updated"] = max(rec.extra["updated"], exit_day or entry)
        ctx.mark(SOURCE, person.id, entry)
        enrollment_id = _hex(ctx, "dhs.enrollment")
        alone = len(members) == 1
        rel = "1" if alone or person.role == HEAD else RELATIONSHIP.get(person.role, "4")
        src.rows["enrollments"].append(
            {
                "EnrollmentID": enrollment_id,
                "PersonalID": rec.key,
                "ProjectID": project,
                "EntryDate": entry,
                "HouseholdID": household_id,
                "RelationshipToHoH": rel,
                "EnrollmentCoC": "NY-600" if rel == "1" else "",  # NYC CoC, for the HoH
                "LivingSituation": r.choice(PRIOR_LIVING) if rel == "1" else "",
                "DisablingCondition": r.choices(("0", "1", "8", "99"), weights=(70, 20, 3, 7))[0],
                "UserID": user_id,
                "DateDeleted": "",
            }
        )
        if exit_day is not None:
            src.rows["exits"].append(
                {
                    "ExitID": _hex(ctx, "dhs.exit"),
                    "EnrollmentID": enrollment_id,
                    "PersonalID": rec.key,
                    "ExitDate": exit_day,
                    "Destination": r.choice(DESTINATIONS),
                    "UserID": user_id,
                    "DateDeleted": "",
                }
            )
        if night_by_night:
            last = exit_day if exit_day is not None else AS_OF_1
            for night in range(entry, last):
                src.rows["services"].append(
                    {
                        "ServicesID": _hex(ctx, "dhs.service"),
                        "EnrollmentID": enrollment_id,
                        "PersonalID": rec.key,
                        "DateProvided": night,
                        "UserID": user_id,
                        "DateDeleted": "",
                    }
                )


def _user(src: SourceData, worker: Any) -> str:
    for u in src.rows["users"]:
        if u["UserEmail"] == worker.email:
            return str(u["UserID"])
    user_id = f"{len(src.rows['users']) + 1001}"
    first, _, last = worker.name.partition(" ")
    src.rows["users"].append(
        {"UserID": user_id, "UserFirstName": first, "UserLastName": last,
         "UserPhone": worker.phone.replace("-", ""), "UserEmail": worker.email}
    )  # fmt: skip
    return user_id


def _client_row(ctx: Context, rec: PersonRecord) -> tuple[list[str], Row]:
    v, person = rec.view, ctx.city.people[rec.person]
    r_u = (rec.person * 2654435761 + len(rec.key)) % 1000 / 1000  # stable per record
    ssn, ssn_q = v.ssn, "1"
    if not ssn:
        ssn_q = "99" if r_u < 0.6 else ("8" if r_u < 0.8 else "9")
    elif r_u < 0.06:
        ssn, ssn_q = "xxxxx" + ssn[5:], "2"
    dob, dob_q = v.dob, "1"
    if dob is None:
        dob_q = "99"
    elif dob == PLACEHOLDER_DOB:
        dob_q = "2"
    races = {c: "0" for c in RACE_COLUMNS.values()}
    race_none = ""
    if r_u > 0.97:
        race_none = "9"
    else:
        for race in person.races:
            races[RACE_COLUMNS[race]] = "1"
    woman = "1" if person.sex == "F" and person.gender == "" else "0"
    man = "1" if person.sex == "M" and person.gender == "" else "0"
    gender = {"Woman": woman, "Man": man, "NonBinary": "0", "CulturallySpecific": "0",
              "Transgender": "0", "Questioning": "0", "DifferentIdentity": "0"}  # fmt: skip
    if person.gender == "non_binary":
        gender["NonBinary"] = "1"
    elif person.gender == "transgender":
        gender["Transgender"] = "1"
        gender["Woman" if person.sex == "M" else "Man"] = "1"
    elif person.gender == "questioning":
        gender["Questioning"] = "1"
    values: Row = {
        "PersonalID": rec.key,
        "FirstName": v.first,
        "MiddleName": v.middle,
        "LastName": v.last,
        "NameSuffix": v.suffix,
        "NameDataQuality": "1",
        "SSN": ssn,
        "SSNDataQuality": ssn_q,
        "DOB": "" if dob is None else dt.date.fromordinal(dob).isoformat(),
        "DOBDataQuality": dob_q,
        **races,
        "RaceNone": race_none,
        "AdditionalRaceEthnicity": "" if race_none or r_u < 0.4 else person.detail,
        **gender,
        "GenderNone": "",
        "VeteranStatus": ("1" if person.veteran else "0") if person.age_at(AS_OF_1) >= 18 else "99",
        "DateCreated": _ts(rec.extra["created"], 7),
        "DateUpdated": _ts(rec.extra["updated"], 42),
        "UserID": rec.extra["user"],
        "DateDeleted": _ts(rec.extra["deleted_day"], 5) if rec.deleted else "",
        "ExportID": EXPORT_ID,
    }
    if ctx.hmis_version == "2026":
        values["HispanicLatinao"] = values.pop("HispanicLatinaeo")
        values["Sex"] = {"F": "0", "M": "1"}.get(v.sex, "99")
        row = [str(values.get(c, "")) for c in CLIENT_COLUMNS_2026]
    else:
        row = [str(values.get(c, "")) for c in CLIENT_COLUMNS]
    sex = "" if v.sex == "X" else v.sex  # HMIS FY2024 has no sex; the link file shows gender
    link = link_row(rec, ssn=ssn if ssn_q == "1" else "", sex=sex, phone="", street="", unit="",
                    city="", state="", zip="")  # fmt: skip
    return row, link


def _rows(columns: tuple[str, ...], rows: list[Row], key: str, deleted: dict[str, int]) -> list:
    out = []
    for row in sorted(rows, key=lambda x: x[key]):
        values = {c: "" for c in columns}
        values.update({k: v for k, v in row.items() if k in values})
        for c in ("EntryDate", "ExitDate", "DateProvided"):
            if c in row:
                values[c] = dt.date.fromordinal(row[c]).isoformat()
        day = int(row.get("EntryDate") or row.get("ExitDate") or row.get("DateProvided") or START)
        values["DateCreated"] = _ts(day, 11)
        values["DateUpdated"] = _ts(row.get("_updated", day), 13)
        gone = deleted.get(str(row.get("PersonalID", "")))
        values["DateDeleted"] = _ts(gone, 5) if gone else ""
        values["ExportID"] = EXPORT_ID
        out.append([str(values[c]) for c in columns])
    return out


def render(ctx: Context, src: SourceData) -> tuple[list[Table], list[Row]]:
    clients, links = [], []
    deleted: dict[str, int] = {}
    for rec in sorted(src.records, key=lambda x: x.key):
        row, link = _client_row(ctx, rec)
        clients.append(row)
        if rec.deleted:
            deleted[rec.key] = rec.extra["deleted_day"]
        else:
            links.append(link)
    as_of = ctx.as_of
    export = [
        EXPORT_ID, "1", "NYC-DHS", "NYC Department of Homeless Services", "Data", "Steward",
        "2125550100", "", "hmis@dhs.nyc.gov", _ts(as_of, 0), dt.date.fromordinal(START).isoformat(),
        dt.date.fromordinal(as_of).isoformat(), "OpenHHS synth", "1", ctx.hmis_version, "3", "2",
        "1", "",
    ]  # fmt: skip
    orgs = sorted({(p["OrganizationID"], p["Org"]) for p in src.rows["projects"]})
    created = _ts(START, 0)
    organizations = [
        [oid, name, "0", name.title(), created, created, "1001", "", EXPORT_ID]
        for oid, name in orgs
    ]
    projects = []
    for p in sorted(src.rows["projects"], key=lambda x: x["ProjectID"]):
        projects.append(
            [p["ProjectID"], p["OrganizationID"], p["ProjectName"], p["ProjectName"].title(),
             "2010-01-01", "", "1", p["ProjectType"], p["HousingType"], "", "", "", "", "",
             created, created, "1001", "", EXPORT_ID]
        )  # fmt: skip
    users = [
        [u["UserID"], u["UserFirstName"], u["UserLastName"], u["UserPhone"], "", u["UserEmail"],
         created, created, "", EXPORT_ID]
        for u in sorted(src.rows["users"], key=lambda x: x["UserID"])
    ]  # fmt: skip
    member = f"{ZIP}/"
    tables = [
        Table(member + "Export.csv", SOURCE, "hmis", "ExportID", EXPORT_COLUMNS, [export]),
        Table(member + "Organization.csv", SOURCE, "hmis", "OrganizationID",
              ORGANIZATION_COLUMNS, organizations),
        Table(member + "Project.csv", SOURCE, "hmis", "ProjectID", PROJECT_COLUMNS, projects),
        Table(member + "User.csv", SOURCE, "hmis", "UserID", USER_COLUMNS, users),
        Table(member + "Client.csv", SOURCE, "hmis", "PersonalID",
              CLIENT_COLUMNS_2026 if ctx.hmis_version == "2026" else CLIENT_COLUMNS, clients, True),
        Table(member + "Enrollment.csv", SOURCE, "hmis", "EnrollmentID", ENROLLMENT_COLUMNS,
              _rows(ENROLLMENT_COLUMNS, src.rows["enrollments"], "EnrollmentID", deleted)),
        Table(member + "Exit.csv", SOURCE, "hmis", "ExitID", EXIT_COLUMNS,
              _rows(EXIT_COLUMNS, src.rows["exits"], "ExitID", deleted)),
        Table(member + "Services.csv", SOURCE, "hmis", "ServicesID", SERVICES_COLUMNS,
              _services(src.rows["services"], deleted)),
    ]  # fmt: skip
    return tables, links


def _services(rows: list[Row], deleted: dict[str, int]) -> list:
    out = _rows(SERVICES_COLUMNS, rows, "ServicesID", deleted)
    record_type = SERVICES_COLUMNS.index("RecordType")
    for row in out:
        row[record_type] = "200"
        row[record_type + 1] = "200"  # TypeProvided: bed night
    return out
