"""Batch linkage: Splink prediction, then constrained three-band clustering.

Why not Splink's connected components: one weak edge can chain two people (and then their
families) into one cluster, and components ignore "never link" decisions. Here edges are merged
strongest first, and a merge is refused when it would put two valid, clearly different SSNs, a
steward's never-link pair, or a confident non-match pair (p < 0.001) inside one cluster.
Refused and uncertain links become review pairs.

Output shape (what `openhhs.cci` maps to Enterprise IDs): `LinkResult.clusters` has one row per
input row, `unique_id, cluster_id`; `LinkResult.review` has `unique_id_l, unique_id_r,
match_weight, match_probability, reason`. Unlinkable rows (no name with DOB/SSN) get a cluster
of their own and are never linked.
"""

from __future__ import annotations

import logging
import math
import os
import tempfile
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import jellyfish
import pandas as pd

from openhhs.linkage.features import comparison_columns
from openhhs.linkage.modelfile import LinkageModel, Thresholds
from openhhs.linkage.settings import DETERMINISTIC_RECALL, DETERMINISTIC_RULES

log = logging.getLogger(__name__)

# DuckDB's own default is 80 % of RAM for the scored pairs: 21.5 GB peak at 1M records on a
# 24 GB machine. Capped, it spills to disk instead (a DuckDB size, e.g. "4GB").
LINK_MEMORY_LIMIT = os.environ.get("OPENHHS_LINK_MEMORY_LIMIT", "4GB")

# Comparison-vector values (gamma) of the levels the guards read; see settings.py.
GAMMA_FIRST_DIFFERENT = 0
GAMMA_DOB_DIFFERENT = 0
GAMMA_DOB_SAME_YEAR = 1  # siblings at one address: same year is not agreement
GAMMA_SSN_EXACT = 3
GAMMA_DOB_EXACT = 5
RELAMBDA_MIN_RECORDS = 2000
SIBLING_GUARDS = ("first names differ", "dates of birth differ")
# A scored pair this unlikely is a confident non-match: no chain of links may join its records.
NON_MATCH_PROBABILITY = 0.001  # below this, λ re-estimated on the input itself is too noisy


@dataclass(frozen=True)
class GuardLevels:
    """The comparison-vector values the guards read, as placed in one model."""

    dob_same_year: int = GAMMA_DOB_SAME_YEAR  # dob levels 0..this are not agreement
    ssn_exact: int = GAMMA_SSN_EXACT
    dob_exact: int = GAMMA_DOB_EXACT


def guard_levels(splink: Mapping[str, Any]) -> GuardLevels:
    """Find the guarded levels in a Splink model by label (Splink numbers levels from the end).

    A model without a "same year" DOB level only guards a different DOB; without an "exact" SSN
    level, its highest SSN level counts as exact.
    """
    found: dict[tuple[str, str], int] = {}
    top: dict[str, int] = {}
    for comp in splink.get("comparisons", []):
        name = str(comp.get("output_column_name"))
        levels = [lv for lv in comp.get("comparison_levels", []) if not lv.get("is_null_level")]
        top[name] = len(levels) - 1
        for i, lv in enumerate(levels):
            found[(name, str(lv.get("label_for_charts")))] = len(levels) - 1 - i
    return GuardLevels(
        dob_same_year=found.get(("dob", "same year"), GAMMA_DOB_DIFFERENT),
        ssn_exact=found.get(("ssn", "exact"), top.get("ssn", -2)),
        dob_exact=found.get(("dob", "exact"), top.get("dob", -2)),
    )


@lru_cache(maxsize=1)
def _nicknamer() -> Any:
    from nicknames import NickNamer

    return NickNamer()


