"""A trained linkage model as one JSON document: Splink's model, decision bands, training report.

The `splink` key is exactly what `linker.misc.save_model_to_json()` returns, so Splink can load
it (`Linker(df, model.splink)`) and the CCI's online scorer can read the same m/u values.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

FORMAT = "openhhs-linkage-model/1"
DEFAULT_MODEL_RESOURCE = "default_model.json"


@dataclass(frozen=True)
class Thresholds:
    """Three decision bands on match probability, plus the margin rule (in match-weight bits)."""

    auto_link: float = 0.995  # at or above: same person, linked without a human
    review: float = 0.5  # between review and auto_link: clerical review; below: no link
    margin: float = 3.0  # second-best candidate within this many bits of the best -> review


@dataclass(frozen=True)
class LinkageModel:
    version: str
    splink: dict[str, Any]
    thresholds: Thresholds = field(default_factory=Thresholds)
    report: dict[str, Any] = field(default_factory=dict)
    # value frequencies of the TF-adjusted columns in the training population, used when an
    # input is too small for its own frequencies to mean anything (a 3-row file: MARIA = 2/3)
    term_frequencies: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def probability_two_random_records_match(self) -> float:
        return float(self.splink["probability_two_random_records_match"])

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": self.version,
            "thresholds": asdict(self.thresholds),
            "report": self.report,
            "splink": self.splink,
            "term_frequencies": self.term_frequencies,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=1, sort_keys=False, default=str)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LinkageModel:
        if data.get("format") != FORMAT:
            raise ValueError(f"not an OpenHHS linkage model (format {data.get('format')!r})")
        return cls(
            version=str(data["version"]),
            splink=data["splink"],
            thresholds=Thresholds(**data.get("thresholds", {})),
            report=data.get("report", {}),
            term_frequencies=data.get("term_frequencies", {}),
        )

    @classmethod
    def from_json(cls, text: str) -> LinkageModel:
        return cls.from_dict(json.loads(text))

    def save(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.to_json(), encoding="utf-8")
        return path


def default_model() -> LinkageModel:
    """The model shipped in the package (trained on a synthetic city), for offline `link-file`."""
    text = resources.files("openhhs.linkage").joinpath(DEFAULT_MODEL_RESOURCE).read_text("utf-8")
    return LinkageModel.from_json(text)
