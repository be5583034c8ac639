"""Run-time settings, read once from the environment (PRODUCT.md §4)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATABASE_URL = "sqlite:///var/openhhs.db"


@dataclass(frozen=True)
class Settings:
    database_url: str
    host: str
    port: int
    secret_key: str
    var_dir: Path

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        var_dir = Path(env.get("OPENHHS_VAR_DIR", "var"))
        return cls(
            database_url=env.get("OPENHHS_DATABASE_URL", DEFAULT_DATABASE_URL),
            host=env.get("OPENHHS_HOST", "127.0.0.1"),
            port=int(env.get("OPENHHS_PORT", "8000")),
            secret_key=env.get("OPENHHS_SECRET_KEY") or _local_secret(var_dir),
            var_dir=var_dir,
        )


def _local_secret(var_dir: Path) -> str:
    """A per-installation key kept in var/, so sessions survive a restart (embedded default)."""
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key