@lru_cache(maxsize=100_000)
def nickname_related(a: str | None, b: str | None) -> bool:
    """One given name is a listed nickname or formal form of the other (POLLY/MARY, BECKY/REBECCA).

    The standardizer's nickname root is one-to-one (a name with several formal forms keeps its
    own), so the comparison can call these "different"; the guard must not.
    """
    if not a or not b or a == b:
        return False
    namer = _nicknamer()
    la, lb = a.lower(), b.lower()
    return lb in namer.nicknames_of(la) | namer.canonicals_of(la) or la in (
        namer.nicknames_of(lb) | namer.canonicals_of(lb)
    )


def year_only_date(a: str | None, b: str | None) -> bool:
    """Same year and one date is January 1: the way agencies record a birth year alone."""
    if not a or not b or a == b or a[:4] != b[:4]:
        return False
    return a[4:] == "-01-01" or b[4:] == "-01-01"


def guard_reason(
    gamma_first_name: int,
    gamma_dob: int,
    gamma_ssn: int,
    suffix_l: str | None,
    suffix_r: str | None,
    *,
    strong: bool,
    first_names: tuple[str | None, str | None] = (None, None),
    dobs: tuple[str | None, str | None] = (None, None),
    levels: GuardLevels = GuardLevels(),
) -> str:
    """Why a pair may not be auto-linked whatever its weight ("" when it may).

    Twins and siblings share surname, home and often birth year: without an exact SSN, a strong
    pair whose first names differ outright (and are not nickname forms of each other), or whose
    dates of birth agree on no more than the year (unless one is a year-only January 1), needs
    a human. Different generational suffixes (JR/SR) always do. Gammas are Splink
    comparison-vector values (-1 null, 0 the last level). The one guard of batch and online
    (`openhhs.cci.match` calls it with the candidate's breakdown).
    """
    if strong and gamma_ssn != levels.ssn_exact:
        if gamma_first_name == GAMMA_FIRST_DIFFERENT and not nickname_related(*first_names):
            return "first names differ"
        if GAMMA_DOB_DIFFERENT <= gamma_dob <= levels.dob_same_year and not (
            gamma_dob != GAMMA_DOB_DIFFERENT and year_only_date(*dobs)
        ):
            return "dates of birth differ"
    if suffix_l and suffix_r and suffix_l != suffix_r:
        return "suffixes differ (JR/SR)"
    return ""


def ssns_differ(a: str | None, b: str | None) -> bool:
    """Two valid SSNs more than one edit (digit or transposition) apart: different people."""
    return bool(a and b) and jellyfish.damerau_levenshtein_distance(str(a), str(b)) > 1


def _swap_day_month(d: str) -> str:
    return f"{d[:4]}-{d[8:10]}-{d[5:7]}"


def dobs_differ(a: str | None, b: str | None) -> bool:
    """Two known dates of birth that no single recording slip explains: different people.

    "Clearly" means the birth years are at least two apart and the two dates are not one slip
    apart: not one digit off or transposed (1979/1997, 1959/1989 with the same month and day),
    not a day/month swap or a year-only January 1 on top of a one-digit year slip. Same-name
    father and son (MICHAEL RUSSO 1979 / 2009) are never scored against each other once
    blocking asks for a shared birth year, so only this rule keeps a record without a DOB from
    chaining them. ISO text dates (`features.to_features`); a malformed one never conflicts.
    """
    if not a or not b or len(a) != 10 or len(b) != 10 or a == b:
        return False
    try:
        years_apart = abs(int(a[:4]) - int(b[:4]))
    except ValueError:
        return False
    if years_apart < 2 or jellyfish.damerau_levenshtein_distance(a, b) <= 1:
        return False
    if jellyfish.damerau_levenshtein_distance(a[:4], b[:4]) > 1:
        return True
    # a one-digit year slip: it explains the pair when the rest agrees up to a swap or Jan 1
    return not (a[5:] == _swap_day_month(b)[5:] or a[5:] == "01-01" or b[5:] == "01-01")


def middles_differ(a: str | None, b: str | None) -> bool:
    """Two known, different middle initials: batch refuses to chain such records together."""
    return bool(a and b) and a != b


