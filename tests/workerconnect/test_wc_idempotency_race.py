"""Two pushes with one Idempotency-Key at the same time: the second waits for the first's answer.

The race is driven on the push's unit of work directly, the first push held inside its change
until the second has either looked the key up (nothing serialized them: it applies too) or
waits on a lock. On PostgreSQL the principal is built without authenticating, so nothing but
the key's advisory lock can queue the two (authentication's update of the token row would);
on SQLite each push authenticates as the route does, whose token write takes the write lock.
"""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from openhhs.access.accounts import authenticate_service_token, service_principal
from openhhs.access.models import ServiceAccount
from openhhs.errors import Conflict
from openhhs.model import SourcePerson, SourceSystem
from openhhs.workerconnect import api, idempotency, push
from openhhs.workerconnect.models import IdempotencyKey
from openhhs.workerconnect.schemas import PushPerson

PATH = "/api/v1/push/dhs_hmis/persons/D-9500"
KEY = "raced-key-0001"
SQLITE_HOLD_SECONDS = 1.0  # no view of SQLite's lock waiters: the first push holds this long


def _someone_waits_on_a_lock(world: Any) -> bool:
    with world.engine.connect() as conn:
        waiting = conn.scalar(
            text(
                "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
                "WHERE NOT l.granted AND d.datname = current_database()"
            )
        )
    return bool(waiting)


def _race(world: Any, monkeypatch: Any, bodies: list[dict[str, Any]]) -> list[Any]:
    """Push `bodies[0]`, and `bodies[1]` under the same key while the first is being applied.

    Returns each push's answer (status, body, replayed), or the exception it raised.
    """
    token = world.city.tokens["dhs_hmis"]
    on_pg = world.engine.dialect.name == "postgresql"
    lookups: list[int] = []
    real_lookup = idempotency.lookup

    def counted_lookup(*args: Any) -> Any:
        out = real_lookup(*args)
        lookups.append(1)
        return out

    monkeypatch.setattr(idempotency, "lookup", counted_lookup)
    with Session(world.engine) as s:
        token_id = token.split("_")[2]
        account = s.scalars(select(ServiceAccount).where(ServiceAccount.token_id == token_id))
        unauthenticated = service_principal(account.one())  # the token row left untouched
    first_applying = threading.Event()

    def second_came() -> bool:
        if len(lookups) >= 2:
            return True
        return _someone_waits_on_a_lock(world) if on_pg else False

    def push_once(i: int) -> Any:
        body = PushPerson.model_validate(bodies[i])
        digest = idempotency.request_hash("PUT", PATH, json.dumps(bodies[i]).encode())
        with Session(world.engine, expire_on_commit=False) as db:
            principal = unauthenticated if on_pg else authenticate_service_token(db, token)

            def apply(system: SourceSystem) -> Any:
                if i == 0:
                    first_applying.set()
                    limit = 10.0 if on_pg else SQLITE_HOLD_SECONDS
                    deadline = time.monotonic() + limit
                    while not second_came() and time.monotonic() < deadline:
                        time.sleep(0.01)
                    assert not on_pg or second_came(), "the second push never came"
                return push.upsert_person(db, system, "D-9500", body)

            if i == 1:
                assert first_applying.wait(10)
            try:
                return api._push_once(
                    db,
                    principal,
                    push.token_used_at(db, principal),
                    "dhs_hmis",
                    KEY,
                    digest,
                    "PUT",
                    PATH,
                    apply,
                )
            except Exception as exc:
                return exc

    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(push_once, range(2)))


def _stored(world: Any) -> tuple[int, int]:
    with Session(world.engine) as s:
        persons = s.scalar(
            select(func.count()).select_from(SourcePerson).where(SourcePerson.source_id == "D-9500")
        )
        keys = s.scalar(
            select(func.count()).select_from(IdempotencyKey).where(IdempotencyKey.key == KEY)
        )
    return persons or 0, keys or 0


def test_the_second_push_with_a_key_waits_and_replays_the_first(world, monkeypatch, maria):
    first, second = _race(world, monkeypatch, [maria, maria])
    assert not isinstance(first, Exception) and not isinstance(second, Exception), (first, second)
    assert first[0] == second[0] == 200
    assert first[1] == second[1] and first[1]["outcome"] == "inserted"
    assert (first[2], second[2]) == (False, True)  # applied, replayed
    assert _stored(world) == (1, 1)


def test_a_different_body_under_the_raced_key_is_a_conflict(world, monkeypatch, maria):
    first, second = _race(world, monkeypatch, [maria, {**maria, "first_name": "Mary"}])
    assert not isinstance(first, Exception), first
    assert isinstance(second, Conflict), second
    assert _stored(world) == (1, 1)
