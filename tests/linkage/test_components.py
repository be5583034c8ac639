"""Edge components: which confident non-matches can matter to clustering at all."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from openhhs.linkage.batch import _edge_components


def _pair(a: int, b: int) -> tuple[float, float, int, int, int, int, int]:
    return (10.0, 0.99, a, b, 0, 0, 0)


def test_chains_share_a_label_and_islands_do_not() -> None:
    comp = _edge_components([_pair(1, 2), _pair(2, 3), _pair(7, 8), _pair(3, 4)])
    assert comp[1] == comp[2] == comp[3] == comp[4]
    assert comp[7] == comp[8] != comp[1]
    assert 5 not in comp  # a node without edges cannot be joined to anything


@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), max_size=60))
def test_same_label_iff_connected(edges: list[tuple[int, int]]) -> None:
    comp = _edge_components([_pair(a, b) for a, b in edges])
    adjacent: dict[int, set[int]] = {}
    for a, b in edges:
        adjacent.setdefault(a, set()).add(b)
        adjacent.setdefault(b, set()).add(a)
    for start in adjacent:
        seen, todo = {start}, [start]
        while todo:
            for nxt in adjacent[todo.pop()] - seen:
                seen.add(nxt)
                todo.append(nxt)
        assert {n for n in adjacent if comp[n] == comp[start]} == seen


def test_dates_of_birth_differ_only_when_no_single_slip_explains_them() -> None:
    from openhhs.linkage.batch import dobs_differ

    assert dobs_differ("1979-03-14", "2009-03-14")  # father and son, same birthday
    assert dobs_differ("1959-03-14", "1989-07-02")  # one year digit apart, but not the rest
    assert dobs_differ("1979-03-14", "1985-11-30")
    for a, b in [
        ("1979-03-14", "1979-03-14"),
        ("1979-03-14", "1979-11-30"),  # same year: siblings' guard, not a cannot-link
        ("1979-03-14", "1980-03-14"),  # one year apart is never "clearly"
        ("1979-03-14", "1997-03-14"),  # transposed year digits
        ("1959-03-14", "1989-03-14"),  # one digit off
        ("1979-03-14", "1975-03-04"),  # year typo... and a day typo: two slips, see below
        ("1979-03-14", "1975-01-01"),  # a year typo on a year-only record
        ("1979-03-04", "1975-04-03"),  # a year typo and day/month swapped
        ("1979-03-14", None),
        ("1979-03-14", "1979"),  # malformed: never conflicts
    ]:
        if a == "1979-03-14" and b == "1975-03-04":
            assert dobs_differ(a, b)  # two slips in one pair: a different person
            continue
        assert not dobs_differ(a, b), (a, b)
        assert not dobs_differ(b, a), (b, a)


def test_clusters_with_clearly_different_birth_dates_never_merge() -> None:
    from openhhs.linkage.batch import _Components

    comps = _Components([1, 2, 3, 4], {}, dob={1: "1979-03-14", 3: "2009-03-14", 4: "1979-03-14"})
    assert not comps.dob_conflict(1, 2)  # no DOB on one side: nothing to disagree with
    comps.union(comps.find(1), comps.find(2))
    assert comps.dob_conflict(comps.find(2), comps.find(3))  # the chain through 2 is refused
    assert not comps.dob_conflict(comps.find(2), comps.find(4))
    comps.union(comps.find(3), comps.find(4))  # a cluster holding 1979 and 2009 (a steward's)
    assert not comps.dob_conflict(comps.find(1), comps.find(3))  # one DOB agrees: no conflict