def weight_of(probability: float) -> float:
    """Match weight (log2 Bayes odds) of a match probability."""
    p = min(max(probability, 1e-15), 1 - 1e-15)
    return math.log2(p / (1 - p))


@dataclass
class LinkResult:
    clusters: pd.DataFrame  # unique_id, cluster_id (one row per input row)
    review: pd.DataFrame  # unique_id_l, unique_id_r, match_weight, match_probability, reason
    stats: dict[str, Any] = field(default_factory=dict)


class _Components:
    """Union-find whose merges respect cannot-link constraints."""

    def __init__(
        self,
        nodes: Iterable[int],
        ssn: dict[int, str],
        middle: dict[int, str] | None = None,
        sources: dict[int, set[str]] | None = None,
        dob: dict[int, str] | None = None,
    ) -> None:
        self.parent: dict[int, int] = {n: n for n in nodes}
        self.members: dict[int, list[int]] = {n: [n] for n in self.parent}
        self.ssns: dict[int, set[str]] = {n: {ssn[n]} if n in ssn else set() for n in self.parent}
        middle = middle or {}
        self.middles: dict[int, set[str]] = {
            n: {middle[n]} if n in middle else set() for n in self.parent
        }
        dob = dob or {}
        self.dobs: dict[int, set[str]] = {n: {dob[n]} if n in dob else set() for n in self.parent}
        sources = sources or {}
        self.sources: dict[int, set[str]] = {n: set(sources.get(n, ())) for n in self.parent}

    def find(self, n: int) -> int:
        root = n
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[n] != root:
            self.parent[n], n = root, self.parent[n]
        return root

    def ssn_conflict(self, a: int, b: int) -> bool:
        """Valid SSNs on both sides and none within one edit: confidently different people.

        A cluster may hold several typo variants of one SSN; a merge is fine when any variant
        on one side is within a transposition or one digit of a variant on the other.
        """
        if not self.ssns[a] or not self.ssns[b]:
            return False
        return all(ssns_differ(x, y) for x in self.ssns[a] for y in self.ssns[b])

    def pair_conflict(self, a: int, b: int, forbidden: dict[int, set[int]]) -> bool:
        small, big = (a, b) if len(self.members[a]) <= len(self.members[b]) else (b, a)
        return any(
            self.find(other) == big for n in self.members[small] for other in forbidden.get(n, ())
        )

    def union(self, a: int, b: int) -> None:
        if len(self.members[a]) < len(self.members[b]):
            a, b = b, a
        self.parent[b] = a
        self.members[a].extend(self.members.pop(b))
        self.ssns[a] |= self.ssns.pop(b)
        self.middles[a] |= self.middles.pop(b)
        self.dobs[a] |= self.dobs.pop(b)
        self.sources[a] |= self.sources.pop(b)

    def dob_conflict(self, a: int, b: int) -> bool:
        """Both clusters know dates of birth and every pair clearly differs (`dobs_differ`).

        Needs no scored pair: same-name records of different birth years are not blocked
        together, so their confident non-match is never computed.
        """
        return bool(self.dobs[a] and self.dobs[b]) and all(
            dobs_differ(x, y) for x in self.dobs[a] for y in self.dobs[b]
        )

    def middle_conflict(self, a: int, b: int) -> bool:
        """Both clusters know a middle initial and share none: a chain joining two people."""
        return all(middles_differ(x, y) for x in self.middles[a] for y in self.middles[b]) and bool(
            self.middles[a] and self.middles[b]
        )


def _forbid(index: dict[int, set[int]], a: int, b: int) -> None:
    index.setdefault(a, set()).add(b)
    index.setdefault(b, set()).add(a)


