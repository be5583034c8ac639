"""The linkage model the online path scores with: the stored Splink JSON plus its decision bands.

The linkage capability trains and promotes models (`openhhs.linkage`); the CCI only reads the
current one. The bands (auto-link, review, margin) come from the same document so an online
decision and a batch decision on the same pair agree.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from openhhs.cci.scorer import Scorer
from openhhs.errors import NotFound


@dataclass(frozen=True)
class Bands:
    """Three decision bands on match probability plus the margin rule (match-weight bits)."""

    auto_link: float = 0.995
    review: float = 0.5
    margin: float = 3.0


@dataclass(frozen=True)
class ActiveModel:
    version: str
    scorer: Scorer
    bands: Bands


def _bands_of(thresholds: Any) -> Bands:
    if thresholds is None:
        return Bands()
    if isinstance(thresholds, Mapping):
        get = thresholds.get
    else:

        def get(key: str, default: Any = None) -> Any:
            return getattr(thresholds, key, default)

    base = Bands()
    return Bands(
        auto_link=float(get("auto_link", base.auto_link)),
        review=float(get("review", base.review)),
        margin=float(get("margin", base.margin)),
    )


def from_document(document: Any, version: str | None = None) -> ActiveModel:
    """An `ActiveModel` from a linkage model (object or dict) or a bare Splink model dict."""
    if hasattr(document, "splink"):
        splink_dict = document.splink
        bands = _bands_of(getattr(document, "thresholds", None))
        version = version or str(getattr(document, "version", "unversioned"))
    elif isinstance(document, Mapping) and "splink" in document:
        splink_dict = document["splink"]
        bands = _bands_of(document.get("thresholds"))
        version = version or str(document.get("version", "unversioned"))
    elif isinstance(document, Mapping):
        splink_dict = document
        bands = Bands()
        version = version or "unversioned"
    else:
        raise NotFound("no linkage model")
    return ActiveModel(version=version, scorer=Scorer(splink_dict), bands=bands)


_lock = threading.Lock()
_override: ActiveModel | None = None
_cache: dict[str, ActiveModel] = {}


def use_model(model: ActiveModel | Mapping[str, Any] | None) -> None:
    """Pin the model the online path uses (tests, benchmarks); None goes back to the linkage one."""
    global _override
    with _lock:
        _override = (
            None
            if model is None
            else (model if isinstance(model, ActiveModel) else from_document(model))
        )


def active_model(session: Session) -> ActiveModel:
    """The pinned model, else the linkage capability's current (or shipped default) model."""
    if _override is not None:
        return _override
    document: Any = None
    try:  # the linkage capability owns model storage and promotion
        from openhhs import linkage

        current = getattr(linkage, "current_model", None)
        if current is not None:
            document = current(session)
        if document is None:
            from openhhs.linkage.modelfile import default_model

            document = default_model()
    except (ImportError, FileNotFoundError, OSError) as exc:
        raise NotFound("no linkage model has been trained or shipped yet") from exc
    version = str(getattr(document, "version", None) or "unversioned")
    with _lock:
        cached = _cache.get(version)
        if cached is None:
            cached = from_document(document, version)
            _cache.clear()
            _cache[version] = cached
    return cached
