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