def _predict(
    reps: pd.DataFrame, model: LinkageModel, relambda: bool, link_only: str | None = None
) -> tuple[Any, Any, float]:
    """Scored pairs as a DuckDB relation (and the connection that owns it).

    `link_only` names the column of each record's source: only pairs across sources are
    blocked and scored, and λ is re-estimated over those pairs (Splink's link-only mode).
    """
    import duckdb
    from splink import DuckDBAPI, Linker

    logging.getLogger("splink").setLevel(logging.WARNING)
    # A directory DuckDB creates itself (and removes on close) for what exceeds the cap.
    spill = os.path.join(tempfile.gettempdir(), f"openhhs_link_{uuid.uuid4().hex}")
    con = duckdb.connect(config={"memory_limit": LINK_MEMORY_LIMIT, "temp_directory": spill})
    db_api = DuckDBAPI(connection=con)
    columns = reps[["unique_id", *comparison_columns(reps.columns)]]
    settings = dict(model.splink)
    if link_only is not None:
        columns = columns.assign(source_dataset=reps[link_only].astype(str).to_numpy())
        settings["link_type"] = "link_only"
        settings["source_dataset_column_name"] = "source_dataset"
    sdf = db_api.register(columns, table_name="records")
    settings["retain_matching_columns"] = True
    settings["additional_columns_to_retain"] = []
    linker = Linker(sdf, settings, log_level=None)
    if len(reps) < RELAMBDA_MIN_RECORDS:
        # A small input's own value frequencies are noise: use the training population's.
        for column, freq in model.term_frequencies.items():
            table = pd.DataFrame({column: list(freq), f"tf_{column}": list(freq.values())})
            linker.table_management.register_term_frequency_lookup(
                db_api.register(table, table_name=f"tf_lookup_{column}"), column
            )
    if relambda and len(reps) >= RELAMBDA_MIN_RECORDS:
        try:
            linker.training.estimate_probability_two_random_records_match(
                list(DETERMINISTIC_RULES), recall=DETERMINISTIC_RECALL
            )
        except Exception as exc:  # too few deterministic matches: keep the trained λ
            log.info("keeping the model's lambda: %s", exc)
    lam = float(linker._settings_obj._probability_two_random_records_match)
    predictions = linker.inference.predict()
    return con, predictions.physical_name, lam


@dataclass
class Scored:
    """Splink's verdicts on the blocked pairs of one input, before any clustering decision."""

    rep: dict[int, int]  # unique_id -> representative unique_id (exact duplicates collapse)
    nodes: list[int]  # representatives
    ssn: dict[int, str]
    suffix: dict[int, str]
    first_name: dict[int, str]
    dob: dict[int, str]
    middle: dict[int, str]
    # (match_weight, match_probability, id_l, id_r, gamma_first_name, gamma_dob, gamma_ssn),
    # strongest first, for pairs at or above the scoring floor
    pairs: list[tuple[float, float, int, int, int, int, int]]
    non_matches: list[tuple[int, int]]  # confident non-match pairs among the nodes of `pairs`
    stats: dict[str, Any]
    street_unit: dict[int, str] = field(default_factory=dict)  # for household evidence


def _edge_components(
    pairs: Iterable[tuple[float, float, int, int, int, int, int]],
) -> dict[int, int]:
    """Node -> a label shared by every node connected to it through the given pairs."""
    pairs = list(pairs)
    comps = _Components({n for _w, _p, a, b, *_rest in pairs for n in (a, b)}, ssn={})
    for _w, _p, a, b, *_rest in pairs:
        ra, rb = comps.find(a), comps.find(b)
        if ra != rb:
            comps.union(ra, rb)
    return {n: comps.find(n) for n in comps.parent}


