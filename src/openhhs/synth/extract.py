"""Later extracts: the same city some days on, with records changed, deleted and added."""

from __future__ import annotations

from openhhs.synth.sources.base import Table

CHANGE_COLUMNS = ("source", "file", "record_id", "change", "field", "old_value", "new_value")


def advance(world: object, seed: int, k: int) -> None:
    raise NotImplementedError


def diff(before: list[Table], after: list[Table]) -> list[list[str]]:
    raise NotImplementedError
