"""Synthetic city: a seeded NYC-like population and eight agencies' native exports about it.

Layout and formats: docs/synthetic-city.md. Use `generate(people, seed, out)`; the CLI is
`openhhs synth --people N --seed S --out DIR`.
"""

from openhhs.synth.generate import Manifest, generate

__all__ = ["Manifest", "generate"]