def score(
    frame: pd.DataFrame,
    model: LinkageModel,
    *,
    floor: float = 0.5,
    relambda: bool = True,
    link_only: str | None = None,
) -> Scored:
    """Collapse duplicates and score blocked pairs with Splink (pairs with p >= floor kept).

    With `link_only` (a column naming each row's source), only pairs across sources are scored.
    """
    started = time.perf_counter()
    floor_w, conflict_w = weight_of(floor), weight_of(NON_MATCH_PROBABILITY)
    stats: dict[str, Any] = {"records": len(frame)}
    linkable = frame[frame["linkable"]]
    stats["linkable"] = len(linkable)
    key = pd.Series(
        [
            "\x1f".join("" if v is None else str(v) for v in values)
            for values in linkable[list(comparison_columns(frame.columns))].itertuples(
                index=False, name=None
            )
        ],
        index=linkable.index,
        dtype=object,
    )
    rep_of_key = linkable.groupby(key, sort=False)["unique_id"].transform("min")
    rep: dict[int, int] = {
        int(u): int(r) for u, r in zip(linkable["unique_id"], rep_of_key, strict=True)
    }
    reps = linkable[linkable["unique_id"] == rep_of_key]
    stats["distinct_records"] = len(reps)
    ssn = {int(u): s for u, s in zip(reps["unique_id"], reps["ssn"], strict=True) if s}
    suffix = {int(u): s for u, s in zip(reps["unique_id"], reps["suffix"], strict=True) if s}
    first = {int(u): s for u, s in zip(reps["unique_id"], reps["first_name"], strict=True) if s}
    dob = {int(u): s for u, s in zip(reps["unique_id"], reps["dob"], strict=True) if s}
    middle = {
        int(u): s for u, s in zip(reps["unique_id"], reps["middle_initial"], strict=True) if s
    }
    street_unit = {
        int(u): s for u, s in zip(reps["unique_id"], reps["street_unit"], strict=True) if s
    }

    pairs: list[tuple[float, float, int, int, int, int, int]] = []
    non_matches: list[tuple[int, int]] = []
    stats["lambda"] = model.probability_two_random_records_match
    if len(reps) >= 2:
        con, table, stats["lambda"] = _predict(reps, model, relambda, link_only)
        # SQL built from Splink's own table name and float thresholds only (no user input).
        stats["pairs_scored"] = con.sql(f"select count(*) from {table}").fetchall()[0][0]  # noqa: S608
        pairs = [
            (float(w), float(p), int(a), int(b), int(gf), int(gd), int(gs))
            for a, b, w, p, gf, gd, gs in con.sql(
                "select unique_id_l, unique_id_r, match_weight, match_probability, "  # noqa: S608
                f"gamma_first_name, gamma_dob, gamma_ssn from {table} "
                f"where match_weight >= {floor_w!r} "
                "order by match_weight desc, unique_id_l, unique_id_r"
            ).fetchall()
        ]
        # A non-match only constrains records that some chain of edges could join: both in one
        # connected component of the edges. The rest (tens of millions at 1M records) are moot.
        component = _edge_components(pairs)
        con.register(
            "edge_component",
            pd.DataFrame({"n": list(component), "c": list(component.values())}),
        )
        non_matches = [
            (int(a), int(b))
            for a, b in con.sql(
                "select t.unique_id_l, t.unique_id_r from "  # noqa: S608
                f"{table} t join edge_component cl on cl.n = t.unique_id_l "
                "join edge_component cr on cr.n = t.unique_id_r "
                f"where t.match_weight < {conflict_w!r} and cl.c = cr.c"
            ).fetchall()
        ]
        con.close()
    stats["score_seconds"] = round(time.perf_counter() - started, 2)
    return Scored(
        rep=rep,
        nodes=[int(u) for u in reps["unique_id"]],
        ssn=ssn,
        suffix=suffix,
        first_name=first,
        dob=dob,
        middle=middle,
        pairs=pairs,
        non_matches=non_matches,
        stats=stats,
        street_unit=street_unit,
    )


