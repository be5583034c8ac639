"""ACS child welfare (CONNECTIONS-style): families with investigation, prevention, foster stages."""

from __future__ import annotations

from openhhs.synth.corrupt import Profile
from openhhs.synth.population import (
    AS_OF_1,
    CHILD,
    FAMILY,
    HEAD,
    PARENT,
    PARTNER,
    SINGLE_PARENT,
    SPOUSE,
    START,
    THREE_GEN,
    Household,
)
from openhhs.synth.sources.base import (
    Context,
    PersonRecord,
    Row,
    SourceData,
    Table,
    Worker,
    link_row,
    phone_parens,
    ssn_dashes,
    ymd8,
)

SOURCE = "ACS"
PROFILE = Profile(ssn_missing=0.35, phone_missing=0.2, middle_missing=0.4)

PERSON_COLUMNS = (
    "ID_PERSON", "ID_CASE", "NM_PERSON_LAST", "NM_PERSON_FIRST", "NM_PERSON_MIDDLE",
    "CD_PERSON_SUFFIX", "DT_PERSON_BIRTH", "CD_PERSON_SEX", "NBR_PERSON_ID_SSN",
    "CD_PERSON_ETHNICITY", "CD_PERSON_RACE", "ADDR_PERSON_ST_LN_1", "ADDR_PERSON_APT",
    "ADDR_PERSON_CITY", "CD_PERSON_STATE", "ADDR_PERSON_ZIP", "NBR_PERSON_PHONE",
    "CD_PERSON_ROLE", "DT_LAST_UPDATE",
)  # fmt: skip
STAGE_COLUMNS = (
    "ID_STAGE", "ID_CASE", "ID_PERSON", "CD_STAGE", "CD_STAGE_STATUS", "DT_STAGE_START",
    "DT_STAGE_CLOSE", "NM_WORKER", "NBR_WORKER_PHONE", "TXT_WORKER_EMAIL", "NM_WORKER_UNIT",
)  # fmt: skip
PLACEMENT_COLUMNS = (
    "ID_PLCMT", "ID_PERSON", "ID_STAGE", "CD_PLCMT_TYPE", "DT_PLCMT_START", "DT_PLCMT_END",
    "NM_PLCMT_AGENCY", "ADDR_PLCMT_ZIP",
)  # fmt: skip
RACE = {"BLACK": "AA", "WHITE": "WH", "ASIAN": "AS", "AIAN": "AI", "NHPI": "PI", "MENA": "ME"}
AGENCIES = ("CHILDREN'S AID", "SCO FAMILY OF SERVICES", "NEW ALTERNATIVES FOR CHILDREN",
            "GRAHAM WINDHAM", "JEWISH CHILD CARE ASSN", "LITTLE FLOWER")  # fmt: skip


def build(ctx: Context) -> SourceData:
    r = ctx.r
    src = SourceData(SOURCE, rows={"stages": [], "placements": []})
    for hh in ctx.city.households:
        if hh.kind not in (FAMILY, SINGLE_PARENT, THREE_GEN):
            continue
        if r.random() < (0.1 if hh.poor else 0.012):
            _case(ctx, src, hh)
    for rec in list(src.records):
        if ctx.r.random() < 0.03:  # duplicate person created on a later report
            person = ctx.city.people[rec.person]
            day = ctx.day_between(rec.day, AS_OF_1)
            src.records.append(
                PersonRecord(SOURCE, ctx.ids.digits("acs.person", 9), person.id, day,
                             ctx.view(person, day, PROFILE), dict(rec.extra))
            )  # fmt: skip
    ctx.involved[SOURCE] = {rec.person for rec in src.records}
    return src


