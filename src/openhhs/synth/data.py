"""Name, street and place lists for an NYC-like city, with rough frequency weights.

Lists are ordered most common first; `zipf_weights` turns an order into a frequency curve so a
few names ("MARIA", "GARCIA") are very common, which is what makes same-name strangers happen.
Everything here is invented or public-domain common knowledge (common names, borough names).
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np

# Ethnic backgrounds drive names, languages and SPD-15 answers. Shares are NYC-like, not census.
GROUPS: tuple[str, ...] = (
    "HISPANIC",
    "BLACK",
    "CARIBBEAN",
    "WHITE",
    "RUSSIAN",
    "CHINESE",
    "KOREAN",
    "BENGALI",
    "ARAB",
)
GROUP_SHARE: tuple[float, ...] = (0.28, 0.15, 0.07, 0.24, 0.04, 0.09, 0.02, 0.07, 0.04)

# SPD-15 minimum categories answered by most people of the group (first) and sometimes added.
GROUP_RACE: dict[str, tuple[str, ...]] = {
    "HISPANIC": ("HISPANIC", "WHITE", "BLACK"),
    "BLACK": ("BLACK",),
    "CARIBBEAN": ("BLACK", "HISPANIC"),
    "WHITE": ("WHITE",),
    "RUSSIAN": ("WHITE",),
    "CHINESE": ("ASIAN",),
    "KOREAN": ("ASIAN",),
    "BENGALI": ("ASIAN",),
    "ARAB": ("MENA", "WHITE"),
}

# Home language (common data model code) and the share of the group speaking it at home.
GROUP_LANGUAGE: dict[str, tuple[str, float]] = {
    "HISPANIC": ("es", 0.55),
    "BLACK": ("en", 1.0),
    "CARIBBEAN": ("ht", 0.35),
    "WHITE": ("en", 1.0),
    "RUSSIAN": ("ru", 0.5),
    "CHINESE": ("zh", 0.6),
    "KOREAN": ("ko", 0.5),
    "BENGALI": ("bn", 0.55),
    "ARAB": ("ar", 0.5),
}

# SPD-15 detailed groups (write-ins) by background, most common first.
GROUP_DETAIL: dict[str, tuple[str, ...]] = {
    "HISPANIC": ("Puerto Rican", "Dominican", "Mexican", "Ecuadorian", "Colombian", "Salvadoran"),
    "BLACK": ("African American", "Nigerian", "Ghanaian", "Senegalese"),
    "CARIBBEAN": ("Jamaican", "Haitian", "Trinidadian and Tobagonian", "Guyanese"),
    "WHITE": ("Italian", "Irish", "Polish", "German", "English"),
    "RUSSIAN": ("Russian", "Ukrainian", "Uzbek"),
    "CHINESE": ("Chinese", "Taiwanese"),
    "KOREAN": ("Korean",),
    "BENGALI": ("Bangladeshi", "Asian Indian", "Pakistani"),
    "ARAB": ("Egyptian", "Yemeni", "Lebanese", "Syrian", "Moroccan"),
}

LANGUAGES: tuple[str, ...] = ("en", "es", "zh", "ru", "bn", "ar", "ht", "ko")

SURNAMES: dict[str, tuple[str, ...]] = {
    "HISPANIC": (
        "RODRIGUEZ", "GARCIA", "MARTINEZ", "HERNANDEZ", "LOPEZ", "GONZALEZ", "PEREZ", "SANCHEZ",
        "RIVERA", "TORRES", "RAMIREZ", "CRUZ", "DIAZ", "REYES", "MORALES", "ORTIZ", "GOMEZ",
        "JIMENEZ", "VASQUEZ", "CASTILLO", "SANTIAGO", "ROSARIO", "MEDINA", "FERNANDEZ", "PEÑA",
        "VARGAS", "ROMERO", "NUÑEZ", "MENDEZ", "GUZMAN", "COLON", "FIGUEROA", "ALVAREZ", "MUÑOZ",
        "DE LA CRUZ", "DE JESUS", "ACEVEDO", "BAEZ", "CABRERA", "ESPINAL", "FELIZ", "PAULINO",
        "TAVERAS", "ALMONTE", "POLANCO", "VALDEZ", "BATISTA", "DEL VALLE",
    ),
    "BLACK": (
        "WILLIAMS", "JOHNSON", "SMITH", "BROWN", "JONES", "JACKSON", "DAVIS", "ROBINSON", "HARRIS",
        "THOMAS", "WASHINGTON", "WHITE", "MOORE", "TAYLOR", "WILSON", "GREEN", "THOMPSON", "LEWIS",
        "WALKER", "JAMES", "ALLEN", "KING", "BELL", "COLEMAN", "HOLMES", "MITCHELL", "MCCOY",
        "SIMMONS", "FREEMAN", "GRAHAM", "BATTLE", "DIALLO", "BAH", "TOURE", "OKAFOR", "ADEYEMI",
        "MENSAH",
    ),
    "CARIBBEAN": (
        "JOSEPH", "PIERRE", "JEAN", "CHARLES", "LOUIS", "BAPTISTE", "FRANCOIS", "BROWN", "CAMPBELL",
        "WILLIAMS", "GORDON", "CLARKE", "STEWART", "GRANT", "ST. LOUIS", "ETIENNE", "AUGUSTIN",
        "DESIR", "MCKENZIE", "FRANCIS", "BENJAMIN", "REID", "HENRY",
    ),
    "WHITE": (
        "SMITH", "MURPHY", "COHEN", "RUSSO", "ESPOSITO", "SULLIVAN", "KELLY", "O'BRIEN", "MILLER",
        "SCHWARTZ", "FRIEDMAN", "ROMANO", "CONNOLLY", "MCCARTHY", "KATZ", "LEVINE", "WEISS",
        "GOLDBERG", "RICCI", "MARINO", "GALLAGHER", "WALSH", "BYRNE", "DOYLE", "MUELLER",
        "KOWALSKI", "NOWAK", "ANDERSON", "CLARK", "BAKER", "O'CONNOR", "FITZGERALD", "DE ANGELIS",
        "MCDONALD", "ROSENBERG", "FISCHER",
    ),
    "RUSSIAN": (
        "IVANOV", "SMIRNOV", "KUZNETSOV", "POPOV", "VASILIEV", "PETROV", "SOKOLOV", "MIKHAILOV",
        "NOVIKOV", "FEDOROV", "MOROZOV", "VOLKOV", "ALEKSEEV", "LEBEDEV", "SEMENOV", "EGOROV",
        "PAVLOV", "KOZLOV", "RABINOVICH", "KAPLAN", "SHAPIRO", "GUREVICH",
    ),
    "CHINESE": (
        "CHEN", "LI", "WANG", "ZHANG", "LIU", "LIN", "HUANG", "WU", "ZHOU", "YANG", "ZHAO", "CHAN",
        "WONG", "LEE", "NG", "LAM", "CHEUNG", "HO", "MOY", "ZHENG", "XU", "SUN", "GUO", "HE", "GAO",
        "LUO", "TANG", "FENG",
    ),
    "KOREAN": (
        "KIM", "LEE", "PARK", "CHOI", "JUNG", "KANG", "CHO", "YOON", "JANG", "LIM", "HAN",
    ),
    "BENGALI": (
        "AHMED", "RAHMAN", "HOSSAIN", "ISLAM", "UDDIN", "KHAN", "ALAM", "BEGUM", "MIAH",
        "CHOWDHURY", "HAQUE", "SARKER", "AKTER", "ROY", "DAS", "PATEL", "SINGH", "SHAH",
    ),
    "ARAB": (
        "MOHAMED", "AHMED", "ALI", "HASSAN", "HUSSEIN", "IBRAHIM", "ABDULLAH", "MAHMOUD", "SALEH",
        "YOUSEF", "KHALIL", "HADDAD", "NASSER", "AL-SAIDI", "OMAR", "MANSOUR", "ABDEL RAHMAN",
        "EL-AMIN",
    ),
}  # fmt: skip

FEMALE: dict[str, tuple[str, ...]] = {
    "HISPANIC": (
        "MARIA", "ANA", "CARMEN", "ROSA", "YESENIA", "JULIA", "ISABEL", "LUZ", "MARIBEL", "GLORIA",
        "SONIA", "ELIZABETH", "JESSICA", "STEPHANIE", "ASHLEY", "GENESIS", "CAMILA", "SOFIA",
        "VALENTINA", "MIA", "ISABELLA", "DAYANA", "YARITZA", "ALEXANDRA", "MELISSA", "ANGELICA",
        "JENNIFER", "VANESSA", "PATRICIA", "MILAGROS", "ALTAGRACIA", "JOSEFINA",
    ),
    "BLACK": (
        "MARY", "PATRICIA", "LINDA", "SHANICE", "KEISHA", "TANYA", "JASMINE", "AALIYAH", "BRIANNA",
        "DESTINY", "NIA", "IMANI", "ASHLEY", "TIFFANY", "LATOYA", "KIMBERLY", "ANGELA", "DOROTHY",
        "BARBARA", "BRENDA", "DANIELLE", "CHRISTINA", "FATOUMATA", "AMINATA", "ZURI", "KENYA",
        "MAYA", "MADISON",
    ),
    "CARIBBEAN": (
        "MARIE", "NADEGE", "FABIOLA", "ROSE", "JUDITH", "CHERYL", "SANDRA", "MARCIA", "NATALIE",
        "KERRY-ANN", "SHAUNA", "GABRIELLE", "MIKAELA", "ESTHER", "BEVERLY", "DAPHNE",
    ),
    "WHITE": (
        "MARY", "ELIZABETH", "JENNIFER", "SARAH", "RACHEL", "REBECCA", "CATHERINE", "MARGARET",
        "JESSICA", "LAUREN", "EMILY", "EMMA", "OLIVIA", "AVA", "CHAYA", "RIVKA", "ESTHER", "LEAH",
        "KATHLEEN", "PATRICIA", "SUSAN", "DONNA", "DEBORAH", "CHRISTINE", "ANGELA", "FRANCESCA",
        "GIULIA", "THERESA", "ABIGAIL", "CHARLOTTE",
    ),
    "RUSSIAN": (
        "OLGA", "ELENA", "NATALIA", "IRINA", "SVETLANA", "TATIANA", "ANNA", "YULIA", "MARINA",
        "GALINA", "LYUDMILA", "ANASTASIA", "EKATERINA", "SOFIA", "VICTORIA", "ALINA",
    ),
    "CHINESE": (
        "MEI", "LI", "XIAO", "YAN", "HUI", "JING", "YING", "LING", "FANG", "WEI", "AMY", "JENNY",
        "GRACE", "ANGELA", "WENDY", "HELEN", "CINDY", "EMILY", "CHLOE", "SOPHIA",
    ),
    "KOREAN": (
        "JI-YEON", "SOO-JIN", "MIN-JI", "EUNICE", "GRACE", "SARAH", "HANNAH", "JULIE",
    ),
    "BENGALI": (
        "FATEMA", "NUSRAT", "SHIRIN", "NASRIN", "TASLIMA", "RUMANA", "SADIA", "TAHMINA", "FARZANA",
        "JANNAT", "AYESHA", "MARIAM", "PRIYA", "ANIKA", "SUMAIYA",
    ),
    "ARAB": (
        "FATIMA", "AISHA", "MARIAM", "NOOR", "LAYLA", "HANA", "SARA", "AMIRA", "YASMIN", "ZAINAB",
        "SAMIRA", "RANIA", "DALIA", "HIBA",
    ),
}  # fmt: skip

MALE: dict[str, tuple[str, ...]] = {
    "HISPANIC": (
        "JOSE", "LUIS", "CARLOS", "JUAN", "MIGUEL", "JORGE", "ANGEL", "PEDRO", "RAFAEL",
        "FRANCISCO", "ANTONIO", "MANUEL", "RAMON", "JESUS", "ALEXANDER", "ANTHONY", "CHRISTOPHER",
        "JAYDEN", "JUSTIN", "KEVIN", "ADRIAN", "DAVID", "DANIEL", "JONATHAN", "EDWIN", "WILFREDO",
        "FERNANDO", "RICARDO", "MATEO", "SEBASTIAN", "LIAM", "DYLAN",
    ),
    "BLACK": (
        "JAMES", "MICHAEL", "ROBERT", "JOHN", "WILLIAM", "DAVID", "CHARLES", "ANTHONY", "DARNELL",
        "TYRONE", "ANDRE", "JAMAL", "MALIK", "ISAIAH", "JAYLEN", "JAYDEN", "ELIJAH", "JOSIAH",
        "MARCUS", "TERRENCE", "KEVIN", "BRANDON", "CHRISTOPHER", "RICHARD", "LARRY", "MAMADOU",
        "IBRAHIMA", "OUSMANE", "KWAME", "NOAH",
    ),
    "CARIBBEAN": (
        "JEAN", "PIERRE", "JOSEPH", "MARC", "FRANTZ", "RICHARDSON", "WOODLEY", "JUNIOR", "DWAYNE",
        "DELROY", "ANDRE", "KEMAR", "ORANDO", "WINSTON", "CLIVE", "TREVOR",
    ),
    "WHITE": (
        "MICHAEL", "JOHN", "JOSEPH", "ROBERT", "WILLIAM", "JAMES", "THOMAS", "DAVID", "RICHARD",
        "DANIEL", "MATTHEW", "CHRISTOPHER", "ANTHONY", "VINCENT", "SALVATORE", "DOMINICK",
        "PATRICK", "KEVIN", "BRIAN", "SEAN", "MOSHE", "YOSEF", "CHAIM", "ABRAHAM", "JACOB",
        "BENJAMIN", "SAMUEL", "NICHOLAS", "PETER", "EDWARD", "FRANCIS", "GIUSEPPE",
    ),
    "RUSSIAN": (
        "ALEXANDER", "SERGEY", "DMITRY", "ANDREY", "ALEKSEY", "VLADIMIR", "MIKHAIL", "IGOR", "YURI",
        "BORIS", "NIKOLAI", "PAVEL", "ARTEM", "MAXIM", "IVAN", "LEV", "DANIEL",
    ),
    "CHINESE": (
        "WEI", "JUN", "MING", "HAO", "JIAN", "YONG", "JIE", "TAO", "BIN", "PENG", "KEVIN", "JASON",
        "ERIC", "DAVID", "MICHAEL", "RAYMOND", "JIMMY", "TONY", "ANDY", "JACKY",
    ),
    "KOREAN": (
        "MIN-JUN", "JI-HOON", "SUNG", "DANIEL", "DAVID", "JOHN", "PAUL", "PETER", "JAMES",
    ),
    "BENGALI": (
        "MOHAMMED", "MD", "ABDUL", "RAHIM", "KARIM", "SHAFIQUL", "MIZANUR", "RAFIQ", "JAHID",
        "ARIF", "TANVIR", "SAKIB", "RAHUL", "AMIT", "RAJ", "AYAN",
    ),
    "ARAB": (
        "MOHAMMED", "MOHAMED", "AHMED", "ALI", "OMAR", "YOUSSEF", "HASSAN", "IBRAHIM", "KHALED",
        "MUSTAFA", "ABDULLAH", "TAREK", "SAMI", "ADAM", "ZAID",
    ),
}  # fmt: skip

# Streets per borough: a few real-sounding names each; numbers are drawn separately.
STREETS: dict[str, tuple[str, ...]] = {
    "MANHATTAN": (
        "BROADWAY", "AMSTERDAM AVE", "COLUMBUS AVE", "LENOX AVE", "W 145TH ST", "E 116TH ST",
        "ST NICHOLAS AVE", "DYCKMAN ST", "2ND AVE", "1ST AVE", "AVENUE D", "CLINTON ST",
        "W 42ND ST", "E 96TH ST", "FREDERICK DOUGLASS BLVD", "MADISON AVE", "DELANCEY ST",
    ),
    "BRONX": (
        "GRAND CONCOURSE", "JEROME AVE", "WEBSTER AVE", "SOUTHERN BLVD", "E TREMONT AVE",
        "WESTCHESTER AVE", "BOSTON RD", "WHITE PLAINS RD", "UNIVERSITY AVE", "E FORDHAM RD",
        "CASTLE HILL AVE", "SEDGWICK AVE", "MORRIS AVE", "ST ANNS AVE",
    ),
    "BROOKLYN": (
        "FLATBUSH AVE", "NOSTRAND AVE", "ATLANTIC AVE", "EASTERN PKWY", "OCEAN AVE", "BEDFORD AVE",
        "FULTON ST", "PITKIN AVE", "BROADWAY", "KINGS HWY", "CHURCH AVE", "CONEY ISLAND AVE",
        "BRIGHTON BEACH AVE", "86TH ST", "8TH AVE", "MYRTLE AVE", "UTICA AVE", "LINDEN BLVD",
        "OCEAN PKWY", "MCDONALD AVE",
    ),
    "QUEENS": (
        "ROOSEVELT AVE", "QUEENS BLVD", "JAMAICA AVE", "NORTHERN BLVD", "MAIN ST", "37TH AVE",
        "LIBERTY AVE", "HILLSIDE AVE", "SUTPHIN BLVD", "WOODHAVEN BLVD", "JUNCTION BLVD",
        "STEINWAY ST", "31ST ST", "HOLLIS AVE", "MERRICK BLVD", "101ST AVE",
    ),
    "STATEN ISLAND": (
        "VICTORY BLVD", "RICHMOND AVE", "FOREST AVE", "BAY ST", "HYLAN BLVD", "CASTLETON AVE",
        "PORT RICHMOND AVE", "NEW DORP LN", "TARGEE ST",
    ),
}  # fmt: skip

BOROUGH_SHARE: dict[str, float] = {
    "BROOKLYN": 0.31,
    "QUEENS": 0.27,
    "MANHATTAN": 0.19,
    "BRONX": 0.17,
    "STATEN ISLAND": 0.06,
}

COUNTY_BOROUGH: dict[str, str] = {
    "New York County": "MANHATTAN",
    "Bronx County": "BRONX",
    "Kings County": "BROOKLYN",
    "Queens County": "QUEENS",
    "Richmond County": "STATEN ISLAND",
}

AREA_CODES: tuple[str, ...] = ("718", "347", "917", "646", "212", "929", "332")

# NYCHA developments (names are public; building addresses here are invented).
NYCHA_DEVELOPMENTS: tuple[tuple[str, str, str, str], ...] = (
    ("QUEENSBRIDGE NORTH", "41-10 12TH ST", "QUEENS", "11101"),
    ("RAVENSWOOD", "34-35 21ST ST", "QUEENS", "11106"),
    ("BAISLEY PARK", "116-10 GUY R BREWER BLVD", "QUEENS", "11434"),
    ("RED HOOK EAST", "80 LORRAINE ST", "BROOKLYN", "11231"),
    ("MARCY", "605 PARK AVE", "BROOKLYN", "11206"),
    ("VAN DYKE I", "400 DUMONT AVE", "BROOKLYN", "11212"),
    ("GOWANUS", "215 HOYT ST", "BROOKLYN", "11217"),
    ("FARRAGUT", "228 SANDS ST", "BROOKLYN", "11201"),
    ("POLO GROUNDS TOWERS", "2945 8TH AVE", "MANHATTAN", "10039"),
    ("SMITH", "10 CATHERINE SLIP", "MANHATTAN", "10038"),
    ("RIIS", "130 AVENUE D", "MANHATTAN", "10009"),
    ("WAGNER", "2400 2ND AVE", "MANHATTAN", "10035"),
    ("GRANT", "1320 AMSTERDAM AVE", "MANHATTAN", "10027"),
    ("JOHNSON", "1830 LEXINGTON AVE", "MANHATTAN", "10029"),
    ("CASTLE HILL", "625 CASTLE HILL AVE", "BRONX", "10473"),
    ("PATTERSON", "340 E 143RD ST", "BRONX", "10451"),
    ("EDENWALD", "1150 E 229TH ST", "BRONX", "10466"),
    ("SOUNDVIEW", "1680 SEWARD AVE", "BRONX", "10473"),
    ("STAPLETON", "180 BROAD ST", "STATEN ISLAND", "10304"),
    ("WEST BRIGHTON I", "1000 CASTLETON AVE", "STATEN ISLAND", "10310"),
)

HRA_JOB_CENTERS: dict[str, tuple[str, ...]] = {
    "MANHATTAN": ("JC 13 WASHINGTON HEIGHTS", "JC 19 EAST END", "JC 14 HAMILTON"),
    "BRONX": ("JC 38 MELROSE", "JC 46 CROTONA", "JC 49 FORDHAM"),
    "BROOKLYN": ("JC 39 DEKALB", "JC 54 BUSHWICK", "JC 66 EAST NEW YORK", "JC 80 CONEY ISLAND"),
    "QUEENS": ("JC 44 JAMAICA", "JC 53 RIDGEWOOD", "JC 99 LONG ISLAND CITY"),
    "STATEN ISLAND": ("JC 35 RICHMOND",),
}

DHS_PROVIDERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("BRC", ("BRC 30TH STREET MEN'S SHELTER", "BRC CHARLES GAY")),
    ("WIN", ("WIN CASSIDY'S PLACE", "WIN SAINT JOHN")),
    ("CORE SERVICES", ("CORE PATH FAMILY RESIDENCE",)),
    ("SAMARITAN VILLAGE", ("SAMARITAN BEDFORD-ATLANTIC ARMORY",)),
    ("HELP USA", ("HELP WOMEN'S CENTER", "HELP MORRIS FAMILY RESIDENCE")),
)

SCHOOLS: dict[str, tuple[tuple[str, str], ...]] = {
    "MANHATTAN": (
        ("02M475", "STUYVESANT-AREA HIGH"),
        ("06M143", "PS 143 WASHINGTON HEIGHTS"),
        ("04M012", "IS 12 EAST HARLEM"),
        ("01M064", "PS 64 LOWER EAST SIDE"),
    ),
    "BRONX": (
        ("09X004", "PS 4 CROTONA PARK"),
        ("10X045", "IS 45 FORDHAM"),
        ("08X405", "HERBERT LEHMAN HS"),
        ("12X006", "PS 6 WEST FARMS"),
    ),
    "BROOKLYN": (
        ("13K020", "PS 20 CLINTON HILL"),
        ("17K246", "MS 246 FLATBUSH"),
        ("21K410", "ABRAHAM LINCOLN HS"),
        ("32K045", "PS 45 BUSHWICK"),
        ("22K152", "PS 152 MIDWOOD"),
    ),
    "QUEENS": (
        ("24Q019", "PS 19 CORONA"),
        ("25Q189", "IS 189 FLUSHING"),
        ("28Q690", "HS FOR LAW JAMAICA"),
        ("30Q112", "PS 112 ASTORIA"),
    ),
    "STATEN ISLAND": (("31R018", "PS 18 WEST BRIGHTON"), ("31R440", "NEW DORP HS")),
}


def zipf_weights(n: int, s: float = 0.9) -> np.ndarray:
    """Frequency weights for a list ordered most common first."""
    w = 1.0 / np.arange(1, n + 1) ** s
    return w / w.sum()


@cache
def nyc_zips() -> dict[str, tuple[tuple[str, str], ...]]:
    """Real NYC ZIP codes (standard delivery ZIPs only) with their USPS city, by borough."""
    import zipcodes

    out: dict[str, list[tuple[str, str]]] = {b: [] for b in BOROUGH_SHARE}
    for row in zipcodes.filter_by(state="NY"):
        borough = COUNTY_BOROUGH.get(row["county"])
        if borough and row["zip_code_type"] == "STANDARD" and row["active"]:
            out[borough].append((row["zip_code"], row["city"].upper()))
    return {b: tuple(sorted(v)) for b, v in out.items()}


@cache
def nicknames_of(name: str) -> tuple[str, ...]:
    """Nickname variants (upper case) from the `nicknames` package, in a stable order."""
    found = _namer().nicknames_of(name.lower())
    return tuple(sorted(n.upper() for n in found if len(n) >= 3))


@cache
def _namer() -> Any:
    from nicknames import NickNamer

    return NickNamer()