def link(
    frame: pd.DataFrame,
    model: LinkageModel,
    *,
    never_link: Iterable[tuple[int, int]] = (),
    thresholds: Thresholds | None = None,
    relambda: bool = True,
    ssn_cannot_link: bool = True,
    one_per_source: str | None = None,
    sibling_guards: bool = True,
) -> LinkResult:
    """Cluster the rows of a `frame.feature_frame` table into people (`score` then `cluster`).

    `ssn_cannot_link=False` drops the different-SSN constraint (in merges and in the margin
    rule), for data whose SSN is not a verified identifier (FEBRL replaces it outright in some
    duplicates); human-services data
    keeps it. `one_per_source` names a frame column (the file or source of each row) for a
    link-only run: records of one source are never linked, and a person holds at most one
    record per source (two files, each listing a person once: a one-to-one linkage).
    `sibling_guards=False` is for data without households (no twins or siblings sharing a
    surname and an address, like a file of independently corrupted copies): a strong pair
    whose first names or birth dates differ then links on its weight; JR/SR still never does.
    """
    bands = thresholds or model.thresholds
    scored = score(frame, model, floor=bands.review, relambda=relambda, link_only=one_per_source)
    return cluster(
        frame,
        scored,
        bands,
        never_link=never_link,
        ssn_cannot_link=ssn_cannot_link,
        levels=guard_levels(model.splink),
        one_per_source=one_per_source,
        sibling_guards=sibling_guards,
    )