def _case(ctx: Context, src: SourceData, hh: Household) -> None:
    r = ctx.r
    intake = ctx.day_between(START, AS_OF_1 - 30)
    people = [ctx.city.people[m] for m in hh.members]
    children = [p for p in people if p.role == CHILD and p.dob < intake and p.age_at(intake) < 18]
    if not children:
        return
    case_id = ctx.ids.digits("acs.case", 8)
    borough = hh.address_at(intake).borough
    unit = f"{borough} FIELD OFFICE"
    keys: dict[int, str] = {}
    for p in people:
        if p.dob >= intake:
            continue
        role = "CH" if p in children else ("PA" if p.role in (HEAD, SPOUSE, PARTNER) else "CG")
        if p.role == PARENT:
            role = "CG"
        seen = intake if r.random() < 0.7 else ctx.day_between(intake, AS_OF_1)
        rec = PersonRecord(SOURCE, ctx.ids.digits("acs.person", 9), p.id, seen,
                           ctx.view(p, seen, PROFILE), {"case": case_id, "role": role})  # fmt: skip
        src.records.append(rec)
        keys[p.id] = rec.key
    for child in children:
        worker = ctx.worker(SOURCE, unit, "acs.nyc.gov", "718")
        close = intake + r.randrange(30, 61)
        _stage(ctx, src, case_id, keys[child.id], "INV", intake, close, worker)
        u = r.random()
        if u < 0.35:
            start = close + r.randrange(1, 20)
            end = start + r.randrange(180, 540)
            _stage(ctx, src, case_id, keys[child.id], "FSS", start, end, worker)
        elif u < 0.45:
            start = close
            end = start + r.randrange(120, 900)
            stage = _stage(ctx, src, case_id, keys[child.id], "FC", start, end, worker)
            day = start
            for _ in range(r.choice((1, 1, 2))):
                stop = min(end, day + r.randrange(60, 500))
                src.rows["placements"].append(
                    {
                        "ID_PLCMT": ctx.ids.digits("acs.plcmt", 9),
                        "ID_PERSON": keys[child.id],
                        "ID_STAGE": stage,
                        "CD_PLCMT_TYPE": r.choices(("FBH", "KIN", "RES"), weights=(55, 35, 10))[0],
                        "DT_PLCMT_START": ymd8(day),
                        "DT_PLCMT_END": ymd8(stop) if stop < AS_OF_1 else "",
                        "NM_PLCMT_AGENCY": AGENCIES[r.randrange(len(AGENCIES))],
                        "ADDR_PLCMT_ZIP": hh.address_at(day).zip,
                    }
                )
                day = stop
                if day >= end or day >= AS_OF_1:
                    break


def _stage(
    ctx: Context,
    src: SourceData,
    case_id: str,
    person_key: str,
    stage: str,
    start: int,
    end: int,
    worker: Worker,
) -> str:
    stage_id = ctx.ids.digits("acs.stage", 10)
    src.rows["stages"].append(
        {
            "ID_STAGE": stage_id,
            "ID_CASE": case_id,
            "ID_PERSON": person_key,
            "CD_STAGE": stage,
            "CD_STAGE_STATUS": "CLD" if end < AS_OF_1 else "OPN",
            "DT_STAGE_START": ymd8(start),
            "DT_STAGE_CLOSE": ymd8(end) if end < AS_OF_1 else "",
            "NM_WORKER": worker.name.upper(),
            "NBR_WORKER_PHONE": worker.phone,
            "TXT_WORKER_EMAIL": worker.email,
            "NM_WORKER_UNIT": worker.office,
        }
    )
    return str(stage_id)


def render(ctx: Context, src: SourceData) -> tuple[list[Table], list[Row]]:
    rows, links = [], []
    for rec in sorted(src.records, key=lambda x: x.key):
        if rec.deleted:
            continue
        v, person = rec.view, ctx.city.people[rec.person]
        undetermined = rec.person % 37 == 0
        eth = "UD" if undetermined else ("HS" if "HISPANIC" in person.races else "NH")
        races = ";".join(RACE[x] for x in person.races if x in RACE) or "UD"
        ssn, phone = ssn_dashes(v.ssn), phone_parens(v.phone)
        rows.append(
            [rec.key, rec.extra["case"], v.last, v.first, v.middle, v.suffix, ymd8(v.dob),
             v.sex if v.sex in ("M", "F") else "U", ssn, eth, "UD" if undetermined else races,
             v.street, v.unit, v.city, v.state, v.zip, phone, rec.extra["role"], ymd8(rec.day)]
        )  # fmt: skip
        links.append(link_row(rec, ssn=ssn, phone=phone, sex=v.sex if v.sex != "X" else ""))
    keep = {rec.key for rec in src.records if not rec.deleted}
    stages = [s for s in src.rows["stages"] if s["ID_PERSON"] in keep]
    placements = [p for p in src.rows["placements"] if p["ID_PERSON"] in keep]
    return [
        Table("acs/connections_person.txt", SOURCE, "pipe", "ID_PERSON", PERSON_COLUMNS, rows,
              True),
        _table("acs/connections_stage.txt", "ID_STAGE", STAGE_COLUMNS, stages),
        _table("acs/connections_placement.txt", "ID_PLCMT", PLACEMENT_COLUMNS, placements),
    ], links  # fmt: skip


def _table(path: str, key: str, columns: tuple[str, ...], rows: list[Row]) -> Table:
    rows = sorted(rows, key=lambda x: x[key])
    return Table(path, SOURCE, "pipe", key, columns, [[x[c] for c in columns] for x in rows])
