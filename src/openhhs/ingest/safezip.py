"""Reading uploaded zips (HMIS exports) without trusting them.

Nothing is extracted to disk. The whole archive is refused when any entry has an absolute path,
a `..` component, a drive letter or is a symlink (an attacker's export would not be half-read),
when it has too many entries, or when it declares or actually inflates beyond the size limits
(zip bombs): sizes are counted while reading, not taken from the headers.
"""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path, PurePosixPath

from openhhs.errors import InvalidInput

MAX_ENTRIES = 1000
MAX_TOTAL_BYTES = 2_000_000_000
MAX_RATIO = 200  # uncompressed/compressed beyond this (on entries over 1 MB) is a bomb
_CHUNK = 1 << 20


class UnsafeArchive(InvalidInput):
    """The archive is refused as a whole."""


def _check_name(name: str) -> None:
    p = name.replace("\\", "/")
    if p.startswith("/") or (len(p) > 1 and p[1] == ":"):
        raise UnsafeArchive(f"zip entry {name!r} has an absolute path")
    if ".." in PurePosixPath(p).parts:
        raise UnsafeArchive(f"zip entry {name!r} escapes the archive (path traversal)")


def read_zip(
    path: Path, *, max_total: int = MAX_TOTAL_BYTES, max_ratio: int = MAX_RATIO
) -> dict[str, bytes]:
    """Every regular file of the archive by its base name (HMIS exports are flat)."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnsafeArchive(f"{path.name}: not a readable zip file ({exc})") from exc
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ENTRIES:
            raise UnsafeArchive(f"{path.name}: {len(infos)} entries (limit {MAX_ENTRIES})")
        for info in infos:
            _check_name(info.filename)
            if stat.S_ISLNK(info.external_attr >> 16):
                raise UnsafeArchive(f"zip entry {info.filename!r} is a symbolic link")
        declared = sum(i.file_size for i in infos)
        if declared > max_total:
            raise UnsafeArchive(f"{path.name}: declares {declared:,} bytes (limit {max_total:,})")
        out: dict[str, bytes] = {}
        total = 0
        for info in infos:
            if info.is_dir():
                continue
            base = PurePosixPath(info.filename.replace("\\", "/")).name
            if base.startswith(".") or info.filename.startswith("__MACOSX"):
                continue
            if base in out:
                raise UnsafeArchive(f"{path.name}: {base} appears twice in the archive")
            chunks: list[bytes] = []
            size = 0
            try:
                with zf.open(info) as fh:
                    while chunk := fh.read(_CHUNK):
                        size += len(chunk)
                        total += len(chunk)
                        if total > max_total:
                            raise UnsafeArchive(f"{path.name}: inflates beyond {max_total:,} bytes")
                        if size > _CHUNK and size > max_ratio * max(info.compress_size, 1):
                            raise UnsafeArchive(
                                f"{path.name}: {info.filename} inflates more than "
                                f"{max_ratio}x (zip bomb)"
                            )
                        chunks.append(chunk)
            except (zipfile.BadZipFile, OSError, RuntimeError, EOFError) as exc:
                raise UnsafeArchive(f"{path.name}: {info.filename}: {exc}") from exc
            out[base] = b"".join(chunks)
        return out