def cluster(
    frame: pd.DataFrame,
    scored: Scored,
    bands: Thresholds,
    *,
    never_link: Iterable[tuple[int, int]] = (),
    ssn_cannot_link: bool = True,
    levels: GuardLevels | None = None,
    one_per_source: str | None = None,
    sibling_guards: bool = True,
) -> LinkResult:
    """Three bands, guards, margin rule and constrained merging over scored pairs (pure).

    With `one_per_source` (see `link`), a review-band pair whose two records are each other's
    best candidate from the other source also links: when each source lists a person once, the
    runner-up candidates are what a mutual best has to beat, not every record in the city.
    """
    started = time.perf_counter()
    auto_w, review_w = weight_of(bands.auto_link), weight_of(bands.review)
    rep, ssn, suffix = scored.rep, scored.ssn, scored.suffix
    stats = dict(scored.stats)
    forbidden: dict[int, set[int]] = {}
    for a, b in never_link:
        if a in rep and b in rep and rep[a] != rep[b]:
            _forbid(forbidden, rep[a], rep[b])
    for a, b in scored.non_matches:
        _forbid(forbidden, a, b)
    edges = [
        (
            w,
            p,
            a,
            b,
            guard_reason(
                gf,
                gd,
                gs,
                suffix.get(a),
                suffix.get(b),
                strong=sibling_guards and w >= auto_w,
                first_names=(scored.first_name.get(a), scored.first_name.get(b)),
                dobs=(scored.dob.get(a), scored.dob.get(b)),
                levels=levels or GuardLevels(),
            ),
        )
        for w, p, a, b, gf, gd, gs in scored.pairs
        if w >= review_w
    ]
    sources: dict[int, set[str]] = {}
    mutual: set[tuple[int, int]] = set()
    if one_per_source is not None:
        for u, src in zip(frame["unique_id"].astype(int), frame[one_per_source], strict=True):
            if u in rep:
                sources.setdefault(rep[u], set()).add(str(src))
        edges = [e for e in edges if not sources[e[2]] & sources[e[3]]]
        mutual = _mutual_best(edges, auto_w)
    stats["pairs_in_review_band_or_above"] = len(edges)

    # Margin rule: a record whose two best candidates are close while those two are known to be
    # different people (a non-match pair, never-link, different SSNs unless the caller turned
    # that cannot-link off: an unverified id proves nothing) is ambiguous: both links
    # go to review instead of the model picking one.
    best: dict[int, list[tuple[float, int]]] = {}
    for w, _p, a, b, why in edges:
        if w >= auto_w and not why:
            best.setdefault(a, []).append((w, b))
            best.setdefault(b, []).append((w, a))
    ambiguous: set[tuple[int, int]] = set()
    for node, cands in best.items():
        if len(cands) < 2:
            continue
        (w1, c1), (w2, c2) = sorted(cands, reverse=True)[:2]
        different = c2 in forbidden.get(c1, ()) or (
            ssn_cannot_link and ssns_differ(ssn.get(c1), ssn.get(c2))
        )
        if w1 - w2 < bands.margin and different:
            ambiguous.add((min(node, c1), max(node, c1)))
            ambiguous.add((min(node, c2), max(node, c2)))

    # Exact SSN and exact date of birth: on the 100k city every such pair (10,555, 280 of them
    # with both names different) is one person, and FEBRL3 replaces both names in such pairs;
    # the naive-Bayes sum undercounts two identifiers agreeing when the names do not.
    lv = levels or GuardLevels()
    certain = {
        (min(a, b), max(a, b))
        for _w, _p, a, b, _gf, gd, gs in scored.pairs
        if gs == lv.ssn_exact and gd == lv.dob_exact
    }
    comps = _Components(scored.nodes, ssn, scored.middle, sources, scored.dob)
    review_rows: list[tuple[int, int, float, float, str]] = []
    blocked = 0
    for w, p, a, b, why in edges:
        pair = (min(a, b), max(a, b))
        promoted = pair in mutual or (pair in certain and not why and pair not in ambiguous)
        if not promoted and (w < auto_w or why or pair in ambiguous):
            reason = why or ("second-best candidate too close" if w >= auto_w else "uncertain")
            review_rows.append((a, b, w, p, reason))
            continue
        ra, rb = comps.find(a), comps.find(b)
        if ra == rb:
            continue
        if ssn_cannot_link and comps.ssn_conflict(ra, rb):
            blocked += 1
            review_rows.append((a, b, w, p, "different SSNs"))
        elif comps.middle_conflict(ra, rb):
            blocked += 1
            review_rows.append((a, b, w, p, "different middle initials"))
        elif comps.dob_conflict(ra, rb) and not dobs_differ(scored.dob.get(a), scored.dob.get(b)):
            # (a pair that itself disagrees on DOB was scored and passed the guards: SSN exact
            # or a mutual best; the rule is against chains through records without one)
            blocked += 1
            review_rows.append((a, b, w, p, "different dates of birth"))
        elif comps.sources[ra] & comps.sources[rb]:
            blocked += 1
            review_rows.append((a, b, w, p, "a second record from one source"))
        elif comps.pair_conflict(ra, rb, forbidden):
            blocked += 1
            review_rows.append((a, b, w, p, "never-link or non-match pair across clusters"))
        else:
            comps.union(ra, rb)
    stats["merges_refused"] = blocked
    stats["household_links"] = _household_pass(
        comps, scored, review_rows, ssn_cannot_link, forbidden
    )

    cluster_of_rep = {n: comps.find(n) for n in comps.parent}
    cluster_ids = [
        int(cluster_of_rep[rep[u]]) if u in rep else int(u) for u in frame["unique_id"].astype(int)
    ]
    clusters = pd.DataFrame({"unique_id": frame["unique_id"].to_numpy(), "cluster_id": cluster_ids})
    review = pd.DataFrame(
        [r for r in review_rows if cluster_of_rep[r[0]] != cluster_of_rep[r[1]]],
        columns=["unique_id_l", "unique_id_r", "match_weight", "match_probability", "reason"],
    ).drop_duplicates(["unique_id_l", "unique_id_r"])
    sizes = clusters["cluster_id"].value_counts()
    stats |= {
        "clusters": len(sizes),
        "largest_cluster": int(sizes.max()) if len(sizes) else 0,
        "review_pairs": len(review),
        "seconds": round(stats.get("score_seconds", 0) + time.perf_counter() - started, 2),
    }
    return LinkResult(clusters=clusters, review=review, stats=stats)


