"""Probabilistic record linkage: comparison features, the Splink model, batch `link`, `link-file`.

`features.to_features` is the one definition of the comparison columns (shared with the CCI's
online scorer); `settings`/`train` build and train the Splink 5 model; `batch.link` clusters
records with constraints; `linkfile.link_file` runs a standalone CSV through all of it.
Splink is imported only by the modules that need it, so `to_features` stays cheap to import.
"""

from typing import Any

from openhhs.linkage.features import FEATURE_COLUMNS, has_identity, to_features


def current_model(bind: Any) -> Any:
    """The promoted `LinkageModel` in this database (Session or Engine), or None."""
    from openhhs.linkage.registry import current_model as _current

    return _current(bind)


__all__ = ["FEATURE_COLUMNS", "current_model", "has_identity", "to_features"]
