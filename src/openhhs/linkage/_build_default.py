"""Rebuild the bundled `default_model.json`: `python -m openhhs.linkage._build_default [LINK_CSV]`.

With a synthetic city's `link_file.csv` (and its `ground_truth.csv` beside it) the model is
trained and evaluated on that; without, on the small labelled `toycity`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from openhhs.linkage import toycity
from openhhs.linkage.frame import feature_frame
from openhhs.linkage.modelfile import DEFAULT_MODEL_RESOURCE
from openhhs.linkage.train import promote, train

OUT = Path(__file__).with_name(DEFAULT_MODEL_RESOURCE)


def main(argv: list[str]) -> None:
    if argv:
        from openhhs.linkage.linkfile import read_link_csv
        from openhhs.linkage.run import read_truth

        link_csv = Path(argv[0])
        rows, _w, _p = read_link_csv(link_csv)
        truth = read_truth(link_csv.with_name("ground_truth.csv"))
        for r in rows:
            r["person_id"] = truth[(r["source"], r["record_id"])]
        source = f"synthetic city ({link_csv.parent.name}: openhhs synth --people 10000 --seed 1)"
    else:
        rows = toycity.generate(households=4000, seed=11)
        source = "openhhs.linkage.toycity (4000 households, seed 11)"
    frame = feature_frame(rows, keep=("person_id",))
    model = promote(train(frame, max_pairs=3e6, version="default-1"), None, frame)
    model.report["trained_on"] = source
    model.save(OUT)
    print(model.report)


if __name__ == "__main__":
    main(sys.argv[1:])
