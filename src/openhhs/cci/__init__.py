"""Common Client Index: persistent Enterprise IDs, golden records, real-time matching, review.

The public face other capabilities import (PRODUCT.md §2.4):

* `match(session, record, limit)` -> ranked `Candidate`s with probability and the why;
* `upsert(session, source_record_id)` -> `MatchOutcome` (linked / new / review + Enterprise ID);
* `registry`: `assign_enterprise_ids`, `resolve`, `members`, `changes_since` (the change feed);
* `golden`: `golden_record`, `set_override`, `clear_override`;
* `review`: `pending`, `decide`, `unmerge`, `never_link_pairs`, `labels`, `precision_estimate`;
* `scorer.Scorer`: Splink's match weight for a pair, from the stored model JSON.
"""

from openhhs.cci import golden, index, registry, review, scorer
from openhhs.cci.golden import GoldenRecord, golden_record
from openhhs.cci.match import Candidate, MatchOutcome, match, upsert
from openhhs.cci.model import ActiveModel, Bands, active_model, use_model
from openhhs.cci.registry import assign_enterprise_ids, changes_since
from openhhs.cci.review import never_link_pairs
from openhhs.cci.scorer import ComparisonPart, Score, Scorer

__all__ = [
    "ActiveModel",
    "Bands",
    "Candidate",
    "ComparisonPart",
    "GoldenRecord",
    "MatchOutcome",
    "Score",
    "Scorer",
    "active_model",
    "assign_enterprise_ids",
    "changes_since",
    "golden",
    "golden_record",
    "index",
    "match",
    "never_link_pairs",
    "registry",
    "review",
    "scorer",
    "upsert",
    "use_model",
]