def _mutual_best(
    edges: list[tuple[float, float, int, int, str]], auto_w: float
) -> set[tuple[int, int]]:
    """Pairs (low id first) that are each other's strongest edge across sources.

    The sibling guards (first names or dates of birth differ) are waived for a strong mutual
    best: a sibling with a record in the other source is that record's own mutual best, and
    one who has none cannot take a second record of this source. JR/SR never is.
    """
    best: dict[int, tuple[float, int]] = {}
    for w, _p, a, b, _why in edges:
        for x, y in ((a, b), (b, a)):
            if x not in best or w > best[x][0]:
                best[x] = (w, y)
    return {
        (min(a, b), max(a, b))
        for w, _p, a, b, why in edges
        if best[a][1] == b
        and best[b][1] == a
        and (not why or (w >= auto_w and why in SIBLING_GUARDS))
    }


def same_name_and_birth(
    first: tuple[str | None, str | None], dob: tuple[str | None, str | None]
) -> bool:
    """Both records give the same first name and the same full date of birth."""
    return bool(first[0] and dob[0]) and first[0] == first[1] and dob[0] == dob[1]


def _household_pass(
    comps: _Components,
    scored: Scored,
    review_rows: list[tuple[int, int, float, float, str]],
    ssn_cannot_link: bool,
    forbidden: dict[int, set[int]],
) -> int:
    """Link "uncertain" pairs that a moved household vouches for; returns how many.

    Same first name and full date of birth, different addresses, no SSN to settle it: the city's
    largest group of missed true pairs, and its only source of same-name-same-birthday false
    merges. What separates them is the family: when another record at one address is already
    linked to another record at the other address, the household moved together. On the 100k
    city, of the review-band pairs with the same first name and date of birth, 65 true pairs and
    no false one had such a household link (siblings cannot be confused here: their first names
    or birth dates differ). `openhhs.cci.match.upsert` applies the same rule online.
    """
    at: dict[str, list[int]] = {}
    for n, addr in scored.street_unit.items():
        at.setdefault(addr, []).append(n)
    linked = 0
    for a, b, _w, _p, reason in review_rows:
        if reason != "uncertain" or not same_name_and_birth(
            (scored.first_name.get(a), scored.first_name.get(b)),
            (scored.dob.get(a), scored.dob.get(b)),
        ):
            continue
        ra, rb = comps.find(a), comps.find(b)
        addr_a, addr_b = scored.street_unit.get(a), scored.street_unit.get(b)
        if ra == rb or not addr_a or not addr_b or addr_a == addr_b:
            continue
        mates_a = {comps.find(c) for c in at[addr_a] if c != a} - {ra, rb}
        mates_b = {comps.find(d) for d in at[addr_b] if d != b} - {ra, rb}
        if not mates_a & mates_b:
            continue
        if (
            (ssn_cannot_link and comps.ssn_conflict(ra, rb))
            or comps.middle_conflict(ra, rb)
            or comps.dob_conflict(ra, rb)
            or comps.pair_conflict(ra, rb, forbidden)
        ):
            continue
        comps.union(ra, rb)
        linked += 1
    return linked


def pairwise_metrics(cluster_ids: Iterable[Any], truth: Iterable[Any]) -> dict[str, float]:
    """Pairwise precision, recall and F1 of a clustering against true person ids."""
    df = pd.DataFrame({"c": list(cluster_ids), "t": list(truth)})

    def pairs(sizes: pd.Series) -> int:
        return int((sizes * (sizes - 1) // 2).sum())

    predicted = pairs(df.groupby("c").size())
    actual = pairs(df.groupby("t").size())
    correct = pairs(df.groupby(["c", "t"]).size())
    precision = correct / predicted if predicted else 1.0
    recall = correct / actual if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "true_pairs": actual,
        "predicted_pairs": predicted,
        "correct_pairs": correct,
    }
